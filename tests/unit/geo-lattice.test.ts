import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { LatticeMap } from '../../src/core/geo/lattice.js';

/** RD New (EPSG:28992) as proj4 defines it. */
const rd = proj4('+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel +towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725 +units=m +no_defs', 'WGS84');

describe('LatticeMap (checked lattice interpolation of a CRS transform)', () => {
  it('inverts RD New over a 5 km area within its 1 mm tolerance, checked at random points', () => {
    const bounds: [number, number, number, number] = [4.25, 52.08, 4.32, 52.12];
    const map = new LatticeMap((lon, lat, out) => {
      const [x, y] = rd.inverse([lon, lat]);
      out[0] = x;
      out[1] = y;
    }, 2, bounds, { cells: 128, tolerance: [1e-3, 1e-3] });
    expect(map.exactCells).toBe(0);
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const out = new Float64Array(2);
    let worst = 0;
    for (let i = 0; i < 2000; i++) {
      const lon = bounds[0] + rnd() * (bounds[2] - bounds[0]);
      const lat = bounds[1] + rnd() * (bounds[3] - bounds[1]);
      expect(map.eval(lon, lat, out)).toBe(true);
      const [x, y] = rd.inverse([lon, lat]);
      worst = Math.max(worst, Math.abs(out[0] - x), Math.abs(out[1] - y));
    }
    expect(worst).toBeLessThan(1e-3);
    // Outside its bounds it declines (the caller converts exactly).
    expect(map.eval(4.2, 52.1, out)).toBe(false);
    expect(map.eval(NaN, 52.1, out)).toBe(false);
  });

  it('marks cells it cannot interpolate (a jump, a hole) exact instead of returning wrong values', () => {
    // A step at a = 0.503 and no value for b > 0.9: those cells fail their check.
    const f = (a: number, b: number, out: Float64Array) => {
      out[0] = a < 0.503 ? a : a + 10;
      out[1] = b > 0.9 ? NaN : b;
    };
    const map = new LatticeMap(f, 2, [0, 0, 1, 1], { cells: 10, tolerance: [1e-6, 1e-6] });
    expect(map.exactCells).toBeGreaterThan(0);
    const out = new Float64Array(2);
    expect(map.eval(0.505, 0.5, out)).toBe(false);
    expect(map.eval(0.2, 0.95, out)).toBe(false);
    expect(map.eval(0.2, 0.5, out)).toBe(true);
    expect(out[0]).toBeCloseTo(0.2, 12);
    expect(out[1]).toBeCloseTo(0.5, 12);
  });

  it('rejects empty bounds and mismatched tolerances', () => {
    const f = (_a: number, _b: number, out: Float64Array) => out.fill(0);
    expect(() => new LatticeMap(f, 1, [0, 0, 0, 1], { tolerance: [1] })).toThrow(/empty bounds/);
    expect(() => new LatticeMap(f, 2, [0, 0, 1, 1], { tolerance: [1] })).toThrow(/2 outputs need 2 tolerances/);
  });
});
