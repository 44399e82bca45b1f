/**
 * The WebAssembly sweep (src/core/flood/wasm/sweep.wat) must give the JavaScript sweep's result bit for bit on
 * models that use every feature, be the default where WebAssembly exists, and be built from the committed .wat.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FloodConfigError, FloodSimulation } from '../../src/core/flood/simulation.js';
import { WasmSweep } from '../../src/core/flood/wasm/kernel.js';
import { generatedModule, WASM_DIR } from '../../src/server/flood/build-wasm.js';
import type { FloodConfig } from '../../src/core/flood/config.js';
import { everyFeatureModel as everyFeature, grid } from './flood-helpers.js';

/** Runs the model on both kernels to `until` and counts the values that differ (Object.is: NaN and −0 too). */
function compare(cfg: FloodConfig, until: number): { steps: number; diff: number; wasm: FloodSimulation; js: FloodSimulation } {
  const wasm = new FloodSimulation({ ...cfg, kernel: 'wasm' });
  const js = new FloodSimulation({ ...cfg, kernel: 'js' });
  expect(wasm.kernel).toBe('wasm');
  expect(js.kernel).toBe('js');
  wasm.advanceTo(until);
  js.advanceTo(until);
  let diff = 0;
  for (const key of ['h', 'qx', 'qy', 'maxDepth', 'arrival'] as const) {
    const a = wasm[key];
    const b = js[key];
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) diff++;
  }
  expect(wasm.steps).toBe(js.steps);
  expect(wasm.massBalance()).toEqual(js.massBalance());
  expect(wasm.maxFaceVelocity()).toBe(js.maxFaceVelocity());
  return { steps: wasm.steps, diff, wasm, js };
}

describe('flood engine: WebAssembly kernel', () => {
  it('gives the JavaScript kernel’s result bit for bit on a model that uses every feature', () => {
    const r = compare(everyFeature(), 900);
    expect(r.steps).toBeGreaterThan(300);
    expect(r.diff).toBe(0);
    const mb = r.wasm.massBalance();
    expect(mb.outflow_m3).toBeGreaterThan(0);
    expect(mb.boundary_inflow_m3).toBeGreaterThan(0);
    expect(Math.abs(mb.relative_error)).toBeLessThan(1e-4);
  });

  it('is bit for bit the same with semi-implicit friction, a rain grid, constant n, and on 1-row / 1-column grids', () => {
    const rainGrid = grid(30, 24, 1, (x, y) => (x < 15 ? 80 : 20) + y);
    const semi: FloodConfig = {
      dem: grid(30, 24, 1, (x, y) => 0.03 * y + 0.1 * Math.sin(x / 3)),
      manning: 0.035,
      rain: rainGrid,
      friction: 'semi-implicit',
      timeStep: 'depth',
      theta: 0.9,
      boundaries: { north: { type: 'free' }, east: { type: 'level', level: 0.4 } },
    };
    const a = compare(semi, 600);
    expect(a.steps).toBeGreaterThan(50);
    expect(a.diff).toBe(0);
    expect(a.wasm.massBalance().outflow_m3).toBeGreaterThan(0);
    const row = compare({ dem: grid(40, 1, 1, (x) => 0.05 * x), manning: 0.03, rain: 300, boundaries: { west: { type: 'free' } } }, 300);
    expect(row.diff).toBe(0);
    expect(row.wasm.massBalance().outflow_m3).toBeGreaterThan(0);
    const col = compare({ dem: grid(1, 40, 1, (x, y) => 0.05 * y), manning: 0.03, rain: 300, initialLevel: 0.5 }, 300);
    expect(col.diff).toBe(0);
  });

  it('is the default where WebAssembly exists; the kernel option is checked', () => {
    expect(WasmSweep.available()).toBe(true);
    const cfg: FloodConfig = { dem: grid(8, 8, 1, () => 0), manning: 0.03, rain: 10 };
    expect(new FloodSimulation(cfg).kernel).toBe('wasm');
    expect(new FloodSimulation({ ...cfg, kernel: 'js' }).kernel).toBe('js');
    expect(() => new FloodSimulation({ ...cfg, kernel: 'gpu' as never })).toThrow(FloodConfigError);
    expect(() => new FloodSimulation({ ...cfg, kernel: 'gpu' as never })).toThrow(/kernel/);
    // Shared (strip-parallel) buffers: the JavaScript row kernels.
    const buffers = FloodSimulation.allocateBuffers(8, 8, false);
    expect(new FloodSimulation(cfg, { buffers }).kernel).toBe('js');
  });

  it('the committed binary module is up to date with sweep.wat', async () => {
    const committed = fs.readFileSync(path.join(WASM_DIR, 'sweep-wasm.ts'), 'utf8');
    expect(committed).toBe(await generatedModule('sweep'));
  });
});
