/**
 * In-page harness of the WebGPU flood engine (src/viewer/flood/gpu): the validation cases of
 * tests/unit/flood-validation.test.ts run on the GPU engine and on the CPU engine (WebAssembly) in the same page,
 * and a cell-update-rate measurement. `window.floodGpu` is driven by tests/browser/flood-gpu.spec.ts and
 * bench/flood-gpu.bench.ts. Every function returns plain figures; the callers assert / report them.
 */
import { FloodSimulation } from '../../src/core/flood/simulation.js';
import type { FloodConfig } from '../../src/core/flood/config.js';
import type { Grid } from '../../src/core/grid/grid.js';
import type { TimeSeries } from '../../src/core/formats/csv.js';
import { benchConfig } from '../flood-terrain.js';
import { EA_TEST1 } from '../../tests/flood-cases.js';
import { GpuFloodSimulation, describeAdapter, requestFloodDevice } from '../../src/viewer/flood/gpu/GpuFloodSimulation.js';

const grid = (ncols: number, nrows: number, dx: number, f: (x: number, y: number, c: number, r: number) => number): Grid => {
  const data = new Float32Array(ncols * nrows);
  for (let r = 0; r < nrows; r++) for (let c = 0; c < ncols; c++) data[r * ncols + c] = f((c + 0.5) * dx, (nrows - r - 0.5) * dx, c, r);
  return { ncols, nrows, xll: 0, yll: 0, cellSize: dx, data };
};
const rng = (seed: number) => () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
const series = (t: number[], v: number[]): TimeSeries => ({ t: Float64Array.from(t), v: Float64Array.from(v) });

let devicePromise: Promise<{ adapter: GPUAdapter; device: GPUDevice } | null> | null = null;
const gpuDevice = () => (devicePromise ??= requestFloodDevice());

/** Largest cell-centre speed (from the face discharges, wet cells) or face speed |q|/h_f of the last step. */
function maxSpeed(sim: FloodSimulation): number {
  let m = sim.maxFaceVelocity();
  for (const v of sim.velocityGrids(1e-3).speed.data) if (v > m) m = v;
  return m;
}

/** Both engines on one config: advances both to each time in `times`, calling `probe` after each. */
async function both(config: FloodConfig, times: number[], probe?: (gpu: FloodSimulation, cpu: FloodSimulation, t: number) => void): Promise<{ gpu: FloodSimulation; cpu: FloodSimulation; gpuSteps: number; cpuSteps: number; gpuMs: number }> {
  const dev = await gpuDevice();
  if (!dev) throw new Error('no WebGPU adapter');
  const g = await GpuFloodSimulation.create(dev.device, config, { maxBatch: 256, batchMs: 2000 });
  const cpu = new FloodSimulation(config);
  let gpuMs = 0;
  try {
    for (const t of times) {
      const w0 = performance.now();
      await g.advanceTo(t);
      gpuMs += performance.now() - w0;
      cpu.advanceTo(t);
      await g.sync(true);
      probe?.(g.view, cpu, t);
    }
    return { gpu: g.view, cpu, gpuSteps: g.steps, cpuSteps: cpu.steps, gpuMs };
  } finally {
    g.destroy();
  }
}

