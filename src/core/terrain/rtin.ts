/**
 * Right-triangulated irregular network (RTIN) over a (2^k + 1)² sample grid.
 *
 * The grid is split recursively into right isosceles triangles (each splits at the midpoint of its hypotenuse).
 * Every triangle's error is measured exactly: the largest 3D distance between a grid sample inside it and the
 * triangle's plane at that sample, so curvature of the globe counts as well as relief. A midpoint's error is then
 * raised to the errors of the triangles beneath it, so that splitting by "midpoint error > threshold" yields a
 * conforming mesh (no T-junctions inside a tile) whose every triangle stays within the threshold.
 * Grid coordinates: i = column (east), j = row from the south (north), vertex index j · (size + 1) + i.
 */

/** The static triangle hierarchy of one grid size. */
export interface RtinHierarchy {
  /** Cells per side (a power of two). */
  size: number;
  /** Splittable triangles in breadth-first order, 6 coordinates each: ax, ay, bx, by, cx, cy (a–b = hypotenuse). */
  triangles: Uint16Array;
  /** Number of splittable triangles. */
  count: number;
}

const cache = new Map<number, RtinHierarchy>();

/** The RTIN hierarchy of a grid with `size` cells per side (cached). */
export function rtinHierarchy(size: number): RtinHierarchy {
  if (!Number.isInteger(Math.log2(size)) || size < 2 || size > 4096) {
    throw new Error(`RTIN grid size must be a power of two between 2 and 4096, got ${size}`);
  }
  const hit = cache.get(size);
  if (hit) return hit;
  const out: number[] = [];
  let level = [
    [0, 0, size, size, size, 0],
    [size, size, 0, 0, 0, size],
  ];
  while (level.length) {
    const next: number[][] = [];
    for (const [ax, ay, bx, by, cx, cy] of level) {
      if ((ax + bx) % 2 !== 0 || (ay + by) % 2 !== 0) continue;
      out.push(ax, ay, bx, by, cx, cy);
      const mx = (ax + bx) / 2, my = (ay + by) / 2;
      next.push([cx, cy, ax, ay, mx, my], [bx, by, cx, cy, mx, my]);
    }
    level = next;
  }
  const h: RtinHierarchy = { size, triangles: Uint16Array.from(out), count: out.length / 6 };
  cache.set(size, h);
  return h;
}

/**
 * Per-vertex split errors of a grid whose sample positions (3D, e.g. ECEF metres) are given as a flat
 * xyz array of (size + 1)² points, row-major from the south-west corner.
 *
 * Without `threshold` every triangle's error is measured exactly. With it, only comparisons against that threshold
 * are kept exact (what {@link rtinTriangles} with the same threshold needs), which is much faster: a triangle's
 * error is at most its children's plus the deviation of its hypotenuse midpoint, so a scan of its samples is needed
 * only when that bound exceeds the threshold and neither child already does; the scan stops once it exceeds it.
 *
 * `extra` (optional, one value per splittable triangle in hierarchy order): errors measured elsewhere, e.g. at the
 * source's own data points between the samples ({@link rtinCheckPointErrors}); a triangle's error is at least that.
 */
