/**
 * The `twin import` pipeline: detect each input's format from its content, run its importer, write tilesets and
 * terrain, optionally register them in a scene (scene.json + search index), and summarise.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ParsedArgs } from '../../cli/args.js';
import type { FeatureCollectionModel } from '../../core/model/feature.js';
import type { PipeNetwork } from '../../core/model/network.js';
import type { LayerSpec, SearchEntry } from '../../core/scene/catalog.js';
import type { HeightSource } from '../../core/terrain/index.js';
import { writeTileset } from '../tiles3d/index.js';
import { writeTerrain, demHeightSource } from '../terrain/index.js';
import { IMPORTERS, detectImporter, type ImportContext, type ImportLayer, type Importer, type SkippedObject, type TerrainGrid } from './registry.js';
import { readFileBytes, readHead, readLines } from './io.js';
import { addLayersToScene, type SceneAddition } from './scene.js';
import { dropGeometryless } from './aggregates.js';

/** Options of {@link runImport} (the parsed command line). */
export interface ImportRunOptions {
  inputs: string[];
  /** Output directory; default `<addTo>/<layer id>` when `addTo` is given. */
  out?: string;
  crs?: string;
  lod?: string;
  heightOffset?: number;
  origin?: [number, number, number];
  heading?: number;
  addTo?: string;
  name?: string;
  merge?: string;
  heightAttrs?: string[];
  storeyHeight?: number;
  /** Raw args for importer-specific options. */
  args?: ParsedArgs;
  /** Importers to use (default: all). */
  importers?: readonly Importer[];
  /** Called for each warning as it happens. */
  onWarn?: (message: string) => void;
  /** Called with progress of the current step. */
  onProgress?: (file: string, done: number, total: number, label?: string) => void;
}

/** Per-input part of the summary. */
export interface InputSummary {
  file: string;
  /** Importer id, or null when no importer recognised the content. */
  importer: string | null;
  format?: string;
  sourceCrs?: string;
  /** Imported objects per type. */
  objects: Record<string, number>;
  triangles: number;
  /** [west, south, east, north, minHeight, maxHeight] (degrees, ellipsoidal metres) of the imported geometry. */
  bbox: [number, number, number, number, number, number] | null;
  /** Why nothing of this input could be used. */
  error?: string;
}

/** One written output. */
export interface OutputSummary {
  kind: 'tileset' | 'terrain';
  /** Output directory. */
  dir: string;
  /** tileset.json or layer.json. */
  path: string;
  /** Scene layer id. */
  layerId: string;
  tiles?: number;
  triangles?: number;
  features?: number;
  rectangle?: [number, number, number, number];
  /** networks.json written next to a pipes tileset: its path and size (nodes and links over all networks). */
  networks?: { path: string; networks: number; nodes: number; links: number };
}

/** The `--json` summary. */
export interface ImportSummary {
  /** True when something usable was written. */
  ok: boolean;
  inputs: InputSummary[];
  outputs: OutputSummary[];
  /** Imported objects per type over all inputs. */
  objects: Record<string, number>;
  triangles: number;
  bbox: [number, number, number, number, number, number] | null;
  warnings: string[];
  skipped: SkippedObject[];
  /** scene.json written, when `addTo` was given. */
  scene?: string;
  /** Seconds taken. */
  seconds: number;
}

interface Unit {
  input: string;
  layer?: ImportLayer;
  terrain?: TerrainGrid;
}

/** Slug for ids and directory names. */
export function slug(s: string): string {
  const v = s
    .toLowerCase()
    .replace(/\.(city\.)?(jsonl?|json|geojson|gml|xml|ifc|tiff?)(\.gz)?$/i, '')
    .replace(/[^a-z0-9\u4e00-\u9fff]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return v || 'layer';
}

/** Files below a directory (sorted, at most 8 levels deep, hidden entries skipped). */
function listFiles(dir: string, depth = 0): string[] {
  if (depth > 8) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, depth + 1));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Runs the import; never throws for bad input files (they are reported in the summary). */
