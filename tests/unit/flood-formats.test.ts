/**
 * Grid and table formats used by the flood engine: ESRI ASCII grids, CSV series, GeoTIFF DEMs
 * (real AHN3 DTM of Delft and an Int16 SRTM-like DEM from ../shared/data/terrain).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAsc, formatAsc, GridFormatError } from '../../src/core/formats/asc.js';
import { parseTimeSeriesCsv, integrateSeries, sampleSeries, CsvFormatError } from '../../src/core/formats/csv.js';
import { readGeoTiffGrid } from '../../src/core/formats/geotiff-grid.js';

const shared = path.resolve(process.cwd(), '../shared/data');
const readBytes = (rel: string): ArrayBuffer => {
  const file = path.join(shared, rel);
  if (!fs.existsSync(file)) throw new Error(`test data missing: ${file} (../shared/data must exist next to the repo)`);
  const b = fs.readFileSync(file);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

describe('ESRI ASCII grid', () => {
  const text = `ncols 3
nrows 2
xllcorner 100
yllcorner 200
cellsize 5
NODATA_value -9999
1 2 3
4 -9999 6.5
`;
  it('parses header, rows north first, nodata as NaN, and round-trips', () => {
    const g = parseAsc(text, 'a.asc');
    expect([g.ncols, g.nrows, g.xll, g.yll, g.cellSize]).toEqual([3, 2, 100, 200, 5]);
    expect(Array.from(g.data.subarray(0, 3))).toEqual([1, 2, 3]);
    expect(Number.isNaN(g.data[4])).toBe(true);
    expect(g.data[5]).toBe(6.5);
    const back = parseAsc(formatAsc(g), 'b.asc');
    expect(back.ncols).toBe(3);
    expect(Array.from(back.data).map((v) => (Number.isNaN(v) ? null : v))).toEqual([1, 2, 3, 4, null, 6.5]);
  });

  it('accepts xllcenter/yllcenter and data on arbitrary line breaks', () => {
    const g = parseAsc('NCOLS 2\nNROWS 2\nXLLCENTER 0.5\nYLLCENTER 0.5\nCELLSIZE 1\n1 2 3\n4\n', 'c.asc');
    expect([g.xll, g.yll]).toEqual([0, 0]);
    expect(Array.from(g.data)).toEqual([1, 2, 3, 4]);
  });

  it('names file and line on malformed input', () => {
    expect(() => parseAsc('ncols 2\nnrows x\n', 'bad.asc')).toThrow(/bad\.asc:2: header 'nrows' has a non-numeric value/);
    expect(() => parseAsc('ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\n1 2 3 4\n', 'nocs.asc')).toThrow(/missing header 'cellsize'/);
    expect(() => parseAsc('ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2\n3\n', 'short.asc')).toThrow(
      /short\.asc:7: short data: expected nrows × ncols = 4 values, found 3/,
    );
    expect(() => parseAsc('ncols 2\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2\n3 NaN\n', 'nan.asc')).toThrow(/nan\.asc:7: value 4 \('NaN'\) is not a number/);
    expect(() => parseAsc('ncols 2\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2 3\n', 'long.asc')).toThrow(GridFormatError);
    expect(() => parseAsc('ncols 2\nrows 1\n', 'key.asc')).toThrow(/key\.asc:2: unknown header key 'rows'/);
  });
});

describe('CSV series', () => {
  it('parses with a header, interpolates and integrates exactly', () => {
    const s = parseTimeSeriesCsv('time_s,m3_per_s\n0,0\n100,2\n# comment\n300,0\n', 'h.csv', ['time_s', 'm3_per_s']);
    expect(sampleSeries(s, 50)).toBe(1);
    expect(sampleSeries(s, 1000)).toBe(0);
    expect(integrateSeries(s, 0, 300)).toBeCloseTo(300, 10);
    expect(integrateSeries(s, 50, 200)).toBeCloseTo(0.5 * (1 + 2) * 50 + 0.5 * (2 + 1) * 100, 10);
  });
  it('names file and line on bad rows', () => {
    expect(() => parseTimeSeriesCsv('time_s,level_m\n0,1\n10,abc\n', 'l.csv', ['time_s', 'level_m'])).toThrow(/l\.csv:3: column 'level_m' is not a number: 'abc'/);
    expect(() => parseTimeSeriesCsv('0,1,2\n', 'w.csv', ['time_s', 'level_m'])).toThrow(/w\.csv:1: expected 2 columns/);
    expect(() => parseTimeSeriesCsv('0,1\n0,2\n', 'd.csv', ['time_s', 'level_m'])).toThrow(CsvFormatError);
  });
});

describe('GeoTIFF grid reader', () => {
  it('reads the real Delft AHN3 DTM (Float32, EPSG:28992, nodata -9999)', async () => {
    const { grid, crs, nodata } = await readGeoTiffGrid(readBytes('terrain/delft_ahn3_dtm_1m_groundonly_EPSG28992.tif'), 'delft.tif');
    expect([grid.ncols, grid.nrows, grid.cellSize]).toEqual([265, 230, 1]);
    expect(grid.xll).toBeCloseTo(84808, 6);
    expect(grid.yll).toBeCloseTo(447642 - 230, 6);
    expect(crs.epsg).toBe('EPSG:28992');
    expect(nodata).toBe(-9999);
    let nan = 0, lo = Infinity, hi = -Infinity;
    for (const v of grid.data) {
      if (Number.isNaN(v)) nan++;
      else {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    expect(nan / grid.data.length).toBeGreaterThan(0.3); // 56 % valid per the data manifest
    expect(nan / grid.data.length).toBeLessThan(0.6);
    expect(lo).toBeGreaterThan(-0.6);
    expect(hi).toBeLessThan(2.4);
  });

  it('reads an Int16 geographic DEM (terra elev.tif) with its nodata', async () => {
    const { grid, crs } = await readGeoTiffGrid(readBytes('terrain/terra_elev.tif'), 'elev.tif');
    expect([grid.ncols, grid.nrows]).toEqual([95, 90]);
    expect(crs.epsg).toBe('EPSG:4326');
    expect(grid.xll).toBeCloseTo(5.74, 1);
    const valid = Array.from(grid.data).filter((v) => !Number.isNaN(v));
    expect(valid.length).toBeGreaterThan(1000);
    expect(valid.length).toBeLessThan(grid.data.length);
    expect(Math.max(...valid)).toBeLessThan(1000);
  });

  it('rejects bytes that are not a GeoTIFF with the file name', async () => {
    await expect(readGeoTiffGrid(new TextEncoder().encode('ncols 2').buffer as ArrayBuffer, 'x.tif')).rejects.toThrow(/x\.tif: not a readable GeoTIFF/);
  });
});
