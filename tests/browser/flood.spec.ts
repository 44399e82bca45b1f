import { test, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The flood tool in a real browser (Chromium, software WebGL, 800×600, lite) on tilesets/demo: a short heavy storm
 * on a coarse grid runs in the worker, the water layer appears and animates, flooded buildings are listed and
 * highlighted, the probe gives a time series and the GeoJSON / CSV exports hold features.
 */

const DEMO = path.resolve('tilesets', 'demo', 'scene.json');
const SCREENS = path.resolve('test-results', 'screens');

test.describe.configure({ mode: 'serial' });

let page: Page;

test.beforeAll(async ({ browser }) => {
  if (!fs.existsSync(DEMO)) throw new Error(`${DEMO} is missing: run 'node bin/twin.mjs demo' first (npm test does)`);
  const scene = JSON.parse(fs.readFileSync(DEMO, 'utf8'));
  if (!scene.analysis) throw new Error(`${DEMO} has no 'analysis' entry: rebuild the demo ('node bin/twin.mjs demo --force')`);
  const ctx = await browser.newContext({ viewport: { width: 800, height: 600 }, locale: 'zh-CN', acceptDownloads: true });
  page = await ctx.newPage();
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  await page.goto('/?lite=1#lang=en');
  await page.waitForFunction(() => !!window.twin);
  const report = await page.evaluate(() => window.twin.ready);
  expect(report.errors).toEqual([]);
  // The server sends COOP same-origin + COEP credentialless: SharedArrayBuffer for the parallel flood engine.
  expect(await page.evaluate(() => ({ isolated: crossOriginIsolated, sab: typeof SharedArrayBuffer }))).toEqual({ isolated: true, sab: 'function' });
});

test.afterAll(async () => {
  await page?.context().close();
});

test('pauses and resumes a run in the worker, and stops it', async () => {
  const panel = page.getByTestId('flood-panel');
  await panel.getByRole('button', { name: /Flood simulation/ }).click();
  await expect(panel.getByTestId('flood-run')).toBeVisible({ timeout: 60_000 });
  await page.evaluate(() => window.twin.flood.setScenario({ cellSize: 10, durationMin: 1440, stormMin: 60 }));
  await panel.getByTestId('flood-run').click();
  await page.waitForFunction(() => (window.twin.flood.progress?.time ?? 0) > 0, undefined, { timeout: 30_000 });
  await panel.getByTestId('flood-pause').click();
  await page.waitForFunction(() => window.twin.flood.status === 'paused', undefined, { timeout: 10_000 });
  const t1 = await page.evaluate(() => window.twin.flood.progress!.time);
  await page.waitForTimeout(1000);
  expect(await page.evaluate(() => window.twin.flood.progress!.time)).toBe(t1);
  await expect(panel.getByTestId('flood-status')).toContainText('Paused');
  await panel.getByTestId('flood-resume').click();
  await page.waitForFunction((t) => window.twin.flood.progress!.time > t, t1, { timeout: 10_000 });
  await panel.getByTestId('flood-stop').click();
  expect(await page.evaluate(() => window.twin.flood.status)).toBe('done');
});

test('runs a 10-minute 100-year storm on a 10 m grid in a worker and shows the water', async () => {
  const panel = page.getByTestId('flood-panel');
  await expect(panel).toBeVisible();
  // The default storm's hyetograph: 100-year, 60 min, 113.6 mm (Guangzhou's single-period formula for P = 100 a).
  await expect(panel.getByText(/Total rain 113\.6 mm/)).toBeVisible();
  await panel.getByTestId('flood-storm').fill('10');
  await panel.getByTestId('flood-storm').dispatchEvent('change');
  await panel.getByTestId('flood-duration').fill('10');
  await panel.getByTestId('flood-duration').dispatchEvent('change');
  await panel.getByTestId('flood-cell').selectOption('10');
  const t0 = Date.now();
  await panel.getByTestId('flood-run').click();
  await expect(panel.getByTestId('flood-progress')).toBeVisible();
  await page.waitForFunction(() => window.twin.flood.status === 'done' && window.twin.flood.progress?.duration === 600, undefined, { timeout: 90_000 });
  console.log(`flood run: ${Date.now() - t0} ms wall`);
  const st = await page.evaluate(() => {
    const f = window.twin.flood;
    return {
      frames: f.frames?.length ?? 0,
      end: f.frames?.endTime ?? 0,
      cells: f.run ? [f.run.grid.ncols, f.run.grid.nrows] : null,
      mass: f.result?.mass.relative_error ?? 1,
      waterInScene: !!f.water?.primitive && window.twin.viewer.scene.primitives.contains(f.water.primitive),
      framesShown: f.water?.framesShown ?? 0,
      hash: f.hashValue(),
      engine: f.engine,
      cores: navigator.hardwareConcurrency,
    };
  });
  // Cross-origin isolated: the strip-parallel engine on nested workers (WebAssembly row kernels) where ≥ 2 cores.
  console.log(`flood engine: ${JSON.stringify(st.engine)} (${st.cores} cores)`);
  if (st.cores >= 2) expect(st.engine).toEqual({ parallel: true, workers: Math.min(4, st.cores), kernel: 'wasm' });
  else expect(st.engine).toEqual({ parallel: false, workers: 1, kernel: 'wasm' });
  expect(st.cells).toEqual([300, 286]);
  expect(st.end).toBe(600);
  expect(st.frames).toBe(6); // t = 0 plus every 2 min
  expect(Math.abs(st.mass)).toBeLessThan(1e-4);
  expect(st.waterInScene).toBe(true);
  expect(st.framesShown).toBeGreaterThanOrEqual(2);
  expect(st.hash).toBe('rain:100:10:10:10:0@10');
  // The primitive becomes ready once rendered.
  await page.waitForFunction(() => window.twin.flood.water?.visible === true, undefined, { timeout: 60_000 });
  await page.waitForFunction(() => location.hash.includes('fl=rain:100:10:10:10:0@10'), undefined, { timeout: 10_000 });
});

test('lists flooded buildings with residents, highlights them and flies to one', async () => {
  const panel = page.getByTestId('flood-panel');
  const items = panel.getByTestId('flood-buildings').locator('li');
  expect(await items.count()).toBeGreaterThan(0);
  await expect(panel.getByTestId('flood-buildings-count')).toContainText(/Flooded buildings: \d+ · \d+ residents/);
  const style = await page.evaluate(() => {
    const l = window.twin.layers.find((x) => x.id === 'city')!;
    const json = (l.tileset!.style as unknown as { style: { color?: { conditions: [string, string][] } } }).style;
    return { n: l.extraConditions.length, inStyle: json.color?.conditions.filter((c) => c[0].startsWith('regExp')).length ?? 0 };
  });
  expect(style.n).toBeGreaterThan(0);
  expect(style.inStyle).toBe(style.n);
  expect(await page.evaluate(() => window.twin.twin.shareUrl())).toContain('&fl=rain:100:10:10:10:0@10');
  const first = await items.first().getAttribute('data-id');
  await items.first().click();
  await page.waitForFunction((id) => window.twin.selection?.id === id, first, { timeout: 30_000 });
  // Scrubbing back to t = 0 shows no flooded building.
  await page.evaluate(() => window.twin.flood.scrub(0));
  await expect(panel.getByTestId('flood-buildings-count')).toContainText('Flooded buildings: 0');
  await page.evaluate(() => window.twin.flood.scrub(600));
  expect(await items.count()).toBeGreaterThan(0);
});

test('probes depth and speed at a flooded building', async () => {
  const series = await page.evaluate(() => {
    const f = window.twin.flood;
    const b = f.impact!.buildings[0];
    const rb = f.run!.buildings.find((x) => x.id === b.id)!;
    const cell = rb.cells.around[0];
    const g = f.run!.grid;
    const x = g.xll + ((cell % g.ncols) + 0.5) * g.cellSize, y = g.yll + (g.nrows - Math.floor(cell / g.ncols) - 0.5) * g.cellSize;
    const p = f.probeCell(x, y)!;
    return { n: p.time.length, maxDepth: Math.max(...p.depth), first: p.depth[0] };
  });
  expect(series.n).toBe(6);
  expect(series.first).toBe(0);
  expect(series.maxDepth).toBeGreaterThan(0);
  await expect(page.getByTestId('flood-probe-chart')).toBeVisible();
});

test('exports the impact as GeoJSON with features and as CSV', async () => {
  const panel = page.getByTestId('flood-panel');
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('flood-export-geojson').click()]);
  expect(download.suggestedFilename()).toMatch(/\.geojson$/);
  const text = fs.readFileSync((await download.path())!, 'utf8');
  const gj = JSON.parse(text);
  expect(gj.type).toBe('FeatureCollection');
  const buildings = gj.features.filter((f: { properties: { category: string } }) => f.properties.category === 'building');
  expect(buildings.length).toBeGreaterThan(0);
  expect(buildings[0].geometry.type).toBe('Polygon');
  const [lon, lat] = buildings[0].geometry.coordinates[0][0];
  expect(lon).toBeGreaterThan(113.2);
  expect(lon).toBeLessThan(113.4);
  expect(lat).toBeGreaterThan(23.0);
  expect(lat).toBeLessThan(23.2);
  expect(gj.properties.scenario).toBe('rain:100:10:10:10:0');
  const [csvDl] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('flood-export-csv').click()]);
  const csv = fs.readFileSync((await csvDl.path())!, 'utf8');
  expect(csv.replace(/^\ufeff/, '').split('\n')[0]).toBe('category,id,name,name_en,depth_m,residents,length_m,sill_m,address');
  expect(csv.split('\n').filter((l) => l.startsWith('building,')).length).toBe(buildings.length);
  fs.mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENS, 'flood.png') });
});
