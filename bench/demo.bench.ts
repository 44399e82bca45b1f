/**
 * The seeded demo-city generator: wall time of generateDemoCity (target < 8 s on the 2-core build machine) and the
 * size of what it produces (buildings, triangles per tileset source, network sizes). The baseline is the same run's
 * DEM-only pass (generating the 2 m terrain grid alone), so the ratio shows what the city adds on top of it.
 */
import type { BenchRow } from '../src/cli/bench.js';
import { generateDemoCity } from '../src/core/demo/index.js';
import { generateTerrain } from '../src/core/demo/terrain.js';
import { Rng } from '../src/core/demo/random.js';
import type { FeatureCollectionModel } from '../src/core/model/feature.js';

/** Short description. */
export const title = 'demo city generator (seeded Guangzhou district)';

function triangles(m: FeatureCollectionModel, lod?: string): number {
  let n = 0;
  for (const f of m.features) for (const l of f.lods) if (!lod || l.lod === lod) for (const p of l.parts) n += p.indices.length / 3;
  return n;
}

/** Runs the benchmark. */
export async function run(options: { root: string; quick: boolean }): Promise<BenchRow[]> {
  const reps = options.quick ? 1 : 3;
  let best = Infinity, demBest = Infinity;
  let city = generateDemoCity(20261123);
  for (let i = 0; i < reps; i++) {
    let t = performance.now();
    generateTerrain(new Rng(i), [[0, 0], [400, 300], [-500, -400]]);
    demBest = Math.min(demBest, performance.now() - t);
    t = performance.now();
    city = generateDemoCity(20261123 + i);
    best = Math.min(best, performance.now() - t);
  }
  const b = 'demo';
  const rows: BenchRow[] = [
    { bench: b, metric: 'generateDemoCity wall time', value: best, unit: 'ms', baseline: demBest, ratio: best / demBest, target: '< 8000 ms', pass: best < 8000 },
    { bench: b, metric: 'buildings', value: city.buildings.features.length, unit: '' },
    { bench: b, metric: 'building LOD2 triangles', value: triangles(city.buildings, '2'), unit: 'tri', target: '< 250000', pass: triangles(city.buildings, '2') < 250_000 },
    { bench: b, metric: 'building LOD1 triangles', value: triangles(city.buildings, '1'), unit: 'tri' },
    { bench: b, metric: 'BIM elements', value: city.bim.features.length, unit: '' },
    { bench: b, metric: 'BIM triangles', value: triangles(city.bim), unit: 'tri', target: '< 150000', pass: triangles(city.bim) < 150_000 },
    { bench: b, metric: 'pipe features', value: city.pipes.features.length, unit: '' },
    { bench: b, metric: 'pipe triangles', value: triangles(city.pipes), unit: 'tri' },
  ];
  for (const n of city.networks) rows.push({ bench: b, metric: `${n.kind} network nodes / links`, value: n.nodes.length, unit: `nodes, ${n.links.length} links` });
  rows.push({ bench: b, metric: 'DEM cells', value: city.dem.ncols * city.dem.nrows, unit: 'cells' });
  return rows;
}
