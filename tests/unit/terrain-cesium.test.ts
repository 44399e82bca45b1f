/**
 * Cross-check with CesiumJS itself: CesiumTerrainProvider reads layer.json over HTTP, parses our tiles with its
 * own quantized-mesh decoder, and its QuantizedMeshTerrainData.interpolateHeight must give the source's heights.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Cartographic, CesiumTerrainProvider, GeographicTilingScheme, Math as CesiumMath, QuantizedMeshTerrainData, Request } from 'cesium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTangentProjection } from '../../src/core/geo/projection.js';
import { createGrid } from '../../src/core/grid/grid.js';
import {
  decodeQuantizedMesh,
  extendHeightSource,
  interpolateQuantizedMeshHeight,
  levelGeometricError,
  tileRangeTms,
  tileRangeXyz,
  tileRectangleTms,
  tileRectangleXyz,
  tilesY,
} from '../../src/core/terrain/index.js';
import { demHeightSource, writeTerrain } from '../../src/tiling/terrain/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'terrain-cesium-'));
let server: http.Server;
let base = '';
const crs = new LocalTangentProjection(113.32, 23.12);
const dem = createGrid(200, 150, -200, -150, 2);
const f = (x: number, y: number) => 20 + 15 * Math.exp(-(x * x + y * y) / 80 ** 2) + 2 * Math.sin(x / 40);
for (let r = 0; r < dem.nrows; r++) for (let c = 0; c < dem.ncols; c++) dem.data[r * dem.ncols + c] = f(dem.xll + (c + 0.5) * 2, dem.yll + (dem.nrows - r - 0.5) * 2);
const source = demHeightSource(dem, crs);
const surface = extendHeightSource(source, { fadeDistance: 200 });
const MAX = 16;

beforeAll(async () => {
  await writeTerrain(dir, source, { maxLevel: MAX, fadeDistance: 200 });
  server = http.createServer((req, res) => {
    const rel = decodeURIComponent((req.url ?? '/').split('?')[0]);
    const file = path.join(dir, rel);
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    const type = file.endsWith('.terrain') ? 'application/vnd.quantized-mesh' : 'application/json';
    res.writeHead(200, { 'Content-Type': type }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => {
  server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('CesiumJS reads the terrain', () => {
  it('parses tiles with its own decoder and interpolates the source heights', async () => {
    const provider = await CesiumTerrainProvider.fromUrl(base, { requestVertexNormals: true });
    expect(provider.hasVertexNormals).toBe(true);
    const scheme = provider.tilingScheme;
    const r = tileRangeTms(surface.rectangle, MAX)!;
    let checked = 0;
    for (const level of [0, 3, 9, 13, MAX]) {
      const range = level === MAX ? r : tileRangeTms(source.rectangle, level)!;
      const tmsY = range.startY;
      const x = range.startX;
      const cesiumY = tilesY(level) - 1 - tmsY; // Cesium counts rows from the north
      expect(provider.getTileDataAvailable(x, cesiumY, level)).toBe(true);
      const data = (await provider.requestTileGeometry(x, cesiumY, level, new Request({ throttle: false }))) as QuantizedMeshTerrainData;
      expect(data).toBeInstanceOf(QuantizedMeshTerrainData);
      const rect = scheme.tileXYToRectangle(x, cesiumY, level);
      const mine = decodeQuantizedMesh(fs.readFileSync(path.join(dir, String(level), String(x), `${tmsY}.terrain`)));
      for (let k = 0; k < 25; k++) {
        const lon = rect.west + ((k % 5) + 0.37) / 5 * rect.width;
        const lat = rect.south + (Math.floor(k / 5) + 0.61) / 5 * rect.height;
        const got = data.interpolateHeight(rect, lon, lat);
        const want = surface.sample(CesiumMath.toDegrees(lon), CesiumMath.toDegrees(lat));
        // Our decoder + interpolation agree with Cesium's.
        const ours = interpolateQuantizedMeshHeight(mine, tileRectangleTms(level, x, tmsY), CesiumMath.toDegrees(lon), CesiumMath.toDegrees(lat));
        expect(ours).toBeCloseTo(got, 3);
        expect(Math.abs(got - want), `level ${level}`).toBeLessThanOrEqual(levelGeometricError(level) + 0.02);
        checked++;
      }
    }
    // A tile beyond the written range is not available (Cesium upsamples its parent there).
    const outside = tileRangeTms(surface.rectangle, MAX)!;
    expect(provider.getTileDataAvailable(outside.endX + 3, tilesY(MAX) - 1 - outside.startY, MAX)).toBe(false);
    expect(checked).toBe(125);
  });
});

describe('imagery tile addressing matches Cesium GeographicTilingScheme (XYZ rows from the north)', () => {
  it('has the same tile rectangles and finds the same tile for a point', () => {
    const scheme = new GeographicTilingScheme();
    for (const z of [0, 5, 12, 18]) {
      const r = tileRangeXyz([113.31, 23.11, 113.33, 23.13], z)!;
      for (const [x, y] of [[r.startX, r.startY], [r.endX, r.endY]]) {
        const mine = tileRectangleXyz(z, x, y).map((d) => CesiumMath.toRadians(d));
        const c = scheme.tileXYToRectangle(x, y, z);
        [c.west, c.south, c.east, c.north].forEach((v, i) => expect(v).toBeCloseTo(mine[i], 12));
      }
      const xy = scheme.positionToTileXY(Cartographic.fromDegrees(113.3171, 23.1234), z)!;
      const rr = tileRangeXyz([113.3171, 23.1234, 113.3171 + 1e-9, 23.1234 + 1e-9], z)!;
      expect([rr.startX, rr.startY]).toEqual([xy.x, xy.y]);
    }
  });
});
