/**
 * The strip worker, independent of the worker API: {@link createFloodWorker} returns the message handler;
 * thin adapters (worker-node.ts for worker_threads, worker-web.ts for Web Workers) wire it up.
 *
 * One step of a strip (rows [r0, r1)), all strips in lock step on the shared state:
 *   phase 1 — the faces the strip owns, a private copy of the face row above it (owned by the strip above;
 *             same inputs, same arithmetic), limiting of all its rows, depths of its inner rows; barrier;
 *   phase 2 — its scaling of that face row goes to the shared faces; depths of rows r0−1 and r0 (their faces
 *             are final now), point inflows, books, clock, capture of the neighbours' old face rows; the
 *             strip's depth and velocity maxima go to shared slots; barrier;
 *   every worker reduces the maxima (max over strips) and so computes the same next Δt as one thread would.
 * Two barriers per step. Each face and cell is written by one worker only, with the same arithmetic as the
 * single-thread engine, and the limiting factors do not depend on the order of rows, so the result is bit for
 * bit the same (tests/unit/flood-parallel-strips.test.ts).
 */
import { FloodSimulation, type StripHalo } from '../simulation.js';
import { Barrier, BARRIER_INTS } from './barrier.js';
import { SLOTS_OFFSET, type FromWorker, type InitMessage, type StripTiming, type ToWorker } from './protocol.js';

interface StripState {
  sim: FloodSimulation;
  barrier: Barrier;
  slots: Float64Array;
  index: number;
  count: number;
  r0: number;
  r1: number;
  halo: StripHalo;
}

/** Creates a strip worker; returns the handler for messages from the main thread. */
export function createFloodWorker(post: (msg: FromWorker) => void): (msg: ToWorker) => void {
  let st: StripState | null = null;
  let index = -1;
  return (msg: ToWorker) => {
    try {
      if (msg.type === 'init') {
        index = msg.index;
        st = init(msg);
        post({ type: 'ready', index });
      } else if (!st) {
        throw new Error(`flood worker ${index}: '${msg.type}' before 'init'`);
      } else if (msg.type === 'run') {
        const timing = run(st, msg.until, msg.maxSteps);
        post({ type: 'done', index, scalars: st.sim.scalars(), timing });
      } else if (msg.type === 'setScalars') {
        st.sim.setScalars(msg.scalars);
        st.sim.stripCapture(st.r0, st.r1, st.halo);
        post({ type: 'done', index, scalars: st.sim.scalars() });
      }
    } catch (e) {
      st?.barrier.abort();
      post({ type: 'error', index, message: e instanceof Error ? e.message : String(e) });
    }
  };
}

function init(m: InitMessage): StripState {
  const sim = new FloodSimulation(m.config, { buffers: m.buffers, memory: m.memory, party: m.index + 1, attach: true });
  const barrier = new Barrier(new Int32Array(m.control, 0, BARRIER_INTS), m.count);
  const slots = new Float64Array(m.control, SLOTS_OFFSET, 2 * m.count);
  const halo = sim.createStripHalo();
  sim.stripCapture(m.r0, m.r1, halo);
  return {
    sim,
    barrier,
    slots,
    index: m.index,
    count: m.count,
    r0: m.r0,
    r1: m.r1,
    halo,
  };
}

function run(st: StripState, until: number, maxSteps: number): StripTiming {
  const { sim, barrier, slots, index, count, r0, r1, halo } = st;
  const start = performance.now();
  let waitMs = 0;
  // The neighbours' old face rows were captured at init / setScalars / the last phase 3 (all workers idle).
  let k = 0;
  let byTime = true;
  while (sim.time < until) {
    if (k >= maxSteps) {
      byTime = false;
      break;
    }
    let dt = sim.nextDt();
    if (sim.time + dt > until) dt = until - sim.time;
    if (!(dt > 0)) break;
    sim.stripPhase1(r0, r1, dt, halo);
    let w0 = performance.now();
    barrier.wait();
    waitMs += performance.now() - w0;
    sim.stripPhase2(r0, r1, index === 0, halo);
    const s = sim.scalars();
    slots[2 * index] = s.hmax;
    slots[2 * index + 1] = s.umax;
    w0 = performance.now();
    barrier.wait();
    waitMs += performance.now() - w0;
    let hm = 0;
    let um = 0;
    for (let w = 0; w < count; w++) {
      if (slots[2 * w] > hm) hm = slots[2 * w];
      if (slots[2 * w + 1] > um) um = slots[2 * w + 1];
    }
    sim.setMaxima(hm, um);
    k++;
    // Nobody overwrites the slots before everyone has read them: the next write comes after the next step's
    // first barrier, which every worker only reaches after its reduction here.
  }
  // Land exactly on `until` (guards float residue), as FloodSimulation.advanceTo does.
  if (byTime && Math.abs(sim.time - until) < 1e-9 * Math.max(1, Math.abs(until))) sim.time = until;
  return { workMs: performance.now() - start - waitMs, waitMs, steps: k };
}
