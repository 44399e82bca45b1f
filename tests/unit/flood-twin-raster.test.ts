import { describe, expect, it } from 'vitest';
import { createGrid } from '../../src/core/grid/grid.js';
import { cellIndex, pointInRing, rasterizeFootprints, resampleGrid } from '../../src/viewer/flood/raster.js';

// 10 × 8 cells of 1 m, lower-left (0, 0): cell (r, c) centre = (c + 0.5, 7.5 − r).
const grid = { ncols: 10, nrows: 8, xll: 0, yll: 0, cellSize: 1 };
const idx = (r: number, c: number) => r * 10 + c;

describe('footprint rasterisation', () => {
  it('blocks exactly the cells whose centres lie inside a footprint', () => {
    // Square x 2..5, y 1..4 covers centres x 2.5,3.5,4.5 and y 1.5,2.5,3.5 → rows 4..6, cols 2..4.
    const { mask, cells } = rasterizeFootprints(grid, [[[2, 1], [5, 1], [5, 4], [2, 4]]]);
    const expected = [];
    for (let r = 4; r <= 6; r++) for (let c = 2; c <= 4; c++) expected.push(idx(r, c));
    expect(cells[0].covered.sort((a, b) => a - b)).toEqual(expected);
    expect(mask.reduce((s, v) => s + v, 0)).toBe(9);
    // Around: the 12 edge neighbours (4-neighbourhood), none inside.
    expect(cells[0].around).toHaveLength(12);
    for (const i of cells[0].around) expect(mask[i]).toBe(0);
    expect(cells[0].around).toContain(idx(3, 3));
    expect(cells[0].around).toContain(idx(5, 5));
    expect(cells[0].around).not.toContain(idx(3, 1)); // diagonal
  });

  it('handles L-shaped (concave) footprints and clockwise rings the same', () => {
    const L: [number, number][] = [[1, 1], [6, 1], [6, 3], [3, 3], [3, 6], [1, 6]];
    const a = rasterizeFootprints(grid, [L]);
    const b = rasterizeFootprints(grid, [[...L].reverse()]);
    expect(a.cells[0].covered.sort()).toEqual(b.cells[0].covered.sort());
    // Inside the L: (1.5, 5.5) yes, (4.5, 4.5) no (the notch), (5.5, 1.5) yes.
    const m = a.mask;
    expect(m[cellIndex(grid, 1.5, 5.5)]).toBe(1);
    expect(m[cellIndex(grid, 4.5, 4.5)]).toBe(0);
    expect(m[cellIndex(grid, 5.5, 1.5)]).toBe(1);
    // Area check: 2·5 + 3·2 = 16 cells.
    expect(a.cells[0].covered).toHaveLength(16);
  });

  it('a footprint smaller than a cell blocks nothing and reads the depth of the cell it sits in', () => {
    const { mask, cells } = rasterizeFootprints(grid, [[[3.6, 2.6], [3.9, 2.6], [3.9, 2.9], [3.6, 2.9]]]);
    expect(mask.reduce((s, v) => s + v, 0)).toBe(0);
    expect(cells[0].covered).toEqual([]);
    expect(cells[0].around).toEqual([cellIndex(grid, 3.75, 2.75)]);
  });

  it('neighbouring footprints do not count each other as "around"', () => {
    const { mask, cells } = rasterizeFootprints(grid, [
      [[1, 1], [3, 1], [3, 3], [1, 3]],
      [[3, 1], [5, 1], [5, 3], [3, 3]],
    ]);
    for (const c of cells) for (const i of c.around) expect(mask[i]).toBe(0);
  });

  it('clips footprints at the grid edge', () => {
    const { cells } = rasterizeFootprints(grid, [[[-5, -5], [1, -5], [1, 1], [-5, 1]]]);
    expect(cells[0].covered).toEqual([idx(7, 0)]);
  });

  it('point in ring', () => {
    const sq: [number, number][] = [[0, 0], [2, 0], [2, 2], [0, 2]];
    expect(pointInRing(1, 1, sq)).toBe(true);
    expect(pointInRing(3, 1, sq)).toBe(false);
  });
});

describe('DEM resampling', () => {
  it('resamples a plane exactly and keeps the north edge', () => {
    const g = createGrid(30, 20, 100, 200, 2);
    for (let r = 0; r < 20; r++) for (let c = 0; c < 30; c++) g.data[r * 30 + c] = 0.5 * (100 + (c + 0.5) * 2) + 0.25 * (200 + (20 - r - 0.5) * 2);
    const out = resampleGrid(g, 5);
    expect(out.ncols).toBe(12);
    expect(out.nrows).toBe(8);
    expect(out.yll + out.nrows * out.cellSize).toBeCloseTo(240, 9);
    for (let r = 1; r < out.nrows - 1; r++) {
      for (let c = 1; c < out.ncols - 1; c++) {
        const x = out.xll + (c + 0.5) * 5, y = out.yll + (out.nrows - r - 0.5) * 5;
        expect(out.data[r * out.ncols + c]).toBeCloseTo(0.5 * x + 0.25 * y, 3);
      }
    }
  });

  it('crops to an area and rejects one too small', () => {
    const g = createGrid(50, 50, 0, 0, 1, 3);
    const out = resampleGrid(g, 2, [10, 10, 30, 20]);
    expect([out.ncols, out.nrows, out.xll, out.yll]).toEqual([10, 5, 10, 10]);
    expect(() => resampleGrid(g, 2, [10, 10, 11, 11])).toThrow(/too small/);
    expect(() => resampleGrid(g, 0)).toThrow(/positive/);
  });
});
