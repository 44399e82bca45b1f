/**
 * Validation of the 2D flood engine (src/core/flood) against cases whose answer is known.
 * Each case names its source. Grids are small so the whole file runs in well under a minute on one core.
 */
import { describe, expect, it } from 'vitest';
import { FloodSimulation } from '../../src/core/flood/simulation.js';
import { ReferenceFlood } from '../../src/core/flood/reference.js';
import type { FloodConfig } from '../../src/core/flood/config.js';
import type { Grid } from '../../src/core/grid/grid.js';
import type { TimeSeries } from '../../src/core/formats/csv.js';
import { EA_TEST1 } from '../flood-cases.js';

const grid = (ncols: number, nrows: number, dx: number, f: (x: number, y: number, c: number, r: number) => number): Grid => {
  const data = new Float32Array(ncols * nrows);
  for (let r = 0; r < nrows; r++) for (let c = 0; c < ncols; c++) data[r * ncols + c] = f((c + 0.5) * dx, (nrows - r - 0.5) * dx, c, r);
  return { ncols, nrows, xll: 0, yll: 0, cellSize: dx, data };
};

/** Deterministic pseudo-random numbers in [0, 1). */
const rng = (seed: number) => () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;

/** Cell-centre speeds from the face discharges: the largest |q|/h over wet cells. */
function maxCellSpeed(sim: FloodSimulation): number {
  const { speed } = sim.velocityGrids(1e-3);
  let m = 0;
  for (const v of speed.data) if (v > m) m = v;
  return Math.max(m, sim.maxFaceVelocity());
}

