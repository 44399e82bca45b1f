/**
 * `twin import` readers on real data: CityJSON (Den Haag tile, 0.8, 2 498 objects; Delft 2.0) and GeoJSON footprints
 * (Shanghai OSM, 1 981 features), each against the same run's bare JSON.parse of the same bytes (the floor any reader
 * pays); plus the RD New → WGS84 transform per vertex against the local tangent projection. Heap growth while
 * importing is reported too (memory notes in src/tiling/import/README.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BenchRow } from '../src/cli/bench.js';
import { cityJsonImporter } from '../src/tiling/import/importers/cityjson.js';
import { geoJsonFootprintsImporter } from '../src/tiling/import/importers/geojson.js';
import type { ImportContext } from '../src/tiling/import/registry.js';
import { readFileBytes, readLines } from '../src/tiling/import/io.js';
import { createCrsTransform } from '../src/core/crs/index.js';
import { LocalTangentProjection } from '../src/core/geo/projection.js';

/** Short description. */
export const title = 'import readers (CityJSON, GeoJSON footprints, CRS) vs bare JSON.parse';

const ctx = (over: Partial<ImportContext> = {}): ImportContext => ({
  heading: 0,
  args: { positionals: [], options: new Map() },
  warn: () => {},
  skip: () => {},
  progress: () => {},
  readFile: readFileBytes,
  readLines,
  ...over,
});

async function best(n: number, f: () => Promise<unknown> | unknown): Promise<number> {
  let b = Infinity;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    b = Math.min(b, performance.now() - t);
  }
  return b;
}

/** Runs the benchmark. */
export async function run(options: { root: string; quick: boolean }): Promise<BenchRow[]> {
  const data = path.resolve(options.root, '../shared/data');
  if (!fs.existsSync(data)) throw new Error(`import bench: shared data not found at ${data}`);
  const reps = options.quick ? 1 : 3;
  const rows: BenchRow[] = [];
  const cases: [string, string, Partial<ImportContext>, typeof cityJsonImporter][] = [
    ['CityJSON Den Haag 0.8 (3.1 MB)', 'citymodels/nl_denhaag/DenHaag_01.json', { crs: 'EPSG:28992' }, cityJsonImporter],
    ['CityJSON Delft 2.0 (1.5 MB)', 'citymodels/nl_delft/cjio_delft.city.json', {}, cityJsonImporter],
    ['GeoJSON footprints Shanghai (0.9 MB)', 'footprints/shanghai_lujiazui_bund_osm_buildings_WGS84.geojson', {}, geoJsonFootprintsImporter],
  ];
  for (const [name, rel, over, imp] of cases) {
    const file = path.join(data, rel);
    const text = fs.readFileSync(file, 'utf8');
    const parse = await best(reps, () => JSON.parse(text));
    let objects = 0, triangles = 0;
    global.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    let heapPeak = heap0;
    await imp.import(file, ctx(over)); // warm-up (JIT), not timed
    const ms = await best(reps, async () => {
      const out = await imp.import(file, ctx(over));
      objects = out.layers.reduce((n, l) => n + l.model.features.length, 0);
      triangles = 0;
      for (const l of out.layers) for (const f of l.model.features) for (const p of f.lods[f.lods.length - 1]?.parts ?? []) triangles += p.indices.length / 3;
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    });
    rows.push({ bench: 'import', metric: `${name}: import`, value: ms, unit: 'ms', baseline: parse, ratio: ms / parse });
    rows.push({ bench: 'import', metric: `${name}: objects per second`, value: (objects / ms) * 1000, unit: 'obj/s' });
    // Target (CityJSON): ≥ 1 M output triangles per second on the 2-core reference machine.
    const tps = (triangles / ms) * 1000;
    const isCityJson = imp === cityJsonImporter;
    rows.push({
      bench: 'import',
      metric: `${name}: output triangles per second`,
      value: tps,
      unit: 'tri/s',
      ...(isCityJson ? { target: '≥ 1,000,000 tri/s', pass: tps >= 1e6 } : {}),
    });
    rows.push({ bench: 'import', metric: `${name}: heap growth / file size`, value: (heapPeak - heap0) / text.length, unit: '×' });
  }
  // Streaming (two bounded passes) vs whole-document parsing of the same file.
  {
    const file = path.join(data, 'citymodels/nl_denhaag/DenHaag_01.json');
    const stream = { positionals: [], options: new Map([['stream', ['true']]]) };
    const whole = await best(reps, () => cityJsonImporter.import(file, ctx({ crs: 'EPSG:28992' })));
    const streamed = await best(reps, () => cityJsonImporter.import(file, ctx({ crs: 'EPSG:28992', args: stream })));
    rows.push({ bench: 'import', metric: 'CityJSON Den Haag streamed (--stream)', value: streamed, unit: 'ms', baseline: whole, ratio: streamed / whole });
  }
  // CRS: proj4 RD New → WGS84 per vertex vs the local tangent projection.
  const rd = createCrsTransform('EPSG:7415');
  const ltp = new LocalTangentProjection(4.36, 52.01);
  const N = options.quick ? 100_000 : 500_000;
  let sink = 0;
  const tRd = await best(reps, () => {
    for (let i = 0; i < N; i++) sink += rd.toGeodetic(84000 + (i % 1000), 447000 + i / 1000, 1)[0];
  });
  const tLtp = await best(reps, () => {
    for (let i = 0; i < N; i++) sink += ltp.toGeodetic(i % 1000, i / 1000, 1)[0];
  });
  void sink;
  rows.push({ bench: 'import', metric: 'RD New → WGS84 (proj4) per vertex', value: (tRd / N) * 1e6, unit: 'ns', baseline: (tLtp / N) * 1e6, ratio: tRd / tLtp });
  return rows;
}
