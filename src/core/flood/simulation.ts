/**
 * 2D flood engine: the local inertial approximation of the shallow water equations (Bates, Horritt & Fewtrell
 * 2010, J. Hydrol. 387) with the θ-weighted flux of de Almeida, Bates, Freer & Souvignet (2012, WRR 48),
 * semi-implicit Manning friction, adaptive time step, wetting/drying by outflow limiting and exact mass books.
 *
 * Pure TypeScript on Float32Arrays; the same code runs in Node, Web Workers and the CLI.
 *
 * Discretisation: cell-centred depths h on the DEM grid; unit-width discharges on faces (qx on the ncols+1
 * x-faces of each row, positive east; qy on the nrows+1 y-faces of each column, positive south = increasing row).
 * Per face:  q' = [θ q + (1−θ)/2 (q₋ + q₊) − g h_f Δt ∂η/∂x] / [1 + g Δt n² |q| / h_f^(7/3)],
 * h_f = max(η) − max(z). Cells that would lose more water than they hold have their outgoing fluxes scaled down
 * (never a clamped depth), so depths stay ≥ 0 and every m³ is accounted for.
 *
 * Choices beyond the papers, each covered by a validation test (tests/unit/flood-validation.test.ts):
 * - Time step Δt = α·√θ·Δx / (max|u| + √(g·h_max)) by default ('velocity'), or α·√θ·Δx/√(g·h_max) ('depth').
 *   The √θ factor: a von Neumann analysis of the θ-weighted scheme in 2D gives C² ≤ θ/2 for the checkerboard
 *   mode, so with the factor α < 1/√2 is stable for every θ, and θ = 1 reproduces Bates et al.'s step.
 * - Friction is implicit by default (q'·(1 + c|q'|) = B solved exactly, one square root per face); the
 *   semi-implicit form of Bates et al. (old |q| in the denominator) is an option. With thin fast sheet flow on
 *   steep beds the semi-implicit form oscillates even with the velocity-aware step.
 * - h^(1/3) for friction: per cell h^(−1/3) is kept up to date by one division-free Newton step (exact cube root
 *   only when the depth changed by more than 10 %), and per face h_f^(−1/3) is one Newton step from the upwind
 *   cell's value (h_up ≥ h_f; exact when h_f < 0.95·h_up). So usually no cube root at all in a step.
 *
 * Kernels: where the runtime has WebAssembly the sweep and the strip-parallel row kernels run the hand-written
 * module ./wasm/sweep.wat (config `kernel`, default 'auto'): the same arithmetic in the same order on the same
 * Float32 storage with Float64 intermediates, so the result is the JavaScript kernels' bit for bit
 * (tests/unit/flood-wasm.test.ts); ~1.25× faster on one core (branch-free selects, no bounds checks). The
 * JavaScript kernels below stay the fallback and the reference; change both together.
 */
import type { Grid } from '../grid/grid.js';
import { integrateSeries, sampleSeries, type TimeSeries } from '../formats/csv.js';
import { WasmSweep, type FloodSharedMemory, type SweepStep } from './wasm/kernel.js';
import {
  BOUNDARY_SIDES,
  type BoundaryCondition,
  type BoundarySide,
  type FloodConfig,
  type FloodProgress,
  type FloodScalars,
  type FloodSnapshot,
  type FloodStateBuffers,
  type MassBalance,
  type TimeStepRule,
} from './config.js';

/** A configuration problem; the message names the field. */
export class FloodConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FloodConfigError';
  }
}

/** Bed elevation used for walls: any face touching one has zero flow depth. */
const WALL_Z = 1e30;
/** Pre-test factor for the running max of |q|/h_f: far above the rounding of one product, far below 1. */
const UMAX_MARGIN = 1 - 1e-9;
/** Outgoing fluxes of a limited cell are scaled so it keeps this fraction (guards f32 rounding). */
const LIMIT_KEEP = 1 - 1e-6;

interface SideState {
  side: BoundarySide;
  bc: BoundaryCondition;
  /** Current outside water level for 'level' boundaries. */
  level: number;
}

const isGrid = (v: unknown): v is Grid => typeof v === 'object' && v !== null && 'data' in v && 'ncols' in v;
/** Whether the model's rain is a grid (the WebAssembly kernels then hold a rain array). */
export const usesRainGrid = (config: FloodConfig): boolean => isGrid(config.rain);
const isSeries = (v: unknown): v is TimeSeries => typeof v === 'object' && v !== null && 't' in v && 'v' in v;

/** Private per-strip buffers of the strip-parallel step (see {@link FloodSimulation.stripPhase1}). */
export interface StripHalo {
  /** Old y-face row r0−1 (strip above). */
  above2: Float32Array;
  /** Old y-face row r0 (strip above). */
  above: Float32Array;
  /** Old y-face row r1+1 (strip below). */
  below: Float32Array;
  /** New y-face row r0 as computed and scaled (north outflow) by this strip. */
  top: Float32Array;
}

/** The flood simulation. Create it from a {@link FloodConfig}, then call {@link step} or {@link advanceTo}. */
export class FloodSimulation {
  /** Columns. */
  readonly ncols: number;
  /** Rows (row 0 = north). */
  readonly nrows: number;
  /** Cell size (m). */
  readonly dx: number;
  /** Grid georeference (same as the DEM). */
  readonly xll: number;
  /** Grid georeference (same as the DEM). */
  readonly yll: number;
  /** Current simulated time (s). */
  time: number;
  /** Steps taken. */
  steps = 0;
  /** Last time step (s). */
  dt = 0;

  /** Depth (m) per cell. */
  readonly h: Float32Array;
  /** Bed (m) per cell; walls hold a huge value. */
  readonly z: Float32Array;
  /** x-face discharges (m²/s), (ncols+1) per row, positive east. */
  readonly qx: Float32Array;
  /** y-face discharges (m²/s), ncols per face row, nrows+1 face rows, positive south. */
  readonly qy: Float32Array;
  /** Largest depth reached per cell (m). */
  readonly maxDepth: Float32Array;
  /** Time (s) when the depth first reached `arrivalDepth`; NaN if never. */
  readonly arrival: Float32Array;
  /** 1 where the cell takes part (not nodata, not blocked). */
  readonly active: Uint8Array;

  private readonly hic: Float32Array; // h^(-1/3) per cell (Infinity where dry)
  private readonly n2: Float32Array; // Manning n² per cell
  private readonly bW: Float32Array; // new boundary-face values, written during the sweep
  private readonly bE: Float32Array;
  private readonly bN: Float32Array;
  private readonly bS: Float32Array;
  private readonly oldRow: Float32Array; // previous y-face row (old values) for θ-weighting
  private readonly rainGrid: Float32Array | null; // m/s per cell
  private readonly rainGridSum: number; // Σ active rainGrid (m/s)
  private readonly rainConst: number; // m/s
  private readonly rainSeries: TimeSeries | null; // mm/h
  private readonly inflowCells: Int32Array;
  private readonly inflowSeries: TimeSeries[];
  private readonly gaugeCells: Int32Array;
  private readonly gaugeNames: string[];
  private readonly sides: SideState[];
  private readonly nActive: number;

  private readonly theta: number;
  private readonly alpha: number;
  private readonly sqrtTheta: number;
  private readonly rule: TimeStepRule;
  private readonly maxDt: number;
  private readonly hMin: number;
  private readonly arrivalDepth: number;
  private readonly g: number;
  private readonly implicitFriction: boolean;
  private readonly constN: boolean;
  /** The WebAssembly sweep that owns the arrays, or null (JavaScript sweep). */
  private readonly wasm: WasmSweep | null;

  private hmax = 0;
  private umax = 0;
  private umaxB = 0;
  private massRain = 0;
  private massPointIn = 0;
  private massBoundaryIn = 0;
  private massOut = 0;
  private massInitial = 0;

