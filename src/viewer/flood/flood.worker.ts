/**
 * Web Worker running the flood engine (src/core/flood, the same code as `twin flood`). Advances in slices of
 * ≤ 80 ms wall time so pause / stop messages get through, posts progress, a quantised frame every `frameEvery`
 * seconds of model time, and the maxima at the end.
 */
import { FloodSimulation } from '../../core/flood/simulation.js';
import type { FloodWorkerMessage, FloodWorkerRequest } from './protocol.js';
import { FRAME_MAX } from './frames.js';

const post = (m: FloodWorkerMessage, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

let sim: FloodSimulation | null = null;
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

function slice(): void {
  running = false;
  if (!sim || stopped) return;
  if (paused) {
    post({ type: 'paused', time: sim.time });
    return;
  }
  const s = sim;
  const t0 = performance.now();
  const deadline = t0 + 80;
  const target = Math.min(duration, nextFrame);
  const p = s.advanceTo(target, () => performance.now() < deadline, 5);
  wallMs += performance.now() - t0;
  post({ type: 'progress', time: p.time, steps: p.steps, dt: p.dt, maxDepth: p.maxDepth, wallMs });
  if (s.time >= target - 1e-9) {
    postFrame(s);
    nextFrame = Math.min(duration, nextFrame + frameEvery);
    if (s.time >= duration - 1e-9) {
      const maxDepthMm = q16(s.maxDepth);
      const arrival = new Float32Array(s.arrival);
      post({ type: 'done', time: s.time, steps: s.steps, wallMs, maxDepthMm, arrival, mass: s.massBalance() }, [maxDepthMm.buffer, arrival.buffer]);
      sim = null;
      return;
    }
  }
  schedule();
}

function schedule(): void {
  if (running) return;
  running = true;
  setTimeout(slice, 0);
}

self.onmessage = (e: MessageEvent<FloodWorkerRequest>) => {
  const m = e.data;
  try {
    if (m.type === 'start') {
      sim = new FloodSimulation(m.config);
      duration = m.duration;
      frameEvery = m.frameEvery;
      if (!(duration > 0)) throw new Error(`duration must be positive, got ${duration}`);
      if (!(frameEvery > 0)) throw new Error(`frameEvery must be positive, got ${frameEvery}`);
      nextFrame = Math.min(duration, frameEvery);
      paused = false;
      stopped = false;
      wallMs = 0;
      postFrame(sim); // the initial state (t = 0)
      schedule();
    } else if (m.type === 'pause') {
      paused = true;
    } else if (m.type === 'resume') {
      if (paused) {
        paused = false;
        schedule();
      }
    } else if (m.type === 'stop') {
      stopped = true;
      sim = null;
    }
  } catch (err) {
    post({ type: 'error', message: (err as Error).message });
  }
};
