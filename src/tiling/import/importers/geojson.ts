/**
 * `twin import` of GeoJSON building footprints (Polygon/MultiPolygon + height or floor attributes) as LOD1
 * extruded buildings. CRS: `--crs`, else the file's `crs` member, else WGS84 longitude/latitude (RFC 7946).
 */
import path from 'node:path';
import { FormatError, parseJsonText } from '../../../core/formats/json-errors.js';
import { firstCoordinate, footprintsToFeatures, geoJsonCrs, sniffGeoJson } from '../../../core/formats/geojson-footprints.js';
import { modelFrameFor } from '../../../core/crs/index.js';
import { demHeightSource } from '../../../core/terrain/index.js';
import type { CoordinateTransform } from '../../../core/geo/projection.js';
import type { ImportContext, Importer, TerrainGrid } from '../registry.js';
import { headText } from '../sniff.js';
import { chooseSourceCrs } from '../source-crs.js';
import { readFileText } from '../io.js';

/** The GeoJSON footprints importer. */
export const geoJsonFootprintsImporter: Importer = {
  id: 'geojson',
  description: 'GeoJSON building footprints (Polygon/MultiPolygon with height / floors) → LOD1 buildings',
  detect(head) {
    return sniffGeoJson(headText(head));
  },
  async import(file, ctx) {
    ctx.progress(0, 2, 'reading');
    const text = await readFileText(file);
    const { value } = parseJsonText(text, file);
    const first = firstCoordinate(value);
    if (!first) throw new FormatError(file, '/features', 'no feature with polygon coordinates found');
    let fileCrs = geoJsonCrs(value);
    if (!fileCrs && !ctx.crs && !ctx.origin) {
      if (Math.abs(first[0]) > 180 || Math.abs(first[1]) > 90) {
        throw new FormatError(file, '/features/0/geometry/coordinates', `coordinates (${first.join(', ')}) are not longitude/latitude and the file names no CRS; pass --crs EPSG:xxxx`);
      }
      fileCrs = 'OGC:CRS84';
    }
    const src = chooseSourceCrs(ctx, file, fileCrs, '/crs', { axisOrder: 'east-north' });
    const frame = modelFrameFor(src.transform, first[0], first[1]);
    ctx.progress(1, 2, 'extruding');
    const { features, stats } = footprintsToFeatures(value, {
      file,
      heightAttrs: ctx.heightAttrs,
      storeyHeight: ctx.storeyHeight,
      convert: frame.identity ? undefined : frame.convert,
      groundAt: ctx.baseTerrain ? groundSampler(ctx.baseTerrain, frame.crs) : undefined,
      warn: (m) => ctx.warn(m),
      skip: (id, r) => ctx.skip(id, r),
    });
    ctx.progress(2, 2, 'done');
    const name = (value as { name?: unknown }).name;
    return {
      layers: [
        {
          model: { name: typeof name === 'string' ? name : path.basename(file).replace(/\.(geo)?json(\.gz)?$/i, ''), crs: frame.crs, features },
          className: 'building',
          styleBy: { extrudedHeight: 'numeric', heightSource: 'category' },
        },
      ],
      sourceCrs: src.description,
      format: `GeoJSON footprints (${stats.buildings} extruded; heights from ${Object.entries(stats.byHeightSource).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'})`,
    };
  },
};

/** Ground height (model z) under a model x, y from a terrain surface; NaN outside it or on no-data. */
export function groundSampler(t: TerrainGrid, modelCrs: CoordinateTransform): (x: number, y: number) => number {
  const src = t.source ?? demHeightSource(t.grid, t.crs);
  const [w, s, e, n] = src.rectangle;
  return (x, y) => {
    const [lon, lat] = modelCrs.toGeodetic(x, y, 0);
    if (lon < w || lon > e || lat < s || lat > n) return NaN;
    const h = src.sample(lon, lat);
    if (!Number.isFinite(h)) return NaN;
    return modelCrs.fromGeodetic(lon, lat, h)[2];
  };
}
