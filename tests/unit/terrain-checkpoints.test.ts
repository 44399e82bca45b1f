import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalTangentProjection } from '../../src/core/geo/projection.js';
import type { Grid } from '../../src/core/grid/grid.js';
import { demHeightSource, levelGeometricError, rtinCheckPointErrors, rtinHierarchy, type HeightSource } from '../../src/core/terrain/index.js';
import { writeTerrain } from '../../src/tiling/terrain/index.js';
import { terrainDirHeightSource } from '../../src/tiling/import/dem.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'terrain-cp-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A 60 × 60 m DEM of 1 m cells in local metres near Delft: gentle slope plus a 0/1.2 m checkerboard of 3 m blocks. */
function rough(): { grid: Grid; crs: LocalTangentProjection } {
  const n = 60;
  const data = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) data[r * n + c] = 0.02 * c + (((Math.floor(r / 3) + Math.floor(c / 3)) & 1) ? 1.2 : 0);
  return { grid: { ncols: n, nrows: n, xll: -30, yll: -30, cellSize: 1, data } as unknown as Grid, crs: new LocalTangentProjection(4.37, 52.01) };
}

/** Worst |terrain − DEM| over every cell centre and how many exceed `tol`. */
function check(dir: string, grid: Grid, crs: LocalTangentProjection, source: HeightSource, tol: number) {
  const back = terrainDirHeightSource(dir);
  let worst = 0, over = 0;
  for (let r = 0; r < grid.nrows; r++) {
    for (let c = 0; c < grid.ncols; c++) {
      const [lon, lat] = crs.toGeodetic(grid.xll + (c + 0.5) * grid.cellSize, grid.yll + (grid.nrows - r - 0.5) * grid.cellSize, 0);
      const e = Math.abs(back.sample(lon, lat) - source.sample(lon, lat));
      worst = Math.max(worst, e);
      if (e > tol) over++;
    }
  }
  return { worst, over };
}

describe('terrain check points (source detail finer than the tile sample grid)', () => {
  const { grid, crs } = rough();
  const source = demHeightSource(grid, crs);

  it('a DEM lists its valid cell centres inside a rectangle as check points', () => {
    const all = source.checkPoints!(source.rectangle)!;
    expect(all.length).toBe(60 * 60 * 3);
    const [w, s, e, n] = source.rectangle;
    const half = source.checkPoints!([w, s, (w + e) / 2, (s + n) / 2])!;
    expect(half.length / 3).toBeGreaterThan(800);
    expect(half.length / 3).toBeLessThan(1000);
    for (let k = 0; k < half.length; k += 3) expect(half[k + 2]).toBeCloseTo(source.sample(half[k], half[k + 1]), 6);
  });

  it('keeps every DEM cell within the deepest level’s geometric error; without check points it does not', async () => {
    const level = 18;
    const tol = levelGeometricError(level);
    const withCp = path.join(tmp, 'with');
    await writeTerrain(withCp, source, { maxLevel: level, fadeDistance: 50 });
    const a = check(withCp, grid, crs, source, tol);
    expect(a.over).toBe(0);
    expect(a.worst).toBeLessThanOrEqual(tol);
    // The same source without check points: meshed at the samples only, cells between them deviate.
    const bare: HeightSource = { rectangle: source.rectangle, resolution: source.resolution, sample: (lon, lat) => source.sample(lon, lat) };
    const without = path.join(tmp, 'without');
    await writeTerrain(without, bare, { maxLevel: level, fadeDistance: 50 });
    const b = check(without, grid, crs, source, tol);
    expect(b.over).toBeGreaterThan(0);
    expect(b.worst).toBeGreaterThan(tol);
  });

  it('rtinCheckPointErrors measures height differences to every triangle holding a point, down to the finest', () => {
    // A 2×2-cell grid, flat at 0 except sample (1,1) = 1 m: the finest triangles follow it, the coarser ones do not.
    const h = rtinHierarchy(2);
    const heights = [0, 0, 0, 0, 1, 0, 0, 0, 0];
    // A point 0.5 m high at (0.6, 0.3): on the finest triangle (0,0)-(1,1)-(1,0)... its plane there is 0.3 → 0.2 off.
    const r = rtinCheckPointErrors(h, heights, [0.6, 0.3], [0.5]);
    expect(r.finest).toBeCloseTo(0.2, 9);
    // The root triangle (0,0)-(2,2)-(2,0) is the plane 0: 0.5 off.
    expect(r.extra[0]).toBeCloseTo(0.5, 9);
    expect(r.extra[1]).toBe(0); // the other root does not hold the point
  });
});
