/**
 * validateTileset: checks a 3D Tiles 1.1 tileset directory the way the project relies on it.
 * - tileset.json: asset.version "1.1", geometric errors that never increase downward (leaves should be 0), every
 *   bounding volume (box, region or sphere, through the tile transforms) containing its children's volumes and every
 *   vertex of its content (1 cm tolerance), refine values, every content URI present inside the directory;
 * - every .glb: zero errors from the Khronos glTF-Validator, parsed by @loaders.gl/3d-tiles, EXT_mesh_features
 *   feature ids within the EXT_structural_metadata property table, and property tables whose binary columns fit
 *   their declared class;
 * - tileset.json is parsed by @loaders.gl/3d-tiles too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ecefToGeodetic, geodeticToEcef, toDegrees } from '../../core/geo/ellipsoid.js';
import { Y_UP_TO_Z_UP, bufferViewBytes, forEachPosition, multiply, readAccessor, readGlb, type GlbFile } from './glb-read.js';

/** One problem found. */
export interface ValidationIssue {
  severity: 'error' | 'warning';
  /** File and JSON path, e.g. "tileset.json root.children[2]" or "tiles/r0.glb". */
  where: string;
  message: string;
}

/** Result of {@link validateTileset}. */
export interface ValidationReport {
  /** True when there is no error (warnings allowed). */
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  tiles: number;
  contents: number;
  /** Triangles over all contents. */
  triangles: number;
  /**
   * Rows of the property tables of contents drawn at full detail: leaves, and tiles refined by ADD (their content
   * stays when their children load).
   */
  features: number;
  /** Bytes of tileset.json and all contents. */
  bytes: number;
}

/** Options of {@link validateTileset}. */
export interface ValidateOptions {
  /** Containment tolerance in metres. Default 0.01. */
  tolerance?: number;
  /** Skip the Khronos glTF-Validator (it is the slowest part). Default false. */
  skipGltfValidator?: boolean;
}

type Vec3 = [number, number, number];

interface Volume {
  contains(p: Vec3, tol: number): boolean;
  /** Points whose containment implies the volume's (corners; sampled for curved volumes). */
  samples(): Vec3[];
  describe(): string;
}

function applyPoint(m: readonly number[], x: number, y: number, z: number): Vec3 {
  return [m[0] * x + m[4] * y + m[8] * z + m[12], m[1] * x + m[5] * y + m[9] * z + m[13], m[2] * x + m[6] * y + m[10] * z + m[14]];
}
function applyDir(m: readonly number[], x: number, y: number, z: number): Vec3 {
  return [m[0] * x + m[4] * y + m[8] * z, m[1] * x + m[5] * y + m[9] * z, m[2] * x + m[6] * y + m[10] * z];
}
const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

function boxVolume(box: number[], m: readonly number[]): Volume {
  const c = applyPoint(m, box[0], box[1], box[2]);
  const axes = [0, 1, 2].map((i) => applyDir(m, box[3 + i * 3], box[4 + i * 3], box[5 + i * 3]));
  return {
    contains(p, tol) {
      const d: Vec3 = [p[0] - c[0], p[1] - c[1], p[2] - c[2]];
      for (const a of axes) {
        const len = Math.sqrt(dot(a, a));
        if (len === 0) continue;
        if (Math.abs(dot(d, a)) / len > len + tol) return false;
      }
      return true;
    },
    samples() {
      const out: Vec3[] = [];
      for (const sx of [-1, 1]) for (const sy of [-1, 1]) for (const sz of [-1, 1]) {
        out.push([0, 1, 2].map((k) => c[k] + sx * axes[0][k] + sy * axes[1][k] + sz * axes[2][k]) as Vec3);
      }
      return out;
    },
    describe: () => `box [${box.join(', ')}]`,
  };
}

function regionVolume(r: number[]): Volume {
  const [w, s, e, n, lo, hi] = r;
  return {
    contains(p, tol) {
      const g = ecefToGeodetic(p[0], p[1], p[2]);
      const ang = tol / 6378137;
      const lon = (g.lon * Math.PI) / 180, lat = (g.lat * Math.PI) / 180;
      return lon >= w - ang && lon <= e + ang && lat >= s - ang && lat <= n + ang && g.height >= lo - tol && g.height <= hi + tol;
    },
    samples() {
      const out: Vec3[] = [];
      for (const lon of [w, (w + e) / 2, e]) for (const lat of [s, (s + n) / 2, n]) for (const h of [lo, hi]) {
        out.push(geodeticToEcef(toDegrees(lon), toDegrees(lat), h));
      }
      return out;
    },
    describe: () => `region [${r.join(', ')}]`,
  };
}

