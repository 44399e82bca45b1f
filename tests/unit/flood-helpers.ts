/** Shared fixtures of the flood engine tests. */
import type { FloodConfig } from '../../src/core/flood/config.js';
import type { Grid } from '../../src/core/grid/grid.js';

/** A grid of `ncols` × `nrows` cells of `dx` m whose cell values are f(x, y, column, row) at cell centres. */
export const grid = (ncols: number, nrows: number, dx: number, f: (x: number, y: number, c: number, r: number) => number): Grid => {
  const data = new Float32Array(ncols * nrows);
  for (let r = 0; r < nrows; r++) for (let c = 0; c < ncols; c++) data[r * ncols + c] = f((c + 0.5) * dx, (nrows - r - 0.5) * dx, c, r);
  return { ncols, nrows, xll: 0, yll: 0, cellSize: dx, data };
};

/**
 * A model that touches every code path, 48 × 37 cells of 2 m: hyetograph, Manning grid, buildings, nodata, point
 * inflow, free and level boundaries, wetting and drying.
 */
export function everyFeatureModel(): FloodConfig {
  const ncols = 48;
  const nrows = 37;
  const dem = grid(ncols, nrows, 2, (x, y, c, r) => (r === 20 && c < 3 ? NaN : 0.01 * (96 - x) + 0.3 * Math.sin(y / 9) * Math.cos(x / 7)));
  const blocked = new Uint8Array(ncols * nrows);
  for (let r = 8; r < 30; r += 7) for (let c = 10; c < 40; c += 9) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) blocked[(r + i) * ncols + c + j] = 1;
  return {
    dem,
    manning: grid(ncols, nrows, 2, (x) => (x < 48 ? 0.03 : 0.05)),
    rain: { t: Float64Array.from([0, 300, 900]), v: Float64Array.from([0, 150, 20]) },
    blocked,
    initialLevel: 0.15,
    inflows: [{ x: 30, y: 37, hydrograph: { t: Float64Array.from([0, 200, 600]), v: Float64Array.from([0, 0.8, 0]) } }],
    boundaries: { east: { type: 'free' }, west: { type: 'level', level: { t: Float64Array.from([0, 900]), v: Float64Array.from([1.3, 1.6]) } }, south: { type: 'free', slope: 0.01 } },
    gauges: [{ name: 'g', x: 50, y: 40 }],
  };
}
