/**
 * A small quadcopter model generated in code as glTF 2.0 (JSON with an embedded buffer): a body, two crossed arms,
 * four rotor discs and a nose block marking the front, in one primitive (vertex colours: one draw call per drone). glTF axes: +Y up, +Z forward (Cesium turns +Z into the
 * model's heading direction). Pure TypeScript; works offline (the buffer is a data: URI).
 */

/** One axis-aligned box: centre and full size (glTF metres). */
interface Box {
  c: [number, number, number];
  s: [number, number, number];
  /** Material index. */
  m: number;
}

const FACES: { n: [number, number, number]; u: [number, number, number]; v: [number, number, number] }[] = [
  { n: [1, 0, 0], u: [0, 0, -1], v: [0, 1, 0] },
  { n: [-1, 0, 0], u: [0, 0, 1], v: [0, 1, 0] },
  { n: [0, 1, 0], u: [1, 0, 0], v: [0, 0, -1] },
  { n: [0, -1, 0], u: [1, 0, 0], v: [0, 0, 1] },
  { n: [0, 0, 1], u: [1, 0, 0], v: [0, 1, 0] },
  { n: [0, 0, -1], u: [-1, 0, 0], v: [0, 1, 0] },
];

/** Base64 of bytes (btoa exists in browsers, workers and Node ≥ 16). */
function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * The drone model as a glTF JSON object.
 * @param bodyColor RGBA 0..1 of the body
 * @param noseColor RGBA 0..1 of the nose block and rotors
 */
export function droneGltf(bodyColor: [number, number, number, number] = [0.75, 0.8, 0.88, 1], noseColor: [number, number, number, number] = [1, 0.35, 0.1, 1]): Record<string, unknown> {
  const boxes: Box[] = [
    { c: [0, 0, 0], s: [0.36, 0.14, 0.5], m: 0 },
    { c: [0, 0.02, 0], s: [1.2, 0.05, 0.07], m: 0 },
    { c: [0, 0.02, 0], s: [0.07, 0.05, 1.2], m: 0 },
    { c: [0, 0, 0.3], s: [0.14, 0.1, 0.12], m: 1 },
    ...[
      [0.6, 0],
      [-0.6, 0],
      [0, 0.6],
      [0, -0.6],
    ].map(([x, z]): Box => ({ c: [x, 0.07, z], s: [0.42, 0.02, 0.42], m: 1 })),
  ];
  // One primitive (one draw call per drone): the two colours are vertex colours (COLOR_0) under one white material.
  const colors = [bodyColor, noseColor];
  const pos: number[] = [];
  const nor: number[] = [];
  const col: number[] = [];
  const idx: number[] = [];
  for (const b of boxes) {
    for (const f of FACES) {
      const base = pos.length / 3;
      for (const [su, sv] of [
        [-1, -1],
        [1, -1],
        [1, 1],
        [-1, 1],
      ]) {
        for (let i = 0; i < 3; i++) pos.push(b.c[i] + (f.n[i] * b.s[i]) / 2 + (su * f.u[i] * b.s[i]) / 2 + (sv * f.v[i] * b.s[i]) / 2);
        nor.push(...f.n);
        col.push(colors[b.m][0], colors[b.m][1], colors[b.m][2], colors[b.m][3]);
      }
      idx.push(base, base + 1, base + 2, base, base + 2, base + 3);
    }
  }
  const chunks: Uint8Array[] = [];
  const bufferViews: Record<string, unknown>[] = [];
  const accessors: Record<string, unknown>[] = [];
  let offset = 0;
  const addView = (data: Float32Array | Uint16Array, target: number): number => {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
    padded.set(bytes);
    chunks.push(padded);
    bufferViews.push({ buffer: 0, byteOffset: offset, byteLength: bytes.length, target });
    offset += padded.length;
    return bufferViews.length - 1;
  };
  const min = [0, 1, 2].map((i) => Math.min(...pos.filter((_, j) => j % 3 === i)));
  const max = [0, 1, 2].map((i) => Math.max(...pos.filter((_, j) => j % 3 === i)));
  accessors.push({ bufferView: addView(new Float32Array(pos), 34962), componentType: 5126, count: pos.length / 3, type: 'VEC3', min, max });
  accessors.push({ bufferView: addView(new Float32Array(nor), 34962), componentType: 5126, count: nor.length / 3, type: 'VEC3' });
  accessors.push({ bufferView: addView(new Float32Array(col), 34962), componentType: 5126, count: col.length / 4, type: 'VEC4' });
  accessors.push({ bufferView: addView(new Uint16Array(idx), 34963), componentType: 5123, count: idx.length, type: 'SCALAR' });
  const primitives = [{ attributes: { POSITION: 0, NORMAL: 1, COLOR_0: 2 }, indices: 3, material: 0, mode: 4 }];
  const all = new Uint8Array(offset);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  return {
    asset: { version: '2.0', generator: 'city-twin drone-model' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0, name: 'drone' }],
    meshes: [{ name: 'quadcopter', primitives }],
    materials: [{ name: 'drone', pbrMetallicRoughness: { baseColorFactor: [1, 1, 1, 1], metallicFactor: 0.1, roughnessFactor: 0.65 } }],
    accessors,
    bufferViews,
    buffers: [{ byteLength: all.length, uri: `data:application/octet-stream;base64,${base64(all)}` }],
  };
}

/** The drone model as a `data:model/gltf+json` URI (for a Cesium Entity's model.uri). */
export function droneModelUri(): string {
  return `data:model/gltf+json;base64,${base64(new TextEncoder().encode(JSON.stringify(droneGltf())))}`;
}
