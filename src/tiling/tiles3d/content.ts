/**
 * Builds the .glb of one tile: flat-shaded triangles in glTF y-up axes relative to the tile centre (node
 * translation), one primitive per material, a `_FEATURE_ID_0` attribute (EXT_mesh_features) and a property table
 * (EXT_structural_metadata).
 */
import type { CityFeature, TextureImage } from '../../core/model/feature.js';
import { ARRAY_BUFFER, ComponentType, ELEMENT_ARRAY_BUFFER, GlbBuilder } from './glb.js';
import { gltfMaterial } from './materials.js';
import { writePropertyTable, type MetadataSchemaInfo } from './metadata.js';
import type { Bounds, PreparedFeature, PreparedLod } from './prepare.js';

/** One feature of a tile and the LoD drawn for it. */
export interface TileItem {
  feature: PreparedFeature;
  lod: PreparedLod;
}

/** A finished tile content. */
export interface TileContent {
  /** The GLB as byte ranges to write in order; they point into scratch memory reused by the next call. */
  parts: Uint8Array[];
  /** GLB size in bytes. */
  byteLength: number;
  /** Triangles written (degenerate ones are dropped). */
  triangles: number;
  /** Triangles dropped for having no area. */
  degenerate: number;
}

interface Bucket {
  name: string;
  factor: [number, number, number, number];
  texture?: string;
  /** Most triangles the bucket may receive (sizes its scratch region). */
  maxTriangles: number;
  /** First vertex (= first index) slot of the bucket's region in the scratch arrays. */
  base: number;
  vertices: number;
  indexCount: number;
  featureCount: number;
  lastFeature: number;
  min: [number, number, number];
  max: [number, number, number];
}

/**
 * Scratch arrays reused from tile to tile (the GLB copies out of them), so writing a tileset allocates per tile,
 * not per vertex. Each bucket owns the region [base, base + 3·maxTriangles) of vertex and index slots.
 */
let sPos = new Float32Array(0);
let sNrm = new Float32Array(0);
let sFid = new Float32Array(0);
let sUv = new Float32Array(0);
let sIdx = new Uint32Array(0);
let sIdx16 = new Uint16Array(0);
/** Per source vertex: the output vertex and the normal it was written with. */
let slotOut = new Int32Array(1024);
let slotN = new Float64Array(3 * 1024);

function ensureScratch(vertexSlots: number, textured: boolean): void {
  if (sFid.length < vertexSlots) {
    const n = Math.max(vertexSlots, sFid.length * 2);
    sPos = new Float32Array(n * 3);
    sNrm = new Float32Array(n * 3);
    sFid = new Float32Array(n);
    sIdx = new Uint32Array(n);
    sIdx16 = new Uint16Array(n);
    if (sUv.length) sUv = new Float32Array(n * 2);
  }
  if (textured && sUv.length < sFid.length * 2) sUv = new Float32Array(sFid.length * 2);
}

/** Frees the scratch arrays (the writer calls it when a tileset is done). */
export function releaseScratch(): void {
  sPos = new Float32Array(0);
  sNrm = new Float32Array(0);
  sFid = new Float32Array(0);
  sUv = new Float32Array(0);
  sIdx = new Uint32Array(0);
  sIdx16 = new Uint16Array(0);
  slotOut = new Int32Array(1024);
  slotN = new Float64Array(3 * 1024);
}

/** Cosine above which a vertex is shared between triangles (same source vertex, same plane). */
const SHARE_COS = 0.99999;

