import { describe, expect, it } from 'vitest';
import { integrateSeries } from '../../src/core/formats/csv.js';
import { GUANGZHOU_IDF, breachHydrograph, chicagoCumulative, chicagoStorm, idfIntensity, stepSeries } from '../../src/viewer/flood/hyetograph.js';

describe('Guangzhou IDF and the Chicago design storm', () => {
  it('gives about 99 mm in the 100-year hour (q = 3618.427(1+0.438 lgP)/(t+11.259)^0.75)', () => {
    const i60 = idfIntensity(GUANGZHOU_IDF, 100, 60);
    // By hand: 3618.427·1.876/71.259^0.75 = 276.2 L/(s·ha) = 1.657 mm/min = 99.4 mm/h.
    expect(i60).toBeCloseTo(99.4, 0);
    expect(idfIntensity(GUANGZHOU_IDF, 2, 60)).toBeLessThan(idfIntensity(GUANGZHOU_IDF, 10, 60));
    expect(idfIntensity(GUANGZHOU_IDF, 100, 10)).toBeGreaterThan(i60);
    expect(() => idfIntensity(GUANGZHOU_IDF, 0.5, 60)).toThrow(/return period/);
  });

  it('cumulative curve runs from 0 to the IDF depth, monotone, with r·F(T) at the peak', () => {
    const T = 60, r = 0.4;
    const total = (idfIntensity(GUANGZHOU_IDF, 100, T) * T) / 60;
    expect(chicagoCumulative(GUANGZHOU_IDF, 100, T, r, 0)).toBeCloseTo(0, 9);
    expect(chicagoCumulative(GUANGZHOU_IDF, 100, T, r, T)).toBeCloseTo(total, 9);
    expect(chicagoCumulative(GUANGZHOU_IDF, 100, T, r, r * T)).toBeCloseTo(r * total, 9);
    let prev = -1;
    for (let t = 0; t <= T; t += 0.5) {
      const c = chicagoCumulative(GUANGZHOU_IDF, 100, T, r, t);
      expect(c).toBeGreaterThanOrEqual(prev);
      prev = c;
    }
  });

  it('every window centred r : 1−r on the peak holds the IDF depth of its length', () => {
    const T = 120, r = 0.4, tp = r * T;
    for (const D of [5, 10, 30, 60]) {
      const inWindow = chicagoCumulative(GUANGZHOU_IDF, 50, T, r, tp + (1 - r) * D) - chicagoCumulative(GUANGZHOU_IDF, 50, T, r, tp - r * D);
      expect(inWindow).toBeCloseTo((idfIntensity(GUANGZHOU_IDF, 50, D) * D) / 60, 6);
    }
  });

  it('block storm: peak block at r·T, blocks sum to the total, series integrates to the same depth', () => {
    const s = chicagoStorm({ years: 100, durationMin: 60, peakRatio: 0.4, blockSeconds: 60 });
    expect(s.intensity).toHaveLength(60);
    const peakIdx = s.intensity.indexOf(s.peak);
    expect(peakIdx).toBe(24);
    const blocksMm = s.intensity.reduce((a, i) => a + (i * 60) / 3600, 0);
    expect(blocksMm).toBeCloseTo(s.totalMm, 6);
    expect(s.totalMm).toBeCloseTo(99.4, 0);
    // The engine integrates the series in mm/h · s: / 3600 → mm.
    expect(integrateSeries(s.series, 0, 3600) / 3600).toBeCloseTo(s.totalMm, 3);
    expect(integrateSeries(s.series, 3601, 7200)).toBe(0);
    // Block 24 alone.
    expect(integrateSeries(s.series, 24 * 60, 25 * 60) / 3600).toBeCloseTo((s.intensity[24] * 60) / 3600, 3);
    expect(s.label).toMatch(/3618\.427/);
  });

  it('stepSeries is strictly increasing in time and rejects nothing valid', () => {
    const ser = stepSeries(300, [10, 20, 0, 5]);
    for (let i = 1; i < ser.t.length; i++) expect(ser.t[i]).toBeGreaterThan(ser.t[i - 1]);
    expect(integrateSeries(ser, 0, 1200) / 3600).toBeCloseTo((300 * 35) / 3600, 4);
  });

  it('rejects bad storms and hydrographs', () => {
    expect(() => chicagoStorm({ years: 100, durationMin: 0 })).toThrow(/duration/);
    expect(() => chicagoStorm({ years: 100, durationMin: 60, peakRatio: 1.5 })).toThrow(/peak ratio/);
    expect(() => breachHydrograph(0, 10, 60)).toThrow(/peak/);
    expect(() => breachHydrograph(100, 60, 30)).toThrow(/rise/);
    const h = breachHydrograph(300, 20, 120);
    expect(integrateSeries(h, 0, 7200)).toBeCloseTo(0.5 * 300 * 7200, 3);
  });
});
