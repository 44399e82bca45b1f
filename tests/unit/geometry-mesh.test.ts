import { describe, expect, it } from 'vitest';
import { MeshBuilder, addBox, addCylinder, addParapetBody, addPrism, addRoofedBody, addTube, insetRing, rectangle, signedArea2D, type Vec2, type Vec3 } from '../../src/core/geometry/mesh.js';
import type { MeshPart } from '../../src/core/model/feature.js';
import { isClosed, volume } from './geometry-helpers.js';

const parts = (f: (b: MeshBuilder) => void): MeshPart[] => {
  const b = new MeshBuilder();
  f(b);
  return b.toParts();
};

describe('mesh builders', () => {
  it('extrudes a concave footprint with a hole into a closed prism (either ring orientation)', () => {
    const L: Vec2[] = [[0, 0], [20, 0], [20, 8], [8, 8], [8, 20], [0, 20]];
    const hole: Vec2[] = [[2, 2], [5, 2], [5, 5], [2, 5]];
    for (const ring of [L, L.slice().reverse()]) {
      const p = parts((b) => addPrism(b, ring, 10, 22, {}, [hole]));
      expect(isClosed(p)).toBe(true);
      expect(volume(p)).toBeCloseTo((20 * 8 + 8 * 12 - 9) * 12, 6);
      expect(p.map((q) => q.semantic).sort()).toEqual(['ground', 'roof', 'wall']);
    }
  });

  it('builds rotated boxes and cylinders with the right volume', () => {
    const box = parts((b) => addBox(b, 100, 50, 3, 4, 2, 8, 0.7));
    expect(isClosed(box)).toBe(true);
    expect(volume(box)).toBeCloseTo(4 * 2 * 5, 9);
    expect(Math.abs(signedArea2D(rectangle(0, 0, 4, 2, 0.7)))).toBeCloseTo(8, 9);
    const cyl = parts((b) => addCylinder(b, 0, 0, 0, 10, 1, 12));
    expect(isClosed(cyl)).toBe(true);
    expect(volume(cyl)).toBeCloseTo(0.5 * 12 * Math.sin((2 * Math.PI) / 12) * 10, 9);
  });

  it('builds closed tubes along bent polylines with about the right volume', () => {
    const pts: Vec3[] = [[0, 0, -2], [50, 0, -2.5], [50, 40, -2.2], [80, 40, -3], [80, 40, -3]];
    const r = 0.3;
    const p = parts((b) => addTube(b, pts, r, 8));
    expect(isClosed(p)).toBe(true);
    const len = 50 + 40 + 30;
    const area = 0.5 * 8 * r * r * Math.sin((2 * Math.PI) / 8);
    expect(volume(p) / (area * len)).toBeGreaterThan(0.97);
    expect(volume(p) / (area * len)).toBeLessThan(1.03);
    for (const q of p) expect(q.positions.every(Number.isFinite)).toBe(true);
    // Vertical risers work too; a zero-length polyline emits nothing.
    expect(isClosed(parts((b) => addTube(b, [[0, 0, 0], [0, 0, 10], [5, 0, 10]], 0.2, 8)))).toBe(true);
    expect(parts((b) => addTube(b, [[1, 1, 1], [1, 1, 1]], 0.2))).toEqual([]);
  });

  it('builds closed roofed bodies with analytic volumes', () => {
    const rect = { cx: 10, cy: -5, w: 20, d: 10, angle: 0.3 };
    const z0 = 5, eave = 11, ridge = 14;
    const box = 20 * 10 * 6;
    const cases: [Parameters<typeof addRoofedBody>[4], number][] = [
      ['flat', box],
      ['gable', box + (20 * 10 * 3) / 2],
      ['shed', box + (20 * 10 * 3) / 2],
      // Hip: each d/2-deep end of the gable prism (d · d/2 · rise / 2) becomes a pyramid (1/3 · d · d/2 · rise).
      ['hip', box + (20 * 10 * 3) / 2 - 2 * ((10 * 5 * 3) / 2 - (1 / 3) * 10 * 5 * 3)],
    ];
    for (const [shape, v] of cases) {
      const p = parts((b) => addRoofedBody(b, rect, z0, eave, shape, ridge));
      expect(isClosed(p), shape).toBe(true);
      expect(volume(p), shape).toBeCloseTo(v, 6);
      if (shape !== 'flat') expect(p.find((q) => q.semantic === 'roof')).toBeDefined();
    }
    const barrel = parts((b) => addRoofedBody(b, rect, z0, eave, 'barrel', ridge, 8));
    expect(isClosed(barrel)).toBe(true);
    // Between the gable volume and the full box to the crown.
    expect(volume(barrel)).toBeGreaterThan(box + (20 * 10 * 3) / 2);
    expect(volume(barrel)).toBeLessThan(box + 20 * 10 * 3);
    // A square hip roof becomes a pyramid.
    const pyr = parts((b) => addRoofedBody(b, { cx: 0, cy: 0, w: 10, d: 10 }, 0, 3, 'hip', 6));
    expect(isClosed(pyr)).toBe(true);
    expect(volume(pyr)).toBeCloseTo(300 + 100, 6);
  });

  it('builds closed parapet bodies on convex and concave footprints', () => {
    const rect: Vec2[] = [[0, 0], [10, 0], [10, 6], [0, 6]];
    const p = parts((b) => addParapetBody(b, rect, 2, 20, 1.2, 0.4));
    expect(isClosed(p)).toBe(true);
    expect(volume(p)).toBeCloseTo(60 * 18 + (60 - 9.2 * 5.2) * 1.2, 6);
    const L: Vec2[] = [[0, 0], [20, 0], [20, 8], [8, 8], [8, 20], [0, 20]];
    const inner = insetRing(L, 0.5);
    expect(signedArea2D(inner)).toBeCloseTo(19 * 7 + 7 * 12, 6);
    const q = parts((b) => addParapetBody(b, L.slice().reverse(), 0, 10, 1, 0.5));
    expect(isClosed(q)).toBe(true);
    expect(volume(q)).toBeCloseTo(256 * 10 + (256 - signedArea2D(inner)) * 1, 6);
  });

  it('applies semantic colours in toParts', () => {
    const b = new MeshBuilder();
    addBox(b, 0, 0, 0, 1, 1, 1, 0, { top: 'roof', side: 'wall', bottom: 'ground' });
    const p = b.toParts({ roof: [1, 0, 0, 1] });
    expect(p.find((q) => q.semantic === 'roof')?.color).toEqual([1, 0, 0, 1]);
    expect(p.find((q) => q.semantic === 'wall')?.color).toBeUndefined();
    expect(b.triangleCount).toBe(12);
  });
});
