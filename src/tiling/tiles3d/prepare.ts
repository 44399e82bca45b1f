/**
 * Pre-pass of the writer: checks every mesh, converts every vertex once
 * model CRS → geodetic (crs.toGeodetic) → ECEF → the tileset's local east-north-up frame, and records bounds.
 */
import { WGS84_A, WGS84_E2, enuToEcefMatrix, toRadians } from '../../core/geo/ellipsoid.js';
import type { CityFeature, FeatureCollectionModel, MeshPart, SurfaceSemantic } from '../../core/model/feature.js';
import { materialFactor } from './materials.js';

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
  return new Float64Array([Infinity, Infinity, Infinity, -Infinity, -Infinity, -Infinity]);
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
    if (!Number.isInteger(k) || k < 0 || k >= n) return `indices[${i}] = ${k} is out of range (${n} vertices)`;
  }
  return undefined;
}

/**
 * Checks and converts a model. Features without geometry, or with a malformed part, are skipped and named in
 * `skipped`/`warnings`; nothing else is lost.
 */
export function prepareModel(model: FeatureCollectionModel): PreparedModel {
  const warnings: string[] = [];
  const skipped: string[] = [];
  const missingTextures = new Set<string>();
  const materials = new Map<string, [number, number, number, number]>();
  const crs = model.crs;
  const textures = model.textures ?? {};
  let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity, minH = Infinity, maxH = -Infinity;
  interface Pending { index: number; feature: CityFeature; lods: { lod: string; parts: PreparedPart[]; triangles: number }[] }
  const pending: Pending[] = [];

  const features = model.features ?? [];
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi];
    const where = `feature '${f.id}' (features[${fi}])`;
    const lods: Pending['lods'] = [];
    const converted = new Map<ArrayLike<number>, Float64Array>();
    let bad: string | undefined;
    for (let li = 0; li < (f.lods ?? []).length && !bad; li++) {
      const lod = f.lods[li];
      const parts: PreparedPart[] = [];
      let triangles = 0;
      for (let pi = 0; pi < (lod.parts ?? []).length; pi++) {
        const p = lod.parts[pi];
        const reason = checkPart(p);
        if (reason) {
          bad = `${where} lods[${li}].parts[${pi}]: ${reason}`;
          break;
        }
        if (p.indices.length === 0) continue;
        const pos = p.positions;
        const n = pos.length / 3;
        // Parts often share one positions array (walls, roof and ground of a solid): convert it once.
        let geo = converted.get(pos);
        if (!geo) {
          geo = new Float64Array(n * 3);
          for (let v = 0; v < n; v++) {
            const g = crs.toGeodetic(pos[v * 3], pos[v * 3 + 1], pos[v * 3 + 2]);
            const lon = g[0], lat = g[1], h = g[2];
            if (!Number.isFinite(lon) || !Number.isFinite(lat) || !Number.isFinite(h)) {
              bad = `${where} lods[${li}].parts[${pi}]: vertex ${v} (${pos[v * 3]}, ${pos[v * 3 + 1]}, ${pos[v * 3 + 2]}) does not convert to a finite position`;
              break;
            }
            geo[v * 3] = lon;
            geo[v * 3 + 1] = lat;
            geo[v * 3 + 2] = h;
          }
          if (!bad) converted.set(pos, geo);
        }
        if (bad) break;
        const semantic = p.semantic ?? 'generic';
        const part: PreparedPart = { semantic, enu: geo, indices: p.indices, color: p.color, factor: [1, 1, 1, 1], materialKey: '' };
        if (p.texture !== undefined) {
          if (!textures[p.texture]) {
            if (!missingTextures.has(p.texture)) {
              missingTextures.add(p.texture);
              warnings.push(`texture '${p.texture}' (first used by ${where}) is not in model.textures: drawn without texture`);
            }
          } else if (!p.uvs || p.uvs.length !== n * 2) {
            warnings.push(`${where} lods[${li}].parts[${pi}]: uvs length ${p.uvs?.length ?? 0} does not match ${n} vertices: drawn without texture`);
          } else {
            part.texture = p.texture;
            part.uvs = p.uvs;
          }
        }
        const textured = part.texture !== undefined;
        const mkey = `${semantic}|${p.color ? p.color.join(',') : ''}|${textured ? part.texture : ''}`;
        let mat = materials.get(mkey);
        if (!mat) materials.set(mkey, (mat = materialFactor(semantic, p.color, textured)));
        part.factor = mat;
        part.materialKey = mkey;
        parts.push(part);
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
      warnings.push(`${where} has no geometry: not written to the tileset`);
      continue;
    }
    {
      for (const g of converted.values()) {
        for (let i = 0; i < g.length; i += 3) {
          if (g[i] < west) west = g[i];
          if (g[i] > east) east = g[i];
          if (g[i + 1] < south) south = g[i + 1];
          if (g[i + 1] > north) north = g[i + 1];
          if (g[i + 2] < minH) minH = g[i + 2];
          if (g[i + 2] > maxH) maxH = g[i + 2];
        }
      }
    }
    pending.push({ index: fi, feature: f, lods });
  }

  if (pending.length === 0) {
    const why = features.length === 0 ? 'it has no features' : `none of its ${features.length} features has drawable geometry`;
    const err = new Error(`writeTileset: model '${model.name}' cannot be tiled: ${why}${warnings.length ? ` (${warnings.slice(0, 3).join('; ')})` : ''}`);
    throw err;
  }

  const lon0 = (west + east) / 2, lat0 = (south + north) / 2, h0 = minH;
  const frame: TilesetFrame = { lon: lon0, lat: lat0, height: h0, enuToEcef: enuToEcefMatrix(lon0, lat0, h0) };
  const m = frame.enuToEcef;
  const ox = m[12], oy = m[13], oz = m[14];
  // Rows of ECEF → ENU (transpose of the rotation).
  const e0 = m[0], e1 = m[1], e2 = m[2], n0 = m[4], n1 = m[5], n2 = m[6], u0 = m[8], u1 = m[9], u2 = m[10];

  const out: PreparedFeature[] = [];
  for (const p of pending) {
    const done = new Set<Float64Array>();
    const fb = emptyBounds();
    const lods: PreparedLod[] = [];
    for (const l of p.lods) {
      const b = emptyBounds();
      for (const part of l.parts) {
        const g = part.enu;
        if (!done.has(g)) {
          done.add(g);
          for (let i = 0; i < g.length; i += 3) {
            const lon = toRadians(g[i]), lat = toRadians(g[i + 1]), h = g[i + 2];
            const sp = Math.sin(lat), cp = Math.cos(lat);
            const nr = WGS84_A / Math.sqrt(1 - WGS84_E2 * sp * sp);
            const dx = (nr + h) * cp * Math.cos(lon) - ox;
            const dy = (nr + h) * cp * Math.sin(lon) - oy;
            const dz = (nr * (1 - WGS84_E2) + h) * sp - oz;
            g[i] = e0 * dx + e1 * dy + e2 * dz;
            g[i + 1] = n0 * dx + n1 * dy + n2 * dz;
            g[i + 2] = u0 * dx + u1 * dy + u2 * dz;
          }
        }
        // Bounds over the vertices this part uses.
        const ind = part.indices;
        for (let t = 0; t < ind.length; t++) {
          const i = ind[t] * 3;
          const x = g[i], y = g[i + 1], z = g[i + 2];
          if (x < b[0]) b[0] = x;
          if (y < b[1]) b[1] = y;
          if (z < b[2]) b[2] = z;
          if (x > b[3]) b[3] = x;
          if (y > b[4]) b[4] = y;
          if (z > b[5]) b[5] = z;
        }
      }
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
