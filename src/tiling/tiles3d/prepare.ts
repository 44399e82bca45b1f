/**
 * Pre-pass of the writer: checks every mesh, converts every distinct vertex position once (importers copy shared
 * vertices into each surface; a per-feature cache converts a repeated position once) model CRS → geodetic
 * (crs.toGeodetic, through checked per-cell interpolants: geodetic-grid.ts) → ECEF → the tileset's local
 * east-north-up frame, and records bounds.
 */
import { WGS84_A, WGS84_E2, enuToEcefMatrix } from '../../core/geo/ellipsoid.js';
import type { CityFeature, FeatureCollectionModel, MeshPart, SurfaceSemantic } from '../../core/model/feature.js';
import { materialFactor } from './materials.js';
import { GeodeticGrid } from './geodetic-grid.js';

/** A checked mesh part with positions in the local ENU frame of the tileset. */
export interface PreparedPart {
  semantic: SurfaceSemantic;
  /** x=east, y=north, z=up metres in the tileset frame, per vertex. */
  enu: Float64Array;
  indices: ArrayLike<number>;
  /** Texture coordinates, only when the texture exists and they fit. */
  uvs?: ArrayLike<number>;
  /** Key into model.textures, only when it exists. */
  texture?: string;
  color?: [number, number, number, number];
  /** Linear RGBA baseColorFactor (see materials.ts). */
  factor: [number, number, number, number];
  /** Key of the material: parts with equal keys share a glTF primitive. */
  materialKey: string;
}

/** Axis-aligned bounds in the ENU frame: [minE, minN, minU, maxE, maxN, maxU]. */
export type Bounds = Float64Array;

/** A new empty bounds. */
export function emptyBounds(): Bounds {
  const b = new Float64Array(6);
  b[0] = b[1] = b[2] = Infinity;
  b[3] = b[4] = b[5] = -Infinity;
  return b;
}

/** Grows `b` to contain `o`. */
export function unionBounds(b: Bounds, o: Bounds): void {
  for (let i = 0; i < 3; i++) {
    if (o[i] < b[i]) b[i] = o[i];
    if (o[i + 3] > b[i + 3]) b[i + 3] = o[i + 3];
  }
}

/** One LoD of a prepared feature. */
export interface PreparedLod {
  lod: string;
  parts: PreparedPart[];
  bounds: Bounds;
  triangles: number;
}

/** A feature that has geometry, ready to be written. */
export interface PreparedFeature {
  /** Position in model.features (keeps output order stable). */
  index: number;
  feature: CityFeature;
  /** Non-empty LoDs, coarse → fine. */
  lods: PreparedLod[];
  /** Union of all LoDs. */
  bounds: Bounds;
  /** Largest extent (m) of the finest LoD's bounds: the error made when the feature is left out. */
  size: number;
  /** Centre east/north of the finest LoD (quadtree placement). */
  cx: number;
  cy: number;
  /** Cache of the coarse-vs-fine LoD deviation (m); undefined until computed. */
  lodDeviation?: number;
}

/** The local frame of a tileset: ENU at an origin. */
export interface TilesetFrame {
  lon: number;
  lat: number;
  height: number;
  /** Column-major ENU → ECEF (the root tile's `transform`). */
  enuToEcef: number[];
}

/** Result of {@link prepareModel}. */
export interface PreparedModel {
  features: PreparedFeature[];
  frame: TilesetFrame;
  rectangle: [number, number, number, number];
  minHeight: number;
  maxHeight: number;
  skipped: string[];
  warnings: string[];
}

/** Checks a part; returns a reason when it cannot be drawn. */
function checkPart(p: MeshPart): string | undefined {
  const pos = p.positions;
  const idx = p.indices;
  if (!pos || typeof pos.length !== 'number' || pos.length % 3 !== 0) return `positions length ${pos?.length} is not a multiple of 3`;
  if (!idx || typeof idx.length !== 'number' || idx.length % 3 !== 0) return `indices length ${idx?.length} is not a multiple of 3`;
  const n = pos.length / 3;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i];
    // `k >>> 0 === k`: an integer in [0, 2³²) (the same test as Number.isInteger(k) && k >= 0 here, one compare).
    if (!(k >>> 0 === k && k < n)) return `indices[${i}] = ${k} is out of range (${n} vertices)`;
  }
  return undefined;
}

