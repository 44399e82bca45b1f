/**
 * Strip-parallel flood simulation: the grid's rows are split into horizontal strips, one per worker; the state
 * lives in SharedArrayBuffers that all workers and the main thread see; the workers step in lock step (three
 * barriers and a max-reduction of depth and velocity for the global Δt per step, see worker-core.ts) and give
 * the same result, bit for bit, as {@link FloodSimulation} on one thread.
 *
 * The main thread keeps a {@link FloodSimulation} attached to the same buffers ({@link view}) for every read
 * (grids, gauges, mass balance, snapshots) between runs. Worker creation is injected: nodeFloodWorkers()
 * (./node.ts, worker_threads) or webFloodWorkers() (./web.ts, Web Workers).
 */
import type { FloodConfig, FloodProgress, FloodScalars, FloodSnapshot, MassBalance } from '../config.js';
import { FloodConfigError, FloodSimulation, usesRainGrid } from '../simulation.js';
import { WasmSweep } from '../wasm/kernel.js';
import type { Grid } from '../../grid/grid.js';
import { CLAIM_INT, controlBytes, type FromWorker, type StripTiming, type ToWorker } from './protocol.js';

/** A worker as the main thread sees it (a thin wrapper of a worker_threads Worker or a browser Worker). */
export interface FloodWorkerHandle {
  /** Sends a message (structured clone; SharedArrayBuffers are shared, not copied). */
  postMessage(msg: ToWorker): void;
  /** Registers the message listener. */
  onMessage(cb: (msg: FromWorker) => void): void;
  /** Registers a listener for a crash of the worker. */
  onError(cb: (err: Error) => void): void;
  /** Stops the worker. */
  terminate(): void | Promise<unknown>;
}

/** Creates one worker running the strip worker (src/server/flood/parallel-worker-node.ts / src/viewer/flood/parallel/parallel-worker-web.ts). */
export type FloodWorkerFactory = () => FloodWorkerHandle;

/** Options of {@link ParallelFloodSimulation.create}. */
export interface ParallelFloodOptions {
  /** Number of workers (strips). Default 2. Fewer are used when the grid has fewer than 4 rows per strip. */
  workers?: number;
  /** Creates the workers. */
  spawn: FloodWorkerFactory;
  /**
   * Strips per worker (default {@link STRIPS_PER_WORKER}). With more than one, the workers claim strips
   * dynamically every step (see worker-core.ts); strips need ≥ {@link MIN_STRIP_ROWS} rows, so small grids get
   * fewer. Needs the shared WebAssembly memory (the JavaScript row kernels always run one strip per worker).
   */
  stripsPerWorker?: number;
}

/**
 * Default strips per worker: 1 (lock step). Dynamic strips are bit-identical but measured no faster here: 8 or 32
 * strips on 2 workers took 1.02–1.04× the wall time of 2 fixed strips (700² cells, 2 cores, load average ~4;
 * bench 'flood' reports it every run), the cost of the extra edge rows outweighing the better balance.
 */
export const STRIPS_PER_WORKER = 1;

/** Smallest strip (rows). */
export const MIN_STRIP_ROWS = 4;

/** Splits `nrows` rows into `count` strips of nearly equal size; returns the count+1 row boundaries. */
export function stripBounds(nrows: number, count: number): number[] {
  const b = [0];
  for (let w = 1; w < count; w++) b.push(Math.round((w * nrows) / count));
  b.push(nrows);
  return b;
}

/** The strip-parallel simulation (see the module comment). All stepping methods are asynchronous. */
export class ParallelFloodSimulation {
  /** Main-thread engine attached to the shared state: read from it between runs (never step it). */
  readonly view: FloodSimulation;
  /** Number of workers. */
  readonly workerCount: number;
  /** Number of strips (more than workers: claimed dynamically every step). */
  readonly stripCount: number;
  /** The row kernels the workers run: 'wasm' (shared WebAssembly memory) or 'js' (SharedArrayBuffers). */
  get kernel(): 'wasm' | 'js' {
    return this.view.kernel;
  }
  private readonly handles: FloodWorkerHandle[];
  private readonly control: Int32Array;
  /** Per worker, wall time stepping and waiting at the barriers, summed over the runs since the last {@link resetTiming}. */
  readonly timing: StripTiming[];
  private pending: { left: number; replies: FromWorker[]; resolve: (r: FromWorker[]) => void; reject: (e: Error) => void } | null = null;
  private failed: Error | null = null;

