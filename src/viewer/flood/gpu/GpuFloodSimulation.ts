/// <reference types="@webgpu/types" />
/**
 * The flood engine on WebGPU: the scheme of src/core/flood/simulation.ts (local inertial, θ-weighted flux,
 * implicit / semi-implicit Manning, outflow limiting, adaptive Δt, free / level boundaries, rain as a constant,
 * hyetograph or grid, point inflows, Manning grid, blocked cells, max depth, arrival time) as compute shaders in
 * shaders/flood/local-inertial.wgsl, on an injected GPUDevice. Same {@link FloodConfig}, same result shapes: the
 * host keeps a {@link FloodSimulation} built from the same config as its {@link view} (which validates the config
 * with the same messages) and copies the GPU state into it on {@link sync}, so grids, velocities, gauges and the
 * mass balance are read exactly as from the CPU engine.
 *
 * WGSL has no f64, so the result is not the CPU engine's bit for bit. Design for f32:
 * - Depths, not water levels, are stored; a face's flow depth and surface slope come from the bed difference of
 *   its two cells (exact) plus depth differences, so elevations of hundreds of metres cost no depth precision and
 *   a lake at rest stays at rest up to the rounding of its depths.
 * - Flux form: every face's final (limited) discharge is written once and both cells read that value, so water is
 *   conserved up to the f32 rounding of each depth update. Outflow limiting scales a face by its donor cell's
 *   factor (every face has one donor), which is the CPU engine's rule.
 * - Mass books in f64 on the host: rain and point inflows from the exact integrals of their series over the
 *   simulated time (the steps tile it); boundary outflow / inflow per boundary face accumulated on the GPU over a
 *   batch only (≤ a few hundred steps), read back and summed in f64 after every batch, then cleared. Storage is
 *   summed in f64 from the read-back depths ({@link FloodSimulation.massBalance} of the view).
 * - Δt stays on the GPU: a one-workgroup `control` pass reduces the last step's per-workgroup maxima of depth and
 *   |q|/h_f and writes the next step's constants (Δt by the CPU engine's rule, clipped to the target; rain,
 *   boundary levels and inflow volumes from the series, stored with times relative to the batch start so f32
 *   time stays exact to µs); the host copies them into a uniform buffer before the step's other passes. A batch
 *   of steps is one command buffer with no read-back; the host reads the batch clock, the Δt log (summed in f64
 *   for the model time), the maxima and the books once per batch. Steps after the target are no-ops.
 */
import { FloodSimulation } from '../../../core/flood/simulation.js';
import { integrateSeries } from '../../../core/formats/csv.js';
import { BOUNDARY_SIDES, type FloodConfig, type FloodProgress, type MassBalance } from '../../../core/flood/config.js';
import type { TimeSeries } from '../../../core/formats/csv.js';
import type { Grid } from '../../../core/grid/grid.js';
import shaderSource from '../../../../shaders/flood/local-inertial.wgsl?raw';

/** Bed of walls on the GPU (faces touching one have zero flow depth). */
const WALL_Z = 1e30;
/** Outgoing fluxes of a limited cell are scaled so it keeps this fraction (several f32 ulps). */
const LIMIT_KEEP = 1 - 1e-5;
/** Scalars at the start of the control buffer (floats). */
const CTL_HEAD = 32;
/** Largest grid that runs whole batches in one workgroup by default (dispatch overhead dominates below it). */
const FUSED_MAX_CELLS = 16384;
/** Workgroup edge of the cell passes (16 × 16). */
const TILE = 8;

const isGrid = (v: unknown): v is Grid => typeof v === 'object' && v !== null && 'data' in v && 'ncols' in v;
const isSeries = (v: unknown): v is TimeSeries => typeof v === 'object' && v !== null && 't' in v && 'v' in v;