/**
 * Hands out Float64Array views of large shared blocks, so the thousands of small parts of a city model cost no
 * ArrayBuffer (and no GC finalisation) each. Views of one block keep it alive; everything prepared lives until the
 * tileset is written anyway.
 */
class Slab {
  private block = new Float64Array(0);
  private used = 0;
  private next = 1 << 14;

  /** A zeroed view of `n` doubles. */
  take(n: number): Float64Array {
    if (n > 1 << 18) return new Float64Array(n);
    if (this.used + n > this.block.length) {
      this.block = new Float64Array(Math.max(this.next, n));
      this.next = Math.min(this.next * 2, 1 << 20);
      this.used = 0;
    }
    const v = this.block.subarray(this.used, this.used + n);
    this.used += n;
    return v;
  }

  /** Empty bounds (see {@link emptyBounds}) in slab memory. */
  bounds(): Bounds {
    const b = this.take(6);
    b[0] = b[1] = b[2] = Infinity;
    b[3] = b[4] = b[5] = -Infinity;
    return b;
  }
}

/** A feature that passed the checks, before its vertices are moved into the tileset frame. */
interface Pending {
  index: number;
  feature: CityFeature;
  lods: { lod: string; parts: PreparedPart[]; triangles: number }[];
  /** Its distinct geodetic vertex arrays. */
  geos: Float64Array[];
}

/**
 * Checks and converts a model. Features without geometry, or with a malformed part, are skipped and named in
 * `skipped`/`warnings`; nothing else is lost.
 */