export function rtinErrors(h: RtinHierarchy, positions: ArrayLike<number>, threshold?: number, extra?: Float64Array): Float64Array {
  const n1 = h.size + 1;
  if (positions.length !== n1 * n1 * 3) {
    throw new Error(`RTIN: expected ${n1 * n1 * 3} position values for a ${n1}×${n1} grid, got ${positions.length}`);
  }
  const errors = new Float64Array(n1 * n1);
  const t = h.triangles;
  const limit = threshold ?? Infinity;
  for (let k = h.count - 1; k >= 0; k--) {
    const o = 6 * k;
    const ax = t[o], ay = t[o + 1], bx = t[o + 2], by = t[o + 3], cx = t[o + 4], cy = t[o + 5];
    const m = ((ay + by) / 2) * n1 + (ax + bx) / 2;
    let children = 0;
    if ((ax + cx) % 2 === 0 && (ay + cy) % 2 === 0) {
      children = Math.max(errors[((ay + cy) / 2) * n1 + (ax + cx) / 2], errors[((by + cy) / 2) * n1 + (bx + cx) / 2]);
    }
    let err: number;
    const ex = extra ? extra[k] : 0;
    if (threshold === undefined) {
      err = Math.max(children, ex, triangleError(positions, n1, ax, ay, bx, by, cx, cy, Infinity));
    } else if (children > threshold || ex > threshold) {
      err = Math.max(children, ex);
    } else {
      const ia = 3 * (ay * n1 + ax), ib = 3 * (by * n1 + bx), im = 3 * m;
      const dm = Math.hypot(
        positions[im] - (positions[ia] + positions[ib]) / 2,
        positions[im + 1] - (positions[ia + 1] + positions[ib + 1]) / 2,
        positions[im + 2] - (positions[ia + 2] + positions[ib + 2]) / 2,
      );
      const bound = children + dm;
      err = Math.max(ex, bound <= threshold ? bound : Math.max(children, triangleError(positions, n1, ax, ay, bx, by, cx, cy, limit)));
    }
    if (err > errors[m]) errors[m] = err;
  }
  return errors;
}

/** Largest distance between grid samples inside triangle abc and the plane through its corners (stops early once above `stopAbove`). */
function triangleError(
  pos: ArrayLike<number>,
  n1: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  stopAbove: number,
): number {
  const stop2 = stopAbove * stopAbove;
  const x0 = Math.min(ax, bx, cx), x1 = Math.max(ax, bx, cx);
  const y0 = Math.min(ay, by, cy), y1 = Math.max(ay, by, cy);
  const det = (by - cy) * (ax - cx) + (cx - bx) * (ay - cy);
  const ia = 3 * (ay * n1 + ax), ib = 3 * (by * n1 + bx), ic = 3 * (cy * n1 + cx);
  const pax = pos[ia], pay = pos[ia + 1], paz = pos[ia + 2];
  const pbx = pos[ib], pby = pos[ib + 1], pbz = pos[ib + 2];
  const pcx = pos[ic], pcy = pos[ic + 1], pcz = pos[ic + 2];
  let worst = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const wa = ((by - cy) * (x - cx) + (cx - bx) * (y - cy)) / det;
      const wb = ((cy - ay) * (x - cx) + (ax - cx) * (y - cy)) / det;
      const wc = 1 - wa - wb;
      if (wa < -1e-9 || wb < -1e-9 || wc < -1e-9) continue;
      const ip = 3 * (y * n1 + x);
      const dx = pos[ip] - (wa * pax + wb * pbx + wc * pcx);
      const dy = pos[ip + 1] - (wa * pay + wb * pby + wc * pcy);
      const dz = pos[ip + 2] - (wa * paz + wb * pbz + wc * pcz);
      const d = dx * dx + dy * dy + dz * dz;
      if (d > worst) {
        worst = d;
        if (worst > stop2) return Math.sqrt(worst);
      }
    }
  }
  return Math.sqrt(worst);
}

/**
 * Triangles (grid vertex indices, counter-clockwise with i east and j north) of the mesh that splits every
 * triangle whose midpoint error exceeds `maxError`.
 */
export function rtinTriangles(h: RtinHierarchy, errors: Float64Array, maxError: number): Uint32Array {
  const n1 = h.size + 1;
  const out: number[] = [];
  const stack: number[] = [0, 0, h.size, h.size, h.size, 0, h.size, h.size, 0, 0, 0, h.size];
  while (stack.length) {
    const cy = stack.pop()!, cx = stack.pop()!, by = stack.pop()!, bx = stack.pop()!, ay = stack.pop()!, ax = stack.pop()!;
    const splittable = (ax + bx) % 2 === 0 && (ay + by) % 2 === 0;
    if (splittable) {
      const mx = (ax + bx) / 2, my = (ay + by) / 2;
      if (errors[my * n1 + mx] > maxError) {
        // Pushed in reverse so the first child is processed first (spatially coherent vertex order).
        stack.push(bx, by, cx, cy, mx, my, cx, cy, ax, ay, mx, my);
        continue;
      }
    }
    const a = ay * n1 + ax, b = by * n1 + bx, c = cy * n1 + cx;
    const cross = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (cross > 0) out.push(a, b, c);
    else out.push(a, c, b);
  }
  return Uint32Array.from(out);
}

