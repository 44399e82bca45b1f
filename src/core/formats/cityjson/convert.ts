/**
 * CityJSON → CityFeature conversion (pure TS). Reads CityJSON 0.8, 0.9, 1.0, 1.1, 2.0 documents and CityJSONSeq
 * features: compressed vertices (transform scale/translate), every CityObject type, geometry types MultiSurface,
 * CompositeSurface, Solid, MultiSolid, CompositeSolid and GeometryInstance (geometry templates), LoD choice,
 * semantic surfaces, materials (diffuse colour), textures (uvs; images are named, the caller loads them) and all
 * attributes (nested values flattened to "a.b" keys, arrays as JSON text).
 *
 * Bad input never stops the whole file: an object with a vertex index out of range, a non-finite vertex, a wrong type
 * or too deep nesting is skipped through `skip(id, reason)`, where reason names the file, a JSON pointer such as
 * /CityObjects/b123/geometry/0/boundaries/2/0/5 and what was expected.
 *
 * Memory: parsing a document whole costs roughly 8–13× its size in heap while converting; stream.ts reads big
 * documents in two bounded passes instead, and CityJSONSeq is read one feature (line) at a time.
 */
import type { AttributeValue, CityFeature, MeshPart, SurfaceSemantic } from '../../model/feature.js';
import { triangulateFlat3D } from '../../geometry/triangulate.js';
import { FormatError, jsonPointer } from '../json-errors.js';

/** CityJSON "transform": real = scale × integer + translate. */
export interface CityJsonTransform {
  scale: [number, number, number];
  translate: [number, number, number];
}

/** What the header (the document, or the first line of a CityJSONSeq) says. */
export interface CityJsonHeader {
  /** "2.0", "1.1", "1.0", "0.8"... */
  version: string;
  transform?: CityJsonTransform;
  /** The CRS reference as written (metadata.referenceSystem, or "EPSG:n" from 0.x metadata.crs.epsg), if any. */
  referenceSystem?: string;
  /** geometry-templates.templates */
  templates?: unknown[];
  /** geometry-templates.vertices-templates (real coordinates, never transformed). */
  templateVertices?: unknown[];
  /** Document-level appearance (textures, vertices-texture, materials). */
  appearance?: unknown;
  /** metadata.title / identifier, when given. */
  title?: string;
}

/** Versions the reader was written against; others import with a warning. */
export const CITYJSON_VERSIONS = ['0.6', '0.8', '0.9', '1.0', '1.1', '2.0'];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the header members of a CityJSON document (or CityJSONSeq first line). Throws FormatError (naming the file
 * and pointer) when it is not a CityJSON object or its transform is malformed.
 */
export function readCityJsonHeader(doc: unknown, file: string, warn: (m: string) => void = () => {}): CityJsonHeader {
  if (!isObj(doc)) throw new FormatError(file, '', 'expected a JSON object with "type": "CityJSON"');
  if (doc.type !== 'CityJSON') {
    if (doc.type === undefined && isObj(doc.CityObjects)) warn(`${file}: /type: missing (expected "CityJSON"); read as CityJSON`);
    else throw new FormatError(file, '/type', `expected "CityJSON", got ${JSON.stringify(doc.type)}`);
  }
  const version = doc.version === undefined ? '' : String(doc.version);
  if (!CITYJSON_VERSIONS.includes(version)) warn(`${file}: /version: ${JSON.stringify(doc.version)} is not a CityJSON version this reader knows (${CITYJSON_VERSIONS.join(', ')}); reading it as 2.0`);
  let transform: CityJsonTransform | undefined;
  if (doc.transform !== undefined) {
    const t = doc.transform;
    const ok3 = (a: unknown) => Array.isArray(a) && a.length === 3 && a.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!isObj(t) || !ok3(t.scale) || !ok3(t.translate)) {
      throw new FormatError(file, '/transform', 'expected {"scale": [sx, sy, sz], "translate": [tx, ty, tz]} with finite numbers');
    }
    transform = { scale: t.scale as [number, number, number], translate: t.translate as [number, number, number] };
  }
  let referenceSystem: string | undefined;
  let title: string | undefined;
  const md = doc.metadata;
  if (isObj(md)) {
    if (typeof md.referenceSystem === 'string') referenceSystem = md.referenceSystem;
    else if (isObj(md.crs) && (typeof md.crs.epsg === 'number' || typeof md.crs.epsg === 'string')) referenceSystem = `EPSG:${md.crs.epsg}`;
    else if (typeof md.referenceSystem === 'number') referenceSystem = `EPSG:${md.referenceSystem}`;
    if (typeof md.title === 'string') title = md.title;
    else if (typeof md.identifier === 'string') title = md.identifier;
  }
  const gt = doc['geometry-templates'];
  let templates: unknown[] | undefined;
  let templateVertices: unknown[] | undefined;
  if (gt !== undefined) {
    if (!isObj(gt) || !Array.isArray(gt.templates) || !Array.isArray(gt['vertices-templates'])) {
      warn(`${file}: /geometry-templates: expected {"templates": [...], "vertices-templates": [...]}; GeometryInstances will be skipped`);
    } else {
      templates = gt.templates;
      templateVertices = gt['vertices-templates'] as unknown[];
    }
  }
  return { version, transform, referenceSystem, templates, templateVertices, appearance: doc.appearance, title };
}

/** Maps CityJSON/CityGML semantic surface types to MeshPart semantics. */
export const SEMANTIC_MAP: Record<string, SurfaceSemantic> = {
  RoofSurface: 'roof',
  WallSurface: 'wall',
  InteriorWallSurface: 'wall',
  GroundSurface: 'ground',
  OuterFloorSurface: 'floor',
  FloorSurface: 'floor',
  OuterCeilingSurface: 'ceiling',
  CeilingSurface: 'ceiling',
  ClosureSurface: 'closure',
  Window: 'window',
  Door: 'door',
  TrafficArea: 'road',
  AuxiliaryTrafficArea: 'road',
  TransportationMarking: 'road',
  TransportationHole: 'road',
  WaterSurface: 'water',
  WaterGroundSurface: 'water',
  WaterClosureSurface: 'closure',
};

/** {@link SEMANTIC_MAP} as a Map (a string-keyed Map lookup is faster than a keyed property load in the hot path). */
const SEMANTIC_LOOKUP = new Map<string, SurfaceSemantic>(Object.entries(SEMANTIC_MAP));

