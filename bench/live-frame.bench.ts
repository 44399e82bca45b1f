/**
 * Issue 4 benchmark: the browser's frame-time cost of the live layers. A scene with the demo city's terrain, imagery
 * and tilesets plus 1,000 sensor sites sampled at 1 Hz and 20 drones at 5 Hz (the demo's cameras too) is served with
 * a real gateway (in-memory store, its own simulator) and opened in the app in Debian Chromium (software WebGL).
 * At fixed cameras, median and p95 frame times are measured with the live layers on (shown, stream connected) and
 * off (`twin.live.setActive(false)`: hidden, stream closed), interleaved on/off/off/on in one page to beat the noise:
 * one discarded warm-up pair, then paired rounds (the order alternating). The headline ratio is the median of the
 * per-round ratios (on / off of the same round), so a drift in machine load between rounds cancels out; the pooled
 * medians of all frames and the per-round spread are printed too. Target: ≤ 1.10× the same scene without live layers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Page } from 'playwright-core';
import type { BenchRow } from '../src/cli/bench.js';
import type { SceneCatalog, SiteSpec } from '../src/core/scene/catalog.js';
import { ensureDemo } from '../src/tiling/demo/ensure.js';
import { ensureAppBuilt, startServer, EXTERNAL_SCENE_PREFIX } from '../src/server/cli-start.js';
import { createGateway, type Gateway } from '../src/server/gateway/index.js';
import { launchChromium } from '../tests/browser/chromium.js';
import { FRAME_INTERVALS, WAIT_COMPLETE, browserCpuMs, median, percentile as pct } from './browser-page.js';

/** Bench title. */
export const title = 'live layers: frame time with 1k sensors at 1 Hz + 20 drones at 5 Hz, on vs off (same page)';

/** Number of sensor sites and drones of the load scene. */
export const LOAD = { sensors: 1000, drones: 20 };

/**
 * The load scene: the demo's scene.json with every URL pointing at the demo's files, its sensors cloned to
 * `sensors` sites on a jittered grid over the scene rectangle, sampled every second (`intervalS: 1`), and its drone
 * ports carrying `drones` drones in all (the simulator flies each at 5 Hz).
 */
