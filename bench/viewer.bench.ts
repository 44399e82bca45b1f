/**
 * Issue 2 benchmark: the app against a bare CesiumJS page (bench/bare) on the same scene, in one run, in Debian Chromium
 * (software WebGL). Reports time from page load to all visible tiles loaded, and the median frame time at fixed cameras,
 * for both pages, with the ratios app/bare. Targets: first complete frame ≤ 1.1×, frame time ≤ 1.15× bare Cesium.
 *
 * Measured alike for both pages: same server, tilesets, terrain, imagery, home camera, 800×600 viewport and lite render
 * settings; each load in a fresh browser context (cold HTTP cache), after one discarded warm-up load of each page (the
 * browser's first page also pays for its GPU process and shader compiler starting). Rounds alternate which page goes
 * first; the load ratio is the median of the per-round app/bare ratios (the two loads of a round run back to back, so a
 * change in machine load between rounds cancels out), reported with its spread. Browser CPU time up to the complete
 * view is reported too: it counts work done rather than time waited for a core, so it is steadier on a shared machine.
 */
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import type { BenchRow } from '../src/cli/bench.js';
import { ensureDemo } from '../src/tiling/demo/ensure.js';
import { ensureAppBuilt, startServer } from '../src/server/cli-start.js';
import { launchChromium } from '../tests/browser/chromium.js';
import { FRAME_INTERVALS, WAIT_COMPLETE, browserCpuByPid, browserCpuMs, cpuDeltaMs, median } from './browser-page.js';

/** Bench title. */
export const title = 'viewer: app vs bare CesiumJS (same tilesets, same render settings)';

/** Rounds (an odd count: a true median) of page loads, and how many of them also measure frame times. */
const LOAD_ROUNDS = 5;
const FRAME_ROUNDS = 3;

interface PageFigures {
  completeMs: number;
  /** Browser CPU time (all its processes) from navigation to the complete view, ms; null without /proc. */
  completeCpuMs: number | null;
  frameMs: number[];
  /** Browser CPU time (all its processes) per rendered frame at each camera, ms; empty without /proc. */
  cpuMs: number[];
}

/** Fixed cameras relative to the scene rectangle: [lonFrac, latFrac, height m, heading, pitch]. */
const CAMERAS: [number, number, number, number, number][] = [
  [0.5, -0.35, 1400, 0, -35],
  [0.45, 0.35, 320, 30, -25],
  [0.6, 0.6, 900, 200, -60],
];



const SET_CAMERA = `((c) => {
  const viewer = window.twin?.viewer ?? window.viewer;
  const C = window.Cesium ?? null;
  const cam = viewer.camera;
  const ell = viewer.scene.globe.ellipsoid;
  const toRad = (d) => d * Math.PI / 180;
  const lon = toRad(c.lon), lat = toRad(c.lat);
  const N = 6378137 / Math.sqrt(1 - 0.00669437999014 * Math.sin(lat) ** 2);
  const dest = { x: (N + c.height) * Math.cos(lat) * Math.cos(lon), y: (N + c.height) * Math.cos(lat) * Math.sin(lon), z: (N * (1 - 0.00669437999014) + c.height) * Math.sin(lat) };
  cam.setView({ destination: new cam.position.constructor(dest.x, dest.y, dest.z), orientation: { heading: toRad(c.heading), pitch: toRad(c.pitch), roll: 0 } });
  void C; void ell;
})`;

async function measure(browser: Browser, url: string, rect: [number, number, number, number], cameras: number, quick: boolean): Promise<PageFigures> {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  const page: Page = await context.newPage();
  const cpu0 = browserCpuByPid();
  await page.goto(url, { waitUntil: 'load' });
  const completeMs = (await page.evaluate(`${WAIT_COMPLETE}(240000)`)) as number;
  const completeCpuMs = cpuDeltaMs(cpu0, browserCpuByPid());
  const frameMs: number[] = [];
  const cpuMs: number[] = [];
  for (const [fx, fy, h, heading, pitch] of CAMERAS.slice(0, cameras)) {
    const cam = { lon: rect[0] + fx * (rect[2] - rect[0]), lat: rect[1] + fy * (rect[3] - rect[1]), height: h, heading, pitch };
    await page.evaluate(`${SET_CAMERA}(${JSON.stringify(cam)})`);
    await page.evaluate(`${WAIT_COMPLETE}(240000)`);
    const n = quick ? 15 : 40;
    const c0 = browserCpuMs();
    frameMs.push(median((await page.evaluate(`${FRAME_INTERVALS}(${n})`)) as number[]));
    const c1 = browserCpuMs();
    if (c0 !== null && c1 !== null) cpuMs.push((c1 - c0) / n);
  }
  await context.close();
  return { completeMs, completeCpuMs, frameMs, cpuMs };
}

