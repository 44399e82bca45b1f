/**
 * GeoJSON building footprints → LOD1 extruded buildings (pure TS).
 *
 * Polygon / MultiPolygon features become prisms: floor at the base, walls, flat roof at base + height.
 * - Height: the first of `heightAttrs` that holds a positive number (strings like "12.5 m" are read too); default
 *   list {@link DEFAULT_HEIGHT_ATTRS}. Else a floor count ({@link DEFAULT_FLOOR_ATTRS}) × `storeyHeight`
 *   (default {@link DEFAULT_STOREY_HEIGHT} = 3.0 m). Else one storey, flagged `heightSource: "default"`.
 * - Base: `groundAt` (a terrain/DEM sample, lowest under the footprint) when given; else an absolute base-height
 *   attribute ({@link DEFAULT_ZMIN_ATTRS}, e.g. 3dfier_zmin_nap_m); else 0. OSM `min_height` (a part starting above
 *   the ground) raises the bottom but not the top. All in source height units; the CRS transform lifts them.
 * - Every property is kept (nested values flattened), plus `extrudedHeight`, `baseHeight` and `heightSource`.
 * - Other geometry types (Point address nodes, lines) are skipped with a reason; so are features with bad coordinates
 *   (the reason names the JSON pointer, e.g. /features/12/geometry/coordinates/0/3).
 */
import type { AttributeValue, CityFeature, MeshPart } from '../model/feature.js';
import { triangulatePolygon3D } from '../geometry/triangulate.js';
import { flattenInto } from './cityjson/convert.js';

/** Property names read for a building height (m), in order. */
export const DEFAULT_HEIGHT_ATTRS = ['height', 'measuredHeight', 'building:height', '3dfier_height_m', 'h_dak_max', 'HEIGHT', 'Height', 'hoogte', 'bldg_height', 'relativeHeight'];
/** Property names read for a floor count, in order. */
export const DEFAULT_FLOOR_ATTRS = ['floors', 'storeys', 'storeysAboveGround', 'building:levels', 'building_levels', 'levels', 'num_floors', 'bouwlagen', 'FLOOR', 'Floor', '层数'];
/** Property names read for an absolute base height (same datum as the CRS heights), in order. */
export const DEFAULT_ZMIN_ATTRS = ['zmin', 'z_min', 'base_z', 'baseHeight', 'ground_height', '3dfier_zmin_nap_m', 'h_maaiveld'];
/** Metres per storey when only a floor count is known. */
export const DEFAULT_STOREY_HEIGHT = 3.0;
/** Property names tried for the feature id, in order (after the GeoJSON feature's own `id`). */
export const ID_ATTRS = ['gml_id', 'identificatie', 'id', 'osm_id', 'fid', 'OBJECTID', 'objectid', 'uuid'];

/** Options of {@link footprintsToFeatures}. */
export interface FootprintOptions {
  /** File name for messages and fallback ids. */
  file: string;
  /** Height attributes to try (default {@link DEFAULT_HEIGHT_ATTRS}). */
  heightAttrs?: string[];
  /** Metres per storey (default 3.0). */
  storeyHeight?: number;
  /** Source x, y, z → model coordinates (identity when omitted). */
  convert?: (x: number, y: number, z: number) => [number, number, number];
  /** Ground height (model z) at a model x, y; NaN where unknown. When given it sets the base. */
  groundAt?: (x: number, y: number) => number;
  warn(message: string): void;
  skip(id: string, reason: string): void;
}

/** Counters of a footprint conversion. */
export interface FootprintStats {
  buildings: number;
  triangles: number;
  byHeightSource: Record<string, number>;
  duplicateIds: number;
}

