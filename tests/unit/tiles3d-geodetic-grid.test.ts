/**
 * The tiler converts model coordinates to geodetic ones through checked per-cell interpolants (geodetic-grid.ts)
 * instead of one proj4 call per vertex. What a user relies on: positions within 1 mm of the exact transform for
 * every supported projected CRS, exact fallback where interpolation would not be, and the same tileset frame.
 */
import { describe, expect, it } from 'vitest';
import { createCrsTransform } from '../../src/core/crs/index.js';
import type { CoordinateTransform } from '../../src/core/geo/projection.js';
import { LocalTangentProjection } from '../../src/core/geo/projection.js';
import type { FeatureCollectionModel, MeshPart } from '../../src/core/model/feature.js';
import { GEODETIC_GRID_TOLERANCE_M, GeodeticGrid } from '../../src/tiling/tiles3d/geodetic-grid.js';
import { prepareModel } from '../../src/tiling/tiles3d/prepare.js';

/** Ground distance in metres between two lon/lat (spherical; fine for millimetre comparisons). */
function metres(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const R = 6378137, d = Math.PI / 180;
  return R * Math.hypot((b[1] - a[1]) * d, (b[0] - a[0]) * d * Math.cos(a[1] * d));
}

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Largest ground and height error of the grid against the exact transform over random points of a box. */
function worstError(crs: CoordinateTransform, x0: number, y0: number, size: number, n: number) {
  const grid = new GeodeticGrid(crs, x0, y0);
  const r = rng(42);
  const out = new Float64Array(3);
  let ground = 0, height = 0;
  for (let i = 0; i < n; i++) {
    const x = x0 + (r() - 0.5) * size, y = y0 + (r() - 0.5) * size, z = -20 + r() * 400;
    grid.toGeodetic(x, y, z, out, 0);
    const e = crs.toGeodetic(x, y, z);
    ground = Math.max(ground, metres(e, out));
    height = Math.max(height, Math.abs(out[2] - e[2]));
  }
  return { ground, height, stats: grid.stats };
}

