/**
 * `twin import` of CityJSON (0.8 … 2.0) documents and CityJSONSeq streams (.city.jsonl), gzip or not.
 * Texture images are read relative to the input file; a missing image is a warning and the surfaces it covered
 * import untextured.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CityFeature, FeatureCollectionModel, TextureImage } from '../../../core/model/feature.js';
import {
  CityJsonConverter,
  readCityJsonHeader,
  readCityJsonText,
  readCityJsonStream,
  firstValidVertex,
  sniffCityJson,
  type CityJsonConvertOptions,
  type CityJsonHeader,
} from '../../../core/formats/cityjson/index.js';
import { FormatError, parseJsonText } from '../../../core/formats/json-errors.js';
import { modelFrameFor, type ModelFrame } from '../../../core/crs/index.js';
import { rasteriseTin } from '../../../core/formats/tin-raster.js';
import { demHeightSource } from '../../../core/terrain/index.js';
import type { ImportContext, ImportLayer, ImportOutput, Importer } from '../registry.js';
import { headText } from '../sniff.js';
import { dropGeometryless } from '../aggregates.js';
import { chooseSourceCrs } from '../source-crs.js';
import { fileSize, isGzipFile, readChunks, readFileText, readHead } from '../io.js';

/**
 * CityJSON documents larger than this (bytes of JSON; a gzip file counts 8× its size) are read in two streaming
 * passes with bounded memory instead of being parsed whole (`--stream` forces it for any size).
 */
export const STREAM_THRESHOLD_BYTES = 128 * 1024 * 1024;

/** The CityJSON / CityJSONSeq importer. */
export const cityJsonImporter: Importer = {
  id: 'cityjson',
  description: 'CityJSON 0.8–2.0 (.city.json, .json) and CityJSONSeq (.city.jsonl), optionally gzipped',
  detect(head) {
    return sniffCityJson(headText(head)) !== null;
  },
  async import(file, ctx) {
    const kind = sniffCityJson(headText(await readHead(file)));
    return kind === 'cityjsonseq' ? importSeq(file, ctx) : importDocument(file, ctx);
  },
};

function makeFrameOptions(ctx: ImportContext, file: string, header: CityJsonHeader, first: [number, number, number] | undefined, where: string) {
  const src = chooseSourceCrs(ctx, file, header.referenceSystem, where);
  const frame = modelFrameFor(src.transform, first?.[0] ?? 0, first?.[1] ?? 0);
  return { src, frame };
}

function converterOptions(ctx: ImportContext, file: string, frame: ModelFrame): CityJsonConvertOptions {
  return {
    file,
    lod: ctx.lod,
    convert: frame.identity ? undefined : frame.convert,
    warn: (m) => ctx.warn(m),
    skip: (id, reason) => ctx.skip(id, reason),
  };
}

async function importDocument(file: string, ctx: ImportContext): Promise<ImportOutput> {
  const raw = fileSize(file);
  const size = isGzipFile(file) ? raw * 8 : raw;
  if (size > STREAM_THRESHOLD_BYTES || ctx.args.options.has('stream')) return importDocumentStreaming(file, ctx, raw);
  ctx.progress(0, 3, 'reading');
  const text = await readFileText(file);
  ctx.progress(1, 3, 'parsing');
  let frame: ModelFrame | undefined;
  let description = '';
  const { header, features, converter } = readCityJsonText(
    text,
    file,
    (h, first) => {
      const r = makeFrameOptions(ctx, file, h, first, '/metadata/referenceSystem');
      frame = r.frame;
      description = r.src.description;
      return converterOptions(ctx, file, r.frame);
    },
    (m) => ctx.warn(m),
  );
  ctx.progress(2, 3, 'converting');
  const out = await finish(file, ctx, header, features, converter, frame!, description);
  ctx.progress(3, 3, 'done');
  return out;
}

/** Two streaming passes (vertices, then one CityObject at a time): memory bounded by vertices + output. */
async function importDocumentStreaming(file: string, ctx: ImportContext, total: number): Promise<ImportOutput> {
  let frame: ModelFrame | undefined;
  let description = '';
  const { header, features, converter } = await readCityJsonStream(
    () => readChunks(file),
    file,
    (h, first) => {
      const r = makeFrameOptions(ctx, file, h, first, '/metadata/referenceSystem');
      frame = r.frame;
      description = r.src.description;
      return converterOptions(ctx, file, r.frame);
    },
    (m) => ctx.warn(m),
    (pass, bytes) => ctx.progress((pass - 1) * total + Math.min(bytes, total), 2 * total, pass === 1 ? 'vertices' : 'objects'),
  );
  return finish(file, ctx, header, features, converter, frame!, description);
}

