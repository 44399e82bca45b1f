/**
 * Design storms as hyetographs for the flood engine (rain in mm/h as a piecewise-linear TimeSeries).
 *
 * The Chicago design storm (Keifer & Chu 1957, J. Hydraulics Div. ASCE 83(4)) distributes the depth of an IDF
 * relation around a peak at r·T so that every window of duration D centred (r : 1−r) on the peak holds exactly the
 * IDF depth P(D) = i(D)·D. With the Chinese storm-intensity form q = 167·A₁(1 + C lg P)/(t + b)^n (q in L/(s·ha),
 * t in min) the average intensity over D minutes is i(D) = a/(D + b)^n mm/min with a = A₁(1 + C lg P) mm/min,
 * so the cumulative depth before/after the peak follows in closed form (see {@link chicagoCumulative}).
 *
 * Guangzhou: 《广州市中心城区暴雨公式及计算图表》 (Guangzhou Water Authority, June 2011; reissued as appendix I of
 * 穗水规字〔2018〕5号). It gives one formula per standard return period (0.25, 0.33, 0.5, 1, 2, 3, 5, 10, 20, 50, 100
 * years) — the ones the document tells designers to use for those periods — and the total formula
 * q = 3618.427 (1 + 0.533 lg P) / (t + 11.259)^0.750 L/(s·ha). Between standard periods we interpolate the
 * single-period intensities linearly in lg P (the document's own interval formulas were not at hand; the total
 * formula alone is not monotone across the standard fits). Durations 5–180 min.
 * For P = 100 years and t = 60 min the single-period formula q = 3293.741/(t + 4.951)^0.562 gives 113.6 mm in the
 * hour (the total formula 109.7 mm). The coefficients were taken from third-party tabulations of the 2011 document
 * (the official PDF was not at hand); they were cross-checked against each other: each single-period formula agrees
 * with the total formula within 5 % for 5–60 min, which an earlier value C = 0.438 (99.6 mm/h at P = 100) did not.
 * The peak ratio r = 0.4 is a common choice for Guangzhou design storms.
 * Pure: no DOM.
 */
import type { TimeSeries } from '../../core/formats/csv.js';

/** One storm-intensity formula q = q1/(t + b)^n (q in L/(s·ha), t in minutes) at a fixed return period. */
export interface IdfSinglePeriod {
  /** q1 in L/(s·ha). */
  q1: number;
  /** b (minutes). */
  b: number;
  /** n (exponent). */
  n: number;
}

/**
 * Parameters of a storm-intensity (IDF) formula q = q1·(1 + C lg P)/(t + b)^n, q in L/(s·ha), t in minutes, and
 * optionally the per-return-period formulas that take precedence at their own periods.
 */
export interface IdfFormula {
  /** q1 in L/(s·ha) (the "167·A₁" of the Chinese form). */
  q1: number;
  /** C, the return-period coefficient. */
  C: number;
  /** b (minutes). */
  b: number;
  /** n (exponent). */
  n: number;
  /** Formulas fitted at single return periods (years → formula); used when P equals one of them. */
  singlePeriod?: Readonly<Record<number, IdfSinglePeriod>>;
  /** Smallest and largest return period (years) the formula was fitted for. */
  periodRange: [number, number];
  /** Where the numbers come from. */
  source: string;
}

/** Guangzhou central urban area, 2011 document (see the module comment). */
export const GUANGZHOU_IDF: IdfFormula = {
  q1: 3618.427,
  C: 0.533,
  b: 11.259,
  n: 0.75,
  singlePeriod: {
    0.25: { q1: 6976.425, b: 17.66, n: 0.972 },
    0.33: { q1: 6737.448, b: 17.269, n: 0.945 },
    0.5: { q1: 6561.43, b: 16.812, n: 0.911 },
    1: { q1: 6366.875, b: 16.19, n: 0.863 },
    2: { q1: 5920.317, b: 14.646, n: 0.815 },
    3: { q1: 5688.521, b: 13.841, n: 0.789 },
    5: { q1: 5411.802, b: 12.874, n: 0.758 },
    10: { q1: 5050.414, b: 11.61, n: 0.717 },
    20: { q1: 4161.139, b: 8.406, n: 0.653 },
    50: { q1: 3623.399, b: 6.274, n: 0.598 },
    100: { q1: 3293.741, b: 4.951, n: 0.562 },
  },
  periodRange: [0.25, 100],
  source: '广州市中心城区暴雨公式及计算图表 (2011): single-period formulas; else q = 3618.427(1 + 0.533 lg P)/(t + 11.259)^0.750 L/(s·ha)',
};

