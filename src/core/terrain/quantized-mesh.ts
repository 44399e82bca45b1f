/**
 * Cesium quantized-mesh 1.0 terrain tiles: a byte-exact encoder and decoder (pure TypeScript).
 *
 * Layout (little endian): an 88-byte header (tile centre, min/max height, bounding sphere, horizon occlusion
 * point), vertex data (count + zig-zag delta encoded u, v, height in 0..32767), triangle indices
 * (high-water-mark encoded; 16-bit, or 32-bit when the tile has more than 65,536 vertices, 4-byte aligned),
 * the west/south/east/north edge vertex lists and optional extensions (1 = oct-encoded vertex normals).
 */

/** Largest quantized u / v / height value. */
export const QUANTIZED_MAX = 32767;
/** Size in bytes of the quantized-mesh header. */
export const QUANTIZED_MESH_HEADER_BYTES = 88;
/** Extension id of oct-encoded per-vertex normals ("octvertexnormals"). */
export const EXTENSION_OCT_VERTEX_NORMALS = 1;
/** Extension id of the water mask ("watermask"). */
export const EXTENSION_WATER_MASK = 2;
/** Extension id of the JSON metadata extension ("metadata"). */
export const EXTENSION_METADATA = 4;

/** The fixed header of a quantized-mesh tile. All positions are ECEF metres except the horizon point. */
export interface QuantizedMeshHeader {
  /** Tile centre (ECEF); vertices are rendered relative to it. */
  center: [number, number, number];
  /** Lowest vertex height (m above the ellipsoid); stored as float32. */
  minimumHeight: number;
  /** Highest vertex height (m above the ellipsoid); stored as float32. */
  maximumHeight: number;
  /** Centre of a sphere holding every vertex (ECEF). */
  boundingSphereCenter: [number, number, number];
  /** Radius of that sphere (m). */
  boundingSphereRadius: number;
  /** Horizon occlusion point in ellipsoid-scaled space (ECEF divided by the radii); NaN where none exists. */
  horizonOcclusionPoint: [number, number, number];
}

/** An opaque extension block kept as bytes. */
export interface QuantizedMeshExtension {
  /** Extension id (1 normals, 2 water mask, 4 metadata). */
  id: number;
  /** The extension's bytes. */
  data: Uint8Array;
}

/** A quantized-mesh tile in memory. Vertex i is (u[i], v[i], height[i]), each 0..32767. */
export interface QuantizedMesh {
  /** The fixed 88-byte header. */
  header: QuantizedMeshHeader;
  /** 0 = west edge, 32767 = east edge. */
  u: Uint16Array;
  /** 0 = south edge, 32767 = north edge. */
  v: Uint16Array;
  /** 0 = minimumHeight, 32767 = maximumHeight. */
  height: Uint16Array;
  /** Triangle vertex indices (counter-clockwise seen from above), 3 per triangle. */
  indices: Uint32Array;
  /** Vertices on the west edge (u = 0). */
  westIndices: Uint32Array;
  /** Vertices on the south edge (v = 0). */
  southIndices: Uint32Array;
  /** Vertices on the east edge (u = 32767). */
  eastIndices: Uint32Array;
  /** Vertices on the north edge (v = 32767). */
  northIndices: Uint32Array;
  /** Oct-encoded unit normals (ECEF), 2 bytes per vertex, or undefined without the extension. */
  octNormals?: Uint8Array;
  /** Other extensions, written after the normals in the given order (decoder: every extension except normals). */
  extensions?: QuantizedMeshExtension[];
}

/** Zig-zag encodes a signed integer (|n| < 2^15) to an unsigned one. */
export const zigZag = (n: number): number => ((n << 1) ^ (n >> 31)) >>> 0;
/** Inverse of {@link zigZag}. */
export const unZigZag = (n: number): number => (n >> 1) ^ -(n & 1);

/**
 * Encodes a tile. Indices must be in high-water-mark order (each index at most one above the highest seen so far),
 * which holds when vertices are numbered in order of first use; otherwise an error names the offending index.
 */
