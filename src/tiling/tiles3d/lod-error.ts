/**
 * Geometric difference between two LoDs of a feature, used for honest `geometricError` values.
 *
 * Rule: the deviation of LoD A from LoD B is the largest distance from any vertex of either mesh to the other
 * mesh's surface (a vertex-sampled symmetric Hausdorff distance; e.g. for an LoD1 block vs an LoD2 gabled roof it is
 * the ridge's height above the block top or the block's corner's distance to the roof). When that would cost more
 * than {@link DEVIATION_BUDGET} point–triangle tests, the diagonal of the two LoDs' joint bounding box is used
 * instead, which is a true upper bound.
 */
import type { PreparedLod } from './prepare.js';

/** Most point–triangle tests spent on one feature before falling back to the bounding-box bound. */
export const DEVIATION_BUDGET = 4_000_000;

/** Squared distance from point p to triangle abc (Ericson, Real-Time Collision Detection, 5.1.5). */
export function pointTriangleDistSq(
  px: number, py: number, pz: number,
  ax: number, ay: number, az: number,
  bx: number, by: number, bz: number,
  cx: number, cy: number, cz: number,
): number {
  const abx = bx - ax, aby = by - ay, abz = bz - az;
  const acx = cx - ax, acy = cy - ay, acz = cz - az;
  const apx = px - ax, apy = py - ay, apz = pz - az;
  const d1 = abx * apx + aby * apy + abz * apz;
  const d2 = acx * apx + acy * apy + acz * apz;
  if (d1 <= 0 && d2 <= 0) return apx * apx + apy * apy + apz * apz;
  const bpx = px - bx, bpy = py - by, bpz = pz - bz;
  const d3 = abx * bpx + aby * bpy + abz * bpz;
  const d4 = acx * bpx + acy * bpy + acz * bpz;
  if (d3 >= 0 && d4 <= d3) return bpx * bpx + bpy * bpy + bpz * bpz;
  let qx: number, qy: number, qz: number;
  const vc = d1 * d4 - d3 * d2;
  if (vc <= 0 && d1 >= 0 && d3 <= 0) {
    const v = d1 / (d1 - d3);
    qx = ax + v * abx; qy = ay + v * aby; qz = az + v * abz;
  } else {
    const cpx = px - cx, cpy = py - cy, cpz = pz - cz;
    const d5 = abx * cpx + aby * cpy + abz * cpz;
    const d6 = acx * cpx + acy * cpy + acz * cpz;
    if (d6 >= 0 && d5 <= d6) return cpx * cpx + cpy * cpy + cpz * cpz;
    const vb = d5 * d2 - d1 * d6;
    if (vb <= 0 && d2 >= 0 && d6 <= 0) {
      const w = d2 / (d2 - d6);
      qx = ax + w * acx; qy = ay + w * acy; qz = az + w * acz;
    } else {
      const va = d3 * d6 - d5 * d4;
      if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) {
        const w = (d4 - d3) / (d4 - d3 + (d5 - d6));
        qx = bx + w * (cx - bx); qy = by + w * (cy - by); qz = bz + w * (cz - bz);
      } else {
        const denom = 1 / (va + vb + vc);
        const v = vb * denom, w = vc * denom;
        qx = ax + abx * v + acx * w; qy = ay + aby * v + acy * w; qz = az + abz * v + acz * w;
      }
    }
  }
  const dx = px - qx, dy = py - qy, dz = pz - qz;
  return dx * dx + dy * dy + dz * dz;
}

function counts(l: PreparedLod): { v: number; t: number } {
  let v = 0, t = 0;
  for (const g of uniqueArrays(l)) v += g.length / 3;
  for (const p of l.parts) t += p.indices.length / 3;
  return { v, t };
}

/** The distinct vertex arrays of a LoD (its parts often share one). */
function uniqueArrays(l: PreparedLod): Set<Float64Array> {
  return new Set(l.parts.map((p) => p.enu));
}

