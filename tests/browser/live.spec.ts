import { test, expect, type Page, type BrowserContext, type APIRequestContext } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

/**
 * Live layers in a real browser against the running gateway (the webServer runs `twin serve`, which starts the
 * gateway and its simulator): sensors coloured by state, a sensor click with value and 24 h chart, replay 10 minutes
 * back (a back-filled observation) and back to live with a resumed stream, drones, and a camera playing an mp4.
 */

const VIDEO = path.resolve(process.cwd(), '../shared/data/video/intel_one-by-one-person-detection.mp4');
const SENSOR = 'S-WP-01';
const BACKFILL = 100; // kPa: below the alarm threshold (160) of the pressure sensors

const SCREENS = path.resolve('test-results', 'screens');

test.describe.configure({ mode: 'serial' });

async function shot(p: Page, name: string): Promise<Buffer> {
  fs.mkdirSync(SCREENS, { recursive: true });
  return p.screenshot({ path: path.join(SCREENS, `${name}.png`) });
}

/** Share of pixels in a region whose colour differs by more than 40 (any channel) between two screenshots. */
function changedShare(a: Buffer, b: Buffer, x0: number, y0: number, w: number, h: number): number {
  const A = PNG.sync.read(a);
  const B = PNG.sync.read(b);
  let changed = 0;
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const i = (y * A.width + x) * 4;
      if (Math.max(Math.abs(A.data[i] - B.data[i]), Math.abs(A.data[i + 1] - B.data[i + 1]), Math.abs(A.data[i + 2] - B.data[i + 2])) > 40) changed++;
    }
  }
  return changed / (w * h);
}

let context: BrowserContext;
let page: Page;
let tPast = 0;

interface DsRow {
  id: number;
  siteId: string;
  property: string;
}

async function datastreamOf(request: APIRequestContext, siteId: string): Promise<number> {
  const res = await request.get('/api/datastreams');
  expect(res.ok(), '/api/datastreams answers (the web server must start the gateway)').toBe(true);
  const rows = (await res.json()) as DsRow[];
  const row = rows.find((r) => r.siteId === siteId);
  expect(row, `datastream of ${siteId}`).toBeTruthy();
  return row!.id;
}

test.beforeAll(async ({ browser, request }) => {
  if (!fs.existsSync(VIDEO)) throw new Error(`${VIDEO} is missing: the camera test reads it in place from ../shared/data`);
  // A device uploads a late reading: a pressure alarm 10 minutes ago.
  tPast = Math.floor((Date.now() - 10 * 60_000) / 1000) * 1000;
  const ds = await datastreamOf(request, SENSOR);
  const post = await request.post(`/v1.1/Datastreams(${ds})/Observations`, {
    data: { phenomenonTime: new Date(tPast).toISOString(), result: BACKFILL },
  });
  expect(post.status(), await post.text()).toBe(201);

  context = await browser.newContext({ viewport: { width: 800, height: 600 }, locale: 'zh-CN' });
  await context.route('**/test-media/clip.mp4', (route) =>
    route.fulfill({ status: 200, contentType: 'video/mp4', body: fs.readFileSync(VIDEO) }),
  );
  page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  await page.goto('/?lite=1');
  await page.waitForFunction(() => !!window.twin);
  const report = await page.evaluate(() => window.twin.ready);
  expect(report.errors).toEqual([]);
  await page.waitForFunction(() => window.twin.twin.live.connection === 'live', null, { timeout: 60_000 });
});

test.afterAll(async () => {
  await context?.close();
});

test('sensors appear coloured by their threshold state and the stream is connected', async () => {
  await expect(page.getByTestId('live-conn')).toHaveAttribute('data-state', 'live');
  // Wait until every sensor has a value (snapshot + stream) and compare each symbol's colour with its state.
  await page.waitForFunction(() => {
    const live = window.twin.twin.live;
    return [...live.datastreams.values()].filter((d) => d.layer === 'sensor').every((d) => live.current(d.id));
  });
  const symbols = await page.evaluate(() => {
    const tw = window.twin.twin;
    const out: { id: string; state: string; color: string }[] = [];
    for (const s of window.twin.scene!.sites.filter((x) => x.kind === 'sensor')) {
      out.push({ id: s.id, state: tw.live.stateOf(s.id), color: tw.sites.pointColor(s.id)! });
    }
    return out;
  });
  const COLORS: Record<string, string> = { normal: '#3ee08f', warning: '#ffc21a', alarm: '#ff3b4e', unknown: '#8da3bd' };
  expect(symbols.length).toBeGreaterThan(10);
  for (const s of symbols) expect(s.color, s.id).toBe(COLORS[s.state]);
  expect(symbols.filter((s) => s.state !== 'unknown').length).toBeGreaterThan(10);
  expect(await page.evaluate(() => window.twin.twin.sites.clustering)).toBe(true);
});