/** Options of {@link GpuFloodSimulation.create}. */
export interface GpuFloodOptions {
  /** Most steps per command buffer (one read-back each). Default 128. */
  maxBatch?: number;
  /** Wall-time target of one batch (ms), so that a caller's pause gets through. Default 50. */
  batchMs?: number;
  /**
   * Run whole batches in one dispatch of one workgroup (default: grids of ≤ 16384 cells, where the cost of a
   * dispatch exceeds its work); false: one dispatch per pass. Needs 9 storage buffers per stage.
   */
  fused?: boolean;
}

/** A WebGPU adapter's description for reports. */
export function describeAdapter(adapter: GPUAdapter): string {
  const i = adapter.info;
  const parts = [i.vendor, i.architecture, i.device, i.description].filter((s) => s && s.length > 0);
  return `${parts.join(' ') || 'unknown adapter'}${i.isFallbackAdapter ? ' (fallback)' : ''}`;
}

/**
 * Requests an adapter and a device with the storage-buffer limits a large grid needs; null where the runtime has
 * no WebGPU or no adapter (works in pages and dedicated workers).
 */
export async function requestFloodDevice(): Promise<{ adapter: GPUAdapter; device: GPUDevice } | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.min(10, adapter.limits.maxStorageBuffersPerShaderStage),
    },
  });
  return { adapter, device };
}

/** The WebGPU flood engine (see the module comment). Build it with {@link create}; stepping is asynchronous. */
export class GpuFloodSimulation {
  /** Host engine built from the same config; holds the GPU state after {@link sync} (read it, never step it). */
  readonly view: FloodSimulation;
  /** Columns. */
  readonly ncols: number;
  /** Rows. */
  readonly nrows: number;
  /** Active cells (not nodata, not blocked). */
  readonly activeCells: number;
  /** Simulated time (s, f64: the batch starts plus the f64 sum of the GPU's Δt log). */
  time: number;
  /** Steps taken. */
  steps = 0;
  /** Last time step (s). */
  dt = 0;
  /** Largest depth after the last batch (m). */
  hmax = 0;
  /** Largest face velocity |q|/h_f of the last step (m/s). */
  umax = 0;

  private readonly device: GPUDevice;
  private readonly config: FloodConfig;
  private readonly startTime: number;
  private readonly maxBatch: number;
  private readonly batchMs: number;
  private msPerStep = 0;
  private lost: string | null = null;
  private readonly series: { list: TimeSeries[]; buffer: GPUBuffer; data: Float32Array<ArrayBuffer> };
  private readonly rainSeries: TimeSeries | null;
  private readonly rainConst: number; // m/s
  private readonly rainGridSum: number; // Σ m/s over active cells
  private readonly inflows: TimeSeries[];
  private readonly open: boolean; // any free / level side
  private readonly nBooks: number;
  private readonly offs: { in: number; u: number; h: number; books: number; log: number; total: number };
  private readonly wg: [number, number];
  private readonly params: GPUBuffer;
  private readonly paramsData: ArrayBuffer;
  private readonly stepU: GPUBuffer;
  private readonly ctl: GPUBuffer;
  private readonly h: GPUBuffer;
  private readonly q: GPUBuffer;
  private readonly mx: GPUBuffer;
  private readonly staging: GPUBuffer;
  private readonly buffers: GPUBuffer[] = [];
  private readonly pipelines: Record<'control' | 'finish' | 'faces' | 'limit' | 'continuity' | 'inflows', { pipe: GPUComputePipeline; group: GPUBindGroup }> & { fused?: { pipe: GPUComputePipeline; group: GPUBindGroup } };
  /** Whether whole batches run in one dispatch of one workgroup (small grids, see the WGSL `fused`). */
  readonly fused: boolean;
  private massOut = 0;
  private massBoundaryIn = 0;
  private busy = false;