export function prepareModel(model: FeatureCollectionModel): PreparedModel {
  const warnings: string[] = [];
  const skipped: string[] = [];
  const missingTextures = new Set<string>();
  const materials = new MaterialKeys();
  const crs = model.crs;
  const textures = model.textures ?? {};
  const slab = new Slab();
  /** west, south, minH, east, north, maxH */
  const rect = emptyBounds();
  const fb = emptyBounds();
  const pending: Pending[] = [];
  // Parts of a feature often share one positions array (walls, roof and ground of a solid): convert it once.
  const converted = new Map<ArrayLike<number>, Float64Array>();
  const whereOf = (f: CityFeature, fi: number) => `feature '${f.id}' (features[${fi}])`;

  const features = model.features ?? [];
  let grid: GeodeticGrid | undefined;
  // Each distinct position of a feature converts once (importers copy shared vertices into every surface).
  const cache = new VertexCache();
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi];
    const lods: Pending['lods'] = [];
    const geos: Float64Array[] = [];
    converted.clear();
    let positions = 0;
    for (const l of f.lods ?? []) for (const p of l.parts ?? []) positions += (p?.positions?.length ?? 0) / 3;
    cache.startFeature(positions);
    // The feature's geodetic bounds, grown while its vertices convert; added to `rect` only if it is kept.
    fb[0] = fb[1] = fb[2] = Infinity;
    fb[3] = fb[4] = fb[5] = -Infinity;
    let bad: string | undefined;
    for (let li = 0; li < (f.lods ?? []).length && !bad; li++) {
      const lod = f.lods[li];
      const parts: PreparedPart[] = [];
      let triangles = 0;
      for (let pi = 0; pi < (lod.parts ?? []).length; pi++) {
        const p = lod.parts[pi];
        const reason = checkPart(p);
        if (reason) {
          bad = `${whereOf(f, fi)} lods[${li}].parts[${pi}]: ${reason}`;
          break;
        }
        if (p.indices.length === 0) continue;
        const pos = p.positions;
        const n = pos.length / 3;
        let geo = converted.get(pos);
        if (!geo) {
          geo = slab.take(n * 3);
          grid ??= new GeodeticGrid(crs, pos[0], pos[1]);
          const v = toGeodeticAll(grid, cache, pos, geo, fb);
          if (v >= 0) {
            bad = `${whereOf(f, fi)} lods[${li}].parts[${pi}]: vertex ${v} (${pos[v * 3]}, ${pos[v * 3 + 1]}, ${pos[v * 3 + 2]}) does not convert to a finite position`;
            break;
          }
          converted.set(pos, geo);
          geos.push(geo);
        }
        const semantic = p.semantic ?? 'generic';
        let texture: string | undefined;
        let uvs: ArrayLike<number> | undefined;
        if (p.texture !== undefined) {
          if (!textures[p.texture]) {
            if (!missingTextures.has(p.texture)) {
              missingTextures.add(p.texture);
              warnings.push(`texture '${p.texture}' (first used by ${whereOf(f, fi)}) is not in model.textures: drawn without texture`);
            }
          } else if (!p.uvs || p.uvs.length !== n * 2) {
            warnings.push(`${whereOf(f, fi)} lods[${li}].parts[${pi}]: uvs length ${p.uvs?.length ?? 0} does not match ${n} vertices: drawn without texture`);
          } else {
            texture = p.texture;
            uvs = p.uvs;
          }
        }
        const { key: mkey, factor: mat } = materials.get(semantic, p.color, texture);
        // One object shape for every part (texture and uvs always present), so the tile builder's loops stay monomorphic.
        parts.push({ semantic, enu: geo, indices: p.indices, uvs, texture, color: p.color, factor: mat, materialKey: mkey });
        triangles += p.indices.length / 3;
      }
      if (parts.length > 0) lods.push({ lod: lod.lod, parts, triangles });
    }
    if (bad) {
      skipped.push(f.id);
      warnings.push(`${bad}: feature skipped`);
      continue;
    }
    if (lods.length === 0) {
      skipped.push(f.id);
      warnings.push(`${whereOf(f, fi)} has no geometry: not written to the tileset`);
      continue;
    }
    unionBounds(rect, fb);
    pending.push({ index: fi, feature: f, lods, geos });
  }
  converted.clear();

  if (pending.length === 0) {
    const why = features.length === 0 ? 'it has no features' : `none of its ${features.length} features has drawable geometry`;
    const err = new Error(`writeTileset: model '${model.name}' cannot be tiled: ${why}${warnings.length ? ` (${warnings.slice(0, 3).join('; ')})` : ''}`);
    throw err;
  }

  const west = rect[0], south = rect[1], minH = rect[2], east = rect[3], north = rect[4], maxH = rect[5];
  const lon0 = (west + east) / 2, lat0 = (south + north) / 2, h0 = minH;
  const frame: TilesetFrame = { lon: lon0, lat: lat0, height: h0, enuToEcef: enuToEcefMatrix(lon0, lat0, h0) };
  const toEnu = new EnuConverter(frame.enuToEcef, lon0, lat0);

  // Distinct positions → ENU once; each part's array then takes its vertices' values by slot.
  const distinct = cache.values();
  toEnu.convert(distinct);
  const out: PreparedFeature[] = [];
  for (const p of pending) {
    for (const g of p.geos) gatherSlots(g, distinct);
    const fb = slab.bounds();
    const lods: PreparedLod[] = [];
    for (const l of p.lods) {
      const b = slab.bounds();
      // Bounds over the vertices each part uses.
      for (const part of l.parts) indexedBounds(part.enu, part.indices, b);
      unionBounds(fb, b);
      lods.push({ lod: l.lod, parts: l.parts, bounds: b, triangles: l.triangles });
    }
    const fine = lods[lods.length - 1].bounds;
    out.push({
      index: p.index,
      feature: p.feature,
      lods,
      bounds: fb,
      size: Math.max(fine[3] - fine[0], fine[4] - fine[1], fine[5] - fine[2]),
      cx: (fine[0] + fine[3]) / 2,
      cy: (fine[1] + fine[4]) / 2,
    });
  }
  return { features: out, frame, rectangle: [west, south, east, north], minHeight: minH, maxHeight: maxH, skipped, warnings };
}

/**
 * Material key ("semantic|r,g,b,a|texture") and glTF factor of each (semantic, colour, texture) combination, found
 * without building the key text per part (importers share one colour array per material).
 */
