import { test, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The WebGPU flood engine (src/viewer/flood/gpu, shaders/flood/local-inertial.wgsl) in Chromium with WebGPU on
 * SwiftShader (flags in tests/browser/chromium.ts): the validation cases of tests/unit/flood-validation.test.ts
 * on the GPU engine next to the CPU engine in the same page (bench/flood-gpu/page.ts), and a run in the app's
 * flood worker with the engine set to 'gpu'. SwiftShader emulates the GPU on the CPU, so grids are small.
 * The engine works in f32 (the CPU engine keeps f32 state with f64 arithmetic), so results agree to f32 rounding,
 * not bit for bit; each bound below says what is achieved.
 */

test.describe.configure({ mode: 'serial' });

let page: Page;
let adapter: { description: string; fallback: boolean } | null = null;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  await page.goto('/bench/flood-gpu/index.html');
  await page.waitForFunction(() => window.floodGpu?.ready === true, undefined, { timeout: 60_000 });
  adapter = await page.evaluate(() => window.floodGpu.adapter());
  console.log(`WebGPU adapter: ${adapter ? adapter.description : 'none'}`);
});

test.afterAll(async () => {
  await page?.close();
});

test.beforeEach(() => {
  test.skip(!adapter, 'No WebGPU adapter in this Chromium: it needs --enable-unsafe-webgpu (and here --use-webgpu-adapter=swiftshader), see tests/browser/chromium.ts');
});

test('lake at rest over rough terrain with islands stays at rest on the GPU', async () => {
  const r = await page.evaluate(() => window.floodGpu.cases.lake());
  console.log('lake', JSON.stringify(r));
  // Same adaptive steps as the CPU engine (Δt from the same maxima).
  expect(r.steps).toBe(r.cpuSteps);
  // Non-representable bed heights: f32 depths leave ~1e-7 m of surface noise. The CPU engine (f64 arithmetic)
  // stays below 1e-5 m/s; the GPU (f32 arithmetic) reaches ~6e-6 m/s and nothing grows.
  expect(r.maxSpeedCpu).toBeLessThan(1e-5);
  expect(r.maxSpeedGpu).toBeLessThan(2e-5);
  expect(r.storageDrift).toBeLessThan(1e-6);
});

test('closed basin with a hyetograph and a point inflow: GPU mass error < 0.1 %', async () => {
  const r = await page.evaluate(() => window.floodGpu.cases.basin());
  console.log('basin', JSON.stringify(r));
  expect(r.rain).toBeCloseTo(r.rainExpected, 3);
  expect(r.inflow).toBeCloseTo(300, 6);
  expect(r.outflow).toBe(0);
  expect(Math.abs(r.relErrGpu)).toBeLessThan(1e-3);
  // What f32 achieves here: ~1e-5.
  expect(Math.abs(r.relErrGpu)).toBeLessThan(1e-4);
  expect(r.minDepth).toBeGreaterThanOrEqual(0);
  expect(r.maxDiff).toBeLessThan(1e-4);
});

test('inclined plane under rain: GPU depth equals the Manning normal depth within 1 %', async () => {
  const r = await page.evaluate(() => window.floodGpu.cases.plane());
  console.log('plane', JSON.stringify(r));
  expect(r.normalDepthErrGpu).toBeLessThan(0.01);
  expect(Math.abs(r.normalDepthErrGpu - r.normalDepthErrCpu)).toBeLessThan(1e-3);
  expect(r.outVsRain).toBeLessThan(1e-3);
});

test('EA Test 1 geometry on the GPU: the pond ends level with the sill crest (±0.02 m)', async () => {
  const r = await page.evaluate(() => window.floodGpu.cases.ea1());
  console.log('ea1', JSON.stringify(r));
  expect(r.peakLevel).toBeGreaterThan(r.crest + 0.05);
  expect(Math.abs(r.pondLevelGpu - r.crest)).toBeLessThan(0.02);
  expect(Math.abs(r.pondLevelGpu - r.pondLevelCpu)).toBeLessThan(0.005);
  expect(r.channelLevel).toBeCloseTo(9.7, 2);
  expect(r.boundaryIn).toBeGreaterThan(r.outflow);
  expect(Math.abs(r.relErr)).toBeLessThan(1e-3);
});

