import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import proj4 from 'proj4';
import { fromArrayBuffer } from 'geotiff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTangentProjection, type CoordinateTransform } from '../../src/core/geo/projection.js';
import { geodeticToEcef, WGS84_A, WGS84_B } from '../../src/core/geo/ellipsoid.js';
import { createGrid, type Grid } from '../../src/core/grid/grid.js';
import {
  QUANTIZED_MAX,
  decodeQuantizedMesh,
  extendHeightSource,
  interpolateQuantizedMeshHeight,
  levelGeometricError,
  octDecode,
  tileRangeTms,
  tileRectangleTms,
  vertexHeights,
  type QuantizedMesh,
  type TerrainSurface,
} from '../../src/core/terrain/index.js';
import { defaultMaxLevel, demHeightSource, fadeMarginMaxLevel, mergeHeightSources, writeTerrain, type HeightSource, type TerrainSummary } from '../../src/tiling/terrain/index.js';

const SHARED = path.resolve(process.cwd(), '../shared/data');
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'terrain-test-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

interface Tile {
  level: number;
  x: number;
  y: number;
  mesh: QuantizedMesh;
  heights: Float64Array;
}

/** Reads and decodes every tile under dir, checking layer.json's `available` against the files. */
function readAll(dir: string): { layer: any; tiles: Map<string, Tile> } {
  const layer = JSON.parse(fs.readFileSync(path.join(dir, 'layer.json'), 'utf8'));
  const tiles = new Map<string, Tile>();
  const onDisk: string[] = [];
  for (const z of fs.readdirSync(dir).filter((d) => /^\d+$/.test(d))) {
    for (const x of fs.readdirSync(path.join(dir, z))) {
      for (const f of fs.readdirSync(path.join(dir, z, x))) {
        const y = f.replace(/\.terrain$/, '');
        onDisk.push(`${z}/${x}/${y}`);
        const mesh = decodeQuantizedMesh(fs.readFileSync(path.join(dir, z, x, f)));
        tiles.set(`${z}/${x}/${y}`, { level: +z, x: +x, y: +y, mesh, heights: vertexHeights(mesh) });
      }
    }
  }
  const listed: string[] = [];
  (layer.available as { startX: number; startY: number; endX: number; endY: number }[][]).forEach((ranges, z) => {
    for (const r of ranges) for (let x = r.startX; x <= r.endX; x++) for (let y = r.startY; y <= r.endY; y++) listed.push(`${z}/${x}/${y}`);
  });
  expect(onDisk.sort()).toEqual(listed.sort());
  return { layer, tiles };
}

/** Geodetic position of vertex k of a tile as Cesium decodes it. */
function vertexGeo(t: Tile, k: number): [number, number, number] {
  const [w, s, e, n] = tileRectangleTms(t.level, t.x, t.y);
  return [w + (t.mesh.u[k] / QUANTIZED_MAX) * (e - w), s + (t.mesh.v[k] / QUANTIZED_MAX) * (n - s), t.heights[k]];
}

/** Height of the tile's mesh at (lon, lat), interpolated in the triangle holding it (as Cesium samples terrain). */
function meshHeightAt(t: Tile, lon: number, lat: number): number {
  const h = interpolateQuantizedMeshHeight(t.mesh, tileRectangleTms(t.level, t.x, t.y), lon, lat);
  if (Number.isNaN(h)) throw new Error(`no triangle of ${t.level}/${t.x}/${t.y} holds (${lon}, ${lat})`);
  return h;
}

/** Cesium's EllipsoidalOccluder magnitude of a point relative to a scaled-space direction. */
function occluderMagnitude(p: readonly number[], dir: readonly number[]): number {
  const s = [p[0] / WGS84_A, p[1] / WGS84_A, p[2] / WGS84_B];
  let m2 = s[0] ** 2 + s[1] ** 2 + s[2] ** 2;
  let m = Math.sqrt(m2);
  const u = s.map((c) => c / m);
  m2 = Math.max(1, m2);
  m = Math.max(1, m);
  const cosA = u[0] * dir[0] + u[1] * dir[1] + u[2] * dir[2];
  const sinA = Math.hypot(u[1] * dir[2] - u[2] * dir[1], u[2] * dir[0] - u[0] * dir[2], u[0] * dir[1] - u[1] * dir[0]);
  return 1 / (cosA / m - sinA * (Math.sqrt(m2 - 1) / m));
}