/** Default semantic of an object type's surfaces when they carry no semantics (null = classify by orientation). */
function defaultSemantic(type: string): SurfaceSemantic | null {
  if (/^(Building|BuildingPart|BuildingInstallation|BuildingConstructiveElement|BuildingStorey|BuildingUnit|BuildingRoom|Bridge|BridgePart|BridgeInstallation|BridgeConstructiveElement|Tunnel|TunnelPart|TunnelInstallation|OtherConstruction)$/.test(type)) return null;
  if (/^(Road|Railway|TransportSquare|Waterway)$/.test(type)) return 'road';
  if (type === 'WaterBody') return 'water';
  if (type === 'PlantCover' || type === 'SolitaryVegetationObject') return 'vegetation';
  if (type === 'TINRelief') return 'terrain';
  if (type === 'LandUse') return 'ground';
  return 'generic';
}

/** Orientation-based class of a building surface without semantics: up → roof, down → ground, else wall. */
function orientationSemantic(normal: [number, number, number]): SurfaceSemantic {
  // sqrt of the sum (Math.hypot is several times slower; city coordinates are far from overflow).
  const len = Math.sqrt(normal[0] * normal[0] + normal[1] * normal[1] + normal[2] * normal[2]);
  if (!(len > 0)) return 'wall';
  const nz = normal[2] / len;
  if (nz > 0.3) return 'roof';
  if (nz < -0.3) return 'ground';
  return 'wall';
}

/** Options of {@link CityJsonConverter}. */
export interface CityJsonConvertOptions {
  /** File name used in messages. */
  file: string;
  /** LoD to keep ("2", "2.2"...); undefined = highest per object. */
  lod?: string;
  /** Source coordinates (after the transform) → model coordinates. Identity when omitted. */
  convert?: (x: number, y: number, z: number) => [number, number, number];
  /** Warnings (not tied to one object). */
  warn(message: string): void;
  /** An object left out and why. */
  skip(id: string, reason: string): void;
}

/** Counters kept while converting. */
export interface CityJsonStats {
  /** Imported objects per CityObject type. */
  objects: Record<string, number>;
  /** Triangles produced. */
  triangles: number;
  /** Objects skipped. */
  skipped: number;
  /** Objects that had no geometry at the requested LoD and got their highest instead. */
  lodFallbacks: number;
  /** Degenerate surfaces (fewer than 3 points or zero area) dropped. */
  degenerateSurfaces: number;
  /** Surfaces that carried a texture. */
  texturedSurfaces: number;
  /** GeometryInstances expanded. */
  instances: number;
  /** LoDs seen, with how many geometries were kept at each. */
  lods: Record<string, number>;
}

/** One CityJSON chunk: a whole document or one CityJSONSeq feature line. */
export interface CityJsonChunk {
  CityObjects?: unknown;
  vertices?: unknown;
  appearance?: unknown;
}

/** Vertices decoded to real coordinates (after the transform), xyz per vertex; NaN marks an invalid one. */
export interface DecodedVertices {
  xyz: Float64Array;
  count: number;
  /** Why a vertex is invalid, by index. */
  why: Map<number, string>;
}

class ObjectError extends Error {
  constructor(readonly pointer: string, message: string) {
    super(message);
  }
}

/** Nesting depth of `boundaries` down to a surface (list of rings), per geometry type. */
const DEPTH_BY_TYPE: Record<string, number> = { MultiSurface: 1, CompositeSurface: 1, Solid: 2, MultiSolid: 3, CompositeSolid: 3 };

/** JSON pointer of a node of a geometry's boundaries. */
function boundaryPointer(gp: string, path: readonly number[]): string {
  return gp + '/boundaries' + path.map((i) => '/' + i).join('');
}

/** What the surfaces of one geometry share while it is converted. */
interface GeometryContext {
  gp: string;
  depth: number;
  vertexFn: VertexFn;
  builder: PartBuilder;
  defSem: SurfaceSemantic | null;
  objectType: string;
  semSurfaces: unknown[];
  semValues: unknown;
  texValues: unknown;
  matValues: unknown;
  matValue: unknown;
  app: Appearance;
}

/** A vertex problem without its location: the caller adds the JSON pointer (built only when there is a problem). */
class VertexProblem extends Error {}

/**
 * Looks up a vertex and writes its model coordinates to out[o], out[o + 1], out[o + 2]; throws
 * {@link VertexProblem}. (Flat output: a surface's vertices go straight into one reused scratch array.) Returns the
 * vertex's key for sharing: its index in the chunk's "vertices" (equal keys have equal coordinates), or -1 for a
 * vertex that is not shared (a GeometryInstance's template vertex).
 */
type VertexFn = (idx: unknown, out: Float64Array, o: number) => number;

interface Appearance {
  textures: unknown[];
  uvs: unknown[];
  materials: unknown[];
  /**
   * Colour of each material index read so far, by index (undefined: not read yet; null: the material has no usable
   * diffuseColor). One array per colour value, shared by its surfaces. (An array, not a Map: Den Haag looks up a
   * material for each of its 21 804 surfaces.)
   */
  colors: ([number, number, number, number] | null | undefined)[];
}

/**
 * Converts CityJSON chunks into CityFeatures. Create one per file with its header, call {@link convertChunk} for the
 * document (or for each CityJSONSeq line), then read `stats`, `tinTriangles` and `textureImages`.
 */
export class CityJsonConverter {
  /** Counters. */
  readonly stats: CityJsonStats = { objects: {}, triangles: 0, skipped: 0, lodFallbacks: 0, degenerateSurfaces: 0, texturedSurfaces: 0, instances: 0, lods: {} };
  /** TINRelief triangles in model coordinates, 9 numbers per triangle. */
  readonly tinTriangles: number[] = [];
  /** Child id → parent id from "children" lists (CityJSON 0.x files name children but not parents). */
  readonly parentOf = new Map<string, string>();
  /** Texture images used by the produced parts: MeshPart.texture key → image path as written in the file. */
  readonly textureImages = new Map<string, string>();
  private readonly header: CityJsonHeader;
  private readonly opts: CityJsonConvertOptions;
  private textureTheme?: string;
  private materialTheme?: string;
  private templateCache = new Map<number, { lod: string; geom: Record<string, unknown> }>();
  /** Growable buffers the parts of each object are built in (reused). */
  private readonly buffers = new BufferPool();
  /** Flat vertices of the surface being converted (reused). */
  private scratch = new Float64Array(3 * 64);
  /** Sharing key of each vertex in {@link scratch} (see {@link VertexFn}). */
  private scratchKeys = new Int32Array(64);
  /** The colour {@link internColor} returned last. */
  private lastColor: [number, number, number, number] | undefined;
  /** The last appearance read, by its JSON value. */
  private lastAppearance: { raw: unknown; app: Appearance } | undefined;
  /** Model coordinates of the last decoded vertices, converted on first use (`done` marks them). */
  private converted: { verts: DecodedVertices; model: Float64Array; done: Uint8Array } | undefined;
  /** Object-local vertex numbers by chunk vertex index, for the chunk being converted. */
  private vertexKeys = new VertexKeys(0);
  /** Ring lengths of the surface being converted (reused). */
  private readonly ringLens: number[] = [];
  /** Material colours by value (r → g → b → a), see {@link internColor}. */
  private readonly colorValues = new Map<number, Map<number, Map<number, Map<number, [number, number, number, number]>>>>();