test('random terrain with every feature: GPU depths within 1e-4 m of the CPU engine after 15 min', async () => {
  const r = await page.evaluate(() => window.floodGpu.cases.random());
  console.log('random', JSON.stringify(r));
  expect(r.steps).toBeGreaterThan(1000);
  // Achieved: ~1e-5 m over ~4500 steps (depths up to ~0.9 m), maxima alike, arrival times within a few steps.
  expect(r.maxDepthDiff).toBeLessThan(1e-4);
  expect(r.maxOfMaxDepthDiff).toBeLessThan(1e-4);
  expect(r.arrivalMismatch).toBeLessThanOrEqual(2);
  expect(r.arrivalDiff).toBeLessThan(5);
  expect(Math.abs(r.gaugeGpu - r.gaugeCpu)).toBeLessThan(1e-4);
  expect(Math.abs(r.outflowGpu - r.outflowCpu) / r.outflowCpu).toBeLessThan(1e-3);
  expect(Math.abs(r.boundaryInGpu - r.boundaryInCpu) / r.boundaryInCpu).toBeLessThan(1e-3);
  expect(Math.abs(r.relErrGpu)).toBeLessThan(1e-4);
});

test('rain grid, semi-implicit friction, depth time step, free north and level east sides: GPU matches the CPU', async () => {
  const r = await page.evaluate(() => window.floodGpu.cases.variants());
  console.log('variants', JSON.stringify(r));
  expect(r.steps).toBe(r.cpuSteps);
  expect(r.hmax).toBeGreaterThan(0.1);
  // Achieved: ~1e-7 m.
  expect(r.maxDepthDiff).toBeLessThan(1e-5);
  expect(r.rainGpu).toBeCloseTo(r.rainCpu, 6);
  expect(r.outflowCpu).toBeGreaterThan(0);
  expect(Math.abs(r.outflowGpu - r.outflowCpu) / r.outflowCpu).toBeLessThan(1e-4);
  expect(Math.abs(r.boundaryInGpu - r.boundaryInCpu) / r.boundaryInCpu).toBeLessThan(1e-4);
  expect(Math.abs(r.relErrGpu)).toBeLessThan(1e-5);
});

test('bad input gives the CPU engine\'s errors, naming the field', async () => {
  const msgs = await page.evaluate(() => window.floodGpu.errors());
  expect(msgs[0]).toMatch(/^FloodConfigError: manning/);
  expect(msgs[1]).toMatch(/^FloodConfigError: theta/);
  expect(msgs[2]).toMatch(/^FloodConfigError: inflow 1: .* outside the DEM/);
});

test('the multi-pass path (one dispatch per pass, as on large grids) matches the CPU engine too', async () => {
  const r = await page.evaluate(() => window.floodGpu.stepsCompare([20, 400], false));
  console.log('multi-pass', JSON.stringify(r));
  for (const x of r) {
    expect(x.steps).toBe(x.k);
    expect(x.diff).toBeLessThan(1e-4);
  }
});

test.describe('in the app', () => {
  const DEMO = path.resolve('tilesets', 'demo', 'scene.json');

  test('the flood worker runs the WebGPU engine when asked and reports it', async ({ browser }) => {
    if (!fs.existsSync(DEMO)) throw new Error(`${DEMO} is missing: run 'node bin/twin.mjs demo' first (npm test does)`);
    const ctx = await browser.newContext({ viewport: { width: 800, height: 600 }, locale: 'zh-CN' });
    const app = await ctx.newPage();
    try {
      await app.goto('/?lite=1#lang=en');
      await app.waitForFunction(() => !!window.twin);
      await app.evaluate(() => window.twin.ready);
      const panel = app.getByTestId('flood-panel');
      await panel.getByRole('button', { name: /Flood simulation/ }).click();
      await expect(panel.getByTestId('flood-run')).toBeVisible({ timeout: 60_000 });
      // 'auto' keeps the CPU engines on a software adapter; 'gpu' takes any adapter.
      await app.evaluate(() => {
        window.twin.flood.enginePreference = 'gpu';
        window.twin.flood.setScenario({ cellSize: 20, durationMin: 4, stormMin: 10 });
      });
      await panel.getByTestId('flood-run').click();
      await app.waitForFunction(() => window.twin.flood.status === 'done' || window.twin.flood.status === 'error', undefined, { timeout: 180_000 });
      const st = await app.evaluate(() => {
        const f = window.twin.flood;
        return { status: f.status, error: f.error, engine: f.engine, frames: f.frames?.length ?? 0, end: f.frames?.endTime ?? 0, mass: f.result?.mass.relative_error ?? 1, rain: f.result?.mass.rain_m3 ?? 0, maxMm: f.result ? Math.max(...f.result.maxDepthMm) : 0 };
      });
      console.log('app gpu run', JSON.stringify(st));
      expect(st.error).toBeNull();
      expect(st.status).toBe('done');
      expect(st.engine?.kernel).toBe('webgpu');
      expect(st.engine?.adapter).toContain('swiftshader');
      expect(st.end).toBe(240);
      expect(st.frames).toBe(3); // t = 0, 2 and 4 min
      expect(st.rain).toBeGreaterThan(0);
      expect(st.maxMm).toBeGreaterThan(0);
      expect(Math.abs(st.mass)).toBeLessThan(1e-4);
    } finally {
      await ctx.close();
    }
  });
});