  private constructor(device: GPUDevice, config: FloodConfig, options: GpuFloodOptions) {
    this.device = device;
    this.config = config;
    // The host view validates the config (a FloodConfigError names the field) and computes the initial state.
    const view = new FloodSimulation(config, { buffers: FloodSimulation.allocateBuffers(config.dem.ncols, config.dem.nrows, false) });
    this.view = view;
    const { ncols, nrows } = view;
    this.ncols = ncols;
    this.nrows = nrows;
    const n = ncols * nrows;
    this.time = this.startTime = view.time;
    this.maxBatch = Math.max(1, Math.floor(options.maxBatch ?? 128));
    this.batchMs = options.batchMs ?? 50;
    const nqx = (ncols + 1) * nrows;
    const nqy = ncols * (nrows + 1);
    const lim = device.limits;
    const bytes = 4 * (nqx + nqy);
    if (bytes > lim.maxStorageBufferBindingSize || bytes > lim.maxBufferSize) {
      throw new Error(`dem: ${ncols}×${nrows} cells need ${(bytes / 2 ** 20).toFixed(0)} MiB storage buffers; this GPU allows ${(Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize) / 2 ** 20).toFixed(0)} MiB`);
    }
    const wgx = Math.ceil(ncols / TILE);
    const wgy = Math.ceil(nrows / TILE);
    if (wgx > lim.maxComputeWorkgroupsPerDimension || wgy > lim.maxComputeWorkgroupsPerDimension) throw new Error(`dem: ${ncols}×${nrows} cells exceed this GPU's dispatch size`);
    this.wg = [wgx, wgy];
    // Small grids: whole batches in one dispatch (it needs 9 storage buffers in one stage).
    this.fused = (options.fused ?? n <= FUSED_MAX_CELLS) && lim.maxStorageBuffersPerShaderStage >= 9;
    const nPart = this.fused ? 1 : wgx * wgy;

    // Cells: bed (wall = 1e30) and n².
    let nActive = 0;
    const zn = new Float32Array(2 * n);
    const man = config.manning;
    for (let i = 0; i < n; i++) {
      const act = view.active[i] === 1;
      if (act) nActive++;
      zn[2 * i] = act ? view.z[i] : WALL_Z;
      const nn = typeof man === 'number' ? man : act ? (man as Grid).data[i] : 0;
      zn[2 * i + 1] = nn * nn;
    }
    this.activeCells = nActive;

    // Rain.
    const rain = config.rain;
    this.rainConst = typeof rain === 'number' ? rain / 3.6e6 : 0;
    this.rainSeries = isSeries(rain) ? rain : null;
    let rainGrid: Float32Array<ArrayBuffer> | null = null;
    let rgSum = 0;
    if (isGrid(rain)) {
      rainGrid = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const v = rain.data[i];
        if (view.active[i] && !Number.isNaN(v)) {
          rainGrid[i] = v / 3.6e6;
          rgSum += rainGrid[i];
        }
      }
    }
    this.rainGridSum = rgSum;

    // Series: 0 rain, 1..4 level sides (north, south, east, west), 5.. inflows.
    const sides = BOUNDARY_SIDES.map((s) => config.boundaries?.[s] ?? { type: 'closed' as const });
    this.open = sides.some((b) => b.type !== 'closed');
    const constSeries = (v: number): TimeSeries => ({ t: Float64Array.of(0), v: Float64Array.of(v) });
    const list: TimeSeries[] = [this.rainSeries ?? constSeries(0)];
    for (const b of sides) list.push(b.type === 'level' ? (typeof b.level === 'number' ? constSeries(b.level) : b.level) : constSeries(0));
    const inflowCfg = config.inflows ?? [];
    this.inflows = inflowCfg.map((f) => f.hydrograph);
    list.push(...this.inflows);
    let points = 0;
    for (const s of list) points += s.t.length;
    const seriesData = new Float32Array(2 * (list.length + this.inflows.length + points));
    const cellBits = new Uint32Array(seriesData.buffer);
    inflowCfg.forEach((f, j) => (cellBits[2 * (list.length + j)] = view.cellAt(f.x, f.y)));
    this.series = { list, data: seriesData, buffer: this.storage(seriesData.byteLength, 'series') };