  constructor(header: CityJsonHeader, opts: CityJsonConvertOptions) {
    this.header = header;
    this.opts = opts;
  }

  /**
   * Converts the CityObjects of a chunk. `file` names the source in messages (for a CityJSONSeq line, e.g.
   * "city.jsonl line 12"). Throws FormatError only when the chunk as
   * a whole is unusable (no "CityObjects" object, missing or malformed "vertices"). With `consume`, the chunk's
   * "vertices" is emptied once decoded and each CityObject is deleted once converted, so their JSON can be collected
   * while the rest converts.
   */
  convertChunk(chunk: CityJsonChunk, file = this.opts.file, consume = false): CityFeature[] {
    if (!isObj(chunk.CityObjects)) throw new FormatError(file, '/CityObjects', `missing or not an object (got ${typeName(chunk.CityObjects)}); a CityJSON file needs "CityObjects": {id: {...}}`);
    if (!Array.isArray(chunk.vertices)) throw new FormatError(file, '/vertices', `missing or not an array (got ${typeName(chunk.vertices)}); a CityJSON file needs "vertices": [[x, y, z], ...]`);
    const verts = this.decodeVertices(chunk.vertices);
    // Decoded: the parsed vertex arrays can be collected while the objects convert.
    if (consume) chunk.vertices = [];
    return this.convertObjects(chunk.CityObjects, verts, chunk.appearance, file, consume);
  }

  /**
   * Converts CityObjects against already decoded vertices (real coordinates after the transform; NaN marks an invalid
   * vertex, with its reason in `why`). Used by the streaming document reader, which decodes vertices once.
   */
  convertObjects(objects: Record<string, unknown>, verts: DecodedVertices, appearance: unknown, file = this.opts.file, consume = false): CityFeature[] {
    const app = this.appearance(appearance ?? this.header.appearance);
    const xyz = verts.xyz, count = verts.count, convert = this.opts.convert;
    // Each vertex is converted once, however many surfaces use it (the identity needs no copy). The streaming reader
    // passes the same decoded vertices with every object: they keep their converted copy.
    let converted = this.converted;
    if (convert && converted?.verts !== verts) converted = this.converted = { verts, model: new Float64Array(count * 3), done: new Uint8Array(count) };
    const model = convert ? converted!.model : xyz;
    const done = convert ? converted!.done : undefined;
    const problem = (idx: unknown): VertexProblem => {
      if (typeof idx !== 'number' || !Number.isInteger(idx)) {
        return new VertexProblem(Array.isArray(idx) ? 'expected a vertex index (integer), got an array: nested too deeply for this geometry type' : `expected a vertex index (integer), got ${typeName(idx)}`);
      }
      if (idx < 0 || idx >= count) return new VertexProblem(`vertex index ${idx} out of range (the file has ${count} vertices, 0..${count - 1})`);
      return new VertexProblem(`vertex ${idx} (/vertices/${idx}) is not three finite numbers: ${verts.why.get(idx) ?? 'invalid'}`);
    };
    const vertexFn: VertexFn = (idx, out, o) => {
      if (typeof idx !== 'number' || !(idx >= 0 && idx < count) || !Number.isInteger(idx)) throw problem(idx);
      const k = idx * 3;
      if (done !== undefined && done[idx] === 0) {
        const x = xyz[k], y = xyz[k + 1], z = xyz[k + 2];
        if (Number.isNaN(x) || Number.isNaN(y) || Number.isNaN(z)) throw problem(idx);
        const v = convert!(x, y, z);
        model[k] = v[0];
        model[k + 1] = v[1];
        model[k + 2] = v[2];
        done[idx] = 1;
      }
      const x = model[k], y = model[k + 1], z = model[k + 2];
      if (done === undefined && (Number.isNaN(x) || Number.isNaN(y) || Number.isNaN(z))) throw problem(idx);
      out[o] = x;
      out[o + 1] = y;
      out[o + 2] = z;
      return idx;
    };
    if (this.vertexKeys.size < count) this.vertexKeys = new VertexKeys(count);
    const out: CityFeature[] = [];
    for (const [id, obj] of Object.entries(objects)) {
      const base = jsonPointer('CityObjects', id);
      try {
        const f = this.convertObject(id, obj, base, vertexFn, app);
        out.push(f);
        this.stats.objects[f.type] = (this.stats.objects[f.type] ?? 0) + 1;
      } catch (err) {
        if (!(err instanceof ObjectError)) throw err;
        this.stats.skipped++;
        this.opts.skip(id, `${file}: ${err.pointer}: ${err.message}`);
      }
      if (consume) delete objects[id];
    }
    return out;
  }

  /** Reports an object skipped outside the converter (e.g. its JSON did not parse), counting it. */
  reportSkip(id: string, reason: string): void {
    this.stats.skipped++;
    this.opts.skip(id, reason);
  }

  private decodeVertices(raw: unknown[]): DecodedVertices {
    const n = raw.length;
    const xyz = new Float64Array(n * 3);
    const why = new Map<number, string>();
    const t = this.header.transform;
    for (let i = 0; i < n; i++) {
      const v = raw[i];
      let bad: string | undefined;
      if (!Array.isArray(v) || v.length < 3) bad = `expected [x, y, z], got ${JSON.stringify(v)?.slice(0, 40)}`;
      else if (!(typeof v[0] === 'number' && typeof v[1] === 'number' && typeof v[2] === 'number' && Number.isFinite(v[0]) && Number.isFinite(v[1]) && Number.isFinite(v[2]))) {
        bad = `got ${JSON.stringify(v.slice(0, 3)).replace(/null/g, 'NaN/null')}`;
      }
      if (bad) {
        xyz[i * 3] = xyz[i * 3 + 1] = xyz[i * 3 + 2] = NaN;
        why.set(i, bad);
        continue;
      }
      const a = v as number[];
      if (t) {
        xyz[i * 3] = a[0] * t.scale[0] + t.translate[0];
        xyz[i * 3 + 1] = a[1] * t.scale[1] + t.translate[1];
        xyz[i * 3 + 2] = a[2] * t.scale[2] + t.translate[2];
      } else {
        xyz[i * 3] = a[0];
        xyz[i * 3 + 1] = a[1];
        xyz[i * 3 + 2] = a[2];
      }
    }
    if (why.size > 0) this.opts.warn(`${this.opts.file}: ${why.size} of ${n} vertices are not three finite numbers (first: /vertices/${why.keys().next().value}); objects using them are skipped`);
    return { xyz, count: n, why };
  }

