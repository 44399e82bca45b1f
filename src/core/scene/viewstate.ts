/**
 * The viewer's shareable state (camera, layers, style, selection, BIM, language) and its URL encoding.
 * Pure TypeScript: no Cesium, no DOM. A share link carries `encodeViewState(state)` in its hash; opening it
 * decodes to the same state. Values are rounded to fixed precision first (`normalizeViewState`), so
 * `decodeViewState(encodeViewState(s))` deep-equals `normalizeViewState(s)` exactly.
 */
import type { CameraPose } from './catalog.js';

/** UI languages. */
export type Lang = 'zh' | 'en';

/** Per-layer display state. */
export interface LayerViewState {
  visible: boolean;
  /** 0..1, two decimals. */
  opacity: number;
  /** Attribute the layer is coloured by, or null for its own colours. */
  styleBy: string | null;
}

/** A selected feature: the layer id and the feature's id. */
export interface SelectionState {
  layer: string;
  id: string;
}

/** State of the BIM tools for one BIM layer. */
export interface BimViewState {
  layer: string;
  /** Isolated storey id, or null for all storeys. */
  storey: string | null;
  /** Explode gap between storeys in metres (0 = not exploded). */
  explode: number;
  /** Section plane height above the building base in metres, or null for no section. */
  section: number | null;
}

/** A layer the user added by URL (part of the share link). */
export interface UserLayerState {
  /** "tiles" = a 3D Tiles tileset.json, "imagery" = an XYZ / WMTS URL template. */
  type: 'tiles' | 'imagery';
  url: string;
  name: string;
  /** Imagery only: tiling scheme of the template. */
  scheme?: 'webmercator' | 'geographic';
}

/** Everything a share link restores. */
export interface ViewState {
  camera: CameraPose | null;
  layers: Record<string, LayerViewState>;
  selection: SelectionState | null;
  bim: BimViewState | null;
  underground: boolean;
  lang: Lang;
  userLayers: UserLayerState[];
  /**
   * Time the live layers show: ms since epoch (whole seconds) for a replay, absent or null for live. Optional so
   * states written before replay existed stay valid; encoded as `time=<ISO 8601>` only when set.
   */
  time?: number | null;
}

/** Error thrown for a malformed share link; names the offending field. */
export class ViewStateError extends Error {
  /** @param field the URL parameter that was bad */
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`share link field '${field}': ${message}`);
    this.name = 'ViewStateError';
  }
}

/** Rounds to `digits` decimals, turning -0 into 0. */
export function roundTo(v: number, digits: number): number {
  const f = 10 ** digits;
  const r = Math.round(v * f) / f;
  return r === 0 ? 0 : r;
}

/** Normalises an angle in degrees to [0, 360). */
function wrap360(deg: number): number {
  const r = ((deg % 360) + 360) % 360;
  return r >= 359.995 ? 0 : r;
}

/**
 * Rounds a camera pose to share-link precision: lon/lat 7 decimals (~1 cm), height 2 decimals (cm),
 * heading/pitch/roll 2 decimals of a degree; heading and roll wrapped to [0, 360).
 */
export function roundCamera(c: CameraPose): CameraPose {
  return {
    lon: roundTo(c.lon, 7),
    lat: roundTo(c.lat, 7),
    height: roundTo(c.height, 2),
    heading: roundTo(wrap360(c.heading), 2),
    pitch: roundTo(c.pitch, 2),
    roll: roundTo(wrap360(c.roll), 2),
  };
}