class MaterialKeys {
  // Plain Maps held for one prepareModel call (WeakMaps cost ephemeron work in every GC).
  private readonly byColor = new Map<readonly number[], Map<string, { key: string; factor: [number, number, number, number] }>>();
  private readonly plain = new Map<string, { key: string; factor: [number, number, number, number] }>();
  private last: { semantic: SurfaceSemantic; color: unknown; texture: string | undefined; entry: { key: string; factor: [number, number, number, number] } } | undefined;

  get(semantic: SurfaceSemantic, color: [number, number, number, number] | undefined, texture: string | undefined): { key: string; factor: [number, number, number, number] } {
    const l = this.last;
    if (l && l.semantic === semantic && l.color === color && l.texture === texture) return l.entry;
    const entry = this.lookup(semantic, color, texture);
    this.last = { semantic, color, texture, entry };
    return entry;
  }

  private lookup(semantic: SurfaceSemantic, color: [number, number, number, number] | undefined, texture: string | undefined): { key: string; factor: [number, number, number, number] } {
    let m = color ? this.byColor.get(color) : this.plain;
    if (!m) this.byColor.set(color!, (m = new Map()));
    const sub = texture === undefined ? semantic : `${semantic}|${texture}`;
    let e = m.get(sub);
    if (!e) m.set(sub, (e = { key: `${semantic}|${color ? color.join(',') : ''}|${texture ?? ''}`, factor: materialFactor(semantic, color, texture !== undefined) }));
    return e;
  }
}

/**
 * The distinct model positions of each feature and their converted values (geodetic after {@link VertexCache.slot},
 * ENU once the caller converts {@link VertexCache.values} in place). Positions are equal when each coordinate is
 * `===` and of the same sign (so +0 and -0 stay apart): every conversion here is a pure function of the position, so
 * converting a repeated position once gives the same bytes as converting every copy. The lookup table covers one
 * feature at a time (small enough to stay in the CPU cache; features rarely share vertices), cleared by generation.
 */
class VertexCache {
  /** Model x, y, z per slot. */
  private keys = new Float64Array(3 << 14);
  /** Converted lon, lat, h (later e, n, u) per slot. */
  private vals = new Float64Array(3 << 14);
  /** Open-addressing table: slot + 1 where `gen` holds the current generation. */
  private table = new Int32Array(1 << 10);
  private gen = new Int32Array(1 << 10);
  private generation = 1;
  private mask = (1 << 10) - 1;
  /** First slot of the current generation. */
  private first = 0;
  /** Slots in use. */
  count = 0;
  /** Hash origin (the first position seen), so millimetre offsets from it fit 32 bits. */
  private hx = NaN;
  private hy = NaN;

  /** Starts a feature of about `positions` vertices: earlier positions are no longer looked up. */
  startFeature(positions: number): void {
    let t = 1 << 10;
    while (t < positions * 2 && t < 1 << 20) t *= 2;
    if (t > this.table.length) {
      this.table = new Int32Array(t);
      this.gen = new Int32Array(t);
      this.generation = 0;
    }
    // A small feature uses the start of the table only (stays in the CPU cache after a large one).
    this.mask = t - 1;
    this.newGeneration();
  }

  private newGeneration(): void {
    this.generation++;
    this.first = this.count;
  }

  /** Hash of (x, y, z): their millimetre offsets from the origin (only a hint: {@link slot} compares exactly). */
  private hash(x: number, y: number, z: number): number {
    if (this.hx !== this.hx) {
      this.hx = Number.isFinite(x) ? x : 0;
      this.hy = Number.isFinite(y) ? y : 0;
    }
    let h = Math.imul(((x - this.hx) * 1000) | 0, 0x9e3779b1);
    h = Math.imul(h ^ (((y - this.hy) * 1000) | 0), 0x85ebca77);
    h = Math.imul(h ^ ((z * 1000) | 0), 0xc2b2ae3d);
    return h ^ (h >>> 15);
  }

