/**
 * Design storms as hyetographs for the flood engine (rain in mm/h as a piecewise-linear TimeSeries).
 *
 * The Chicago design storm (Keifer & Chu 1957, J. Hydraulics Div. ASCE 83(4)) distributes the depth of an IDF
 * relation around a peak at r·T so that every window of duration D centred (r : 1−r) on the peak holds exactly the
 * IDF depth P(D) = i(D)·D. With the Chinese storm-intensity form q = 167·A₁(1 + C lg P)/(t + b)^n (q in L/(s·ha),
 * t in min) the average intensity over D minutes is i(D) = a/(D + b)^n mm/min with a = A₁(1 + C lg P) mm/min,
 * so the cumulative depth before/after the peak follows in closed form (see {@link chicagoCumulative}).
 *
 * Guangzhou: storm-intensity formula of the central urban area (广州市中心城区暴雨强度公式, 2011 revision,
 * Guangzhou Water Authority): q = 3618.427 (1 + 0.438 lg P) / (t + 11.259)^0.750 L/(s·ha). For P = 100 years and
 * t = 60 min that is 99 mm in the hour. The peak ratio r = 0.4 is a common choice for Guangzhou design storms.
 * Pure: no DOM.
 */
import type { TimeSeries } from '../../core/formats/csv.js';

/** Parameters of a storm-intensity (IDF) formula q = q1·(1 + C lg P)/(t + b)^n, q in L/(s·ha), t in minutes. */
export interface IdfFormula {
  /** q1 in L/(s·ha) (the "167·A₁" of the Chinese form). */
  q1: number;
  /** C, the return-period coefficient. */
  C: number;
  /** b (minutes). */
  b: number;
  /** n (exponent). */
  n: number;
  /** Where the numbers come from. */
  source: string;
}

/** Guangzhou central urban area, 2011 revision. */
export const GUANGZHOU_IDF: IdfFormula = {
  q1: 3618.427,
  C: 0.438,
  b: 11.259,
  n: 0.75,
  source: '广州市中心城区暴雨强度公式 (2011): q = 3618.427(1 + 0.438 lg P)/(t + 11.259)^0.750 L/(s·ha)',
};

/** 1 mm/min expressed in L/(s·ha). */
const MM_PER_MIN_IN_LSHA = 10000 / 60;

/** Average intensity (mm/h) over a duration of `minutes` for return period `years`. */
export function idfIntensity(idf: IdfFormula, years: number, minutes: number): number {
  if (!(years >= 1)) throw new RangeError(`return period must be ≥ 1 year, got ${years}`);
  if (!(minutes > 0)) throw new RangeError(`duration must be positive, got ${minutes}`);
  const q = (idf.q1 * (1 + idf.C * Math.log10(years))) / Math.pow(minutes + idf.b, idf.n);
  return (q / MM_PER_MIN_IN_LSHA) * 60;
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
    label: `Chicago design storm, P = ${opts.years} a, ${opts.durationMin} min, r = ${r}; ${idf.source}`,
  };
}

/** A levee-breach inflow hydrograph: linear rise to `peak` m³/s at `riseMin`, then recession to 0 at `durationMin`. */
export function breachHydrograph(peak: number, riseMin: number, durationMin: number): TimeSeries {
  if (!(peak > 0)) throw new RangeError(`peak discharge must be positive, got ${peak}`);
  if (!(riseMin > 0 && durationMin > riseMin)) throw new RangeError(`need 0 < rise (${riseMin}) < duration (${durationMin}) minutes`);
  return { t: Float64Array.from([0, riseMin * 60, durationMin * 60]), v: Float64Array.from([0, peak, 0]) };
}