/** Whether the first bytes look like a GeoJSON FeatureCollection / Feature. */
export function sniffGeoJson(head: string): boolean {
  const s = head.replace(/^\uFEFF/, '').trimStart();
  if (!s.startsWith('{')) return false;
  if (/"type"\s*:\s*"(CityJSON|CityJSONFeature)"/.test(s)) return false;
  return /"type"\s*:\s*"(FeatureCollection|Feature)"/.test(s) || /^\{\s*"features"\s*:\s*\[/.test(s);
}

/** The CRS named by a GeoJSON document's (pre-RFC 7946) `crs` member, if any. */
export function geoJsonCrs(doc: unknown): string | undefined {
  const crs = (doc as { crs?: { type?: string; properties?: { name?: unknown; code?: unknown } } })?.crs;
  if (!crs || typeof crs !== 'object') return undefined;
  if (typeof crs.properties?.name === 'string') return crs.properties.name;
  if (crs.type === 'EPSG' && crs.properties?.code !== undefined) return `EPSG:${crs.properties.code}`;
  return undefined;
}

/** The first coordinate pair of the first polygon feature, for choosing a model frame. */
export function firstCoordinate(doc: unknown): [number, number] | undefined {
  const feats = featuresOf(doc);
  for (const f of feats) {
    let c: unknown = (f as { geometry?: { coordinates?: unknown } })?.geometry?.coordinates;
    while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number' && Number.isFinite(c[0]) && Number.isFinite(c[1])) return [c[0], c[1]];
  }
  return undefined;
}

function featuresOf(doc: unknown): unknown[] {
  const d = doc as { type?: string; features?: unknown };
  if (d?.type === 'Feature') return [doc];
  return Array.isArray(d?.features) ? d.features : [];
}

class FeatureError extends Error {
  constructor(readonly pointer: string, message: string) {
    super(message);
  }
}

/** Parses a height-like value: finite positive number, or a string starting with one ("12.5 m"). */
export function readNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const m = /^\s*(-?\d+(?:[.,]\d+)?)/.exec(v);
    if (m) {
      const n = Number(m[1].replace(',', '.'));
      return Number.isFinite(n) ? n : undefined;
    }
  }
  return undefined;
}

/**
 * Converts a GeoJSON FeatureCollection (or single Feature) of footprints into extruded LOD1 CityFeatures of type
 * "Building". Throws only when the document has no `features` array.
 */
export function footprintsToFeatures(doc: unknown, opts: FootprintOptions): { features: CityFeature[]; stats: FootprintStats } {
  const d = doc as { type?: unknown; features?: unknown };
  if (typeof doc !== 'object' || doc === null || (d.type !== 'Feature' && !Array.isArray(d.features))) {
    throw new Error(`${opts.file}: /features: expected a GeoJSON FeatureCollection with a "features" array`);
  }
  const feats = featuresOf(doc);
  const single = d.type === 'Feature';
  const heightAttrs = opts.heightAttrs?.length ? opts.heightAttrs : DEFAULT_HEIGHT_ATTRS;
  const storey = opts.storeyHeight ?? DEFAULT_STOREY_HEIGHT;
  const convert = opts.convert ?? ((x: number, y: number, z: number) => [x, y, z] as [number, number, number]);
  const stats: FootprintStats = { buildings: 0, triangles: 0, byHeightSource: {}, duplicateIds: 0 };
  const seen = new Map<string, number>();
  const out: CityFeature[] = [];
  feats.forEach((f, i) => {
    const base = single ? '' : `/features/${i}`;
    const rec = (f ?? {}) as { id?: unknown; properties?: unknown; geometry?: unknown };
    const props = (typeof rec.properties === 'object' && rec.properties !== null && !Array.isArray(rec.properties) ? rec.properties : {}) as Record<string, unknown>;
    let id = typeof rec.id === 'string' || typeof rec.id === 'number' ? String(rec.id) : undefined;
    if (id === undefined) {
      for (const k of ID_ATTRS) {
        const v = props[k];
        if (typeof v === 'string' || typeof v === 'number') {
          id = String(v);
          break;
        }
      }
    }
    id ??= `${opts.file.replace(/^.*[\\/]/, '')}#${i}`;
    try {
      const feature = extrude(id, rec.geometry, props, base, heightAttrs, storey, convert, opts, stats);
      if (feature) {
        // Ids stay unique among the written buildings (OSM tiles repeat a building split at tile edges).
        const n = seen.get(id) ?? 0;
        seen.set(id, n + 1);
        if (n > 0) {
          stats.duplicateIds++;
          feature.id = `${id}-${n + 1}`;
        }
        out.push(feature);
      }
    } catch (err) {
      if (!(err instanceof FeatureError)) throw err;
      opts.skip(id, `${opts.file}: ${err.pointer}: ${err.message}`);
    }
  });
  if (stats.duplicateIds) opts.warn(`${opts.file}: ${stats.duplicateIds} features repeat an earlier id (e.g. footprints split at tile edges); they got "-2", "-3"... suffixes`);
  const def = stats.byHeightSource.default ?? 0;
  if (def) opts.warn(`${opts.file}: ${def} footprints have no height (tried ${heightAttrs.join(', ')}) nor floor count; extruded to one storey (${storey} m), attribute heightSource = "default"`);
  return { features: out, stats };
}