function sphereVolume(sp: number[], m: readonly number[]): Volume {
  const c = applyPoint(m, sp[0], sp[1], sp[2]);
  const scale = Math.max(...[0, 1, 2].map((i) => Math.hypot(m[i * 4], m[i * 4 + 1], m[i * 4 + 2])));
  const r = sp[3] * scale;
  return {
    contains: (p, tol) => Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2]) <= r + tol,
    samples: () => [[c[0] + r, c[1], c[2]], [c[0] - r, c[1], c[2]], [c[0], c[1] + r, c[2]], [c[0], c[1] - r, c[2]], [c[0], c[1], c[2] + r], [c[0], c[1], c[2] - r]],
    describe: () => `sphere [${sp.join(', ')}]`,
  };
}

function volumeOf(bv: any, m: readonly number[]): Volume | string {
  if (!bv || typeof bv !== 'object') return 'boundingVolume is missing';
  const nums = (a: unknown, n: number) => Array.isArray(a) && a.length === n && a.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (bv.box !== undefined) return nums(bv.box, 12) ? boxVolume(bv.box, m) : 'boundingVolume.box must be 12 finite numbers';
  if (bv.region !== undefined) {
    if (!nums(bv.region, 6)) return 'boundingVolume.region must be 6 finite numbers';
    const [w, s, e, n, lo, hi] = bv.region;
    if (s > n || lo > hi || w < -Math.PI || e > Math.PI || s < -Math.PI / 2 || n > Math.PI / 2) return `boundingVolume.region [${bv.region}] is not a valid region (radians)`;
    void w; void e;
    return regionVolume(bv.region);
  }
  if (bv.sphere !== undefined) return nums(bv.sphere, 4) && bv.sphere[3] >= 0 ? sphereVolume(bv.sphere, m) : 'boundingVolume.sphere must be 4 finite numbers, radius ≥ 0';
  return 'boundingVolume has no box, region or sphere';
}

/** Loads gltf-validator lazily (it is large). */
async function gltfValidator(): Promise<{ validateBytes(data: Uint8Array, opts?: Record<string, unknown>): Promise<any> }> {
  const mod: any = await import('gltf-validator');
  return mod.default ?? mod;
}

const COMPONENT_BYTES: Record<string, number> = { INT8: 1, UINT8: 1, INT16: 2, UINT16: 2, INT32: 4, UINT32: 4, INT64: 8, UINT64: 8, FLOAT32: 4, FLOAT64: 8 };
const TYPE_COMPONENTS: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT2: 4, MAT3: 9, MAT4: 16 };

