import earcut from 'earcut';
import type { MeshPart, SurfaceSemantic } from '../model/feature.js';

/**
 * Newell's normal of a ring of [x, y, z] points (not closed). Its length is twice the ring's area; its direction
 * is the side from which the ring runs counter-clockwise. Returns [0, 0, 0] for fewer than 3 points.
 */
export function newellNormal(ring: number[][]): [number, number, number] {
  let nx = 0, ny = 0, nz = 0;
  const n = ring.length;
  if (n < 3) return [0, 0, 0];
  // Subtract the first point so large coordinates keep their precision.
  const ox = ring[0][0], oy = ring[0][1], oz = ring[0][2] ?? 0;
  for (let i = 0; i < n; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % n];
    const ax = a[0] - ox, ay = a[1] - oy, az = (a[2] ?? 0) - oz;
    const bx = b[0] - ox, by = b[1] - oy, bz = (b[2] ?? 0) - oz;
    nx += (ay - by) * (az + bz);
    ny += (az - bz) * (ax + bx);
    nz += (ax - bx) * (ay + by);
  }
  return [nx, ny, nz];
}

/**
 * Triangulates a planar (or nearly planar) 3D polygon with holes.
 *
 * `rings` = [outer, ...holes], each ring a list of [x, y, z] points, not closed. The polygon is projected onto the
 * plane given by the outer ring's Newell normal and triangulated with earcut. The result indexes the concatenated
 * ring vertices (outer first, then each hole in order); every triangle runs counter-clockwise seen from the side
 * the Newell normal points to. Degenerate input (fewer than 3 points, zero area, non-finite coordinates) gives []
 * and never throws.
 */
export function triangulatePolygon3D(rings: number[][][]): number[] {
  if (!Array.isArray(rings) || rings.length === 0) return [];
  const outer = rings[0];
  if (!Array.isArray(outer) || outer.length < 3) return [];
  let total = 0;
  for (const ring of rings) {
    if (!Array.isArray(ring)) return [];
    for (const p of ring) {
      if (!Array.isArray(p) || p.length < 2) return [];
      if (!Number.isFinite(p[0]) || !Number.isFinite(p[1]) || !Number.isFinite(p[2] ?? 0)) return [];
    }
    total += ring.length;
  }
  const pts = new Float64Array(total * 3);
  const lens: number[] = [];
  let k = 0;
  for (const ring of rings) {
    lens.push(ring.length);
    for (const p of ring) {
      pts[k++] = p[0];
      pts[k++] = p[1];
      pts[k++] = p[2] ?? 0;
    }
  }
  return triangulateFlat3D(pts, lens, rings.length);
}

/**
 * {@link triangulatePolygon3D} on flat input, for readers that gather a surface's vertices into one reused array:
 * `pts` holds x, y, z of the outer ring's points, then of each hole's, and `ringLens[0 … ringCount − 1]` the ring
 * sizes. Same projection, same triangles, same degenerate cases (→ []), without a point array per vertex.
 */
export function triangulateFlat3D(pts: ArrayLike<number>, ringLens: ArrayLike<number>, ringCount: number): number[] {
  if (ringCount === 0) return [];
  const nOuter = ringLens[0];
  if (!(nOuter >= 3)) return [];
  let total = 0;
  for (let r = 0; r < ringCount; r++) total += ringLens[r];
  for (let i = 0; i < total * 3; i++) if (!Number.isFinite(pts[i])) return [];
  // Newell normal of the outer ring, relative to its first point (see newellNormal).
  const ox = pts[0], oy = pts[1], oz = pts[2];
  let nx = 0, ny = 0, nz = 0;
  for (let i = 0; i < nOuter; i++) {
    const a = i * 3, b = ((i + 1) % nOuter) * 3;
    const ax = pts[a] - ox, ay = pts[a + 1] - oy, az = pts[a + 2] - oz;
    const bx = pts[b] - ox, by = pts[b + 1] - oy, bz = pts[b + 2] - oz;
    nx += (ay - by) * (az + bz);
    ny += (az - bz) * (ax + bx);
    nz += (ax - bx) * (ay + by);
  }
  const len = Math.hypot(nx, ny, nz);
  if (!(len > 0)) return [];
  // Reject slivers: area tiny relative to the ring's extent squared.
  let ext = 0;
  for (let i = 0; i < nOuter; i++) ext = Math.max(ext, Math.abs(pts[i * 3] - ox), Math.abs(pts[i * 3 + 1] - oy), Math.abs(pts[i * 3 + 2] - oz));
  if (len * 0.5 <= ext * ext * 1e-12) return [];
  const n: [number, number, number] = [nx / len, ny / len, nz / len];
  // Basis u, v with u × v = n, so counter-clockwise in (u, v) is counter-clockwise seen from +n.
  const ax = Math.abs(n[0]), ay = Math.abs(n[1]), az = Math.abs(n[2]);
  const helper: [number, number, number] = ax <= ay && ax <= az ? [1, 0, 0] : ay <= az ? [0, 1, 0] : [0, 0, 1];
  const u = normalize(cross(helper, n));
  const v = cross(n, u);
  const u0 = u[0], u1 = u[1], u2 = u[2], v0 = v[0], v1 = v[1], v2 = v[2];
  const flat = new Array<number>(total * 2);
  const holes: number[] = [];
  let k = 0;
  for (let r = 0; r < ringCount; r++) {
    if (r > 0) holes.push(k);
    const end = k + ringLens[r];
    for (; k < end; k++) {
      const dx = pts[k * 3] - ox, dy = pts[k * 3 + 1] - oy, dz = pts[k * 3 + 2] - oz;
      flat[2 * k] = dx * u0 + dy * u1 + dz * u2;
      flat[2 * k + 1] = dx * v0 + dy * v1 + dz * v2;
    }
  }
  let tri: number[];
  try {
    tri = earcut(flat, holes.length ? holes : undefined, 2);
  } catch {
    return [];
  }
  // Orient every triangle counter-clockwise in the (u, v) plane; drop zero-area ones.
  const out: number[] = [];
  for (let i = 0; i + 2 < tri.length; i += 3) {
    const a = tri[i], b = tri[i + 1], c = tri[i + 2];
    const area = (flat[2 * b] - flat[2 * a]) * (flat[2 * c + 1] - flat[2 * a + 1]) - (flat[2 * c] - flat[2 * a]) * (flat[2 * b + 1] - flat[2 * a + 1]);
    if (area > 0) out.push(a, b, c);
    else if (area < 0) out.push(a, c, b);
  }
  return out;
}

/**
 * Builds one MeshPart from planar polygons (each = [outer, ...holes] of [x, y, z] points, not closed), triangulated
 * with {@link triangulatePolygon3D}. Triangles face the side of each polygon's Newell normal. Degenerate polygons are
 * skipped (their vertices are not emitted).
 */
export function polygonsToMeshPart(polygons: number[][][][], semantic: SurfaceSemantic): MeshPart {
  const positions: number[] = [];
  const indices: number[] = [];
  for (const rings of polygons) {
    const tri = triangulatePolygon3D(rings);
    if (tri.length === 0) continue;
    const base = positions.length / 3;
    for (const ring of rings) for (const p of ring) positions.push(p[0], p[1], p[2] ?? 0);
    for (const i of tri) indices.push(base + i);
  }
  return { semantic, positions, indices };
}

function cross(a: readonly number[], b: readonly number[]): [number, number, number] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function normalize(a: [number, number, number]): [number, number, number] {
  const l = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / l, a[1] / l, a[2] / l];
}