  /**
   * One shared array per distinct colour value. Files often repeat a material per surface (Den Haag: 5 970
   * materials, 3 colours): sharing the array lets parts of equal colour merge and every later per-part material
   * lookup hit by identity.
   */
  private internColor(r: number, g: number, b: number, a: number): [number, number, number, number] {
    // Files that repeat a material mostly repeat the last colour.
    const last = this.lastColor;
    if (last !== undefined && last[0] === r && last[1] === g && last[2] === b && last[3] === a) return last;
    // Nested maps keyed by the numbers themselves: no key text to build per material.
    let byG = this.colorValues.get(r);
    if (!byG) this.colorValues.set(r, (byG = new Map()));
    let byB = byG.get(g);
    if (!byB) byG.set(g, (byB = new Map()));
    let byA = byB.get(b);
    if (!byA) byB.set(b, (byA = new Map()));
    let c = byA.get(a);
    if (!c) byA.set(a, (c = [r, g, b, a]));
    this.lastColor = c;
    return c;
  }

  /** The shared colour of a material (see {@link internColor}), or null when it has no diffuseColor of numbers. */
  private materialColor(m: unknown): [number, number, number, number] | null {
    if (!isObj(m)) return null;
    const d = m.diffuseColor;
    if (!Array.isArray(d) || d.length < 3) return null;
    for (let i = 0; i < d.length; i++) if (typeof d[i] !== 'number') return null;
    const tr = typeof m.transparency === 'number' ? m.transparency : 0;
    return this.internColor(d[0], d[1], d[2], 1 - tr);
  }

  /** The appearance of a chunk; the streaming reader passes the document's with every object: read once. */
  private appearance(raw: unknown): Appearance {
    const last = this.lastAppearance;
    if (last !== undefined && last.raw === raw) return last.app;
    const app = this.readAppearance(raw);
    this.lastAppearance = { raw, app };
    return app;
  }

  private readAppearance(raw: unknown): Appearance {
    if (!isObj(raw)) return { textures: [], uvs: [], materials: [], colors: [] };
    return {
      textures: Array.isArray(raw.textures) ? raw.textures : [],
      uvs: Array.isArray(raw['vertices-texture']) ? (raw['vertices-texture'] as unknown[]) : [],
      materials: Array.isArray(raw.materials) ? raw.materials : [],
      colors: Array.isArray(raw.materials) ? new Array(raw.materials.length).fill(undefined) : [],
    };
  }

  private convertObject(id: string, obj: unknown, base: string, vertexFn: VertexFn, app: Appearance): CityFeature {
    if (!isObj(obj)) throw new ObjectError(base, `expected a CityObject (JSON object), got ${typeName(obj)}`);
    if (typeof obj.type !== 'string' || obj.type === '') throw new ObjectError(base + '/type', `expected the CityObject type as a string, got ${typeName(obj.type)}`);
    const type = obj.type;
    const attributes: Record<string, AttributeValue> = {};
    if (obj.attributes !== undefined) {
      if (!isObj(obj.attributes)) throw new ObjectError(base + '/attributes', `expected an object, got ${typeName(obj.attributes)}`);
      flattenInto(attributes, '', obj.attributes, 0);
    }
    if (obj.address !== undefined) {
      const addr = Array.isArray(obj.address) && obj.address.length === 1 ? obj.address[0] : obj.address;
      flattenInto(attributes, 'address', addr, 1);
    }
    if (Array.isArray(obj.parents) && typeof obj.parents[0] === 'string' && attributes.parent === undefined) attributes.parent = obj.parents[0];
    if (Array.isArray(obj.children)) for (const c of obj.children) if (typeof c === 'string') this.parentOf.set(c, id);
    const geoms = obj.geometry;
    const feature: CityFeature = { id, type, attributes, lods: [] };
    if (geoms === undefined) return feature;
    if (!Array.isArray(geoms)) throw new ObjectError(base + '/geometry', `expected an array of geometries, got ${typeName(geoms)}`);
    // LoD of each geometry (instances take their template's).
    const lodOf: (string | null)[] = geoms.map((g, gi) => {
      if (!isObj(g)) throw new ObjectError(`${base}/geometry/${gi}`, `expected a geometry object, got ${typeName(g)}`);
      if (g.type === 'GeometryInstance') return this.template(g, `${base}/geometry/${gi}`).lod;
      if (g.type === 'MultiPoint' || g.type === 'MultiLineString') return null;
      return g.lod === undefined ? '' : String(g.lod);
    });
    const candidates = lodOf.filter((l): l is string => l !== null);
    if (candidates.length === 0) return feature;
    let chosen: string;
    const want = this.opts.lod;
    const matching = want === undefined ? candidates : candidates.filter((l) => lodMatches(l, want));
    if (matching.length > 0) chosen = highestLod(matching);
    else {
      chosen = highestLod(candidates);
      this.stats.lodFallbacks++;
    }
    const builder = new PartBuilder(this.buffers, this.vertexKeys);
    const defSem = defaultSemantic(type);
    for (let gi = 0; gi < geoms.length; gi++) {
      if (lodOf[gi] !== chosen) continue;
      const g = geoms[gi] as Record<string, unknown>;
      const gp = `${base}/geometry/${gi}`;
      if (g.type === 'GeometryInstance') {
        const tpl = this.template(g, gp);
        const fn = this.instanceVertexFn(g, gp, vertexFn);
        this.convertGeometry(tpl.geom, `/geometry-templates/templates/${g.template}`, fn, builder, defSem, app, type);
        this.stats.instances++;
      } else {
        this.convertGeometry(g, gp, vertexFn, builder, defSem, app, type);
      }
      this.stats.lods[chosen] = (this.stats.lods[chosen] ?? 0) + 1;
    }
    const parts = builder.parts();
    for (const p of parts) this.stats.triangles += p.indices.length / 3;
    if (type === 'TINRelief') {
      const tin = this.tinTriangles;
      for (const p of parts) {
        // Grown once per part (pushing 9 numbers per triangle one by one reallocated the array again and again).
        let o = tin.length;
        tin.length = o + p.indices.length * 3;
        const ind = p.indices, pos = p.positions;
        for (let i = 0; i < ind.length; i++) {
          const k = ind[i] * 3;
          tin[o++] = pos[k];
          tin[o++] = pos[k + 1];
          tin[o++] = pos[k + 2];
        }
      }
    }
    if (parts.length) feature.lods.push({ lod: chosen || '0', parts });
    return feature;
  }

