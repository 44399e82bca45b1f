import { test, expect, type Page, type BrowserContext } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

/**
 * Camera video through the twin's video gateway with real decoders: the shared clip (H.264 768×432) is uploaded to the
 * gateway, which remuxes it to HLS (fMP4) and HTTP-FLV; hls.js and mpegts.js play those streams in the camera panel.
 */

const VIDEO = path.resolve(process.cwd(), '../shared/data/video/intel_one-by-one-person-detection.mp4');
const CAM = 'CAM-01';

const SCREENS = path.resolve('test-results', 'screens');

test.describe.configure({ mode: 'serial' });

async function shot(p: Page, name: string): Promise<Buffer> {
  fs.mkdirSync(SCREENS, { recursive: true });
  return p.screenshot({ path: path.join(SCREENS, `${name}.png`) });
}

let context: BrowserContext;
let page: Page;

interface PlayerState {
  engine: string | undefined;
  t: number;
  w: number;
  h: number;
  ready: number;
  error: string | null;
}

/** State of the camera panel's video element. */
function playerState(p: Page): Promise<PlayerState | null> {
  return p.evaluate(() => {
    const player = document.querySelector('twin-app')?.shadowRoot?.querySelector('twin-live-panel')?.shadowRoot?.querySelector('twin-video-player') as
      | (HTMLElement & { video: HTMLVideoElement | null; engine?: string })
      | null;
    const v = player?.video;
    if (!v) return null;
    return { engine: player!.engine, t: v.currentTime, w: v.videoWidth, h: v.videoHeight, ready: v.readyState, error: v.error ? `${v.error.code} ${v.error.message}` : null };
  });
}

test.beforeAll(async ({ browser, request }) => {
  if (!fs.existsSync(VIDEO)) throw new Error(`${VIDEO} is missing: the video test reads it in place from ../shared/data`);
  // The camera's source: the clip, uploaded to the gateway like an operator would (PUT /api/video/<camera>).
  const put = await request.put(`/api/video/${CAM}`, { data: fs.readFileSync(VIDEO), headers: { 'Content-Type': 'video/mp4' } });
  expect(put.status(), await put.text()).toBe(201);
  context = await browser.newContext({ viewport: { width: 800, height: 600 }, locale: 'zh-CN' });
  page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror:', e.message));
  page.on('console', (m) => m.type() === 'error' && console.log('console error:', m.text().slice(0, 2000)));
  await page.addInitScript(() => {
    (window as unknown as { videoErrors: string[] }).videoErrors = [];
    document.addEventListener('video-error', (e) => (window as unknown as { videoErrors: string[] }).videoErrors.push(String((e as CustomEvent).detail)));
  });
  await page.goto('/?lite=1');
  await page.waitForFunction(() => !!window.twin);
  const report = await page.evaluate(() => window.twin.ready);
  expect(report.errors).toEqual([]);
});

test.afterAll(async () => {
  await context?.close();
});

