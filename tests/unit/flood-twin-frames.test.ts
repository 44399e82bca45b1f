import { describe, expect, it } from 'vitest';
import { FrameStore, FRAME_MAX } from '../../src/viewer/flood/frames.js';

describe('flood frame storage', () => {
  it('stores quantised frames and finds the frame shown at a time', () => {
    const fs = new FrameStore(3);
    expect(fs.indexAt(10)).toBe(-1);
    expect(fs.frameAt(10)).toBeNull();
    fs.add(0, [0, 0.0004, NaN], [0, 0, 0]);
    fs.add(60, [0.1234, 1.5, 100], [0.5, 2.25, -1]);
    fs.add(120, [0.2, 1.0, 0.05], [0.1, 0.2, 0.3]);
    expect(fs.length).toBe(3);
    expect(fs.endTime).toBe(120);
    expect(fs.indexAt(-5)).toBe(0);
    expect(fs.indexAt(59.9)).toBe(0);
    expect(fs.indexAt(60)).toBe(1);
    expect(fs.indexAt(119)).toBe(1);
    expect(fs.indexAt(1e9)).toBe(2);
    const f = fs.frameAt(61)!;
    expect(f.time).toBe(60);
    expect(f.depthMm[0]).toBe(123);
    expect(f.depthMm[2]).toBe(65535); // saturates at 65.535 m
    expect(f.speedMms[2]).toBe(0); // negative → 0
    expect(fs.bytes).toBe(3 * 3 * 4);
  });

  it('gives depth and speed series of a cell within 0.5 mm', () => {
    const fs = new FrameStore(2);
    for (let k = 0; k < 5; k++) fs.add(k * 30, [k * 0.1, 1], [k * 0.25, 0]);
    const s = fs.series(0);
    expect(s.time).toEqual([0, 30, 60, 90, 120]);
    s.depth.forEach((d, k) => expect(Math.abs(d - k * 0.1)).toBeLessThanOrEqual(0.0005));
    s.speed.forEach((v, k) => expect(Math.abs(v - k * 0.25)).toBeLessThanOrEqual(0.0005));
    expect(() => fs.series(2)).toThrow(/outside/);
    expect(FRAME_MAX).toBeCloseTo(65.535, 6);
  });

  it('rejects frames of the wrong size or out of order', () => {
    const fs = new FrameStore(2);
    expect(() => fs.add(0, [1], [1])).toThrow(/expected 2/);
    fs.add(10, [1, 1], [1, 1]);
    expect(() => fs.add(10, [1, 1], [1, 1])).toThrow(/not after/);
    expect(() => fs.addQuantised({ time: 5, depthMm: new Uint16Array(2), speedMms: new Uint16Array(2) })).toThrow(/not after/);
    fs.clear();
    expect(fs.length).toBe(0);
  });
});