  private constructor(view: FloodSimulation, handles: FloodWorkerHandle[], control: SharedArrayBuffer, strips: number) {
    this.view = view;
    this.handles = handles;
    this.workerCount = handles.length;
    this.stripCount = strips;
    this.control = new Int32Array(control, 0, CLAIM_INT + 1);
    this.timing = handles.map(() => ({ workMs: 0, waitMs: 0, steps: 0 }));
    handles.forEach((h) => {
      h.onMessage((m) => this.onReply(m));
      h.onError((e) => this.fail(new Error(`flood worker crashed: ${e.message}`)));
    });
  }

  /**
   * Builds the shared state from `config` (validated on the main thread first: a {@link FloodConfigError}
   * names the bad field) and starts the workers.
   */
  static async create(config: FloodConfig, options: ParallelFloodOptions): Promise<ParallelFloodSimulation> {
    if (typeof SharedArrayBuffer === 'undefined') {
      throw new Error('ParallelFloodSimulation: SharedArrayBuffer is not available (a browser page must be cross-origin isolated)');
    }
    const want = options.workers ?? 2;
    if (!(Number.isInteger(want) && want >= 1)) throw new FloodConfigError(`workers: a positive integer is required, got ${want}`);
    const nrows = config.dem?.nrows ?? 0;
    const ncols = config.dem?.ncols ?? 0;
    const count = Math.max(1, Math.min(want, Math.floor(nrows / MIN_STRIP_ROWS)));
    const perWorker = options.stripsPerWorker;
    if (perWorker !== undefined && !(Number.isInteger(perWorker) && perWorker >= 1)) throw new FloodConfigError(`stripsPerWorker: a positive integer is required, got ${perWorker}`);
    // WebAssembly row kernels on one shared memory (state + a private region per strip and the main view);
    // JavaScript row kernels on SharedArrayBuffers where shared WebAssembly memory is unavailable or kernel: 'js'.
    const kernel = config.kernel ?? 'auto';
    const strips = (withMemory: boolean) => (count < 2 || !withMemory ? count : Math.max(count, Math.min(count * (perWorker ?? STRIPS_PER_WORKER), Math.floor(nrows / MIN_STRIP_ROWS))));
    const memory = kernel !== 'js' && ncols >= 1 && nrows >= 1 ? WasmSweep.allocateShared(ncols, nrows, usesRainGrid(config), strips(true) + 1) : null;
    if (kernel === 'wasm' && !memory) throw new FloodConfigError('kernel: \'wasm\' requested, but this runtime has no shared WebAssembly memory for the grid');
    const total = strips(!!memory);
    const buffers = memory ? undefined : FloodSimulation.allocateBuffers(Math.max(1, ncols), Math.max(1, nrows), true);
    const view = new FloodSimulation(config, memory ? { memory, party: 0 } : { buffers });
    const control = new SharedArrayBuffer(controlBytes(total));
    const bounds = stripBounds(view.nrows, total);
    const handles: FloodWorkerHandle[] = [];
    for (let w = 0; w < count; w++) handles.push(options.spawn());
    const sim = new ParallelFloodSimulation(view, handles, control, total);
    try {
      await sim.request((w) => ({ type: 'init', config, buffers, memory: memory ?? undefined, control, index: w, count, bounds }));
    } catch (e) {
      await sim.terminate();
      throw e;
    }
    return sim;
  }

  private onReply(m: FromWorker): void {
    const p = this.pending;
    if (!p) return;
    p.replies[m.index] = m;
    if (--p.left === 0) {
      this.pending = null;
      const err = p.replies.find((r) => r.type === 'error');
      if (err && err.type === 'error') {
        // The shared state may be half a step on: refuse further runs (restore() cannot repair the workers' clocks).
        this.failed = new Error(`flood worker ${err.index}: ${err.message}`);
        p.reject(this.failed);
      }
      else p.resolve(p.replies);
    }
  }