const maxAbsDiff = (a: Float32Array, b: Float32Array, active: Uint8Array) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (active[i]) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** The validation cases; each returns the GPU figures and the CPU engine's for the same quantity. */
const cases = {
  /** Lake at rest over random terrain with islands (non-representable bed heights), level 2 m, 30 min. */
  async lake() {
    const rand = rng(11);
    const dem = grid(30, 30, 5, (x, y) => Math.max(2.3 * Math.exp(-((x - 75) ** 2 + (y - 75) ** 2) / 200), 1.5 * rand()));
    let vGpu = 0;
    let vCpu = 0;
    const times = Array.from({ length: 6 }, (_, k) => 300 * (k + 1));
    const r = await both({ dem, manning: 0.01, initialLevel: 2 }, times, (g, c) => {
      vGpu = Math.max(vGpu, maxSpeed(g));
      vCpu = Math.max(vCpu, maxSpeed(c));
    });
    const mb = r.gpu.massBalance();
    return { steps: r.gpuSteps, cpuSteps: r.cpuSteps, maxSpeedGpu: vGpu, maxSpeedCpu: vCpu, storageDrift: Math.abs(mb.error_m3) / mb.initial_storage_m3, gpuMs: r.gpuMs };
  },

  /** Closed bowl (80 m × 60 m, 4 m cells), 1 h hyetograph (peak 120 mm/h) plus a point inflow: mass books and storage. */
  async basin() {
    const dem = grid(20, 15, 4, (x, y) => (0.002 * ((x - 40) ** 2 + (y - 30) ** 2)) / 4 + 0.3 * Math.sin(x / 7) * Math.cos(y / 5));
    const cfg: FloodConfig = { dem, manning: 0.035, rain: series([0, 900, 1800, 3600], [0, 120, 60, 0]), inflows: [{ x: 10, y: 50, hydrograph: series([0, 600, 1200], [0, 0.5, 0]) }] };
    const r = await both(cfg, [3600]);
    const g = r.gpu.massBalance();
    const c = r.cpu.massBalance();
    let hmin = Infinity;
    for (const v of r.gpu.h) hmin = Math.min(hmin, v);
    const rainExpected = ((0.5 * 900 * 120 + 0.5 * 900 * 180 + 0.5 * 1800 * 60) / 3.6e6) * 40 * 30 * 4;
    return { rain: g.rain_m3, rainExpected, inflow: g.inflow_m3, outflow: g.outflow_m3, storage: g.storage_m3, relErrGpu: g.relative_error, relErrCpu: c.relative_error, minDepth: hmin, maxDiff: maxAbsDiff(r.gpu.h, r.cpu.h, r.gpu.active), steps: r.gpuSteps, gpuMs: r.gpuMs };
  },

  /** Rain on a 100 m, 1 % plane (1 m cells) with a free outfall: steady depth vs Manning normal depth over the lower half. */
  async plane() {
    const L = 100, dx = 1, S = 0.01, n = 0.03, rainMmH = 100;
    const nc = L / dx;
    const dem = grid(nc, 3, dx, (x) => (L - x) * S);
    const cfg: FloodConfig = { dem, manning: n, rain: rainMmH, boundaries: { east: { type: 'free' } } };
    let m0: ReturnType<FloodSimulation['massBalance']> | null = null;
    const r = await both(cfg, [3000, 3600], (g, _c, t) => {
      if (t === 3000) m0 = g.massBalance();
    });
    const m1 = r.gpu.massBalance();
    const rr = rainMmH / 3.6e6;
    let worst = 0;
    let worstCpu = 0;
    for (let c = nc / 2; c < nc - 1; c++) {
      const q = rr * (c + 1) * dx;
      const hn = Math.pow((n * q) / Math.sqrt(S), 0.6);
      worst = Math.max(worst, Math.abs(r.gpu.h[nc + c] - hn) / hn);
      worstCpu = Math.max(worstCpu, Math.abs(r.cpu.h[nc + c] - hn) / hn);
    }
    const rainIn = m1.rain_m3 - m0!.rain_m3;
    return { normalDepthErrGpu: worst, normalDepthErrCpu: worstCpu, outVsRain: Math.abs(m1.outflow_m3 - m0!.outflow_m3 - rainIn) / rainIn, relErr: m1.relative_error, steps: r.gpuSteps, gpuMs: r.gpuMs };
  },

  /** EA Test 1 geometry: the pond behind the sill ends level with the crest. */
  async ea1() {
    const { crest, bed } = EA_TEST1;
    // A 1D profile: 35 × 3 cells of 20 m (the crest cell is centred on the 10 m crest).
    const dem = grid(35, 3, 20, bed);
    const depth0 = grid(35, 3, 20, (x) => EA_TEST1.initialDepth(x));
    const level = series(EA_TEST1.boundary.t, EA_TEST1.boundary.level);
    const pond = 35 + 25; // x = 510 m
    let peak = 0;
    const r = await both({ dem, manning: 0.03, initialDepth: depth0, boundaries: { west: { type: 'level', level } } }, [6 * 3600, 24 * 3600], (g, _c, t) => {
      if (t === 6 * 3600) peak = g.h[pond] + 9.75;
    });
    const mb = r.gpu.massBalance();
    return { peakLevel: peak, pondLevelGpu: r.gpu.h[pond] + 9.75, pondLevelCpu: r.cpu.h[pond] + 9.75, crest, channelLevel: r.gpu.h[35 + 1] + 9.5, boundaryIn: mb.boundary_inflow_m3, outflow: mb.outflow_m3, relErr: mb.relative_error, steps: r.gpuSteps, cpuSteps: r.cpuSteps, gpuMs: r.gpuMs };
  },

  /**
   * Random terrain with every feature (hyetograph, Manning grid, buildings, nodata, point inflow, free and level
   * boundaries, wetting and drying): GPU vs CPU depths, maxima, arrival times and books after 15 min.
   */
  async random() {
    const r = await both(randomConfig(), [300, 600, 900]);
    return compareRandom(r);
  },

  /**
   * The other options: rain grid, semi-implicit friction, the plain depth time step, constant n, a free north side
   * with the slope from the terrain, a constant level on the east side, an initial depth grid. GPU vs CPU after 5 min.
   */
  async variants() {
    const dem = grid(30, 25, 2, (x, y) => 0.02 * y + 0.05 * Math.sin(x / 3) + 0.002 * x);
    const cfg: FloodConfig = {
      dem,
      manning: 0.04,
      rain: grid(30, 25, 2, (x) => 40 + 3 * x),
      initialDepth: grid(30, 25, 2, (x, y) => (x < 20 && y < 20 ? 0.1 : 0)),
      friction: 'semi-implicit',
      timeStep: 'depth',
      boundaries: { north: { type: 'free' }, east: { type: 'level', level: 0.35 } },
    };
    const r = await both(cfg, [150, 300]);
    const mg = r.gpu.massBalance(), mc = r.cpu.massBalance();
    return { maxDepthDiff: maxAbsDiff(r.gpu.h, r.cpu.h, r.cpu.active), hmax: Math.max(...r.cpu.h), rainGpu: mg.rain_m3, rainCpu: mc.rain_m3, outflowGpu: mg.outflow_m3, outflowCpu: mc.outflow_m3, boundaryInGpu: mg.boundary_inflow_m3, boundaryInCpu: mc.boundary_inflow_m3, relErrGpu: mg.relative_error, steps: r.gpuSteps, cpuSteps: r.cpuSteps };
  },
};

