/**
 * Height sources: anything that answers "ellipsoidal height at (lon, lat)". The terrain writer tiles one;
 * DEM grids in any CRS become one with {@link demHeightSource}, several combine with {@link mergeHeightSources}.
 */
import type { CoordinateTransform } from '../geo/projection.js';
import { geodeticToEcef } from '../geo/ellipsoid.js';
import type { Grid } from '../grid/grid.js';
import { LatticeMap } from '../geo/lattice.js';
import type { Rectangle } from './tiling.js';

/** A terrain height field in geographic coordinates. */
export interface HeightSource {
  /** [west, south, east, north] degrees holding every valid sample. */
  rectangle: Rectangle;
  /** Ground sample distance in metres (finest detail the source holds). */
  resolution: number;
  /** Height in metres above the WGS84 ellipsoid at (lon°, lat°); NaN outside the source or where it has no data. */
  sample(lon: number, lat: number): number;
  /**
   * Optional: the source's own data points (a DEM's valid cell centres, a TIN's vertices) inside `rect`, as flat
   * lon°, lat°, ellipsoidal height triples. The terrain writer checks its meshes against them as well as against its
   * sample grid, so detail finer than the grid is not lost silently. Undefined when the source cannot list them.
   */
  checkPoints?(rect: Rectangle): Float64Array | undefined;
}

/** DEMs with more cells than this list no check points (their geodetic cell centres would not fit in memory). */
export const MAX_CHECK_POINT_CELLS = 16_000_000;

/** Options of {@link demHeightSource}. */
export interface DemHeightSourceOptions {
  /**
   * Whether grid values go through `crs.toGeodetic` to become ellipsoidal heights (default true; a CRS with a
   * vertical datum, e.g. NAP or EGM96, converts there). With false, values are taken as ellipsoidal already.
   */
  convertHeights?: boolean;
}

/**
 * A height source over a DEM grid in `crs` (projected or geographic; NaN cells are nodata). Samples are bilinear
 * between cell centres; a sample near nodata uses the valid neighbours only, and NaN where none is valid.
 */
