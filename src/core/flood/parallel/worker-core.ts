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
 *
 * Dynamic strips (more strips than workers, shared WebAssembly memory): in phase 1 every worker claims strips
 * from an Atomics counter until none is left and runs phase 2 of the strips it claimed, so a worker that loses
 * its core to another process for a while takes fewer strips instead of stalling the others at the barrier.
 * Each strip has its own engine in every worker (its own private region of the shared memory: scratch rows,
 * halo), set to the step's shared scalars before it runs; strip 0 publishes clock and books for all. Which worker
 * runs a strip changes nothing in the arithmetic, so the result stays bit for bit the same.
 */
import { FloodSimulation, type StripHalo } from '../simulation.js';
import type { FloodScalars } from '../config.js';
import { Barrier, BARRIER_INTS } from './barrier.js';
import { CLAIM_INT, SCALAR_SLOTS, SLOTS_OFFSET, type FromWorker, type InitMessage, type StripTiming, type ToWorker } from './protocol.js';

/** One strip as this worker sees it: its engine (attached to the shared state) and its halo. */
interface Strip {
  sim: FloodSimulation;
  r0: number;
  r1: number;
  halo: StripHalo;
}

interface WorkerState {
  /** The strips this worker may run: its own one (static), or all of them (dynamic). */
  strips: Strip[];
  /** Global index of strips[0]. */
  first: number;
  /** Total strips. */
  total: number;
  dynamic: boolean;
  barrier: Barrier;
  claim: Int32Array;
  slots: Float64Array;
  shared: Float64Array;
  index: number;
  count: number;
  /** Clock, maxima and books after the last step (the same in every worker). */
  scalars: FloodScalars;
}

/** Creates a strip worker; returns the handler for messages from the main thread. */
export function createFloodWorker(post: (msg: FromWorker) => void): (msg: ToWorker) => void {
  let st: WorkerState | null = null;
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
        post({ type: 'done', index, scalars: st.scalars, timing });
      } else if (msg.type === 'setScalars') {
        st.scalars = msg.scalars;
        for (const s of st.strips) s.sim.setScalars(msg.scalars);
        capture(st);
        post({ type: 'done', index, scalars: st.scalars });
      }
    } catch (e) {
      st?.barrier.abort();
      post({ type: 'error', index, message: e instanceof Error ? e.message : String(e) });
    }
  };
}

/** Captures the neighbours' old face rows of the strips (dynamic: each strip once, by worker strip % count). */
function capture(st: WorkerState): void {
  st.strips.forEach((s, k) => {
    if (!st.dynamic || (st.first + k) % st.count === st.index) s.sim.stripCapture(s.r0, s.r1, s.halo);
  });
}

function init(m: InitMessage): WorkerState {
  const total = m.bounds.length - 1;
  const dynamic = total > m.count;
  if (dynamic && !m.memory) throw new Error('more strips than workers need the shared WebAssembly memory (the strips\' halos live in it)');
  // Static: this worker's strip. Dynamic: every strip, each on its own private region (party = strip + 1) of the
  // shared memory, so that whichever worker claims a strip finds its halo and scratch rows there.
  const first = dynamic ? 0 : m.index;
  const strips: Strip[] = [];
  for (let s = first; s < (dynamic ? total : m.index + 1); s++) {
    const sim = new FloodSimulation(m.config, { buffers: m.buffers, memory: m.memory, party: s + 1, attach: true });
    strips.push({ sim, r0: m.bounds[s], r1: m.bounds[s + 1], halo: sim.createStripHalo() });
  }
  const st: WorkerState = {
    strips,
    first,
    total,
    dynamic,
    barrier: new Barrier(new Int32Array(m.control, 0, BARRIER_INTS), m.count),
    claim: new Int32Array(m.control, 0, CLAIM_INT + 1),
    slots: new Float64Array(m.control, SLOTS_OFFSET, 2 * total),
    shared: new Float64Array(m.control, SLOTS_OFFSET + 16 * total, SCALAR_SLOTS),
    index: m.index,
    count: m.count,
    scalars: strips[0].sim.scalars(),
  };
  capture(st);
  return st;
}

