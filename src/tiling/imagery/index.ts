/**
 * Ground imagery writer: paints the district plan (roads with edge and centre markings, water, parks, plots
 * tinted by use, plazas, sports fields, embankments) into 256 × 256 PNG tiles of Cesium's geographic tiling
 * scheme, XYZ layout `{z}/{x}/{y}.png` with y counted from the north. Edges are anti-aliased; pixels outside
 * the rectangle are transparent. Same input, same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { encodePngRgba } from './png.js';
import { WriteQueue } from '../terrain/write-queue.js';
import type { PlanKind, PlanPolygon } from '../../core/demo/types.js';
import type { CoordinateTransform } from '../../core/geo/projection.js';
import { metresPerDegree } from '../../core/terrain/extend.js';
import { tileRangeXyz, tileRectangleXyz, type Rectangle } from '../../core/terrain/tiling.js';
import { ColorBuffer, CoverageBuffer, dashPolyline, hexColor, mixColor, pixelPolygon, strokeQuads, type PixelPolygon } from './raster.js';

/** Options of {@link writeImagery}. */
export interface WriteImageryOptions {
  /** [west, south, east, north] degrees to cover; outside it tiles are transparent. */
  rectangle: Rectangle;
  /** Finest level (default: the first level with ≤ 0.5 m per pixel, 18). */
  maxLevel?: number;
  /** Coarsest level (default: the deepest level at which the rectangle fits in 2 × 2 tiles). */
  minLevel?: number;
  /** Sub-scanlines per pixel row for anti-aliasing (default 4). */
  supersample?: number;
}

/** What {@link writeImagery} wrote. */
export interface ImagerySummary {
  /** PNG tiles written. */
  tiles: number;
  /** Coarsest level written. */
  minimumLevel: number;
  /** Finest level written. */
  maximumLevel: number;
  /** The rectangle covered (outside it tiles are transparent). */
  rectangle: Rectangle;
  /** Bytes of all tiles. */
  bytes: number;
  /** Wall time in milliseconds. */
  ms: number;
}

/** Tile size in pixels. */
export const IMAGERY_TILE_SIZE = 256;

/** Fill colours per plan kind. */
export const PLAN_COLORS: Record<PlanKind, string> = {
  bare: '#c2b48f',
  plot: '#ddd5c3',
  park: '#8dbb68',
  plaza: '#d9d2c3',
  sports: '#5c9c4b',
  embankment: '#9ea58e',
  water: '#4a82bf',
  road: '#3b3e44',
};
/** Ground colour inside the rectangle where the plan has no polygon. */
export const BACKGROUND_COLOR = '#cdc6b2';
/** Road edge markings. */
export const ROAD_EDGE_COLOR = '#d9d9d1';
/** Centre line of arterial roads (solid). */
export const ROAD_CENTRE_ARTERIAL_COLOR = '#e3bd3f';
/** Centre line of other roads (dashed). */
export const ROAD_CENTRE_COLOR = '#e6e6e0';

/** Tints of plot uses (Chinese or English use names). */
const USE_TINTS: [string[], string][] = [
  [['住宅', 'residential'], '#f2d16b'],
  [['商业', 'commercial'], '#e8706a'],
  [['办公', 'office'], '#6aa6e8'],
  [['工业', 'industrial'], '#a58bd6'],
  [['学校', 'school'], '#7fcf7a'],
  [['医院', 'hospital'], '#f29bd0'],
  [['公共', 'public'], '#5fd3c9'],
];

const PAINT_ORDER: PlanKind[] = ['bare', 'plot', 'park', 'plaza', 'sports', 'embankment', 'water', 'road'];

/** Fill colour (0..1 RGB) of a plan polygon: its kind's colour, plots tinted 30 % towards their use colour. */
export function planColor(p: PlanPolygon): [number, number, number] {
  const base = hexColor(PLAN_COLORS[p.kind] ?? BACKGROUND_COLOR);
  if (p.kind !== 'plot') return base;
  const use = String(p.attributes.use ?? '').toLowerCase();
  const tint = USE_TINTS.find(([names]) => names.includes(use));
  return tint ? mixColor(base, hexColor(tint[1]), 0.3) : base;
}

/** A polygon placed on the globe (lon/lat rings) with a colour. */
interface GeoShape {
  rings: Float64Array[];
  w: number;
  s: number;
  e: number;
  n: number;
  color: [number, number, number];
  layer: number;
  /** Width (m) of a painted line (markings); lines under a tenth of a pixel are left out of a tile. */
  lineWidth?: number;
}

