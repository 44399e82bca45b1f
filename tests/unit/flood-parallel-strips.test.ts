/**
 * Strip-parallel flood engine (src/core/flood/parallel): worker_threads on SharedArrayBuffer state must give the
 * same result, bit for bit, as the single-thread FloodSimulation, with the same mass books, on a model that
 * uses every feature (hyetograph, Manning grid, buildings, nodata, point inflow, free and level boundaries).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FloodConfigError, FloodSimulation } from '../../src/core/flood/simulation.js';
import { ParallelFloodSimulation, stripBounds } from '../../src/core/flood/parallel/parallel.js';
import { createNodeParallelFlood, nodeFloodWorkers } from '../../src/server/flood/parallel-node.js';
import type { FloodConfig } from '../../src/core/flood/config.js';
import { everyFeatureModel as model, grid } from './flood-helpers.js';

const running: ParallelFloodSimulation[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.terminate()));
});

function expectSameState(a: FloodSimulation, b: FloodSimulation): void {
  for (const key of ['h', 'qx', 'qy', 'maxDepth', 'arrival'] as const) {
    const x = a[key];
    const y = b[key];
    let diff = 0;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) diff++;
    expect(diff, `${key}: values that differ`).toBe(0);
  }
  expect(b.time).toBe(a.time);
  expect(b.steps).toBe(a.steps);
  expect(b.dt).toBe(a.dt);
  expect(b.massBalance()).toEqual(a.massBalance());
}

describe('strip-parallel flood engine', () => {
  it('2 and 3 workers give the single-thread result bit for bit, books included', async () => {
    const cfg = model();
    const single = new FloodSimulation(cfg);
    single.advanceTo(900);
    expect(single.steps).toBeGreaterThan(300);
    const mb = single.massBalance();
    expect(mb.outflow_m3).toBeGreaterThan(0);
    expect(mb.boundary_inflow_m3).toBeGreaterThan(0);
    expect(mb.point_inflow_m3).toBeGreaterThan(0);
    // WebAssembly row kernels on a shared memory (one strip per worker by default; more strips than workers,
    // claimed dynamically every step), and the JavaScript ones on SharedArrayBuffers (one strip per worker).
    for (const [workers, kernel, perWorker, strips] of [[2, 'wasm', undefined, 2], [2, 'wasm', 4, 8], [3, 'wasm', 4, 9], [2, 'js', 4, 2]] as const) {
      const par = await ParallelFloodSimulation.create({ ...cfg, kernel }, { workers, spawn: nodeFloodWorkers(), stripsPerWorker: perWorker });
      running.push(par);
      expect(par.workerCount).toBe(workers);
      expect(par.stripCount).toBe(strips); // 37 rows: at most 9 strips of ≥ 4 rows
      expect(par.kernel).toBe(kernel);
      const p = await par.advanceTo(900);
      expect(p.time).toBe(900);
      expectSameState(single, par.view);
      expect(par.gaugeDepths()).toEqual(single.gaugeDepths());
      expect(Math.abs(par.massBalance().relative_error)).toBeLessThan(1e-4);
    }
  });

  it('step(), progress pauses, snapshot and restore behave as on one thread', async () => {
    const cfg = model();
    const single = new FloodSimulation(cfg);
    const par = await createNodeParallelFlood(cfg, 2);
    running.push(par);
    // Single steps.
    for (let i = 0; i < 5; i++) expect(await par.step()).toBe(single.step());
    expectSameState(single, par.view);
    // Paused by the callback after 2 chunks of 40 steps, then resumed.
    let calls = 0;
    const paused = await par.advanceTo(400, () => ++calls < 2, 40);
    expect(paused.steps).toBe(5 + 80);
    expect(paused.time).toBeLessThan(400);
    await par.advanceTo(400);
    single.advanceTo(400);
    expectSameState(single, par.view);
    // Snapshot, run on, restore, run again: the same.
    const snap = par.snapshot();
    await par.advanceTo(600);
    const h600 = Float32Array.from(par.view.h);
    await par.restore(snap);
    expect(par.time).toBe(400);
    await par.advanceTo(600);
    expect(Array.from(par.view.h)).toEqual(Array.from(h600));
    single.advanceTo(600);
    expectSameState(single, par.view);
  });

  it('dynamic strips (4 per worker): pauses, snapshot and restore keep the single-thread bits', async () => {
    const cfg = model();
    const single = new FloodSimulation(cfg);
    const par = await ParallelFloodSimulation.create(cfg, { workers: 2, stripsPerWorker: 4, spawn: nodeFloodWorkers() });
    running.push(par);
    expect(par.stripCount).toBe(8);
    for (let i = 0; i < 3; i++) expect(await par.step()).toBe(single.step());
    let calls = 0;
    const paused = await par.advanceTo(300, () => ++calls < 2, 30);
    expect(paused.steps).toBe(3 + 60);
    await par.advanceTo(300);
    single.advanceTo(300);
    expectSameState(single, par.view);
    const snap = par.snapshot();
    await par.advanceTo(500);
    const h500 = Float32Array.from(par.view.h);
    await par.restore(snap);
    await par.advanceTo(500);
    expect(Array.from(par.view.h)).toEqual(Array.from(h500));
    single.advanceTo(500);
    expectSameState(single, par.view);
  });

  it('splits rows evenly, uses fewer workers on tiny grids, rejects bad input with the field name', async () => {
    expect(stripBounds(10, 3)).toEqual([0, 3, 7, 10]);
    expect(stripBounds(1000, 2)).toEqual([0, 500, 1000]);
    const tiny: FloodConfig = { dem: grid(6, 7, 1, (x) => 0.1 * x), manning: 0.03, rain: 100 };
    const par = await createNodeParallelFlood(tiny, 2);
    running.push(par);
    expect(par.workerCount).toBe(1); // 7 rows: no room for two strips of 4
    await par.advanceTo(60);
    const single = new FloodSimulation(tiny);
    single.advanceTo(60);
    expectSameState(single, par.view);
    // Semi-implicit friction, constant n, the plain depth time step, a free north side: still the same bits.
    const other: FloodConfig = { dem: grid(12, 13, 1, (x, y) => 0.02 * y + 0.05 * Math.sin(x)), manning: 0.04, rain: 200, friction: 'semi-implicit', timeStep: 'depth', boundaries: { north: { type: 'free' } } };
    const par2 = await createNodeParallelFlood(other, 3);
    running.push(par2);
    expect(par2.workerCount).toBe(3);
    await par2.advanceTo(300);
    // Every worker reports its stepping and barrier-waiting time for all the steps.
    expect(par2.timing).toHaveLength(3);
    for (const t of par2.timing) {
      expect(t.steps).toBe(par2.steps);
      expect(t.workMs).toBeGreaterThan(0);
      expect(t.waitMs).toBeGreaterThanOrEqual(0);
    }
    const single2 = new FloodSimulation(other);
    single2.advanceTo(300);
    expect(single2.massBalance().outflow_m3).toBeGreaterThan(0);
    expectSameState(single2, par2.view);
    await expect(ParallelFloodSimulation.create({ dem: grid(8, 8, 1, () => 0), manning: -1 }, { spawn: nodeFloodWorkers() })).rejects.toThrow(FloodConfigError);
    await expect(ParallelFloodSimulation.create({ dem: grid(8, 8, 1, () => 0), manning: 0.03 }, { workers: 0, spawn: nodeFloodWorkers() })).rejects.toThrow(/workers/);
    await expect(ParallelFloodSimulation.create({ dem: grid(8, 8, 1, () => 0), manning: 0.03 }, { workers: 2, stripsPerWorker: 0, spawn: nodeFloodWorkers() })).rejects.toThrow(/stripsPerWorker/);
  });

  it('a failing worker rejects the run with its message instead of hanging the others', async () => {
    const cfg: FloodConfig = { dem: grid(10, 10, 1, () => 0), manning: 0.03, rain: 10 };
    const spawn = nodeFloodWorkers();
    let n = 0;
    // The second worker gets a corrupted init message (buffers of the wrong size): its engine refuses them.
    const par = await ParallelFloodSimulation.create(cfg, {
      workers: 2,
      spawn: () => {
        const h = spawn();
        const k = n++;
        return {
          ...h,
          postMessage: (m) => h.postMessage(m.type === 'init' && k === 1 ? { ...m, buffers: { ...FloodSimulation.allocateBuffers(10, 10, true), h: new SharedArrayBuffer(8) } } : m),
        };
      },
    }).catch((e: Error) => e);
    expect(par).toBeInstanceOf(Error);
    expect((par as Error).message).toMatch(/flood worker 1: shared\.buffers\.h/);
  });
});
