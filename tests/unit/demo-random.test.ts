import { describe, expect, it } from 'vitest';
import { Rng, ifcGuid } from '../../src/core/demo/random.js';
import { NameBook } from '../../src/core/demo/names.js';

describe('Rng', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = new Rng(7), b = new Rng(7), c = new Rng(8);
    const sa = Array.from({ length: 20 }, () => a.u32());
    expect(Array.from({ length: 20 }, () => b.u32())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.u32())).not.toEqual(sa);
  });

  it('draws uniformly in range', () => {
    const r = new Rng(123);
    let sum = 0;
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 20000; i++) {
      const v = r.next();
      expect(v >= 0 && v < 1).toBe(true);
      sum += v;
      buckets[Math.floor(v * 10)]++;
    }
    expect(sum / 20000).toBeCloseTo(0.5, 1);
    for (const n of buckets) expect(Math.abs(n - 2000)).toBeLessThan(200);
    for (let i = 0; i < 1000; i++) {
      const k = r.int(3, 5);
      expect(k >= 3 && k <= 5 && Number.isInteger(k)).toBe(true);
    }
  });

  it('forks independent generators deterministically', () => {
    const f1 = new Rng(1).fork(5), f2 = new Rng(1).fork(5), f3 = new Rng(1).fork(6);
    expect(f1.u32()).toBe(f2.u32());
    expect(new Rng(1).fork(5).u32()).not.toBe(f3.u32());
  });
});

describe('ifcGuid', () => {
  it('makes unique 22-character IFC GlobalIds', () => {
    const r = new Rng(9);
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const g = ifcGuid(r);
      expect(g).toMatch(/^[0-3][0-9A-Za-z_$]{21}$/);
      seen.add(g);
    }
    expect(seen.size).toBe(5000);
  });
});

describe('NameBook', () => {
  it('never hands out the same name twice', () => {
    const nb = new NameBook(new Rng(3));
    const names = new Set<string>();
    for (let i = 0; i < 400; i++) {
      for (const n of [nb.localRoad(), nb.estate('estate'), nb.office('tower')]) {
        expect(names.has(n.zh)).toBe(false);
        names.add(n.zh);
        expect(n.en).toMatch(/^[\x20-\x7e]+$/);
      }
    }
  });
});
