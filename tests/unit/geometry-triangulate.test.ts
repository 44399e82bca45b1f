import { describe, expect, it } from 'vitest';
import { newellNormal, polygonsToMeshPart, triangulatePolygon3D } from '../../src/core/geometry/triangulate.js';

/** Sum of triangle areas and the summed (unnormalised) normal of a triangulation. */
function measure(rings: number[][][], tri: number[]): { area: number; normal: [number, number, number] } {
  const pts = rings.flat();
  let area = 0;
  const normal: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < tri.length; i += 3) {
    const [a, b, c] = [pts[tri[i]], pts[tri[i + 1]], pts[tri[i + 2]]];
    const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
    const n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    area += Math.hypot(n[0], n[1], n[2]) / 2;
    for (let k = 0; k < 3; k++) normal[k] += n[k];
  }
  return { area, normal };
}

/** True when every triangle's own normal points the same way as `dir`. */
function allFacing(rings: number[][][], tri: number[], dir: number[]): boolean {
  const pts = rings.flat();
  for (let i = 0; i < tri.length; i += 3) {
    const [a, b, c] = [pts[tri[i]], pts[tri[i + 1]], pts[tri[i + 2]]];
    const u = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const v = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
    const n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    if (n[0] * dir[0] + n[1] * dir[1] + n[2] * dir[2] <= 0) return false;
  }
  return true;
}

describe('triangulatePolygon3D', () => {
  it('triangulates a horizontal CCW square facing up', () => {
    const rings = [[[0, 0, 5], [10, 0, 5], [10, 10, 5], [0, 10, 5]]];
    const tri = triangulatePolygon3D(rings);
    expect(tri).toHaveLength(6);
    expect(measure(rings, tri).area).toBeCloseTo(100, 9);
    expect(allFacing(rings, tri, [0, 0, 1])).toBe(true);
  });

  it('follows the Newell normal: a clockwise ring faces down', () => {
    const rings = [[[0, 0, 0], [0, 10, 0], [10, 10, 0], [10, 0, 0]]];
    const tri = triangulatePolygon3D(rings);
    expect(newellNormal(rings[0])[2]).toBeLessThan(0);
    expect(allFacing(rings, tri, [0, 0, -1])).toBe(true);
  });

  it('triangulates a concave L shape with exact area', () => {
    const rings = [[[0, 0, 0], [20, 0, 0], [20, 5, 0], [5, 5, 0], [5, 20, 0], [0, 20, 0]]];
    const tri = triangulatePolygon3D(rings);
    expect(tri).toHaveLength(4 * 3);
    expect(measure(rings, tri).area).toBeCloseTo(20 * 5 + 5 * 15, 9);
    expect(allFacing(rings, tri, [0, 0, 1])).toBe(true);
  });

  it('keeps holes open and indexes the concatenated rings', () => {
    const outer = [[0, 0, 0], [10, 0, 0], [10, 10, 0], [0, 10, 0]];
    const hole = [[3, 3, 0], [3, 7, 0], [7, 7, 0], [7, 3, 0]];
    const rings = [outer, hole];
    const tri = triangulatePolygon3D(rings);
    expect(measure(rings, tri).area).toBeCloseTo(100 - 16, 9);
    expect(Math.max(...tri)).toBe(7);
    expect(new Set(tri).size).toBe(8);
    expect(allFacing(rings, tri, [0, 0, 1])).toBe(true);
  });

  it('triangulates vertical walls facing outward', () => {
    // A wall in the x-z plane, seen from -y it runs counter-clockwise.
    const rings = [[[0, 0, 0], [10, 0, 0], [10, 0, 3], [0, 0, 3]]];
    const tri = triangulatePolygon3D(rings);
    expect(measure(rings, tri).area).toBeCloseTo(30, 9);
    expect(allFacing(rings, tri, [0, -1, 0])).toBe(true);
    // A wall with a window hole in the y-z plane facing +x.
    const wall = [[[5, 0, 0], [5, 8, 0], [5, 8, 4], [5, 0, 4]], [[5, 2, 1], [5, 2, 3], [5, 4, 3], [5, 4, 1]]];
    const t2 = triangulatePolygon3D(wall);
    expect(measure(wall, t2).area).toBeCloseTo(32 - 4, 9);
    expect(allFacing(wall, t2, [1, 0, 0])).toBe(true);
  });

  it('handles a tilted roof plane and large coordinates without losing precision', () => {
    const X = 4_000_000, Y = 3_000_000, Z = 500;
    const rings = [[[X, Y, Z], [X + 10, Y, Z], [X + 10, Y + 6, Z + 3], [X, Y + 6, Z + 3]]];
    const tri = triangulatePolygon3D(rings);
    expect(measure(rings, tri).area).toBeCloseTo(10 * Math.hypot(6, 3), 6);
    expect(allFacing(rings, tri, [0, -3, 6])).toBe(true);
  });

  it('returns [] for degenerate input and never throws', () => {
    expect(triangulatePolygon3D([])).toEqual([]);
    expect(triangulatePolygon3D([[]])).toEqual([]);
    expect(triangulatePolygon3D([[[0, 0, 0], [1, 1, 1]]])).toEqual([]);
    expect(triangulatePolygon3D([[[0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 3, 3]]])).toEqual([]); // collinear
    expect(triangulatePolygon3D([[[0, 0, 0], [0, 0, 0], [0, 0, 0]]])).toEqual([]);
    expect(triangulatePolygon3D([[[0, 0, 0], [1, 0, 0], [NaN, 1, 0]]])).toEqual([]);
    expect(triangulatePolygon3D([[[0, 0, 0], [1, 0, 0], [1, Infinity, 0]]])).toEqual([]);
    expect(triangulatePolygon3D(null as unknown as number[][][])).toEqual([]);
  });

  it('tolerates repeated points in a ring', () => {
    const rings = [[[0, 0, 0], [10, 0, 0], [10, 0, 0], [10, 10, 0], [0, 10, 0]]];
    const tri = triangulatePolygon3D(rings);
    expect(measure(rings, tri).area).toBeCloseTo(100, 9);
  });
});