  private fail(e: Error): void {
    this.failed = e;
    Atomics.store(this.control, 2, 1); // abort: wake the other workers out of the barrier
    Atomics.add(this.control, 1, 1);
    Atomics.notify(this.control, 1);
    const p = this.pending;
    this.pending = null;
    p?.reject(e);
  }

  /** Sends one message to every worker (built per worker index) and waits for all replies. */
  private request(build: (w: number) => ToWorker): Promise<FromWorker[]> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.pending) return Promise.reject(new Error('ParallelFloodSimulation: a run is already in progress'));
    Atomics.store(this.control, 0, 0); // barrier: nobody waiting while idle
    Atomics.store(this.control, 2, 0);
    Atomics.store(this.control, CLAIM_INT, 0); // strip claims start from 0 in every run
    return new Promise((resolve, reject) => {
      this.pending = { left: this.handles.length, replies: [], resolve, reject };
      this.handles.forEach((h, w) => h.postMessage(build(w)));
    });
  }

  private async run(until: number, maxSteps: number): Promise<void> {
    const replies = await this.request(() => ({ type: 'run', until, maxSteps }));
    const r0 = replies[0];
    if (r0.type !== 'done') throw new Error('flood worker 0: unexpected reply');
    replies.forEach((r, w) => {
      if (r.type !== 'done' || !r.timing) return;
      this.timing[w].workMs += r.timing.workMs;
      this.timing[w].waitMs += r.timing.waitMs;
      this.timing[w].steps += r.timing.steps;
    });
    this.view.setScalars(r0.scalars);
  }

  /** Zeroes {@link timing}. */
  resetTiming(): void {
    for (const t of this.timing) t.workMs = t.waitMs = t.steps = 0;
  }

  /** Simulated time (s). */
  get time(): number {
    return this.view.time;
  }

  /** Steps taken. */
  get steps(): number {
    return this.view.steps;
  }

  /** Advances one time step, never past `until`. Resolves to the step taken (s), 0 when none. */
  async step(until = Infinity): Promise<number> {
    const s0 = this.view.steps;
    await this.run(until, 1);
    return this.view.steps > s0 ? this.view.dt : 0;
  }

  /**
   * Runs until simulated time `t`, like {@link FloodSimulation.advanceTo}: `onProgress` is called every
   * `progressEvery` steps and at the end; returning `false` pauses (resolves early; call again to resume).
   */
  async advanceTo(t: number, onProgress?: (p: FloodProgress) => boolean | void, progressEvery = 500): Promise<FloodProgress> {
    const chunk = onProgress ? Math.max(1, Math.floor(progressEvery)) : Number.MAX_SAFE_INTEGER;
    while (this.view.time < t) {
      const s0 = this.view.steps;
      await this.run(t, chunk);
      if (this.view.steps === s0 || this.view.time >= t) break;
      if (onProgress && onProgress(this.view.progress()) === false) return this.view.progress();
    }
    const p = this.view.progress();
    onProgress?.(p);
    return p;
  }

  /** Current progress figures. */
  progress(): FloodProgress {
    return this.view.progress();
  }

  /** Mass balance so far (m³). */
  massBalance(): MassBalance {
    return this.view.massBalance();
  }

  /** Current depth grid (m). */
  depthGrid(): Grid {
    return this.view.depthGrid();
  }

  /** Maximum depth so far (m). */
  maxDepthGrid(): Grid {
    return this.view.maxDepthGrid();
  }

  /** Time of arrival (s). */
  arrivalGrid(): Grid {
    return this.view.arrivalGrid();
  }

  /** Depths at the configured gauges (m). */
  gaugeDepths(): number[] {
    return this.view.gaugeDepths();
  }

  /** A full copy of the state. */
  snapshot(): FloodSnapshot {
    return this.view.snapshot();
  }

  /** Restores a snapshot (taken from a simulation with the same config) into the shared state and the workers. */
  async restore(s: FloodSnapshot): Promise<void> {
    if (this.pending) throw new Error('ParallelFloodSimulation: a run is already in progress');
    this.view.restore(s);
    const scalars: FloodScalars = this.view.scalars();
    await this.request(() => ({ type: 'setScalars', scalars }));
  }

  /** Stops the workers. The view stays readable. */
  async terminate(): Promise<void> {
    await Promise.all(this.handles.map((h) => h.terminate()));
  }
}