async function importSeq(file: string, ctx: ImportContext): Promise<ImportOutput> {
  const total = fileSize(file);
  let header: CityJsonHeader | undefined;
  let converter: CityJsonConverter | undefined;
  let frame: ModelFrame | undefined;
  let description = '';
  const features: CityFeature[] = [];
  let badLines = 0;
  for await (const { line, lineNo, bytes } of ctx.readLines(file)) {
    if (lineNo % 200 === 0) ctx.progress(bytes, total, 'features');
    if (line.trim() === '') continue;
    const label = `${file} line ${lineNo}`;
    if (!header) {
      const { value } = parseJsonText(line, file, lineNo - 1);
      header = readCityJsonHeader(value, label, (m) => ctx.warn(m));
      if (Array.isArray((value as Record<string, unknown>).vertices) && ((value as Record<string, unknown>).vertices as unknown[]).length > 0) {
        ctx.warn(`${label}: /vertices: the CityJSONSeq header should have no vertices; they are ignored`);
      }
      continue;
    }
    let value: unknown;
    try {
      value = parseJsonText(line, file, lineNo - 1).value;
    } catch (err) {
      badLines++;
      ctx.skip(`line ${lineNo}`, (err as Error).message);
      continue;
    }
    const rec = value as Record<string, unknown>;
    if (typeof value !== 'object' || value === null || rec.type !== 'CityJSONFeature') {
      badLines++;
      ctx.skip(`line ${lineNo}`, `${label}: /type: expected "CityJSONFeature", got ${JSON.stringify(rec?.type)}`);
      continue;
    }
    if (!converter) {
      const first = Array.isArray(rec.vertices) ? firstValidVertex(rec.vertices, header) : undefined;
      const r = makeFrameOptions(ctx, file, header, first, 'line 1: /metadata/referenceSystem');
      frame = r.frame;
      description = r.src.description;
      converter = new CityJsonConverter(header, converterOptions(ctx, file, frame));
    }
    try {
      features.push(...converter.convertChunk(rec, label));
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      badLines++;
      ctx.skip(typeof rec.id === 'string' ? rec.id : `line ${lineNo}`, err.message);
    }
  }
  if (!header) throw new FormatError(file, '', 'empty CityJSONSeq file (expected a first line with "type": "CityJSON")');
  if (!converter || !frame) throw new FormatError(file, '', `no readable CityJSONFeature lines${badLines ? ` (${badLines} bad lines skipped)` : ''}`);
  ctx.progress(total, total, 'done');
  return finish(file, ctx, header, features, converter, frame, description);
}

async function finish(
  file: string,
  ctx: ImportContext,
  header: CityJsonHeader,
  features: CityFeature[],
  converter: CityJsonConverter,
  frame: ModelFrame,
  description: string,
): Promise<ImportOutput> {
  const stats = converter.stats;
  if (ctx.lod !== undefined && stats.lodFallbacks > 0) {
    ctx.warn(`${file}: ${stats.lodFallbacks} objects have no LoD ${ctx.lod} geometry; their highest LoD was imported instead`);
  }
  if (stats.degenerateSurfaces > 0) ctx.warn(`${file}: ${stats.degenerateSurfaces} degenerate surfaces (fewer than 3 points or zero area) dropped`);
  const textures = loadTextures(file, ctx, converter.textureImages, features);
  const name = header.title ?? path.basename(file).replace(/\.(city\.)?jsonl?(\.gz)?$/i, '');
  const objects = { ...stats.objects };
  for (const f of features) {
    const pid = converter.parentOf.get(f.id);
    if (pid !== undefined && f.attributes.parent === undefined) f.attributes.parent = pid;
  }
  // Geometry-less aggregates (Buildings whose BuildingParts carry the geometry) hand their attributes to their parts.
  const drawable = dropGeometryless(file, ctx, features);
  const main = drawable.filter((f) => f.type !== 'TINRelief');
  const relief = drawable.filter((f) => f.type === 'TINRelief');
  const layers: ImportLayer[] = [];
  const model = (fs: CityFeature[], n: string): FeatureCollectionModel => ({
    name: n,
    crs: frame.crs,
    features: fs,
    ...(Object.keys(textures).length ? { textures } : {}),
  });
  const allBuildings = main.length > 0 && main.every((f) => /^(Building|BuildingPart|BuildingInstallation)$/.test(f.type));
  if (main.length) layers.push({ model: model(main, name), className: allBuildings ? 'building' : 'cityObject' });
  if (relief.length) layers.push({ model: model(relief, `${name} relief`), className: 'relief', suffix: 'relief' });
  const out: ImportOutput = { layers, objects, sourceCrs: description, format: `CityJSON ${header.version || '(no version)'}` };
  if (converter.tinTriangles.length >= 9) {
    const grid = rasteriseTin(converter.tinTriangles);
    out.terrain = { source: demHeightSource(grid, frame.crs), grid, crs: frame.crs, name: `${name} TINRelief (${grid.ncols}×${grid.nrows} cells of ${grid.cellSize} m)` };
  }
  return out;
}

/** Reads the texture images next to the input; strips texture references whose image is missing or unreadable. */
function loadTextures(file: string, ctx: ImportContext, images: Map<string, string>, features: CityFeature[]): Record<string, TextureImage> {
  const textures: Record<string, TextureImage> = {};
  const missing: string[] = [];
  const dir = path.dirname(file);
  for (const [key, rel] of images) {
    const p = path.resolve(dir, rel.replace(/\\/g, '/'));
    let data: Buffer;
    try {
      data = fs.readFileSync(p);
    } catch {
      missing.push(rel);
      continue;
    }
    const mime = data[0] === 0x89 && data[1] === 0x50 ? 'image/png' : data[0] === 0xff && data[1] === 0xd8 ? 'image/jpeg' : null;
    if (!mime) {
      ctx.warn(`${file}: texture ${rel} is neither PNG nor JPEG; its surfaces import untextured`);
      missing.push(rel);
      continue;
    }
    textures[key] = { mimeType: mime, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }
  if (missing.length) {
    const set = new Set(missing);
    let surfaces = 0;
    for (const f of features) {
      for (const l of f.lods) {
        for (const p of l.parts) {
          if (p.texture && set.has(p.texture)) {
            surfaces++;
            delete p.texture;
            delete p.uvs;
          }
        }
      }
    }
    const notFound = missing.filter((m) => !textures[m]);
    ctx.warn(
      `${file}: ${notFound.length} of ${images.size} texture images missing or unreadable (${notFound.slice(0, 5).join(', ')}${notFound.length > 5 ? ', …' : ''}); ${surfaces} textured mesh parts import untextured`,
    );
  }
  return textures;
}