/** The random-terrain model with every feature. */
function randomConfig(): FloodConfig {
    const ncols = 48, nrows = 37;
    const rand = rng(5);
    const dem = grid(ncols, nrows, 2, (x, y, c, r) => (r === 20 && c < 3 ? NaN : 0.01 * (96 - x) + 0.3 * Math.sin(y / 9) * Math.cos(x / 7) + 0.05 * rand()));
    const blocked = new Uint8Array(ncols * nrows);
    for (let r = 8; r < 30; r += 7) for (let c = 10; c < 40; c += 9) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) blocked[(r + i) * ncols + c + j] = 1;
    const cfg: FloodConfig = {
      dem,
      manning: grid(ncols, nrows, 2, (x) => (x < 48 ? 0.03 : 0.05)),
      rain: series([0, 300, 900], [0, 150, 20]),
      blocked,
      initialLevel: 0.15,
      inflows: [{ x: 30, y: 37, hydrograph: series([0, 200, 600], [0, 0.8, 0]) }],
      boundaries: { east: { type: 'free', slope: 0.01 }, west: { type: 'level', level: series([0, 900], [1.3, 1.6]) }, south: { type: 'free', slope: 0.01 } },
      gauges: [{ name: 'g', x: 50, y: 40 }],
    };
    return cfg;
}

/** GPU vs CPU figures of the random model. */
function compareRandom(r: { gpu: FloodSimulation; cpu: FloodSimulation; gpuSteps: number; cpuSteps: number; gpuMs: number }) {
    const g = r.gpu, c = r.cpu;
    let hmaxCpu = 0;
    let arrivalDiff = 0;
    let arrivalMismatch = 0;
    for (let i = 0; i < c.h.length; i++) {
      if (!c.active[i]) continue;
      hmaxCpu = Math.max(hmaxCpu, c.h[i]);
      const a = g.arrival[i], b = c.arrival[i];
      if (Number.isNaN(a) !== Number.isNaN(b)) arrivalMismatch++;
      else if (!Number.isNaN(a)) arrivalDiff = Math.max(arrivalDiff, Math.abs(a - b));
    }
    const mg = g.massBalance(), mc = c.massBalance();
    return {
      maxDepthDiff: maxAbsDiff(g.h, c.h, c.active),
      maxOfMaxDepthDiff: maxAbsDiff(g.maxDepth, c.maxDepth, c.active),
      hmaxCpu,
      arrivalDiff,
      arrivalMismatch,
      gaugeGpu: g.gaugeDepths()[0],
      gaugeCpu: c.gaugeDepths()[0],
      relErrGpu: mg.relative_error,
      outflowGpu: mg.outflow_m3,
      outflowCpu: mc.outflow_m3,
      boundaryInGpu: mg.boundary_inflow_m3,
      boundaryInCpu: mc.boundary_inflow_m3,
      steps: r.gpuSteps,
      cpuSteps: r.cpuSteps,
      gpuMs: r.gpuMs,
    };
}