export function loadScene(demo: SceneCatalog, demoBase: string, sensors = LOAD.sensors, drones = LOAD.drones): SceneCatalog {
  const abs = (u: string) => (/^[a-z]+:|^\//i.test(u) ? u : demoBase + u);
  const templates = demo.sites.filter((s) => s.kind === 'sensor');
  const ports = demo.sites.filter((s) => s.kind === 'droneport');
  if (!templates.length || !ports.length) throw new Error('live-frame bench: the demo scene has no sensor or drone-port sites');
  const [w, s, e, n] = demo.rectangle;
  const cols = Math.ceil(Math.sqrt(sensors));
  const rows = Math.ceil(sensors / cols);
  const sites: SiteSpec[] = [];
  for (let i = 0; i < sensors; i++) {
    const t = templates[i % templates.length];
    const c = i % cols;
    const r = Math.floor(i / cols);
    // Deterministic jitter so the points do not form a perfect lattice.
    const jx = (((i * 7919) % 1000) / 1000 - 0.5) * 0.6;
    const jy = (((i * 104729) % 1000) / 1000 - 0.5) * 0.6;
    sites.push({
      ...t,
      id: `LS-${String(i + 1).padStart(4, '0')}`,
      name: { en: `${t.name.en} #${i + 1}`, zh: `${t.name.zh} #${i + 1}` },
      lon: w + ((c + 0.5 + jx) / cols) * (e - w),
      lat: s + ((r + 0.5 + jy) / rows) * (n - s),
      properties: { ...t.properties, intervalS: 1 },
    });
  }
  const per = Math.ceil(drones / ports.length);
  let left = drones;
  for (const p of ports) {
    const k = Math.min(per, left);
    left -= k;
    if (k > 0) sites.push({ ...p, properties: { ...p.properties, drones: k, chargeSlots: k } });
  }
  sites.push(...demo.sites.filter((x) => x.kind === 'camera'));
  return {
    ...demo,
    id: `${demo.id}-liveload`,
    terrain: demo.terrain ? { ...demo.terrain, url: abs(demo.terrain.url) } : demo.terrain,
    imagery: demo.imagery.map((im) => ({ ...im, url: abs(im.url) })),
    layers: demo.layers.map((l) => ({ ...l, url: abs(l.url), search: l.search ? abs(l.search) : l.search })),
    sites,
  };
}



/** Fixed cameras: [lonFrac, latFrac of the scene rectangle, height m, heading, pitch]. */
const CAMERAS: [number, number, number, number, number][] = [
  [0.5, -0.35, 1400, 0, -35], // the home view: the whole district, sensors clustered in the distance
  [0.45, 0.3, 450, 20, -40], // street level: individual sensors with labels, drones
];


/**
 * Where CPU profiles of the measured frames go (`TWIN_BENCH_PROFILE=<dir>`): one `.cpuprofile` per camera, state and
 * round (Chrome DevTools' format), to see where the live layers' frame time goes. Unset: no profiling.
 */
const PROFILE_DIR = process.env.TWIN_BENCH_PROFILE || '';

/**
 * CPU time (ms) used so far by the browser's GPU process below this process (with software WebGL, SwiftShader runs
 * every draw there: the cost of what is drawn, which the page's JS profile does not show); null without /proc.
 */
const gpuProcessCpuMs = (): number | null => browserCpuMs('--type=gpu-process');

async function setActive(page: Page, on: boolean): Promise<void> {
  await page.evaluate((v) => window.twin.twin.live.setActive(v), on);
  // Switched on, the stream first replays what was missed while off (no gap); measure after it is live again.
  if (on) await page.waitForFunction(() => window.twin.twin.live.connection === 'live', null, { timeout: 120_000 });
}

/** Runs the benchmark. */
export async function run({ root, quick }: { root: string; quick: boolean }): Promise<BenchRow[]> {
  await ensureDemo({ root, quiet: true });
  await ensureAppBuilt(root);
  const demo = JSON.parse(fs.readFileSync(path.join(root, 'tilesets', 'demo', 'scene.json'), 'utf8')) as SceneCatalog;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-live-frame-'));
  const scene = loadScene(demo, '/tilesets/demo/');
  fs.writeFileSync(path.join(dir, 'scene.json'), JSON.stringify(scene));
  const gateway: Gateway = await createGateway({ scene, dataDir: path.join(dir, 'data'), store: 'memory', mqtt: 'none', simulate: true });
  const port = 4300 + Math.floor(Math.random() * 500);
  const server: Server = await startServer(root, '127.0.0.1', port, dir, gateway);
  const browser = await launchChromium();
  const rows: BenchRow[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
    const page = await context.newPage();
    const cdp = PROFILE_DIR ? await context.newCDPSession(page) : null;
    if (cdp) {
      fs.mkdirSync(PROFILE_DIR, { recursive: true });
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    }
    page.on('pageerror', (e) => console.log('  pageerror:', e.message));
    await page.goto(`http://127.0.0.1:${port}/?lite=1&scene=${encodeURIComponent(EXTERNAL_SCENE_PREFIX + 'scene.json')}`);
    await page.waitForFunction(() => !!window.twin);
    const report = await page.evaluate(() => window.twin.ready);
    if (report.errors.length) throw new Error(`live-frame bench: the app reported errors: ${report.errors.join('; ')}`);
    await page.waitForFunction(() => window.twin.twin.live.connection === 'live', null, { timeout: 120_000 });
    const nSensors = await page.evaluate(() => [...window.twin.twin.live.datastreams.values()].filter((d) => d.layer === 'sensor').length);
    const nDrones = await page.evaluate(() => window.twin.twin.live.drones().length);
    if (nSensors !== LOAD.sensors || nDrones !== LOAD.drones) throw new Error(`live-frame bench: expected ${LOAD.sensors} sensors and ${LOAD.drones} drones, the app shows ${nSensors} and ${nDrones}`);
    const rounds = quick ? 2 : 6;
    const frames = quick ? 15 : 24;
    const cams = CAMERAS.slice(0, quick ? 1 : CAMERAS.length);
    const [w, s, e, n] = scene.rectangle;
    for (let ci = 0; ci < cams.length; ci++) {
      const [fx, fy, h, heading, pitch] = cams[ci];
      await page.evaluate(
        (c) => window.twin.twin.setCamera({ ...c, roll: 0 }),
        { lon: w + fx * (e - w), lat: s + fy * (n - s), height: h, heading, pitch },
      );
      await page.evaluate(`${WAIT_COMPLETE}(240000)`);
      const on: number[] = [];
      const off: number[] = [];
      const onMed: number[] = [];
      const offMed: number[] = [];
      let recv = 0;
      let recvMs = 0;
      const cpuOn: number[] = [];
      const cpuOff: number[] = [];
      const gpuOn: number[] = [];
      const gpuOff: number[] = [];
      // Round -1 is a warm-up (the first frames after a camera move still settle tiles and caches): not counted.
      for (let r = -1; r < rounds; r++) {
        // Alternate which state goes first in each round.
        for (const state of r % 2 === 0 ? [true, false] : [false, true]) {
          await setActive(page, state);
          // Let the state settle (stream snapshot applied, labels built, tiles unchanged) before measuring.
          await page.waitForTimeout(2500);
          if (r < 0) {
            await page.evaluate(`${FRAME_INTERVALS}(${frames})`);
            continue;
          }
          const r0 = await page.evaluate(() => window.twin.twin.live.received);
          const t0 = Date.now();
          if (cdp) await cdp.send('Profiler.start');
          const g0 = gpuProcessCpuMs();
          const c0 = browserCpuMs();
          const d = (await page.evaluate(`${FRAME_INTERVALS}(${frames})`)) as number[];
          const c1 = browserCpuMs();
          const g1 = gpuProcessCpuMs();
          if (g0 !== null && g1 !== null) (state ? gpuOn : gpuOff).push((g1 - g0) / frames);
          if (cdp) {
            const { profile } = await cdp.send('Profiler.stop');
            fs.writeFileSync(path.join(PROFILE_DIR, `live-frame-cam${ci + 1}-${state ? 'on' : 'off'}-r${r + 1}.cpuprofile`), JSON.stringify(profile));
          }
          if (c0 !== null && c1 !== null) (state ? cpuOn : cpuOff).push((c1 - c0) / frames);
          if (state) {
            recvMs += Date.now() - t0;
            recv += (await page.evaluate(() => window.twin.twin.live.received)) - r0;
          }
          (state ? on : off).push(...d);
          (state ? onMed : offMed).push(median(d));
        }
      }
      await setActive(page, true);
      const label = `camera ${ci + 1} (${h} m)`;
      const ratios = onMed.map((x, k) => x / offMed[k]);
      const perRound = median(ratios);
      const spread = `rounds ${ratios.map((x) => x.toFixed(3)).join(' ')}`;
      rows.push(
        { bench: 'live-frame', metric: `median frame time, ${label}; ratio: median of ${ratios.length} paired rounds`, value: median(onMed), unit: 'ms', baseline: median(offMed), ratio: perRound, target: `≤ 1.10× live layers off (${spread})`, pass: perRound <= 1.1 },
        { bench: 'live-frame', metric: `median frame time, ${label}, all frames pooled`, value: median(on), unit: 'ms', baseline: median(off), ratio: median(on) / median(off) },
        { bench: 'live-frame', metric: `p95 frame time, ${label}, all frames pooled`, value: pct(on, 0.95), unit: 'ms', baseline: pct(off, 0.95), ratio: pct(on, 0.95) / pct(off, 0.95) },
      );
      if (cpuOn.length === cpuOff.length && cpuOn.length) {
        const cr = cpuOn.map((x, k) => x / cpuOff[k]);
        rows.push({ bench: 'live-frame', metric: `browser CPU per frame (all processes), ${label}; ratio: median of paired rounds`, value: median(cpuOn), unit: 'ms', baseline: median(cpuOff), ratio: median(cr), target: `≤ 1.10× live layers off (rounds ${cr.map((x) => x.toFixed(3)).join(' ')})`, pass: median(cr) <= 1.1 });
      }
      if (gpuOn.length === gpuOff.length && gpuOn.length) {
        const gr = gpuOn.map((x, k) => x / gpuOff[k]);
        rows.push({ bench: 'live-frame', metric: `GPU-process CPU per frame (the drawing), ${label}; ratio: median of paired rounds`, value: median(gpuOn), unit: 'ms', baseline: median(gpuOff), ratio: median(gr) });
      }
      rows.push({ bench: 'live-frame', metric: `observations received per s, ${label}`, value: Math.round((recv * 1000) / recvMs), unit: '/s' });
    }
    await context.close();
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.close(() => r()));
    await gateway.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
