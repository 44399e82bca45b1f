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
 *
 * Frame times: both pages stay open side by side at the same camera and take turns: only the page being measured
 * runs its render loop (the other's is stopped, so it draws nothing), a short settle, then a window of frames;
 * windows alternate app/bare/bare/app over several paired rounds, and the ratio is the median of the per-round ratios
 * (a page measured seconds apart from the other, not minutes, so load drift cancels out).
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

/** Rounds (an odd count: a true median) of page loads. */
const LOAD_ROUNDS = 9;
/** Paired frame-time windows per camera, and frames per window. */
const FRAME_ROUNDS = 6;
const FRAMES_PER_WINDOW = 16;

interface PageFigures {
  completeMs: number;
  /** Browser CPU time (all its processes) from navigation to the complete view, ms; null without /proc. */
  completeCpuMs: number | null;
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

/** Loads a page in a fresh browser context (cold cache) and times it to the complete view. */
async function load(browser: Browser, url: string): Promise<PageFigures & { page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  const page: Page = await context.newPage();
  const cpu0 = browserCpuByPid();
  await page.goto(url, { waitUntil: 'load' });
  const completeMs = (await page.evaluate(`${WAIT_COMPLETE}(240000)`)) as number;
  const completeCpuMs = cpuDeltaMs(cpu0, browserCpuByPid());
  return { completeMs, completeCpuMs, page, close: () => context.close() };
}

/** Starts (true) or stops (false) a page's Cesium render loop; a stopped page draws nothing. */
const renderLoop = (page: Page, on: boolean) => page.evaluate(`(window.twin?.viewer ?? window.viewer).useDefaultRenderLoop = ${on}`);

/** One window of frames on a page whose render loop runs only for it: median frame interval and CPU per frame. */
async function frameWindow(page: Page, n: number): Promise<{ ms: number; cpuMs: number | null }> {
  await renderLoop(page, true);
  // Settle: the first frames after a restart redo per-frame caches.
  await page.evaluate(`${FRAME_INTERVALS}(3)`);
  const c0 = browserCpuMs();
  const ms = median((await page.evaluate(`${FRAME_INTERVALS}(${n})`)) as number[]);
  const c1 = browserCpuMs();
  await renderLoop(page, false);
  return { ms, cpuMs: c0 !== null && c1 !== null ? (c1 - c0) / n : null };
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
  /** Per camera: paired windows' frame medians and CPU per frame. */
  const frames: { app: number[]; bare: number[]; appCpu: number[]; bareCpu: number[] }[] = [];
  try {
    if (!quick) {
      // Warm-up, discarded: the first page of a browser starts its GPU process and compiles the shared shaders.
      for (const u of [urls.app, urls.bare]) await (await load(browser, u)).close();
    }
    const rounds = quick ? 1 : LOAD_ROUNDS;
    for (let i = 0; i < rounds; i++) {
      // Alternate the order so neither page always runs first.
      const order = i % 2 === 0 ? (['app', 'bare'] as const) : (['bare', 'app'] as const);
      for (const which of order) {
        const f = await load(browser, urls[which]);
        await f.close();
        (which === 'app' ? app : bare).push({ completeMs: f.completeMs, completeCpuMs: f.completeCpuMs });
      }
      console.log(`  round ${i + 1}: complete app ${app[i].completeMs.toFixed(0)} ms, bare ${bare[i].completeMs.toFixed(0)} ms, ratio ${(app[i].completeMs / bare[i].completeMs).toFixed(3)}`);
    }
    // Frame times: both pages open, taking turns at each camera.
    const pages = { app: await load(browser, urls.app), bare: await load(browser, urls.bare) };
    try {
      for (const p of Object.values(pages)) await renderLoop(p.page, false);
      const cams = CAMERAS.slice(0, quick ? 1 : CAMERAS.length);
      const windows = quick ? 2 : FRAME_ROUNDS;
      const n = quick ? 10 : FRAMES_PER_WINDOW;
      for (const [fx, fy, h, heading, pitch] of cams) {
        const cam = { lon: rect[0] + fx * (rect[2] - rect[0]), lat: rect[1] + fy * (rect[3] - rect[1]), height: h, heading, pitch };
        for (const p of Object.values(pages)) {
          await renderLoop(p.page, true);
          await p.page.evaluate(`${SET_CAMERA}(${JSON.stringify(cam)})`);
          await p.page.evaluate(`${WAIT_COMPLETE}(240000)`);
          await renderLoop(p.page, false);
        }
        const fig = { app: [] as number[], bare: [] as number[], appCpu: [] as number[], bareCpu: [] as number[] };
        for (let r = 0; r < windows; r++) {
          const order = r % 2 === 0 ? (['app', 'bare'] as const) : (['bare', 'app'] as const);
          for (const which of order) {
            const w = await frameWindow(pages[which].page, n);
            fig[which].push(w.ms);
            if (w.cpuMs !== null) fig[which === 'app' ? 'appCpu' : 'bareCpu'].push(w.cpuMs);
          }
        }
        frames.push(fig);
      }
    } finally {
      for (const p of Object.values(pages)) await p.close();
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
  frames.forEach((f, c) => {
    const ratios = f.app.map((a, k) => a / f.bare[k]);
    const ratio = median(ratios);
    rows.push({
      bench: 'viewer',
      metric: `median frame time, camera ${c + 1}; ratio: median (min–max) of ${ratios.length} paired windows ${spread(ratios)}`,
      value: median(f.app),
      unit: 'ms',
      baseline: median(f.bare),
      ratio,
      target: '≤ 1.15× bare Cesium',
      pass: ratio <= 1.15,
    });
    if (f.appCpu.length === f.app.length && f.bareCpu.length === f.bare.length) {
      const cr = f.appCpu.map((a, k) => a / f.bareCpu[k]);
      rows.push({ bench: 'viewer', metric: `browser CPU per frame, camera ${c + 1}; ratio ${spread(cr)}`, value: median(f.appCpu), unit: 'ms', baseline: median(f.bareCpu), ratio: median(cr) });
    }
  });
  return rows;
}
