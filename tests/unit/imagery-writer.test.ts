import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanPolygon } from '../../src/core/demo/types.js';
import { LocalTangentProjection } from '../../src/core/geo/projection.js';
import { tileRectangleXyz, tilesY, type Rectangle } from '../../src/core/terrain/tiling.js';
import {
  PLAN_COLORS,
  ROAD_CENTRE_ARTERIAL_COLOR,
  defaultImageryMaxLevel,
  defaultImageryMinLevel,
  planColor,
  writeImagery,
  type ImagerySummary,
} from '../../src/tiling/imagery/index.js';
import { hexColor } from '../../src/tiling/imagery/raster.js';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'imagery-test-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

const crs = new LocalTangentProjection(113.32, 23.12);
const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];

/** A 300 m × 200 m synthetic plan: a residential plot, a park with a pond hole, a river, an arterial and a local road. */
const plan: PlanPolygon[] = [
  { kind: 'plot', ring: rect(-150, -100, 150, 100), attributes: { use: '住宅' } },
  { kind: 'park', ring: rect(20, 20, 120, 90), holes: [rect(50, 40, 80, 70).reverse()], attributes: {} },
  { kind: 'water', ring: rect(-150, -100, 150, -60), attributes: {} },
  { kind: 'road', ring: rect(-150, -20, 150, 0), attributes: { roadClass: 'arterial' } }, // E–W, 20 m wide
  { kind: 'road', ring: rect(-60, -60, -50, 100), attributes: { roadClass: 'local' } }, // N–S, 10 m wide
  { kind: 'sports', ring: rect(-140, 30, -90, 90), attributes: {} },
];
/** Imagery rectangle: a bit smaller than the plan, so its edges are inside. */
const [rw, rs] = crs.toGeodetic(-120, -90, 0);
const [re, rn] = crs.toGeodetic(130, 95, 0);
const RECT: Rectangle = [rw, rs, re, rn];

/** RGBA of the pixel holding local point (x, y) at level z. */
function pixelAt(dir: string, z: number, x: number, y: number): [number, number, number, number] {
  const [lon, lat] = crs.toGeodetic(x, y, 0);
  const size = 180 / 2 ** z;
  const tx = Math.floor((lon + 180) / size);
  const ty = tilesY(z) - 1 - Math.floor((lat + 90) / size); // XYZ: rows from the north
  const [w, , , n] = tileRectangleXyz(z, tx, ty);
  const px = Math.floor(((lon - w) / size) * 256), py = Math.floor(((n - lat) / size) * 256);
  const png = PNG.sync.read(fs.readFileSync(path.join(dir, String(z), String(tx), `${ty}.png`)));
  const o = 4 * (py * 256 + px);
  return [png.data[o], png.data[o + 1], png.data[o + 2], png.data[o + 3]];
}

const rgb255 = (c: [number, number, number]) => c.map((v) => Math.round(v * 255));
function expectColor(got: number[], want: string | [number, number, number], tol = 2): void {
  const w = typeof want === 'string' ? rgb255(hexColor(want)) : rgb255(want);
  for (let i = 0; i < 3; i++) expect(Math.abs(got[i] - w[i]), `channel ${i} of ${got} vs ${w}`).toBeLessThanOrEqual(tol);
  expect(got[3]).toBe(255);
}