describe('GeodeticGrid: checked interpolation of the model CRS', () => {
  // Real projected CRSs over a 20 km square around real data (Delft, Zurich, Guangzhou, a UTM zone edge).
  const cases: [string, string, number, number][] = [
    ['RD New + NAP (Delft)', 'EPSG:7415', 84900, 447500],
    ['LV95 (Zurich)', 'EPSG:2056', 2683000, 1247000],
    ['CGCS2000 GK CM 114° (Guangzhou)', 'EPSG:4547', 428000, 2557000],
    ['UTM 31N, 3° east of its meridian', 'EPSG:32631', 700000, 5760000],
  ];
  for (const [name, code, x, y] of cases) {
    it(`${name}: every point within 1 mm of proj4 (and heights exact to 1 µm), with few exact transforms`, () => {
      const crs = createCrsTransform(code);
      const n = 20_000;
      const { ground, height, stats } = worstError(crs, x, y, 20_000, n);
      expect(ground).toBeLessThan(0.001);
      // In practice far below the bound: the cells' checks measure 0.1 mm at most.
      expect(ground).toBeLessThan(GEODETIC_GRID_TOLERANCE_M);
      expect(height).toBeLessThan(1e-6);
      expect(stats.exactCells).toBe(0);
      // 15 exact transforms per 1 km cell (20 × 20 cells here at most), not one per point.
      expect(stats.exactCalls).toBeLessThan(n / 2);
    });
  }

  it('falls back to the exact transform in cells where interpolation would be wrong', () => {
    // A transform with a kink (longitude scale changes abruptly at x = 500): no smooth interpolant fits that cell.
    const kinked: CoordinateTransform = {
      name: 'kinked',
      toGeodetic: (x, y, z) => [4 + (x < 500 ? x : 500 + 3 * (x - 500)) * 1e-5, 52 + y * 1e-5, z],
      fromGeodetic: () => [0, 0, 0],
    };
    const grid = new GeodeticGrid(kinked, 0, 0);
    const out = new Float64Array(3);
    for (const [x, y, z] of [[100, 100, 5], [499, 900, 7], [501, 10, 0], [1500, 20, 3]]) {
      grid.toGeodetic(x, y, z, out, 0);
      expect(Array.from(out)).toEqual(kinked.toGeodetic(x, y, z));
    }
    expect(grid.stats.exactCells).toBeGreaterThan(0);
  });

  it('gives non-finite values where the exact transform does (the writer then skips the feature)', () => {
    const partial: CoordinateTransform = {
      name: 'partial',
      toGeodetic: (x, y, z) => (x > 1000 ? [NaN, NaN, NaN] : [4 + x * 1e-5, 52 + y * 1e-5, z]),
      fromGeodetic: () => [0, 0, 0],
    };
    const grid = new GeodeticGrid(partial, 0, 0);
    const out = new Float64Array(3);
    grid.toGeodetic(1200, 5, 0, out, 0);
    expect(Number.isNaN(out[0])).toBe(true);
    grid.toGeodetic(10, 5, 2, out, 0);
    expect(out[0]).toBeCloseTo(4.0001, 12);
  });

  it('takes its origin from the first finite point when the given one is not finite', () => {
    const crs = createCrsTransform('EPSG:7415');
    const grid = new GeodeticGrid(crs, NaN, NaN);
    const out = new Float64Array(3);
    expect(Number.isNaN(grid.cellSize)).toBe(true);
    grid.toGeodetic(84000, 447000, 3, out, 0);
    expect(metres(crs.toGeodetic(84000, 447000, 3), out)).toBeLessThan(1e-4);
    expect(grid.cellSize).toBeGreaterThan(900);
    grid.toGeodetic(84400, 447300, 3, out, 0);
    expect(metres(crs.toGeodetic(84400, 447300, 3), out)).toBeLessThan(1e-4);
    expect(grid.stats).toMatchObject({ cells: 1, exactCells: 0 });
  });

  it('sizes cells in metres also for a model in degrees', () => {
    const degrees: CoordinateTransform = { name: 'deg', toGeodetic: (x, y, z) => [x, y, z], fromGeodetic: (x, y, z) => [x, y, z] };
    const grid = new GeodeticGrid(degrees, 4.36, 52.01);
    expect(grid.cellSize).toBeGreaterThan(0.005);
    expect(grid.cellSize).toBeLessThan(0.02);
  });
});