/** Writes the imagery tiles into `outDir` and returns the levels and rectangle for the scene catalog. */
export async function writeImagery(
  outDir: string,
  plan: PlanPolygon[],
  crs: CoordinateTransform,
  options: WriteImageryOptions,
): Promise<ImagerySummary> {
  const t0 = Date.now();
  const rect = options.rectangle;
  if (!rect || rect.length !== 4 || !rect.every(Number.isFinite) || !(rect[2] > rect[0] && rect[3] > rect[1])) {
    throw new Error(`writeImagery: options.rectangle must be [west, south, east, north] with east > west and north > south, got ${JSON.stringify(rect)}`);
  }
  const [, mLat] = metresPerDegree((rect[1] + rect[3]) / 2);
  const maxLevel = options.maxLevel ?? defaultImageryMaxLevel(mLat);
  const minLevel = Math.min(maxLevel, options.minLevel ?? defaultImageryMinLevel(rect));
  const sub = options.supersample ?? 4;
  const shapes = buildShapes(plan, crs);

  // Spatial index: buckets of a fixed lon/lat grid.
  const bucketDeg = Math.max((rect[2] - rect[0]) / 64, (rect[3] - rect[1]) / 64, 1e-9);
  const buckets = new Map<string, number[]>();
  shapes.forEach((sh, idx) => {
    const i0 = Math.floor(sh.w / bucketDeg), i1 = Math.floor(sh.e / bucketDeg);
    const j0 = Math.floor(sh.s / bucketDeg), j1 = Math.floor(sh.n / bucketDeg);
    if ((i1 - i0 + 1) * (j1 - j0 + 1) > 4096) {
      (buckets.get('big') ?? buckets.set('big', []).get('big')!).push(idx);
      return;
    }
    for (let i = i0; i <= i1; i++) for (let j = j0; j <= j1; j++) {
      const key = `${i},${j}`;
      (buckets.get(key) ?? buckets.set(key, []).get(key)!).push(idx);
    }
  });
  const stamp = new Int32Array(shapes.length).fill(-1);
  let query = 0;
  const shapesIn = (r: Rectangle): number[] => {
    query++;
    const out: number[] = [];
    const add = (idx: number) => {
      if (stamp[idx] === query) return;
      stamp[idx] = query;
      const sh = shapes[idx];
      if (sh.e > r[0] && sh.w < r[2] && sh.n > r[1] && sh.s < r[3]) out.push(idx);
    };
    for (const idx of buckets.get('big') ?? []) add(idx);
    const i0 = Math.floor(Math.max(r[0], rect[0]) / bucketDeg), i1 = Math.floor(Math.min(r[2], rect[2]) / bucketDeg);
    const j0 = Math.floor(Math.max(r[1], rect[1]) / bucketDeg), j1 = Math.floor(Math.min(r[3], rect[3]) / bucketDeg);
    for (let i = i0; i <= i1; i++) for (let j = j0; j <= j1; j++) for (const idx of buckets.get(`${i},${j}`) ?? []) add(idx);
    return out.sort((a, b) => a - b);
  };

  fs.mkdirSync(outDir, { recursive: true });
  for (const entry of fs.readdirSync(outDir)) {
    if (/^\d+$/.test(entry)) fs.rmSync(path.join(outDir, entry), { recursive: true, force: true });
  }
  const S = IMAGERY_TILE_SIZE;
  const cov = new CoverageBuffer(S, S);
  const background = hexColor(BACKGROUND_COLOR);
  const queue = new WriteQueue();
  let tiles = 0, bytes = 0;
  for (let z = minLevel; z <= maxLevel; z++) {
    const range = tileRangeXyz(rect, z);
    if (!range) continue;
    for (let x = range.startX; x <= range.endX; x++) {
      const dir = path.join(outDir, String(z), String(x));
      fs.mkdirSync(dir, { recursive: true });
      for (let y = range.startY; y <= range.endY; y++) {
        const tr = tileRectangleXyz(z, x, y);
        const minLine = ((tr[3] - tr[1]) * mLat) / S / 10;
        const list = shapesIn(tr).map((i) => shapes[i]).filter((sh) => sh.lineWidth === undefined || sh.lineWidth >= minLine);
        const png = renderTile(tr, rect, list, cov, background, sub);
        await queue.write(path.join(dir, `${y}.png`), png);
        tiles++;
        bytes += png.length;
      }
    }
  }
  await queue.flush();
  return { tiles, minimumLevel: minLevel, maximumLevel: maxLevel, rectangle: [...rect] as Rectangle, bytes, ms: Date.now() - t0 };
}