export async function runImport(o: ImportRunOptions): Promise<ImportSummary> {
  const t0 = Date.now();
  if (o.inputs.length === 0) throw new Error('no input files given');
  if (!o.out && !o.addTo) throw new Error('--out <dir> (or --add-to <scene dir>) is required');
  if (o.out && o.addTo) {
    const rel = path.relative(path.resolve(o.addTo), path.resolve(o.out));
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new Error(`--out ${o.out} must lie inside the --add-to scene directory ${o.addTo} (scene layers are loaded relative to scene.json); omit --out to use ${path.join(o.addTo, '<name>')}`);
    }
  }
  const warnings: string[] = [];
  const skipped: SkippedObject[] = [];
  const inputs: InputSummary[] = [];
  const units: Unit[] = [];
  const importers = o.importers ?? IMPORTERS;
  let baseTerrain: TerrainGrid | undefined;

  // Terrain-producing inputs (DEMs) first, so footprints can sit on them.
  const plan: { file: string; importer?: Importer; error?: string }[] = [];
  for (const input of o.inputs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(input);
    } catch (err) {
      plan.push({ file: input, error: `${input}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
      continue;
    }
    // A directory stands for the recognised files below it (e.g. a PLATEAU udx folder); others there are ignored.
    const files = st.isDirectory() ? listFiles(input) : [input];
    let found = 0;
    for (const file of files) {
      try {
        const head = await readHead(file);
        const imp = detectImporter(head, path.basename(file), importers);
        if (imp) {
          plan.push({ file, importer: imp });
          found++;
        } else if (!st.isDirectory()) {
          plan.push({ file, error: `${file}: format not recognised from its content (known: ${importers.map((i) => i.id).join(', ')})` });
        }
      } catch (err) {
        plan.push({ file, error: `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
      }
    }
    if (st.isDirectory() && found === 0) plan.push({ file: input, error: `${input}: no file below this directory is in a known format (${importers.map((i) => i.id).join(', ')})` });
  }
  plan.sort((a, b) => Number(b.importer?.id === 'dem') - Number(a.importer?.id === 'dem'));

  for (const p of plan) {
    const summary: InputSummary = { file: p.file, importer: p.importer?.id ?? null, objects: {}, triangles: 0, bbox: null };
    inputs.push(summary);
    if (!p.importer) {
      summary.error = p.error;
      warnings.push(p.error!);
      o.onWarn?.(p.error!);
      continue;
    }
    const ctx: ImportContext = {
      crs: o.crs,
      lod: o.lod,
      heightOffset: o.heightOffset,
      origin: o.origin,
      heading: o.heading ?? 0,
      heightAttrs: o.heightAttrs,
      storeyHeight: o.storeyHeight,
      mergeTerrain: o.merge,
      baseTerrain,
      args: o.args ?? { positionals: [], options: new Map() },
      warn: (m) => {
        warnings.push(m);
        o.onWarn?.(m);
      },
      skip: (id, reason) => skipped.push({ file: p.file, id, reason }),
      progress: (d, t, l) => o.onProgress?.(p.file, d, t, l),
      readFile: readFileBytes,
      readLines,
    };
    try {
      const out = await p.importer.import(p.file, ctx);
      summary.format = out.format;
      summary.sourceCrs = out.sourceCrs;
      for (const w of out.warnings ?? []) ctx.warn(w);
      for (const layer of out.layers) {
        for (const w of layer.model.warnings ?? []) ctx.warn(w);
        const stats = modelStats(layer.model);
        for (const [k, v] of Object.entries(stats.objects)) summary.objects[k] = (summary.objects[k] ?? 0) + v;
        summary.triangles += stats.triangles;
        summary.bbox = unionBox(summary.bbox, stats.bbox);
        layer.model.features = dropGeometryless(p.file, ctx, layer.model.features);
        if (stats.triangles > 0) units.push({ input: p.file, layer });
        else ctx.warn(`${p.file}: layer "${layer.model.name}" has no geometry; not written`);
      }
      if (out.objects) summary.objects = { ...out.objects };
      if (out.terrain) {
        units.push({ input: p.file, terrain: out.terrain });
        baseTerrain ??= out.terrain;
      }
      if (out.layers.length === 0 && !out.terrain) summary.error = `${p.file}: nothing usable was imported`;
    } catch (err) {
      summary.error = (err as Error).message;
      ctx.warn(summary.error);
    }
  }

  // Output directories.
  const outputs: OutputSummary[] = [];
  const additions: SceneAddition[] = [];
  const baseId = o.name ? slug(o.name) : undefined;
  const single = units.length === 1 && plan.length === 1;
  const usedIds = new Set<string>();
  // With --add-to and no --out: one output goes to <scene>/<name>; several go side by side into <scene>/<name>/<key>
  // with --name, else straight into <scene>/<key> (each layer and the terrain next to scene.json).
  const outRoot = o.out ?? (baseId ? path.join(o.addTo!, baseId) : single ? path.join(o.addTo!, slug(path.basename(units[0]?.input ?? o.inputs[0]))) : o.addTo!);
  for (const u of units) {
    // One output: it goes to the output directory itself. Several: one sub-directory each.
    let key = slug(path.basename(u.input)) + (u.layer?.suffix ? '-' + u.layer.suffix : u.terrain ? '-terrain' : '');
    while (usedIds.has(key)) key += '-2';
    usedIds.add(key);
    const id = single ? (baseId ?? key) : baseId ? `${baseId}-${key}` : key;
    const dir = single ? outRoot : path.join(outRoot, key);
    try {
      if (u.layer) {
        o.onProgress?.(u.input, 0, 1, 'writing tiles');
        const layer = u.layer;
        const s = await writeTileset(dir, layer.model, {
          className: layer.className,
          tiling: layer.tiling ?? 'quadtree',
          groupOrder: layer.groupOrder,
          doubleSided: true,
          onProgress: (p) => o.onProgress?.(u.input, p.featuresDone, p.featuresTotal, `writing tiles (${p.tilesDone}/${p.tilesTotal})`),
        });
        for (const w of s.warnings) {
          warnings.push(`${u.input}: tiles: ${w}`);
          o.onWarn?.(`${u.input}: tiles: ${w}`);
        }
        const search = searchEntries(layer.model, id);
        fs.writeFileSync(path.join(dir, 'search.json'), JSON.stringify(search));
        const output: OutputSummary = { kind: 'tileset', dir, path: s.tilesetPath, layerId: id, tiles: s.tiles, triangles: s.triangles, features: s.features, rectangle: s.rectangle };
        if (layer.networks?.length) output.networks = writeNetworks(dir, layer.model, layer.networks);
        outputs.push(output);
        const spec: LayerSpec = {
          id,
          name: { en: o.name ?? layer.model.name, zh: o.name ?? layer.model.name },
          kind: layer.kind ?? 'tileset',
          url: 'tileset.json',
          visible: layer.suffix !== 'relief',
          group: 'imported',
          search: 'search.json',
          styleBy: layer.styleBy ?? guessStyleBy(layer.model),
          ...(layer.storeys ? { storeys: layer.storeys } : {}),
        };
        additions.push({ dir, layer: spec, rectangle: s.rectangle, maxHeight: s.maxHeight });
      } else if (u.terrain) {
        o.onProgress?.(u.input, 0, 1, 'writing terrain');
        const r = await writeTerrain(dir, terrainSource(u.terrain), { name: u.terrain.name });
        outputs.push({ kind: 'terrain', dir, path: path.join(dir, 'layer.json'), layerId: id, tiles: r.tiles });
        additions.push({ dir, terrain: true });
      }
    } catch (err) {
      const m = `${u.input}: writing ${u.layer ? 'tileset' : 'terrain'} to ${dir} failed: ${(err as Error).message}`;
      warnings.push(m);
      o.onWarn?.(m);
    }
  }

  let scene: string | undefined;
  if (o.addTo && additions.length) {
    scene = addLayersToScene(o.addTo, additions, o.name ?? path.basename(path.resolve(o.addTo)));
  }
  const objects: Record<string, number> = {};
  let triangles = 0;
  let bbox: InputSummary['bbox'] = null;
  for (const i of inputs) {
    for (const [k, v] of Object.entries(i.objects)) objects[k] = (objects[k] ?? 0) + v;
    triangles += i.triangles;
    bbox = unionBox(bbox, i.bbox);
  }
  return { ok: outputs.length > 0, inputs, outputs, objects, triangles, bbox, warnings, skipped, scene, seconds: (Date.now() - t0) / 1000 };
}