  /**
   * The slot of (x, y, z) when this feature has seen it; else -(slot + 1) of a new slot, into which `grid` has just
   * converted the position.
   */
  slot(grid: GeodeticGrid, x: number, y: number, z: number): number {
    const table = this.table, gen = this.gen, keys = this.keys, g = this.generation, mask = this.mask;
    let i = this.hash(x, y, z) & mask;
    while (gen[i] === g) {
      const k = (table[i] - 1) * 3;
      const a = keys[k], b = keys[k + 1], c = keys[k + 2];
      if (a === x && b === y && c === z && (a !== 0 || 1 / a === 1 / x) && (b !== 0 || 1 / b === 1 / y) && (c !== 0 || 1 / c === 1 / z)) return table[i] - 1;
      i = (i + 1) & mask;
    }
    const s = this.count++;
    if (s * 3 + 3 > keys.length) this.growValues();
    const k = s * 3;
    this.keys[k] = x;
    this.keys[k + 1] = y;
    this.keys[k + 2] = z;
    grid.toGeodetic(x, y, z, this.vals, k);
    // A feature larger than the table: start over (its later repeats convert again, with the same result).
    if ((this.count - this.first) * 2 > mask) this.newGeneration();
    else {
      table[i] = s + 1;
      gen[i] = g;
    }
    return -s - 1;
  }

  /** The converted value of slot `s` (component `c`). */
  value(s: number, c: number): number {
    return this.vals[s * 3 + c];
  }

  /** The converted values of all slots (xyz per slot), a view the caller may convert in place. */
  values(): Float64Array {
    return this.vals.subarray(0, this.count * 3);
  }

  private growValues(): void {
    const keys = new Float64Array(this.keys.length * 2), vals = new Float64Array(this.vals.length * 2);
    keys.set(this.keys);
    vals.set(this.vals);
    this.keys = keys;
    this.vals = vals;
  }
}

/**
 * Converts model positions to geodetic ones through `cache` (each distinct position of a feature once: call
 * {@link VertexCache.startFeature} first), writes each vertex's
 * cache slot into out[v * 3] (the values follow in {@link gatherSlots}) and grows `b` ([west, south, minH, east,
 * north, maxH]) by the geodetic values; returns the index of the first vertex that does not convert to finite
 * values, or -1. (Hot loops live in small functions so V8 optimises them early and keeps their numbers unboxed.)
 */
function toGeodeticAll(grid: GeodeticGrid, cache: VertexCache, pos: ArrayLike<number>, out: Float64Array, b: Bounds): number {
  const n = pos.length / 3;
  let w = b[0], s = b[1], lo = b[2], e = b[3], no = b[4], hi = b[5];
  for (let v = 0; v < n; v++) {
    const o = v * 3;
    const found = cache.slot(grid, pos[o], pos[o + 1], pos[o + 2]);
    // A position this feature has already seen: checked and inside the bounds already.
    if (found >= 0) {
      out[o] = found;
      continue;
    }
    const slot = -found - 1;
    out[o] = slot;
    const x = cache.value(slot, 0), y = cache.value(slot, 1), z = cache.value(slot, 2);
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) return v;
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > no) no = y;
    if (z < lo) lo = z;
    if (z > hi) hi = z;
  }
  b[0] = w; b[1] = s; b[2] = lo; b[3] = e; b[4] = no; b[5] = hi;
  return -1;
}

/** Replaces the slot numbers in g[v * 3] (see {@link toGeodeticAll}) by their three values from `values`. */
function gatherSlots(g: Float64Array, values: Float64Array): void {
  for (let i = 0; i < g.length; i += 3) {
    const k = g[i] * 3;
    g[i] = values[k];
    g[i + 1] = values[k + 1];
    g[i + 2] = values[k + 2];
  }
}