/** The first level whose pixels are at most 0.5 m (north–south) at `metresPerDegLat`. */
export function defaultImageryMaxLevel(metresPerDegLat = 110_800): number {
  for (let z = 0; z < 24; z++) if ((180 / 2 ** z / IMAGERY_TILE_SIZE) * metresPerDegLat <= 0.5) return z;
  return 23;
}

/** The deepest level at which a tile is at least as large as the rectangle (so it spans ≤ 2 × 2 tiles). */
export function defaultImageryMinLevel(rect: Rectangle): number {
  const size = Math.max(rect[2] - rect[0], rect[3] - rect[1]);
  return Math.max(0, Math.floor(Math.log2(180 / size)));
}

let sharedImage: ColorBuffer | undefined;

/** Renders one tile to PNG bytes. */
function renderTile(
  tr: Rectangle,
  rect: Rectangle,
  shapes: GeoShape[],
  cov: CoverageBuffer,
  background: [number, number, number],
  sub: number,
): Buffer {
  const S = IMAGERY_TILE_SIZE;
  const sx = S / (tr[2] - tr[0]), sy = S / (tr[3] - tr[1]);
  const img = sharedImage ?? (sharedImage = new ColorBuffer(S, S, background));
  // Shapes below the topmost one covering the whole tile cannot show: start painting from it.
  let i = 0;
  let base = background;
  for (let k = shapes.length - 1; k >= 0; k--) {
    if (coversRect(shapes[k], tr)) {
      base = shapes[k].color;
      i = k + 1;
      break;
    }
  }
  const S4 = S * S * 4;
  const inside = rect[0] <= tr[0] && rect[2] >= tr[2] && rect[1] <= tr[1] && rect[3] >= tr[3];
  if (inside && i === shapes.length) return uniformPng((base[0] * 255 + 0.5) | 0, (base[1] * 255 + 0.5) | 0, (base[2] * 255 + 0.5) | 0, 255, S4);
  img.reset(base);
  while (i < shapes.length) {
    // Shapes are sorted by layer then colour: paint each run of one colour as one coverage layer.
    const color = shapes[i].color;
    cov.clear();
    let j = i;
    while (j < shapes.length && shapes[j].color === color) {
      const sh = shapes[j];
      const rings: Float64Array[] = [];
      for (let q = 0; q < sh.rings.length; q++) {
        const r = sh.rings[q];
        let out = ringPool[q];
        if (!out || out.length < r.length) out = ringPool[q] = new Float64Array(Math.max(r.length, 64));
        const view = out.length === r.length ? out : out.subarray(0, r.length);
        for (let k = 0; k < r.length; k += 2) {
          view[k] = (r[k] - tr[0]) * sx;
          view[k + 1] = (tr[3] - r[k + 1]) * sy;
        }
        rings.push(view);
      }
      cov.addPolygon(pixelPolygon(rings) as PixelPolygon, sub);
      j++;
    }
    img.composite(cov, color);
    i = j;
  }
  // Alpha: exact coverage of the rectangle (axis-aligned in pixel space).
  const ax0 = (rect[0] - tr[0]) * sx, ax1 = (rect[2] - tr[0]) * sx;
  const ay0 = (tr[3] - rect[3]) * sy, ay1 = (tr[3] - rect[1]) * sy;
  const span = (a: number, b: number, p: number) => Math.max(0, Math.min(b, p + 1) - Math.max(a, p));
  const colCov = new Float64Array(S), rowCov = new Float64Array(S);
  for (let p = 0; p < S; p++) {
    colCov[p] = span(ax0, ax1, p);
    rowCov[p] = span(ay0, ay1, p);
  }
  const data = sharedPixels ?? (sharedPixels = new Uint8Array(S * S * 4));
  const rgb = img.rgb;
  let uniform = true;
  if (inside) {
    // Fully inside the rectangle: opaque everywhere.
    const n = S * S;
    for (let k = 0; k < n; k++) {
      const o = 4 * k, c = 3 * k;
      data[o] = (rgb[c] * 255 + 0.5) | 0;
      data[o + 1] = (rgb[c + 1] * 255 + 0.5) | 0;
      data[o + 2] = (rgb[c + 2] * 255 + 0.5) | 0;
      data[o + 3] = 255;
      if (uniform && (data[o] !== data[0] || data[o + 1] !== data[1] || data[o + 2] !== data[2])) uniform = false;
    }
  } else for (let py = 0; py < S; py++) {
    for (let px = 0; px < S; px++) {
      const k = py * S + px;
      const a = colCov[px] * rowCov[py];
      const o = 4 * k;
      if (a <= 0) {
        data[o] = data[o + 1] = data[o + 2] = data[o + 3] = 0;
      } else {
        data[o] = (rgb[3 * k] * 255 + 0.5) | 0;
        data[o + 1] = (rgb[3 * k + 1] * 255 + 0.5) | 0;
        data[o + 2] = (rgb[3 * k + 2] * 255 + 0.5) | 0;
        data[o + 3] = (a * 255 + 0.5) | 0;
      }
      if (uniform && (data[o] !== data[0] || data[o + 1] !== data[1] || data[o + 2] !== data[2] || data[o + 3] !== data[3])) uniform = false;
    }
  }
  if (!uniform) return encodePngRgba(data, S, S);
  return uniformPng(data[0], data[1], data[2], data[3], S4);
}

