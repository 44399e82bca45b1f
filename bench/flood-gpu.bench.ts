/**
 * Flood engine on WebGPU (issue #5): cell updates per second of the WebGPU engine (src/viewer/flood/gpu) in Debian
 * Chromium at 250k and 1M cells, next to the CPU engine on one core (WebAssembly, this Node process) on the same
 * terrain in the same run (bench/flood.bench.ts's: 0.5 % slope with undulations, mostly wet, 50 mm/h). The browser
 * runs with WebGPU enabled; the adapter is printed with the figures — on this project's machines it is SwiftShader,
 * Chromium's CPU (Vulkan) fallback, so the GPU figures are honest CPU-emulated ones, not a GPU's. The GPU rate is
 * end to end (batches of 32 steps, each ending with the read-back of the batch's clock, maxima and books).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchRow } from '../src/cli/bench.js';
import { FloodSimulation } from '../src/core/flood/simulation.js';
import { ensureAppBuilt, startServer } from '../src/server/cli-start.js';
import { launchChromium } from '../tests/browser/chromium.js';
import { benchConfig } from './flood-terrain.js';

/** Short description. */
export const title = 'Flood engine on WebGPU: cell updates/s at 250k and 1M cells vs the CPU engine on one core (same run)';


/** Cell updates per CPU second of the one-thread CPU engine (WebAssembly) after 5 warm-up steps. */
function cpuRate(n: number, budgetUs: number): number {
  const sim = new FloodSimulation(benchConfig(n));
  for (let i = 0; i < 5; i++) sim.step();
  const now = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const t0 = now();
  let steps = 0;
  while (now() - t0 < budgetUs) {
    sim.step();
    steps++;
  }
  return (n * n * steps) / ((now() - t0) / 1e6);
}

/** Runs the benchmark. */
export async function run({ root, quick }: { root: string; quick: boolean }): Promise<BenchRow[]> {
  await ensureAppBuilt(root);
  // ensureAppBuilt watches src/ and shaders/; the harness page lives in bench/flood-gpu/.
  const built = path.join(root, 'dist', 'bench', 'flood-gpu', 'index.html');
  const page = path.join(root, 'bench', 'flood-gpu');
  const newest = Math.max(...fs.readdirSync(page).map((f) => fs.statSync(path.join(page, f)).mtimeMs));
  if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < newest) {
    const { build } = await import('vite');
    await build({ root, logLevel: 'warn' });
  }
  const port = 4300 + Math.floor(Math.random() * 500);
  const server = await startServer(root, '127.0.0.1', port);
  const browser = await launchChromium();
  const rows: BenchRow[] = [];
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${port}/bench/flood-gpu/index.html`);
    await tab.waitForFunction(() => window.floodGpu?.ready === true, undefined, { timeout: 60_000 });
    const adapter = await tab.evaluate(() => window.floodGpu.adapter());
    if (!adapter) {
      console.log('  no WebGPU adapter in this browser (launch flags in tests/browser/chromium.ts): GPU figures skipped');
      return rows;
    }
    console.log(`  WebGPU adapter: ${adapter.description}; load average ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
    const budgetMs = quick ? 4000 : 12000;
    for (const n of [500, 1000]) {
      const M = `${((n * n) / 1e6).toFixed(2)}M cells`;
      // Interleaved halves so that a change of machine load hits both engines alike.
      let gpu = 0;
      let cpu = 0;
      let steps = 0;
      for (let half = 0; half < 2; half++) {
        const g = await tab.evaluate(([nn, ms]) => window.floodGpu.rate(nn, ms), [n, budgetMs / 2] as const);
        gpu += g.rate / 2;
        steps += g.steps;
        cpu += cpuRate(n, (budgetMs / 2) * 1000) / 2;
      }
      rows.push({
        bench: 'flood-gpu',
        metric: `cell updates/s, WebGPU (${adapter.description}), ${M}`,
        value: gpu / 1e6,
        unit: 'M/s',
        baseline: cpu / 1e6,
        ratio: gpu / cpu,
      });
      rows.push({ bench: 'flood-gpu', metric: `WebGPU steps timed, ${M}`, value: steps, unit: 'steps' });
      rows.push({ bench: 'flood-gpu', metric: `cell updates/s, CPU one core (WebAssembly, Node), ${M}`, value: cpu / 1e6, unit: 'M/s' });
    }
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
  return rows;
}
