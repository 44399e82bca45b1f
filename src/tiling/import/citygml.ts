/**
 * `twin import` of CityGML 1.0 / 2.0 (PLATEAU i-UR flavour included), plain or gzipped. The file is streamed
 * through a SAX parser (no DOM), so a large GML needs memory for its objects only. One input can give several
 * layers: city objects, utility-network pipes (PLATEAU unf), flood-risk water bodies (PLATEAU fld) and a terrain
 * grid from TINRelief.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { TextureImage } from '../../core/model/feature.js';
import { modelFrameFor } from '../../core/crs/index.js';
import { rasteriseTin } from '../../core/formats/tin-raster.js';
import { CityGmlStreamParser, buildCityGmlModels, tinHeightSource, type CityGmlDocument, type CityGmlModels } from '../../core/formats/citygml/index.js';
import type { ImportContext, ImportLayer, ImportOutput, Importer } from './registry.js';
import { headText } from './sniff.js';
import { chooseSourceCrs } from './source-crs.js';
import { isGzip } from './io.js';
import { mergeOverTerrainDir } from './dem.js';

/** Streams a CityGML file (gzip detected by its magic bytes) through the parser. */
export async function readCityGmlFile(
  file: string,
  options: { onWarning?: (m: string) => void; onSkip?: (id: string, reason: string) => void; onProgress?: (bytes: number, total: number) => void; strict?: boolean } = {},
): Promise<CityGmlDocument> {
  const total = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  const magic = Buffer.alloc(2);
  fs.readSync(fd, magic, 0, 2, 0);
  fs.closeSync(fd);
  const parser = new CityGmlStreamParser({ fileName: path.basename(file), onWarning: options.onWarning, onSkip: options.onSkip, strict: options.strict });
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  raw.on('data', (c) => {
    bytes += c.length;
  });
  const stream = isGzip(magic) ? raw.pipe(zlib.createGunzip()) : raw;
  stream.setEncoding('utf8');
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      parser.write(chunk);
      options.onProgress?.(bytes, total);
    }
  } catch (err) {
    const e = err as Error & { file?: string };
    if (e.name === 'CityGmlError') throw err;
    // A broken gzip stream: keep what was read, like a truncated XML file.
    options.onWarning?.(`${path.basename(file)}: reading stopped: ${e.message}`);
  } finally {
    raw.destroy();
  }
  return parser.close();
}

/** Sniffs CityGML: an XML document whose root is a CityModel in a CityGML namespace. */
export function sniffCityGml(text: string): boolean {
  return /<([\w-]+:)?CityModel[\s>]/.test(text) && /opengis\.net\/citygml\//.test(text);
}

/** The CityGML importer. */
export const cityGmlImporter: Importer = {
  id: 'citygml',
  description: 'CityGML 1.0 / 2.0 incl. PLATEAU i-UR (bldg, dem, unf pipes, fld flood risk; .gml, .citygml.xml, optionally gzipped)',
  detect(head) {
    return sniffCityGml(headText(head));
  },
  async import(file, ctx) {
    return importCityGml(file, ctx);
  },
};

/** Imports one CityGML file into layers (and terrain from a TINRelief). */
export async function importCityGml(file: string, ctx: ImportContext): Promise<ImportOutput> {
  const label = path.basename(file);
  const doc = await readCityGmlFile(file, {
    onWarning: (m) => ctx.warn(m),
    onSkip: (id, reason) => ctx.skip(id, reason),
    onProgress: (b, t) => ctx.progress(b, t, 'parsing'),
  });
  const first = firstCoordinate(doc);
  const src = chooseSourceCrs(ctx, file, doc.srsName, 'gml:Envelope/@srsName', { axisOrder: 'authority' });
  const frame = modelFrameFor(src.transform, first[0], first[1]);
  const textures = loadTextures(file, ctx, doc);
  const models = buildCityGmlModels(doc, {
    frame,
    lod: ctx.lod,
    textures,
    name: label.replace(/\.(gml|xml|citygml)(\.xml)?(\.gz)?$/i, ''),
    onSkip: (id, reason) => ctx.skip(id, reason),
  });
  // Forwarded once here; the models' own copies would be repeated by the pipeline for every layer.
  for (const w of models.warnings) ctx.warn(w);
  for (const m of [models.city, models.pipes, models.flood]) if (m) delete m.warnings;
  const out = toOutput(doc, models, src.description);
  if (out.terrain?.source && ctx.mergeTerrain) {
    out.terrain.source = mergeOverTerrainDir(out.terrain.source, ctx.mergeTerrain, (m) => ctx.warn(`${label}: ${m}`));
  }
  return out;
}

