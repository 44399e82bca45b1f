/**
 * The flood benches' synthetic model, shared by `flood.bench.ts` (Node), `flood-gpu.bench.ts` (Node) and the
 * WebGPU bench page `flood-gpu/page.ts` (browser), so every figure is for the same terrain. Pure: no Node, no DOM.
 */
import type { FloodConfig } from '../src/core/flood/config.js';
import type { Grid } from '../src/core/grid/grid.js';

/** Synthetic terrain: a 0.5 % slope to the east with undulations (depressions, ridges), n × n cells of `dx` m. */
export function benchTerrain(n: number, dx: number): Grid {
  const data = new Float32Array(n * n);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) data[r * n + c] = 0.005 * (n - c) * dx + 0.4 * Math.sin((r * dx) / 40) * Math.cos((c * dx) / 55);
  return { ncols: n, nrows: n, xll: 0, yll: 0, cellSize: dx, data };
}

/** The GPU bench's model: {@link benchTerrain} at 2 m, n = 0.03, 50 mm/h of rain, water 1 m below the top. */
export function benchConfig(n: number): FloodConfig {
  const dem = benchTerrain(n, 2);
  let zmax = -Infinity;
  for (const v of dem.data) zmax = Math.max(zmax, v);
  return { dem, manning: 0.03, rain: 50, initialLevel: zmax - 1 };
}