/** Checks the metadata extensions of one glb; returns the property table count (or 0). */
function checkMetadata(glb: GlbFile, where: string, tilesetSchema: any, err: (w: string, m: string) => void): number {
  const json = glb.json;
  const md = json.extensions?.EXT_structural_metadata;
  const used: string[] = json.extensionsUsed ?? [];
  for (const ext of ['EXT_mesh_features', 'EXT_structural_metadata']) {
    const present = ext === 'EXT_structural_metadata' ? !!md : (json.meshes ?? []).some((m: any) => m.primitives.some((p: any) => p.extensions?.[ext]));
    if (present && !used.includes(ext)) err(where, `${ext} is used but not listed in extensionsUsed`);
  }
  const tables: any[] = md?.propertyTables ?? [];
  const schema = md?.schema;
  if (md && !schema && !md.schemaUri) err(where, 'EXT_structural_metadata has neither schema nor schemaUri');
  tables.forEach((t, ti) => {
    const w = `${where} EXT_structural_metadata.propertyTables[${ti}]`;
    const cls = schema?.classes?.[t.class];
    if (!cls) return err(w, `class '${t.class}' is not in the schema`);
    if (tilesetSchema?.classes && !tilesetSchema.classes[t.class]) err(w, `class '${t.class}' is not in tileset.json's schema`);
    const count = t.count;
    if (!Number.isInteger(count) || count < 1) return err(w, `count ${count} must be a positive integer`);
    for (const [pid, prop] of Object.entries<any>(t.properties ?? {})) {
      const def = cls.properties?.[pid];
      if (!def) {
        err(w, `property '${pid}' is not in class '${t.class}'`);
        continue;
      }
      if (def.array) continue; // arrays are not written by this project; not checked
      let values: Uint8Array;
      try {
        values = bufferViewBytes(glb, prop.values);
        if (((glb.json.bufferViews[prop.values].byteOffset ?? 0) % 8) !== 0) err(w, `property '${pid}' values bufferView is not 8-byte aligned`);
      } catch (e) {
        err(w, `property '${pid}': ${(e as Error).message}`);
        continue;
      }
      if (def.type === 'STRING') {
        let offs: Uint8Array;
        try {
          offs = bufferViewBytes(glb, prop.stringOffsets);
        } catch (e) {
          err(w, `property '${pid}' stringOffsets: ${(e as Error).message}`);
          continue;
        }
        const size = { UINT8: 1, UINT16: 2, UINT32: 4, UINT64: 8 }[(prop.stringOffsetType ?? 'UINT32') as 'UINT32'];
        if (offs.byteLength < (count + 1) * size) {
          err(w, `property '${pid}' stringOffsets hold ${offs.byteLength} bytes, need ${(count + 1) * size}`);
          continue;
        }
        const dv = new DataView(offs.buffer, offs.byteOffset, offs.byteLength);
        const read = (i: number) => (size === 1 ? dv.getUint8(i) : size === 2 ? dv.getUint16(i * 2, true) : size === 4 ? dv.getUint32(i * 4, true) : Number(dv.getBigUint64(i * 8, true)));
        let prev = read(0);
        for (let i = 1; i <= count; i++) {
          const o = read(i);
          if (o < prev) {
            err(w, `property '${pid}' string offsets decrease at row ${i}`);
            break;
          }
          prev = o;
        }
        if (prev > values.byteLength) err(w, `property '${pid}' last string offset ${prev} is past the ${values.byteLength} value bytes`);
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(values.subarray(read(0), prev));
        } catch {
          err(w, `property '${pid}' strings are not valid UTF-8`);
        }
      } else if (def.type === 'BOOLEAN') {
        if (values.byteLength < Math.ceil(count / 8)) err(w, `property '${pid}' holds ${values.byteLength} bytes, need ${Math.ceil(count / 8)}`);
      } else {
        const need = count * (COMPONENT_BYTES[def.componentType] ?? 0) * (TYPE_COMPONENTS[def.type] ?? 0);
        if (!need) err(w, `property '${pid}' has an unknown type ${def.type}/${def.componentType}`);
        else if (values.byteLength < need) err(w, `property '${pid}' holds ${values.byteLength} bytes, need ${need}`);
      }
    }
  });
  (json.meshes ?? []).forEach((mesh: any, mi: number) =>
    mesh.primitives.forEach((prim: any, pi: number) => {
      const w = `${where} meshes[${mi}].primitives[${pi}] EXT_mesh_features`;
      const sets: any[] = prim.extensions?.EXT_mesh_features?.featureIds ?? [];
      for (const s of sets) {
        if (s.attribute === undefined) continue;
        const acc = prim.attributes?.[`_FEATURE_ID_${s.attribute}`];
        if (acc === undefined) {
          err(w, `attribute _FEATURE_ID_${s.attribute} is missing`);
          continue;
        }
        const { data } = readAccessor(glb, acc);
        const distinct = new Set<number>();
        let max = -1;
        for (const v of data) {
          if (!Number.isInteger(v)) {
            err(w, `feature id ${v} is not an integer`);
            break;
          }
          if (v !== s.nullFeatureId) {
            distinct.add(v);
            if (v > max) max = v;
          }
        }
        if (s.featureCount !== distinct.size) err(w, `featureCount ${s.featureCount} ≠ ${distinct.size} distinct feature ids`);
        if (s.propertyTable !== undefined) {
          const t = tables[s.propertyTable];
          if (!t) err(w, `propertyTable ${s.propertyTable} does not exist`);
          else if (max >= t.count) err(w, `feature id ${max} ≥ property table count ${t.count}`);
        }
      }
    }),
  );
  return tables[0]?.count ?? 0;
}