describe('prepareModel with the grid and shared vertex memory', () => {
  /** A flat square grid mesh of k × k quads at (x0, y0), height z. */
  function sheet(x0: number, y0: number, k: number, z: number): MeshPart {
    const positions: number[] = [];
    const indices: number[] = [];
    for (let j = 0; j <= k; j++) for (let i = 0; i <= k; i++) positions.push(x0 + i, y0 + j, z);
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < k; i++) {
        const a = j * (k + 1) + i;
        indices.push(a, a + 1, a + k + 2, a, a + k + 2, a + k + 1);
      }
    }
    return { semantic: 'roof', positions, indices };
  }

  it('converts parts larger than a memory block and many small ones exactly like the CRS (within 1 mm)', () => {
    const crs = createCrsTransform('EPSG:7415');
    // One part of 40 401 vertices (larger than the first shared block) and 3 000 small ones.
    const features = [{ id: 'big', type: 'TINRelief', attributes: {}, lods: [{ lod: '1', parts: [sheet(84000, 447000, 200, 1)] }] }];
    for (let i = 0; i < 3000; i++) features.push({ id: `b${i}`, type: 'Building', attributes: {}, lods: [{ lod: '1', parts: [sheet(84000 + (i % 60) * 4, 447300 + Math.floor(i / 60) * 4, 2, 10 + (i % 7))] }] });
    const model: FeatureCollectionModel = { name: 'm', crs, features };
    const p = prepareModel(model);
    expect(p.features).toHaveLength(3001);
    expect(p.skipped).toEqual([]);
    // Back from the tileset's ENU frame to geodetic, compared with proj4 for every vertex.
    const m = p.frame.enuToEcef;
    let worst = 0;
    for (const f of p.features) {
      const src = features[f.index].lods[0].parts[0].positions;
      const enu = f.lods[0].parts[0].enu;
      expect(enu.length).toBe(src.length);
      for (let v = 0; v < src.length; v += 3) {
        const ex = m[12] + m[0] * enu[v] + m[4] * enu[v + 1] + m[8] * enu[v + 2];
        const ey = m[13] + m[1] * enu[v] + m[5] * enu[v + 1] + m[9] * enu[v + 2];
        const ez = m[14] + m[2] * enu[v] + m[6] * enu[v + 1] + m[10] * enu[v + 2];
        const [lon, lat, h] = crs.toGeodetic(src[v], src[v + 1], src[v + 2]);
        const want = ecef(lon, lat, h);
        worst = Math.max(worst, Math.hypot(ex - want[0], ey - want[1], ez - want[2]));
      }
    }
    expect(worst).toBeLessThan(0.001);
  });

  it('places vertices near and far (over 60 km) from the tileset origin exactly (both ENU code paths)', () => {
    const crs = new LocalTangentProjection(113.32, 23.12);
    const at = (id: string, x: number, y: number, z: number) => ({ id, type: 'Building', attributes: {}, lods: [{ lod: '1', parts: [sheet(x, y, 2, z)] }] });
    const model: FeatureCollectionModel = { name: 'm', crs, features: [at('w', -150_000, 0, 5), at('c', 0, 0, 40), at('ne', 120_000, 90_000, 300)] };
    const p = prepareModel(model);
    const m = p.frame.enuToEcef;
    for (const f of p.features) {
      const src = model.features[f.index].lods[0].parts[0].positions;
      const enu = f.lods[0].parts[0].enu;
      for (let v = 0; v < src.length; v += 3) {
        const got = [0, 1, 2].map((k) => m[12 + k] + m[k] * enu[v] + m[4 + k] * enu[v + 1] + m[8 + k] * enu[v + 2]);
        const [lon, lat, h] = crs.toGeodetic(src[v], src[v + 1], src[v + 2]);
        const want = ecef(lon, lat, h);
        expect(Math.hypot(got[0] - want[0], got[1] - want[1], got[2] - want[2])).toBeLessThan(0.001);
      }
    }
  });

  it('keeps the local tangent models (the demo city) on their exact positions', () => {
    const crs = new LocalTangentProjection(113.32, 23.12);
    const model: FeatureCollectionModel = { name: 'm', crs, features: [{ id: 'a', type: 'Building', attributes: {}, lods: [{ lod: '1', parts: [sheet(-3000, 2500, 3, 7)] }] }] };
    const p = prepareModel(model);
    const [w, s, e, n] = p.rectangle;
    const [lon0, lat0] = crs.toGeodetic(-3000, 2500, 0), [lon1, lat1] = crs.toGeodetic(-2997, 2503, 0);
    expect(Math.abs(w - lon0) + Math.abs(s - lat0) + Math.abs(e - lon1) + Math.abs(n - lat1)).toBeLessThan(1e-12);
    expect(p.minHeight).toBeCloseTo(7, 9);
  });
});

/** WGS84 ECEF of a geodetic position (independent of the tiler's code). */
function ecef(lonDeg: number, latDeg: number, h: number): [number, number, number] {
  const a = 6378137, f = 1 / 298.257223563, e2 = f * (2 - f);
  const lon = (lonDeg * Math.PI) / 180, lat = (latDeg * Math.PI) / 180;
  const N = a / Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
  return [(N + h) * Math.cos(lat) * Math.cos(lon), (N + h) * Math.cos(lat) * Math.sin(lon), (N * (1 - e2) + h) * Math.sin(lat)];
}