/** Debug: GPU vs CPU after each count of steps in `counts` (same number of steps each). */
async function stepsCompare(counts: number[], fused?: boolean) {
  const dev = await gpuDevice();
  if (!dev) throw new Error('no WebGPU adapter');
  const cfg = randomConfig();
  const g = await GpuFloodSimulation.create(dev.device, cfg, { fused });
  const cpu = new FloodSimulation(cfg);
  const out = [];
  for (const k of counts) {
    await g.stepMany(k - g.steps);
    while (cpu.steps < k) cpu.step();
    await g.sync(true);
    let m = 0, at = -1;
    for (let i = 0; i < cpu.h.length; i++) if (Math.abs(g.view.h[i] - cpu.h[i]) > m) { m = Math.abs(g.view.h[i] - cpu.h[i]); at = i; }
    out.push({ k, steps: g.steps, tg: g.time, tc: cpu.time, diff: m, row: Math.floor(at / cpu.ncols), col: at % cpu.ncols, hg: g.view.h[at], hc: cpu.h[at] });
  }
  g.destroy();
  return out;
}


/**
 * Cell updates per second of the GPU engine on the bench terrain (n × n): 4 warm-up steps, then batches of steps
 * until `budgetMs` of wall time has passed (each batch ends with a read-back, so this is end-to-end).
 */
async function rate(n: number, budgetMs: number): Promise<{ cells: number; steps: number; ms: number; rate: number }> {
  const dev = await gpuDevice();
  if (!dev) throw new Error('no WebGPU adapter');
  const g = await GpuFloodSimulation.create(dev.device, benchConfig(n), { maxBatch: 256, batchMs: 1000 });
  try {
    await g.stepMany(3);
    // Batch size: ~¼ of the budget per batch (≤ 32 steps), from the time of one step.
    const w = performance.now();
    await g.stepMany(1);
    const k = Math.max(1, Math.min(32, Math.floor(budgetMs / 4 / (performance.now() - w))));
    const s0 = g.steps;
    const t0 = performance.now();
    while (performance.now() - t0 < budgetMs) await g.stepMany(k);
    const ms = performance.now() - t0;
    const steps = g.steps - s0;
    return { cells: n * n, steps, ms, rate: (n * n * steps) / (ms / 1000) };
  } finally {
    g.destroy();
  }
}

/** Messages of the GPU engine for bad input (the CPU engine's validation, field named). */
async function errors(): Promise<string[]> {
  const dev = await gpuDevice();
  if (!dev) throw new Error('no WebGPU adapter');
  const dem = grid(8, 8, 1, () => 0);
  const bad: FloodConfig[] = [{ dem, manning: -1 }, { dem, manning: 0.03, theta: 2 }, { dem, manning: 0.03, inflows: [{ x: 50, y: 50, hydrograph: series([0], [1]) }] }];
  const out: string[] = [];
  for (const cfg of bad) {
    try {
      (await GpuFloodSimulation.create(dev.device, cfg)).destroy();
      out.push('accepted');
    } catch (e) {
      out.push(`${(e as Error).name}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** Adapter description, or null without an adapter. */
async function adapter(): Promise<{ description: string; fallback: boolean; maxStorageBufferBindingSize: number } | null> {
  const dev = await gpuDevice();
  if (!dev) return null;
  return { description: describeAdapter(dev.adapter), fallback: dev.adapter.info.isFallbackAdapter, maxStorageBufferBindingSize: dev.device.limits.maxStorageBufferBindingSize };
}

const api = { adapter, cases, errors, rate, stepsCompare, ready: true };
declare global {
  interface Window {
    floodGpu: typeof api;
  }
}
window.floodGpu = api;
