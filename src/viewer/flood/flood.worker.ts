/**
 * Web Worker running the flood engine (src/core/flood, the same code as `twin flood`). Advances in slices of
 * ≤ 80 ms wall time so pause / stop messages get through, posts progress, a quantised frame every `frameEvery`
 * seconds of model time, and the maxima at the end.
 *
 * Engine: the WebGPU engine (./gpu) where `navigator.gpu` gives an adapter and the run's engine preference allows
 * it ('auto': not a software fallback adapter; 'gpu': any). Else, where the page is cross-origin isolated
 * (SharedArrayBuffer; the app server sends COOP / COEP) and the machine has ≥ 2 cores, the strip-parallel engine on
 * nested workers (same result bit for bit); otherwise, or if that cannot start, the single-thread engine in this
 * worker.
 */
import { FloodSimulation } from '../../core/flood/simulation.js';
import type { FloodConfig, FloodProgress } from '../../core/flood/config.js';
import type { ParallelFloodSimulation } from '../../core/flood/parallel/parallel.js';
import { createWebParallelFlood } from './parallel/parallel-web.js';
import type { FloodEnginePreference, FloodWorkerMessage, FloodWorkerRequest } from './protocol.js';
import { GpuFloodSimulation, describeAdapter, requestFloodDevice } from './gpu/GpuFloodSimulation.js';
import { FRAME_MAX } from './frames.js';

const post = (m: FloodWorkerMessage, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

/** Most strip workers a run uses. */
const MAX_WORKERS = 4;

let sim: FloodSimulation | null = null; // the engine, or the parallel engine's view (read-only)
let par: ParallelFloodSimulation | null = null;
let gpu: { sim: GpuFloodSimulation; device: GPUDevice } | null = null;
let runId = 0;
let duration = 0;
let frameEvery = 60;
let nextFrame = 0;
let paused = false;
let stopped = false;
let running = false;
let wallMs = 0;

const q16 = (src: Float32Array) => {
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    out[i] = v > 0 ? (v >= FRAME_MAX ? 65535 : Math.round(v * 1000)) : 0;
  }
  return out;
};

function postFrame(s: FloodSimulation): void {
  const depth = q16(s.h);
  const speed = q16(s.velocityGrids().speed.data);
  post({ type: 'frame', time: s.time, depthMm: depth, speedMms: speed }, [depth.buffer, speed.buffer]);
}

function release(): void {
  void par?.terminate();
  par = null;
  if (gpu) {
    gpu.sim.destroy();
    gpu.device.destroy();
    gpu = null;
  }
  sim = null;
}

async function slice(): Promise<void> {
  running = false;
  if (!sim || stopped) return;
  if (paused) {
    post({ type: 'paused', time: sim.time });
    return;
  }
  const s = sim;
  const id = runId;
  const t0 = performance.now();
  const deadline = t0 + 80;
  const target = Math.min(duration, nextFrame);
  const more = () => performance.now() < deadline;
  const g = gpu?.sim;
  const p: FloodProgress = g ? await g.advanceTo(target, more) : par ? await par.advanceTo(target, more, 5) : s.advanceTo(target, more, 5);
  if (id !== runId || stopped) return; // stopped or restarted meanwhile
  wallMs += performance.now() - t0;
  post({ type: 'progress', time: p.time, steps: p.steps, dt: p.dt, maxDepth: p.maxDepth, wallMs });
  if (p.time >= target - 1e-9) {
    // The WebGPU engine's state is read back into its view for frames and the end (maxima, arrival).
    if (g) await g.sync(p.time >= duration - 1e-9);
    if (id !== runId || stopped) return;
    postFrame(s);
    nextFrame = Math.min(duration, nextFrame + frameEvery);
    if (s.time >= duration - 1e-9) {
      const maxDepthMm = q16(s.maxDepth);
      const arrival = new Float32Array(s.arrival);
      post({ type: 'done', time: s.time, steps: s.steps, wallMs, maxDepthMm, arrival, mass: s.massBalance() }, [maxDepthMm.buffer, arrival.buffer]);
      release();
      return;
    }
  }
  schedule();
}