/** File name of the utility networks written next to a pipes tileset. */
export const NETWORKS_FILE = 'networks.json';

/**
 * Writes utility networks (topology) next to their pipes tileset as `networks.json`: `{ crs, networks }` with node
 * and link vertex coordinates in the model's CRS (`crs` is its name, e.g. "local:140.1194,35.6096" for a local
 * tangent frame at that lon/lat, or "EPSG:7415"), the format the demo city writes.
 */
export function writeNetworks(dir: string, model: FeatureCollectionModel, networks: PipeNetwork[]): NonNullable<OutputSummary['networks']> {
  const file = path.join(dir, NETWORKS_FILE);
  fs.writeFileSync(file, JSON.stringify({ crs: model.crs.name, networks }));
  return { path: file, networks: networks.length, nodes: networks.reduce((n, x) => n + x.nodes.length, 0), links: networks.reduce((n, x) => n + x.links.length, 0) };
}

/** The height sampler of an imported terrain (built from its grid when the importer gave none; cached). */
export function terrainSource(t: TerrainGrid): HeightSource {
  t.source ??= demHeightSource(t.grid, t.crs);
  return t.source;
}

/**
 * Objects per type, triangles and geodetic bbox of a model. The bbox is found in model coordinates and its edges
 * (9 × 9 samples) are transformed, so a projected CRS costs 81 transforms instead of one per vertex; the curvature
 * of a grid line over a city-sized box is far below a centimetre.
 */
