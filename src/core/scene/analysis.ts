/**
 * Formats of a scene's `analysis/` files (see `AnalysisSpec` in catalog.ts): the DEM header + raw Float32 raster,
 * and parsing of the raster back into a {@link Grid}. Pure: works on strings and ArrayBuffers.
 */
import type { Grid } from '../grid/grid.js';

/** Header of the analysis DEM (`dem.json`); the values are in `data` (little-endian Float32, row 0 = north). */
export interface DemHeader {
  /** Format marker. */
  format: 'twin-dem-1';
  /** CRS of x/y: "local:<lon0>,<lat0>" (LocalTangentProjection, metres) . */
  crs: string;
  /** Origin of the local CRS (degrees). */
  origin: { lon: number; lat: number };
  ncols: number;
  nrows: number;
  /** Lower-left corner of the grid (m, local CRS). */
  xll: number;
  yll: number;
  /** Cell size (m). */
  cellSize: number;
  /** Vertical datum of the values: heights above the WGS84 ellipsoid (m). */
  heights: 'ellipsoidal';
  /** File name of the raster, relative to the header: ncols·nrows little-endian Float32 (NaN = no data). */
  data: string;
  /** Normal water level of the river (ellipsoidal m): the initial water surface of flood scenarios. */
  riverLevel?: number;
}

/** A malformed analysis file; the message names the file and field. */
export class AnalysisFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnalysisFormatError';
  }
}

/** Checks a parsed dem.json and returns it typed; throws {@link AnalysisFormatError} naming the field. */
export function validateDemHeader(v: unknown, file: string): DemHeader {
  if (typeof v !== 'object' || v === null) throw new AnalysisFormatError(`${file}: not a JSON object`);
  const h = v as Record<string, unknown>;
  if (h.format !== 'twin-dem-1') throw new AnalysisFormatError(`${file}: format must be 'twin-dem-1', got ${JSON.stringify(h.format)}`);
  for (const k of ['ncols', 'nrows'] as const) {
    if (!Number.isInteger(h[k]) || (h[k] as number) < 1) throw new AnalysisFormatError(`${file}: ${k} must be a positive integer, got ${JSON.stringify(h[k])}`);
  }
  for (const k of ['xll', 'yll', 'cellSize'] as const) {
    if (typeof h[k] !== 'number' || !Number.isFinite(h[k])) throw new AnalysisFormatError(`${file}: ${k} must be a number, got ${JSON.stringify(h[k])}`);
  }
  if (!((h.cellSize as number) > 0)) throw new AnalysisFormatError(`${file}: cellSize must be positive`);
  const o = h.origin as Record<string, unknown> | undefined;
  if (!o || typeof o.lon !== 'number' || typeof o.lat !== 'number') throw new AnalysisFormatError(`${file}: origin must be {lon, lat} in degrees`);
  if (typeof h.data !== 'string' || !h.data) throw new AnalysisFormatError(`${file}: data must name the raster file`);
  if (h.riverLevel !== undefined && typeof h.riverLevel !== 'number') throw new AnalysisFormatError(`${file}: riverLevel must be a number`);
  return h as unknown as DemHeader;
}

/** Builds the grid from a header and the raster bytes; throws when the size does not match. */
export function demGridFromBytes(header: DemHeader, bytes: ArrayBuffer, file: string): Grid {
  const n = header.ncols * header.nrows;
  if (bytes.byteLength !== n * 4) {
    throw new AnalysisFormatError(`${file}: ${bytes.byteLength} bytes, expected ${n * 4} (${header.ncols}×${header.nrows} Float32)`);
  }
  const data = new Float32Array(n);
  const view = new DataView(bytes);
  for (let i = 0; i < n; i++) data[i] = view.getFloat32(i * 4, true);
  return { ncols: header.ncols, nrows: header.nrows, xll: header.xll, yll: header.yll, cellSize: header.cellSize, data };
}

/** Little-endian bytes of a grid's values (for writing `dem.f32`). */
export function demBytes(grid: Grid): Uint8Array {
  const out = new Uint8Array(grid.data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < grid.data.length; i++) view.setFloat32(i * 4, grid.data[i], true);
  return out;
}