    // Control buffer: head, inflow depths, umax partials, hmax partials (+1 inflow slot), books, Δt log.
    this.nBooks = 2 * (ncols + nrows);
    const offIn = CTL_HEAD;
    const offU = offIn + Math.max(1, inflowCfg.length);
    const offH = offU + nPart;
    const offBooks = offH + nPart + 1;
    const offLog = offBooks + 2 * this.nBooks;
    const total = offLog + this.maxBatch + 1;
    this.offs = { in: offIn, u: offU, h: offH, books: offBooks, log: offLog, total };

    // Uniform parameters (layout of `Params` in the WGSL).
    this.paramsData = new ArrayBuffer(160);
    const dv = new DataView(this.paramsData);
    const u32 = [ncols, nrows, wgx, nPart, nPart, inflowCfg.length, offIn, offU, offH, offBooks, offLog, (config.timeStep ?? 'velocity') === 'velocity' ? 1 : 0, (config.friction ?? 'implicit') === 'implicit' ? 1 : 0, this.rainSeries ? 2 : typeof rain === 'number' ? 1 : 0, rainGrid ? 1 : 0, 0];
    u32.forEach((v, k) => dv.setUint32(4 * k, v, true));
    const theta = config.theta ?? 0.7;
    const alpha = config.alpha ?? 0.7;
    const f32 = [view.dx, theta, 0.5 * (1 - theta), config.minFlowDepth ?? 1e-5, config.gravity ?? 9.81, alpha * Math.sqrt(theta) * view.dx, config.maxDt ?? 5, config.arrivalDepth ?? 0.01, LIMIT_KEEP, this.rainConst, 0, 0];
    f32.forEach((v, k) => dv.setFloat32(64 + 4 * k, v, true));
    sides.forEach((b, k) => {
      dv.setUint32(112 + 4 * k, b.type === 'closed' ? 0 : b.type === 'free' ? 1 : 2, true);
      dv.setFloat32(128 + 4 * k, b.type === 'free' ? b.slope ?? 0 : 0, true);
      // Lowest bed along a level side (for the deepest boundary water in Δt).
      let zmin = Infinity;
      if (b.type === 'level') {
        const side = BOUNDARY_SIDES[k];
        const horizontal = side === 'north' || side === 'south';
        const first = side === 'south' ? (nrows - 1) * ncols : side === 'east' ? ncols - 1 : 0;
        const stride = horizontal ? 1 : ncols;
        for (let j = 0; j < (horizontal ? ncols : nrows); j++) zmin = Math.min(zmin, view.z[first + j * stride]);
      }
      dv.setFloat32(144 + 4 * k, Number.isFinite(zmin) ? zmin : 0, true);
    });
    this.params = this.buffer(160, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'params');
    this.stepU = this.buffer(64, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'step');
    this.ctl = this.storage(4 * total, 'ctl', GPUBufferUsage.COPY_SRC);
    const znB = this.storage(zn.byteLength, 'zn');
    this.h = this.storage(4 * n, 'h', GPUBufferUsage.COPY_SRC);
    this.q = this.storage(bytes, 'q', GPUBufferUsage.COPY_SRC);
    const qN = this.storage(bytes, 'qN');
    const fac = this.storage(4 * n, 'fac');
    this.mx = this.storage(8 * n, 'mx', GPUBufferUsage.COPY_SRC);
    const rainB = this.storage(rainGrid ? rainGrid.byteLength : 4, 'rain');
    this.staging = this.buffer(Math.max(4 * total, 8 * n, bytes), GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, 'staging');

