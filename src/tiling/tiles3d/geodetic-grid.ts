/**
 * Fast model CRS → geodetic conversion for the tiler: a per-cell biquadratic interpolant of the CRS transform,
 * checked against the exact transform before use.
 *
 * A projected CRS (RD New, LV95, UTM...) goes through proj4 at about 1.4 µs per vertex, which made the transform the
 * largest cost of writing a tileset. Map projections are smooth: over a cell of side S the error of interpolating
 * (lon, lat, h) at the 3 × 3 nodes of the cell grows with S³ times the third derivatives of the projection, about
 * S³ / R² (R the earth radius): 2.5e-8 m for S = 100 m, 3e-5 m for S = 1 km. Each cell (1 km of model units by
 * default) is fitted with 9 exact transforms at model height z₀ plus one at z₀ + 100 m (the height derivative, which
 * is 1 for every built-in CRS), then checked with 5 more exact transforms between the nodes and at other heights; a
 * cell whose check shows more than {@link GEODETIC_GRID_TOLERANCE_M} of error anywhere, or that has a non-finite
 * node, converts every vertex exactly. So the interpolant is used only where it was measured to be within 0.1 mm
 * at its worst points, and for a smooth transform the error between those points is of the same order.
 */
import type { CoordinateTransform } from '../../core/geo/projection.js';
import { WGS84_A, toRadians } from '../../core/geo/ellipsoid.js';

/** Largest error (metres, on the ground and in height) a cell's interpolant may show at its check points. */
export const GEODETIC_GRID_TOLERANCE_M = 1e-4;

/** Default cell side in metres. */
export const GEODETIC_GRID_CELL_M = 1000;

/** Height step (model units) for the height derivative and the checks. */
const DZ = 100;

/** One fitted cell: 9 polynomial coefficients per output (lon, lat, h) in (u, v) ∈ [0, 1]², plus ∂/∂z. */
interface Cell {
  /** Exact conversion for this cell (the fit failed its check). */
  exact: boolean;
  x0: number;
  y0: number;
  z0: number;
  /** c[o * 9 + a * 3 + b] = coefficient of u^a v^b of output o. */
  c: Float64Array;
  /** ∂(lon, lat, h)/∂z. */
  dz: Float64Array;
}

/** Lagrange weights at nodes 0, ½, 1 as polynomial coefficients: row i = [1, u, u²] coefficients of Lᵢ(u). */
const L = [
  [1, -3, 2],
  [0, 4, -4],
  [0, -1, 2],
];

/**
 * Converts model coordinates to geodetic ones through per-cell interpolants of `crs.toGeodetic` (see the module
 * comment for the error bound). Create one per model; cells are fitted lazily as vertices reach them.
 */
export class GeodeticGrid {
  /** Cells fitted so far (by key). */
  private readonly cells = new Map<number, Cell>();
  private readonly crs: CoordinateTransform;
  private readonly cellMetres: number;
  /** Cell side in model units (NaN until the grid has its origin). */
  cellSize = NaN;
  /** Grid origin (model units); set at the first finite point. */
  private ox = NaN;
  private oy = NaN;
  private ready = false;
  private last: Cell | undefined;
  private lastIx = NaN;
  private lastIy = NaN;
  /** Cells fitted; cells that failed their check and convert exactly; exact transforms made. */
  readonly stats = { cells: 0, exactCells: 0, exactCalls: 0 };
  private readonly tmp = new Float64Array(3);

  /**
   * `x0, y0` is any model point near the data (the grid origin and the point where the model's units are measured;
   * when it is not finite, the first finite point converted takes its place); `cellMetres` the cell side in metres.
   */
  constructor(crs: CoordinateTransform, x0: number, y0: number, cellMetres = GEODETIC_GRID_CELL_M) {
    this.crs = crs;
    this.cellMetres = cellMetres;
    if (Number.isFinite(x0) && Number.isFinite(y0)) this.init(x0, y0);
  }

  private init(x0: number, y0: number): void {
    this.ready = true;
    this.ox = x0;
    this.oy = y0;
    // Model units per metre, measured at the origin (models are metric, but a CRS in degrees must not get 1000° cells).
    const a = this.crs.toGeodetic(x0, y0, 0), b = this.crs.toGeodetic(x0 + 1, y0, 0), c = this.crs.toGeodetic(x0, y0 + 1, 0);
    const m = Math.max(groundMetres(a, b), groundMetres(a, c));
    this.cellSize = Number.isFinite(m) && m > 0 ? this.cellMetres / m : NaN;
  }