/** 1 mm/min expressed in L/(s·ha). */
const MM_PER_MIN_IN_LSHA = 10000 / 60;

function checkPeriod(idf: IdfFormula, years: number): void {
  const [lo, hi] = idf.periodRange;
  if (!(years >= lo && years <= hi)) throw new RangeError(`return period must be within ${lo}–${hi} years for this formula, got ${years}`);
}

/** Standard periods bracketing `years` when the formula has single-period fits around it (else null). */
function bracket(idf: IdfFormula, years: number): [number, number] | null {
  if (!idf.singlePeriod) return null;
  const periods = Object.keys(idf.singlePeriod).map(Number).sort((x, y) => x - y);
  for (let k = 0; k + 1 < periods.length; k++) {
    if (years >= periods[k] && years <= periods[k + 1]) return [periods[k], periods[k + 1]];
  }
  return null;
}

/**
 * The single formula q = q1/(t + b)^n in force for return period `years`: its single-period fit when there is one,
 * else the total formula evaluated at P. Between two single-period fits {@link idfIntensity} interpolates instead;
 * this returns null there.
 */
export function idfAt(idf: IdfFormula, years: number): IdfSinglePeriod | null {
  checkPeriod(idf, years);
  const single = idf.singlePeriod?.[years];
  if (single) return single;
  if (bracket(idf, years)) return null;
  return { q1: idf.q1 * (1 + idf.C * Math.log10(years)), b: idf.b, n: idf.n };
}

/** Average intensity (mm/h) of formula `f` over `minutes`. */
function intensityOf(f: IdfSinglePeriod, minutes: number): number {
  return (f.q1 / Math.pow(minutes + f.b, f.n) / MM_PER_MIN_IN_LSHA) * 60;
}

/**
 * Average intensity (mm/h) over a duration of `minutes` for return period `years`: the single-period fit at a
 * standard period; between two standard periods, linear in lg P between their fits (monotone in P, continuous at the
 * standard periods — the total formula can fall below the neighbouring fit); elsewhere the total formula.
 */
export function idfIntensity(idf: IdfFormula, years: number, minutes: number): number {
  if (!(minutes > 0)) throw new RangeError(`duration must be positive, got ${minutes}`);
  const f = idfAt(idf, years);
  if (f) return intensityOf(f, minutes);
  const [p0, p1] = bracket(idf, years)!;
  const w = (Math.log10(years) - Math.log10(p0)) / (Math.log10(p1) - Math.log10(p0));
  return (1 - w) * intensityOf(idf.singlePeriod![p0], minutes) + w * intensityOf(idf.singlePeriod![p1], minutes);
}

/** Human-readable description of what {@link idfIntensity} uses for `years`. */
export function idfDescription(idf: IdfFormula, years: number): string {
  const f = idfAt(idf, years);
  const fmt = (x: number) => String(Math.round(x * 1000) / 1000);
  if (f) return `q = ${fmt(f.q1)}/(t + ${fmt(f.b)})^${fmt(f.n)} L/(s·ha)`;
  const [p0, p1] = bracket(idf, years)!;
  return `interpolated in lg P between the P = ${p0} a and P = ${p1} a formulas`;
}

/** IDF depth (mm) of a window of `minutes`. */
function idfDepth(idf: IdfFormula, years: number, minutes: number): number {
  return minutes <= 0 ? 0 : (idfIntensity(idf, years, minutes) * minutes) / 60;
}

/**
 * Cumulative depth (mm) of a Chicago storm from its start to `t` minutes. Before the peak at tp = r·T:
 * P(t) = r·[F(T) − F((tp − t)/r)], after: r·F(T) + (1 − r)·F((t − tp)/(1 − r)), with F(D) the IDF depth of D.
 */