/** Validates the tileset in `dir` (see the module doc). Never throws for bad content: problems go in the report. */
export async function validateTileset(dir: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  const tol = options.tolerance ?? 0.01;
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  const err = (where: string, message: string) => errors.push({ severity: 'error', where, message });
  const warn = (where: string, message: string) => warnings.push({ severity: 'warning', where, message });
  const report: ValidationReport = { valid: false, errors, warnings, tiles: 0, contents: 0, triangles: 0, features: 0, bytes: 0 };
  const tsPath = path.join(dir, 'tileset.json');
  let text: Buffer;
  let ts: any;
  try {
    text = fs.readFileSync(tsPath);
    ts = JSON.parse(text.toString('utf8'));
  } catch (e) {
    err('tileset.json', `cannot read: ${(e as Error).message}`);
    return report;
  }
  report.bytes += text.byteLength;
  if (ts.asset?.version !== '1.1') err('tileset.json asset.version', `is ${JSON.stringify(ts.asset?.version)}, expected "1.1"`);
  if (typeof ts.geometricError !== 'number' || !(ts.geometricError >= 0)) err('tileset.json geometricError', 'must be a number ≥ 0');
  if (!ts.root || typeof ts.root !== 'object') {
    err('tileset.json root', 'is missing');
    return report;
  }
  try {
    const { parse } = await import('@loaders.gl/core');
    const { Tiles3DLoader } = await import('@loaders.gl/3d-tiles');
    const parsed: any = await parse(text, Tiles3DLoader, { '3d-tiles': { isTileset: true } } as any);
    if (!parsed?.root) err('tileset.json', '@loaders.gl/3d-tiles parsed it without a root');
  } catch (e) {
    err('tileset.json', `@loaders.gl/3d-tiles cannot parse it: ${(e as Error).message}`);
  }
  const validator = options.skipGltfValidator ? undefined : await gltfValidator();
  const { parse } = await import('@loaders.gl/core');
  const { Tiles3DLoader } = await import('@loaders.gl/3d-tiles');
  const root = path.resolve(dir);
  const seen = new Set<string>();

  const visit = async (tile: any, where: string, parentWorld: readonly number[], parentVolume: Volume | undefined, parentError: number, isRoot: boolean, parentRefine: string) => {
    report.tiles++;
    // refine is inherited from the parent when a tile does not set it (3D Tiles 1.1 §5.7).
    const refine: string = tile.refine ?? parentRefine;
    let world = parentWorld;
    if (tile.transform !== undefined) {
      if (!Array.isArray(tile.transform) || tile.transform.length !== 16 || !tile.transform.every((v: unknown) => typeof v === 'number' && Number.isFinite(v))) {
        err(where, 'transform must be 16 finite numbers');
      } else world = multiply(parentWorld, tile.transform);
    }
    const ge = tile.geometricError;
    if (typeof ge !== 'number' || !(ge >= 0)) err(where, `geometricError ${ge} must be a number ≥ 0`);
    else if (ge > parentError + 1e-9) err(where, `geometricError ${ge} is larger than its parent's ${parentError}`);
    if (tile.refine !== undefined && tile.refine !== 'ADD' && tile.refine !== 'REPLACE') err(where, `refine '${tile.refine}' is not ADD or REPLACE`);
    if (isRoot && tile.refine === undefined) err(where, 'the root tile must define refine');
    const children: any[] = tile.children ?? [];
    if (children.length === 0 && ge > 0) warn(where, `leaf geometricError is ${ge}, expected 0 for full detail`);
    const vol = volumeOf(tile.boundingVolume, world);
    if (typeof vol === 'string') {
      err(where, vol);
    } else if (parentVolume) {
      const out = vol.samples().find((p) => !parentVolume.contains(p, tol));
      if (out) err(where, `bounding volume ${vol.describe()} is not inside its parent's ${parentVolume.describe()} (corner ${out.map((v) => v.toFixed(3)).join(', ')})`);
    }
    if (tile.content !== undefined) {
      const uri: unknown = tile.content.uri;
      if (typeof uri !== 'string' || uri === '') err(where, 'content.uri is missing');
      else {
        const file = path.resolve(root, decodeURIComponent(uri));
        const cwhere = `${uri}`;
        let contentVolume: Volume | undefined;
        if (tile.content.boundingVolume !== undefined) {
          const cv = volumeOf(tile.content.boundingVolume, world);
          if (typeof cv === 'string') err(where, `content.${cv}`);
          else {
            contentVolume = cv;
            if (typeof vol !== 'string') {
              const out = cv.samples().find((p) => !vol.contains(p, tol));
              if (out) err(where, `content.boundingVolume is not inside the tile's bounding volume`);
            }
          }
        }
        if (!file.startsWith(root + path.sep)) err(where, `content.uri '${uri}' points outside the tileset directory`);
        else if (!fs.existsSync(file)) err(where, `content.uri '${uri}' does not exist`);
        else if (seen.has(file)) err(where, `content.uri '${uri}' is used by two tiles`);
        else if (!uri.toLowerCase().endsWith('.glb')) {
          seen.add(file);
          warn(where, `content '${uri}' is not a .glb; not checked`);
        } else {
          seen.add(file);
          report.contents++;
          const bytes = new Uint8Array(fs.readFileSync(file));
          report.bytes += bytes.byteLength;
          if (validator) {
            try {
              const r = await validator.validateBytes(bytes, { uri, maxIssues: 50, externalResourceFunction: () => Promise.reject(new Error('external resources are not allowed')) });
              for (const m of r.issues.messages) {
                if (m.severity === 0) err(cwhere, `glTF-Validator ${m.code}: ${m.message}${m.pointer ? ` (${m.pointer})` : ''}`);
              }
            } catch (e) {
              err(cwhere, `glTF-Validator failed: ${(e as Error).message ?? e}`);
            }
          }
          try {
            // Images are not decoded (loaders.gl needs its broken polyfills for that under Node; glTF-Validator checks
            // them). loaders.gl 4.5.4 cannot decode BOOLEAN metadata columns: then the tables are parsed without
            // EXT_structural_metadata, which checkMetadata below checks instead.
            const opts = { '3d-tiles': { loadGLTF: true }, gltf: { loadImages: false } };
            let c: any;
            try {
              c = await parse(bytes, Tiles3DLoader, opts as any);
            } catch (e) {
              if (!/classProperty\.type=BOOLEAN/.test((e as Error).message)) throw e;
              c = await parse(bytes, Tiles3DLoader, { ...opts, gltf: { loadImages: false, excludeExtensions: { EXT_structural_metadata: false } } } as any);
            }
            if (!c?.gltf) err(cwhere, '@loaders.gl/3d-tiles parsed it without a glTF');
          } catch (e) {
            err(cwhere, `@loaders.gl/3d-tiles cannot parse it: ${(e as Error).message}`);
          }
          try {
            const glb = readGlb(bytes, uri);
            for (const mesh of glb.json.meshes ?? []) {
              for (const p of mesh.primitives) {
                if (p.indices !== undefined) report.triangles += Math.floor(glb.json.accessors[p.indices].count / 3);
                else if (p.attributes?.POSITION !== undefined) report.triangles += Math.floor(glb.json.accessors[p.attributes.POSITION].count / 3);
              }
            }
            const count = checkMetadata(glb, cwhere, ts.schema, err);
            if (children.length === 0 || refine === 'ADD') report.features += count;
            let outside = 0;
            let first: Vec3 | undefined;
            forEachPosition(glb, multiply(world, Y_UP_TO_Z_UP), (x, y, z) => {
              const p: Vec3 = [x, y, z];
              if ((typeof vol !== 'string' && !vol.contains(p, tol)) || (contentVolume && !contentVolume.contains(p, tol))) {
                if (!first) first = p;
                outside++;
              }
            });
            if (outside) err(cwhere, `${outside} vertices lie outside the tile's bounding volume (first at ECEF ${first!.map((v) => v.toFixed(3)).join(', ')})`);
          } catch (e) {
            err(cwhere, (e as Error).message);
          }
        }
      }
    }
    for (let i = 0; i < children.length; i++) {
      await visit(children[i], `${where}.children[${i}]`, world, typeof vol === 'string' ? undefined : vol, typeof ge === 'number' ? ge : Infinity, false, refine);
    }
  };
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  await visit(ts.root, 'tileset.json root', identity, undefined, typeof ts.geometricError === 'number' ? ts.geometricError : Infinity, true, 'REPLACE');
  report.valid = errors.length === 0;
  return report;
}