/** Checks everything a client relies on in one decoded tile. */
function checkTile(t: Tile): void {
  const { mesh, heights } = t;
  const h = mesh.header;
  const n = mesh.u.length;
  expect(n).toBeGreaterThanOrEqual(3);
  // Header heights bound the vertices (both stored as float32 exactly).
  let lo = Infinity, hi = -Infinity;
  for (const v of heights) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  expect(lo).toBeCloseTo(h.minimumHeight, 6);
  expect(hi).toBeCloseTo(h.maximumHeight, 6);
  // Bounding sphere holds every vertex; horizon point (where finite) is beyond every vertex's horizon.
  const hop = h.horizonOcclusionPoint;
  const hopLen = Math.hypot(...hop);
  const dir = hop.map((c) => c / hopLen);
  if (!Number.isFinite(hop[0])) expect(t.level).toBeLessThanOrEqual(1);
  let sphereExcess = -Infinity, horizonExcess = -Infinity;
  for (let k = 0; k < n; k++) {
    const [lon, lat, hv] = vertexGeo(t, k);
    const p = geodeticToEcef(lon, lat, hv);
    const d = Math.hypot(p[0] - h.boundingSphereCenter[0], p[1] - h.boundingSphereCenter[1], p[2] - h.boundingSphereCenter[2]);
    sphereExcess = Math.max(sphereExcess, d - h.boundingSphereRadius * (1 + 1e-9) - 1e-6);
    if (Number.isFinite(hop[0])) horizonExcess = Math.max(horizonExcess, occluderMagnitude(p, dir) - hopLen * (1 + 1e-9));
  }
  expect(sphereExcess).toBeLessThanOrEqual(0);
  expect(horizonExcess).toBeLessThanOrEqual(0);
  // Edge lists: exactly the vertices on each edge, sorted along it.
  const pick = (pred: (k: number) => boolean) => {
    const out: number[] = [];
    for (let k = 0; k < n; k++) if (pred(k)) out.push(k);
    return out;
  };
  const sorted = (list: Uint32Array, key: Uint16Array) => [...list].every((k, i) => i === 0 || key[list[i - 1]] <= key[k]);
  expect([...mesh.westIndices].sort((a, b) => a - b)).toEqual(pick((k) => mesh.u[k] === 0));
  expect([...mesh.eastIndices].sort((a, b) => a - b)).toEqual(pick((k) => mesh.u[k] === QUANTIZED_MAX));
  expect([...mesh.southIndices].sort((a, b) => a - b)).toEqual(pick((k) => mesh.v[k] === 0));
  expect([...mesh.northIndices].sort((a, b) => a - b)).toEqual(pick((k) => mesh.v[k] === QUANTIZED_MAX));
  expect(sorted(mesh.westIndices, mesh.v) && sorted(mesh.southIndices, mesh.u)).toBe(true);
  // Triangles are counter-clockwise and cover the tile exactly.
  let area = 0, minCross = Infinity;
  for (let i = 0; i < mesh.indices.length; i += 3) {
    const a = mesh.indices[i], b = mesh.indices[i + 1], c = mesh.indices[i + 2];
    const cross = (mesh.u[b] - mesh.u[a]) * (mesh.v[c] - mesh.v[a]) - (mesh.v[b] - mesh.v[a]) * (mesh.u[c] - mesh.u[a]);
    minCross = Math.min(minCross, cross);
    area += cross / 2;
  }
  expect(minCross).toBeGreaterThan(0);
  expect(area).toBe(QUANTIZED_MAX * QUANTIZED_MAX);
  // Normals: present, unit, pointing up (within 60° of the ellipsoid normal for gentle terrain).
  expect(mesh.octNormals?.length).toBe(2 * n);
  const [lon0, lat0] = vertexGeo(t, 0);
  const up = geodeticToEcef(lon0, lat0, 1).map((c, i) => c - geodeticToEcef(lon0, lat0, 0)[i]);
  const nrm = octDecode(mesh.octNormals![0], mesh.octNormals![1]);
  expect(nrm[0] * up[0] + nrm[1] * up[1] + nrm[2] * up[2]).toBeGreaterThan(0.5);
}