  /**
   * @param config the model (validated; a {@link FloodConfigError} names the bad field).
   * @param shared optional shared-memory backing of the evolving state (h, h^(−1/3), qx, qy, maxDepth, arrival),
   *   e.g. SharedArrayBuffers from {@link FloodSimulation.allocateBuffers}, for strip-parallel runs. With
   *   `attach: true` the buffers already hold the state (written by another instance built from the same config)
   *   and are only read here. Either `buffers` (JavaScript kernels) or `memory` with this thread's `party` (a shared
   *   WebAssembly memory from {@link WasmSweep.allocateShared}: WebAssembly kernels).
   */
  constructor(config: FloodConfig, shared?: { buffers?: FloodStateBuffers; memory?: FloodSharedMemory; party?: number; attach?: boolean }) {
    const dem = config.dem;
    if (!dem || !(dem.data instanceof Float32Array)) throw new FloodConfigError('dem: a Grid with Float32Array data is required');
    const { ncols, nrows, cellSize } = dem;
    if (!(ncols >= 1 && nrows >= 1 && cellSize > 0)) throw new FloodConfigError('dem: ncols, nrows and cellSize must be positive');
    if (dem.data.length !== ncols * nrows) throw new FloodConfigError(`dem: data has ${dem.data.length} values, expected ${ncols * nrows}`);
    this.ncols = ncols;
    this.nrows = nrows;
    this.dx = cellSize;
    this.xll = dem.xll;
    this.yll = dem.yll;
    const n = ncols * nrows;

    this.theta = config.theta ?? 0.7;
    if (!(this.theta >= 0.5 && this.theta <= 1)) throw new FloodConfigError(`theta: must be in [0.5, 1], got ${config.theta}`);
    this.sqrtTheta = Math.sqrt(this.theta);
    this.alpha = config.alpha ?? 0.7;
    if (!(this.alpha > 0 && this.alpha <= 1)) throw new FloodConfigError(`alpha: must be in (0, 1], got ${config.alpha}`);
    this.rule = config.timeStep ?? 'velocity';
    if (this.rule !== 'velocity' && this.rule !== 'depth') throw new FloodConfigError(`timeStep: 'velocity' or 'depth', got ${String(config.timeStep)}`);
    this.maxDt = config.maxDt ?? 5;
    if (!(this.maxDt > 0)) throw new FloodConfigError(`maxDt: must be positive, got ${config.maxDt}`);
    this.hMin = config.minFlowDepth ?? 1e-5;
    if (!(this.hMin > 0)) throw new FloodConfigError(`minFlowDepth: must be positive, got ${config.minFlowDepth}`);
    this.arrivalDepth = config.arrivalDepth ?? 0.01;
    this.g = config.gravity ?? 9.81;
    const fr = config.friction ?? 'implicit';
    if (fr !== 'implicit' && fr !== 'semi-implicit') throw new FloodConfigError(`friction: 'implicit' or 'semi-implicit', got ${String(fr)}`);
    this.implicitFriction = fr === 'implicit';
    this.time = config.startTime ?? 0;

    const buf = shared?.buffers;
    const attach = shared?.attach === true;
    const kernel = config.kernel ?? 'auto';
    if (kernel !== 'auto' && kernel !== 'wasm' && kernel !== 'js') throw new FloodConfigError(`kernel: 'auto', 'wasm' or 'js', got ${String(config.kernel)}`);
    if (buf) {
      const want: Record<keyof FloodStateBuffers, number> = { h: n, hic: n, maxDepth: n, arrival: n, qx: (ncols + 1) * nrows, qy: ncols * (nrows + 1) };
      for (const key of Object.keys(want) as (keyof FloodStateBuffers)[]) {
        if (buf[key]?.byteLength !== 4 * want[key]) throw new FloodConfigError(`shared.buffers.${key}: ${buf[key]?.byteLength} bytes, expected ${4 * want[key]}`);
      }
      if (shared?.memory) throw new FloodConfigError('shared: give either buffers or memory, not both');
    }
    let wasm: WasmSweep | null = null;
    if (shared?.memory) {
      // Strip-parallel on a shared WebAssembly memory: the WebAssembly row kernels.
      try {
        wasm = WasmSweep.attachShared(shared.memory, shared.party ?? 0, ncols, nrows, isGrid(config.rain));
      } catch (e) {
        throw new FloodConfigError(`shared.memory: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else if (!buf && kernel !== 'js') {
      wasm = WasmSweep.create(ncols, nrows, isGrid(config.rain));
      if (kernel === 'wasm' && !wasm) throw new FloodConfigError(`kernel: 'wasm' requested, but this runtime cannot run the WebAssembly kernel for a ${ncols}×${nrows} grid`);
    }
    // (Shared buffers: the JavaScript strip kernels run on them.)
    this.wasm = wasm;
    this.h = wasm ? wasm.h : buf ? new Float32Array(buf.h) : new Float32Array(n);
    this.z = wasm ? wasm.z : new Float32Array(n);
    this.hic = wasm ? wasm.hic : buf ? new Float32Array(buf.hic) : new Float32Array(n);
    this.n2 = wasm ? wasm.n2 : new Float32Array(n);
    this.bW = wasm ? wasm.bW : new Float32Array(nrows);
    this.bE = wasm ? wasm.bE : new Float32Array(nrows);
    this.bN = wasm ? wasm.bN : new Float32Array(ncols);
    this.bS = wasm ? wasm.bS : new Float32Array(ncols);
    this.active = wasm ? wasm.active : new Uint8Array(n);
    this.maxDepth = wasm ? wasm.maxDepth : buf ? new Float32Array(buf.maxDepth) : new Float32Array(n);
    this.arrival = wasm ? wasm.arrival : buf ? new Float32Array(buf.arrival) : new Float32Array(n);
    this.qx = wasm ? wasm.qx : buf ? new Float32Array(buf.qx) : new Float32Array((ncols + 1) * nrows);
    this.qy = wasm ? wasm.qy : buf ? new Float32Array(buf.qy) : new Float32Array(ncols * (nrows + 1));
    if (!attach) this.arrival.fill(NaN);
    this.oldRow = wasm ? wasm.oldRow : new Float32Array(ncols);

    const blocked = config.blocked;
    if (blocked && blocked.length !== n) throw new FloodConfigError(`blocked: ${blocked.length} cells, expected ${n} (same grid as the DEM)`);
    let nActive = 0;
    for (let i = 0; i < n; i++) {
      const zi = dem.data[i];
      const act = !Number.isNaN(zi) && !(blocked && blocked[i]);
      this.active[i] = act ? 1 : 0;
      this.z[i] = act ? zi : WALL_Z;
      if (act) nActive++;
    }
    this.nActive = nActive;

    // Manning's n.
    const man = config.manning;
    if (typeof man === 'number') {
      if (!(man > 0)) throw new FloodConfigError(`manning: must be positive, got ${man}`);
      this.n2.fill(man * man);
      this.constN = true;
    } else if (isGrid(man)) {
      this.constN = false;
      this.checkAligned(man, 'manning');
      for (let i = 0; i < n; i++) {
        const v = man.data[i];
        if (this.active[i] && !(v > 0)) throw new FloodConfigError(`manning: cell (row ${Math.floor(i / ncols)}, col ${i % ncols}) has n = ${v}; must be positive`);
        this.n2[i] = this.active[i] ? v * v : 0;
      }
    } else throw new FloodConfigError('manning: a number or a Grid is required');

    // Rain.
    const rain = config.rain;
    this.rainConst = 0;
    this.rainSeries = null;
    this.rainGrid = null;
    this.rainGridSum = 0;
    if (rain === undefined) {
      /* none */
    } else if (typeof rain === 'number') {
      if (!(rain >= 0)) throw new FloodConfigError(`rain: must be ≥ 0 mm/h, got ${rain}`);
      this.rainConst = rain / 3.6e6;
    } else if (isGrid(rain)) {
      this.checkAligned(rain, 'rain');
      const rg = this.wasm?.rainGrid ?? new Float32Array(n);
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const v = rain.data[i];
        if (!this.active[i] || Number.isNaN(v)) continue;
        if (v < 0) throw new FloodConfigError(`rain: grid cell (row ${Math.floor(i / ncols)}, col ${i % ncols}) is negative (${v} mm/h)`);
        rg[i] = v / 3.6e6;
        sum += rg[i];
      }
      this.rainGrid = rg;
      this.rainGridSum = sum;
    } else if (isSeries(rain)) {
      for (let i = 0; i < rain.v.length; i++) if (!(rain.v[i] >= 0)) throw new FloodConfigError(`rain: hyetograph value ${i + 1} is negative`);
      this.rainSeries = rain;
    } else throw new FloodConfigError('rain: a number (mm/h), a hyetograph or a Grid is required');

    // Point inflows.
    const inflows = config.inflows ?? [];
    this.inflowCells = new Int32Array(inflows.length);
    this.inflowSeries = [];
    inflows.forEach((f, k) => {
      const label = f.name ?? `inflow ${k + 1}`;
      const i = this.cellAt(f.x, f.y);
      if (i < 0) throw new FloodConfigError(`${label}: point (${f.x}, ${f.y}) is outside the DEM`);
      if (!this.active[i]) throw new FloodConfigError(`${label}: point (${f.x}, ${f.y}) falls on a blocked or nodata cell`);
      if (!isSeries(f.hydrograph) || f.hydrograph.t.length === 0) throw new FloodConfigError(`${label}: a hydrograph (time s, m³/s) is required`);
      for (let j = 0; j < f.hydrograph.v.length; j++) {
        if (!(f.hydrograph.v[j] >= 0)) throw new FloodConfigError(`${label}: discharge at t = ${f.hydrograph.t[j]} s is negative or not a number`);
      }
      this.inflowCells[k] = i;
      this.inflowSeries.push(f.hydrograph);
    });

    // Gauges.
    const gauges = config.gauges ?? [];
    this.gaugeCells = new Int32Array(gauges.length);
    this.gaugeNames = gauges.map((g) => g.name);
    gauges.forEach((g, k) => {
      const i = this.cellAt(g.x, g.y);
      if (i < 0) throw new FloodConfigError(`gauge '${g.name}': point (${g.x}, ${g.y}) is outside the DEM`);
      this.gaugeCells[k] = i;
    });

    // Boundaries.
    this.sides = [];
    for (const side of BOUNDARY_SIDES) {
      const bc = config.boundaries?.[side] ?? { type: 'closed' };
      if (bc.type === 'closed') continue;
      if (bc.type === 'free') {
        if (bc.slope !== undefined && !(bc.slope > 0)) throw new FloodConfigError(`boundaries.${side}: free slope must be positive`);
      } else if (bc.type === 'level') {
        if (typeof bc.level !== 'number' && !isSeries(bc.level)) throw new FloodConfigError(`boundaries.${side}: level must be a number or a series`);
      } else throw new FloodConfigError(`boundaries.${side}: unknown type '${(bc as { type: string }).type}'`);
      this.sides.push({ side, bc, level: NaN });
    }

    // Initial water (an attached instance finds it in the shared buffers; it still validates the fields).
    const h0 = attach ? new Float32Array(n) : this.h;
    if (config.initialLevel !== undefined) {
      const L = config.initialLevel;
      if (!Number.isFinite(L)) throw new FloodConfigError(`initialLevel: must be a number, got ${L}`);
      for (let i = 0; i < n; i++) if (this.active[i] && L > this.z[i]) h0[i] = L - this.z[i];
    }
    if (config.initialDepth) {
      this.checkAligned(config.initialDepth, 'initialDepth');
      for (let i = 0; i < n; i++) {
        const v = config.initialDepth.data[i];
        if (!this.active[i] || Number.isNaN(v)) continue;
        if (v < 0) throw new FloodConfigError(`initialDepth: negative depth at cell ${i}`);
        h0[i] += v;
      }
    }
    let store = 0;
    let hm = 0;
    const A = this.dx * this.dx;
    for (let i = 0; i < n; i++) {
      const hi = h0[i];
      if (!attach) {
        this.hic[i] = 1 / Math.cbrt(hi);
        this.maxDepth[i] = hi;
        if (hi >= this.arrivalDepth) this.arrival[i] = this.time;
      }
      if (hi > hm) hm = hi;
      store += hi;
    }
    this.hmax = hm;
    this.massInitial = store * A;
    this.updateBoundaryLevels(this.time);
  }

  private checkAligned(gr: Grid, field: string): void {
    if (gr.ncols !== this.ncols || gr.nrows !== this.nrows) {
      throw new FloodConfigError(`${field}: grid is ${gr.ncols}×${gr.nrows}, the DEM is ${this.ncols}×${this.nrows}`);
    }
    const tol = this.dx * 1e-3;
    if (Math.abs(gr.cellSize - this.dx) > tol || Math.abs(gr.xll - this.xll) > tol || Math.abs(gr.yll - this.yll) > tol) {
      throw new FloodConfigError(`${field}: grid origin/cell size differ from the DEM's`);
    }
  }

  /** Index of the cell containing (x, y), or −1 outside. */
  cellAt(x: number, y: number): number {
    const c = Math.floor((x - this.xll) / this.dx);
    const r = Math.floor((this.yll + this.nrows * this.dx - y) / this.dx);
    if (c < 0 || c >= this.ncols || r < 0 || r >= this.nrows) return -1;
    return r * this.ncols + c;
  }

  private updateBoundaryLevels(t: number): void {
    for (const s of this.sides) {
      if (s.bc.type === 'level') s.level = typeof s.bc.level === 'number' ? s.bc.level : sampleSeries(s.bc.level, t);
    }
  }

  /** The time step the next {@link step} would take (before clipping to a target time). */
  nextDt(): number {
    let hm = this.hmax;
    // A level boundary can bring deeper water than any cell holds.
    for (const s of this.sides) {
      if (s.bc.type !== 'level') continue;
      const { ncols, nrows, z } = this;
      const horizontal = s.side === 'north' || s.side === 'south';
      const first = s.side === 'south' ? (nrows - 1) * ncols : s.side === 'east' ? ncols - 1 : 0;
      const stride = horizontal ? 1 : ncols;
      const count = horizontal ? ncols : nrows;
      for (let k = 0; k < count; k++) {
        const d = s.level - z[first + k * stride];
        if (d > hm) hm = d;
      }
    }
    const c = Math.sqrt(this.g * hm);
    const speed = this.rule === 'velocity' ? this.umax + c : c;
    if (!(speed > 0)) return this.maxDt;
    // √θ: the θ-weighted scheme's 2D checkerboard mode is stable for C² ≤ θ/2 (von Neumann), so α keeps its
    // meaning for every θ (α < 1/√2 stable); θ = 1 gives Bates et al.'s step.
    return Math.min(this.maxDt, (this.alpha * this.sqrtTheta * this.dx) / speed);
  }

  /**
   * Advances one time step, never past `until` (if given). Returns the step taken (s).
   */
  step(until = Infinity): number {
    let dt = this.nextDt();
    if (this.time + dt > until) dt = until - this.time;
    if (!(dt > 0)) return 0;
    const t0 = this.time;
    const t1 = t0 + dt;
    this.dt = dt;
    this.boundaryFluxes(dt, t0 + 0.5 * dt);
    this.sweep(dt, t0, t1);
    this.sources(dt, t0, t1);
    this.time = t1;
    this.steps++;
    this.updateBoundaryLevels(t1);
    return dt;
  }

  /**
   * Runs until simulated time `t`. `onProgress` is called about every `progressEvery` steps and at the end;
   * returning `false` from it pauses the run (the method returns early; call again to resume).
   */
  advanceTo(t: number, onProgress?: (p: FloodProgress) => boolean | void, progressEvery = 500): FloodProgress {
    let k = 0;
    while (this.time < t) {
      const d = this.step(t);
      if (d === 0) break;
      if (onProgress && ++k % progressEvery === 0 && onProgress(this.progress()) === false) return this.progress();
    }
    // Land exactly on t (guards float residue).
    if (Math.abs(this.time - t) < 1e-9 * Math.max(1, Math.abs(t))) this.time = t;
    const p = this.progress();
    onProgress?.(p);
    return p;
  }

  /** Current progress figures. */
  progress(): FloodProgress {
    return { time: this.time, steps: this.steps, dt: this.dt, maxDepth: this.hmax };
  }

  /**
   * New boundary-face discharges (free and level sides) from the old state, into bW/bE/bN/bS; they are written
   * into qx/qy during the sweep once the interior faces no longer need the old values for θ-weighting.
   */
  private boundaryFluxes(dt: number, tMid: number, r0 = 0, r1 = this.nrows): void {
    this.umaxB = 0;
    if (this.sides.length === 0) return;
    const { ncols, nrows, h, z, n2, qx, qy } = this;
    const g = this.g;
    const hMin = this.hMin;
    const dx = this.dx;
    const nx1 = ncols + 1;
    let umax = 0;
    for (const s of this.sides) {
      const horizontal = s.side === 'north' || s.side === 'south';
      // Rows [r0, r1) only (a strip); the north / south side belongs to the first / last strip.
      if ((s.side === 'north' && r0 !== 0) || (s.side === 'south' && r1 !== nrows)) continue;
      const kFrom = horizontal ? 0 : r0;
      const count = horizontal ? ncols : r1;
      const level = s.bc.type === 'level' ? (typeof s.bc.level === 'number' ? s.bc.level : sampleSeries(s.bc.level, tMid)) : NaN;
      const out = s.side === 'west' ? this.bW : s.side === 'east' ? this.bE : s.side === 'north' ? this.bN : this.bS;
      for (let k = kFrom; k < count; k++) {
        // cell, inner neighbour (away from the boundary), old face value, outward sign (+1: outflow is positive q)
        let i: number, inner: number, qFace: number, outSign: number;
        if (s.side === 'west') {
          i = k * ncols; inner = ncols > 1 ? i + 1 : -1; qFace = qx[k * nx1]; outSign = -1;
        } else if (s.side === 'east') {
          i = k * ncols + ncols - 1; inner = ncols > 1 ? i - 1 : -1; qFace = qx[k * nx1 + ncols]; outSign = 1;
        } else if (s.side === 'north') {
          i = k; inner = nrows > 1 ? i + ncols : -1; qFace = qy[k]; outSign = -1;
        } else {
          i = (nrows - 1) * ncols + k; inner = nrows > 1 ? i - ncols : -1; qFace = qy[nrows * ncols + k]; outSign = 1;
        }
        if (!this.active[i]) { out[k] = 0; continue; }
        const hi = h[i];
        const zi = z[i];
        let qOut = 0; // outward discharge (m²/s); negative = inflow (level boundaries)
        if (s.bc.type === 'free') {
          if (hi > hMin) {
            let S = s.bc.slope ?? 0;
            if (s.bc.slope === undefined && inner >= 0 && this.active[inner]) {
              const bed = (z[inner] - zi) / dx;
              const surf = (z[inner] + h[inner] - zi - hi) / dx;
              S = bed > surf ? bed : surf;
            }
            // Normal depth where the bed or surface falls outward (sub- or supercritical), else critical flow.
            qOut = S > 0 ? (Math.pow(hi, 5 / 3) * Math.sqrt(S)) / Math.sqrt(n2[i]) : hi * Math.sqrt(g * hi);
          }
        } else {
          // level: a ghost cell outside with water level `level` and bed zi.
          const ei = zi + hi;
          const hf = (ei > level ? ei : level) - zi;
          if (hf > hMin) {
            const qOld = outSign * qFace;
            const B = qOld - (g * hf * dt * (level - ei)) / dx;
            const cf = (g * dt * n2[i]) / Math.pow(hf, 7 / 3);
            qOut = this.implicitFriction ? (2 * B) / (1 + Math.sqrt(1 + 4 * cf * Math.abs(B))) : B / (1 + cf * Math.abs(qOld));
            const u = Math.abs(qOut) / hf;
            if (u > umax) umax = u;
          }
        }
        out[k] = outSign * qOut;
      }
    }
    this.umaxB = umax;
  }

  /** Per-step constants of the row kernels, set by {@link prepareStep}. */
  private kDt = 0;
  private kGdt = 0;
  private kGdtdx = 0;
  private kK = 0;
  private kT1 = 0;
  private kRainSure = 0;
  private kRainUni = 0;

  /** The per-step constants of the WebAssembly kernels (after {@link prepareStep}). */
  private stepConstants(): SweepStep {
    const theta = this.theta;
    return {
      theta,
      w: 0.5 * (1 - theta),
      hMin: this.hMin,
      n2c: this.n2[0],
      arrivalDepth: this.arrivalDepth,
      umaxMargin: UMAX_MARGIN,
      limitKeep: LIMIT_KEEP,
      gdt: this.kGdt,
      gdtdx: this.kGdtdx,
      k: this.kK,
      rainSure: this.kRainSure,
      rainUni: this.kRainUni,
      dt: this.kDt,
      t1: this.kT1,
      umax: this.umaxB,
      implicit: this.implicitFriction,
      constN: this.constN,
    };
  }

  /** Per-step constants; adds the step's rain to the books (every strip worker does the same, identically). */
  private prepareStep(dt: number, t0: number, t1: number): void {
    this.kDt = dt;
    this.kGdt = this.g * dt;
    this.kGdtdx = (this.g * dt) / this.dx;
    this.kK = dt / this.dx; // q·dt/dx = depth change
    this.kT1 = t1;
    this.kRainSure = this.rainConst * dt; // what surely falls this step (for limiting)
    this.kRainUni = this.rainSeries ? integrateSeries(this.rainSeries, t0, t1) / 3.6e6 : this.kRainSure;
    const A = this.dx * this.dx;
    this.massRain += (this.kRainUni * this.nActive + (this.rainGrid ? this.rainGridSum * dt : 0)) * A;
  }

  /**
   * One pass over the rows, pipelined so that each row is touched while in cache:
   *   A(r) new x-faces of row r and y-faces between rows r and r+1 (old state, θ-weighting);
   *   B(r) outflow limiting of row r: a cell that would lose more than it holds (plus the rain it surely gets)
   *        has its outgoing faces scaled down; every face has one donor, so it is scaled at most once and the
   *        factors do not depend on the order in which rows are limited;
   *   C(r−1) depths of row r−1 from its now final faces, plus rain; cube roots, maxima, arrival times.
   * This monolithic loop is the single-thread path (V8 compiles it ~5–10 % faster than the same work split into
   * the row kernels {@link faceRow}, {@link limitRow}, {@link continuityRow}, which the strip-parallel path
   * uses). Both do the same arithmetic per face and cell; tests/unit/flood-parallel-strips.test.ts checks that
   * they give the same bits — change them together.
   */
  private sweep(dt: number, t0: number, t1: number): void {
    this.prepareStep(dt, t0, t1);
    if (this.wasm) {
      const r = this.wasm.run(this.stepConstants());
      this.umax = r.umax;
      this.hmax = r.hmax;
      return;
    }
    const { ncols, nrows, h, z, hic, n2, qx, qy, oldRow, active, maxDepth, arrival, bW, bE, bN, bS } = this;
    const theta = this.theta;
    const w = 0.5 * (1 - theta);
    const hMin = this.hMin;
    const gdt = this.kGdt;
    const gdtdx = this.kGdtdx;
    const implicit = this.implicitFriction;
    const constN = this.constN;
    const n2c = this.n2[0];
    const nx1 = ncols + 1;
    const k = this.kK;
    const rainSure = this.kRainSure;
    const rainUni = this.kRainUni;
    const rg = this.rainGrid;
    const arrD = this.arrivalDepth;
    let umax = this.umaxB;
    let umaxLo = umax * UMAX_MARGIN;
    let hm = 0;

    for (let c = 0; c < ncols; c++) oldRow[c] = qy[c]; // old north-boundary discharges for θ-weighting of face row 1
    for (let r = 0; r <= nrows; r++) {
      if (r < nrows) {
        const base = r * ncols;
        // ---- A: x-faces of row r: face c sits between cells c-1 and c (c = 1 .. ncols-1).
        const fb = r * nx1;
        let qLeftOld = qx[fb];
        let za = z[base];
        let ha = h[base];
        let ea = za + ha;
        for (let c = 1; c < ncols; c++) {
          const f = fb + c;
          const a = base + c - 1;
          const b = a + 1;
          const qOld = qx[f];
          const zb = z[b];
          const hb = h[b];
          const eb = zb + hb;
          const hf = Math.max(ea, eb) - Math.max(za, zb);
          let qn = 0;
          if (hf > hMin) {
            const up = ea >= eb ? a : b;
            const hu = ea >= eb ? ha : hb;
            // h_f^(-1/3) from the upwind cell's (h_up ≥ h_f): one division-free Newton step when close, else exact.
            let ir: number;
            if (hf >= 0.95 * hu) {
              const y = hic[up];
              ir = y * (4 - hf * y * y * y) * (1 / 3);
            } else ir = 1 / Math.cbrt(hf);
            const B = theta * qOld + w * (qLeftOld + qx[f + 1]) - gdtdx * hf * (eb - ea);
            const G = gdt * (constN ? n2c : 0.5 * (n2[a] + n2[b])) * ir;
            if (implicit) {
              qn = (2 * B * hf) / (hf + Math.sqrt(hf * hf + 4 * G * Math.abs(B)));
            } else qn = (B * hf * hf) / (hf * hf + G * Math.abs(qOld));
            const uq = Math.abs(qn);
            if (uq > umaxLo * hf) {
              const u = uq / hf;
              if (u > umax) {
                umax = u;
                umaxLo = u * UMAX_MARGIN;
              }
            }
          }
          qx[f] = qn;
          qLeftOld = qOld;
          za = zb;
          ha = hb;
          ea = eb;
        }
        qx[fb] = bW[r];
        qx[fb + ncols] = bE[r];
        // ---- A: y-faces between row r and r+1 (face row r+1).
        if (r < nrows - 1) {
          const fr = (r + 1) * ncols;
          const frDn = fr + ncols;
          for (let c = 0; c < ncols; c++) {
            const f = fr + c;
            const a = base + c;
            const b = a + ncols;
            const qOld = qy[f];
            const za = z[a];
            const zb = z[b];
            const ha = h[a];
            const hb = h[b];
            const ea = za + ha;
            const eb = zb + hb;
            const hf = Math.max(ea, eb) - Math.max(za, zb);
            let qn = 0;
            if (hf > hMin) {
              const up = ea >= eb ? a : b;
              const hu = ea >= eb ? ha : hb;
              // h_f^(-1/3) from the upwind cell's (h_up ≥ h_f): one division-free Newton step when close, else exact.
              let ir: number;
              if (hf >= 0.95 * hu) {
                const y = hic[up];
                ir = y * (4 - hf * y * y * y) * (1 / 3);
              } else ir = 1 / Math.cbrt(hf);
              const B = theta * qOld + w * (oldRow[c] + qy[frDn + c]) - gdtdx * hf * (eb - ea);
              const G = gdt * (constN ? n2c : 0.5 * (n2[a] + n2[b])) * ir;
              if (implicit) {
                qn = (2 * B * hf) / (hf + Math.sqrt(hf * hf + 4 * G * Math.abs(B)));
              } else qn = (B * hf * hf) / (hf * hf + G * Math.abs(qOld));
              const uq = Math.abs(qn);
              if (uq > umaxLo * hf) {
                const u = uq / hf;
                if (u > umax) {
                  umax = u;
                  umaxLo = u * UMAX_MARGIN;
                }
              }
            }
            oldRow[c] = qOld;
            qy[f] = qn;
          }
        }
        if (r === 0) for (let c = 0; c < ncols; c++) qy[c] = bN[c];
        if (r === nrows - 1) {
          const fs = nrows * ncols;
          for (let c = 0; c < ncols; c++) qy[fs + c] = bS[c];
        }
        // ---- B: outflow limiting of row r.
        const yb = base;
        for (let c = 0; c < ncols; c++) {
          const qW = qx[fb + c];
          const qE = qx[fb + c + 1];
          const qN = qy[yb + c];
          const qS = qy[yb + ncols + c];
          const out = (qE > 0 ? qE : 0) - (qW < 0 ? qW : 0) + (qS > 0 ? qS : 0) - (qN < 0 ? qN : 0);
          if (out === 0) continue;
          const i = base + c;
          const avail = h[i] + rainSure;
          const loss = out * k;
          if (loss > avail) {
            const f = (avail / loss) * LIMIT_KEEP;
            if (qW < 0) qx[fb + c] = qW * f;
            if (qE > 0) qx[fb + c + 1] = qE * f;
            if (qN < 0) qy[yb + c] = qN * f;
            if (qS > 0) qy[yb + ncols + c] = qS * f;
          }
        }
      }
      // ---- C: continuity of row r-1.
      if (r >= 1) {
        const rr = r - 1;
        const base = rr * ncols;
        const fb = rr * nx1;
        for (let c = 0; c < ncols; c++) {
          const i = base + c;
          if (active[i] === 0) continue;
          const src = rg === null ? rainUni : rainUni + rg[i] * dt;
          const div = qx[fb + c] - qx[fb + c + 1] + qy[i] - qy[i + ncols];
          const hOld = h[i];
          if (div === 0 && src === 0) {
            if (hOld > hm) hm = hOld;
            continue;
          }
          h[i] = hOld + src + k * div;
          const hs = h[i];
          // h^(-1/3): one division-free Newton step from the last value while the depth changed by < 10 %,
          // else exact (the only cube root per cell, and rare).
          const d = hs - hOld;
          if (d < 0.1 * hOld && d > -0.1 * hOld) {
            const y = hic[i];
            hic[i] = y * (4 - hs * y * y * y) * (1 / 3);
          } else hic[i] = 1 / Math.cbrt(hs);
          if (hs > hm) hm = hs;
          if (hs > maxDepth[i]) {
            maxDepth[i] = hs;
            if (hs >= arrD && arrival[i] !== arrival[i]) arrival[i] = t1;
          }
        }
      }
    }
    this.umax = umax;
    this.hmax = hm;
  }

  /** Writes the north (fr = 0) or south (fr = nrows) boundary face row from bN / bS. */
  private setBoundaryFaceRow(fr: number): void {
    const { ncols, qy } = this;
    const src = fr === 0 ? this.bN : this.bS;
    const at = fr * ncols;
    for (let c = 0; c < ncols; c++) qy[at + c] = src[c];
  }

  /**
   * A: new faces of row r from the old state, in one pass over its cells: the x-faces between its cells (the
   * boundary x-faces come from bW/bE) and, when `withY`, the y-faces between row r and row r+1 (face row r+1).
   * For the y-faces, `above` holds the old values of face row r and receives those of face row r+1 (for the next
   * row); the old values of face row r+2 are read from `below` at `belowAt`. Returns the running max |q|/h_f.
   */
  private faceRow(r: number, withY: boolean, above: Float32Array, below: Float32Array, belowAt: number, umax: number): number {
    if (this.wasm) return this.wasm.faceRow(r, withY, above, below, belowAt, umax);
    const { ncols, h, z, hic, n2, qx, qy } = this;
    const theta = this.theta;
    const w = 0.5 * (1 - theta);
    const hMin = this.hMin;
    const gdt = this.kGdt;
    const gdtdx = this.kGdtdx;
    const implicit = this.implicitFriction;
    const constN = this.constN;
    const n2c = n2[0];
    const base = r * ncols;
    const fb = r * (ncols + 1);
    const at = (r + 1) * ncols; // face row r+1
    const last = ncols - 1;
    let umaxLo = umax * UMAX_MARGIN;
    let qLeftOld = qx[fb]; // old value of the x-face west of cell c
    let za = z[base];
    let ha = h[base];
    let ea = za + ha;
    for (let c = 0; c < ncols; c++) {
      const a = base + c;
      if (withY) {
        // y-face between cell a (row r) and cell b (row r+1).
        const f = at + c;
        const b = a + ncols;
        const qOld = qy[f];
        const zb = z[b];
        const hb = h[b];
        const eb = zb + hb;
        const hf = Math.max(ea, eb) - Math.max(za, zb);
        let qn = 0;
        if (hf > hMin) {
          const hu = ea >= eb ? ha : hb;
          // h_f^(-1/3) from the upwind cell's (h_up ≥ h_f): one division-free Newton step when close, else exact.
          let ir: number;
          if (hf >= 0.95 * hu) {
            const y = hic[ea >= eb ? a : b];
            ir = y * (4 - hf * y * y * y) * (1 / 3);
          } else ir = 1 / Math.cbrt(hf);
          const B = theta * qOld + w * (above[c] + below[belowAt + c]) - gdtdx * hf * (eb - ea);
          // c = g·Δt·n²·h_f^(−7/3) = G/h_f² with G = g·Δt·n²·h_f^(−1/3); both forms are multiplied through by
          // h_f (h_f²) so that a face needs one division: q' = 2B·h_f / (h_f + √(h_f² + 4G|B|)).
          const G = gdt * (constN ? n2c : 0.5 * (n2[a] + n2[b])) * ir;
          if (implicit) {
            qn = (2 * B * hf) / (hf + Math.sqrt(hf * hf + 4 * G * Math.abs(B)));
          } else qn = (B * hf * hf) / (hf * hf + G * Math.abs(qOld));
          // max |q|/h_f without a division per face: a conservative pre-test, then the exact quotient, so that
          // the maximum does not depend on the order of the faces (strips reduce it in another order).
          const uq = Math.abs(qn);
          if (uq > umaxLo * hf) {
            const u = uq / hf;
            if (u > umax) {
              umax = u;
              umaxLo = u * UMAX_MARGIN;
            }
          }
        }
        above[c] = qOld;
        qy[f] = qn;
      }
      if (c < last) {
        // x-face between cell a and cell b = a+1 (x-face index fb+c+1).
        const f = fb + c + 1;
        const b = a + 1;
        const qOld = qx[f];
        const zb = z[b];
        const hb = h[b];
        const eb = zb + hb;
        const hf = Math.max(ea, eb) - Math.max(za, zb);
        let qn = 0;
        if (hf > hMin) {
          const hu = ea >= eb ? ha : hb;
          let ir: number;
          if (hf >= 0.95 * hu) {
            const y = hic[ea >= eb ? a : b];
            ir = y * (4 - hf * y * y * y) * (1 / 3);
          } else ir = 1 / Math.cbrt(hf);
          const B = theta * qOld + w * (qLeftOld + qx[f + 1]) - gdtdx * hf * (eb - ea);
          const G = gdt * (constN ? n2c : 0.5 * (n2[a] + n2[b])) * ir;
          if (implicit) {
            qn = (2 * B * hf) / (hf + Math.sqrt(hf * hf + 4 * G * Math.abs(B)));
          } else qn = (B * hf * hf) / (hf * hf + G * Math.abs(qOld));
          const uq = Math.abs(qn);
          if (uq > umaxLo * hf) {
            const u = uq / hf;
            if (u > umax) {
              umax = u;
              umaxLo = u * UMAX_MARGIN;
            }
          }
        }
        qx[f] = qn;
        qLeftOld = qOld;
        za = zb;
        ha = hb;
        ea = eb;
      }
    }
    qx[fb] = this.bW[r];
    qx[fb + ncols] = this.bE[r];
    return umax;
  }

  /**
   * B: outflow limiting of row r (all four face rows around it must hold their new, unscaled values). With
   * `top`, the north faces of the row are read from and scaled in that private copy instead of qy.
   */
  private limitRow(r: number, top: Float32Array | null): void {
    if (this.wasm) return this.wasm.limitRow(r, top);
    const { ncols, h, qx } = this;
    const qy = top ?? this.qy;
    const nAt = top ? 0 : r * ncols; // index of the row's first north face in `qy`
    const sAt = r * ncols + ncols;
    const qys = this.qy;
    const k = this.kK;
    const rainSure = this.kRainSure;
    const base = r * ncols;
    const fb = r * (ncols + 1);
    for (let c = 0; c < ncols; c++) {
      const qW = qx[fb + c];
      const qE = qx[fb + c + 1];
      const qN = qy[nAt + c];
      const qS = qys[sAt + c];
      const out = (qE > 0 ? qE : 0) - (qW < 0 ? qW : 0) + (qS > 0 ? qS : 0) - (qN < 0 ? qN : 0);
      if (out === 0) continue;
      const avail = h[base + c] + rainSure;
      const loss = out * k;
      if (loss > avail) {
        const f = (avail / loss) * LIMIT_KEEP;
        if (qW < 0) qx[fb + c] = qW * f;
        if (qE > 0) qx[fb + c + 1] = qE * f;
        if (qN < 0) qy[nAt + c] = qN * f;
        if (qS > 0) qys[sAt + c] = qS * f;
      }
    }
  }

  /** C: continuity of row r from its final faces, plus rain; h^(−1/3), maxima, arrival. Returns the running max depth. */
  private continuityRow(r: number, hm: number): number {
    if (this.wasm) return this.wasm.continuityRow(r, hm);
    const { ncols, h, hic, qx, qy, active, maxDepth, arrival } = this;
    const k = this.kK;
    const dt = this.kDt;
    const t1 = this.kT1;
    const rainUni = this.kRainUni;
    const rg = this.rainGrid;
    const arrD = this.arrivalDepth;
    const base = r * ncols;
    const fb = r * (ncols + 1);
    for (let c = 0; c < ncols; c++) {
      const i = base + c;
      if (active[i] === 0) continue;
      const src = rg === null ? rainUni : rainUni + rg[i] * dt;
      const div = qx[fb + c] - qx[fb + c + 1] + qy[i] - qy[i + ncols];
      const hOld = h[i];
      if (div === 0 && src === 0) {
        if (hOld > hm) hm = hOld;
        continue;
      }
      h[i] = hOld + src + k * div;
      const hs = h[i];
      // h^(-1/3): one division-free Newton step from the last value while the depth changed by < 10 %,
      // else exact (the only cube root per cell, and rare).
      const d = hs - hOld;
      if (d < 0.1 * hOld && d > -0.1 * hOld) {
        const y = hic[i];
        hic[i] = y * (4 - hs * y * y * y) * (1 / 3);
      } else hic[i] = 1 / Math.cbrt(hs);
      if (hs > hm) hm = hs;
      if (hs > maxDepth[i]) {
        maxDepth[i] = hs;
        if (hs >= arrD && arrival[i] !== arrival[i]) arrival[i] = t1;
      }
    }
    return hm;
  }

  /** Point inflows (exact hydrograph volume over the step) and the boundary books. */
  private sources(dt: number, t0: number, t1: number): void {
    this.pointInflows(t0, t1, 0, this.nrows);
    this.boundaryBooks(dt);
  }

  /** Point inflows into cells of rows [r0, r1); the books count every inflow (identically in every strip). */
  private pointInflows(t0: number, t1: number, r0: number, r1: number): void {
    const { ncols, h, hic, maxDepth, arrival } = this;
    const A = this.dx * this.dx;
    const arrD = this.arrivalDepth;
    const lo = r0 * ncols;
    const hi = r1 * ncols;
    let hm = this.hmax;
    for (let j = 0; j < this.inflowCells.length; j++) {
      const i = this.inflowCells[j];
      const vol = integrateSeries(this.inflowSeries[j], t0, t1);
      if (vol === 0) continue;
      this.massPointIn += vol;
      if (i < lo || i >= hi) continue;
      h[i] = h[i] + vol / A;
      const hs = h[i];
      hic[i] = 1 / Math.cbrt(hs);
      if (hs > hm) hm = hs;
      if (hs > maxDepth[i]) {
        maxDepth[i] = hs;
        if (hs >= arrD && arrival[i] !== arrival[i]) arrival[i] = t1;
      }
    }
    this.hmax = hm;
  }

  /** Outflow / boundary inflow of the step through free and level sides (reads the final boundary faces). */
  private boundaryBooks(dt: number): void {
    if (!this.sides.length) return;
    const { ncols, nrows, qx, qy } = this;
    const nx1 = ncols + 1;
    const dtdx = dt * this.dx;
    for (const s of this.sides) {
      const count = s.side === 'north' || s.side === 'south' ? ncols : nrows;
      for (let j = 0; j < count; j++) {
        let q: number;
        if (s.side === 'west') q = -qx[j * nx1];
        else if (s.side === 'east') q = qx[j * nx1 + ncols];
        else if (s.side === 'north') q = -qy[j];
        else q = qy[nrows * ncols + j];
        if (q > 0) this.massOut += q * dtdx;
        else this.massBoundaryIn -= q * dtdx;
      }
    }
  }


  /** The kernels in use: 'wasm' or 'js' (strip-parallel: 'wasm' on a shared WebAssembly memory, 'js' on shared buffers). */
  get kernel(): 'wasm' | 'js' {
    return this.wasm ? 'wasm' : 'js';
  }

  /** Allocates the buffers of the evolving state for an ncols × nrows grid (SharedArrayBuffers when `shared`). */
  static allocateBuffers(ncols: number, nrows: number, shared = true): FloodStateBuffers {
    const n = ncols * nrows;
    const mk = (len: number): ArrayBufferLike => (shared ? new SharedArrayBuffer(4 * len) : new ArrayBuffer(4 * len));
    return { h: mk(n), hic: mk(n), qx: mk((ncols + 1) * nrows), qy: mk(ncols * (nrows + 1)), maxDepth: mk(n), arrival: mk(n) };
  }

  /** The scalar part of the state: clock, last step, velocity/depth maxima and the mass books. */
  scalars(): FloodScalars {
    return {
      time: this.time,
      steps: this.steps,
      dt: this.dt,
      umax: this.umax,
      hmax: this.hmax,
      mass: { rain: this.massRain, pointIn: this.massPointIn, boundaryIn: this.massBoundaryIn, out: this.massOut, initial: this.massInitial },
    };
  }

  /** Sets the scalar part of the state (e.g. from the strip workers that advanced the shared arrays). */
  setScalars(s: FloodScalars): void {
    this.time = s.time;
    this.steps = s.steps;
    this.dt = s.dt;
    this.umax = s.umax;
    this.hmax = s.hmax;
    this.massRain = s.mass.rain;
    this.massPointIn = s.mass.pointIn;
    this.massBoundaryIn = s.mass.boundaryIn;
    this.massOut = s.mass.out;
    this.massInitial = s.mass.initial;
    this.updateBoundaryLevels(this.time);
  }

  /**
   * Strip-parallel step, phase 1 of 2 (see src/core/flood/parallel): rows [r0, r1) of a strip, run by one worker
   * on shared buffers while the other strips run theirs. Every worker must have set the same global maxima (so
   * the same `dt`, see {@link nextDt}). Computes the faces the strip owns (x-faces of its rows, y-face rows
   * r0+1 … r1), a private copy of y-face row r0 (the strip above owns it) so that it can limit all its rows,
   * and the depths of rows r0+1 … r1−2 (all of them for the last strip). `halo` holds old face rows of the
   * neighbours, captured by {@link stripPhase2} of the last step or {@link stripCapture}. Strips need ≥ 4 rows.
   */
  stripPhase1(r0: number, r1: number, dt: number, halo: StripHalo): void {
    const { ncols, nrows, qy } = this;
    const t0 = this.time;
    const t1 = t0 + dt;
    this.dt = dt;
    this.boundaryFluxes(dt, t0 + 0.5 * dt, r0, r1);
    this.prepareStep(dt, t0, t1);
    if (this.wasm) this.wasm.setStep(this.stepConstants());
    let umax = this.umaxB;
    let hm = 0;
    const above = this.oldRow;
    if (r0 === 0) {
      for (let c = 0; c < ncols; c++) above[c] = qy[c];
    } else {
      // Face row r0 as the strip above computes it (same inputs, same arithmetic), before face row r0+1 changes.
      above.set(halo.above2);
      this.edgeFaceRow(r0, above, halo.above, qy, (r0 + 1) * ncols, halo.top);
      above.set(halo.above);
    }
    const lo = r0 > 0 ? r0 + 1 : 0; // row r0 waits for the faces the strip above scales (phase 2)
    const hiC = r1 < nrows ? r1 - 2 : r1 - 1; // row r1−1 is updated by the strip below (phase 2)
    for (let r = r0; r < r1; r++) {
      // y-face row r+1 needs the old face row r+2: own (still old) inside the strip, else the captured copy.
      const fr = r + 1;
      umax = fr < r1 ? this.faceRow(r, true, above, qy, (fr + 1) * ncols, umax) : this.faceRow(r, fr < nrows, above, halo.below, 0, umax);
      if (r === 0) this.setBoundaryFaceRow(0);
      if (r === nrows - 1) this.setBoundaryFaceRow(nrows);
      if (r === r0 && r0 > 0) this.limitRow(r, halo.top);
      else this.limitRow(r, null);
      if (r - 1 >= lo && r - 1 <= hiC) hm = this.continuityRow(r - 1, hm);
    }
    if (r1 === nrows && r1 - 1 >= lo) hm = this.continuityRow(r1 - 1, hm);
    this.umax = umax;
    this.hmax = hm;
  }

  /**
   * Strip-parallel step, phase 2 of 2 (after a barrier): the strip's scaling of y-face row r0 goes to the shared
   * faces; depths of rows r0−1 and r0 (whose faces are now final), point inflows into the rows it updates, the
   * boundary books (`books`: one worker keeps them), the clock; then the capture of the neighbours' face rows
   * for the next step. Afterwards the workers reduce `scalars().hmax / umax` (max over strips).
   */
  stripPhase2(r0: number, r1: number, books: boolean, halo: StripHalo): void {
    const { ncols, nrows, qy } = this;
    const t0 = this.time;
    const t1 = this.kT1;
    let hm = this.hmax;
    if (r0 > 0) {
      const top = halo.top;
      const at = r0 * ncols;
      for (let c = 0; c < ncols; c++) if (top[c] < 0) qy[at + c] = top[c]; // outflow north: row r0 is the donor
      hm = this.continuityRow(r0 - 1, hm);
      hm = this.continuityRow(r0, hm);
    }
    this.hmax = hm;
    // Inflows into the rows whose depths this strip updates (after their update, as on one thread).
    this.pointInflows(t0, t1, r0 > 0 ? r0 - 1 : 0, r1 < nrows ? r1 - 1 : nrows);
    if (books) this.boundaryBooks(this.kDt);
    this.time = t1;
    this.steps++;
    this.updateBoundaryLevels(t1);
    this.stripCapture(r0, r1, halo);
  }

  /** Copies the old values of y-face rows r0−1, r0 and r1+1 that the strip's next phase 1 needs. */
  stripCapture(r0: number, r1: number, halo: StripHalo): void {
    const { ncols, nrows, qy } = this;
    if (r0 > 0) {
      halo.above2.set(qy.subarray((r0 - 1) * ncols, r0 * ncols));
      halo.above.set(qy.subarray(r0 * ncols, (r0 + 1) * ncols));
    }
    if (r1 < nrows) halo.below.set(qy.subarray((r1 + 1) * ncols, (r1 + 2) * ncols));
  }

  /** Private buffers of one strip for {@link stripPhase1} / {@link stripPhase2}. */
  createStripHalo(): StripHalo {
    if (this.wasm) return this.wasm.halo; // the WebAssembly row kernels need them in their memory
    const n = this.ncols;
    return { above2: new Float32Array(n), above: new Float32Array(n), below: new Float32Array(n), top: new Float32Array(n) };
  }

  /**
   * y-face row fr from old values only, into `out` (the faceRow y-part, same arithmetic): `above` old face row
   * fr−1, `old` old face row fr, `below` at `belowAt` old face row fr+1. Counts nothing (the owner does).
   */
  private edgeFaceRow(fr: number, above: Float32Array, old: Float32Array, below: Float32Array, belowAt: number, out: Float32Array): void {
    if (this.wasm) return this.wasm.edgeFaceRow(fr, above, old, below, belowAt, out);
    const { ncols, h, z, hic, n2 } = this;
    const theta = this.theta;
    const w = 0.5 * (1 - theta);
    const hMin = this.hMin;
    const gdt = this.kGdt;
    const gdtdx = this.kGdtdx;
    const implicit = this.implicitFriction;
    const constN = this.constN;
    const n2c = n2[0];
    const base = (fr - 1) * ncols;
    for (let c = 0; c < ncols; c++) {
      const a = base + c;
      const b = a + ncols;
      const qOld = old[c];
      const za = z[a];
      const ha = h[a];
      const ea = za + ha;
      const zb = z[b];
      const hb = h[b];
      const eb = zb + hb;
      const hf = Math.max(ea, eb) - Math.max(za, zb);
      let qn = 0;
      if (hf > hMin) {
        const hu = ea >= eb ? ha : hb;
        let ir: number;
        if (hf >= 0.95 * hu) {
          const y = hic[ea >= eb ? a : b];
          ir = y * (4 - hf * y * y * y) * (1 / 3);
        } else ir = 1 / Math.cbrt(hf);
        const B = theta * qOld + w * (above[c] + below[belowAt + c]) - gdtdx * hf * (eb - ea);
        const G = gdt * (constN ? n2c : 0.5 * (n2[a] + n2[b])) * ir;
        if (implicit) {
          qn = (2 * B * hf) / (hf + Math.sqrt(hf * hf + 4 * G * Math.abs(B)));
        } else qn = (B * hf * hf) / (hf * hf + G * Math.abs(qOld));
      }
      out[c] = qn;
    }
  }

  /** Sets the global maxima (after the reduction over strips) that the next {@link nextDt} uses. */
  setMaxima(hmax: number, umax: number): void {
    this.hmax = hmax;
    this.umax = umax;
  }

  /** Mass balance so far (m³). Storage is summed in double precision. */
  massBalance(): MassBalance {
    let s = 0;
    const h = this.h;
    for (let i = 0; i < h.length; i++) s += h[i];
    const A = this.dx * this.dx;
    const storage = s * A;
    const inflow = this.massPointIn + this.massBoundaryIn;
    const expected = this.massInitial + this.massRain + inflow - this.massOut;
    const error = storage - expected;
    const base = this.massInitial + this.massRain + inflow;
    return {
      rain_m3: this.massRain,
      inflow_m3: inflow,
      point_inflow_m3: this.massPointIn,
      boundary_inflow_m3: this.massBoundaryIn,
      outflow_m3: this.massOut,
      initial_storage_m3: this.massInitial,
      storage_m3: storage,
      error_m3: error,
      relative_error: base > 0 ? error / base : 0,
    };
  }

  /** Depth (m) at the gauges given in the config, in their order. */
  gaugeDepths(): number[] {
    return Array.from(this.gaugeCells, (i) => this.h[i]);
  }

  /** Gauge names from the config. */
  gaugeNameList(): string[] {
    return [...this.gaugeNames];
  }

  /** Depth (m) of the cell containing (x, y); NaN outside. */
  depthAt(x: number, y: number): number {
    const i = this.cellAt(x, y);
    return i < 0 ? NaN : this.h[i];
  }

  private asGrid(data: Float32Array): Grid {
    return { ncols: this.ncols, nrows: this.nrows, xll: this.xll, yll: this.yll, cellSize: this.dx, data };
  }

  /** Current depth as a new Grid (m); NaN outside the domain. */
  depthGrid(): Grid {
    const d = new Float32Array(this.h);
    for (let i = 0; i < d.length; i++) if (!this.active[i]) d[i] = NaN;
    return this.asGrid(d);
  }

  /** Maximum depth so far as a new Grid (m). */
  maxDepthGrid(): Grid {
    const d = new Float32Array(this.maxDepth);
    for (let i = 0; i < d.length; i++) if (!this.active[i]) d[i] = NaN;
    return this.asGrid(d);
  }

  /** Time of arrival (s) as a new Grid; NaN where the water never reached `arrivalDepth`. */
  arrivalGrid(): Grid {
    return this.asGrid(new Float32Array(this.arrival));
  }

  /**
   * Cell-centre velocity components (m/s, u east, v north) from the averaged face discharges; 0 where the
   * depth is below `minDepth` (default 1 mm).
   */
  velocityGrids(minDepth = 1e-3): { u: Grid; v: Grid; speed: Grid } {
    const { ncols, nrows, qx, qy, h } = this;
    const u = new Float32Array(ncols * nrows);
    const v = new Float32Array(ncols * nrows);
    const sp = new Float32Array(ncols * nrows);
    for (let r = 0; r < nrows; r++) {
      for (let c = 0; c < ncols; c++) {
        const i = r * ncols + c;
        if (!this.active[i]) {
          u[i] = v[i] = sp[i] = NaN;
          continue;
        }
        const hi = h[i];
        if (hi < minDepth) continue;
        const ui = (0.5 * (qx[r * (ncols + 1) + c] + qx[r * (ncols + 1) + c + 1])) / hi;
        const vi = (-0.5 * (qy[i] + qy[i + ncols])) / hi;
        u[i] = ui;
        v[i] = vi;
        sp[i] = Math.hypot(ui, vi);
      }
    }
    return { u: this.asGrid(u), v: this.asGrid(v), speed: this.asGrid(sp) };
  }

  /** Largest face velocity |q|/h_f of the last step (m/s). */
  maxFaceVelocity(): number {
    return this.umax;
  }

  /** A full copy of the state (pause/resume, hand-over between workers). */
  snapshot(): FloodSnapshot {
    return {
      time: this.time,
      steps: this.steps,
      dt: this.dt,
      h: new Float32Array(this.h),
      qx: new Float32Array(this.qx),
      qy: new Float32Array(this.qy),
      maxDepth: new Float32Array(this.maxDepth),
      arrival: new Float32Array(this.arrival),
      umax: this.umax,
      mass: { rain: this.massRain, pointIn: this.massPointIn, boundaryIn: this.massBoundaryIn, out: this.massOut, initial: this.massInitial },
    };
  }

  /** Restores a {@link snapshot} taken from a simulation built with the same config. */
  restore(s: FloodSnapshot): void {
    if (s.h.length !== this.h.length || s.qx.length !== this.qx.length || s.qy.length !== this.qy.length) {
      throw new FloodConfigError('snapshot: grid size differs from this simulation');
    }
    this.h.set(s.h);
    this.qx.set(s.qx);
    this.qy.set(s.qy);
    this.maxDepth.set(s.maxDepth);
    this.arrival.set(s.arrival);
    this.time = s.time;
    this.steps = s.steps;
    this.dt = s.dt;
    this.umax = s.umax;
    this.massRain = s.mass.rain;
    this.massPointIn = s.mass.pointIn;
    this.massBoundaryIn = s.mass.boundaryIn;
    this.massOut = s.mass.out;
    this.massInitial = s.mass.initial;
    let hm = 0;
    for (let i = 0; i < this.h.length; i++) {
      this.hic[i] = 1 / Math.cbrt(this.h[i]);
      if (this.h[i] > hm) hm = this.h[i];
    }
    this.hmax = hm;
    this.updateBoundaryLevels(this.time);
  }
}