export function modelStats(model: FeatureCollectionModel): { objects: Record<string, number>; triangles: number; bbox: InputSummary['bbox'] } {
  const objects: Record<string, number> = {};
  let triangles = 0;
  let minX = Infinity, minY = Infinity, minZ = Infinity, maxX = -Infinity, maxY = -Infinity, maxZ = -Infinity;
  for (const f of model.features) {
    objects[f.type] = (objects[f.type] ?? 0) + 1;
    const lod = f.lods[f.lods.length - 1];
    if (!lod) continue;
    for (const p of lod.parts) {
      triangles += p.indices.length / 3;
      const q = p.positions;
      for (let i = 0; i < q.length; i += 3) {
        const x = q[i], y = q[i + 1], z = q[i + 2];
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
        if (z < minZ) minZ = z;
        if (z > maxZ) maxZ = z;
      }
    }
  }
  if (!Number.isFinite(minX)) return { objects, triangles, bbox: null };
  const b: [number, number, number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity, Infinity, -Infinity];
  const N = 8;
  for (let i = 0; i <= N; i++) {
    for (let j = 0; j <= N; j++) {
      if (i !== 0 && i !== N && j !== 0 && j !== N) continue;
      const x = minX + ((maxX - minX) * i) / N, y = minY + ((maxY - minY) * j) / N;
      for (const z of [minZ, maxZ]) {
        const [lon, lat, h] = model.crs.toGeodetic(x, y, z);
        b[0] = Math.min(b[0], lon);
        b[1] = Math.min(b[1], lat);
        b[2] = Math.max(b[2], lon);
        b[3] = Math.max(b[3], lat);
        b[4] = Math.min(b[4], h);
        b[5] = Math.max(b[5], h);
      }
    }
  }
  return { objects, triangles, bbox: [r(b[0], 7), r(b[1], 7), r(b[2], 7), r(b[3], 7), r(b[4], 3), r(b[5], 3)] };
}