  private template(g: Record<string, unknown>, gp: string): { lod: string; geom: Record<string, unknown> } {
    const t = g.template;
    if (typeof t !== 'number' || !Number.isInteger(t)) throw new ObjectError(gp + '/template', `expected a template index (integer), got ${typeName(t)}`);
    const cached = this.templateCache.get(t);
    if (cached) return cached;
    const list = this.header.templates;
    if (!list) throw new ObjectError(gp + '/template', 'the file has no "geometry-templates" for this GeometryInstance');
    if (t < 0 || t >= list.length) throw new ObjectError(gp + '/template', `template index ${t} out of range (${list.length} templates)`);
    const geom = list[t];
    if (!isObj(geom)) throw new ObjectError(`/geometry-templates/templates/${t}`, `expected a geometry object, got ${typeName(geom)}`);
    const r = { lod: geom.lod === undefined ? '' : String(geom.lod), geom };
    this.templateCache.set(t, r);
    return r;
  }

  private instanceVertexFn(g: Record<string, unknown>, gp: string, vertexFn: VertexFn): VertexFn {
    const b = g.boundaries;
    if (!Array.isArray(b) || b.length !== 1) throw new ObjectError(gp + '/boundaries', 'expected [reference point vertex index] for a GeometryInstance');
    // The reference point in source coordinates: undo the model conversion by using raw vertex lookup through convert is not invertible,
    // so the instance is placed in source coordinates first and converted after.
    const refModel = new Float64Array(3);
    try {
      vertexFn(b[0], refModel, 0);
    } catch (err) {
      if (err instanceof VertexProblem) throw new ObjectError(gp + '/boundaries/0', err.message);
      throw err;
    }
    const m = g.transformationMatrix;
    if (!Array.isArray(m) || m.length !== 16 || !m.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new ObjectError(gp + '/transformationMatrix', 'expected 16 finite numbers (row-major 4×4)');
    }
    const tv = this.header.templateVertices ?? [];
    const M = m as number[];
    return (idx, out, o) => {
      if (typeof idx !== 'number' || !Number.isInteger(idx)) throw new VertexProblem(`expected a template vertex index (integer), got ${typeName(idx)}`);
      if (idx < 0 || idx >= tv.length) throw new VertexProblem(`template vertex index ${idx} out of range (${tv.length} vertices-templates)`);
      const v = tv[idx];
      if (!Array.isArray(v) || v.length < 3 || !v.slice(0, 3).every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new ObjectError(`/geometry-templates/vertices-templates/${idx}`, 'expected three finite numbers');
      }
      const [x, y, z] = v as number[];
      // Template vertices are metres relative to the reference point; the model frame is metric, so offsets add directly.
      out[o] = refModel[0] + M[0] * x + M[1] * y + M[2] * z + M[3];
      out[o + 1] = refModel[1] + M[4] * x + M[5] * y + M[6] * z + M[7];
      out[o + 2] = refModel[2] + M[8] * x + M[9] * y + M[10] * z + M[11];
      // Not shared: the same template vertex lies elsewhere in every instance.
      return -1;
    };
  }

  private convertGeometry(
    g: Record<string, unknown>,
    gp: string,
    vertexFn: VertexFn,
    builder: PartBuilder,
    defSem: SurfaceSemantic | null,
    app: Appearance,
    objectType: string,
  ): void {
    const depthByType = DEPTH_BY_TYPE;
    const type = g.type;
    if (typeof type !== 'string' || !(type in depthByType)) {
      if (type === 'MultiPoint' || type === 'MultiLineString') return;
      throw new ObjectError(gp + '/type', `expected one of ${Object.keys(depthByType).join(', ')}, GeometryInstance, MultiPoint, MultiLineString; got ${JSON.stringify(type)}`);
    }
    const depth = depthByType[type];
    if (!Array.isArray(g.boundaries)) throw new ObjectError(gp + '/boundaries', `expected an array, got ${typeName(g.boundaries)}`);
    // Semantics
    let semSurfaces: unknown[] = [];
    let semValues: unknown;
    if (isObj(g.semantics)) {
      semSurfaces = Array.isArray(g.semantics.surfaces) ? g.semantics.surfaces : [];
      semValues = g.semantics.values;
    }
    // Texture theme (first theme met in the file is used throughout)
    let texValues: unknown;
    if (isObj(g.texture)) {
      this.textureTheme ??= firstKey(g.texture);
      const th = this.textureTheme !== undefined ? g.texture[this.textureTheme] : undefined;
      if (isObj(th)) texValues = th.values;
    }
    let matValues: unknown;
    let matValue: unknown;
    if (isObj(g.material)) {
      this.materialTheme ??= firstKey(g.material);
      const th = this.materialTheme !== undefined ? g.material[this.materialTheme] : undefined;
      if (isObj(th)) {
        matValues = th.values;
        matValue = th.value;
      }
    }
    // One context object per geometry (no closures on the hot path); JSON pointers are built only for messages.
    const c: GeometryContext = { gp, depth, vertexFn, builder, defSem, objectType, semSurfaces, semValues, texValues, matValues, matValue, app };
    const top = g.boundaries as unknown[];
    const path: number[] = [0];
    for (let i = 0; i < top.length; i++) {
      path[0] = i;
      this.walkBoundary(c, top[i], path, 1);
    }
  }

  private walkBoundary(c: GeometryContext, node: unknown, path: number[], level: number): void {
    if (!Array.isArray(node)) {
      const what = level === c.depth ? 'a surface: list of rings' : level === c.depth - 1 ? 'a shell: list of surfaces' : 'a solid: list of shells';
      throw new ObjectError(boundaryPointer(c.gp, path), `expected an array (${what}), got ${typeName(node)}`);
    }
    if (level < c.depth) {
      for (let i = 0; i < node.length; i++) {
        path.push(i);
        this.walkBoundary(c, node[i], path, level + 1);
        path.pop();
      }
      return;
    }
    this.surface(node, path, c);
  }