/** Deterministic pseudo-random numbers. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Neighbour edges: where two tiles meet, shared vertices have the same height and every edge vertex lies within the error of the other side. */
function checkNeighbours(tiles: Map<string, Tile>, level: number): number {
  let pairs = 0;
  const edgeProfile = (t: Tile, list: Uint32Array, along: Uint16Array) => [...list].map((k) => [along[k], t.heights[k]] as [number, number]).sort((a, b) => a[0] - b[0]);
  const interp = (prof: [number, number][], q: number) => {
    for (let i = 1; i < prof.length; i++) {
      if (q <= prof[i][0]) {
        const [q0, h0] = prof[i - 1], [q1, h1] = prof[i];
        return q1 === q0 ? h0 : h0 + ((h1 - h0) * (q - q0)) / (q1 - q0);
      }
    }
    return prof[prof.length - 1][1];
  };
  const err = levelGeometricError(level);
  for (const t of tiles.values()) {
    if (t.level !== level) continue;
    for (const [dx, dy] of [[1, 0], [0, 1]]) {
      const nb = tiles.get(`${level}/${t.x + dx}/${t.y + dy}`);
      if (!nb) continue;
      pairs++;
      const a = dx ? edgeProfile(t, t.mesh.eastIndices, t.mesh.v) : edgeProfile(t, t.mesh.northIndices, t.mesh.u);
      const b = dx ? edgeProfile(nb, nb.mesh.westIndices, nb.mesh.v) : edgeProfile(nb, nb.mesh.southIndices, nb.mesh.u);
      const quant = (t.mesh.header.maximumHeight - t.mesh.header.minimumHeight + nb.mesh.header.maximumHeight - nb.mesh.header.minimumHeight) / QUANTIZED_MAX;
      const bMap = new Map(b);
      // Shared vertices also have identical normals (both sides sample the same global grid).
      const normalAt = (tt: Tile, list: Uint32Array, along: Uint16Array) =>
        new Map([...list].map((k) => [along[k], `${tt.mesh.octNormals![2 * k]},${tt.mesh.octNormals![2 * k + 1]}`] as [number, string]));
      const na = dx ? normalAt(t, t.mesh.eastIndices, t.mesh.v) : normalAt(t, t.mesh.northIndices, t.mesh.u);
      const nbN = dx ? normalAt(nb, nb.mesh.westIndices, nb.mesh.v) : normalAt(nb, nb.mesh.southIndices, nb.mesh.u);
      for (const [q, code] of na) if (nbN.has(q)) expect(nbN.get(q)).toBe(code);
      for (const [q, hv] of a) {
        if (bMap.has(q)) expect(Math.abs(bMap.get(q)! - hv)).toBeLessThanOrEqual(quant + 1e-6);
        expect(Math.abs(interp(b, q) - hv)).toBeLessThanOrEqual(err + quant + 1e-6);
      }
      expect(a[0][0]).toBe(0);
      expect(b[b.length - 1][0]).toBe(QUANTIZED_MAX);
    }
  }
  return pairs;
}