export function demHeightSource(dem: Grid, crs: CoordinateTransform, options: DemHeightSourceOptions = {}): HeightSource {
  const { ncols, nrows, xll, yll, cellSize, data } = dem;
  if (!(ncols > 0 && nrows > 0)) throw new Error(`demHeightSource: grid has no cells (${ncols}×${nrows})`);
  if (!(cellSize > 0) || !Number.isFinite(cellSize)) throw new Error(`demHeightSource: grid cellSize must be > 0, got ${cellSize}`);
  if (data.length !== ncols * nrows) {
    throw new Error(`demHeightSource: grid data has ${data.length} values, expected ncols·nrows = ${ncols * nrows}`);
  }
  const convert = options.convertHeights ?? true;
  const xur = xll + ncols * cellSize, yur = yll + nrows * cellSize;
  // Rectangle: the grid's outline densified, so curved projected edges are bounded.
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const steps = 32;
  for (let k = 0; k <= steps; k++) {
    const fx = xll + ((xur - xll) * k) / steps, fy = yll + ((yur - yll) * k) / steps;
    for (const [x, y] of [[fx, yll], [fx, yur], [xll, fy], [xur, fy]]) {
      const [lon, lat] = crs.toGeodetic(x, y, 0);
      if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
        throw new Error(`demHeightSource: ${crs.name} cannot place grid corner/edge (${x}, ${y})`);
      }
      w = Math.min(w, lon);
      e = Math.max(e, lon);
      s = Math.min(s, lat);
      n = Math.max(n, lat);
    }
  }
  // Resolution: ground distance of one cell at the grid centre.
  const cx = (xll + xur) / 2, cy = (yll + yur) / 2;
  const p0 = crs.toGeodetic(cx, cy, 0), px = crs.toGeodetic(cx + cellSize, cy, 0), py = crs.toGeodetic(cx, cy + cellSize, 0);
  const e0 = geodeticToEcef(p0[0], p0[1], 0), ex = geodeticToEcef(px[0], px[1], 0), ey = geodeticToEcef(py[0], py[1], 0);
  const resolution = Math.min(
    Math.hypot(ex[0] - e0[0], ex[1] - e0[1], ex[2] - e0[2]),
    Math.hypot(ey[0] - e0[0], ey[1] - e0[1], ey[2] - e0[2]),
  );
  const top = yll + nrows * cellSize;
  // The CRS transforms through checked lattices (see lattice.ts), built on first use: geodetic → grid for sampling,
  // and grid → (lon, lat, height at z = 0, height change per 100 m of z) for heights and cell centres. Tolerances:
  // 1/1000 of a cell in the grid, ~1 mm on the ground and 1 mm in height; cells that miss them convert exactly.
  let inverse: LatticeMap | undefined;
  let forward: LatticeMap | undefined;
  const inv = new Float64Array(2);
  const fwd = new Float64Array(4);
  const toGrid = (lon: number, lat: number): boolean => {
    inverse ??= new LatticeMap(
      (a, b, out) => {
        const [x, y] = crs.fromGeodetic(a, b, 0);
        out[0] = x;
        out[1] = y;
      },
      2,
      [w, s, e, n],
      { cells: 128, tolerance: [cellSize / 1000, cellSize / 1000] },
    );
    if (inverse.eval(lon, lat, inv)) return true;
    const [x, y] = crs.fromGeodetic(lon, lat, 0);
    inv[0] = x;
    inv[1] = y;
    return false;
  };
  const toGeo = (x: number, y: number, z: number): void => {
    forward ??= new LatticeMap(
      (a, b, out) => {
        const g0 = crs.toGeodetic(a, b, 0);
        out[0] = g0[0];
        out[1] = g0[1];
        out[2] = g0[2];
        out[3] = crs.toGeodetic(a, b, 100)[2] - g0[2];
      },
      4,
      [xll, yll, xur, yur],
      { cells: 128, tolerance: [1e-8, 1e-8, 1e-3, 1e-5] },
    );
    if (forward.eval(x, y, fwd)) {
      fwd[2] += (z * fwd[3]) / 100;
      return;
    }
    const g = crs.toGeodetic(x, y, z);
    fwd[0] = g[0];
    fwd[1] = g[1];
    fwd[2] = g[2];
  };
  // Geodetic position and ellipsoidal height of every valid cell centre, computed on first use.
  let centres: Float64Array | undefined;
  const cellCentres = (): Float64Array => {
    if (centres) return centres;
    centres = new Float64Array(ncols * nrows * 3).fill(NaN);
    for (let r = 0; r < nrows; r++) {
      const y = top - (r + 0.5) * cellSize;
      for (let c = 0; c < ncols; c++) {
        const v = data[r * ncols + c];
        if (v !== v) continue;
        toGeo(xll + (c + 0.5) * cellSize, y, convert ? v : 0);
        const k = 3 * (r * ncols + c);
        centres[k] = fwd[0];
        centres[k + 1] = fwd[1];
        centres[k + 2] = convert ? fwd[2] : v;
      }
    }
    return centres;
  };
  return {
    rectangle: [w, s, e, n],
    resolution,
    checkPoints(rect: Rectangle): Float64Array | undefined {
      if (ncols * nrows > MAX_CHECK_POINT_CELLS) return undefined;
      const [rw, rs, re, rn] = rect;
      if (re < w || rw > e || rn < s || rs > n) return new Float64Array(0);
      // Grid-space bounds of the rectangle (its outline densified), padded by a cell.
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      const k = 8;
      for (let i = 0; i <= k; i++) {
        const lo = Math.max(w, Math.min(e, rw + ((re - rw) * i) / k)), la = Math.max(s, Math.min(n, rs + ((rn - rs) * i) / k));
        for (const [a, b] of [[lo, Math.max(s, rs)], [lo, Math.min(n, rn)], [Math.max(w, rw), la], [Math.min(e, re), la]]) {
          const [x, y] = crs.fromGeodetic(a, b, 0);
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
      }
      if (!Number.isFinite(x0) || !Number.isFinite(y0) || !Number.isFinite(x1) || !Number.isFinite(y1)) return undefined;
      const c0 = Math.max(0, Math.floor((x0 - xll) / cellSize) - 1), c1 = Math.min(ncols - 1, Math.ceil((x1 - xll) / cellSize) + 1);
      const r0 = Math.max(0, Math.floor((top - y1) / cellSize) - 1), r1 = Math.min(nrows - 1, Math.ceil((top - y0) / cellSize) + 1);
      const cc = cellCentres();
      // Two passes: count, then fill (no intermediate array of boxed numbers).
      let count = 0;
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          const q = 3 * (r * ncols + c);
          const lo = cc[q], la = cc[q + 1];
          if (lo >= rw && lo <= re && la >= rs && la <= rn) count++;
        }
      }
      const out = new Float64Array(count * 3);
      let o = 0;
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          const q = 3 * (r * ncols + c);
          const lo = cc[q], la = cc[q + 1];
          if (lo >= rw && lo <= re && la >= rs && la <= rn) {
            out[o++] = lo;
            out[o++] = la;
            out[o++] = cc[q + 2];
          }
        }
      }
      return out;
    },
    sample(lon: number, lat: number): number {
      if (lon < w || lon > e || lat < s || lat > n) return NaN;
      toGrid(lon, lat);
      const x = inv[0], y = inv[1];
      if (!(x >= xll && x <= xur && y >= yll && y <= yur)) return NaN;
      const fx = (x - xll) / cellSize - 0.5;
      const fy = (top - y) / cellSize - 0.5;
      const c0 = Math.max(0, Math.min(ncols - 1, Math.floor(fx)));
      const r0 = Math.max(0, Math.min(nrows - 1, Math.floor(fy)));
      const c1 = Math.min(ncols - 1, c0 + 1), r1 = Math.min(nrows - 1, r0 + 1);
      const tx = Math.max(0, Math.min(1, fx - c0)), ty = Math.max(0, Math.min(1, fy - r0));
      const v00 = data[r0 * ncols + c0], v01 = data[r0 * ncols + c1], v10 = data[r1 * ncols + c0], v11 = data[r1 * ncols + c1];
      let v: number;
      if (v00 === v00 && v01 === v01 && v10 === v10 && v11 === v11) {
        v = (v00 * (1 - tx) + v01 * tx) * (1 - ty) + (v10 * (1 - tx) + v11 * tx) * ty;
      } else {
        // Only the valid neighbours, weighted as bilinear would (no closure here: this runs per sample).
        let sum = 0, wsum = 0;
        const w00 = (1 - tx) * (1 - ty), w01 = tx * (1 - ty), w10 = (1 - tx) * ty, w11 = tx * ty;
        if (v00 === v00 && w00 > 0) (sum += v00 * w00), (wsum += w00);
        if (v01 === v01 && w01 > 0) (sum += v01 * w01), (wsum += w01);
        if (v10 === v10 && w10 > 0) (sum += v10 * w10), (wsum += w10);
        if (v11 === v11 && w11 > 0) (sum += v11 * w11), (wsum += w11);
        if (wsum === 0) return NaN;
        v = sum / wsum;
      }
      if (!convert) return v;
      toGeo(x, y, v);
      return fwd[2];
    },
  };
}