export function chicagoCumulative(idf: IdfFormula, years: number, durationMin: number, r: number, t: number): number {
  const T = durationMin;
  const tp = r * T;
  const F = (d: number) => idfDepth(idf, years, d);
  const tc = Math.min(T, Math.max(0, t));
  if (tc <= tp) return r > 0 ? r * (F(T) - F((tp - tc) / r)) : 0;
  return r * F(T) + (r < 1 ? (1 - r) * F((tc - tp) / (1 - r)) : 0);
}

/** A design storm: block intensities and the series for the engine. */
export interface DesignStorm {
  /** Start of each block (s). */
  blockStart: number[];
  /** Block length (s). */
  blockSeconds: number;
  /** Average intensity of each block (mm/h). */
  intensity: number[];
  /** Total depth (mm) = IDF depth of the whole duration. */
  totalMm: number;
  /** Peak block intensity (mm/h). */
  peak: number;
  /** Step-shaped series (time s → mm/h) whose integral equals the block depths (to 1e-4 of a block's depth). */
  series: TimeSeries;
  /** Description for reports. */
  label: string;
}

/** Turns block intensities into a step series (each block a flat top; the ramp to the next block lasts 0.01 s). */
export function stepSeries(blockSeconds: number, intensity: number[]): TimeSeries {
  const t: number[] = [];
  const v: number[] = [];
  const ramp = Math.min(0.01, blockSeconds * 1e-4);
  intensity.forEach((x, k) => {
    t.push(k * blockSeconds + (k === 0 ? 0 : ramp / 2));
    v.push(x);
    t.push((k + 1) * blockSeconds - ramp / 2);
    v.push(x);
  });
  // Rain stops after the last block.
  t.push(intensity.length * blockSeconds + ramp / 2);
  v.push(0);
  return { t: Float64Array.from(t), v: Float64Array.from(v) };
}

/**
 * A Chicago design storm as blocks of `blockSeconds` (default 60 s) whose depths are exact differences of the
 * cumulative curve, so the total equals the IDF depth of the duration.
 */
export function chicagoStorm(opts: { idf?: IdfFormula; years: number; durationMin: number; peakRatio?: number; blockSeconds?: number }): DesignStorm {
  const idf = opts.idf ?? GUANGZHOU_IDF;
  const r = opts.peakRatio ?? 0.4;
  if (!(r >= 0 && r <= 1)) throw new RangeError(`peak ratio must be in [0, 1], got ${r}`);
  if (!(opts.durationMin > 0)) throw new RangeError(`duration must be positive, got ${opts.durationMin}`);
  const bs = opts.blockSeconds ?? 60;
  if (!(bs > 0)) throw new RangeError(`block length must be positive, got ${bs}`);
  const nb = Math.ceil((opts.durationMin * 60) / bs - 1e-9);
  const intensity: number[] = [];
  const blockStart: number[] = [];
  let prev = 0;
  for (let k = 0; k < nb; k++) {
    const cum = chicagoCumulative(idf, opts.years, opts.durationMin, r, ((k + 1) * bs) / 60);
    const len = Math.min(bs, opts.durationMin * 60 - k * bs);
    intensity.push(((cum - prev) / len) * 3600);
    blockStart.push(k * bs);
    prev = cum;
  }
  const totalMm = idfDepth(idf, opts.years, opts.durationMin);
  return {
    blockStart,
    blockSeconds: bs,
    intensity,
    totalMm,
    peak: Math.max(...intensity),
    series: stepSeries(bs, intensity),
    label: `Chicago design storm, P = ${opts.years} a, ${opts.durationMin} min, r = ${r}; ${idfDescription(idf, opts.years)} from ${idf.source}`,
  };
}

/** A levee-breach inflow hydrograph: linear rise to `peak` m³/s at `riseMin`, then recession to 0 at `durationMin`. */
export function breachHydrograph(peak: number, riseMin: number, durationMin: number): TimeSeries {
  if (!(peak > 0)) throw new RangeError(`peak discharge must be positive, got ${peak}`);
  if (!(riseMin > 0 && durationMin > riseMin)) throw new RangeError(`need 0 < rise (${riseMin}) < duration (${durationMin}) minutes`);
  return { t: Float64Array.from([0, riseMin * 60, durationMin * 60]), v: Float64Array.from([0, peak, 0]) };
}