/** A smooth synthetic DEM (local metres around Guangzhou): hills, a valley and a NaN hole. */
function syntheticDem(withHole: boolean): { dem: Grid; crs: LocalTangentProjection; f: (x: number, y: number) => number } {
  const crs = new LocalTangentProjection(113.32, 23.12);
  const f = (x: number, y: number) => 12 + 20 * Math.exp(-((x - 100) ** 2 + (y - 50) ** 2) / 150 ** 2) + 3 * Math.sin(x / 90) * Math.cos(y / 120) + 0.01 * y;
  const dem = createGrid(300, 200, -300, -200, 2); // 600 m × 400 m at 2 m
  for (let r = 0; r < dem.nrows; r++) {
    for (let c = 0; c < dem.ncols; c++) {
      const x = dem.xll + (c + 0.5) * 2, y = dem.yll + (dem.nrows - r - 0.5) * 2;
      dem.data[r * dem.ncols + c] = withHole && Math.abs(x + 150) < 40 && Math.abs(y) < 30 ? NaN : f(x, y);
    }
  }
  return { dem, crs, f };
}

describe('writeTerrain with a geographic (local tangent) DEM', () => {
  const dir = path.join(tmpRoot, 'synthetic');
  let summary: TerrainSummary;
  let all: ReturnType<typeof readAll>;
  let source: HeightSource;
  let surface: TerrainSurface;
  const { dem, crs, f } = syntheticDem(true);

  beforeAll(async () => {
    source = demHeightSource(dem, crs);
    summary = await writeTerrain(dir, source, { fadeDistance: 300 });
    surface = extendHeightSource(source, { fadeDistance: 300 });
    all = readAll(dir);
  });

  it('writes layer.json as CesiumTerrainProvider expects, levels 0..17 for a 2 m DEM', () => {
    expect(defaultMaxLevel(2)).toBe(17);
    expect(summary.maxLevel).toBe(17);
    expect(summary.minLevel).toBe(0);
    const { layer } = all;
    expect(layer).toMatchObject({
      tilejson: '2.1.0',
      format: 'quantized-mesh-1.0',
      scheme: 'tms',
      projection: 'EPSG:4326',
      tiles: ['{z}/{x}/{y}.terrain?v={version}'],
      extensions: ['octvertexnormals'],
    });
    expect(typeof layer.version).toBe('string');
    expect(layer.bounds).toHaveLength(4);
    expect(layer.available).toHaveLength(18);
    // The whole world exists at the low levels.
    expect(layer.available[0]).toEqual([{ startX: 0, startY: 0, endX: 1, endY: 0 }]);
    expect(layer.available[3]).toEqual([{ startX: 0, startY: 0, endX: 15, endY: 7 }]);
    expect(summary.tiles).toBe(all.tiles.size);
    const sum = [...fs.readdirSync(dir, { recursive: true }) as string[]]
      .filter((p) => p.endsWith('.terrain') || p === 'layer.json')
      .reduce((s, p) => s + fs.statSync(path.join(dir, p)).size, 0);
    expect(summary.bytes).toBe(sum);
  });

  it('every tile decodes with consistent header, edges, winding and normals', () => {
    for (const t of all.tiles.values()) checkTile(t);
  });

  it('heights at random points are within the level geometric error of the source', () => {
    const rand = rng(7);
    let checked = 0;
    for (const t of all.tiles.values()) {
      const err = levelGeometricError(t.level);
      const [w, s, e, n] = tileRectangleTms(t.level, t.x, t.y);
      const quant = (t.mesh.header.maximumHeight - t.mesh.header.minimumHeight) / QUANTIZED_MAX;
      const samples = t.level >= 14 ? 6 : 2;
      for (let k = 0; k < samples; k++) {
        const lon = w + (e - w) * rand(), lat = s + (n - s) * rand();
        const want = surface.sample(lon, lat);
        const got = meshHeightAt(t, lon, lat);
        // Cesium interpolates heights linearly in (u, v); allow the error bound plus 16-bit quantization.
        expect(Math.abs(got - want), `${t.level}/${t.x}/${t.y} at ${lon},${lat}`).toBeLessThanOrEqual(err + quant + 0.02);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
    // Against the analytic terrain where the DEM is valid, at the deepest level.
    const deepest = [...all.tiles.values()].filter((t) => t.level === 17);
    let worst = 0;
    for (let k = 0; k < 300; k++) {
      const x = -280 + 560 * rand(), y = -180 + 360 * rand();
      if (Math.abs(x + 150) < 45 && Math.abs(y) < 35) continue;
      const [lon, lat] = crs.toGeodetic(x, y, 0);
      const t = deepest.find((tt) => {
        const r = tileRectangleTms(17, tt.x, tt.y);
        return lon >= r[0] && lon < r[2] && lat >= r[1] && lat < r[3];
      })!;
      worst = Math.max(worst, Math.abs(meshHeightAt(t, lon, lat) - f(x, y)));
    }
    expect(worst).toBeLessThanOrEqual(levelGeometricError(17) + 0.05);
  });

  it('neighbouring tiles share their edge heights', () => {
    expect(checkNeighbours(all.tiles, 17)).toBeGreaterThan(50);
    expect(checkNeighbours(all.tiles, 15)).toBeGreaterThan(3);
    expect(checkNeighbours(all.tiles, 2)).toBeGreaterThan(10);
  });

  it('fills the nodata hole smoothly and fades to 0 m outside without cliffs', () => {
    // Inside the hole: close to the surrounding terrain, not faded towards 0 m.
    const [hLon, hLat] = crs.toGeodetic(-150, 0, 0);
    expect(Number.isNaN(source.sample(hLon, hLat))).toBe(true);
    const ring = [-195, -105].map((x) => f(x, 0));
    const filled = surface.sample(hLon, hLat);
    expect(filled).toBeGreaterThan(Math.min(...ring) - 1);
    expect(filled).toBeLessThan(Math.max(...ring) + 1);
    // A walk east from the DEM across its edge and 400 m beyond: continuous, ends at 0.
    let prev = surface.sample(...(crs.toGeodetic(250, 20, 0).slice(0, 2) as [number, number]));
    let maxStep = 0;
    for (let x = 251; x <= 720; x++) {
      const [lon, lat] = crs.toGeodetic(x, 20, 0);
      const hv = surface.sample(lon, lat);
      maxStep = Math.max(maxStep, Math.abs(hv - prev));
      prev = hv;
    }
    expect(maxStep).toBeLessThan(0.5);
    expect(prev).toBe(0);
    // A tile far away (level 3, the opposite hemisphere) is flat at 0 m.
    const far = all.tiles.get('3/2/2')!;
    expect(far.mesh.header.minimumHeight).toBe(0);
    expect(far.mesh.header.maximumHeight).toBe(0);
  });

  it('is deterministic: the same source gives the same bytes', async () => {
    const a = path.join(tmpRoot, 'det-a'), b = path.join(tmpRoot, 'det-b');
    const small = demHeightSource(dem, crs);
    await writeTerrain(a, small, { maxLevel: 13, fadeDistance: 300, worldLevels: 1 });
    await writeTerrain(b, small, { maxLevel: 13, fadeDistance: 300, worldLevels: 1 });
    const hashDir = (d: string) => {
      const files = (fs.readdirSync(d, { recursive: true }) as string[]).filter((p) => fs.statSync(path.join(d, p)).isFile()).sort();
      const h = crypto.createHash('sha256');
      for (const p of files) h.update(p).update(fs.readFileSync(path.join(d, p)));
      return [files.length, h.digest('hex')];
    };
    expect(hashDir(a)).toEqual(hashDir(b));
    // A second write into the same folder replaces the old tiles (available still matches the files).
    await writeTerrain(a, small, { maxLevel: 11, fadeDistance: 300, worldLevels: 1 });
    expect(readAll(a).layer.available).toHaveLength(12);
  });
});

describe('writeTerrain tiles the fade margin only down to the level matching its width', () => {
  it('covers source + margin down to fadeMarginMaxLevel, only the source below it, with every parent present', async () => {
    const { dem, crs } = syntheticDem(false);
    const source = demHeightSource(dem, crs);
    const fade = 2000;
    const margin = fadeMarginMaxLevel(fade);
    // Tiles at the margin's deepest level are at least half the fade distance tall, one level deeper they are not.
    expect((180 * 111_132) / 2 ** margin).toBeGreaterThanOrEqual(fade / 2);
    expect((180 * 111_132) / 2 ** (margin + 1)).toBeLessThan(fade / 2);
    const dir = path.join(tmpRoot, 'margin');
    const summary = await writeTerrain(dir, source, { fadeDistance: fade, maxLevel: margin + 2 });
    const surface = extendHeightSource(source, { fadeDistance: fade });
    const layer = JSON.parse(fs.readFileSync(path.join(dir, 'layer.json'), 'utf8')) as { available: { startX: number; startY: number; endX: number; endY: number }[][] };
    for (let L = 4; L <= margin + 2; L++) {
      const want = tileRangeTms(L <= margin ? surface.rectangle : source.rectangle, L)!;
      expect(layer.available[L], `level ${L}`).toEqual([{ startX: want.startX, startY: want.startY, endX: want.endX, endY: want.endY }]);
      // Cesium refines a tile only from an available parent.
      const parent = layer.available[L - 1][0];
      const r = layer.available[L][0];
      expect(r.startX >> 1).toBeGreaterThanOrEqual(parent.startX);
      expect(r.endX >> 1).toBeLessThanOrEqual(parent.endX);
      expect(r.startY >> 1).toBeGreaterThanOrEqual(parent.startY);
      expect(r.endY >> 1).toBeLessThanOrEqual(parent.endY);
    }
    // Below the margin levels, far fewer tiles than the margin would need.
    const deep = summary.levels[margin + 1];
    const wide = tileRangeTms(surface.rectangle, margin + 1)!;
    expect(deep.tiles).toBeLessThan(((wide.endX - wide.startX + 1) * (wide.endY - wide.startY + 1)) / 4);
  });
});

describe('height sources', () => {
  it('merge: the first valid source wins; rectangle is the union', () => {
    const crs = new LocalTangentProjection(113.32, 23.12);
    const a = createGrid(10, 10, 0, 0, 10, 5);
    a.data[0] = NaN; // north-west cell of A has no data
    const b = createGrid(20, 20, -50, -50, 10, 9);
    const m = mergeHeightSources(demHeightSource(a, crs), demHeightSource(b, crs));
    const at = (x: number, y: number) => m.sample(...(crs.toGeodetic(x, y, 0).slice(0, 2) as [number, number]));
    expect(at(50, 50)).toBeCloseTo(5, 5);
    expect(at(-20, -20)).toBeCloseTo(9, 5);
    expect(at(3, 97)).toBeCloseTo(9, 5); // A's nodata corner falls through to B
    expect(Number.isNaN(at(500, 500))).toBe(true);
    const [w, s] = crs.toGeodetic(-50, -50, 0);
    expect(m.rectangle[0]).toBeCloseTo(w, 9);
    expect(m.rectangle[1]).toBeCloseTo(s, 9);
    expect(m.resolution).toBeCloseTo(10, 3);
  });

  it('rejects malformed grids with an error naming the field', () => {
    const crs = new LocalTangentProjection(0, 0);
    expect(() => demHeightSource({ ...createGrid(2, 2, 0, 0, 1), cellSize: 0 }, crs)).toThrow(/cellSize/);
    expect(() => demHeightSource({ ...createGrid(2, 2, 0, 0, 1), data: new Float32Array(3) }, crs)).toThrow(/data has 3 values/);
    const empty = createGrid(4, 4, 0, 0, 1, NaN);
    return expect(writeTerrain(path.join(tmpRoot, 'empty'), demHeightSource(empty, crs), {})).rejects.toThrow(/no valid height/);
  });
});

describe('writeTerrain with a projected DEM with nodata (Delft AHN3, EPSG:28992)', () => {
  const tif = path.join(SHARED, 'terrain', 'delft_ahn3_dtm_1m_groundonly_EPSG28992.tif');
  const dir = path.join(tmpRoot, 'delft');
  /** RD New; heights NAP → ellipsoidal with a constant 43 m geoid offset (enough for the test). */
  const rd = proj4(
    '+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel +towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725 +units=m +no_defs',
    'WGS84',
  );
  const crs: CoordinateTransform = {
    name: 'EPSG:28992+NAP',
    toGeodetic: (x, y, z) => {
      const [lon, lat] = rd.forward([x, y]);
      return [lon, lat, z + 43];
    },
    fromGeodetic: (lon, lat, h) => {
      const [x, y] = rd.inverse([lon, lat]);
      return [x, y, h - 43];
    },
  };
  let grid: Grid;
  let all: ReturnType<typeof readAll>;
  let summary: TerrainSummary;

  beforeAll(async () => {
    if (!fs.existsSync(tif)) throw new Error(`shared test data missing: ${tif} (expected ../shared/data next to the repository)`);
    const buf = fs.readFileSync(tif);
    const image = await (await fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))).getImage();
    const [ox, oy] = image.getOrigin();
    const [rx] = image.getResolution();
    const nodata = image.getGDALNoData();
    const raster = (await image.readRasters({ interleave: true })) as unknown as Float32Array;
    const w = image.getWidth(), h = image.getHeight();
    grid = createGrid(w, h, ox, oy - h * rx, rx);
    for (let i = 0; i < w * h; i++) grid.data[i] = raster[i] === nodata ? NaN : raster[i];
    summary = await writeTerrain(dir, demHeightSource(grid, crs), { fadeDistance: 200 });
    all = readAll(dir);
  });

  it('reads the real DEM with its nodata', () => {
    const nan = grid.data.filter(Number.isNaN).length;
    expect(nan / grid.data.length).toBeGreaterThan(0.3);
    expect(summary.maxLevel).toBe(18); // 1 m cells
  });

  it('every tile decodes consistently and neighbours share edges', () => {
    for (const t of all.tiles.values()) checkTile(t);
    expect(checkNeighbours(all.tiles, 18)).toBeGreaterThan(20);
  });

  it('matches the DEM within the geometric error at sample points, with holes filled near the ground', () => {
    const source = demHeightSource(grid, crs);
    const rand = rng(11);
    const deepest = [...all.tiles.values()].filter((t) => t.level === 18);
    let checked = 0, holes = 0;
    for (let k = 0; k < 400; k++) {
      // Random cell centres of the DEM (where the source equals the cell value exactly).
      const c = Math.floor(rand() * grid.ncols), r = Math.floor(rand() * grid.nrows);
      const x = grid.xll + (c + 0.5) * grid.cellSize, y = grid.yll + (grid.nrows - r - 0.5) * grid.cellSize;
      const [lon, lat] = crs.toGeodetic(x, y, 0);
      const t = deepest.find((tt) => {
        const rr = tileRectangleTms(18, tt.x, tt.y);
        return lon >= rr[0] && lon < rr[2] && lat >= rr[1] && lat < rr[3];
      })!;
      const got = meshHeightAt(t, lon, lat);
      const v = grid.data[r * grid.ncols + c];
      if (Number.isNaN(v)) {
        // Nodata (under buildings): filled from the surrounding ground (NAP −0.5..2.3 m → 42.5..45.3 m), no pits.
        expect(got).toBeGreaterThan(42);
        expect(got).toBeLessThan(46);
        holes++;
        continue;
      }
      // The mesh interpolates samples 0.7 m apart; the 1 m DEM between them is bilinear. Allow the level error
      // plus the DEM's own local relief within one cell.
      const nb = [source.sample(lon, lat)];
      const local = Math.max(...[-1, 1].flatMap((d) => [grid.data[r * grid.ncols + Math.min(grid.ncols - 1, Math.max(0, c + d))], grid.data[Math.min(grid.nrows - 1, Math.max(0, r + d)) * grid.ncols + c]]).filter((q) => !Number.isNaN(q)).map((q) => Math.abs(q - v)), 0);
      expect(Math.abs(got - (v + 43))).toBeLessThanOrEqual(levelGeometricError(18) + local + 0.02);
      expect(nb[0]).toBeCloseTo(v + 43, 3);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    expect(holes).toBeGreaterThan(50);
  });
});

describe('writeTerrain with a geographic (EPSG:4326) DEM with nodata (terra elev.tif, Luxembourg)', () => {
  const tif = path.join(SHARED, 'terrain', 'terra_elev.tif');
  const dir = path.join(tmpRoot, 'lux');
  const identity: CoordinateTransform = {
    name: 'EPSG:4326',
    toGeodetic: (x, y, z) => [x, y, z],
    fromGeodetic: (lon, lat, h) => [lon, lat, h],
  };
  let grid: Grid;
  let all: ReturnType<typeof readAll>;
  let summary: TerrainSummary;

  beforeAll(async () => {
    if (!fs.existsSync(tif)) throw new Error(`shared test data missing: ${tif} (expected ../shared/data next to the repository)`);
    const buf = fs.readFileSync(tif);
    const image = await (await fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))).getImage();
    const [ox, oy] = image.getOrigin();
    const [rx, ry] = image.getResolution();
    expect(Math.abs(rx)).toBeCloseTo(Math.abs(ry), 9);
    const nodata = image.getGDALNoData();
    const raster = (await image.readRasters({ interleave: true })) as unknown as ArrayLike<number>;
    const w = image.getWidth(), h = image.getHeight();
    grid = createGrid(w, h, ox, oy - h * Math.abs(ry), rx);
    for (let i = 0; i < w * h; i++) grid.data[i] = raster[i] === nodata ? NaN : raster[i];
    summary = await writeTerrain(dir, demHeightSource(grid, identity), { fadeDistance: 5000 });
    all = readAll(dir);
  });

  it('picks the level matching 30" cells and writes consistent tiles', () => {
    expect(grid.data.some(Number.isNaN)).toBe(true);
    expect(summary.maxLevel).toBe(9);
    for (const t of all.tiles.values()) checkTile(t);
    expect(checkNeighbours(all.tiles, 9)).toBeGreaterThan(4);
  });

  it('matches the DEM at cell centres within the level error and fills nodata', () => {
    const rand = rng(5);
    const deepest = [...all.tiles.values()].filter((t) => t.level === 9);
    const vals = [...grid.data].filter((v) => !Number.isNaN(v));
    const lo = Math.min(...vals), hi = Math.max(...vals);
    let checked = 0;
    for (let k = 0; k < 300; k++) {
      const c = Math.floor(rand() * grid.ncols), r = Math.floor(rand() * grid.nrows);
      const lon = grid.xll + (c + 0.5) * grid.cellSize, lat = grid.yll + (grid.nrows - r - 0.5) * grid.cellSize;
      const t = deepest.find((tt) => {
        const rr = tileRectangleTms(9, tt.x, tt.y);
        return lon >= rr[0] && lon < rr[2] && lat >= rr[1] && lat < rr[3];
      })!;
      const got = meshHeightAt(t, lon, lat);
      const v = grid.data[r * grid.ncols + c];
      if (Number.isNaN(v)) {
        // Outside Luxembourg's border: faded, never above the highest or far below the lowest ground.
        expect(got).toBeLessThanOrEqual(hi + 1);
        expect(got).toBeGreaterThanOrEqual(0);
        continue;
      }
      const nbs = [-1, 1].flatMap((d) => [grid.data[r * grid.ncols + Math.min(grid.ncols - 1, Math.max(0, c + d))], grid.data[Math.min(grid.nrows - 1, Math.max(0, r + d)) * grid.ncols + c]]);
      const local = Math.max(0, ...nbs.filter((q) => !Number.isNaN(q)).map((q) => Math.abs(q - v)));
      expect(Math.abs(got - v)).toBeLessThanOrEqual(levelGeometricError(9) + local + 0.5);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    expect(lo).toBeGreaterThan(0);
  });
});
