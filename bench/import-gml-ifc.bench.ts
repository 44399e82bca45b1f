/**
 * `twin import` of CityGML and IFC on real data: Den Haag tile 01 (CityGML 1.0, 0.97 MB gz / 23.9 MB XML, streamed
 * through the SAX reader) against the same run's bare gunzip + UTF-8 decode of the file (the floor of any reader),
 * and Office_A (IFC2X3, 4.1 MB) against web-ifc's own OpenModel + StreamAllMeshes (the geometry floor). Reports
 * throughput (triangles/s, MB/s) and peak memory growth (heap sampled while streaming; RSS for the WASM heap).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { BenchRow } from '../src/cli/bench.js';
import { readCityGmlFile } from '../src/tiling/import/citygml.js';
import { ifcApi } from '../src/tiling/import/ifc.js';
import { buildCityGmlModels } from '../src/core/formats/citygml/index.js';
import { readIfc } from '../src/core/formats/ifc/reader.js';
import { createCrsTransform, modelFrameFor } from '../src/core/crs/index.js';
import type { FeatureCollectionModel } from '../src/core/model/feature.js';

/** Short description. */
export const title = 'CityGML (Den Haag, streamed) and IFC (Office_A, web-ifc) import throughput and memory';

async function best<T>(n: number, f: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  let ms = Infinity;
  let value!: T;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    value = await f();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, value };
}

function triangles(m: FeatureCollectionModel | null): number {
  let n = 0;
  for (const f of m?.features ?? []) for (const l of f.lods) for (const p of l.parts) n += p.indices.length / 3;
  return n;
}

/** Runs the benchmark. */
export async function run(options: { root: string; quick: boolean }): Promise<BenchRow[]> {
  const data = path.resolve(options.root, '../shared/data');
  if (!fs.existsSync(data)) throw new Error(`import-gml-ifc bench: shared data not found at ${data}`);
  const reps = options.quick ? 1 : 3;
  const rows: BenchRow[] = [];
  const bench = 'import-gml-ifc';

  // CityGML, streamed.
  const gml = path.join(data, 'citymodels/nl_denhaag/DenHaag_01.citygml.xml.gz');
  const gz = fs.readFileSync(gml);
  const floor = await best(reps, () => zlib.gunzipSync(gz).toString('utf8').length);
  const xmlBytes = floor.value;
  const importGml = async (sample?: () => void) => {
    const doc = await readCityGmlFile(gml, { onProgress: sample });
    const src = createCrsTransform(doc.srsName ?? 'EPSG:28992', { axisOrder: 'authority' });
    const frame = modelFrameFor(src, 78600, 457900);
    const models = buildCityGmlModels(doc, { frame });
    sample?.();
    return triangles(models.city) + (models.tin ? models.tin.triangles.length / 9 : 0);
  };
  const gmlRun = await best(reps, () => importGml());
  // Memory: one more run from a collected heap, sampled after every decoded chunk (run with node --expose-gc).
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let heapPeak = heap0;
  await importGml(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)));
  rows.push({ bench, metric: 'CityGML Den Haag (23.9 MB XML): read + build', value: gmlRun.ms, unit: 'ms', baseline: floor.ms, ratio: gmlRun.ms / floor.ms, target: 'baseline = gunzip + decode only' });
  rows.push({ bench, metric: 'CityGML Den Haag: triangles per second', value: (gmlRun.value / gmlRun.ms) * 1000, unit: 'tri/s' });
  rows.push({ bench, metric: 'CityGML Den Haag: XML throughput', value: xmlBytes / 1e6 / (gmlRun.ms / 1000), unit: 'MB/s' });
  const growth = (heapPeak - heap0) / xmlBytes;
  rows.push({ bench, metric: 'CityGML Den Haag: peak heap growth / XML size', value: growth, unit: '×', target: global.gc ? '< 2 (a DOM takes ~10×)' : 'run with node --expose-gc', pass: global.gc ? growth < 2 : undefined });

  // IFC through web-ifc.
  const ifcFile = path.join(data, 'bim/Office_A_20110811.ifc');
  const bytes = new Uint8Array(fs.readFileSync(ifcFile));
  const api = await ifcApi();
  const ifcFloor = await best(reps, () => {
    const m = api.OpenModel(bytes, { COORDINATE_TO_ORIGIN: false });
    let n = 0;
    api.StreamAllMeshes(m, (mesh) => {
      for (let i = 0; i < mesh.geometries.size(); i++) {
        const g = api.GetGeometry(m, mesh.geometries.get(i).geometryExpressID);
        n += g.GetIndexDataSize() / 3;
        g.delete();
      }
    });
    api.CloseModel(m);
    return n;
  });
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const h1 = process.memoryUsage().heapUsed;
  const ifcRun = await best(reps, () => readIfc(api, bytes, { fileName: 'Office_A_20110811.ifc' }));
  const rss1 = process.memoryUsage().rss;
  const h2 = process.memoryUsage().heapUsed;
  const tri = ifcRun.value.triangles;
  rows.push({ bench, metric: 'IFC Office_A (4.1 MB): read (elements, psets, storeys)', value: ifcRun.ms, unit: 'ms', baseline: ifcFloor.ms, ratio: ifcRun.ms / ifcFloor.ms, target: 'baseline = web-ifc open + meshes only' });
  rows.push({ bench, metric: 'IFC Office_A: triangles per second', value: (tri / ifcRun.ms) * 1000, unit: 'tri/s' });
  rows.push({ bench, metric: 'IFC Office_A: file throughput', value: bytes.length / 1e6 / (ifcRun.ms / 1000), unit: 'MB/s' });
  rows.push({ bench, metric: 'IFC Office_A: heap growth (model kept)', value: (h2 - h1) / 1e6, unit: 'MB' });
  rows.push({ bench, metric: 'IFC Office_A: RSS growth (incl. WASM heap)', value: (rss1 - rss0) / 1e6, unit: 'MB' });
  return rows;
}
