/**
 * Reads a single-band GeoTIFF (e.g. a DEM) into a {@link Grid}. Pure: takes the file's bytes, uses the
 * `geotiff` package (Node and browser alike). Nodata (GDAL_NODATA) and non-finite values become NaN.
 */
import { fromArrayBuffer } from 'geotiff';
import type { Grid } from '../grid/grid.js';

/** Coordinate reference information found in the GeoTIFF keys. */
export interface GeoTiffCrs {
  /** EPSG code of the projected CRS (ProjectedCSTypeGeoKey), if any. */
  projectedEpsg?: number;
  /** EPSG code of the geographic CRS (GeographicTypeGeoKey), if any. */
  geographicEpsg?: number;
  /** EPSG code of the vertical CRS (VerticalCSTypeGeoKey), if any. */
  verticalEpsg?: number;
  /** "EPSG:xxxx" of the horizontal CRS (projected if present, else geographic), if known. */
  epsg?: string;
  /** GTCitationGeoKey / PCSCitationGeoKey text, if any. */
  citation?: string;
  /** Whether the raster is pixel-is-area (the usual case) rather than pixel-is-point. */
  pixelIsArea: boolean;
}

/** A grid read from a GeoTIFF plus its CRS information. */
export interface GeoTiffGrid {
  grid: Grid;
  crs: GeoTiffCrs;
  /** The nodata value declared in the file, if any. */
  nodata: number | null;
}

/** A GeoTIFF that cannot be used as a grid (message names the file). */
export class GeoTiffGridError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'GeoTiffGridError';
  }
}

const USER_DEFINED = 32767;

/**
 * Reads band 1 of the first image. Requires square cells and a north-up raster (no rotation).
 * A south-up raster (positive y resolution) is flipped so that row 0 is north.
 */
export async function readGeoTiffGrid(bytes: ArrayBuffer, name = 'dem.tif'): Promise<GeoTiffGrid> {
  let tiff;
  try {
    tiff = await fromArrayBuffer(bytes);
  } catch (e) {
    throw new GeoTiffGridError(name, `not a readable GeoTIFF (${(e as Error).message})`);
  }
  const image = await tiff.getImage(0);
  const ncols = image.getWidth();
  const nrows = image.getHeight();
  let origin: number[];
  let res: number[];
  try {
    origin = image.getOrigin();
    res = image.getResolution();
  } catch (e) {
    throw new GeoTiffGridError(name, `no georeferencing (ModelTiepoint/ModelPixelScale or ModelTransformation): ${(e as Error).message}`);
  }
  const fd = image.fileDirectory as unknown as { getValue?: (k: string) => unknown; ModelTransformation?: number[] };
  const mt = (typeof fd.getValue === 'function' ? fd.getValue('ModelTransformation') : fd.ModelTransformation) as number[] | undefined;
  if (mt && (Math.abs(mt[1]) > 1e-12 || Math.abs(mt[4]) > 1e-12)) throw new GeoTiffGridError(name, 'rotated rasters are not supported');
  const rx = res[0];
  const ry = res[1];
  if (!(Math.abs(rx) > 0)) throw new GeoTiffGridError(name, `invalid pixel size ${rx}`);
  if (Math.abs(Math.abs(rx) - Math.abs(ry)) > 1e-6 * Math.abs(rx)) {
    throw new GeoTiffGridError(name, `cells must be square, got ${Math.abs(rx)} × ${Math.abs(ry)}`);
  }
  const cellSize = Math.abs(rx);
  const pixelIsArea = image.pixelIsArea();
  // Origin is the outer corner of the first pixel for pixel-is-area; its centre for pixel-is-point.
  let x0 = origin[0];
  let y0 = origin[1];
  if (!pixelIsArea) {
    x0 -= rx / 2;
    y0 -= ry / 2;
  }
  const rasters = await image.readRasters({ samples: [0], interleave: false });
  const band = rasters[0] as ArrayLike<number>;
  if (!band || band.length !== ncols * nrows) throw new GeoTiffGridError(name, `band 1 has ${band?.length ?? 0} values, expected ${ncols * nrows}`);
  const nodata = image.getGDALNoData();
  const data = new Float32Array(ncols * nrows);
  const flipY = ry > 0; // south-up
  const flipX = rx < 0;
  for (let r = 0; r < nrows; r++) {
    const srcRow = flipY ? nrows - 1 - r : r;
    for (let c = 0; c < ncols; c++) {
      const srcCol = flipX ? ncols - 1 - c : c;
      const v = band[srcRow * ncols + srcCol];
      data[r * ncols + c] = !Number.isFinite(v) || (nodata !== null && (v === nodata || Math.fround(v) === Math.fround(nodata))) ? NaN : v;
    }
  }
  const xMin = flipX ? x0 - ncols * cellSize : x0;
  const yMin = flipY ? y0 : y0 - nrows * cellSize;
  const keys = (image.getGeoKeys() ?? {}) as Record<string, unknown>;
  const num = (k: string) => (typeof keys[k] === 'number' && keys[k] !== USER_DEFINED ? (keys[k] as number) : undefined);
  const crs: GeoTiffCrs = { pixelIsArea };
  crs.projectedEpsg = num('ProjectedCSTypeGeoKey');
  crs.geographicEpsg = num('GeographicTypeGeoKey');
  crs.verticalEpsg = num('VerticalCSTypeGeoKey');
  const h = crs.projectedEpsg ?? crs.geographicEpsg;
  if (h !== undefined) crs.epsg = `EPSG:${h}`;
  const cit = keys['GTCitationGeoKey'] ?? keys['PCSCitationGeoKey'];
  if (typeof cit === 'string') crs.citation = cit;
  for (const k of Object.keys(crs) as (keyof GeoTiffCrs)[]) if (crs[k] === undefined) delete crs[k];
  return { grid: { ncols, nrows, xll: xMin, yll: yMin, cellSize, data }, crs, nodata };
}