  /**
   * Writes lon°, lat°, ellipsoidal height of model point (x, y, z) into out[o], out[o + 1], out[o + 2]. The values
   * are non-finite where the exact transform gives non-finite values.
   */
  toGeodetic(x: number, y: number, z: number, out: Float64Array, o: number): void {
    if (!this.ready && Number.isFinite(x) && Number.isFinite(y)) this.init(x, y);
    const s = this.cellSize;
    const fx = (x - this.ox) / s, fy = (y - this.oy) / s;
    const ix = Math.floor(fx), iy = Math.floor(fy);
    let cell = this.last;
    if (ix !== this.lastIx || iy !== this.lastIy || cell === undefined) {
      cell = this.cell(ix, iy, z);
      this.last = cell;
      this.lastIx = ix;
      this.lastIy = iy;
    }
    if (cell.exact) {
      this.stats.exactCalls++;
      const g = this.crs.toGeodetic(x, y, z);
      out[o] = g[0];
      out[o + 1] = g[1];
      out[o + 2] = g[2];
      return;
    }
    const u = fx - ix, v = fy - iy, w = z - cell.z0;
    const c = cell.c, d = cell.dz;
    for (let k = 0; k < 3; k++) {
      const q = k * 9;
      const r0 = c[q] + v * (c[q + 1] + v * c[q + 2]);
      const r1 = c[q + 3] + v * (c[q + 4] + v * c[q + 5]);
      const r2 = c[q + 6] + v * (c[q + 7] + v * c[q + 8]);
      out[o + k] = r0 + u * (r1 + u * r2) + w * d[k];
    }
  }

  /** The cell (ix, iy), fitted and checked on first use; `z` is the height of the vertex that reached it first. */
  private cell(ix: number, iy: number, z: number): Cell {
    // Cells far outside ±2^20 (a thousand times the earth at 1 km) never occur for real data; they convert exactly.
    const inRange = Math.abs(ix) < 1 << 20 && Math.abs(iy) < 1 << 20;
    const key = (ix + (1 << 20)) * (1 << 21) + (iy + (1 << 20));
    const hit = inRange ? this.cells.get(key) : undefined;
    if (hit) return hit;
    const c = this.fit(ix, iy, z);
    if (inRange) this.cells.set(key, c);
    return c;
  }

  private exactAt(x: number, y: number, z: number): [number, number, number] {
    this.stats.exactCalls++;
    return this.crs.toGeodetic(x, y, z);
  }

  private fit(ix: number, iy: number, z0: number): Cell {
    this.stats.cells++;
    const s = this.cellSize;
    const x0 = this.ox + ix * s, y0 = this.oy + iy * s;
    const cell: Cell = { exact: true, x0, y0, z0, c: new Float64Array(27), dz: new Float64Array(3) };
    if (!(s > 0) || !Number.isFinite(z0)) {
      this.stats.exactCells++;
      return cell;
    }
    // Node values f[i][j] at u = i/2, v = j/2.
    const f: number[][][] = [];
    for (let i = 0; i < 3; i++) {
      f.push([]);
      for (let j = 0; j < 3; j++) {
        const g = this.exactAt(x0 + (i * s) / 2, y0 + (j * s) / 2, z0);
        if (!Number.isFinite(g[0]) || !Number.isFinite(g[1]) || !Number.isFinite(g[2])) {
          this.stats.exactCells++;
          return cell;
        }
        f[i].push(g);
      }
    }
    // Coefficients of u^a v^b: Σ_ij f_ij L_i[a] L_j[b].
    const c = cell.c;
    for (let k = 0; k < 3; k++) {
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          let sum = 0;
          for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) sum += f[i][j][k] * L[i][a] * L[j][b];
          c[k * 9 + a * 3 + b] = sum;
        }
      }
    }
    const mid = f[1][1];
    const up = this.exactAt(x0 + s / 2, y0 + s / 2, z0 + DZ);
    for (let k = 0; k < 3; k++) cell.dz[k] = (up[k] - mid[k]) / DZ;
    cell.exact = false;
    // Check between the nodes (where interpolation errs most) and at other heights.
    const checks: [number, number, number][] = [
      [0.25, 0.25, z0],
      [0.75, 0.25, z0 + DZ],
      [0.25, 0.75, z0 - DZ],
      [0.75, 0.75, z0 + 10 * DZ],
      [0.5, 0.9, z0 - 10 * DZ],
    ];
    const t = this.tmp;
    for (const [u, v, z] of checks) {
      const x = x0 + u * s, y = y0 + v * s;
      const e = this.exactAt(x, y, z);
      this.toGeodeticIn(cell, u, v, z, t);
      const err = Math.max(groundMetres(e, [t[0], t[1], e[2]]), Math.abs(t[2] - e[2]));
      if (!(err <= GEODETIC_GRID_TOLERANCE_M)) {
        cell.exact = true;
        this.stats.exactCells++;
        return cell;
      }
    }
    return cell;
  }

  private toGeodeticIn(cell: Cell, u: number, v: number, z: number, out: Float64Array): void {
    const c = cell.c, w = z - cell.z0;
    for (let k = 0; k < 3; k++) {
      const q = k * 9;
      const r0 = c[q] + v * (c[q + 1] + v * c[q + 2]);
      const r1 = c[q + 3] + v * (c[q + 4] + v * c[q + 5]);
      const r2 = c[q + 6] + v * (c[q + 7] + v * c[q + 8]);
      out[k] = r0 + u * (r1 + u * r2) + w * cell.dz[k];
    }
  }
}

/** Ground distance (metres, spherical approximation, good to 0.5 % — enough for tolerances) between two lon/lat. */
function groundMetres(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const dLat = toRadians(b[1] - a[1]);
  const dLon = toRadians(b[0] - a[0]) * Math.cos(toRadians((a[1] + b[1]) / 2));
  return WGS84_A * Math.hypot(dLat, dLon);
}