  private surface(rings: unknown[], path: number[], c: GeometryContext): void {
    const { vertexFn, builder, defSem, objectType, semSurfaces, semValues, texValues, matValues, matValue, app } = c;
    // The surface's vertices (all rings, outer first) go into one reused flat array.
    const ringLens = this.ringLens;
    if (ringLens.length !== rings.length) ringLens.length = rings.length;
    let total = 0;
    for (let r = 0; r < rings.length; r++) {
      const ring = rings[r];
      if (!Array.isArray(ring)) throw new ObjectError(`${boundaryPointer(c.gp, path)}/${r}`, `expected a ring (array of vertex indices), got ${typeName(ring)}`);
      const need = (total + ring.length) * 3;
      if (this.scratch.length < need) {
        const grown = new Float64Array(Math.max(need, this.scratch.length * 2));
        grown.set(this.scratch);
        this.scratch = grown;
        const keys = new Int32Array(grown.length / 3);
        keys.set(this.scratchKeys);
        this.scratchKeys = keys;
      }
      const sc = this.scratch, sk = this.scratchKeys;
      let k = 0;
      try {
        for (; k < ring.length; k++) sk[total + k] = vertexFn(ring[k], sc, (total + k) * 3);
      } catch (err) {
        if (err instanceof VertexProblem) throw new ObjectError(`${boundaryPointer(c.gp, path)}/${r}/${k}`, err.message);
        throw err;
      }
      ringLens[r] = ring.length;
      total += ring.length;
    }
    const sc = this.scratch;
    const outer = rings.length > 0 ? ringLens[0] : 0;
    // ringLens now holds exactly this surface's rings (its length was set to rings.length above).
    if (outer < 3) {
      this.stats.degenerateSurfaces++;
      return;
    }
    // Triangles (most of a TIN or a 3dfier output) need no ear clipping; planar convex quads (most walls) neither.
    const single = rings.length === 1;
    const tri = single && outer === 3 ? triangleOrEmpty(sc) : (single && outer === 4 ? convexQuad(sc) : undefined) ?? triangulateFlat3D(sc, ringLens, rings.length);
    if (tri.length === 0) {
      this.stats.degenerateSurfaces++;
      return;
    }
    // semantic
    let semantic: SurfaceSemantic | null = defSem;
    const sv = pick(semValues, path);
    if (typeof sv === 'number' && Number.isInteger(sv) && isObj(semSurfaces[sv])) {
      const st = (semSurfaces[sv] as Record<string, unknown>).type;
      if (typeof st === 'string') semantic = SEMANTIC_LOOKUP.get(st) ?? (defSem ?? 'generic');
    }
    let deferred = false;
    if (semantic === null) {
      semantic = orientationSemantic(newellNormalFlat(sc, outer));
      // An up-facing surface at the object's bottom is a floor wound the wrong way: decided once all surfaces are in.
      deferred = semantic === 'roof';
    }
    if (objectType === 'TINRelief') semantic = 'terrain';
    // material colour
    let color: [number, number, number, number] | undefined;
    const mv = matValue !== undefined ? matValue : pick(matValues, path);
    // An index outside the materials list names no material (no colour).
    if (typeof mv === 'number' && Number.isInteger(mv) && mv >= 0 && mv < app.materials.length) {
      let cached = app.colors[mv];
      if (cached === undefined) cached = app.colors[mv] = this.materialColor(app.materials[mv]);
      if (cached) color = cached;
    }
    // texture
    let texture: string | undefined;
    let uvs: number[] | undefined;
    const tv = pick(texValues, path);
    if (Array.isArray(tv) && tv.length === ringLens.length) {
      const list: number[] = [];
      let texIdx: number | undefined;
      let ok = true;
      for (let r = 0; r < ringLens.length && ok; r++) {
        const e = tv[r];
        if (!Array.isArray(e) || typeof e[0] !== 'number' || e.length !== ringLens[r] + 1) {
          ok = false;
          break;
        }
        if (texIdx === undefined) texIdx = e[0];
        else if (texIdx !== e[0]) ok = false;
        for (let k = 1; k < e.length && ok; k++) {
          const uv = app.uvs[e[k] as number];
          if (!Array.isArray(uv) || typeof uv[0] !== 'number' || typeof uv[1] !== 'number') ok = false;
          else list.push(uv[0], 1 - uv[1]);
        }
      }
      if (ok && texIdx !== undefined) {
        const t = app.textures[texIdx];
        const image = isObj(t) && typeof t.image === 'string' ? t.image : undefined;
        if (image) {
          texture = image;
          uvs = list;
          this.textureImages.set(image, image);
          this.stats.texturedSurfaces++;
        }
      }
    }
    if (deferred) builder.defer(sc.slice(0, total * 3), this.scratchKeys.slice(0, total), outer, tri, color, texture, uvs);
    else builder.add(semantic, sc, this.scratchKeys, total, outer, tri, color, texture, uvs);
  }
}

const TRIANGLE = [0, 1, 2];
const QUAD = [0, 1, 2, 0, 2, 3];

/** Newell normal of the first `n` flat vertices (relative to the first, so large coordinates keep their precision). */
function newellNormalFlat(p: Float64Array, n: number): [number, number, number] {
  let nx = 0, ny = 0, nz = 0;
  const ox = p[0], oy = p[1], oz = p[2];
  for (let i = 0; i < n; i++) {
    const a = i * 3, b = ((i + 1) % n) * 3;
    const ax = p[a] - ox, ay = p[a + 1] - oy, az = p[a + 2] - oz;
    const bx = p[b] - ox, by = p[b + 1] - oy, bz = p[b + 2] - oz;
    nx += (ay - by) * (az + bz);
    ny += (az - bz) * (ax + bx);
    nz += (ax - bx) * (ay + by);
  }
  return [nx, ny, nz];
}

/**
 * [0, 1, 2, 0, 2, 3] for a planar convex quad (flat vertices 0..3; most walls), the triangles earcut would give it;
 * undefined when the quad is not clearly convex and planar (then the general triangulation decides).
 */
function convexQuad(p: Float64Array): number[] | undefined {
  // Newell normal of the quad.
  let nx = 0, ny = 0, nz = 0;
  for (let i = 0; i < 4; i++) {
    const u = i * 3, v = ((i + 1) & 3) * 3;
    nx += (p[u + 1] - p[v + 1]) * (p[u + 2] + p[v + 2]);
    ny += (p[u + 2] - p[v + 2]) * (p[u] + p[v]);
    nz += (p[u] - p[v]) * (p[u + 1] + p[v + 1]);
  }
  const len = Math.sqrt(nx * nx + ny * ny + nz * nz);
  if (!(len > 0) || !Number.isFinite(len)) return undefined;
  // Each corner turns the same way as the normal, and both triangles face it: convex.
  for (let i = 0; i < 4; i++) {
    const o = i * 3, u = ((i + 1) & 3) * 3, w = ((i + 3) & 3) * 3;
    const e1x = p[u] - p[o], e1y = p[u + 1] - p[o + 1], e1z = p[u + 2] - p[o + 2];
    const e2x = p[w] - p[o], e2y = p[w + 1] - p[o + 1], e2z = p[w + 2] - p[o + 2];
    const cx = e1y * e2z - e1z * e2y, cy = e1z * e2x - e1x * e2z, cz = e1x * e2y - e1y * e2x;
    const dot = cx * nx + cy * ny + cz * nz;
    const cl = Math.sqrt(cx * cx + cy * cy + cz * cz);
    // Nearly straight or non-planar corners: leave it to the general path.
    if (!(dot > 0.999 * cl * len) || cl < 1e-9 * len) return undefined;
  }
  return QUAD;
}
const NONE: number[] = [];