/** Errors of a grid's triangles at check points (see {@link rtinCheckPointErrors}). */
export interface CheckPointErrors {
  /** Per splittable triangle (hierarchy order): largest height difference of a check point inside it to its plane. */
  extra: Float64Array;
  /**
   * Largest height difference of a check point to the plane of the finest (unsplittable) triangle holding it: the
   * error no mesh of this grid can avoid.
   */
  finest: number;
}

/**
 * Height differences between check points and the RTIN triangles holding them, the triangles being planes through
 * their corner samples in (i, j, height) space, which is how a decoded tile interpolates heights. `heights` holds
 * the (size + 1)² sample heights row-major from the south-west; `grid` each point's grid coordinates (i east,
 * j north, fractional, 0..size) in pairs; `pointHeights` its height. Curvature of the globe between samples is
 * measured by {@link rtinErrors} at the samples.
 */
export function rtinCheckPointErrors(h: RtinHierarchy, heights: ArrayLike<number>, grid: ArrayLike<number>, pointHeights: ArrayLike<number>): CheckPointErrors {
  const n = h.size, n1 = n + 1;
  const t = h.triangles;
  const extra = new Float64Array(h.count);
  // Plane h = A·i + B·j + C of every splittable triangle.
  const plane = new Float64Array(h.count * 3);
  for (let k = 0; k < h.count; k++) {
    const o = 6 * k;
    planeOf(heights, n1, t[o], t[o + 1], t[o + 2], t[o + 3], t[o + 4], t[o + 5], plane, 3 * k);
  }
  const tmp = new Float64Array(3);
  let finest = 0;
  const count = grid.length / 2;
  for (let p = 0; p < count; p++) {
    const gi = grid[2 * p], gj = grid[2 * p + 1];
    if (!(gi >= 0 && gi <= n && gj >= 0 && gj <= n)) continue;
    const hp = pointHeights[p];
    // Root 0 = (0,0)-(n,n)-(n,0) holds i ≥ j; root 1 the rest.
    let k = gi >= gj ? 0 : 1;
    for (;;) {
      const d = Math.abs(hp - (plane[3 * k] * gi + plane[3 * k + 1] * gj + plane[3 * k + 2]));
      if (d > extra[k]) extra[k] = d;
      const o = 6 * k;
      const ax = t[o], ay = t[o + 1], bx = t[o + 2], by = t[o + 3], cx = t[o + 4], cy = t[o + 5];
      const mx = (ax + bx) / 2, my = (ay + by) / 2;
      // Children: (c, a, m) and (b, c, m), split by the line c–m.
      const side = (mx - cx) * (gj - cy) - (my - cy) * (gi - cx);
      const sideA = (mx - cx) * (ay - cy) - (my - cy) * (ax - cx);
      const first = side * sideA >= 0;
      const child = 2 * k + (first ? 2 : 3);
      if (child < h.count) {
        k = child;
        continue;
      }
      // The finest triangle (not in the hierarchy: it cannot be split).
      if (first) planeOf(heights, n1, cx, cy, ax, ay, mx, my, tmp, 0);
      else planeOf(heights, n1, bx, by, cx, cy, mx, my, tmp, 0);
      const f = Math.abs(hp - (tmp[0] * gi + tmp[1] * gj + tmp[2]));
      if (f > finest) finest = f;
      break;
    }
  }
  return { extra, finest };
}

/** Writes the plane h = A·i + B·j + C through three grid samples into out[o..o+2]. */
function planeOf(heights: ArrayLike<number>, n1: number, ax: number, ay: number, bx: number, by: number, cx: number, cy: number, out: Float64Array, o: number): void {
  const ha = heights[ay * n1 + ax], hb = heights[by * n1 + bx], hc = heights[cy * n1 + cx];
  const det = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay);
  const A = ((hb - ha) * (cy - ay) - (hc - ha) * (by - ay)) / det;
  const B = ((hc - ha) * (bx - ax) - (hb - ha) * (cx - ax)) / det;
  out[o] = A;
  out[o + 1] = B;
  out[o + 2] = ha - A * ax - B * ay;
}