/** All triangles of a LoD as 9 coordinates each, and each triangle's bounding box (6 numbers). */
function flatTriangles(l: PreparedLod): { tri: Float64Array; box: Float64Array } {
  let n = 0;
  for (const p of l.parts) n += p.indices.length / 3;
  const tri = new Float64Array(n * 9);
  const box = new Float64Array(n * 6);
  let o = 0;
  for (const p of l.parts) {
    const e = p.enu, ind = p.indices;
    for (let t = 0; t < ind.length; t++) {
      const i = ind[t] * 3;
      tri[o++] = e[i];
      tri[o++] = e[i + 1];
      tri[o++] = e[i + 2];
    }
  }
  for (let t = 0; t < n; t++) {
    const a = t * 9;
    for (let k = 0; k < 3; k++) {
      box[t * 6 + k] = Math.min(tri[a + k], tri[a + 3 + k], tri[a + 6 + k]);
      box[t * 6 + 3 + k] = Math.max(tri[a + k], tri[a + 3 + k], tri[a + 6 + k]);
    }
  }
  return { tri, box };
}

/** Largest distance from a vertex of `from` to the surface of `to`, never below `floor` (early exit). */
function oneSided(from: PreparedLod, to: PreparedLod, floor: number): number {
  let maxSq = floor * floor;
  const { tri, box } = flatTriangles(to);
  const nt = tri.length / 9;
  let last = 0;
  for (const g of uniqueArrays(from)) {
    for (let i = 0; i < g.length; i += 3) {
      const px = g[i], py = g[i + 1], pz = g[i + 2];
      // The triangle nearest to the previous vertex is usually near this one too: try it first.
      let o = last * 9;
      let best = pointTriangleDistSq(px, py, pz, tri[o], tri[o + 1], tri[o + 2], tri[o + 3], tri[o + 4], tri[o + 5], tri[o + 6], tri[o + 7], tri[o + 8]);
      if (best <= maxSq) continue;
      for (let t = 0; t < nt; t++) {
        // The distance to a triangle's box bounds the distance to the triangle from below.
        const b = t * 6;
        const dx = px < box[b] ? box[b] - px : px > box[b + 3] ? px - box[b + 3] : 0;
        const dy = py < box[b + 1] ? box[b + 1] - py : py > box[b + 4] ? py - box[b + 4] : 0;
        const dz = pz < box[b + 2] ? box[b + 2] - pz : pz > box[b + 5] ? pz - box[b + 5] : 0;
        if (dx * dx + dy * dy + dz * dz >= best) continue;
        o = t * 9;
        const d = pointTriangleDistSq(px, py, pz, tri[o], tri[o + 1], tri[o + 2], tri[o + 3], tri[o + 4], tri[o + 5], tri[o + 6], tri[o + 7], tri[o + 8]);
        if (d < best) {
          best = d;
          last = t;
          if (best <= maxSq) break; // cannot raise the maximum
        }
      }
      if (best > maxSq) maxSq = best;
    }
  }
  return Math.sqrt(maxSq);
}

/** The deviation (m) between a coarse and a fine LoD by the rule in the module doc. */
export function lodDeviation(coarse: PreparedLod, fine: PreparedLod): number {
  if (coarse === fine) return 0;
  const c = counts(coarse), f = counts(fine);
  if (c.v * f.t + f.v * c.t > DEVIATION_BUDGET) {
    const a = coarse.bounds, b = fine.bounds;
    const dx = Math.max(a[3], b[3]) - Math.min(a[0], b[0]);
    const dy = Math.max(a[4], b[4]) - Math.min(a[1], b[1]);
    const dz = Math.max(a[5], b[5]) - Math.min(a[2], b[2]);
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }
  const d1 = oneSided(fine, coarse, 0);
  return oneSided(coarse, fine, d1);
}
