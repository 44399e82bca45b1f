/**
 * A smooth 2D → kD mapping (a CRS transform) tabulated on a regular lattice and interpolated bilinearly, each cell
 * checked against the exact mapping before use.
 *
 * Sampling a DEM in another CRS converts every sample (millions per terrain) through proj4 at about 1.2 µs each;
 * a lattice lookup is a few tens of nanoseconds. Bilinear interpolation of a smooth map over a cell of side S errs by
 * about S² · |f''| / 8 at the cell's centre, where the check is made; with a map projection (|f''| ≈ 1 / R) and cells
 * of 100 m that is 0.2 mm. A cell whose centre misses the exact value by more than the tolerance, or that has a
 * non-finite node, is marked exact: lookups there return false and the caller converts exactly.
 */

/** Options of {@link LatticeMap}. */
export interface LatticeMapOptions {
  /** Cells along the longer side (default: enough for `targetCell`, at most 256). */
  cells?: number;
  /** Preferred cell side in input units (default: the extent / 64). */
  targetCell?: number;
  /**
   * Largest accepted difference between interpolated and exact values at a cell's centre, per output
   * (same length as the outputs).
   */
  tolerance: readonly number[];
}

/** A lattice interpolant of `f` over [a0, a1] × [b0, b1] with `k` outputs. */
export class LatticeMap {
  /** Outputs per point. */
  readonly k: number;
  private readonly na: number;
  private readonly nb: number;
  private readonly da: number;
  private readonly db: number;
  /** Node values: ((j * (na + 1)) + i) * k + o. */
  private readonly nodes: Float64Array;
  /** 1 where a cell failed its check (convert exactly there). */
  private readonly exact: Uint8Array;
  /** Cells that failed their check. */
  readonly exactCells: number;

  /**
   * @param f the exact mapping; writes its k outputs to `out` (non-finite where it cannot map the point)
   * @param bounds [a0, b0, a1, b1], a1 > a0 and b1 > b0
   */
  constructor(
    f: (a: number, b: number, out: Float64Array) => void,
    k: number,
    private readonly bounds: readonly [number, number, number, number],
    options: LatticeMapOptions,
  ) {
    const [a0, b0, a1, b1] = bounds;
    if (!(a1 > a0 && b1 > b0)) throw new Error(`LatticeMap: empty bounds [${bounds.join(', ')}]`);
    if (options.tolerance.length !== k) throw new Error(`LatticeMap: ${k} outputs need ${k} tolerances, got ${options.tolerance.length}`);
    this.k = k;
    const longer = Math.max(a1 - a0, b1 - b0);
    const cells = options.cells ?? Math.min(256, Math.max(1, Math.ceil(longer / (options.targetCell ?? longer / 64))));
    const side = longer / cells;
    this.na = Math.max(1, Math.ceil((a1 - a0) / side));
    this.nb = Math.max(1, Math.ceil((b1 - b0) / side));
    this.da = (a1 - a0) / this.na;
    this.db = (b1 - b0) / this.nb;
    const { na, nb, da, db } = this;
    this.nodes = new Float64Array((na + 1) * (nb + 1) * k);
    const tmp = new Float64Array(k);
    for (let j = 0; j <= nb; j++) {
      for (let i = 0; i <= na; i++) {
        tmp.fill(NaN);
        f(a0 + i * da, b0 + j * db, tmp);
        this.nodes.set(tmp, (j * (na + 1) + i) * k);
      }
    }
    this.exact = new Uint8Array(na * nb);
    const approx = new Float64Array(k);
    let failed = 0;
    for (let j = 0; j < nb; j++) {
      for (let i = 0; i < na; i++) {
        tmp.fill(NaN);
        f(a0 + (i + 0.5) * da, b0 + (j + 0.5) * db, tmp);
        this.interpolate(i, j, 0.5, 0.5, approx);
        let ok = true;
        for (let o = 0; o < k && ok; o++) ok = Number.isFinite(approx[o]) && Number.isFinite(tmp[o]) && Math.abs(approx[o] - tmp[o]) <= options.tolerance[o];
        if (!ok) {
          this.exact[j * na + i] = 1;
          failed++;
        }
      }
    }
    this.exactCells = failed;
  }

  /** Cells of the lattice. */
  get cells(): number {
    return this.na * this.nb;
  }

  /**
   * Interpolated outputs at (a, b) into `out`; false (out untouched) outside the bounds or in a cell that failed its
   * check, where the caller must use the exact mapping.
   */
  eval(a: number, b: number, out: Float64Array | number[]): boolean {
    const [a0, b0] = this.bounds;
    const u = (a - a0) / this.da;
    const v = (b - b0) / this.db;
    if (!(u >= 0 && v >= 0 && u <= this.na && v <= this.nb)) return false;
    const i = Math.min(this.na - 1, Math.floor(u));
    const j = Math.min(this.nb - 1, Math.floor(v));
    if (this.exact[j * this.na + i]) return false;
    this.interpolate(i, j, u - i, v - j, out);
    return true;
  }

  private interpolate(i: number, j: number, tu: number, tv: number, out: Float64Array | number[]): void {
    const k = this.k;
    const row = this.na + 1;
    const p00 = (j * row + i) * k;
    const p10 = p00 + k;
    const p01 = p00 + row * k;
    const p11 = p01 + k;
    const n = this.nodes;
    const w00 = (1 - tu) * (1 - tv), w10 = tu * (1 - tv), w01 = (1 - tu) * tv, w11 = tu * tv;
    for (let o = 0; o < k; o++) out[o] = n[p00 + o] * w00 + n[p10 + o] * w10 + n[p01 + o] * w01 + n[p11 + o] * w11;
  }
}