/** `median (min–max)` of ratios, as text. */
function spread(ratios: number[]): string {
  return `${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})`;
}

/** Runs the benchmark. */
export async function run({ root, quick }: { root: string; quick: boolean }): Promise<BenchRow[]> {
  await ensureDemo({ root, quiet: true });
  await ensureAppBuilt(root);
  const port = 4300 + Math.floor(Math.random() * 500);
  const server: Server = await startServer(root, '127.0.0.1', port);
  const browser = await launchChromium();
  const scene = JSON.parse(await (await fetch(`http://127.0.0.1:${port}/tilesets/demo/scene.json`)).text());
  const rect = scene.rectangle as [number, number, number, number];
  const base = `http://127.0.0.1:${port}`;
  const urls = { app: `${base}/?lite=1`, bare: `${base}/bench/bare/index.html?lite=1` };
  const app: PageFigures[] = [];
  const bare: PageFigures[] = [];
  try {
    if (!quick) {
      // Warm-up, discarded: the first page of a browser starts its GPU process and compiles the shared shaders.
      await measure(browser, urls.app, rect, 0, quick);
      await measure(browser, urls.bare, rect, 0, quick);
    }
    const rounds = quick ? 1 : LOAD_ROUNDS;
    for (let i = 0; i < rounds; i++) {
      const cameras = i < FRAME_ROUNDS ? (quick ? 1 : CAMERAS.length) : 0;
      // Alternate the order so neither page always runs first.
      const order = i % 2 === 0 ? (['app', 'bare'] as const) : (['bare', 'app'] as const);
      for (const which of order) (which === 'app' ? app : bare).push(await measure(browser, urls[which], rect, cameras, quick));
      console.log(`  round ${i + 1}: complete app ${app[i].completeMs.toFixed(0)} ms, bare ${bare[i].completeMs.toFixed(0)} ms, ratio ${(app[i].completeMs / bare[i].completeMs).toFixed(3)}`);
    }
  } finally {
    await browser.close();
    server.close();
  }
  const rows: BenchRow[] = [];
  const loadRatios = app.map((a, i) => a.completeMs / bare[i].completeMs);
  const loadRatio = median(loadRatios);
  rows.push({
    bench: 'viewer',
    metric: `page load → all visible tiles loaded; ratio: median (min–max) of ${app.length} paired rounds ${spread(loadRatios)}`,
    value: median(app.map((f) => f.completeMs)),
    unit: 'ms',
    baseline: median(bare.map((f) => f.completeMs)),
    ratio: loadRatio,
    target: '≤ 1.10× bare Cesium',
    pass: loadRatio <= 1.1,
  });
  if (app.every((f) => f.completeCpuMs !== null) && bare.every((f) => f.completeCpuMs !== null)) {
    const cpuRatios = app.map((a, i) => a.completeCpuMs! / bare[i].completeCpuMs!);
    rows.push({
      bench: 'viewer',
      metric: `browser CPU, page load → all visible tiles loaded; ratio ${spread(cpuRatios)}`,
      value: median(app.map((f) => f.completeCpuMs!)),
      unit: 'ms',
      baseline: median(bare.map((f) => f.completeCpuMs!)),
      ratio: median(cpuRatios),
    });
  }
  const framed = (figs: PageFigures[]) => figs.filter((f) => f.frameMs.length > 0);
  for (let c = 0; c < app[0].frameMs.length; c++) {
    const a = median(framed(app).map((f) => f.frameMs[c]));
    const b = median(framed(bare).map((f) => f.frameMs[c]));
    rows.push({
      bench: 'viewer',
      metric: `median frame time, camera ${c + 1}`,
      value: a,
      unit: 'ms',
      baseline: b,
      ratio: a / b,
      target: '≤ 1.15× bare Cesium',
      pass: a / b <= 1.15,
    });
  }
  for (let c = 0; c < app[0].cpuMs.length; c++) {
    const a = median(framed(app).map((f) => f.cpuMs[c]));
    const b = median(framed(bare).map((f) => f.cpuMs[c]));
    rows.push({ bench: 'viewer', metric: `browser CPU per frame, camera ${c + 1}`, value: a, unit: 'ms', baseline: b, ratio: a / b });
  }
  return rows;
}