/** Points the camera at `url`, opens its panel and checks the stream plays: size, time advancing, no errors. */
async function expectPlays(url: string, engine: string): Promise<void> {
  await page.evaluate(
    ({ cam, url }) => {
      window.twin.twin.select(null);
      window.twin.twin.live.setCameraStream(cam, url);
      window.twin.twin.select({ layer: 'sites', id: cam });
    },
    { cam: CAM, url },
  );
  await expect(page.getByTestId('camera-card')).toBeVisible();
  await expect.poll(async () => (await playerState(page))?.engine, { timeout: 30_000 }).toBe(engine);
  await expect.poll(async () => (await playerState(page))?.ready ?? 0, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  const first = (await playerState(page))!;
  expect([first.w, first.h]).toEqual([768, 432]);
  await expect.poll(async () => (await playerState(page))!.t, { timeout: 60_000 }).toBeGreaterThan(first.t + 1);
  const after = (await playerState(page))!;
  expect(after.error).toBeNull();
  expect(await page.evaluate(() => (window as unknown as { videoErrors: string[] }).videoErrors)).toEqual([]);
}

test('a camera with no streamUrl in scene.json plays the gateway stream served for it, and other cameras keep none', async () => {
  await page.waitForFunction(() => window.twin.twin.live.connection === 'live', null, { timeout: 60_000 });
  const urls = await page.evaluate(() => ['CAM-01', 'CAM-02'].map((id) => window.twin.twin.sites.get(id)?.properties.streamUrl ?? null));
  expect(urls).toEqual([`/api/video/${CAM}/live.m3u8`, null]);
  await expectPlays(`/api/video/${CAM}/live.m3u8`, 'hls.js');
});

test('hls.js plays the gateway HLS (fMP4) stream of the clip', async () => {
  await expectPlays(`/api/video/${CAM}/index.m3u8`, 'hls.js');
});

test('hls.js plays the live (looped, sliding window) HLS stream', async () => {
  await expectPlays(`/api/video/${CAM}/live.m3u8`, 'hls.js');
});

test('mpegts.js plays the gateway HTTP-FLV live stream of the clip', async () => {
  await expectPlays(`/api/video/${CAM}/live.flv`, 'mpegts.js');
});

/** Every k-th element, at most n of them. */
const spread = <T>(xs: T[], n: number): T[] => xs.filter((_, i) => i % Math.max(1, Math.floor(xs.length / n)) === 0).slice(0, n);

/**
 * For window pixels: whether the scene point under each is hidden from the video camera — the first surface along the
 * ray from the camera towards the point (Cesium's pickFromRay: globe and 3D Tiles) is more than 1 m (or 2 %) nearer.
 */
function hiddenFromCamera(p: Page, cam: string, pixels: { x: number; y: number }[]): Promise<(boolean | null)[]> {
  return p.evaluate(
    ({ cam, pixels }) => {
      const tw = window.twin.twin;
      const scene = window.twin.viewer.scene;
      const s = tw.sites.get(cam)!;
      const C3 = scene.camera.position.constructor as unknown as {
        fromDegrees(lon: number, lat: number, h: number): { x: number; y: number; z: number };
        distance(a: unknown, b: unknown): number;
        subtract(a: unknown, b: unknown, r: unknown): { x: number; y: number; z: number };
        normalize(a: unknown, r: unknown): { x: number; y: number; z: number };
        new (): { x: number; y: number; z: number };
      };
      const c = C3.fromDegrees(s.lon, s.lat, s.height);
      return pixels.map(({ x, y }) => {
        const pos = scene.pickPosition({ x, y, toString: () => `(${x}, ${y})` } as never);
        if (!pos) return null;
        const d = C3.distance(c, pos);
        const dir = C3.normalize(C3.subtract(pos, c, new C3()), new C3());
        const pickFromRay = (scene as unknown as { pickFromRay(ray: unknown, exclude: unknown[]): { position?: unknown } | undefined }).pickFromRay.bind(scene);
        const hit = pickFromRay({ origin: c, direction: dir }, []);
        if (!hit?.position) return null;
        return C3.distance(c, hit.position) < d - Math.max(1, 0.02 * d);
      });
    },
    { cam, pixels },
  );
}

/** Pixels of the occlusion debug view: hidden from the camera (red) and seen by it (green). */
function debugClasses(png: Buffer): { hidden: { x: number; y: number }[]; seen: { x: number; y: number }[] } {
  const P = PNG.sync.read(png);
  const hidden: { x: number; y: number }[] = [];
  const seen: { x: number; y: number }[] = [];
  for (let y = 0; y < P.height; y++) {
    for (let x = 0; x < P.width; x++) {
      const i = (y * P.width + x) * 4;
      const [r, g, b] = [P.data[i], P.data[i + 1], P.data[i + 2]];
      if (r > 170 && g < 90 && b < 90) hidden.push({ x, y });
      else if (g > 170 && r < 110 && b < 110) seen.push({ x, y });
    }
  }
  return { hidden, seen };
}

/** Mean of the largest channel difference over the given pixels. */
function meanChange(a: Buffer, b: Buffer, pixels: { x: number; y: number }[]): number {
  const A = PNG.sync.read(a);
  const B = PNG.sync.read(b);
  let sum = 0;
  for (const { x, y } of pixels) {
    const i = (y * A.width + x) * 4;
    sum += Math.max(Math.abs(A.data[i] - B.data[i]), Math.abs(A.data[i + 1] - B.data[i + 1]), Math.abs(A.data[i + 2] - B.data[i + 2]));
  }
  return sum / Math.max(1, pixels.length);
}

/** The demo camera that looks at the BIM tower: the tower hides the ground and floors behind it. */
const PCAM = 'CAM-12';

test('the projected video paints only surfaces the camera sees (occlusion by a depth map from the camera pose)', async () => {
  // Play the gateway's HLS stream in the camera's panel.
  await page.evaluate(
    ({ cam, url }) => {
      window.twin.twin.select(null);
      window.twin.twin.live.setCameraStream(cam, url);
      window.twin.twin.select({ layer: 'sites', id: cam });
    },
    { cam: PCAM, url: `/api/video/${CAM}/index.m3u8` },
  );
  await expect.poll(async () => (await playerState(page))?.ready ?? 0, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
  // View from 60 m above and 40 m behind the camera, looking its way: the ground behind the tower is in view.
  await page.evaluate((cam) => {
    const tw = window.twin.twin;
    const s = tw.sites.get(cam)!;
    const spec = tw.live.cameraSpec(cam)!;
    const h = (spec.heading * Math.PI) / 180;
    const lon = s.lon - (40 * Math.sin(h)) / (111_320 * Math.cos((s.lat * Math.PI) / 180));
    const lat = s.lat - (40 * Math.cos(h)) / 110_950;
    tw.setCamera({ lon, lat, height: s.height + 60, heading: spec.heading, pitch: -35, roll: 0 });
  }, PCAM);
  await page.waitForTimeout(3000);
  await page.getByTestId('camera-project').click();
  await page.waitForFunction(() => (window.twin.twin.live.projection?.projection.frames ?? 0) > 3, null, { timeout: 30_000 });
  // Freeze the video frame for the comparisons.
  await page.evaluate(() => {
    const player = document.querySelector('twin-app')!.shadowRoot!.querySelector('twin-live-panel')!.shadowRoot!.querySelector('twin-video-player') as HTMLElement & { video: HTMLVideoElement };
    player.video.pause();
  });
  const setMode = async (mode: 'off' | 'occluded' | 'debug') => {
    await page.evaluate((mode) => {
      const live = window.twin.twin.live;
      const p = live.projection!.projection;
      p.occlusion = mode !== 'off';
      p.debugOcclusion = mode === 'debug';
      p.stage.enabled = true;
      window.twin.viewer.scene.requestRender();
    }, mode);
    await page.waitForTimeout(2500);
  };
  await setMode('debug');
  const debug = await shot(page, 'video-occlusion-debug');
  await setMode('occluded');
  const occluded = await shot(page, 'video-occluded');
  await page.evaluate(() => {
    window.twin.twin.live.projection!.projection.stage.enabled = false;
    window.twin.viewer.scene.requestRender();
  });
  await page.waitForTimeout(2500);
  const none = await shot(page, 'video-none');
  await setMode('off');
  const unoccluded = await shot(page, 'video-unoccluded');

  const { hidden, seen } = debugClasses(debug);
  const total = 800 * 600;
  console.log(`${PCAM}: seen ${((100 * seen.length) / total).toFixed(2)} %, hidden ${((100 * hidden.length) / total).toFixed(2)} % of the view`);
  console.log(`change where hidden: occluded ${meanChange(none, occluded, hidden).toFixed(1)}, unoccluded ${meanChange(none, unoccluded, hidden).toFixed(1)}; where seen: occluded ${meanChange(none, occluded, seen).toFixed(1)}`);
  expect(seen.length / total).toBeGreaterThan(0.02);
  expect(hidden.length / total).toBeGreaterThan(0.002);
  // Hidden surfaces keep their own colour with occlusion on; without it they would be painted like the seen ones.
  expect(meanChange(none, occluded, hidden)).toBeLessThan(6);
  expect(meanChange(none, unoccluded, hidden)).toBeGreaterThan(15);
  expect(meanChange(none, occluded, seen)).toBeGreaterThan(15);
  // Cross-check with Cesium's ray picking (globe and 3D Tiles): what the test calls hidden lies behind something as seen
  // from the camera, what it calls seen does not.
  const hiddenChecks = (await hiddenFromCamera(page, PCAM, spread(hidden, 24))).filter((x) => x !== null);
  const seenChecks = (await hiddenFromCamera(page, PCAM, spread(seen, 24))).filter((x) => x !== null);
  console.log(`ray check: hidden pixels behind something ${hiddenChecks.filter(Boolean).length}/${hiddenChecks.length}; seen pixels behind something ${seenChecks.filter(Boolean).length}/${seenChecks.length}`);
  expect(hiddenChecks.length).toBeGreaterThanOrEqual(8);
  expect(hiddenChecks.filter(Boolean).length / hiddenChecks.length).toBeGreaterThanOrEqual(0.75);
  expect(seenChecks.length).toBeGreaterThanOrEqual(8);
  expect(seenChecks.filter(Boolean).length / seenChecks.length).toBeLessThanOrEqual(0.25);
  await page.getByTestId('camera-project').click();
  expect(await page.evaluate(() => window.twin.twin.live.projection)).toBeNull();
});