describe('writeImagery', () => {
  const dir = path.join(tmpRoot, 'a');
  let summary: ImagerySummary;
  beforeAll(async () => {
    summary = await writeImagery(dir, plan, crs, { rectangle: RECT, minLevel: 15, maxLevel: 18 });
  });

  it('writes XYZ tiles for exactly the levels and tiles covering the rectangle', () => {
    expect(summary).toMatchObject({ minimumLevel: 15, maximumLevel: 18, rectangle: RECT });
    let count = 0;
    for (let z = 15; z <= 18; z++) {
      const size = 180 / 2 ** z;
      const x0 = Math.floor((RECT[0] + 180) / size), x1 = Math.floor((RECT[2] + 180) / size);
      const yN = tilesY(z) - 1 - Math.floor((RECT[3] + 90) / size), yS = tilesY(z) - 1 - Math.floor((RECT[1] + 90) / size);
      const want: string[] = [];
      for (let x = x0; x <= x1; x++) for (let y = yN; y <= yS; y++) want.push(`${x}/${y}.png`);
      const got = (fs.readdirSync(path.join(dir, String(z)), { recursive: true }) as string[]).filter((p) => p.endsWith('.png'));
      expect(got.sort()).toEqual(want.sort());
      count += got.length;
    }
    expect(summary.tiles).toBe(count);
    expect(fs.existsSync(path.join(dir, '14'))).toBe(false);
  });

  it('paints each kind with its colour at known points', () => {
    const plot = planColor(plan[0]);
    expectColor(pixelAt(dir, 18, -20, 60), plot);
    expect(rgb255(plot)).not.toEqual(rgb255(hexColor(PLAN_COLORS.plot))); // tinted by use
    expectColor(pixelAt(dir, 18, 100, 30), PLAN_COLORS.park);
    expectColor(pixelAt(dir, 18, 65, 55), plot); // the park's hole shows the plot below
    expectColor(pixelAt(dir, 18, 0, -80), PLAN_COLORS.water);
    expectColor(pixelAt(dir, 18, -115, 60), PLAN_COLORS.sports);
    expectColor(pixelAt(dir, 18, 80, -5), PLAN_COLORS.road); // asphalt between edge and centre lines
    expectColor(pixelAt(dir, 18, -55, 50), PLAN_COLORS.road, 30); // local road (dashes may be near)
    // The arterial's solid centre line (0.25 m, narrower than a 0.3 m pixel) shows across the road's axis.
    const line = rgb255(hexColor(ROAD_CENTRE_ARTERIAL_COLOR)), asphalt = rgb255(hexColor(PLAN_COLORS.road));
    let best = 0;
    for (let y = -10.6; y <= -9.4; y += 0.05) best = Math.max(best, pixelAt(dir, 18, 40, y)[0]);
    expect(best).toBeGreaterThan(asphalt[0] + 0.35 * (line[0] - asphalt[0]));
    // and nowhere 3 m away from it.
    expect(pixelAt(dir, 18, 40, -13)[0]).toBe(asphalt[0]);
    // Coarser levels show the same colours in large areas.
    expectColor(pixelAt(dir, 16, 0, -80), PLAN_COLORS.water);
    expectColor(pixelAt(dir, 16, 100, 30), PLAN_COLORS.park, 6);
  });

  it('is transparent outside the rectangle and anti-aliased at edges', () => {
    expect(pixelAt(dir, 18, -140, 60)[3]).toBe(0); // west of the rectangle
    expect(pixelAt(dir, 18, 0, 98)[3]).toBe(0); // north of it
    // Across the park's east edge (x = 120 m) at 0.3 m pixels: some pixel mixes the two colours.
    const park = rgb255(hexColor(PLAN_COLORS.park)), plot = rgb255(planColor(plan[0]));
    let mixed = 0;
    for (let x = 119; x <= 121; x += 0.05) {
      const c = pixelAt(dir, 18, x, 50);
      const isPark = c.slice(0, 3).every((v, i) => Math.abs(v - park[i]) <= 2);
      const isPlot = c.slice(0, 3).every((v, i) => Math.abs(v - plot[i]) <= 2);
      if (!isPark && !isPlot) mixed++;
    }
    expect(mixed).toBeGreaterThan(0);
    // Partial alpha along the rectangle's west edge.
    const alphas = new Set<number>();
    for (let x = -121; x <= -119; x += 0.05) alphas.add(pixelAt(dir, 18, x, 60)[3]);
    expect([...alphas].some((a) => a > 0 && a < 255)).toBe(true);
  });

  it('is deterministic', async () => {
    const b = path.join(tmpRoot, 'b');
    await writeImagery(b, plan, crs, { rectangle: RECT, minLevel: 15, maxLevel: 18 });
    const hash = (d: string) => {
      const h = crypto.createHash('sha256');
      for (const p of (fs.readdirSync(d, { recursive: true }) as string[]).filter((q) => q.endsWith('.png')).sort()) h.update(p).update(fs.readFileSync(path.join(d, p)));
      return h.digest('hex');
    };
    expect(hash(b)).toBe(hash(dir));
  });

  it('chooses default levels from the rectangle and 0.5 m pixels', () => {
    expect(defaultImageryMaxLevel()).toBe(18);
    const district: Rectangle = [113.308, 23.1137, 113.3317, 23.1299]; // 2.4 km × 1.8 km
    expect(defaultImageryMinLevel(district)).toBe(12);
  });

  it('rejects bad input naming the field', async () => {
    await expect(writeImagery(path.join(tmpRoot, 'bad'), [{ kind: 'lava' as never, ring: rect(0, 0, 1, 1), attributes: {} }], crs, { rectangle: RECT })).rejects.toThrow(/plan\[0\]\.kind/);
    await expect(writeImagery(path.join(tmpRoot, 'bad'), [{ kind: 'park', ring: [[0, 0], [NaN, 1], [1, 1]], attributes: {} }], crs, { rectangle: RECT })).rejects.toThrow(/plan\[0\]\.ring\[1\]/);
    await expect(writeImagery(path.join(tmpRoot, 'bad'), plan, crs, { rectangle: [1, 1, 0, 2] })).rejects.toThrow(/rectangle/);
  });
});