/** PNG of a single-colour tile (common at deep levels: inside a park, the river...), encoded once per colour. */
function uniformPng(r: number, g: number, b: number, a: number, bytes: number): Buffer {
  const key = `${r},${g},${b},${a}`;
  let png = uniformCache.get(key);
  if (!png) {
    const data = new Uint8Array(bytes);
    for (let o = 0; o < bytes; o += 4) {
      data[o] = r;
      data[o + 1] = g;
      data[o + 2] = b;
      data[o + 3] = a;
    }
    png = encodePngRgba(data, IMAGERY_TILE_SIZE, IMAGERY_TILE_SIZE);
    uniformCache.set(key, png);
  }
  return png;
}

let sharedPixels: Uint8Array | undefined;
/** Scratch rings in pixel coordinates (consumed immediately by the rasteriser). */
const ringPool: Float64Array[] = [];
const uniformCache = new Map<string, Buffer>();

/** Whether a shape covers the whole rectangle r (all corners inside the outer ring, no edge of any ring crossing r). */
function coversRect(sh: GeoShape, r: Rectangle): boolean {
  if (!(sh.w <= r[0] && sh.e >= r[2] && sh.s <= r[1] && sh.n >= r[3])) return false;
  for (const ring of sh.rings) {
    for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
      if (segmentTouchesRect(ring[j], ring[j + 1], ring[i], ring[i + 1], r)) return false;
    }
  }
  return pointInRing((r[0] + r[2]) / 2, (r[1] + r[3]) / 2, sh.rings[0]) && !sh.rings.slice(1).some((h) => pointInRing((r[0] + r[2]) / 2, (r[1] + r[3]) / 2, h));
}