export function encodeQuantizedMesh(mesh: QuantizedMesh): Uint8Array {
  const n = mesh.u.length;
  if (mesh.v.length !== n || mesh.height.length !== n) {
    throw new Error(`quantized-mesh: u/v/height lengths differ (${n}, ${mesh.v.length}, ${mesh.height.length})`);
  }
  if (mesh.indices.length % 3 !== 0) throw new Error(`quantized-mesh: index count ${mesh.indices.length} is not a multiple of 3`);
  if (mesh.octNormals && mesh.octNormals.length !== 2 * n) {
    throw new Error(`quantized-mesh: octNormals has ${mesh.octNormals.length} bytes, expected ${2 * n}`);
  }
  const wide = n > 65536;
  const ib = wide ? 4 : 2;
  let size = QUANTIZED_MESH_HEADER_BYTES + 4 + 6 * n;
  const pad = size % ib === 0 ? 0 : ib - (size % ib);
  size += pad + 4 + mesh.indices.length * ib;
  const edges = [mesh.westIndices, mesh.southIndices, mesh.eastIndices, mesh.northIndices];
  for (const e of edges) size += 4 + e.length * ib;
  const exts: QuantizedMeshExtension[] = [];
  if (mesh.octNormals) exts.push({ id: EXTENSION_OCT_VERTEX_NORMALS, data: mesh.octNormals });
  for (const e of mesh.extensions ?? []) if (e.id !== EXTENSION_OCT_VERTEX_NORMALS || !mesh.octNormals) exts.push(e);
  for (const e of exts) size += 5 + e.data.length;

  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  const h = mesh.header;
  let p = 0;
  const f64 = (x: number) => {
    view.setFloat64(p, x, true);
    p += 8;
  };
  const f32 = (x: number) => {
    view.setFloat32(p, x, true);
    p += 4;
  };
  const u32 = (x: number) => {
    view.setUint32(p, x, true);
    p += 4;
  };
  h.center.forEach(f64);
  f32(h.minimumHeight);
  f32(h.maximumHeight);
  h.boundingSphereCenter.forEach(f64);
  f64(h.boundingSphereRadius);
  h.horizonOcclusionPoint.forEach(f64);
  u32(n);
  for (const arr of [mesh.u, mesh.v, mesh.height]) {
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const val = arr[i];
      if (val > QUANTIZED_MAX) throw new Error(`quantized-mesh: vertex ${i} value ${val} exceeds ${QUANTIZED_MAX}`);
      view.setUint16(p, zigZag(val - prev), true);
      p += 2;
      prev = val;
    }
  }
  p += pad;
  u32(mesh.indices.length / 3);
  let highest = 0;
  for (let i = 0; i < mesh.indices.length; i++) {
    const idx = mesh.indices[i];
    if (idx >= n) throw new Error(`quantized-mesh: index ${i} = ${idx} is out of range (${n} vertices)`);
    const code = highest - idx;
    if (code < 0) throw new Error(`quantized-mesh: index ${i} = ${idx} breaks high-water-mark order (highest ${highest})`);
    if (wide) view.setUint32(p, code, true);
    else view.setUint16(p, code, true);
    p += ib;
    if (code === 0) highest++;
  }
  for (const e of edges) {
    u32(e.length);
    for (let i = 0; i < e.length; i++) {
      if (wide) view.setUint32(p, e[i], true);
      else view.setUint16(p, e[i], true);
      p += ib;
    }
  }
  for (const e of exts) {
    view.setUint8(p, e.id);
    p += 1;
    u32(e.data.length);
    bytes.set(e.data, p);
    p += e.data.length;
  }
  if (p !== size) throw new Error(`quantized-mesh: internal size mismatch ${p} ≠ ${size}`);
  return bytes;
}

/** Decodes a quantized-mesh 1.0 tile; throws a clear error on truncated or inconsistent bytes. */
export function decodeQuantizedMesh(input: Uint8Array | ArrayBuffer): QuantizedMesh {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  const need = (k: number, what: string) => {
    if (p + k > bytes.byteLength) {
      throw new Error(`quantized-mesh: truncated at byte ${p} reading ${what} (${bytes.byteLength} bytes)`);
    }
  };
  const f64 = () => {
    const x = view.getFloat64(p, true);
    p += 8;
    return x;
  };
  const u32 = (what: string) => {
    need(4, what);
    const x = view.getUint32(p, true);
    p += 4;
    return x;
  };
  need(QUANTIZED_MESH_HEADER_BYTES, 'header');
  const center: [number, number, number] = [f64(), f64(), f64()];
  const minimumHeight = view.getFloat32(p, true);
  const maximumHeight = view.getFloat32(p + 4, true);
  p += 8;
  const boundingSphereCenter: [number, number, number] = [f64(), f64(), f64()];
  const boundingSphereRadius = f64();
  const horizonOcclusionPoint: [number, number, number] = [f64(), f64(), f64()];
  const n = u32('vertexCount');
  need(6 * n, 'vertex data');
  const arrays = [new Uint16Array(n), new Uint16Array(n), new Uint16Array(n)];
  for (const arr of arrays) {
    let value = 0;
    for (let i = 0; i < n; i++) {
      value += unZigZag(view.getUint16(p, true));
      p += 2;
      arr[i] = value;
    }
  }
  const wide = n > 65536;
  const ib = wide ? 4 : 2;
  if (p % ib !== 0) p += ib - (p % ib);
  const triangleCount = u32('triangleCount');
  need(triangleCount * 3 * ib, 'indices');
  const indices = new Uint32Array(triangleCount * 3);
  let highest = 0;
  for (let i = 0; i < indices.length; i++) {
    const code = wide ? view.getUint32(p, true) : view.getUint16(p, true);
    p += ib;
    const idx = highest - code;
    if (idx < 0) throw new Error(`quantized-mesh: index ${i} decodes below zero (corrupt high-water-mark data)`);
    if (idx >= n) throw new Error(`quantized-mesh: index ${i} = ${idx} is out of range (${n} vertices)`);
    indices[i] = idx;
    if (code === 0) highest++;
  }
  const edge = (what: string) => {
    const count = u32(`${what} count`);
    need(count * ib, `${what} indices`);
    const out = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      out[i] = wide ? view.getUint32(p, true) : view.getUint16(p, true);
      p += ib;
      if (out[i] >= n) throw new Error(`quantized-mesh: ${what} index ${out[i]} is out of range (${n} vertices)`);
    }
    return out;
  };
  const westIndices = edge('west edge');
  const southIndices = edge('south edge');
  const eastIndices = edge('east edge');
  const northIndices = edge('north edge');
  let octNormals: Uint8Array | undefined;
  const extensions: QuantizedMeshExtension[] = [];
  while (p < bytes.byteLength) {
    need(5, 'extension header');
    const id = view.getUint8(p);
    p += 1;
    const len = u32(`extension ${id} length`);
    need(len, `extension ${id}`);
    const data = bytes.slice(p, p + len);
    p += len;
    if (id === EXTENSION_OCT_VERTEX_NORMALS) {
      if (len !== 2 * n) throw new Error(`quantized-mesh: normals extension has ${len} bytes, expected ${2 * n}`);
      octNormals = data;
    } else extensions.push({ id, data });
  }
  return {
    header: { center, minimumHeight, maximumHeight, boundingSphereCenter, boundingSphereRadius, horizonOcclusionPoint },
    u: arrays[0],
    v: arrays[1],
    height: arrays[2],
    indices,
    westIndices,
    southIndices,
    eastIndices,
    northIndices,
    octNormals,
    extensions,
  };
}

