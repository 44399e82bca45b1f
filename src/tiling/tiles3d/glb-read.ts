/**
 * Minimal GLB reader: the JSON, the BIN chunk, accessor data and node world matrices. Used by the validator and
 * tests; it reads what glTF 2.0 allows for non-sparse accessors.
 */

/** A parsed GLB. */
export interface GlbFile {
  json: Record<string, any>;
  bin: Uint8Array;
}

/** Parses a GLB container; throws naming `where` when the bytes are not a GLB 2.0. */
export function readGlb(bytes: Uint8Array, where = 'glb'): GlbFile {
  if (bytes.byteLength < 20) throw new Error(`${where}: too short for a GLB (${bytes.byteLength} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== 0x46546c67) throw new Error(`${where}: not a GLB (bad magic)`);
  if (dv.getUint32(4, true) !== 2) throw new Error(`${where}: GLB version ${dv.getUint32(4, true)} is not 2`);
  const total = dv.getUint32(8, true);
  if (total !== bytes.byteLength) throw new Error(`${where}: GLB header length ${total} ≠ file length ${bytes.byteLength}`);
  let o = 12;
  let json: Record<string, any> | undefined;
  let bin: Uint8Array = new Uint8Array(0);
  while (o + 8 <= total) {
    const len = dv.getUint32(o, true);
    const type = dv.getUint32(o + 4, true);
    const data = bytes.subarray(o + 8, o + 8 + len);
    if (type === 0x4e4f534a) json = JSON.parse(new TextDecoder().decode(data));
    else if (type === 0x004e4942) bin = data;
    o += 8 + len;
  }
  if (!json) throw new Error(`${where}: GLB has no JSON chunk`);
  return { json, bin };
}

const COMPONENTS: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT2: 4, MAT3: 9, MAT4: 16 };
const SIZES: Record<number, number> = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 };

/** The bytes of a buffer view of the GLB's BIN buffer. */
export function bufferViewBytes(glb: GlbFile, index: number): Uint8Array {
  const v = glb.json.bufferViews?.[index];
  if (!v) throw new Error(`bufferView ${index} does not exist`);
  if (v.buffer !== 0) throw new Error(`bufferView ${index} is not in the GLB buffer`);
  return glb.bin.subarray(v.byteOffset ?? 0, (v.byteOffset ?? 0) + v.byteLength);
}

/** Reads an accessor as numbers (not normalised), honouring byteStride. */
export function readAccessor(glb: GlbFile, index: number): { data: Float64Array; components: number; count: number } {
  const a = glb.json.accessors?.[index];
  if (!a) throw new Error(`accessor ${index} does not exist`);
  const comps = COMPONENTS[a.type];
  const size = SIZES[a.componentType];
  const out = new Float64Array(a.count * comps);
  if (a.bufferView === undefined) return { data: out, components: comps, count: a.count };
  const view = glb.json.bufferViews[a.bufferView];
  const bytes = bufferViewBytes(glb, a.bufferView);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stride = view.byteStride ?? comps * size;
  const base = a.byteOffset ?? 0;
  for (let i = 0; i < a.count; i++) {
    for (let c = 0; c < comps; c++) {
      const o = base + i * stride + c * size;
      let v: number;
      switch (a.componentType) {
        case 5120: v = dv.getInt8(o); break;
        case 5121: v = dv.getUint8(o); break;
        case 5122: v = dv.getInt16(o, true); break;
        case 5123: v = dv.getUint16(o, true); break;
        case 5125: v = dv.getUint32(o, true); break;
        default: v = dv.getFloat32(o, true);
      }
      out[i * comps + c] = v;
    }
  }
  return { data: out, components: comps, count: a.count };
}

/** Column-major 4×4 product a·b. */
export function multiply(a: readonly number[], b: readonly number[]): number[] {
  const r = new Array<number>(16);
  for (let c = 0; c < 4; c++) {
    for (let row = 0; row < 4; row++) {
      r[c * 4 + row] = a[row] * b[c * 4] + a[4 + row] * b[c * 4 + 1] + a[8 + row] * b[c * 4 + 2] + a[12 + row] * b[c * 4 + 3];
    }
  }
  return r;
}

/** Local matrix of a glTF node (matrix, or translation·rotation·scale). */
export function nodeMatrix(node: Record<string, any>): number[] {
  if (Array.isArray(node.matrix)) return node.matrix.slice();
  const [tx, ty, tz] = node.translation ?? [0, 0, 0];
  const [x, y, z, w] = node.rotation ?? [0, 0, 0, 1];
  const [sx, sy, sz] = node.scale ?? [1, 1, 1];
  return [
    (1 - 2 * (y * y + z * z)) * sx, 2 * (x * y + z * w) * sx, 2 * (x * z - y * w) * sx, 0,
    2 * (x * y - z * w) * sy, (1 - 2 * (x * x + z * z)) * sy, 2 * (y * z + x * w) * sy, 0,
    2 * (x * z + y * w) * sz, 2 * (y * z - x * w) * sz, (1 - 2 * (x * x + y * y)) * sz, 0,
    tx, ty, tz, 1,
  ];
}

/** glTF y-up → 3D Tiles z-up: (x, y, z) → (x, −z, y). */
export const Y_UP_TO_Z_UP = [1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1];

/**
 * Calls `fn` for every vertex position of every mesh primitive of the default scene, transformed by the node
 * hierarchy and then by `tileMatrix` (e.g. the tile's world transform · Y_UP_TO_Z_UP).
 */
export function forEachPosition(glb: GlbFile, tileMatrix: readonly number[], fn: (x: number, y: number, z: number) => void): void {
  const json = glb.json;
  const scene = json.scenes?.[json.scene ?? 0];
  const visit = (ni: number, parent: number[]) => {
    const node = json.nodes[ni];
    const m = multiply(parent, nodeMatrix(node));
    if (node.mesh !== undefined) {
      for (const prim of json.meshes[node.mesh].primitives) {
        if (prim.attributes?.POSITION === undefined) continue;
        const { data } = readAccessor(glb, prim.attributes.POSITION);
        for (let i = 0; i < data.length; i += 3) {
          const x = data[i], y = data[i + 1], z = data[i + 2];
          fn(
            m[0] * x + m[4] * y + m[8] * z + m[12],
            m[1] * x + m[5] * y + m[9] * z + m[13],
            m[2] * x + m[6] * y + m[10] * z + m[14],
          );
        }
      }
    }
    for (const c of node.children ?? []) visit(c, m);
  };
  for (const n of scene?.nodes ?? []) visit(n, [...tileMatrix]);
}