/** Whether segment ab intersects the closed rectangle r (Liang–Barsky clipping). */
function segmentTouchesRect(ax: number, ay: number, bx: number, by: number, r: Rectangle): boolean {
  let t0 = 0, t1 = 1;
  const dx = bx - ax, dy = by - ay;
  const clip = (p: number, q: number) => {
    if (p === 0) return q >= 0;
    const t = q / p;
    if (p < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
    return true;
  };
  return clip(-dx, ax - r[0]) && clip(dx, r[2] - ax) && clip(-dy, ay - r[1]) && clip(dy, r[3] - ay) && t0 <= t1;
}

/** Converts the plan (and derived road markings) to coloured lon/lat shapes in paint order. */
function buildShapes(plan: PlanPolygon[], crs: CoordinateTransform): GeoShape[] {
  const shapes: GeoShape[] = [];
  const colorCache = new Map<string, [number, number, number]>();
  const shared = (c: [number, number, number]) => {
    const key = c.join(',');
    const hit = colorCache.get(key);
    if (hit) return hit;
    colorCache.set(key, c);
    return c;
  };
  const toGeo = (ring: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(ring.length);
    for (let k = 0; k < ring.length; k += 2) {
      const [lon, lat] = crs.toGeodetic(ring[k], ring[k + 1], 0);
      out[k] = lon;
      out[k + 1] = lat;
    }
    return out;
  };
  const push = (localRings: ArrayLike<number>[], color: [number, number, number], layer: number, lineWidth?: number) => {
    const rings = localRings.map(toGeo);
    let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
    for (const r of rings) for (let k = 0; k < r.length; k += 2) {
      w = Math.min(w, r[k]);
      e = Math.max(e, r[k]);
      s = Math.min(s, r[k + 1]);
      n = Math.max(n, r[k + 1]);
    }
    shapes.push({ rings, w, s, e, n, color: shared(color), layer, lineWidth });
  };
  plan.forEach((p, idx) => {
    if (!PAINT_ORDER.includes(p.kind)) throw new Error(`writeImagery: plan[${idx}].kind "${String(p.kind)}" is not a known plan kind`);
    if (!Array.isArray(p.ring) || p.ring.length < 3) throw new Error(`writeImagery: plan[${idx}].ring needs at least 3 points`);
    for (const [k, pt] of p.ring.entries()) {
      if (!Number.isFinite(pt[0]) || !Number.isFinite(pt[1])) throw new Error(`writeImagery: plan[${idx}].ring[${k}] is not a finite point`);
    }
  });
  for (const [layer, kind] of PAINT_ORDER.entries()) {
    for (const p of plan) {
      if (p.kind !== kind) continue;
      push([flat(p.ring), ...(p.holes ?? []).map(flat)], planColor(p), 2 * layer);
    }
  }
  // Markings: road edge lines, road centre lines, sports field lines (widths in metres, drawn as quads).
  const roads = plan.filter((p) => p.kind === 'road').map((p) => flat(p.ring));
  const markLayer = 2 * PAINT_ORDER.length;
  const edge = hexColor(ROAD_EDGE_COLOR), centre = hexColor(ROAD_CENTRE_COLOR), centreArt = hexColor(ROAD_CENTRE_ARTERIAL_COLOR);
  plan.forEach((p) => {
    if (p.kind !== 'road') return;
    const ring = flat(p.ring);
    const others = roads.filter((r) => r !== ring && !sameRing(r, ring));
    for (const line of insetEdges(ring, 0.5)) {
      for (const run of keepOutside(line, others, 1.0)) for (const q of strokeQuads(run, 0.2, false)) push([q], edge, markLayer, 0.2);
    }
    const axis = rectangleAxis(ring);
    if (axis) {
      const arterial = String(p.attributes.roadClass ?? '') === 'arterial';
      const width = rectangleWidth(ring);
      // Centre: double solid yellow on arterials, dashed white elsewhere; lane dividers on wide arterials.
      const lines: { offset: number; dashed: boolean; color: [number, number, number]; w: number }[] = arterial
        ? [{ offset: -0.2, dashed: false, color: centreArt, w: 0.15 }, { offset: 0.2, dashed: false, color: centreArt, w: 0.15 }]
        : [{ offset: 0, dashed: true, color: centre, w: 0.15 }];
      if (arterial && width >= 16) lines.push({ offset: -width / 4, dashed: true, color: centre, w: 0.15 }, { offset: width / 4, dashed: true, color: centre, w: 0.15 });
      for (const l of lines) {
        for (const run of keepOutside(offsetLine(axis, l.offset), others, 1.0)) {
          for (const piece of l.dashed ? dashPolyline(run, 3, 6) : [run]) for (const q of strokeQuads(piece, l.w, false)) push([q], l.color, markLayer + 1, l.w);
        }
      }
    }
  });
  plan.forEach((p) => {
    if (p.kind !== 'sports') return;
    for (const line of insetEdges(flat(p.ring), 1.0)) for (const q of strokeQuads(line, 0.12, false)) push([q], edge, markLayer + 2, 0.12);
  });
  shapes.sort((a, b) => a.layer - b.layer || colorRank(a.color, b.color));
  return shapes;
}

/** Stable ordering of colours within a layer, so one colour's shapes form one run. */
function colorRank(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

const flat = (ring: [number, number][]): Float64Array => {
  const out = new Float64Array(ring.length * 2);
  ring.forEach(([x, y], i) => {
    out[2 * i] = x;
    out[2 * i + 1] = y;
  });
  return out;
};

const sameRing = (a: Float64Array, b: Float64Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Each edge of a ring moved `d` metres inwards (as 2-point polylines). */
function insetEdges(ring: Float64Array, d: number): Float64Array[] {
  const n = ring.length / 2;
  let area = 0;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    area += ring[2 * i] * ring[2 * j + 1] - ring[2 * j] * ring[2 * i + 1];
  }
  const sign = area >= 0 ? 1 : -1; // CCW: inside is to the left
  const out: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const ax = ring[2 * i], ay = ring[2 * i + 1], bx = ring[2 * j], by = ring[2 * j + 1];
    const len = Math.hypot(bx - ax, by - ay);
    if (len <= 2 * d) continue;
    const ux = (bx - ax) / len, uy = (by - ay) / len;
    const nx = -uy * d * sign, ny = ux * d * sign;
    out.push(Float64Array.of(ax + nx + ux * d, ay + ny + uy * d, bx + nx - ux * d, by + ny - uy * d));
  }
  return out;
}

/** The centre line (long axis) of a 4-point rectangle-like ring, or null. */
function rectangleAxis(ring: Float64Array): Float64Array | null {
  if (ring.length !== 8) return null;
  const p = (i: number) => [ring[2 * (i % 4)], ring[2 * (i % 4) + 1]];
  const len = (i: number) => Math.hypot(p(i + 1)[0] - p(i)[0], p(i + 1)[1] - p(i)[1]);
  const k = len(0) >= len(1) ? 1 : 0; // short sides k and k+2
  const m1 = [(p(k)[0] + p(k + 1)[0]) / 2, (p(k)[1] + p(k + 1)[1]) / 2];
  const m2 = [(p(k + 2)[0] + p(k + 3)[0]) / 2, (p(k + 2)[1] + p(k + 3)[1]) / 2];
  return Float64Array.of(m1[0], m1[1], m2[0], m2[1]);
}

/** Width (short side) of a 4-point rectangle-like ring. */
function rectangleWidth(ring: Float64Array): number {
  const d = (i: number, j: number) => Math.hypot(ring[2 * j] - ring[2 * i], ring[2 * j + 1] - ring[2 * i + 1]);
  return Math.min(d(0, 1), d(1, 2));
}

/** A 2-point line moved sideways by `d` (to its left for d > 0). */
function offsetLine(line: Float64Array, d: number): Float64Array {
  const [ax, ay, bx, by] = line;
  const len = Math.hypot(bx - ax, by - ay) || 1;
  const nx = (-(by - ay) / len) * d, ny = ((bx - ax) / len) * d;
  return Float64Array.of(ax + nx, ay + ny, bx + nx, by + ny);
}

/** Parts of a 2-point line lying outside every ring (sampled every `step` metres), as 2-point lines. */
function keepOutside(line: Float64Array, rings: Float64Array[], step: number): Float64Array[] {
  const [ax, ay, bx, by] = line;
  const len = Math.hypot(bx - ax, by - ay);
  const n = Math.max(1, Math.ceil(len / step));
  const minX = Math.min(ax, bx), maxX = Math.max(ax, bx), minY = Math.min(ay, by), maxY = Math.max(ay, by);
  const near = rings.filter((r) => {
    let rx0 = Infinity, rx1 = -Infinity, ry0 = Infinity, ry1 = -Infinity;
    for (let k = 0; k < r.length; k += 2) {
      rx0 = Math.min(rx0, r[k]);
      rx1 = Math.max(rx1, r[k]);
      ry0 = Math.min(ry0, r[k + 1]);
      ry1 = Math.max(ry1, r[k + 1]);
    }
    return rx1 >= minX && rx0 <= maxX && ry1 >= minY && ry0 <= maxY;
  });
  const out: Float64Array[] = [];
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const inside = i < n && near.some((r) => pointInRing(ax + ((bx - ax) * (i + 0.5)) / n, ay + ((by - ay) * (i + 0.5)) / n, r));
    if (!inside && i < n && start < 0) start = i;
    if ((inside || i === n) && start >= 0) {
      out.push(Float64Array.of(ax + ((bx - ax) * start) / n, ay + ((by - ay) * start) / n, ax + ((bx - ax) * i) / n, ay + ((by - ay) * i) / n));
      start = -1;
    }
  }
  return out;
}

function pointInRing(x: number, y: number, r: Float64Array): boolean {
  let inside = false;
  for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
    const yi = r[i + 1], yj = r[j + 1];
    if (yi > y !== yj > y && x < ((r[j] - r[i]) * (y - yi)) / (yj - yi) + r[i]) inside = !inside;
  }
  return inside;
}
