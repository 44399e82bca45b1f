/**
 * ESRI ASCII grid (.asc) reading and writing. Pure: works on strings, no file system.
 *
 * Format: a header of `key value` lines (ncols, nrows, xllcorner|xllcenter, yllcorner|yllcenter, cellsize,
 * optional NODATA_value), then nrows × ncols numbers, row 0 = north. Values equal to NODATA_value become NaN.
 */
import type { Grid } from '../grid/grid.js';

/** A malformed grid file: the message names the file and, where known, the line. */
export class GridFormatError extends Error {
  /** The file (or label) the error refers to. */
  readonly file: string;
  /** 1-based line number, if known. */
  readonly line?: number;
  constructor(file: string, line: number | undefined, message: string) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${message}`);
    this.name = 'GridFormatError';
    this.file = file;
    this.line = line;
  }
}

const REQUIRED = ['ncols', 'nrows', 'cellsize'] as const;

/**
 * Parses an ESRI ASCII grid. `name` labels error messages (usually the file path).
 * Throws {@link GridFormatError} on a wrong header, short or excess data or non-numeric values.
 */
export function parseAsc(text: string, name = 'grid.asc'): Grid {
  const header = new Map<string, number>();
  let pos = 0;
  let line = 1;
  const len = text.length;
  // Header: lines starting with a letter.
  for (;;) {
    while (pos < len && (text[pos] === ' ' || text[pos] === '\t' || text[pos] === '\r')) pos++;
    if (pos >= len) break;
    if (text[pos] === '\n') {
      pos++;
      line++;
      continue;
    }
    const c = text.charCodeAt(pos) | 0x20;
    if (c < 97 || c > 122) break; // not a letter: data starts
    let end = text.indexOf('\n', pos);
    if (end < 0) end = len;
    const parts = text.slice(pos, end).trim().split(/\s+/);
    if (parts.length !== 2) throw new GridFormatError(name, line, `header line must be 'key value', got '${text.slice(pos, end).trim()}'`);
    const key = parts[0].toLowerCase();
    const value = Number(parts[1]);
    if (!Number.isFinite(value)) throw new GridFormatError(name, line, `header '${parts[0]}' has a non-numeric value '${parts[1]}'`);
    if (!['ncols', 'nrows', 'xllcorner', 'xllcenter', 'yllcorner', 'yllcenter', 'cellsize', 'nodata_value'].includes(key)) {
      throw new GridFormatError(name, line, `unknown header key '${parts[0]}'`);
    }
    if (header.has(key)) throw new GridFormatError(name, line, `duplicate header key '${parts[0]}'`);
    header.set(key, value);
    pos = end + 1;
    line++;
  }
  for (const k of REQUIRED) if (!header.has(k)) throw new GridFormatError(name, line, `missing header '${k}'`);
  const ncols = header.get('ncols')!;
  const nrows = header.get('nrows')!;
  const cellSize = header.get('cellsize')!;
  if (!Number.isInteger(ncols) || ncols <= 0) throw new GridFormatError(name, undefined, `ncols must be a positive integer, got ${ncols}`);
  if (!Number.isInteger(nrows) || nrows <= 0) throw new GridFormatError(name, undefined, `nrows must be a positive integer, got ${nrows}`);
  if (!(cellSize > 0)) throw new GridFormatError(name, undefined, `cellsize must be positive, got ${cellSize}`);
  let xll: number;
  let yll: number;
  if (header.has('xllcorner')) xll = header.get('xllcorner')!;
  else if (header.has('xllcenter')) xll = header.get('xllcenter')! - cellSize / 2;
  else throw new GridFormatError(name, line, `missing header 'xllcorner' or 'xllcenter'`);
  if (header.has('yllcorner')) yll = header.get('yllcorner')!;
  else if (header.has('yllcenter')) yll = header.get('yllcenter')! - cellSize / 2;
  else throw new GridFormatError(name, line, `missing header 'yllcorner' or 'yllcenter'`);
  const nodata = header.get('nodata_value');

  const n = ncols * nrows;
  const data = new Float32Array(n);
  let k = 0;
  let lastLine = line; // line of the last value read
  // Data: whitespace-separated numbers. Scan tokens by hand (fast, and keeps line numbers for errors).
  while (pos < len) {
    const ch = text.charCodeAt(pos);
    if (ch === 10) {
      line++;
      pos++;
      continue;
    }
    if (ch === 32 || ch === 9 || ch === 13) {
      pos++;
      continue;
    }
    let end = pos + 1;
    while (end < len) {
      const e = text.charCodeAt(end);
      if (e === 32 || e === 9 || e === 13 || e === 10) break;
      end++;
    }
    const tok = text.slice(pos, end);
    const v = Number(tok);
    if (!Number.isFinite(v)) throw new GridFormatError(name, line, `value ${k + 1} ('${tok}') is not a number`);
    if (k >= n) throw new GridFormatError(name, line, `more than nrows × ncols = ${n} values`);
    data[k++] = nodata !== undefined && v === nodata ? NaN : v;
    lastLine = line;
    pos = end;
  }
  if (k < n) throw new GridFormatError(name, lastLine, `short data: expected nrows × ncols = ${n} values, found ${k}`);
  return { ncols, nrows, xll, yll, cellSize, data };
}

/** Options for {@link formatAsc}. */
export interface FormatAscOptions {
  /** Value written for NaN cells (default -9999). */
  nodata?: number;
  /** Significant digits of written values (default 6). */
  precision?: number;
}

/** Writes a grid as ESRI ASCII text (xllcorner/yllcorner, NaN → NODATA_value). */
export function formatAsc(g: Grid, options: FormatAscOptions = {}): string {
  const nodata = options.nodata ?? -9999;
  const prec = options.precision ?? 6;
  const out: string[] = [
    `ncols ${g.ncols}`,
    `nrows ${g.nrows}`,
    `xllcorner ${g.xll}`,
    `yllcorner ${g.yll}`,
    `cellsize ${g.cellSize}`,
    `NODATA_value ${nodata}`,
  ];
  const row: string[] = new Array(g.ncols);
  for (let r = 0; r < g.nrows; r++) {
    for (let c = 0; c < g.ncols; c++) {
      const v = g.data[r * g.ncols + c];
      row[c] = Number.isNaN(v) ? String(nodata) : v === 0 ? '0' : String(Number(v.toPrecision(prec)));
    }
    out.push(row.join(' '));
  }
  return out.join('\n') + '\n';
}