describe('flood engine validation', () => {
  it('lake at rest over uneven terrain stays at rest (well-balanced): max speed < 1e-6 m/s', () => {
    // Standard C-property test (e.g. Audusse et al. 2004; SWASHES "lake at rest with an immersed bump"): a flat
    // water surface over an irregular bed must not move. Random bed 0–1.5 m plus a bump that pierces the
    // surface (islands, wet/dry edges), water level 2 m. Bed heights are multiples of 2⁻¹⁰ m so that the
    // initial depths 2 − z are exact in float32: the scheme itself is then exactly well balanced.
    const rand = rng(7);
    const q = (v: number) => Math.round(v * 1024) / 1024;
    const dem = grid(30, 30, 5, (x, y) => q(Math.max(2.3 * Math.exp(-((x - 75) ** 2 + (y - 75) ** 2) / 200), 1.5 * rand())));
    const sim = new FloodSimulation({ dem, manning: 0.01, initialLevel: 2 });
    const v0 = sim.massBalance().storage_m3;
    let vmax = 0;
    for (let t = 60; t <= 1800; t += 60) {
      sim.advanceTo(t);
      vmax = Math.max(vmax, maxCellSpeed(sim));
    }
    expect(sim.steps).toBeGreaterThan(500);
    expect(vmax).toBeLessThan(1e-6);
    expect(Math.abs(sim.massBalance().storage_m3 - v0) / v0).toBeLessThan(1e-6);

    // Arbitrary (non-representable) bed heights: float32 rounding of the depths leaves ~1e-7 m of surface noise,
    // which stays bounded (speeds of order 1e-6 m/s at shallow edges, nothing grows).
    const rand2 = rng(11);
    const dem2 = grid(30, 30, 5, (x, y) => Math.max(2.3 * Math.exp(-((x - 75) ** 2 + (y - 75) ** 2) / 200), 1.5 * rand2()));
    const sim2 = new FloodSimulation({ dem: dem2, manning: 0.01, initialLevel: 2 });
    let vmax2 = 0;
    for (let t = 300; t <= 1800; t += 300) {
      sim2.advanceTo(t);
      vmax2 = Math.max(vmax2, maxCellSpeed(sim2));
    }
    expect(vmax2).toBeLessThan(1e-5);
  });

  it('closed basin with rain: volume error < 0.1 % of the rain (mass books)', () => {
    // Conservation check: a closed bowl with a 1 h storm that varies in time (hyetograph, peak 120 mm/h)
    // and a point inflow; nothing may leave. Storage must equal rain + inflow.
    const dem = grid(40, 30, 2, (x, y) => 0.002 * ((x - 40) ** 2 + (y - 30) ** 2) / 4 + 0.3 * Math.sin(x / 7) * Math.cos(y / 5));
    const hyeto: TimeSeries = { t: Float64Array.from([0, 900, 1800, 3600]), v: Float64Array.from([0, 120, 60, 0]) };
    const inflow: TimeSeries = { t: Float64Array.from([0, 600, 1200]), v: Float64Array.from([0, 0.5, 0]) };
    const sim = new FloodSimulation({ dem, manning: 0.035, rain: hyeto, inflows: [{ x: 10, y: 50, hydrograph: inflow }] });
    sim.advanceTo(3600);
    const mb = sim.massBalance();
    const rainExpected = ((0.5 * 900 * 120 + 0.5 * 900 * 180 + 0.5 * 1800 * 60) / 3.6e6) * 40 * 30 * 4;
    expect(mb.rain_m3).toBeCloseTo(rainExpected, 3);
    expect(mb.inflow_m3).toBeCloseTo(0.5 * 1200 * 0.5, 6);
    expect(mb.outflow_m3).toBe(0);
    expect(Math.abs(mb.storage_m3 - (mb.rain_m3 + mb.inflow_m3))).toBeLessThan(1e-3 * (mb.rain_m3 + mb.inflow_m3));
    expect(Math.abs(mb.relative_error)).toBeLessThan(1e-3);
    // Depths never negative (outflow limiting, no clamping).
    expect(Math.min(...sim.h)).toBeGreaterThanOrEqual(0);
  });

  it('steady uniform sheet flow on an inclined plane under rain equals Manning normal depth', () => {
    // Kinematic-wave steady state (e.g. Chow, Maidment & Mays 1988, §9 overland flow): a 100 m plane, 1 % slope,
    // 0.5 m cells, n = 0.03, 100 mm/h. At steady state q(x) = r·x and the depth is the normal depth
    // h = (n q / √S)^(3/5). Free outfall at the east side; closed elsewhere.
    const L = 100, dx = 0.5, S = 0.01, n = 0.03, rainMmH = 100;
    const nc = L / dx, nr = 3;
    const dem = grid(nc, nr, dx, (x) => (L - x) * S);
    const sim = new FloodSimulation({ dem, manning: n, rain: rainMmH, boundaries: { east: { type: 'free' } } });
    sim.advanceTo(3000);
    const r = rainMmH / 3.6e6;
    const m0 = sim.massBalance();
    const series: number[] = [];
    for (let t = 3010; t <= 3600; t += 10) {
      sim.advanceTo(t);
      series.push(sim.h[nc + nc - 4]);
    }
    const m1 = sim.massBalance();
    // Outflow equals rainfall input over the last 10 minutes.
    const rainIn = m1.rain_m3 - m0.rain_m3;
    expect(Math.abs(m1.outflow_m3 - m0.outflow_m3 - rainIn) / rainIn).toBeLessThan(1e-3);
    // Depth equals the normal depth within 1 % over the lower half of the plane.
    for (let c = nc / 2; c < nc - 1; c++) {
      const q = r * (c + 1) * dx; // discharge leaving cell c (through its east face)
      const hn = Math.pow((n * q) / Math.sqrt(S), 0.6);
      expect(Math.abs(sim.h[nc + c] - hn) / hn).toBeLessThan(0.01);
    }
    // No oscillation in the last 10 minutes.
    expect(Math.max(...series) - Math.min(...series)).toBeLessThan(1e-4 * series[0]);
  });

  it('EA Test 1 geometry: a pond behind a sill ends level with the sill crest (±0.02 m)', () => {
    // EA 2D benchmark Test 1 (tests/flood-cases.ts), on 10 m cells.
    const { crest, bed } = EA_TEST1;
    const dem = grid(70, 10, 10, bed);
    const depth0 = grid(70, 10, 10, (x) => EA_TEST1.initialDepth(x));
    const level: TimeSeries = { t: Float64Array.from(EA_TEST1.boundary.t), v: Float64Array.from(EA_TEST1.boundary.level) };
    const sim = new FloodSimulation({ dem, manning: 0.03, initialDepth: depth0, boundaries: { west: { type: 'level', level } } });
    const pondCell = 5 * 70 + 50; // x = 505 m
    sim.advanceTo(6 * 3600);
    expect(sim.h[pondCell] + 9.75).toBeGreaterThan(crest + 0.05); // it did overtop and fill
    sim.advanceTo(24 * 3600);
    const pondLevel = sim.h[pondCell] + 9.75;
    expect(Math.abs(pondLevel - crest)).toBeLessThan(0.02);
    // The channel outside ends at the boundary level again.
    expect(sim.h[5 * 70 + 2] + 9.5).toBeCloseTo(9.7, 2);
    const mb = sim.massBalance();
    expect(mb.boundary_inflow_m3).toBeGreaterThan(mb.outflow_m3); // the pond kept water
    expect(Math.abs(mb.relative_error)).toBeLessThan(1e-3);
  });

  it('analytic: flood wave over a horizontal frictional plane (Hunter et al. 2005; Bates et al. 2010 §3.1)', () => {
    // With constant velocity u the local inertial equations have the solution
    //   h(x, t) = [ (7/3) (C − n² u² (x − u t)) ]^(3/7)   (C = 0 here),
    // used by Bates et al. (2010) to test this very scheme: u = 1 m/s, n = 0.01, 5 km plane, 25 m cells,
    // boundary level h(0, t) imposed at the west side; compare at t = 3600 s.
    const u = 1, n = 0.01, dx = 25;
    const exact = (x: number, t: number) => (x < u * t ? Math.pow((7 / 3) * n * n * u * u * (u * t - x), 3 / 7) : 0);
    const ts = Array.from({ length: 361 }, (_, k) => k * 10);
    // The ghost cell outside the west face sits half a cell beyond x = 0.
    const level: TimeSeries = { t: Float64Array.from(ts), v: Float64Array.from(ts.map((t) => exact(-dx / 2, t))) };
    const dem = grid(200, 1, dx, () => 0);
    const sim = new FloodSimulation({ dem, manning: n, boundaries: { west: { type: 'level', level } } });
    sim.advanceTo(3600);
    // The zero-inertia solution neglects ∂q/∂t, which is ~20 % of the pressure gradient near the front here, so
    // the local inertial wave lags slightly (Bates et al. 2010 show the same): near the boundary the depths agree
    // to a centimetre, the front is within 10 % of its travel and the volume within 10 %.
    let maxErr = 0, vol = 0;
    for (let c = 0; c < 200; c++) {
      const x = (c + 0.5) * dx;
      vol += sim.h[c] * dx;
      if (x <= 1500) maxErr = Math.max(maxErr, Math.abs(sim.h[c] - exact(x, 3600)));
    }
    expect(maxErr).toBeLessThan(0.01);
    let front = 0;
    for (let c = 0; c < 200; c++) if (sim.h[c] >= 0.01) front = (c + 1) * dx;
    expect(Math.abs(front - 3600)).toBeLessThanOrEqual(0.1 * 3600);
    const volExact = Math.pow((7 / 3) * n * n * u * u, 3 / 7) * Math.pow(u * 3600, 10 / 7) * 0.7;
    expect(Math.abs(vol - volExact) / volExact).toBeLessThan(0.1);
  });

  it('analytic: linear standing wave (seiche) in a closed basin has period 2L/√(gH)', () => {
    // Small-amplitude waves obey the linear shallow water equations, which the local inertial scheme contains
    // exactly (the dropped advection term is second order in the amplitude). A 1 km basin, 5 m deep, 1 cm
    // cosine mode, almost no friction: the water level at the wall peaks every T/2 = L/√(gH) = 142.8 s.
    const L = 1000, N = 50, dx = L / N, H = 5, a = 0.01;
    const dem = grid(N, 1, dx, () => 0);
    const init = grid(N, 1, dx, (x) => H + a * Math.cos((Math.PI * x) / L));
    const sim = new FloodSimulation({ dem, manning: 1e-4, initialDepth: init });
    const half = L / Math.sqrt(9.81 * H);
    const extrema: number[] = [];
    let prev = sim.h[0], dir = -1;
    while (sim.time < 6 * half + 10) {
      sim.advanceTo(sim.time + 0.5);
      const v = sim.h[0];
      if ((dir < 0 && v > prev) || (dir > 0 && v < prev)) {
        extrema.push(sim.time - 0.25);
        dir = -dir;
      }
      prev = v;
    }
    expect(extrema.length).toBe(6);
    extrema.forEach((t, k) => expect(Math.abs(t - (k + 1) * half) / half).toBeLessThan(0.01 * (k + 1)));
    // θ = 0.7 damps slowly: the amplitude after three periods is still > half the initial one.
    expect(Math.abs(sim.h[0] - H)).toBeGreaterThan(0.5 * a);
  });

  it('trap 1: θ = 1 lets a checkerboard grow in deep low-friction water; θ = 0.7 damps it', () => {
    // de Almeida et al. (2012): the plain scheme (θ = 1) has no numerical diffusion, and at α = 0.7 in 2D it
    // sits at its stability limit, so grid-scale noise grows. 5 m deep, n = 0.01, 10 m cells, 1 mm noise.
    const N = 40;
    const rand = rng(1);
    const noise = grid(N, N, 10, () => 5 + 0.001 * (rand() - 0.5));
    const flat = grid(N, N, 10, () => 0);
    const roughness = (sim: FloodSimulation) => {
      let s = 0;
      for (let r = 1; r < N - 1; r++)
        for (let c = 1; c < N - 1; c++) {
          const i = r * N + c;
          s = Math.max(s, Math.abs(sim.h[i] - 0.25 * (sim.h[i - 1] + sim.h[i + 1] + sim.h[i - N] + sim.h[i + N])));
        }
      return s;
    };
    const run = (theta: number) => {
      const sim = new FloodSimulation({ dem: flat, manning: 0.01, initialDepth: noise, theta, alpha: 0.7, timeStep: 'depth' });
      const r0 = roughness(sim);
      sim.advanceTo(3000);
      return roughness(sim) / r0;
    };
    const plain = run(1);
    const weighted = run(0.7);
    expect(plain).toBeGreaterThan(1.2); // grew
    expect(weighted).toBeLessThan(0.05); // damped
  });

  it('trap 2: thin fast sheet flow on a steep bed — unstable with the plain Δt, stable with the defaults', () => {
    // Bed drop per cell (0.1 m) ≫ ¼ of the depth (~3 mm): rain on a 10 % slope, n = 0.013, 1 m cells.
    // Plain Bates Δt = α Δx/√(g h) with semi-implicit friction develops a checkerboard in space and time;
    // the default (velocity-aware Δt = α Δx/(|u| + √(g h)) and implicit friction) reaches the normal depth.
    const L = 100, S = 0.1, n = 0.013, rain = 50;
    const dem = grid(L, 3, 1, (x) => (L - x) * S);
    const run = (cfg: Partial<FloodConfig>) => {
      const sim = new FloodSimulation({ dem, manning: n, rain, boundaries: { east: { type: 'free' } }, theta: 0.7, alpha: 0.7, ...cfg });
      sim.advanceTo(1500);
      let osc = 0;
      const prev = Float32Array.from(sim.h.subarray(L, 2 * L));
      for (let t = 1501; t <= 1560; t++) {
        sim.advanceTo(t);
        for (let c = 50; c < L; c++) osc = Math.max(osc, Math.abs(sim.h[L + c] - prev[c]) / prev[c]);
      }
      const hn = Math.pow((n * (rain / 3.6e6) * 90) / Math.sqrt(S), 0.6);
      return { osc, relErr: Math.abs(sim.h[L + 89] - hn) / hn };
    };
    const plain = run({ timeStep: 'depth', friction: 'semi-implicit' });
    const fixed = run({});
    expect(plain.osc).toBeGreaterThan(0.2);
    expect(fixed.osc).toBeLessThan(0.01);
    expect(fixed.relErr).toBeLessThan(0.01);
  });

  it('optimised engine matches the straightforward reference implementation', () => {
    // Same scheme, different code (Float64, Math.pow per face, separate passes): depths agree to f32 precision.
    const rand = rng(3);
    const dem = grid(25, 20, 3, (x, y) => 0.01 * x + 0.3 * Math.sin(y / 6) + 0.05 * rand());
    const cfg = { dem, manning: 0.03, rain: 80, initialLevel: 0.3 };
    const a = new FloodSimulation(cfg);
    const b = new ReferenceFlood(cfg);
    a.advanceTo(600);
    b.advanceTo(600);
    let maxDiff = 0, maxH = 0;
    for (let i = 0; i < a.h.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(a.h[i] - b.h[i]));
      maxH = Math.max(maxH, b.h[i]);
    }
    expect(maxH).toBeGreaterThan(0.1);
    expect(maxDiff).toBeLessThan(1e-3 * maxH);
    expect(Math.abs(a.steps - b.steps)).toBeLessThan(0.02 * b.steps);
  });

  it('buildings block flow, snapshots resume exactly, outputs are consistent', () => {
    // A dam break against a wall of blocked cells: no water may enter them; snapshot/restore reproduces a run.
    const dem = grid(30, 10, 1, () => 0);
    const blocked = new Uint8Array(300);
    for (let r = 0; r < 10; r++) if (r !== 5) blocked[r * 30 + 15] = 1; // wall at column 15 with a one-cell gap
    const depth = grid(30, 10, 1, (x) => (x < 10 ? 1 : 0));
    const cfg: FloodConfig = { dem, manning: 0.02, blocked, initialDepth: depth };
    const sim = new FloodSimulation(cfg);
    sim.advanceTo(20);
    const snap = sim.snapshot();
    sim.advanceTo(60);
    const other = new FloodSimulation(cfg);
    other.restore(snap);
    other.advanceTo(60);
    expect(Array.from(other.h)).toEqual(Array.from(sim.h));
    for (let r = 0; r < 10; r++) if (r !== 5) expect(sim.h[r * 30 + 15]).toBe(0);
    expect(sim.h[5 * 30 + 20]).toBeGreaterThan(0.01); // water got through the gap
    const arr = sim.arrivalGrid().data;
    expect(arr[5 * 30 + 2]).toBe(0); // wet from the start
    expect(arr[5 * 30 + 20]).toBeGreaterThan(0);
    expect(Number.isNaN(arr[0 * 30 + 29]) || arr[0 * 30 + 29] > arr[5 * 30 + 16]).toBe(true);
    const md = sim.maxDepthGrid().data;
    for (let i = 0; i < 300; i++) if (!blocked[i]) expect(md[i]).toBeGreaterThanOrEqual(sim.h[i]);
    expect(Number.isNaN(sim.depthGrid().data[15])).toBe(true);
    expect(Math.abs(sim.massBalance().relative_error)).toBeLessThan(1e-5);
  });

  it('grid inputs (Manning n, rain) and pause/resume through the progress callback', () => {
    // Rain only on the western half (grid, mm/h); rougher eastern half. Books must match the grid's volume, and a
    // run paused by the callback and resumed ends exactly like an uninterrupted one.
    const dem = grid(20, 10, 2, (x) => 0.01 * (40 - x));
    const rain = grid(20, 10, 2, (x) => (x < 20 ? 72 : 0));
    const manning = grid(20, 10, 2, (x) => (x < 20 ? 0.02 : 0.08));
    const cfg: FloodConfig = { dem, manning, rain, boundaries: { east: { type: 'free' } } };
    const a = new FloodSimulation(cfg);
    let calls = 0;
    const paused = a.advanceTo(600, () => ++calls < 2, 50);
    expect(paused.time).toBeLessThan(600);
    expect(paused.steps).toBe(100);
    a.advanceTo(600);
    const b = new FloodSimulation(cfg);
    b.advanceTo(600);
    expect(a.time).toBe(600);
    expect(Array.from(a.h)).toEqual(Array.from(b.h));
    const mb = a.massBalance();
    expect(mb.rain_m3).toBeCloseTo((72 / 3.6e6) * 600 * 100 * 4, 6);
    expect(mb.outflow_m3).toBeGreaterThan(0);
    expect(Math.abs(mb.relative_error)).toBeLessThan(1e-4);
    // Rougher half is deeper for the same discharge per width than it would be with n = 0.02.
    const c = new FloodSimulation({ ...cfg, manning: 0.02 });
    c.advanceTo(600);
    expect(a.h[5 * 20 + 17]).toBeGreaterThan(c.h[5 * 20 + 17] * 1.5);
  });

  it('rejects bad configuration with a message naming the field', () => {
    const dem = grid(5, 5, 1, () => 0);
    expect(() => new FloodSimulation({ dem, manning: -1 })).toThrow(/manning/);
    expect(() => new FloodSimulation({ dem, manning: 0.03, theta: 0.3 })).toThrow(/theta/);
    expect(() => new FloodSimulation({ dem, manning: 0.03, inflows: [{ x: 50, y: 2, hydrograph: { t: Float64Array.of(0), v: Float64Array.of(1) } }] })).toThrow(/outside/);
    expect(() => new FloodSimulation({ dem, manning: grid(4, 5, 1, () => 0.03) })).toThrow(/manning: grid is 4×5/);
  });
});
