import { describe, expect, it } from 'vitest';
import { integrateSeries } from '../../src/core/formats/csv.js';
import { GUANGZHOU_IDF, breachHydrograph, chicagoCumulative, chicagoStorm, idfAt, idfIntensity, stepSeries } from '../../src/viewer/flood/hyetograph.js';

describe('Guangzhou IDF and the Chicago design storm', () => {
  it('uses the single-period formula at standard periods: 113.6 mm in the 100-year hour (q = 3293.741/(t+4.951)^0.562)', () => {
    const i60 = idfIntensity(GUANGZHOU_IDF, 100, 60);
    // By hand: 3293.741/64.951^0.562 = 315.5 L/(s·ha) = 1.893 mm/min = 113.6 mm/h.
    expect(i60).toBeCloseTo(113.58, 1);
    expect(idfAt(GUANGZHOU_IDF, 100)).toEqual({ q1: 3293.741, b: 4.951, n: 0.562 });
    expect(idfIntensity(GUANGZHOU_IDF, 2, 60)).toBeLessThan(idfIntensity(GUANGZHOU_IDF, 10, 60));
    expect(idfIntensity(GUANGZHOU_IDF, 100, 10)).toBeGreaterThan(i60);
    expect(() => idfIntensity(GUANGZHOU_IDF, 0.1, 60)).toThrow(/return period/);
    expect(() => idfIntensity(GUANGZHOU_IDF, 200, 60)).toThrow(/return period/);
  });

  it('interpolates in lg P between standard periods; the total formula (C = 0.533) stays close to the fits', () => {
    // P = 30 a lies at w = lg(30/20)/lg(50/20) = 0.4425 between the 20 a and 50 a fits (94.92 and 106.19 mm/h at 60 min).
    expect(idfIntensity(GUANGZHOU_IDF, 30, 60)).toBeCloseTo(94.92 + 0.4425 * (106.19 - 94.92), 1);
    expect(idfAt(GUANGZHOU_IDF, 30)).toBeNull();
    let prev = 0;
    for (const P of [1, 1.5, 2, 2.5, 3, 4, 5, 7, 10, 15, 20, 30, 50, 75, 100]) {
      const i = idfIntensity(GUANGZHOU_IDF, P, 60);
      expect(i, `P=${P}`).toBeGreaterThan(prev);
      prev = i;
    }
    // The two forms of the 2011 document agree within 6 % at every standard period ≥ 1 a for 5–60 min.
    const total = { ...GUANGZHOU_IDF, singlePeriod: undefined };
    expect(idfIntensity(total, 100, 60)).toBeCloseTo(109.73, 1);
    for (const P of Object.keys(GUANGZHOU_IDF.singlePeriod!).map(Number).filter((p) => p >= 1)) {
      for (const t of [5, 10, 30, 60]) {
        const ratio = idfIntensity(GUANGZHOU_IDF, P, t) / idfIntensity(total, P, t);
        expect(Math.abs(ratio - 1), `P=${P} t=${t}`).toBeLessThan(0.06);
      }
    }
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
    expect(s.totalMm).toBeCloseTo(113.6, 1);
    // The engine integrates the series in mm/h · s: / 3600 → mm.
    expect(integrateSeries(s.series, 0, 3600) / 3600).toBeCloseTo(s.totalMm, 3);
    expect(integrateSeries(s.series, 3601, 7200)).toBe(0);
    // Block 24 alone.
    expect(integrateSeries(s.series, 24 * 60, 25 * 60) / 3600).toBeCloseTo((s.intensity[24] * 60) / 3600, 3);
    expect(s.label).toMatch(/3293\.741\/\(t \+ 4\.951\)\^0\.562/);
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