function extrude(
  id: string,
  geometry: unknown,
  props: Record<string, unknown>,
  base: string,
  heightAttrs: string[],
  storey: number,
  convert: (x: number, y: number, z: number) => [number, number, number],
  opts: FootprintOptions,
  stats: FootprintStats,
): CityFeature | null {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null;
  if (!g || typeof g !== 'object') throw new FeatureError(base + '/geometry', 'no geometry (null); a footprint needs a Polygon or MultiPolygon');
  let polys: unknown[];
  if (g.type === 'Polygon') polys = [g.coordinates];
  else if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates)) throw new FeatureError(base + '/geometry/coordinates', 'expected an array of polygons');
    polys = g.coordinates;
  } else throw new FeatureError(base + '/geometry/type', `${JSON.stringify(g.type)} is not a footprint (expected Polygon or MultiPolygon)`);
  // Height
  let height: number | undefined;
  let heightSource = 'default';
  for (const k of heightAttrs) {
    const v = readNumber(props[k]);
    if (v !== undefined && v > 0) {
      height = v;
      heightSource = k;
      break;
    }
  }
  if (height === undefined) {
    for (const k of DEFAULT_FLOOR_ATTRS) {
      const v = readNumber(props[k]);
      if (v !== undefined && v > 0) {
        height = v * storey;
        heightSource = `${k} × ${storey} m`;
        break;
      }
    }
  }
  if (height === undefined) height = storey;
  // Rings in model coordinates, validated.
  const rings: number[][][][] = [];
  polys.forEach((poly, pi) => {
    const pp = g.type === 'Polygon' ? `${base}/geometry/coordinates` : `${base}/geometry/coordinates/${pi}`;
    if (!Array.isArray(poly) || poly.length === 0) throw new FeatureError(pp, 'expected a polygon: an array of linear rings');
    const rs: number[][][] = [];
    poly.forEach((ring, ri) => {
      if (!Array.isArray(ring)) throw new FeatureError(`${pp}/${ri}`, 'expected a linear ring: an array of positions');
      const pts: number[][] = [];
      ring.forEach((p, k) => {
        if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
          throw new FeatureError(`${pp}/${ri}/${k}`, `expected a position [x, y] of finite numbers, got ${JSON.stringify(p)?.slice(0, 40)}`);
        }
        pts.push(convert(p[0], p[1], 0));
      });
      // Drop the closing point and consecutive duplicates.
      const clean: number[][] = [];
      for (const q of pts) {
        const last = clean[clean.length - 1];
        if (!last || last[0] !== q[0] || last[1] !== q[1]) clean.push(q);
      }
      if (clean.length > 1 && clean[0][0] === clean[clean.length - 1][0] && clean[0][1] === clean[clean.length - 1][1]) clean.pop();
      if (clean.length < 3) {
        if (ri === 0) throw new FeatureError(`${pp}/${ri}`, `outer ring has ${clean.length} distinct positions (at least 3 needed)`);
        return;
      }
      // Outer ring counter-clockwise, holes clockwise (seen from above).
      const area = signedArea(clean);
      if ((ri === 0 && area < 0) || (ri > 0 && area > 0)) clean.reverse();
      rs.push(clean);
    });
    rings.push(rs);
  });
  // Base
  let ground = 0;
  let baseSource = 'zero';
  if (opts.groundAt) {
    let lowest = Infinity;
    for (const poly of rings) for (const q of poly[0]) {
      const z = opts.groundAt(q[0], q[1]);
      if (Number.isFinite(z) && z < lowest) lowest = z;
    }
    if (Number.isFinite(lowest)) {
      ground = lowest;
      baseSource = 'terrain';
    }
  }
  if (baseSource === 'zero') {
    for (const k of DEFAULT_ZMIN_ATTRS) {
      const v = readNumber(props[k]);
      if (v !== undefined) {
        ground = v;
        baseSource = k;
        break;
      }
    }
  }
  // The model z of the source height 0 at this place (non-zero for frames that add an offset).
  // (groundAt already answers in model z.)
  const z0 = baseSource === 'terrain' ? 0 : rings[0][0][0][2];
  const minH = readNumber(props.min_height) ?? 0;
  const bottom = z0 + ground + Math.max(0, Math.min(minH, height - 0.01));
  const top = z0 + ground + height;
  const positions: number[] = [];
  const roof: number[] = [];
  const floor: number[] = [];
  const wall: number[] = [];
  const partsIdx = { roof, floor, wall };
  for (const poly of rings) {
    const topRings = poly.map((r) => r.map((q) => [q[0], q[1], top]));
    const tri = triangulatePolygon3D(topRings);
    if (tri.length === 0) continue;
    // roof
    let b = positions.length / 3;
    for (const r of topRings) for (const q of r) positions.push(q[0], q[1], q[2]);
    for (const t of tri) roof.push(b + t);
    // floor (reversed winding: faces down)
    b = positions.length / 3;
    for (const r of poly) for (const q of r) positions.push(q[0], q[1], bottom);
    for (let t = 0; t < tri.length; t += 3) floor.push(b + tri[t], b + tri[t + 2], b + tri[t + 1]);
    // walls
    for (const r of poly) {
      for (let k = 0; k < r.length; k++) {
        const a = r[k], c = r[(k + 1) % r.length];
        b = positions.length / 3;
        positions.push(a[0], a[1], bottom, c[0], c[1], bottom, c[0], c[1], top, a[0], a[1], top);
        wall.push(b, b + 1, b + 2, b, b + 2, b + 3);
      }
    }
  }
  if (roof.length === 0) throw new FeatureError(`${base}/geometry`, 'footprint has no area (degenerate polygon)');
  const parts: MeshPart[] = (['roof', 'wall', 'floor'] as const).map((s) => {
    const idx = partsIdx[s];
    // Each part gets its own compact vertex list.
    const map = new Map<number, number>();
    const pos: number[] = [];
    const ind: number[] = [];
    for (const i of idx) {
      let j = map.get(i);
      if (j === undefined) {
        j = pos.length / 3;
        map.set(i, j);
        pos.push(positions[i * 3], positions[i * 3 + 1], positions[i * 3 + 2]);
      }
      ind.push(j);
    }
    return { semantic: s === 'floor' ? 'ground' : s, positions: pos, indices: ind };
  });
  const attributes: Record<string, AttributeValue> = {};
  flattenInto(attributes, '', props, 0);
  attributes.extrudedHeight = round(height, 3);
  attributes.baseHeight = round(ground, 3);
  attributes.heightSource = heightSource;
  stats.buildings++;
  stats.byHeightSource[heightSource === 'default' ? 'default' : heightSource] = (stats.byHeightSource[heightSource] ?? 0) + 1;
  for (const p of parts) stats.triangles += p.indices.length / 3;
  return { id, type: 'Building', attributes, lods: [{ lod: '1', parts }] };
}

function signedArea(r: number[][]): number {
  let a = 0;
  for (let i = 0; i < r.length; i++) {
    const p = r[i], q = r[(i + 1) % r.length];
    a += p[0] * q[1] - q[0] * p[1];
  }
  return a / 2;
}

function round(v: number, d: number): number {
  const f = 10 ** d;
  return Math.round(v * f) / f;
}