    // Initial state.
    const qw = device.queue;
    qw.writeBuffer(znB, 0, zn);
    qw.writeBuffer(this.h, 0, new Float32Array(view.h));
    const mxInit = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      mxInit[2 * i] = view.maxDepth[i];
      mxInit[2 * i + 1] = Number.isNaN(view.arrival[i]) ? -1 : view.arrival[i];
    }
    qw.writeBuffer(this.mx, 0, mxInit);
    if (rainGrid) qw.writeBuffer(rainB, 0, rainGrid);
    const head = new Float32Array(total);
    head[offH] = view.progress().maxDepth; // Δt of the first step from the initial depths
    qw.writeBuffer(this.ctl, 0, head);
    this.hmax = head[offH];

    const module = device.createShaderModule({ code: shaderSource, label: 'flood local-inertial' });
    const all: Record<number, GPUBuffer> = { 0: this.params, 1: this.stepU, 2: this.ctl, 3: znB, 4: this.h, 5: this.q, 6: qN, 7: fac, 8: this.mx, 9: rainB, 10: this.series.buffer };
    const make = (entryPoint: string, bindings: number[]) => {
      const pipe = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint }, label: `flood ${entryPoint}` });
      const group = device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: bindings.map((b) => ({ binding: b, resource: { buffer: all[b] } })) });
      return { pipe, group };
    };
    this.pipelines = {
      control: make('control', [0, 2, 10]),
      finish: make('finish', [0, 2]),
      faces: make('faces', [0, 1, 2, 3, 4, 5, 6]),
      limit: make('limit', [0, 1, 4, 6, 7]),
      continuity: make('continuity', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
      inflows: make('inflows', [0, 1, 2, 4, 8, 10]),
      ...(this.fused ? { fused: make('fused', [0, 2, 3, 4, 5, 6, 7, 8, 9, 10]) } : {}),
    };
    void device.lost.then((info) => {
      this.lost = `WebGPU device lost: ${info.message || info.reason}`;
    });
  }

  /**
   * Builds the engine on `device` (from {@link requestFloodDevice} or the caller's). Rejects with the shader
   * compiler's message if the WGSL does not compile on this device, or a FloodConfigError naming a bad field.
   */
  static async create(device: GPUDevice, config: FloodConfig, options: GpuFloodOptions = {}): Promise<GpuFloodSimulation> {
    device.pushErrorScope('validation');
    device.pushErrorScope('out-of-memory');
    const sim = new GpuFloodSimulation(device, config, options);
    const oom = await device.popErrorScope();
    const invalid = await device.popErrorScope();
    if (oom || invalid) {
      sim.destroy();
      throw new Error(`flood WebGPU engine: ${(oom ?? invalid)!.message}`);
    }
    return sim;
  }

  private buffer(size: number, usage: number, label: string): GPUBuffer {
    const b = this.device.createBuffer({ size: Math.max(16, Math.ceil(size / 16) * 16), usage, label: `flood ${label}` });
    this.buffers.push(b);
    return b;
  }

  private storage(size: number, label: string, extra = 0): GPUBuffer {
    return this.buffer(size, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | extra, label);
  }

  /** Writes the per-batch uniforms: target and base time, series times relative to the base. */
  private writeBatch(base: number, target: number, k: number): void {
    const dv = new DataView(this.paramsData);
    dv.setUint32(60, k, true);
    dv.setFloat32(104, target - base, true);
    dv.setFloat32(108, base, true);
    this.device.queue.writeBuffer(this.params, 0, this.paramsData);
    const { list, data } = this.series;
    let at = list.length + this.inflows.length;
    const u = new Uint32Array(data.buffer);
    list.forEach((s, k) => {
      u[2 * k] = at;
      u[2 * k + 1] = s.t.length;
      for (let j = 0; j < s.t.length; j++) {
        data[2 * (at + j)] = s.t[j] - base;
        data[2 * (at + j) + 1] = s.v[j];
      }
      at += s.t.length;
    });
    this.device.queue.writeBuffer(this.series.buffer, 0, data);
    // Batch clock and step count to 0; books cleared.
    this.device.queue.writeBuffer(this.ctl, 16 * 4, new Float32Array([0, 0]));
  }

  /** Encodes `k` steps (each: control, uniform copy, faces, limit, continuity, inflows) and the final reduction. */
  private encodeSteps(k: number): GPUCommandBuffer {
    const enc = this.device.createCommandEncoder({ label: 'flood batch' });
    if (this.open) enc.clearBuffer(this.ctl, 4 * this.offs.books, 8 * this.nBooks);
    const [wx, wy] = this.wg;
    const P = this.pipelines;
    const pass = (name: 'control' | 'finish' | 'fused', x: number, y: number) => {
      const pp = P[name]!;
      const p = enc.beginComputePass();
      p.setPipeline(pp.pipe);
      p.setBindGroup(0, pp.group);
      p.dispatchWorkgroups(x, y);
      p.end();
    };
    if (P.fused) {
      pass('fused', 1, 1);
      k = 0;
    }
    for (let s = 0; s < k; s++) {
      pass('control', 1, 1);
      enc.copyBufferToBuffer(this.ctl, 0, this.stepU, 0, 64);
      const p = enc.beginComputePass();
      for (const name of ['faces', 'limit', 'continuity'] as const) {
        p.setPipeline(P[name].pipe);
        p.setBindGroup(0, P[name].group);
        p.dispatchWorkgroups(wx, wy);
      }
      if (this.inflows.length) {
        p.setPipeline(P.inflows.pipe);
        p.setBindGroup(0, P.inflows.group);
        p.dispatchWorkgroups(1);
      }
      p.end();
    }
    pass('finish', 1, 1);
    enc.copyBufferToBuffer(this.ctl, 0, this.staging, 0, 4 * this.offs.total);
    return enc.finish();
  }

  /** Reads `bytes` from the staging buffer (after a copy into it was submitted). */
  private async readStaging(bytes: number): Promise<Float32Array> {
    await this.staging.mapAsync(GPUMapMode.READ, 0, bytes);
    const out = new Float32Array(this.staging.getMappedRange(0, bytes).slice(0));
    this.staging.unmap();
    return out;
  }

  /** Runs one batch of at most `k` steps towards `target`; returns the steps taken. */
  private async batch(target: number, k: number): Promise<number> {
    if (this.lost) throw new Error(this.lost);
    const base = this.time;
    this.writeBatch(base, target, k);
    this.device.queue.submit([this.encodeSteps(k)]);
    const c = await this.readStaging(4 * this.offs.total);
    const n = Math.round(c[17]);
    let t = base;
    for (let j = 0; j < n; j++) t += c[this.offs.log + j];
    const reached = c[16] === Math.fround(target - base);
    this.time = reached ? target : t;
    if (n > 0) this.dt = c[20];
    this.steps += n;
    this.hmax = c[18];
    this.umax = c[19];
    if (this.open) {
      const b = this.offs.books;
      for (let j = 0; j < this.nBooks; j++) {
        this.massOut += c[b + 2 * j];
        this.massBoundaryIn += c[b + 2 * j + 1];
      }
    }
    if (!Number.isFinite(this.hmax)) throw new Error(`flood WebGPU engine: the depths became ${this.hmax} at t = ${this.time.toFixed(3)} s`);
    return n;
  }

  /**
   * Runs until simulated time `t` in batches (one read-back each). `onProgress` is called after every batch (and
   * at the end); returning `false` pauses the run (call again to resume). `steps`: most steps of the call.
   */
  async advanceTo(t: number, onProgress?: (p: FloodProgress) => boolean | void, steps = Infinity): Promise<FloodProgress> {
    if (this.busy) throw new Error('flood WebGPU engine: advanceTo is already running');
    this.busy = true;
    try {
      let left = steps;
      while (this.time < t && left > 0) {
        // Steps to the target at the last Δt (+ slack), within the batch's wall-time target and the call's limit.
        let k = this.dt > 0 ? Math.ceil((t - this.time) / this.dt) + 2 : 8;
        if (this.msPerStep > 0) k = Math.min(k, Math.max(1, Math.floor(this.batchMs / this.msPerStep)));
        k = Math.max(1, Math.min(k, this.maxBatch, left));
        const w0 = performance.now();
        const n = await this.batch(t, k);
        if (n > 0) this.msPerStep = (performance.now() - w0) / n;
        left -= n;
        if (n === 0 && this.time < t) break; // nothing left to do (rounding residue)
        if (onProgress && this.time < t && onProgress(this.progress()) === false) return this.progress();
      }
      const p = this.progress();
      onProgress?.(p);
      return p;
    } finally {
      this.busy = false;
    }
  }

  /** Runs exactly `k` steps (no target; for benchmarks). */
  async stepMany(k: number): Promise<void> {
    await this.advanceTo(this.time + 1e9, undefined, k);
  }

  /** Current progress figures. */
  progress(): FloodProgress {
    return { time: this.time, steps: this.steps, dt: this.dt, maxDepth: this.hmax };
  }

  /**
   * Copies the GPU state into {@link view}: depths and face discharges (frames, velocities, gauges, mass balance)
   * and, with `maxima`, max depth and arrival time. Sets the view's clock, maxima and mass books.
   */
  async sync(maxima = false): Promise<FloodSimulation> {
    const v = this.view;
    const n = this.ncols * this.nrows;
    const nqx = (this.ncols + 1) * this.nrows;
    let enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(this.h, 0, this.staging, 0, 4 * n);
    this.device.queue.submit([enc.finish()]);
    v.h.set(await this.readStaging(4 * n));
    enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(this.q, 0, this.staging, 0, 4 * (nqx + v.qy.length));
    this.device.queue.submit([enc.finish()]);
    const q = await this.readStaging(4 * (nqx + v.qy.length));
    v.qx.set(q.subarray(0, nqx));
    v.qy.set(q.subarray(nqx));
    if (maxima) {
      enc = this.device.createCommandEncoder();
      enc.copyBufferToBuffer(this.mx, 0, this.staging, 0, 8 * n);
      this.device.queue.submit([enc.finish()]);
      const m = await this.readStaging(8 * n);
      for (let i = 0; i < n; i++) {
        v.maxDepth[i] = m[2 * i];
        v.arrival[i] = m[2 * i + 1] < 0 ? NaN : m[2 * i + 1];
      }
    }
    v.setScalars({ time: this.time, steps: this.steps, dt: this.dt, umax: this.umax, hmax: this.hmax, mass: this.books() });
    return v;
  }

  /** Mass books (m³, f64): rain and point inflows as exact integrals over the simulated time, boundary flows as summed per batch. */
  private books(): { rain: number; pointIn: number; boundaryIn: number; out: number; initial: number } {
    const A = this.view.dx * this.view.dx;
    const t0 = this.startTime;
    const t1 = this.time;
    const uni = this.rainSeries ? integrateSeries(this.rainSeries, t0, t1) / 3.6e6 : this.rainConst * (t1 - t0);
    const rain = (uni * this.activeCells + this.rainGridSum * (t1 - t0)) * A;
    let pointIn = 0;
    for (const s of this.inflows) pointIn += integrateSeries(s, t0, t1);
    return { rain, pointIn, boundaryIn: this.massBoundaryIn, out: this.massOut, initial: this.view.scalars().mass.initial };
  }

  /** Mass balance (m³) after a {@link sync}: storage summed in f64 from the GPU's depths. */
  massBalance(): MassBalance {
    return this.view.massBalance();
  }

  /** Frees the GPU buffers (the device stays the caller's). */
  destroy(): void {
    for (const b of this.buffers) b.destroy();
    this.buffers.length = 0;
  }
}
