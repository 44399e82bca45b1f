/**
 * Flood on the twin: the demo's 100-year 1 h Guangzhou storm prepared from the scene's analysis data (DEM resample,
 * footprint rasterisation) and run with the engine the browser worker uses, at 10 m (quick) and 5 m (the panel's
 * default). Reports model minutes per wall second (baseline: the same grid with no buildings blocked, same run),
 * the preparation time, the impact computation time and the frame memory of a stored run.
 */
import type { BenchRow } from '../src/cli/bench.js';
import { generateDemoCity } from '../src/core/demo/index.js';
import { FloodSimulation } from '../src/core/flood/simulation.js';
import { footprintOf, downsampleMean } from '../src/tiling/demo/analysis.js';
import { DEMO_SEED } from '../src/tiling/demo/build.js';
import { computeImpact } from '../src/viewer/flood/impact.js';
import { defaultScenario, prepareRun, type AnalysisData } from '../src/viewer/flood/scenario.js';
import { GEOID_UNDULATION, RIVER_LEVELS } from '../src/core/demo/terrain.js';

/** Short description. */
export const title = 'Flood on the twin: demo storm prepared from analysis data and simulated (10 m quick, 5 m default grid)';

/** Runs the benchmark. */
export async function run({ quick }: { root: string; quick: boolean }): Promise<BenchRow[]> {
  const city = generateDemoCity(DEMO_SEED);
  const data: AnalysisData = {
    header: { format: 'twin-dem-1', crs: city.crs.name, origin: { lon: city.crs.lon0, lat: city.crs.lat0 }, ncols: 0, nrows: 0, xll: 0, yll: 0, cellSize: 4, heights: 'ellipsoidal', data: '', riverLevel: RIVER_LEVELS.normalWater + GEOID_UNDULATION },
    crs: city.crs,
    dem: downsampleMean(city.dem, 2),
    buildings: city.buildings.features.map((f) => ({ id: f.id, name: String(f.attributes.name), nameEn: String(f.attributes.nameEn), residents: Number(f.attributes.residents), address: String(f.attributes.address), ring: footprintOf(f)! })),
    roads: city.roads.map((r) => ({ id: r.id, name: r.name.zh, nameEn: r.name.en, width: r.width, points: r.points })),
    entrances: [],
    breaches: [],
  };
  const rows: BenchRow[] = [];
  const minutes = quick ? 10 : 20;
  for (const cell of quick ? [10] : [10, 5]) {
    const sc = { ...defaultScenario(data), cellSize: cell, durationMin: minutes, stormMin: 60 };
    // Start in the storm's peak (minutes 14–34 of the 60) where flows are fastest.
    const t0 = performance.now();
    const prep = prepareRun(data, sc);
    const prepMs = performance.now() - t0;
    const timed = (blocked: boolean) => {
      const sim = new FloodSimulation({ ...prep.config, blocked: blocked ? prep.blocked : undefined, startTime: 14 * 60 });
      const w0 = performance.now();
      sim.advanceTo(14 * 60 + prep.duration);
      return { wall: (performance.now() - w0) / 1000, sim };
    };
    const base = timed(false);
    const twin = timed(true);
    const speed = minutes / twin.wall, baseSpeed = minutes / base.wall;
    const i0 = performance.now();
    const imp = computeImpact(prep.grid, twin.sim.maxDepthGrid().data, prep, undefined, twin.sim.time);
    const impactMs = performance.now() - i0;
    const tag = `${cell} m (${prep.grid.ncols}×${prep.grid.nrows})`;
    rows.push({ bench: 'flood-twin', metric: `prepare run ${tag}`, value: Math.round(prepMs), unit: 'ms' });
    rows.push({ bench: 'flood-twin', metric: `model min per wall s, storm peak, ${tag}`, value: Number(speed.toFixed(2)), unit: 'min/s', baseline: Number(baseSpeed.toFixed(2)), ratio: Number((speed / baseSpeed).toFixed(2)) });
    rows.push({ bench: 'flood-twin', metric: `impact (${imp.buildings.length} buildings flooded) ${tag}`, value: Number(impactMs.toFixed(1)), unit: 'ms' });
    rows.push({ bench: 'flood-twin', metric: `frame memory per model hour at 2 min frames ${tag}`, value: Number(((30 * prep.grid.ncols * prep.grid.nrows * 4) / 1048576).toFixed(1)), unit: 'MiB' });
  }
  return rows;
}