/** Returns a copy of the state with every number rounded to share-link precision and keys in a fixed order. */
export function normalizeViewState(s: ViewState): ViewState {
  const layers: Record<string, LayerViewState> = {};
  for (const id of Object.keys(s.layers).sort()) {
    const l = s.layers[id];
    layers[id] = { visible: !!l.visible, opacity: roundTo(Math.min(1, Math.max(0, l.opacity)), 2), styleBy: l.styleBy ?? null };
  }
  return {
    camera: s.camera ? roundCamera(s.camera) : null,
    layers,
    selection: s.selection ? { layer: s.selection.layer, id: s.selection.id } : null,
    bim: s.bim
      ? {
          layer: s.bim.layer,
          storey: s.bim.storey ?? null,
          explode: roundTo(Math.max(0, s.bim.explode), 1),
          section: s.bim.section == null ? null : roundTo(s.bim.section, 1),
        }
      : null,
    underground: !!s.underground,
    lang: s.lang === 'en' ? 'en' : 'zh',
    userLayers: s.userLayers.map((u) => ({
      type: u.type,
      url: u.url,
      name: u.name,
      ...(u.type === 'imagery' ? { scheme: u.scheme ?? 'webmercator' } : {}),
    })),
    ...(typeof s.time === 'number' && Number.isFinite(s.time) ? { time: Math.round(s.time / 1000) * 1000 } : {}),
  };
}