/** Turns built models into the importer output (layers, terrain). */
export function toOutput(doc: CityGmlDocument, models: CityGmlModels, sourceCrs: string): ImportOutput {
  const layers: ImportLayer[] = [];
  if (models.city) {
    const allBuildings = models.city.features.every((f) => /^(Building|BuildingPart|BuildingInstallation)$/.test(f.type));
    const styleBy: Record<string, 'numeric' | 'category'> = { cityObjectType: 'category' };
    if (models.city.features.some((f) => typeof f.attributes.measuredHeight === 'number')) styleBy.measuredHeight = 'numeric';
    if (models.city.features.some((f) => f.attributes.usage !== undefined)) styleBy.usage = 'category';
    layers.push({ model: models.city, className: allBuildings ? 'building' : 'cityObject', styleBy });
  }
  if (models.pipes) {
    layers.push({
      model: models.pipes,
      kind: 'pipes',
      className: 'pipe',
      suffix: 'pipes',
      styleBy: { network: 'category', diameter: 'numeric', cityObjectType: 'category' },
      ...(models.networks.some((n) => n.links.length > 0 || n.nodes.length > 0) ? { networks: models.networks } : {}),
    });
  }
  if (models.flood) {
    const styleBy: Record<string, 'numeric' | 'category'> = {};
    const keys = new Set(models.flood.features.flatMap((f) => Object.keys(f.attributes)));
    for (const k of keys) if (/FloodingRisk.*\.(rank|rankOrg|depth|description|scale)$/.test(k)) styleBy[k] = 'category';
    layers.push({ model: models.flood, className: 'floodRisk', suffix: 'flood', styleBy });
  }
  const out: ImportOutput = { layers, sourceCrs, format: `CityGML ${doc.version}` };
  if (models.tin) {
    const grid = rasteriseTin(models.tin.triangles);
    // The terrain samples the TIN itself (vertices and steps exact); the grid serves raster consumers (flood...).
    out.terrain = { source: tinHeightSource(models.tin.triangles, models.tin.crs, grid.cellSize), grid, crs: models.tin.crs, name: `${doc.fileName} TINRelief (${models.tin.triangles.length / 9} triangles → ${grid.ncols}×${grid.nrows} cells of ${round(grid.cellSize, 2)} m)` };
  }
  return out;
}

function round(v: number, d: number): number {
  const f = 10 ** d;
  return Math.round(v * f) / f;
}

/** A source coordinate of the data (for the model frame origin). */
function firstCoordinate(doc: CityGmlDocument): [number, number] {
  if (doc.envelope && doc.envelope.lower.length >= 2 && doc.envelope.upper.length >= 2) {
    const l = doc.envelope.lower, u = doc.envelope.upper;
    if (l.every(Number.isFinite) && u.every(Number.isFinite)) return [(l[0] + u[0]) / 2, (l[1] + u[1]) / 2];
  }
  for (const o of doc.objects) {
    const c = o.surfaces[0]?.rings[0] ?? (o.triangles.length ? o.triangles : undefined) ?? o.lines[0]?.coords ?? o.points[0]?.coords;
    if (c && c.length >= 2) return [c[0], c[1]];
  }
  return [0, 0];
}

/** Reads the appearance images next to the GML; missing or unreadable ones map to null (a warning follows from the builder). */
function loadTextures(file: string, ctx: ImportContext, doc: CityGmlDocument): Map<string, TextureImage | null> {
  const out = new Map<string, TextureImage | null>();
  const dir = path.dirname(file);
  for (const t of doc.textures) {
    try {
      const p = path.resolve(dir, decodeURI(t.uri).replace(/\\/g, '/'));
      const data = fs.readFileSync(p);
      const mime = data[0] === 0x89 && data[1] === 0x50 ? 'image/png' : data[0] === 0xff && data[1] === 0xd8 ? 'image/jpeg' : null;
      if (!mime) {
        ctx.warn(`${path.basename(file)}: texture ${t.uri} is neither PNG nor JPEG`);
        out.set(t.uri, null);
        continue;
      }
      out.set(t.uri, { mimeType: mime, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    } catch {
      out.set(t.uri, null);
    }
  }
  return out;
}
