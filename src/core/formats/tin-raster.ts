import type { Grid } from '../grid/grid.js';

/** Options of {@link rasteriseTin}. */
export interface TinRasterOptions {
  /** Cell size in model units; default: the extent's longer side / 1024, at least 0.5 and rounded to a "nice" value. */
  cellSize?: number;
  /** Upper bound on the number of cells (default 16M); the cell size grows to respect it. */
  maxCells?: number;
}

/**
 * Rasterises a triangulated surface (TIN; flat x,y,z per vertex, 9 numbers per triangle) into a Grid
 * (ESRI-ASCII convention, row 0 = north): each cell centre inside a triangle gets the triangle's plane height there
 * (the highest where triangles overlap); cells no triangle covers stay NaN. Vertical triangles are ignored.
 * Throws when there are no triangles.
 */
export function rasteriseTin(triangles: ArrayLike<number>, options: TinRasterOptions = {}): Grid {
  const nTri = Math.floor(triangles.length / 9);
  if (nTri === 0) throw new Error('rasteriseTin: no triangles');
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < nTri * 9; i += 3) {
    const x = triangles[i], y = triangles[i + 1];
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const ext = Math.max(maxX - minX, maxY - minY);
  let cell = options.cellSize ?? niceStep(Math.max(0.5, ext / 1024));
  const maxCells = options.maxCells ?? 16_000_000;
  while (((maxX - minX) / cell + 1) * ((maxY - minY) / cell + 1) > maxCells) cell *= 2;
  const xll = Math.floor(minX / cell) * cell;
  const yll = Math.floor(minY / cell) * cell;
  const ncols = Math.max(1, Math.ceil((maxX - xll) / cell));
  const nrows = Math.max(1, Math.ceil((maxY - yll) / cell));
  const data = new Float32Array(ncols * nrows).fill(NaN);
  const top = yll + nrows * cell;
  for (let t = 0; t < nTri; t++) {
    const o = t * 9;
    const x0 = triangles[o], y0 = triangles[o + 1], z0 = triangles[o + 2];
    const x1 = triangles[o + 3], y1 = triangles[o + 4], z1 = triangles[o + 5];
    const x2 = triangles[o + 6], y2 = triangles[o + 7], z2 = triangles[o + 8];
    const det = (y1 - y2) * (x0 - x2) + (x2 - x1) * (y0 - y2);
    if (!(Math.abs(det) > 1e-12)) continue;
    const c0 = Math.max(0, Math.floor((Math.min(x0, x1, x2) - xll) / cell - 0.5));
    const c1 = Math.min(ncols - 1, Math.ceil((Math.max(x0, x1, x2) - xll) / cell - 0.5));
    const r0 = Math.max(0, Math.floor((top - Math.max(y0, y1, y2)) / cell - 0.5));
    const r1 = Math.min(nrows - 1, Math.ceil((top - Math.min(y0, y1, y2)) / cell - 0.5));
    const ylo = Math.min(y0, y1, y2), yhi = Math.max(y0, y1, y2);
    for (let r = r0; r <= r1; r++) {
      const y = top - (r + 0.5) * cell;
      // Only the cells near where this row's centre line crosses the triangle can pass the test below (one cell of
      // margin covers its tolerance); rows that do not cross it strictly keep the whole bounding box.
      let ca = c0, cb = c1;
      if (y > ylo && y < yhi) {
        let xa = Infinity, xb = -Infinity;
        for (let e = 0; e < 3; e++) {
          const ax = e === 0 ? x0 : e === 1 ? x1 : x2, ay = e === 0 ? y0 : e === 1 ? y1 : y2;
          const bx = e === 0 ? x1 : e === 1 ? x2 : x0, by = e === 0 ? y1 : e === 1 ? y2 : y0;
          if ((ay <= y && by >= y) || (by <= y && ay >= y)) {
            const x = ay === by ? Math.min(ax, bx) : ax + ((y - ay) / (by - ay)) * (bx - ax);
            const x2e = ay === by ? Math.max(ax, bx) : x;
            if (x < xa) xa = x;
            if (x2e > xb) xb = x2e;
          }
        }
        if (xa <= xb) {
          ca = Math.max(c0, Math.floor((xa - xll) / cell - 0.5) - 1);
          cb = Math.min(c1, Math.ceil((xb - xll) / cell - 0.5) + 1);
        }
      }
      for (let c = ca; c <= cb; c++) {
        const x = xll + (c + 0.5) * cell;
        const l0 = ((y1 - y2) * (x - x2) + (x2 - x1) * (y - y2)) / det;
        const l1 = ((y2 - y0) * (x - x2) + (x0 - x2) * (y - y2)) / det;
        const l2 = 1 - l0 - l1;
        const eps = -1e-9;
        if (l0 < eps || l1 < eps || l2 < eps) continue;
        const z = l0 * z0 + l1 * z1 + l2 * z2;
        const k = r * ncols + c;
        if (Number.isNaN(data[k]) || z > data[k]) data[k] = z;
      }
    }
  }
  return { ncols, nrows, xll, yll, cellSize: cell, data };
}

/** Rounds a step up to 1, 2 or 5 × 10^n. */
function niceStep(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