/** Escapes the separators used inside a field (`,` `:` `~` and `%`). */
function esc(s: string): string {
  return s.replace(/[%,:~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/** Reverses `esc`. */
function unesc(s: string, field: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ViewStateError(field, `bad escape in '${s}'`);
  }
}

/** Formats a number without exponent noise. */
function num(v: number): string {
  return String(v);
}

/**
 * Encodes a state as a URL hash body (without '#'), e.g.
 * `v=1&cam=113.32,23.11,1400,0,-35,0&l=bim:1:1:-,city:1:0.8:height&sel=city:B0012&bim=bim:S3:0:-&ug=0&lang=zh`.
 */
export function encodeViewState(state: ViewState): string {
  const s = normalizeViewState(state);
  const p = new URLSearchParams();
  p.set('v', '1');
  if (s.camera) {
    const c = s.camera;
    p.set('cam', [c.lon, c.lat, c.height, c.heading, c.pitch, c.roll].map(num).join(','));
  }
  p.set(
    'l',
    Object.entries(s.layers)
      .map(([id, l]) => [esc(id), l.visible ? '1' : '0', num(l.opacity), l.styleBy == null ? '-' : esc(l.styleBy)].join(':'))
      .join(','),
  );
  if (s.selection) p.set('sel', `${esc(s.selection.layer)}:${esc(s.selection.id)}`);
  if (s.bim) {
    const b = s.bim;
    p.set('bim', [esc(b.layer), b.storey == null ? '-' : esc(b.storey), num(b.explode), b.section == null ? '-' : num(b.section)].join(':'));
  }
  p.set('ug', s.underground ? '1' : '0');
  p.set('lang', s.lang);
  if (s.userLayers.length) {
    p.set(
      'add',
      s.userLayers.map((u) => [u.type, esc(u.name), u.type === 'imagery' ? (u.scheme ?? 'webmercator') : '-', esc(u.url)].join('~')).join(','),
    );
  }
  if (s.time != null) p.set('time', new Date(s.time).toISOString().replace('.000Z', 'Z'));
  // Readable links: keep the field separators , : ~ { } unescaped (values escape their own via esc()).
  return [...p]
    .map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%7B/g, '{').replace(/%7D/g, '}')}`)
    .join('&');
}

/** Parses a finite number or throws naming the field. */
function parseNum(s: string, field: string): number {
  const v = Number(s);
  if (s.trim() === '' || !Number.isFinite(v)) throw new ViewStateError(field, `'${s}' is not a number`);
  return v;
}

/**
 * Decodes a URL hash body (with or without a leading '#'). Missing fields take the defaults given in
 * `defaults`; a malformed field throws ViewStateError naming it.
 */
export function decodeViewState(hash: string, defaults: ViewState): ViewState {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const v = p.get('v');
  if (v !== null && v !== '1') throw new ViewStateError('v', `unsupported version '${v}'`);
  const out: ViewState = structuredClone(defaults);

  const cam = p.get('cam');
  if (cam !== null) {
    const parts = cam.split(',');
    if (parts.length !== 6) throw new ViewStateError('cam', `expected 6 numbers (lon,lat,height,heading,pitch,roll), got ${parts.length}`);
    const [lon, lat, height, heading, pitch, roll] = parts.map((x) => parseNum(x, 'cam'));
    if (lon < -180 || lon > 180 || lat < -90 || lat > 90) throw new ViewStateError('cam', `lon/lat out of range (${lon}, ${lat})`);
    out.camera = { lon, lat, height, heading, pitch, roll };
  }

  const l = p.get('l');
  if (l !== null && l !== '') {
    for (const item of l.split(',')) {
      const parts = item.split(':');
      if (parts.length !== 4) throw new ViewStateError('l', `expected id:visible:opacity:style, got '${item}'`);
      const [id, vis, op, style] = parts;
      if (vis !== '0' && vis !== '1') throw new ViewStateError('l', `visibility must be 0 or 1 in '${item}'`);
      const opacity = parseNum(op, 'l');
      if (opacity < 0 || opacity > 1) throw new ViewStateError('l', `opacity ${opacity} outside 0..1`);
      out.layers[unesc(id, 'l')] = { visible: vis === '1', opacity, styleBy: style === '-' ? null : unesc(style, 'l') };
    }
  }

  const sel = p.get('sel');
  if (sel !== null) {
    const parts = sel.split(':');
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new ViewStateError('sel', `expected layer:id, got '${sel}'`);
    out.selection = { layer: unesc(parts[0], 'sel'), id: unesc(parts[1], 'sel') };
  }

  const bim = p.get('bim');
  if (bim !== null) {
    const parts = bim.split(':');
    if (parts.length !== 4) throw new ViewStateError('bim', `expected layer:storey:explode:section, got '${bim}'`);
    const explode = parseNum(parts[2], 'bim');
    if (explode < 0) throw new ViewStateError('bim', `explode gap ${explode} is negative`);
    out.bim = {
      layer: unesc(parts[0], 'bim'),
      storey: parts[1] === '-' ? null : unesc(parts[1], 'bim'),
      explode,
      section: parts[3] === '-' ? null : parseNum(parts[3], 'bim'),
    };
  }

  const ug = p.get('ug');
  if (ug !== null) {
    if (ug !== '0' && ug !== '1') throw new ViewStateError('ug', `must be 0 or 1, got '${ug}'`);
    out.underground = ug === '1';
  }

  const lang = p.get('lang');
  if (lang !== null) {
    if (lang !== 'zh' && lang !== 'en') throw new ViewStateError('lang', `must be zh or en, got '${lang}'`);
    out.lang = lang;
  }

  const add = p.get('add');
  if (add !== null && add !== '') {
    out.userLayers = add.split(',').map((item) => {
      const parts = item.split('~');
      if (parts.length !== 4) throw new ViewStateError('add', `expected type~name~scheme~url, got '${item}'`);
      const [type, name, scheme, url] = parts;
      if (type !== 'tiles' && type !== 'imagery') throw new ViewStateError('add', `unknown layer type '${type}'`);
      if (type === 'imagery') {
        if (scheme !== 'webmercator' && scheme !== 'geographic') throw new ViewStateError('add', `unknown tiling scheme '${scheme}'`);
        return { type, name: unesc(name, 'add'), scheme, url: unesc(url, 'add') };
      }
      return { type, name: unesc(name, 'add'), url: unesc(url, 'add') };
    });
  }
  const time = p.get('time');
  if (time !== null) {
    if (time === '' || time === 'live') delete out.time;
    else {
      const ms = /^-?\d+$/.test(time) ? Number(time) : Date.parse(time);
      if (!Number.isFinite(ms)) throw new ViewStateError('time', `expected an ISO 8601 time, ms since epoch or 'live', got '${time}'`);
      out.time = ms;
    }
  }
  return normalizeViewState(out);
}
