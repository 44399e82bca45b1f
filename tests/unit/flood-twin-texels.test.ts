import { describe, expect, it } from 'vitest';
import { encodeWaterTexels } from '../../src/viewer/flood/texels.js';

describe('water texture encoding', () => {
  it('encodes √(depth/10 m) in red, speed/5 m/s in green, wet cells opaque, dry and blocked cells empty', () => {
    const depth = Uint16Array.from([0, 9, 10, 2500, 10000, 20000, 500]);
    const speed = Uint16Array.from([0, 0, 1000, 5000, 9000, 0, 100]);
    const blocked = Uint8Array.from([0, 0, 0, 0, 0, 0, 1]);
    const out = new Uint8ClampedArray(depth.length * 4).fill(7);
    encodeWaterTexels(depth, speed, blocked, out);
    const px = (i: number) => Array.from(out.slice(i * 4, i * 4 + 4));
    expect(px(0)).toEqual([0, 0, 0, 0]); // dry
    expect(px(1)).toEqual([0, 0, 0, 0]); // 9 mm < 1 cm
    expect(px(2)).toEqual([Math.round(Math.sqrt(0.001) * 255), 51, 0, 255]);
    expect(px(3)).toEqual([128, 255, 0, 255]); // 2.5 m → √0.25 = 0.5; 5 m/s → 1
    expect(px(4)).toEqual([255, 255, 0, 255]); // 10 m
    expect(px(5)[0]).toBe(255); // deeper saturates
    expect(px(6)).toEqual([0, 0, 0, 0]); // blocked
    // The shader's decode: depth = 10·(r/255)², within 4 % at 2.5 m.
    expect(10 * (128 / 255) ** 2).toBeCloseTo(2.5, 1);
  });
});