/**
 * Combines sources: at each point the first source with a valid (finite) height wins. The rectangle is the union,
 * the resolution the finest.
 */
export function mergeHeightSources(...sources: HeightSource[]): HeightSource {
  if (sources.length === 0) throw new Error('mergeHeightSources: no sources given');
  if (sources.length === 1) return sources[0];
  const rect: Rectangle = [
    Math.min(...sources.map((s) => s.rectangle[0])),
    Math.min(...sources.map((s) => s.rectangle[1])),
    Math.max(...sources.map((s) => s.rectangle[2])),
    Math.max(...sources.map((s) => s.rectangle[3])),
  ];
  const winner = (lon: number, lat: number): number => {
    for (let i = 0; i < sources.length; i++) {
      const r = sources[i].rectangle;
      if (lon < r[0] || lon > r[2] || lat < r[1] || lat > r[3]) continue;
      if (Number.isFinite(sources[i].sample(lon, lat))) return i;
    }
    return -1;
  };
  return {
    rectangle: rect,
    resolution: Math.min(...sources.map((s) => s.resolution)),
    checkPoints(r: Rectangle): Float64Array | undefined {
      // Each source's points where that source is the one sampled.
      const out: number[] = [];
      for (let i = 0; i < sources.length; i++) {
        const pts = sources[i].checkPoints?.(r);
        if (!pts) continue;
        for (let k = 0; k < pts.length; k += 3) if (winner(pts[k], pts[k + 1]) === i) out.push(pts[k], pts[k + 1], pts[k + 2]);
      }
      return Float64Array.from(out);
    },
    sample(lon: number, lat: number): number {
      for (const s of sources) {
        const r = s.rectangle;
        if (lon < r[0] || lon > r[2] || lat < r[1] || lat > r[3]) continue;
        const v = s.sample(lon, lat);
        if (Number.isFinite(v)) return v;
      }
      return NaN;
    },
  };
}
