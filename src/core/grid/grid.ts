/**
 * A regular raster grid in the ESRI ASCII convention: row 0 is the northern row, cells are square,
 * (xll, yll) is the lower-left corner of the lower-left cell. Used for DEMs, water depths, Manning's n.
 */
export interface Grid {
  /** Number of columns. */
  ncols: number;
  /** Number of rows. */
  nrows: number;
  /** X of the lower-left corner of the grid (CRS units, usually metres). */
  xll: number;
  /** Y of the lower-left corner of the grid. */
  yll: number;
  /** Cell size (CRS units). */
  cellSize: number;
  /** Cell values, row-major, row 0 = north. NaN marks no data. */
  data: Float32Array;
}

/** Creates a grid filled with a value. */
export function createGrid(ncols: number, nrows: number, xll: number, yll: number, cellSize: number, fill = 0): Grid {
  return { ncols, nrows, xll, yll, cellSize, data: new Float32Array(ncols * nrows).fill(fill) };
}

/** Centre X of column `col`. */
export const cellX = (g: Grid, col: number): number => g.xll + (col + 0.5) * g.cellSize;
/** Centre Y of row `row` (row 0 = north). */
export const cellY = (g: Grid, row: number): number => g.yll + (g.nrows - row - 0.5) * g.cellSize;

/** The grid's extent as [minX, minY, maxX, maxY]. */
export function gridExtent(g: Grid): [number, number, number, number] {
  return [g.xll, g.yll, g.xll + g.ncols * g.cellSize, g.yll + g.nrows * g.cellSize];
}

/**
 * Bilinear sample between cell centres at (x, y); clamps to the edge cells outside the grid.
 * Returns NaN where an involved cell has no data and no valid neighbour weight remains.
 */
export function sampleBilinear(g: Grid, x: number, y: number): number {
  const fx = (x - g.xll) / g.cellSize - 0.5;
  const fy = (g.yll + g.nrows * g.cellSize - y) / g.cellSize - 0.5;
  const c0 = Math.max(0, Math.min(g.ncols - 1, Math.floor(fx)));
  const r0 = Math.max(0, Math.min(g.nrows - 1, Math.floor(fy)));
  const c1 = Math.min(g.ncols - 1, c0 + 1);
  const r1 = Math.min(g.nrows - 1, r0 + 1);
  const tx = Math.max(0, Math.min(1, fx - c0));
  const ty = Math.max(0, Math.min(1, fy - r0));
  const v = [g.data[r0 * g.ncols + c0], g.data[r0 * g.ncols + c1], g.data[r1 * g.ncols + c0], g.data[r1 * g.ncols + c1]];
  const w = [(1 - tx) * (1 - ty), tx * (1 - ty), (1 - tx) * ty, tx * ty];
  let sum = 0, wsum = 0;
  for (let i = 0; i < 4; i++) {
    if (!Number.isNaN(v[i]) && w[i] > 0) {
      sum += v[i] * w[i];
      wsum += w[i];
    }
  }
  if (wsum === 0) return Number.isNaN(v[0]) ? NaN : v[0];
  return sum / wsum;
}