/** [0, 1, 2] for a non-degenerate triangle (flat vertices 0..2; finite, non-zero area), else []. */
function triangleOrEmpty(p: Float64Array): number[] {
  const ax = p[3] - p[0], ay = p[4] - p[1], az = p[5] - p[2];
  const bx = p[6] - p[0], by = p[7] - p[1], bz = p[8] - p[2];
  const cx = ay * bz - az * by, cy = az * bx - ax * bz, cz = ax * by - ay * bx;
  const area2 = Math.sqrt(cx * cx + cy * cy + cz * cz);
  const ext = Math.max(Math.abs(ax), Math.abs(ay), Math.abs(az), Math.abs(bx), Math.abs(by), Math.abs(bz));
  return area2 > ext * ext * 1e-12 && Number.isFinite(area2) ? TRIANGLE : NONE;
}

/**
 * Picks a value from a semantics/material/texture "values" array along a surface's path in the boundaries
 * ([surface] for MultiSurface, [shell, surface] for Solid, [solid, shell, surface] for MultiSolid).
 */
function pick(values: unknown, path: number[]): unknown {
  if (values === undefined) return undefined;
  let v: unknown = values;
  for (let k = 0; k < path.length; k++) {
    if (!Array.isArray(v)) return undefined;
    v = v[path[k]];
  }
  return v;
}

/** The first own key of an object (Object.keys order), without listing them all. */
function firstKey(o: Record<string, unknown>): string | undefined {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return k;
  return undefined;
}

/** Whether two colours are equal by value. */
function sameColor(a: readonly number[], b: readonly number[]): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** A growable flat number buffer; {@link BufferPool} lends them so parts grow without garbage. */
class GrowBuffer {
  data = new Float64Array(256);
  length = 0;

  /** Room for `n` more values. */
  reserve(n: number): Float64Array {
    if (this.length + n > this.data.length) {
      const grown = new Float64Array(Math.max(this.data.length * 2, this.length + n));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    return this.data;
  }

  /** The values as a plain array of exactly their number (MeshPart arrays are number[]). */
  toArray(): number[] {
    const n = this.length, d = this.data;
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = d[i];
    return out;
  }
}

/** Growable buffers reused from object to object by one converter (parts are copied out at exact size). */
class BufferPool {
  private free: GrowBuffer[] = [];

  take(): GrowBuffer {
    const b = this.free.pop() ?? new GrowBuffer();
    b.length = 0;
    return b;
  }

  give(b: GrowBuffer): void {
    // Keep the pool's memory bounded: a huge buffer (a TIN) is not kept for the next object.
    if (b.data.length <= 1 << 20) this.free.push(b);
  }
}

/**
 * Object-local vertex numbers by chunk vertex index: lets the untextured parts of an object share one positions
 * array holding each vertex the object uses once (CityJSON surfaces share their corners: Delft has 6 vertex uses per
 * distinct vertex), so the tiler converts and stores each once. Entries are valid for the current generation (one
 * object) only, so nothing is cleared between objects.
 */
class VertexKeys {
  /** Vertex indices covered. */
  readonly size: number;
  /** Object-local number of each chunk vertex (valid where stamp === generation). */
  readonly local: Int32Array;
  readonly stamp: Int32Array;
  generation = 0;

  constructor(size: number) {
    this.size = size;
    this.local = new Int32Array(size);
    this.stamp = new Int32Array(size);
  }

  /** Starts a new object: earlier numbers are forgotten. */
  next(): number {
    if (this.generation === 0x7fffffff) {
      this.stamp.fill(0);
      this.generation = 0;
    }
    return ++this.generation;
  }
}

/** Object-local number of each vertex of the surface being added (reused). */
let surfaceLocal = new Int32Array(64);

/** A part being built and its growing arrays. */
interface OpenPart {
  semantic: SurfaceSemantic;
  color: [number, number, number, number] | undefined;
  texture: string | undefined;
  part: MeshPart;
  pos: GrowBuffer;
  idx: GrowBuffer;
  uvs?: GrowBuffer;
}

/** A deferred surface: its flat vertices, their sharing keys, outer ring length, triangles, colour, texture, uvs. */
type Deferred = [Float64Array, Int32Array, number, number[], [number, number, number, number] | undefined, string | undefined, number[] | undefined];

/**
 * Groups triangles by (semantic, colour, texture) into MeshParts. Untextured parts share one positions array with
 * each vertex of the object once (by its sharing key); a textured part has its own array (its uvs are per vertex).
 */
class PartBuilder {
  /** Parts in order of first use (an object has few: a linear search beats building and hashing a key). */
  private open: OpenPart[] = [];
  private pending: Deferred[] = [];
  private minZ = Infinity;
  private last: OpenPart | undefined;
  private lastSemantic: SurfaceSemantic | undefined;
  private lastColor: [number, number, number, number] | undefined;
  private lastTexture: string | undefined;
  private readonly pool: BufferPool;
  private readonly keys: VertexKeys;
  private readonly generation: number;
  /** Positions shared by the untextured parts (taken on first use). */
  private shared: GrowBuffer | undefined;

  constructor(pool: BufferPool, keys: VertexKeys) {
    this.pool = pool;
    this.keys = keys;
    this.generation = keys.next();
  }

  /** An up-facing surface without semantics: roof, unless it lies at the object's lowest level (then ground). */
  defer(pts: Float64Array, keys: Int32Array, outer: number, tri: number[], color?: [number, number, number, number], texture?: string, uvs?: number[]): void {
    this.lowest(pts, outer);
    this.pending.push([pts, keys, outer, tri, color, texture, uvs]);
  }

  private lowest(pts: Float64Array, outer: number): void {
    let m = this.minZ;
    for (let k = 0; k < outer; k++) if (pts[k * 3 + 2] < m) m = pts[k * 3 + 2];
    this.minZ = m;
  }