/** Builds the glb of a tile whose content bounds are `bounds` (ENU). */
export function buildTileContent(
  items: readonly TileItem[],
  bounds: Bounds,
  schema: MetadataSchemaInfo,
  textures: Record<string, TextureImage> | undefined,
  doubleSided: boolean,
): TileContent {
  const ce = (bounds[0] + bounds[3]) / 2, cn = (bounds[1] + bounds[4]) / 2, cu = (bounds[2] + bounds[5]) / 2;
  const buckets = new Map<string, Bucket>();
  let triangles = 0, degenerate = 0;

  // Pass 1: buckets (one per material, in order of first use) and their worst-case sizes.
  let anyTexture = false;
  for (const { lod } of items) {
    for (const part of lod.parts) {
      let b = buckets.get(part.materialKey);
      if (!b) {
        b = {
          name: part.texture ? `${part.semantic}:${part.texture}` : part.semantic,
          factor: part.factor,
          texture: part.texture,
          maxTriangles: 0,
          base: 0,
          vertices: 0,
          indexCount: 0,
          featureCount: 0,
          lastFeature: -1,
          min: [Infinity, Infinity, Infinity],
          max: [-Infinity, -Infinity, -Infinity],
        };
        buckets.set(part.materialKey, b);
      }
      b.maxTriangles += part.indices.length / 3;
      if (part.texture !== undefined) anyTexture = true;
    }
  }
  let slots = 0;
  for (const b of buckets.values()) {
    b.base = slots;
    slots += b.maxTriangles * 3;
  }
  ensureScratch(slots, anyTexture);
  const pos = sPos, nrm = sNrm, fid = sFid, idx = sIdx, uvOut = sUv;

  // Pass 2: flat-shaded vertices, shared only between triangles of one plane using the same source vertex.
  for (let k = 0; k < items.length; k++) {
    const { lod } = items[k];
    for (const part of lod.parts) {
      const b = buckets.get(part.materialKey)!;
      const enu = part.enu;
      const nv = enu.length / 3;
      if (slotOut.length < nv) {
        slotOut = new Int32Array(nv * 2);
        slotN = new Float64Array(nv * 6);
      }
      slotOut.fill(-1, 0, nv);
      const ind = part.indices;
      const uvs = part.uvs;
      const nt = ind.length / 3;
      const base = b.base;
      const mn = b.min, mx = b.max;
      let mnx = mn[0], mny = mn[1], mnz = mn[2], mxx = mx[0], mxy = mx[1], mxz = mx[2];
      let vc = b.vertices, ic = b.indexCount;
      let written = 0;
      for (let t = 0; t < nt; t++) {
        const i0 = ind[t * 3], i1 = ind[t * 3 + 1], i2 = ind[t * 3 + 2];
        const ax = enu[i0 * 3], ay = enu[i0 * 3 + 1], az = enu[i0 * 3 + 2];
        const ux = enu[i1 * 3] - ax, uy = enu[i1 * 3 + 1] - ay, uz = enu[i1 * 3 + 2] - az;
        const vx = enu[i2 * 3] - ax, vy = enu[i2 * 3 + 1] - ay, vz = enu[i2 * 3 + 2] - az;
        let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
        const len = Math.sqrt(nx * nx + ny * ny + nz * nz);
        const scale = ux * ux + uy * uy + uz * uz + vx * vx + vy * vy + vz * vz;
        if (!(len > 1e-12 * scale) || len === 0) {
          degenerate++;
          continue;
        }
        nx /= len;
        ny /= len;
        nz /= len;
        for (let c = 0; c < 3; c++) {
          const s = c === 0 ? i0 : c === 1 ? i1 : i2;
          const o = slotOut[s];
          if (o >= 0 && slotN[s * 3] * nx + slotN[s * 3 + 1] * ny + slotN[s * 3 + 2] * nz > SHARE_COS) {
            idx[base + ic++] = o;
            continue;
          }
          const vi = vc++;
          slotOut[s] = vi;
          slotN[s * 3] = nx;
          slotN[s * 3 + 1] = ny;
          slotN[s * 3 + 2] = nz;
          // ENU (e, n, u) relative to the tile centre → glTF (e, u, −n).
          const px = Math.fround(enu[s * 3] - ce), py = Math.fround(enu[s * 3 + 2] - cu), pz = Math.fround(-(enu[s * 3 + 1] - cn));
          const p3 = (base + vi) * 3;
          pos[p3] = px;
          pos[p3 + 1] = py;
          pos[p3 + 2] = pz;
          if (px < mnx) mnx = px;
          if (py < mny) mny = py;
          if (pz < mnz) mnz = pz;
          if (px > mxx) mxx = px;
          if (py > mxy) mxy = py;
          if (pz > mxz) mxz = pz;
          nrm[p3] = nx;
          nrm[p3 + 1] = nz;
          nrm[p3 + 2] = -ny;
          fid[base + vi] = k;
          if (uvs) {
            uvOut[(base + vi) * 2] = uvs[s * 2];
            uvOut[(base + vi) * 2 + 1] = uvs[s * 2 + 1];
          }
          idx[base + ic++] = vi;
        }
        written++;
      }
      mn[0] = mnx; mn[1] = mny; mn[2] = mnz; mx[0] = mxx; mx[1] = mxy; mx[2] = mxz;
      b.vertices = vc;
      b.indexCount = ic;
      if (written > 0 && b.lastFeature !== k) {
        b.lastFeature = k;
        b.featureCount++;
      }
      triangles += written;
    }
  }

  const builder = new GlbBuilder();
  const json = builder.json;
  const materials: Record<string, unknown>[] = [];
  const primitives: Record<string, unknown>[] = [];
  const textureIndex = new Map<string, number>();
  const images: Record<string, unknown>[] = [];
  const gltfTextures: Record<string, unknown>[] = [];
  for (const b of buckets.values()) {
    if (b.vertices === 0) continue;
    let tex: number | undefined;
    if (b.texture !== undefined && textures?.[b.texture]) {
      tex = textureIndex.get(b.texture);
      if (tex === undefined) {
        const img = textures[b.texture];
        images.push({ bufferView: builder.addBufferView(img.data), mimeType: img.mimeType, name: b.texture });
        gltfTextures.push({ sampler: 0, source: images.length - 1 });
        tex = gltfTextures.length - 1;
        textureIndex.set(b.texture, tex);
      }
    }
    materials.push(gltfMaterial(b.name, b.factor, tex, doubleSided));
    const attributes: Record<string, number> = {};
    const base = b.base, nv = b.vertices;
    const view = (a: Float32Array, comps: number) => new Uint8Array(a.buffer, base * comps * 4, nv * comps * 4);
    attributes.POSITION = builder.addAccessor({
      bufferView: builder.addBufferView(view(sPos, 3), ARRAY_BUFFER),
      componentType: ComponentType.FLOAT,
      count: nv,
      type: 'VEC3',
      min: b.min,
      max: b.max,
    });
    attributes.NORMAL = builder.addAccessor({
      bufferView: builder.addBufferView(view(sNrm, 3), ARRAY_BUFFER),
      componentType: ComponentType.FLOAT,
      count: nv,
      type: 'VEC3',
    });
    if (b.texture !== undefined && tex !== undefined) {
      attributes.TEXCOORD_0 = builder.addAccessor({
        bufferView: builder.addBufferView(view(sUv, 2), ARRAY_BUFFER),
        componentType: ComponentType.FLOAT,
        count: nv,
        type: 'VEC2',
      });
    }
    attributes._FEATURE_ID_0 = builder.addAccessor({
      bufferView: builder.addBufferView(view(sFid, 1), ARRAY_BUFFER),
      componentType: ComponentType.FLOAT,
      count: nv,
      type: 'SCALAR',
    });
    const n = b.indexCount;
    const small = nv <= 65535;
    let indexBytes: Uint8Array;
    if (small) {
      for (let i = 0; i < n; i++) sIdx16[base + i] = sIdx[base + i];
      indexBytes = new Uint8Array(sIdx16.buffer, base * 2, n * 2);
    } else indexBytes = new Uint8Array(sIdx.buffer, base * 4, n * 4);
    const indices = builder.addAccessor({
      bufferView: builder.addBufferView(indexBytes, ELEMENT_ARRAY_BUFFER),
      componentType: small ? ComponentType.UNSIGNED_SHORT : ComponentType.UNSIGNED_INT,
      count: n,
      type: 'SCALAR',
    });
    primitives.push({
      attributes,
      indices,
      material: materials.length - 1,
      mode: 4,
      extensions: { EXT_mesh_features: { featureIds: [{ featureCount: b.featureCount, attribute: 0, propertyTable: 0 }] } },
    });
  }
  const features: CityFeature[] = items.map((it) => it.feature.feature);
  const table = writePropertyTable(builder, schema, features);
  json.extensionsUsed = ['EXT_mesh_features', 'EXT_structural_metadata'];
  json.extensions = { EXT_structural_metadata: { schema: schema.schema, propertyTables: [table] } };
  json.scene = 0;
  json.scenes = [{ nodes: [0] }];
  if (primitives.length > 0) {
    json.nodes = [{ mesh: 0, translation: [ce, cu, -cn] }];
    json.meshes = [{ primitives }];
    json.materials = materials;
  } else {
    json.nodes = [{ translation: [ce, cu, -cn] }];
  }
  if (images.length) {
    json.samplers = [{ magFilter: 9729, minFilter: 9987, wrapS: 10497, wrapT: 10497 }];
    json.images = images;
    json.textures = gltfTextures;
  }
  const { parts, byteLength } = builder.toParts();
  return { parts, byteLength, triangles, degenerate };
}