/** Grows `b` by the vertices of `g` (xyz) that `indices` use. */
function indexedBounds(g: Float64Array, indices: ArrayLike<number>, b: Bounds): void {
  let x0 = b[0], y0 = b[1], z0 = b[2], x1 = b[3], y1 = b[4], z1 = b[5];
  for (let t = 0; t < indices.length; t++) {
    const i = indices[t] * 3;
    const x = g[i], y = g[i + 1], z = g[i + 2];
    if (x < x0) x0 = x;
    if (y < y0) y0 = y;
    if (z < z0) z0 = z;
    if (x > x1) x1 = x;
    if (y > y1) y1 = y;
    if (z > z1) z1 = z;
  }
  b[0] = x0; b[1] = y0; b[2] = z0; b[3] = x1; b[4] = y1; b[5] = z1;
}

/**
 * Geodetic (lon°, lat°, h) → ECEF → the local east-north-up frame of a column-major ENU → ECEF matrix whose origin
 * is at (lon0°, lat0°). Sines and cosines of a vertex's longitude and latitude come from those of the origin and
 * Taylor series of the (small) differences: within 0.01 rad (≈ 60 km) of the origin the truncation error is below
 * 1e-17 (a nanometre on the earth), and farther vertices use Math.sin / Math.cos.
 */
class EnuConverter {
  private readonly ox: number;
  private readonly oy: number;
  private readonly oz: number;
  private readonly r: Float64Array;
  private readonly lon0: number;
  private readonly lat0: number;
  /** sin/cos of the origin's longitude and latitude. */
  private readonly s0: Float64Array;

  constructor(m: number[], lon0: number, lat0: number) {
    this.ox = m[12];
    this.oy = m[13];
    this.oz = m[14];
    // Rows of ECEF → ENU (transpose of the rotation).
    this.r = Float64Array.of(m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10]);
    this.lon0 = lon0;
    this.lat0 = lat0;
    const l = (lon0 * Math.PI) / 180, p = (lat0 * Math.PI) / 180;
    this.s0 = Float64Array.of(Math.sin(l), Math.cos(l), Math.sin(p), Math.cos(p));
  }

  /** Converts geodetic positions (xyz per vertex) to ENU in place. */
  convert(g: Float64Array): void {
    const ox = this.ox, oy = this.oy, oz = this.oz, r = this.r;
    const e0 = r[0], e1 = r[1], e2 = r[2], n0 = r[3], n1 = r[4], n2 = r[5], u0 = r[6], u1 = r[7], u2 = r[8];
    const lon0 = this.lon0, lat0 = this.lat0, sl0 = this.s0[0], cl0 = this.s0[1], sp0 = this.s0[2], cp0 = this.s0[3];
    const R = Math.PI / 180;
    for (let i = 0; i < g.length; i += 3) {
      const a = (g[i] - lon0) * R, b = (g[i + 1] - lat0) * R, h = g[i + 2];
      let sl: number, cl: number, sp: number, cp: number;
      if (a > -0.01 && a < 0.01 && b > -0.01 && b < 0.01) {
        const a2 = a * a, b2 = b * b;
        const sa = a * (1 - (a2 / 6) * (1 - a2 / 20)), ca = 1 - (a2 / 2) * (1 - (a2 / 12) * (1 - a2 / 30));
        const sb = b * (1 - (b2 / 6) * (1 - b2 / 20)), cb = 1 - (b2 / 2) * (1 - (b2 / 12) * (1 - b2 / 30));
        sl = sl0 * ca + cl0 * sa;
        cl = cl0 * ca - sl0 * sa;
        sp = sp0 * cb + cp0 * sb;
        cp = cp0 * cb - sp0 * sb;
      } else {
        const lon = (g[i] * Math.PI) / 180, lat = (g[i + 1] * Math.PI) / 180;
        sl = Math.sin(lon);
        cl = Math.cos(lon);
        sp = Math.sin(lat);
        cp = Math.cos(lat);
      }
      const nr = WGS84_A / Math.sqrt(1 - WGS84_E2 * sp * sp);
      const dx = (nr + h) * cp * cl - ox;
      const dy = (nr + h) * cp * sl - oy;
      const dz = (nr * (1 - WGS84_E2) + h) * sp - oz;
      g[i] = e0 * dx + e1 * dy + e2 * dz;
      g[i + 1] = n0 * dx + n1 * dy + n2 * dz;
      g[i + 2] = u0 * dx + u1 * dy + u2 * dz;
    }
  }
}
