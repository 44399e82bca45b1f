/**
 * A straightforward reference implementation of the same scheme as {@link FloodSimulation} (local inertial,
 * θ-weighting, implicit Manning friction, outflow limiting), written for clarity rather than speed: Float64
 * state, Math.pow per face, separate passes over the whole grid, copies of the old fluxes every step.
 * Closed boundaries, constant rain and constant Manning's n only.
 * It is the baseline of bench/flood.bench.ts and a cross-check of the optimised engine in the tests.
 */
import type { Grid } from '../grid/grid.js';

/** Inputs of {@link ReferenceFlood}. */
export interface ReferenceFloodConfig {
  dem: Grid;
  manning: number;
  /** mm/h */
  rain?: number;
  initialLevel?: number;
  theta?: number;
  alpha?: number;
  maxDt?: number;
  minFlowDepth?: number;
}

/** Reference engine (see the module comment). */
export class ReferenceFlood {
  /** Columns. */
  readonly nx: number;
  /** Rows. */
  readonly ny: number;
  /** Depth per cell (m), row-major, row 0 = north. */
  readonly h: Float64Array;
  /** Simulated time (s). */
  time = 0;
  /** Steps taken. */
  steps = 0;
  private readonly z: Float64Array;
  private readonly qx: Float64Array;
  private readonly qy: Float64Array;
  private readonly qxOld: Float64Array;
  private readonly qyOld: Float64Array;
  private readonly dx: number;
  private readonly n: number;
  private readonly rain: number;
  private readonly theta: number;
  private readonly alpha: number;
  private readonly maxDt: number;
  private readonly hMin: number;
  private umax = 0;

  constructor(cfg: ReferenceFloodConfig) {
    this.nx = cfg.dem.ncols;
    this.ny = cfg.dem.nrows;
    this.dx = cfg.dem.cellSize;
    this.n = cfg.manning;
    this.rain = (cfg.rain ?? 0) / 3.6e6;
    this.theta = cfg.theta ?? 0.7;
    this.alpha = cfg.alpha ?? 0.7;
    this.maxDt = cfg.maxDt ?? 5;
    this.hMin = cfg.minFlowDepth ?? 1e-5;
    this.z = Float64Array.from(cfg.dem.data);
    this.h = new Float64Array(this.nx * this.ny);
    if (cfg.initialLevel !== undefined) for (let i = 0; i < this.h.length; i++) this.h[i] = Math.max(0, cfg.initialLevel - this.z[i]);
    this.qx = new Float64Array((this.nx + 1) * this.ny);
    this.qy = new Float64Array(this.nx * (this.ny + 1));
    this.qxOld = new Float64Array(this.qx.length);
    this.qyOld = new Float64Array(this.qy.length);
  }

  private faceFlux(qOld: number, qPrev: number, qNext: number, za: number, ha: number, zb: number, hb: number, dt: number): number {
    const g = 9.81;
    const ea = za + ha;
    const eb = zb + hb;
    const hf = Math.max(ea, eb) - Math.max(za, zb);
    if (hf <= this.hMin) return 0;
    const qAvg = this.theta * qOld + ((1 - this.theta) / 2) * (qPrev + qNext);
    const B = qAvg - (g * hf * dt * (eb - ea)) / this.dx;
    const c = (g * dt * this.n * this.n) / Math.pow(hf, 7 / 3);
    const q = (2 * B) / (1 + Math.sqrt(1 + 4 * c * Math.abs(B)));
    this.umax = Math.max(this.umax, Math.abs(q) / hf);
    return q;
  }

  /** One step; returns dt. */
  step(until = Infinity): number {
    const { nx, ny, h, z, qx, qy, qxOld, qyOld, dx } = this;
    let hmax = 0;
    for (let i = 0; i < h.length; i++) hmax = Math.max(hmax, h[i]);
    const speed = this.umax + Math.sqrt(9.81 * hmax);
    let dt = speed > 0 ? Math.min(this.maxDt, (this.alpha * Math.sqrt(this.theta) * dx) / speed) : this.maxDt;
    dt = Math.min(dt, until - this.time);
    if (!(dt > 0)) return 0;
    qxOld.set(qx);
    qyOld.set(qy);
    this.umax = 0;
    const X = (r: number, c: number) => r * (nx + 1) + c; // x-face west of cell (r, c)
    const Y = (r: number, c: number) => r * nx + c; // y-face north of cell (r, c)
    for (let r = 0; r < ny; r++) {
      for (let c = 1; c < nx; c++) {
        const a = r * nx + c - 1;
        const b = a + 1;
        qx[X(r, c)] = this.faceFlux(qxOld[X(r, c)], qxOld[X(r, c - 1)], qxOld[X(r, c + 1)], z[a], h[a], z[b], h[b], dt);
      }
    }
    for (let r = 1; r < ny; r++) {
      for (let c = 0; c < nx; c++) {
        const a = (r - 1) * nx + c;
        const b = a + nx;
        qy[Y(r, c)] = this.faceFlux(qyOld[Y(r, c)], qyOld[Y(r - 1, c)], qyOld[Y(r + 1, c)], z[a], h[a], z[b], h[b], dt);
      }
    }
    // Outflow limiting: all factors from the unscaled fluxes, then scale each face by its donor's factor.
    const fac = new Float64Array(nx * ny).fill(1);
    for (let r = 0; r < ny; r++) {
      for (let c = 0; c < nx; c++) {
        const i = r * nx + c;
        const out = Math.max(0, qx[X(r, c + 1)]) + Math.max(0, -qx[X(r, c)]) + Math.max(0, qy[Y(r + 1, c)]) + Math.max(0, -qy[Y(r, c)]);
        const loss = (out * dt) / dx;
        const avail = h[i] + this.rain * dt;
        if (loss > avail) fac[i] = (avail / loss) * (1 - 1e-6);
      }
    }
    for (let r = 0; r < ny; r++) {
      for (let c = 1; c < nx; c++) {
        const q = qx[X(r, c)];
        qx[X(r, c)] = q * (q > 0 ? fac[r * nx + c - 1] : fac[r * nx + c]);
      }
    }
    for (let r = 1; r < ny; r++) {
      for (let c = 0; c < nx; c++) {
        const q = qy[Y(r, c)];
        qy[Y(r, c)] = q * (q > 0 ? fac[(r - 1) * nx + c] : fac[r * nx + c]);
      }
    }
    for (let r = 0; r < ny; r++) {
      for (let c = 0; c < nx; c++) {
        const div = qx[X(r, c)] - qx[X(r, c + 1)] + qy[Y(r, c)] - qy[Y(r + 1, c)];
        h[r * nx + c] += this.rain * dt + (div * dt) / dx;
      }
    }
    this.time += dt;
    this.steps++;
    return dt;
  }

  /** Runs to time t. */
  advanceTo(t: number): void {
    while (this.time < t && this.step(t) > 0);
  }
}
