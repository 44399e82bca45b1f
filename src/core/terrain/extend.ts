/**
 * Turns a {@link HeightSource} (which has holes and ends somewhere) into a surface defined everywhere:
 * nodata holes inside the source are filled smoothly (push-pull interpolation), and outside the source the
 * height fades from the edge height to 0 m (the ellipsoid) over `fadeDistance` metres, so there are no cliffs.
 */
import { WGS84_A, WGS84_E2, toRadians } from '../geo/ellipsoid.js';
import type { HeightSource } from './source.js';
import type { Rectangle } from './tiling.js';

/** A height field defined at every (lon, lat). */
export interface TerrainSurface {
  /** The source's rectangle. */
  sourceRectangle: Rectangle;
  /** Outside this rectangle the height is exactly 0 m. */
  rectangle: Rectangle;
  /** Distance (m) over which the height fades to 0 outside the source. */
  fadeDistance: number;
  /** Size (m) of the cells of the fill raster used where the source has no data. */
  fillCellSize: number;
  /** Ellipsoidal height (m) at (lon°, lat°); always finite. */
  sample(lon: number, lat: number): number;
  /** The source's check points inside a rectangle (see HeightSource.checkPoints); undefined when it has none. */
  checkPoints(rect: Rectangle): Float64Array | undefined;
}

/** Options of {@link extendHeightSource}. */
export interface ExtendOptions {
  /** Fade distance in metres (default 1000). */
  fadeDistance?: number;
  /** Upper bound on the number of fill-raster cells (default 4,000,000). */
  maxFillCells?: number;
}

/** Metres per degree of latitude and longitude at a latitude. */
export function metresPerDegree(lat: number): [number, number] {
  const sl = Math.sin(toRadians(lat));
  const w = Math.sqrt(1 - WGS84_E2 * sl * sl);
  const m = (WGS84_A * (1 - WGS84_E2)) / (w * w * w);
  const n = WGS84_A / w;
  return [(n * Math.cos(toRadians(lat)) * Math.PI) / 180, (m * Math.PI) / 180];
}

const smoothstep = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : x * x * (3 - 2 * x));

/** Builds the everywhere-defined surface of a source. Throws if the source has no valid sample at all. */
export function extendHeightSource(source: HeightSource, options: ExtendOptions = {}): TerrainSurface {
  const fade = options.fadeDistance ?? 1000;
  if (!(fade > 0)) throw new Error(`extendHeightSource: fadeDistance must be > 0, got ${fade}`);
  const maxCells = options.maxFillCells ?? 4_000_000;
  const [sw, ss, se, sn] = source.rectangle;
  if (!(se > sw && sn > ss)) throw new Error(`extendHeightSource: source rectangle [${source.rectangle.join(', ')}] is empty`);
  const [mLon, mLat] = metresPerDegree((ss + sn) / 2);
  const W = Math.max(-180, sw - fade / mLon), E = Math.min(180, se + fade / mLon);
  const S = Math.max(-90, ss - fade / mLat), N = Math.min(90, sn + fade / mLat);
  const widthM = (E - W) * mLon, heightM = (N - S) * mLat;
  let cs = Math.max(source.resolution || 0, fade / 250);
  if ((widthM / cs) * (heightM / cs) > maxCells) cs = Math.sqrt((widthM * heightM) / maxCells);
  const nc = Math.max(2, Math.ceil(widthM / cs)), nr = Math.max(2, Math.ceil(heightM / cs));
  const dLon = (E - W) / nc, dLat = (N - S) / nr;
  const dx = dLon * mLon, dy = dLat * mLat;
  const count = nc * nr;

  // 1. Sample the source at cell centres (row 0 = south).
  const vals = new Float32Array(count);
  const valid = new Uint8Array(count);
  let nValid = 0;
  for (let j = 0; j < nr; j++) {
    const lat = S + (j + 0.5) * dLat;
    for (let i = 0; i < nc; i++) {
      const v = source.sample(W + (i + 0.5) * dLon, lat);
      if (Number.isFinite(v)) {
        vals[j * nc + i] = v;
        valid[j * nc + i] = 1;
        nValid++;
      }
    }
  }
  if (nValid === 0) throw new Error('extendHeightSource: the source has no valid height anywhere in its rectangle');

  // 2. Which invalid cells lie outside (connected to the border) rather than in holes.
  const outside = new Uint8Array(count);
  const queue = new Int32Array(count);
  let qh = 0, qt = 0;
  const seed = (k: number) => {
    if (!valid[k] && !outside[k]) {
      outside[k] = 1;
      queue[qt++] = k;
    }
  };
  for (let i = 0; i < nc; i++) {
    seed(i);
    seed((nr - 1) * nc + i);
  }
  for (let j = 0; j < nr; j++) {
    seed(j * nc);
    seed(j * nc + nc - 1);
  }
  while (qh < qt) {
    const k = queue[qh++];
    const i = k % nc, j = (k - i) / nc;
    if (i > 0) seed(k - 1);
    if (i < nc - 1) seed(k + 1);
    if (j > 0) seed(k - nc);
    if (j < nr - 1) seed(k + nc);
  }

  // 3. Distance (m) to the nearest valid cell: two-pass propagation of the nearest seed.
  const near = new Int32Array(count).fill(-1);
  const dist = new Float64Array(count).fill(Infinity);
  for (let k = 0; k < count; k++) {
    if (valid[k]) {
      near[k] = k;
      dist[k] = 0;
    }
  }
  const relax = (k: number, i: number, j: number, ni: number, nj: number) => {
    if (ni < 0 || nj < 0 || ni >= nc || nj >= nr) return;
    const s = near[nj * nc + ni];
    if (s < 0) return;
    const si = s % nc, sj = (s - si) / nc;
    const d = Math.hypot((si - i) * dx, (sj - j) * dy);
    if (d < dist[k]) {
      dist[k] = d;
      near[k] = s;
    }
  };
  for (let j = 0; j < nr; j++) {
    for (let i = 0; i < nc; i++) {
      const k = j * nc + i;
      if (valid[k]) continue;
      relax(k, i, j, i - 1, j);
      relax(k, i, j, i - 1, j - 1);
      relax(k, i, j, i, j - 1);
      relax(k, i, j, i + 1, j - 1);
    }
  }
  for (let j = nr - 1; j >= 0; j--) {
    for (let i = nc - 1; i >= 0; i--) {
      const k = j * nc + i;
      if (valid[k]) continue;
      relax(k, i, j, i + 1, j);
      relax(k, i, j, i + 1, j + 1);
      relax(k, i, j, i, j + 1);
      relax(k, i, j, i - 1, j + 1);
    }
  }

  // 4. Push-pull fill of every invalid cell, then the fade outside.
  const filled = pushPull(vals, valid, nc, nr);
  for (let k = 0; k < count; k++) {
    if (valid[k]) continue;
    filled[k] = outside[k] ? filled[k] * smoothstep(1 - dist[k] / fade) : filled[k];
  }

  const rect: Rectangle = [W, S, E, N];
  return {
    sourceRectangle: [sw, ss, se, sn],
    rectangle: rect,
    fadeDistance: fade,
    fillCellSize: Math.max(dx, dy),
    checkPoints: (r: Rectangle) => source.checkPoints?.(r),
    sample(lon: number, lat: number): number {
      if (lon <= W || lon >= E || lat <= S || lat >= N) return 0;
      if (lon >= sw && lon <= se && lat >= ss && lat <= sn) {
        const v = source.sample(lon, lat);
        if (Number.isFinite(v)) return v;
      }
      const fx = (lon - W) / dLon - 0.5, fy = (lat - S) / dLat - 0.5;
      const i0 = Math.max(0, Math.min(nc - 1, Math.floor(fx))), j0 = Math.max(0, Math.min(nr - 1, Math.floor(fy)));
      const i1 = Math.min(nc - 1, i0 + 1), j1 = Math.min(nr - 1, j0 + 1);
      const tx = Math.max(0, Math.min(1, fx - i0)), ty = Math.max(0, Math.min(1, fy - j0));
      const a = filled[j0 * nc + i0], b = filled[j0 * nc + i1], c = filled[j1 * nc + i0], d = filled[j1 * nc + i1];
      return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty;
    },
  };
}