/** Phase 1 of strip `k` (local index) with the step's scalars. */
function phase1(st: WorkerState, k: number, dt: number): void {
  const s = st.strips[k];
  if (st.dynamic) s.sim.setScalars(st.scalars); // the strip's engine may have sat out steps run by other workers
  s.sim.stripPhase1(s.r0, s.r1, dt, s.halo);
}

/** Phase 2 of strip `k` (local index): its maxima to its slots; strip 0 publishes the books and clock. */
function phase2(st: WorkerState, k: number): void {
  const s = st.strips[k];
  const g = st.first + k;
  s.sim.stripPhase2(s.r0, s.r1, g === 0, s.halo);
  const sc = s.sim.scalars();
  st.slots[2 * g] = sc.hmax;
  st.slots[2 * g + 1] = sc.umax;
  if (g === 0) {
    const m = sc.mass;
    st.shared.set([sc.time, sc.steps, sc.dt, m.rain, m.pointIn, m.boundaryIn, m.out, m.initial]);
  }
}

function run(st: WorkerState, until: number, maxSteps: number): StripTiming {
  const { barrier, slots, shared, claim, total, count } = st;
  const clock = st.strips[0].sim; // computes Δt from the scalars every worker shares
  const start = performance.now();
  let waitMs = 0;
  // The neighbours' old face rows were captured at init / setScalars / the last phase 2 (all workers idle).
  let k = 0;
  let byTime = true;
  let claimBase = 0; // the main thread zeroes the counter before a run; each step takes `total` claims + one miss per worker
  const mine: number[] = [];
  clock.setScalars(st.scalars);
  while (st.scalars.time < until) {
    if (k >= maxSteps) {
      byTime = false;
      break;
    }
    let dt = clock.nextDt();
    if (st.scalars.time + dt > until) dt = until - st.scalars.time;
    if (!(dt > 0)) break;
    mine.length = 0;
    if (st.dynamic) {
      for (;;) {
        const g = Atomics.add(claim, CLAIM_INT, 1) - claimBase;
        if (g >= total) break;
        phase1(st, g, dt);
        mine.push(g);
      }
      claimBase += total + count;
    } else {
      phase1(st, 0, dt);
      mine.push(0);
    }
    let w0 = performance.now();
    barrier.wait();
    waitMs += performance.now() - w0;
    for (const g of mine) phase2(st, g);
    w0 = performance.now();
    barrier.wait();
    waitMs += performance.now() - w0;
    let hm = 0;
    let um = 0;
    for (let w = 0; w < total; w++) {
      if (slots[2 * w] > hm) hm = slots[2 * w];
      if (slots[2 * w + 1] > um) um = slots[2 * w + 1];
    }
    st.scalars = {
      time: shared[0],
      steps: shared[1],
      dt: shared[2],
      umax: um,
      hmax: hm,
      mass: { rain: shared[3], pointIn: shared[4], boundaryIn: shared[5], out: shared[6], initial: shared[7] },
    };
    clock.setScalars(st.scalars);
    k++;
    // Nobody overwrites the slots before everyone has read them: the next write comes after the next step's
    // first barrier, which every worker only reaches after its reduction here.
  }
  // Land exactly on `until` (guards float residue), as FloodSimulation.advanceTo does.
  if (byTime && Math.abs(st.scalars.time - until) < 1e-9 * Math.max(1, Math.abs(until))) {
    st.scalars = { ...st.scalars, time: until };
    clock.setScalars(st.scalars);
  }
  if (!st.dynamic) st.strips[0].sim.setScalars(st.scalars);
  return { workMs: performance.now() - start - waitMs, waitMs, steps: k };
}
