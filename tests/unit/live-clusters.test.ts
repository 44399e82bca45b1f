import { describe, expect, it } from 'vitest';
import { clusterScreenPoints } from '../../src/core/geometry/screenClusters.js';

/** Brute force reference of the same greedy rule (quadratic), to check the hash-grid version against. */
function reference(xs: number[], ys: number[], range: number, minSize: number): { clusters: number[][]; singles: number[] } {
  const taken = new Array<boolean>(xs.length).fill(false);
  const clusters: number[][] = [];
  const singles: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    if (taken[i]) continue;
    taken[i] = true;
    const group = [i];
    for (let j = 0; j < xs.length; j++) if (!taken[j] && Math.abs(xs[j] - xs[i]) <= range && Math.abs(ys[j] - ys[i]) <= range) group.push(j);
    if (group.length >= minSize) {
      for (const j of group) taken[j] = true;
      clusters.push(group);
    } else singles.push(i);
  }
  return { clusters, singles };
}

const sorted = (r: { clusters: number[][]; singles: number[] }) => ({
  clusters: r.clusters.map((c) => [c[0], ...c.slice(1).sort((a, b) => a - b)]),
  singles: r.singles,
});

describe('clusterScreenPoints (site symbols grouped on screen)', () => {
  it('groups symbols closer than the range and leaves distant ones alone', () => {
    // Three symbols within 10 px of the first, one far away, two close to each other only (below minSize 3).
    const xs = [100, 105, 96, 108, 500, 300, 310];
    const ys = [100, 102, 109, 95, 500, 300, 305];
    const r = clusterScreenPoints(xs, ys, 29, 3);
    expect(r.clusters).toHaveLength(1);
    expect([...r.clusters[0]].sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    expect(r.clusters[0][0]).toBe(0);
    expect(r.singles.sort((a, b) => a - b)).toEqual([4, 5, 6]);
  });

  it('every symbol ends up in exactly one cluster or alone', () => {
    const n = 1000;
    const xs: number[] = [];
    const ys: number[] = [];
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < n; i++) {
      xs.push(rnd() * 800);
      ys.push(rnd() * 600);
    }
    const r = clusterScreenPoints(xs, ys, 29, 3);
    const seen = [...r.singles, ...r.clusters.flat()].sort((a, b) => a - b);
    expect(seen).toEqual([...Array(n).keys()]);
    for (const c of r.clusters) {
      expect(c.length).toBeGreaterThanOrEqual(3);
      // Members lie within the range of their seed.
      for (const j of c) expect(Math.max(Math.abs(xs[j] - xs[c[0]]), Math.abs(ys[j] - ys[c[0]]))).toBeLessThanOrEqual(29);
    }
    // The hash grid finds the same groups as the brute-force rule, at cell borders and negative coordinates too.
    expect(sorted(r)).toEqual(sorted(reference(xs, ys, 29, 3)));
    const shifted = xs.map((x) => x - 400);
    expect(sorted(clusterScreenPoints(shifted, ys, 29, 3))).toEqual(sorted(reference(shifted, ys, 29, 3)));
  });

  it('a symbol exactly at the range is a neighbour, one pixel beyond is not', () => {
    expect(clusterScreenPoints([0, 24, -24], [0, 24, 0], 24, 3).clusters).toHaveLength(1);
    expect(clusterScreenPoints([0, 25, -24], [0, 0, 0], 24, 3).clusters).toHaveLength(0);
  });

  it('rejects bad input with a clear error', () => {
    expect(() => clusterScreenPoints([1, 2], [1], 10, 3)).toThrow(/xs and ys differ/);
    expect(() => clusterScreenPoints([1], [1], 0, 3)).toThrow(/range must be a positive/);
    expect(() => clusterScreenPoints([1], [1], 10, 1)).toThrow(/minSize/);
    expect(() => clusterScreenPoints([NaN], [1], 10, 3)).toThrow(/point 0/);
  });
});