  /**
   * Adds a surface: `count` flat vertices of `pts` (all rings; the first `outer` are the outer ring) with their
   * sharing keys (see {@link VertexFn}) and its triangles.
   */
  add(semantic: SurfaceSemantic, pts: Float64Array, keys: Int32Array, count: number, outer: number, tri: number[], color?: [number, number, number, number], texture?: string, uvs?: number[]): void {
    this.lowest(pts, outer);
    // Consecutive surfaces mostly share semantic, colour and texture: reuse the last part without building a key.
    let open: OpenPart | undefined;
    if (this.last && this.lastSemantic === semantic && this.lastColor === color && this.lastTexture === texture) open = this.last;
    else {
      open = this.find(semantic, color, texture);
      if (!open) {
        const part: MeshPart = { semantic, positions: [], indices: [] };
        if (color) part.color = color;
        if (texture) {
          part.texture = texture;
          part.uvs = [];
        }
        const pos = texture ? this.pool.take() : (this.shared ??= this.pool.take());
        open = { semantic, color, texture, part, pos, idx: this.pool.take(), uvs: texture ? this.pool.take() : undefined };
        this.open.push(open);
      }
    }
    this.last = open;
    this.lastSemantic = semantic;
    this.lastColor = color;
    this.lastTexture = texture;
    const pos = open.pos, idx = open.idx;
    if (open.texture === undefined) {
      this.addShared(pos, idx, pts, keys, count, tri);
      return;
    }
    const base = pos.length / 3;
    const n = count * 3;
    const pd = pos.reserve(n);
    let o = pos.length;
    for (let k = 0; k < n; k++) pd[o++] = pts[k];
    pos.length = o;
    const id = idx.reserve(tri.length);
    o = idx.length;
    for (let k = 0; k < tri.length; k++) id[o++] = base + tri[k];
    idx.length = o;
    if (open.uvs && uvs) {
      const ud = open.uvs.reserve(uvs.length);
      o = open.uvs.length;
      for (let k = 0; k < uvs.length; k++) ud[o++] = uvs[k];
      open.uvs.length = o;
    }
  }

  /** Appends a surface to the shared positions (each keyed vertex once per object) and its triangles to `idx`. */
  private addShared(pos: GrowBuffer, idx: GrowBuffer, pts: Float64Array, keys: Int32Array, count: number, tri: number[]): void {
    if (surfaceLocal.length < count) surfaceLocal = new Int32Array(Math.max(count, surfaceLocal.length * 2));
    const map = surfaceLocal, local = this.keys.local, stamp = this.keys.stamp, g = this.generation;
    const pd = pos.reserve(count * 3);
    let o = pos.length;
    for (let k = 0; k < count; k++) {
      const key = keys[k];
      if (key >= 0 && stamp[key] === g) {
        map[k] = local[key];
        continue;
      }
      const v = o / 3;
      map[k] = v;
      if (key >= 0) {
        stamp[key] = g;
        local[key] = v;
      }
      pd[o] = pts[k * 3];
      pd[o + 1] = pts[k * 3 + 1];
      pd[o + 2] = pts[k * 3 + 2];
      o += 3;
    }
    pos.length = o;
    const id = idx.reserve(tri.length);
    let t = idx.length;
    for (let k = 0; k < tri.length; k++) id[t++] = map[tri[k]];
    idx.length = t;
  }

  /** The open part for (semantic, colour, texture): colours equal by value (materials share one array each). */
  private find(semantic: SurfaceSemantic, color: [number, number, number, number] | undefined, texture: string | undefined): OpenPart | undefined {
    for (const o of this.open) {
      if (o.semantic !== semantic || o.texture !== texture) continue;
      if (o.color === color || (o.color && color && sameColor(o.color, color))) return o;
    }
    return undefined;
  }

  /** The finished parts (plain arrays of exact size); the growable buffers go back to the pool. */
  parts(): MeshPart[] {
    const pending = this.pending;
    this.pending = [];
    for (const [pts, keys, outer, tri, color, texture, uvs] of pending) {
      let top = -Infinity;
      for (let k = 0; k < outer; k++) if (pts[k * 3 + 2] > top) top = pts[k * 3 + 2];
      this.add(top <= this.minZ + 0.05 ? 'ground' : 'roof', pts, keys, pts.length / 3, outer, tri, color, texture, uvs);
    }
    const out: MeshPart[] = [];
    const shared = this.shared ? this.shared.toArray() : undefined;
    for (const o of this.open) {
      if (o.texture === undefined) o.part.positions = shared!;
      else {
        o.part.positions = o.pos.toArray();
        this.pool.give(o.pos);
      }
      o.part.indices = o.idx.toArray();
      if (o.uvs) o.part.uvs = o.uvs.toArray();
      this.pool.give(o.idx);
      if (o.uvs) this.pool.give(o.uvs);
      out.push(o.part);
    }
    if (this.shared) this.pool.give(this.shared);
    this.shared = undefined;
    this.open = [];
    this.last = undefined;
    return out;
  }
}

/** Whether a geometry LoD ("2.2", "1", 2) matches a requested one ("2" matches "2", "2.0", "2.2"). */
export function lodMatches(lod: string, want: string): boolean {
  if (lod === want) return true;
  if (lod !== '' && want !== '' && Number(lod) === Number(want)) return true;
  return !want.includes('.') && lod.startsWith(want + '.');
}

/** The highest of some LoD strings (numeric order; "" lowest). */
export function highestLod(lods: string[]): string {
  let best = lods[0];
  for (const l of lods) if ((Number(l) || 0) > (Number(best) || 0)) best = l;
  return best;
}

/** Flattens nested attribute values: objects to "a.b" keys (up to 6 levels), arrays to JSON text, non-finite numbers to null. */
export function flattenInto(out: Record<string, AttributeValue>, prefix: string, value: unknown, depth: number): void {
  if (value === null || value === undefined) {
    if (prefix) out[prefix] = null;
    return;
  }
  if (typeof value === 'string' || typeof value === 'boolean') {
    out[prefix] = value;
    return;
  }
  if (typeof value === 'number') {
    out[prefix] = Number.isFinite(value) ? value : null;
    return;
  }
  if (Array.isArray(value)) {
    out[prefix] = JSON.stringify(value);
    return;
  }
  if (isObj(value)) {
    if (depth >= 6) {
      out[prefix] = JSON.stringify(value);
      return;
    }
    for (const k in value) if (Object.prototype.hasOwnProperty.call(value, k)) flattenInto(out, prefix ? `${prefix}.${k}` : k, value[k], depth + 1);
    return;
  }
  out[prefix] = String(value);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v === undefined) return 'nothing';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)?.slice(0, 30)}`;
}

