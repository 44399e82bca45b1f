/**
 * Small CSV helpers for hydrographs, hyetographs and gauge lists. Pure: works on strings.
 * Comma-separated, no quoting; blank lines and lines starting with '#' are skipped; an optional header
 * row is recognised when its first field is not a number.
 */

/** A malformed CSV file: the message names the file and line. */
export class CsvFormatError extends Error {
  /** The file (or label). */
  readonly file: string;
  /** 1-based line number, if known. */
  readonly line?: number;
  constructor(file: string, line: number | undefined, message: string) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
    this.name = 'CsvFormatError';
    this.file = file;
    this.line = line;
  }
}

/** One CSV record with its 1-based source line. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Splits CSV text into records (trimmed fields), skipping blank and '#' lines. */
export function parseCsvRecords(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (!l || l.startsWith('#')) continue;
    out.push({ line: i + 1, fields: l.split(',').map((f) => f.trim()) });
  }
  return out;
}

/**
 * A table of numbers with a fixed column count, e.g. `time_s,m3_per_s`. A first row whose first field is not
 * numeric is taken as the header. Throws {@link CsvFormatError} naming file and line on bad rows.
 */
export function parseNumericCsv(text: string, name: string, columns: readonly string[]): number[][] {
  const recs = parseCsvRecords(text);
  const rows: number[][] = [];
  for (let i = 0; i < recs.length; i++) {
    const { line, fields } = recs[i];
    if (i === 0 && fields.length > 0 && !Number.isFinite(Number(fields[0])) && Number.isNaN(Number(fields[0]))) continue; // header
    if (fields.length !== columns.length) {
      throw new CsvFormatError(name, line, `expected ${columns.length} columns (${columns.join(',')}), got ${fields.length}`);
    }
    const row = fields.map((f, j) => {
      const v = f === '' ? NaN : Number(f);
      if (!Number.isFinite(v)) throw new CsvFormatError(name, line, `column '${columns[j]}' is not a number: '${f}'`);
      return v;
    });
    rows.push(row);
  }
  if (rows.length === 0) throw new CsvFormatError(name, undefined, `no data rows (expected columns ${columns.join(',')})`);
  return rows;
}

/** A piecewise-linear time series (times strictly increasing). Held constant before the first and after the last time. */
export interface TimeSeries {
  /** Times in seconds, strictly increasing. */
  t: Float64Array;
  /** Values at those times. */
  v: Float64Array;
}

/** Builds a {@link TimeSeries} from `time,value` rows; checks times increase. */
export function timeSeriesFromRows(rows: number[][], name: string): TimeSeries {
  const t = new Float64Array(rows.length);
  const v = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    t[i] = rows[i][0];
    v[i] = rows[i][1];
    if (i > 0 && !(t[i] > t[i - 1])) throw new CsvFormatError(name, undefined, `times must increase strictly (row ${i + 1}: ${t[i]} after ${t[i - 1]})`);
  }
  return { t, v };
}

/** Parses a two-column time series CSV (e.g. `time_s,m3_per_s`). */
export function parseTimeSeriesCsv(text: string, name: string, columns: readonly [string, string]): TimeSeries {
  return timeSeriesFromRows(parseNumericCsv(text, name, columns), name);
}

/** Linear interpolation of a series at time `time` (clamped to the end values). */
export function sampleSeries(s: TimeSeries, time: number): number {
  const { t, v } = s;
  const n = t.length;
  if (time <= t[0]) return v[0];
  if (time >= t[n - 1]) return v[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (t[mid] <= time) lo = mid;
    else hi = mid;
  }
  const w = (time - t[lo]) / (t[hi] - t[lo]);
  return v[lo] + w * (v[hi] - v[lo]);
}

/**
 * Exact integral of the piecewise-linear series over [a, b] (clamped ends held constant).
 * Used so that volumes added by a hydrograph equal the hydrograph's own volume.
 */
export function integrateSeries(s: TimeSeries, a: number, b: number): number {
  if (b <= a) return 0;
  // Trapezoid over breakpoints inside (a, b).
  let sum = 0;
  let prevT = a;
  let prevV = sampleSeries(s, a);
  const { t } = s;
  for (let i = 0; i < t.length; i++) {
    if (t[i] <= a) continue;
    if (t[i] >= b) break;
    const vi = s.v[i];
    sum += 0.5 * (prevV + vi) * (t[i] - prevT);
    prevT = t[i];
    prevV = vi;
  }
  sum += 0.5 * (prevV + sampleSeries(s, b)) * (b - prevT);
  return sum;
}