/**
 * Fills invalid cells by push-pull: averages of valid cells are pulled into a pyramid, then each fully invalid
 * cell takes the bilinear value of the next coarser level. Returns a new array with every cell finite.
 */
export function pushPull(vals: Float32Array, valid: Uint8Array, nc: number, nr: number): Float32Array {
  const levels: { v: Float64Array; w: Float64Array; nc: number; nr: number }[] = [];
  let v = new Float64Array(nc * nr), w = new Float64Array(nc * nr);
  for (let k = 0; k < v.length; k++) if (valid[k]) {
    v[k] = vals[k];
    w[k] = 1;
  }
  levels.push({ v, w, nc, nr });
  let c = nc, r = nr;
  while (c > 1 || r > 1) {
    const c2 = Math.ceil(c / 2), r2 = Math.ceil(r / 2);
    const v2 = new Float64Array(c2 * r2), w2 = new Float64Array(c2 * r2);
    for (let j = 0; j < r; j++) {
      for (let i = 0; i < c; i++) {
        const k = j * c + i, k2 = (j >> 1) * c2 + (i >> 1);
        if (w[k] > 0) {
          v2[k2] += v[k] * w[k];
          w2[k2] += w[k];
        }
      }
    }
    for (let k = 0; k < v2.length; k++) if (w2[k] > 0) v2[k] /= w2[k];
    levels.push({ v: v2, w: w2, nc: c2, nr: r2 });
    v = v2;
    w = w2;
    c = c2;
    r = r2;
  }
  for (let l = levels.length - 2; l >= 0; l--) {
    const fine = levels[l], coarse = levels[l + 1];
    for (let j = 0; j < fine.nr; j++) {
      for (let i = 0; i < fine.nc; i++) {
        const k = j * fine.nc + i;
        if (fine.w[k] > 0) continue;
        const fx = (i + 0.5) / 2 - 0.5, fy = (j + 0.5) / 2 - 0.5;
        const i0 = Math.max(0, Math.min(coarse.nc - 1, Math.floor(fx))), j0 = Math.max(0, Math.min(coarse.nr - 1, Math.floor(fy)));
        const i1 = Math.min(coarse.nc - 1, i0 + 1), j1 = Math.min(coarse.nr - 1, j0 + 1);
        const tx = Math.max(0, Math.min(1, fx - i0)), ty = Math.max(0, Math.min(1, fy - j0));
        const cv = coarse.v;
        fine.v[k] =
          (cv[j0 * coarse.nc + i0] * (1 - tx) + cv[j0 * coarse.nc + i1] * tx) * (1 - ty) +
          (cv[j1 * coarse.nc + i0] * (1 - tx) + cv[j1 * coarse.nc + i1] * tx) * ty;
      }
    }
  }
  return Float32Array.from(levels[0].v);
}