function unionBox(a: InputSummary['bbox'], b: InputSummary['bbox']): InputSummary['bbox'] {
  if (!a) return b;
  if (!b) return a;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3]), Math.min(a[4], b[4]), Math.max(a[5], b[5])];
}

const r = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;

const NAME_KEYS = ['name', 'name:en', 'name:zh', 'naam', 'Name', 'NAME', 'ifcName', 'label'];

/** Search entries (id, name, address, position, top height) of a model's features. */
export function searchEntries(model: FeatureCollectionModel, layer: string): SearchEntry[] {
  const out: SearchEntry[] = [];
  for (const f of model.features) {
    const lod = f.lods[f.lods.length - 1];
    if (!lod) continue;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, maxZ = -Infinity;
    for (const p of lod.parts) {
      for (let i = 0; i < p.positions.length; i += 3) {
        const x = p.positions[i], y = p.positions[i + 1], z = p.positions[i + 2];
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
        if (z > maxZ) maxZ = z;
      }
    }
    if (!Number.isFinite(minX)) continue;
    const [lon, lat, h] = model.crs.toGeodetic((minX + maxX) / 2, (minY + maxY) / 2, maxZ);
    const a = f.attributes;
    let name: string | undefined;
    for (const k of NAME_KEYS) if (typeof a[k] === 'string' && a[k]) {
      name = a[k] as string;
      break;
    }
    const address = addressOf(a);
    out.push({ id: f.id, name: name ?? f.id, ...(address ? { address } : {}), layer, lon: r(lon, 7), lat: r(lat, 7), height: r(h, 2) });
  }
  return out;
}

function addressOf(a: Record<string, unknown>): string | undefined {
  if (typeof a.address === 'string' && a.address) return a.address;
  const street = a['address.ThoroughfareName'] ?? a['address.street'] ?? a.addr_street ?? a['addr:street'];
  const num = a['address.ThoroughfareNumber'] ?? a['address.housenumber'] ?? a.addr_housenumber ?? a['addr:housenumber'];
  const city = a['address.LocalityName'] ?? a['address.city'] ?? a['addr:city'];
  const parts = [street, num].filter((x) => x !== undefined && x !== null && x !== '').map(String);
  if (!parts.length) return undefined;
  return parts.join(' ') + (city ? `, ${city}` : '');
}

/** Picks a few attributes to offer for "style by": numeric ones and low-cardinality text ones. */
export function guessStyleBy(model: FeatureCollectionModel): Record<string, 'numeric' | 'category'> {
  const numeric = new Map<string, number>();
  const cats = new Map<string, Set<string>>();
  const n = model.features.length;
  for (const f of model.features.slice(0, 5000)) {
    for (const [k, v] of Object.entries(f.attributes)) {
      if (typeof v === 'number') numeric.set(k, (numeric.get(k) ?? 0) + 1);
      else if (typeof v === 'string' && v.length < 40) {
        let s = cats.get(k);
        if (!s) cats.set(k, (s = new Set()));
        if (s.size <= 21) s.add(v);
      }
    }
  }
  const out: Record<string, 'numeric' | 'category'> = {};
  const minCount = Math.max(1, Math.min(n, 5000) * 0.5);
  const idLike = /(^|[._])(id|identificatie\w*|lokaalid|gml_id|uuid|guid|fid)$/i;
  [...numeric.entries()].filter(([k, c]) => c >= minCount && !idLike.test(k)).slice(0, 6).forEach(([k]) => (out[k] = 'numeric'));
  [...cats.entries()].filter(([k, s]) => s.size >= 2 && s.size <= 20 && !idLike.test(k)).slice(0, 6).forEach(([k]) => (out[k] ??= 'category'));
  return out;
}
