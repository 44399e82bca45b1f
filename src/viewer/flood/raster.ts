/**
 * Grid helpers of the flood scenario: resampling the DEM to the run resolution, cropping to an area, rasterising
 * building footprints into the blocked mask (and remembering which cells each building covers / touches).
 * Pure: no DOM, no Cesium.
 */
import { sampleBilinear, type Grid } from '../../core/grid/grid.js';

/** A polygon ring in grid coordinates (x, y in the DEM's metres); closing point optional. */
export type Ring = [number, number][];

/** Resamples a grid to `cellSize` over [minX, minY, maxX, maxY] (default: the whole grid) by bilinear sampling. */
export function resampleGrid(g: Grid, cellSize: number, area?: [number, number, number, number]): Grid {
  if (!(cellSize > 0)) throw new RangeError(`cell size must be positive, got ${cellSize}`);
  const gx1 = g.xll + g.ncols * g.cellSize, gy1 = g.yll + g.nrows * g.cellSize;
  const [x0, y0, x1, y1] = area
    ? [Math.max(g.xll, area[0]), Math.max(g.yll, area[1]), Math.min(gx1, area[2]), Math.min(gy1, area[3])]
    : [g.xll, g.yll, gx1, gy1];
  const ncols = Math.floor((x1 - x0) / cellSize + 1e-9);
  const nrows = Math.floor((y1 - y0) / cellSize + 1e-9);
  if (ncols < 2 || nrows < 2) throw new RangeError(`area too small for ${cellSize} m cells (${ncols}×${nrows})`);
  const yll = y1 - nrows * cellSize; // keep the north edge
  const data = new Float32Array(ncols * nrows);
  for (let r = 0; r < nrows; r++) {
    const y = yll + (nrows - r - 0.5) * cellSize;
    for (let c = 0; c < ncols; c++) data[r * ncols + c] = sampleBilinear(g, x0 + (c + 0.5) * cellSize, y);
  }
  return { ncols, nrows, xll: x0, yll, cellSize, data };
}

/** Even-odd point-in-ring test. */
export function pointInRing(x: number, y: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Cells covered by and around one footprint. */
export interface FootprintCells {
  /** Cells whose centre lies inside the footprint (blocked). */
  covered: number[];
  /** Active cells next to the footprint where its flood depth is read: the 4-neighbours of covered cells that are
   * not covered by any footprint, or (for footprints smaller than a cell) the cell holding the footprint's centre. */
  around: number[];
}

/**
 * Rasterises footprints: a cell is blocked when its centre lies inside a ring (scanline over the ring's rows).
 * Returns the mask (1 = building) and, per footprint, the covered cells and the cells around it.
 */
export function rasterizeFootprints(grid: Pick<Grid, 'ncols' | 'nrows' | 'xll' | 'yll' | 'cellSize'>, rings: Ring[]): { mask: Uint8Array; cells: FootprintCells[] } {
  const { ncols, nrows, xll, yll, cellSize: d } = grid;
  const mask = new Uint8Array(ncols * nrows);
  const yTop = yll + nrows * d;
  const covered: number[][] = rings.map((ring) => {
    const out: number[] = [];
    if (ring.length < 3) return out;
    let minY = Infinity, maxY = -Infinity;
    for (const [, y] of ring) {
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    const r0 = Math.max(0, Math.ceil((yTop - maxY) / d - 0.5));
    const r1 = Math.min(nrows - 1, Math.floor((yTop - minY) / d - 0.5));
    const xs: number[] = [];
    for (let r = r0; r <= r1; r++) {
      const y = yTop - (r + 0.5) * d;
      xs.length = 0;
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i], [xj, yj] = ring[j];
        if (yi > y !== yj > y) xs.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
      }
      xs.sort((a, b) => a - b);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        const c0 = Math.max(0, Math.ceil((xs[k] - xll) / d - 0.5));
        const c1 = Math.min(ncols - 1, Math.floor((xs[k + 1] - xll) / d - 0.5 - 1e-9));
        for (let c = c0; c <= c1; c++) out.push(r * ncols + c);
      }
    }
    for (const i of out) mask[i] = 1;
    return out;
  });
  const cells = rings.map((ring, k) => {
    const cov = covered[k];
    const around = new Set<number>();
    for (const i of cov) {
      const r = Math.floor(i / ncols), c = i % ncols;
      if (c > 0 && !mask[i - 1]) around.add(i - 1);
      if (c < ncols - 1 && !mask[i + 1]) around.add(i + 1);
      if (r > 0 && !mask[i - ncols]) around.add(i - ncols);
      if (r < nrows - 1 && !mask[i + ncols]) around.add(i + ncols);
    }
    if (cov.length === 0 && ring.length >= 3) {
      let sx = 0, sy = 0;
      for (const [x, y] of ring) {
        sx += x;
        sy += y;
      }
      const c = Math.floor((sx / ring.length - xll) / d), r = Math.floor((yTop - sy / ring.length) / d);
      if (c >= 0 && c < ncols && r >= 0 && r < nrows) around.add(r * ncols + c);
    }
    return { covered: cov, around: [...around].sort((a, b) => a - b) };
  });
  return { mask, cells };
}

/** Index of the cell holding (x, y), or −1 outside. */
export function cellIndex(grid: Pick<Grid, 'ncols' | 'nrows' | 'xll' | 'yll' | 'cellSize'>, x: number, y: number): number {
  const c = Math.floor((x - grid.xll) / grid.cellSize);
  const r = Math.floor((grid.yll + grid.nrows * grid.cellSize - y) / grid.cellSize);
  return c >= 0 && c < grid.ncols && r >= 0 && r < grid.nrows ? r * grid.ncols + c : -1;
}