test('far away, nearby sites are drawn as one symbol with their count and worst colour; a click on it zooms in', async () => {
  const far = await page.evaluate(async () => {
    const tw = window.twin.twin;
    const [w, s, e, n] = window.twin.scene!.rectangle;
    tw.setCamera({ lon: (w + e) / 2, lat: (s + n) / 2, height: 9000, heading: 0, pitch: -89, roll: 0 });
    await new Promise((r) => setTimeout(r, 1500));
    return {
      clusters: tw.sites.clusterSymbols().map((c) => ({ ...c, memberColors: c.siteIds.map((id) => tw.sites.pointColor(id)!), hidden: c.siteIds.every((id) => tw.sites.isClustered(id) && !tw.sites.labelShown(id)) })),
      height: tw.viewer.camera.positionCartographic.height,
    };
  });
  expect(far.clusters.length).toBeGreaterThan(0);
  const RANK: Record<string, number> = { '#ff3b4e': 3, '#ffc21a': 2, '#3ee08f': 1 };
  for (const c of far.clusters) {
    expect(c.siteIds.length).toBeGreaterThanOrEqual(3);
    expect(c.text).toBe(String(c.siteIds.length));
    expect(c.hidden, 'clustered sites draw neither their point nor their label').toBe(true);
    const worst = c.memberColors.reduce((a, b) => ((RANK[b] ?? 0) > (RANK[a] ?? 0) ? b : a));
    expect(c.color).toBe((RANK[worst] ?? 0) > 0 ? worst : '#19e3ff');
  }
  const biggest = far.clusters.reduce((a, b) => (b.siteIds.length > a.siteIds.length ? b : a));
  const pos = await page.evaluate((c) => window.twin.twin.toWindow(c.lon, c.lat, c.height), biggest);
  expect(pos).toBeTruthy();
  await page.mouse.click(pos!.x, pos!.y);
  await expect.poll(() => page.evaluate(() => window.twin.twin.viewer.camera.positionCartographic.height), { timeout: 30_000 }).toBeLessThan(far.height / 2);
  // The click zoomed in, it selected nothing. (The zoom flight must not carry on into the next test's camera.)
  expect(await page.evaluate(() => window.twin.selection)).toBeNull();
  await page.evaluate(() => window.twin.twin.viewer.camera.cancelFlight());
});