/** Heights in metres of a decoded tile's vertices (what Cesium computes from the quantized values). */
export function vertexHeights(mesh: QuantizedMesh): Float64Array {
  const { minimumHeight: lo, maximumHeight: hi } = mesh.header;
  const out = new Float64Array(mesh.height.length);
  for (let i = 0; i < out.length; i++) out[i] = lo + (mesh.height[i] / QUANTIZED_MAX) * (hi - lo);
  return out;
}

const snorm = (x: number) => Math.round((Math.max(-1, Math.min(1, x)) * 0.5 + 0.5) * 255);
const signNotZero = (x: number) => (x < 0 ? -1 : 1);

/** Oct-encodes a unit vector into two bytes exactly as CesiumJS's AttributeCompression.octEncode does. */
export function octEncode(x: number, y: number, z: number): [number, number] {
  const s = Math.abs(x) + Math.abs(y) + Math.abs(z);
  let ox = x / s;
  let oy = y / s;
  if (z < 0) {
    const tx = ox;
    ox = (1 - Math.abs(oy)) * signNotZero(tx);
    oy = (1 - Math.abs(tx)) * signNotZero(oy);
  }
  return [snorm(ox), snorm(oy)];
}

/** Decodes two oct-encoded bytes to a unit vector (CesiumJS's AttributeCompression.octDecode). */
export function octDecode(ex: number, ey: number): [number, number, number] {
  let x = (ex / 255) * 2 - 1;
  let y = (ey / 255) * 2 - 1;
  const z = 1 - (Math.abs(x) + Math.abs(y));
  if (z < 0) {
    const ox = x;
    x = (1 - Math.abs(y)) * signNotZero(ox);
    y = (1 - Math.abs(ox)) * signNotZero(y);
  }
  const len = Math.hypot(x, y, z);
  return [x / len, y / len, z / len];
}

/**
 * Height (m) of a tile's mesh at (lon°, lat°), interpolated linearly in (u, v) within the triangle holding the
 * point, as CesiumJS's QuantizedMeshTerrainData.interpolateHeight does. `rectangle` is the tile's
 * [west, south, east, north] in degrees. NaN when the point lies outside the tile.
 */
export function interpolateQuantizedMeshHeight(mesh: QuantizedMesh, rectangle: readonly number[], lon: number, lat: number): number {
  const [w, s, e, n] = rectangle;
  const u = ((lon - w) / (e - w)) * QUANTIZED_MAX, v = ((lat - s) / (n - s)) * QUANTIZED_MAX;
  const { minimumHeight: lo, maximumHeight: hi } = mesh.header;
  const eps = 1e-9;
  for (let i = 0; i < mesh.indices.length; i += 3) {
    const a = mesh.indices[i], b = mesh.indices[i + 1], c = mesh.indices[i + 2];
    const ua = mesh.u[a], va = mesh.v[a], ub = mesh.u[b], vb = mesh.v[b], uc = mesh.u[c], vc = mesh.v[c];
    const det = (vb - vc) * (ua - uc) + (uc - ub) * (va - vc);
    if (det === 0) continue;
    const wa = ((vb - vc) * (u - uc) + (uc - ub) * (v - vc)) / det;
    const wb = ((vc - va) * (u - uc) + (ua - uc) * (v - vc)) / det;
    const wc = 1 - wa - wb;
    if (wa >= -eps && wb >= -eps && wc >= -eps) {
      const hq = wa * mesh.height[a] + wb * mesh.height[b] + wc * mesh.height[c];
      return lo + (hq / QUANTIZED_MAX) * (hi - lo);
    }
  }
  return NaN;
}