describe('polygonsToMeshPart', () => {
  it('builds a closed cube from six outward-facing faces', () => {
    const c = (x: number, y: number, z: number) => [x, y, z];
    const faces = [
      [[c(0, 0, 0), c(0, 1, 0), c(1, 1, 0), c(1, 0, 0)]], // bottom, faces -z
      [[c(0, 0, 1), c(1, 0, 1), c(1, 1, 1), c(0, 1, 1)]], // top
      [[c(0, 0, 0), c(1, 0, 0), c(1, 0, 1), c(0, 0, 1)]], // south
      [[c(1, 0, 0), c(1, 1, 0), c(1, 1, 1), c(1, 0, 1)]], // east
      [[c(1, 1, 0), c(0, 1, 0), c(0, 1, 1), c(1, 1, 1)]], // north
      [[c(0, 1, 0), c(0, 0, 0), c(0, 0, 1), c(0, 1, 1)]], // west
      [[c(0, 0, 0), c(1, 1, 1), c(2, 2, 2)]], // degenerate: skipped
    ];
    const part = polygonsToMeshPart(faces, 'wall');
    expect(part.semantic).toBe('wall');
    expect(part.positions).toHaveLength(24 * 3);
    expect(part.indices).toHaveLength(12 * 3);
    // Closed and consistently oriented: every directed edge appears exactly once and its reverse once.
    const key = (a: number, b: number) => `${part.positions.slice(a * 3, a * 3 + 3)}|${part.positions.slice(b * 3, b * 3 + 3)}`;
    const edges = new Map<string, number>();
    for (let i = 0; i < part.indices.length; i += 3) {
      for (let k = 0; k < 3; k++) {
        const e = key(part.indices[i + k], part.indices[i + ((k + 1) % 3)]);
        edges.set(e, (edges.get(e) ?? 0) + 1);
      }
    }
    for (const [e, n] of edges) {
      expect(n).toBe(1);
      const [a, b] = e.split('|');
      expect(edges.get(`${b}|${a}`)).toBe(1);
    }
    // Signed volume of a closed outward mesh is +1.
    let vol = 0;
    const p = part.positions;
    for (let i = 0; i < part.indices.length; i += 3) {
      const [a, b, cc] = [part.indices[i] * 3, part.indices[i + 1] * 3, part.indices[i + 2] * 3];
      vol += (p[a] * (p[b + 1] * p[cc + 2] - p[b + 2] * p[cc + 1]) - p[a + 1] * (p[b] * p[cc + 2] - p[b + 2] * p[cc]) + p[a + 2] * (p[b] * p[cc + 1] - p[b + 1] * p[cc])) / 6;
    }
    expect(vol).toBeCloseTo(1, 9);
  });
});