function schedule(): void {
  if (running) return;
  running = true;
  setTimeout(() => {
    slice().catch((err: unknown) => {
      post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      release();
    });
  }, 0);
}

/** The strip-parallel engine where the page allows it, else null (the caller builds the single-thread one). */
async function parallelEngine(config: FloodConfig): Promise<ParallelFloodSimulation | null> {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency ?? 1 : 1;
  if (!(self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated || typeof SharedArrayBuffer === 'undefined' || cores < 2) return null;
  try {
    const p = await createWebParallelFlood(config, Math.min(MAX_WORKERS, cores));
    if (p.workerCount >= 2) return p;
    await p.terminate(); // a tiny grid: one strip gains nothing
  } catch {
    /* e.g. no nested workers: one thread */
  }
  return null;
}

/** The WebGPU engine where the preference and the adapter allow it, else null (an error for 'gpu' without one). */
async function gpuEngine(config: FloodConfig, pref: FloodEnginePreference): Promise<{ sim: GpuFloodSimulation; device: GPUDevice; adapter: string } | null> {
  if (pref === 'cpu') return null;
  let dev: Awaited<ReturnType<typeof requestFloodDevice>> = null;
  try {
    dev = await requestFloodDevice();
  } catch (err) {
    if (pref === 'gpu') throw new Error(`engine 'gpu': ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!dev) {
    if (pref === 'gpu') throw new Error("engine 'gpu': this browser gives no WebGPU adapter (navigator.gpu)");
    return null;
  }
  if (pref === 'auto' && dev.adapter.info.isFallbackAdapter) {
    dev.device.destroy(); // a software adapter: the CPU engines are faster
    return null;
  }
  try {
    return { sim: await GpuFloodSimulation.create(dev.device, config), device: dev.device, adapter: describeAdapter(dev.adapter) };
  } catch (err) {
    dev.device.destroy();
    if (pref === 'gpu' || (err as Error).name === 'FloodConfigError') throw err;
    return null; // e.g. the grid exceeds this GPU's buffer limits: the CPU engines
  }
}

async function start(m: Extract<FloodWorkerRequest, { type: 'start' }>): Promise<void> {
  release();
  const id = ++runId;
  if (!(m.duration > 0)) throw new Error(`duration must be positive, got ${m.duration}`);
  if (!(m.frameEvery > 0)) throw new Error(`frameEvery must be positive, got ${m.frameEvery}`);
  paused = false; // before the await: a pause that arrives while the engine starts is kept
  stopped = false;
  const gp = await gpuEngine(m.config, m.engine ?? 'auto');
  if (id !== runId) {
    gp?.sim.destroy();
    gp?.device.destroy();
    return;
  }
  const p = gp ? null : await parallelEngine(m.config);
  if (id !== runId) {
    void p?.terminate();
    return;
  }
  // One thread where the parallel engine is not available (a bad config fails here with the field's name).
  const single = p || gp ? null : new FloodSimulation(m.config);
  par = p;
  gpu = gp ? { sim: gp.sim, device: gp.device } : null;
  sim = gp ? gp.sim.view : p ? p.view : single!;
  duration = m.duration;
  frameEvery = m.frameEvery;
  nextFrame = Math.min(duration, frameEvery);
  wallMs = 0;
  if (gp) post({ type: 'engine', parallel: false, workers: 1, kernel: 'webgpu', adapter: gp.adapter });
  else post({ type: 'engine', parallel: !!p, workers: p ? p.workerCount : 1, kernel: sim.kernel });
  postFrame(sim); // the initial state (t = 0)
  schedule();
}

self.onmessage = (e: MessageEvent<FloodWorkerRequest>) => {
  const m = e.data;
  try {
    if (m.type === 'start') {
      start(m).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
    } else if (m.type === 'pause') {
      paused = true;
    } else if (m.type === 'resume') {
      if (paused) {
        paused = false;
        schedule();
      }
    } else if (m.type === 'stop') {
      stopped = true;
      runId++;
      release();
    }
  } catch (err) {
    post({ type: 'error', message: (err as Error).message });
  }
};