test('clicking a sensor shows its value, unit, time and a 24 h chart from history', async () => {
  const pos = await page.evaluate(async (id) => {
    const tw = window.twin.twin;
    const s = tw.sites.get(id)!;
    tw.setCamera({ lon: s.lon, lat: s.lat - 0.0012, height: s.height + 180, heading: 0, pitch: -55, roll: 0 });
    await new Promise((r) => setTimeout(r, 1500));
    return tw.toWindow(s.lon, s.lat, s.height);
  }, SENSOR);
  expect(pos).toBeTruthy();
  await page.mouse.click(pos!.x, pos!.y);
  await expect.poll(() => page.evaluate(() => window.twin.selection)).toEqual({ layer: 'sites', id: SENSOR });
  // Near by, the sensor's own label is drawn and shows its live value with the unit.
  await expect.poll(() => page.evaluate((id) => (window.twin.twin.sites.labelShown(id) ? window.twin.twin.sites.labelText(id) : null), SENSOR)).toMatch(/\n-?\d+(\.\d+)? kPa$/);
  const card = page.getByTestId('sensor-card');
  await expect(card).toBeVisible();
  await expect(page.getByTestId('sensor-unit')).toHaveText('kPa');
  const value = Number(await page.getByTestId('sensor-value').textContent());
  expect(Number.isFinite(value)).toBe(true);
  expect(value).not.toBe(BACKFILL);
  await expect(page.getByTestId('sensor-time')).not.toHaveText('—');
  // A click on the sensor's label text (drawn above its symbol) selects it too.
  await page.evaluate(() => window.twin.twin.select(null));
  const box = await page.evaluate((id) => window.twin.twin.sites.labels.clickableBoxes().find((b) => (b.pick as { siteId?: string }).siteId === id), SENSOR);
  expect(box).toBeTruthy();
  const at = { x: (box!.x0 + box!.x1) / 2, y: (box!.y0 + box!.y1) / 2 };
  expect(pos!.y - at.y, 'the click lands on the text, not on the point').toBeGreaterThan(10);
  await page.mouse.click(at.x, at.y);
  await expect.poll(() => page.evaluate(() => window.twin.selection)).toEqual({ layer: 'sites', id: SENSOR });
  // The chart holds the history since the server started plus the back-filled reading.
  await expect.poll(async () => Number(await page.getByTestId('sensor-chart').getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(1);
  await shot(page, 'live-sensor');
});

test('replay 10 minutes back shows the history, is in the share link, and back to live resumes the stream', async () => {
  const before = await page.evaluate(() => ({ conns: window.twin.twin.live.stream!.connections, last: window.twin.twin.live.stream!.cursor.last }));
  await page.getByTestId('btn-back-10').click();
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-mode', 'replay');
  const shown = Number(await page.getByTestId('timeline-time').getAttribute('data-t'));
  expect(Math.abs(shown - (Date.now() - 10 * 60_000))).toBeLessThan(30_000);
  // Pin the replay to the back-filled reading's time.
  await page.evaluate((t) => window.twin.twin.live.replayAt(t, 1, true), tPast);
  await expect(page.getByTestId('sensor-value')).toHaveText(String(BACKFILL));
  await expect(page.getByTestId('sensor-state')).toHaveAttribute('data-state', 'alarm');
  await expect(page.locator(`[data-testid=alarm-list] li[data-site=${SENSOR}]`)).toBeVisible();
  await shot(page, 'live-replay');
  const hash = await page.evaluate(() => window.twin.hash());
  expect(new URLSearchParams(hash).get('time')).toBe(new Date(tPast).toISOString().replace('.000Z', 'Z'));
  // The stream is closed in replay; data keeps arriving at the gateway meanwhile.
  expect(await page.evaluate(() => window.twin.twin.live.stream!.running)).toBe(false);
  await page.getByTestId('speed').selectOption('60');
  await page.evaluate(() => window.twin.twin.live.setPaused(false));
  await expect.poll(() => page.evaluate(() => window.twin.twin.live.time()), { timeout: 10_000 }).toBeGreaterThan(tPast + 60_000);
  await page.waitForTimeout(1500);

  await page.getByTestId('btn-live').click();
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-mode', 'live');
  await page.waitForFunction(() => window.twin.twin.live.connection === 'live');
  const after = await page.evaluate(() => ({
    conns: window.twin.twin.live.stream!.connections,
    last: window.twin.twin.live.stream!.cursor.last,
    gaps: window.twin.twin.live.stream!.gaps.length,
  }));
  expect(after.conns).toBe(before.conns + 1);
  expect(after.last!).toBeGreaterThan(before.last!);
  expect(after.gaps).toBe(0);
  await expect(page.getByTestId('sensor-value')).not.toHaveText(String(BACKFILL));
  expect(new URLSearchParams(await page.evaluate(() => window.twin.hash())).get('time')).toBeNull();
});

test('a share link with a time opens in replay at that time', async () => {
  const p = await context.newPage();
  await p.goto(`/?lite=1#v=1&sel=sites:${SENSOR}&time=${new Date(tPast).toISOString()}`);
  await p.waitForFunction(() => !!window.twin);
  await p.waitForFunction(() => window.twin.twin.live.mode === 'replay' && !!window.twin.twin.live.clock);
  await expect(p.getByTestId('timeline')).toHaveAttribute('data-mode', 'replay');
  await expect(p.getByTestId('sensor-value')).toHaveText(String(BACKFILL), { timeout: 60_000 });
  await p.close();
});

test('drones fly with a model, a trail and a telemetry panel', async () => {
  await page.waitForFunction(() => window.twin.twin.live.drones().length > 0);
  const key = await page.evaluate(() => window.twin.twin.live.drones()[0]);
  // Fly to it: the stream subscription follows the viewport, so its 5 Hz telemetry then flows.
  await page.evaluate((k) => window.twin.twin.live.flyTo({ layer: 'drones', id: k }), key);
  const panel = page.getByTestId('drone-panel');
  await expect(panel).toBeVisible();
  await expect(page.getByTestId('drone-battery')).toHaveText(/\d+(\.\d+)? %/);
  await page.waitForFunction((k) => (window.twin.twin.live.trails.get(k)?.length ?? 0) > 5, key, { timeout: 30_000 });
  const info = await page.evaluate((k) => {
    const e = window.twin.twin.live.dataSource.entities.getById(`drone:${k}`)!;
    return { model: !!e.model, trail: window.twin.twin.live.trailVertices(k).length, points: window.twin.twin.live.trails.get(k)?.length ?? 0 };
  }, key);
  expect(info.model).toBe(true);
  // Its label (on the label overlay) names it with battery and flight mode.
  await expect
    .poll(() => page.evaluate((k) => window.twin.twin.sites.labels.group('drones').map((l) => l.text).find((t) => t.startsWith(`${k.split('/').pop()} `)), key))
    .toMatch(/^\S+ \d+% \S+/);
  // The trail is drawn as a fixed-size polyline (a flying drone's positions are all distinct).
  expect(info.trail).toBeGreaterThan(5);
  expect(info.points).toBeGreaterThan(5);
  await shot(page, 'live-drone');
});

test('a camera shows its view frustum and its panel plays the mp4', async () => {
  const frustum = await page.evaluate(() => !!window.twin.twin.live.dataSource.entities.getById('camfov:CAM-01'));
  expect(frustum).toBe(true);
  await page.evaluate(() => {
    window.twin.twin.live.setCameraStream('CAM-01', '/test-media/clip.mp4');
    window.twin.twin.select({ layer: 'sites', id: 'CAM-01' });
  });
  await expect(page.getByTestId('camera-card')).toBeVisible();
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const player = document.querySelector('twin-app')!.shadowRoot!.querySelector('twin-live-panel')!.shadowRoot!.querySelector('twin-video-player') as HTMLElement & { video: HTMLVideoElement | null };
          const v = player?.video;
          return v ? { ready: v.readyState, t: v.currentTime, w: v.videoWidth } : null;
        }),
      { timeout: 30_000 },
    )
    .toMatchObject({ ready: expect.any(Number) });
  await expect
    .poll(() => page.evaluate(() => (document.querySelector('twin-app')!.shadowRoot!.querySelector('twin-live-panel')!.shadowRoot!.querySelector('twin-video-player') as HTMLElement & { video: HTMLVideoElement }).video.readyState), { timeout: 30_000 })
    .toBeGreaterThanOrEqual(2);
  const t = await page.evaluate(() => {
    const player = document.querySelector('twin-app')!.shadowRoot!.querySelector('twin-live-panel')!.shadowRoot!.querySelector('twin-video-player') as HTMLElement & { video: HTMLVideoElement };
    return { t: player.video.currentTime, w: player.video.videoWidth };
  });
  expect(t.w).toBeGreaterThan(0);
  await expect.poll(() => page.evaluate(() => (document.querySelector('twin-app')!.shadowRoot!.querySelector('twin-live-panel')!.shadowRoot!.querySelector('twin-video-player') as HTMLElement & { video: HTMLVideoElement }).video.currentTime)).toBeGreaterThan(t.t);
});

test('the camera video is projected onto the scene from the camera pose (video fusion)', async () => {
  await page.getByTestId('camera-preview').click();
  await page.waitForTimeout(2500);
  const before = await shot(page, 'live-camera-view');
  await page.getByTestId('camera-project').click();
  await page.waitForFunction(() => (window.twin.twin.live.projection?.projection.frames ?? 0) > 3, null, { timeout: 30_000 });
  await page.waitForTimeout(1500);
  const after = await shot(page, 'live-camera-projected');
  // The middle of the view (between the side panels) is covered by the projected video.
  expect(changedShare(before, after, 300, 160, 240, 300)).toBeGreaterThan(0.2);
  await page.getByTestId('camera-project').click();
  expect(await page.evaluate(() => window.twin.twin.live.projection)).toBeNull();
});
