import { describe, expect, it } from 'vitest';
import { fixedTrail, TRAIL_VERTICES } from '../../src/viewer/live/trailLine.js';

const pt = (i: number) => ({ t: 1000 * i, lon: 113 + i * 1e-4, lat: 23 + i * 2e-4, height: 50 + i });

describe('fixedTrail (drone trails drawn with a fixed vertex count)', () => {
  it('gives exactly n distinct vertices for short and long trails, keeping the oldest and newest point', () => {
    for (const len of [2, 3, 17, TRAIL_VERTICES, TRAIL_VERTICES + 1, 600]) {
      const pts = Array.from({ length: len }, (_, i) => pt(i));
      const out = fixedTrail(pts);
      expect(out).toHaveLength(TRAIL_VERTICES);
      expect(out[0]).toEqual(pts[0]);
      expect(out[out.length - 1]).toEqual(pts[len - 1]);
      // No repeated vertex (Cesium would drop it and rebuild the vertex buffer).
      for (let i = 1; i < out.length; i++) expect(out[i].t).toBeGreaterThan(out[i - 1].t);
    }
  });

  it('interpolates along the path of a short trail and thins a long one evenly', () => {
    const out = fixedTrail([pt(0), pt(1)], 5);
    expect(out.map((p) => p.t)).toEqual([0, 250, 500, 750, 1000]);
    expect(out[2].lon).toBeCloseTo(113 + 0.5e-4, 12);
    expect(out[2].height).toBeCloseTo(50.5, 12);
    const long = fixedTrail(Array.from({ length: 9 }, (_, i) => pt(i)), 3);
    expect(long.map((p) => p.t)).toEqual([0, 4000, 8000]);
  });

  it('draws nothing for fewer than 2 points and rejects a bad vertex count', () => {
    expect(fixedTrail([])).toEqual([]);
    expect(fixedTrail([pt(0)])).toEqual([]);
    expect(() => fixedTrail([pt(0), pt(1)], 1)).toThrow(/n must be an integer ≥ 2/);
  });
});
