/**
 * A small quadcopter model generated in code as glTF 2.0 (JSON with an embedded buffer): a body, two crossed arms,
 * four rotor discs and a nose block marking the front. glTF axes: +Y up, +Z forward (Cesium turns +Z into the
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
  // Two primitives (one per material), each its own position/normal/index ranges in one buffer.
  const prims: { pos: number[]; nor: number[]; idx: number[] }[] = [
    { pos: [], nor: [], idx: [] },
    { pos: [], nor: [], idx: [] },
  ];
  for (const b of boxes) {
    const p = prims[b.m];
    for (const f of FACES) {
      const base = p.pos.length / 3;
      for (const [su, sv] of [
        [-1, -1],
        [1, -1],
        [1, 1],
        [-1, 1],
      ]) {
        for (let i = 0; i < 3; i++) p.pos.push(b.c[i] + (f.n[i] * b.s[i]) / 2 + (su * f.u[i] * b.s[i]) / 2 + (sv * f.v[i] * b.s[i]) / 2);
        p.nor.push(...f.n);
      }
      p.idx.push(base, base + 1, base + 2, base, base + 2, base + 3);
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
  const primitives = prims.map((p, m) => {
    const pos = new Float32Array(p.pos);
    const min = [0, 1, 2].map((i) => Math.min(...p.pos.filter((_, j) => j % 3 === i)));
    const max = [0, 1, 2].map((i) => Math.max(...p.pos.filter((_, j) => j % 3 === i)));
    accessors.push({ bufferView: addView(pos, 34962), componentType: 5126, count: pos.length / 3, type: 'VEC3', min, max });
    const posAcc = accessors.length - 1;
    accessors.push({ bufferView: addView(new Float32Array(p.nor), 34962), componentType: 5126, count: p.nor.length / 3, type: 'VEC3' });
    const norAcc = accessors.length - 1;
    accessors.push({ bufferView: addView(new Uint16Array(p.idx), 34963), componentType: 5123, count: p.idx.length, type: 'SCALAR' });
    return { attributes: { POSITION: posAcc, NORMAL: norAcc }, indices: accessors.length - 1, material: m, mode: 4 };
  });
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
    materials: [
      { name: 'body', pbrMetallicRoughness: { baseColorFactor: bodyColor, metallicFactor: 0.2, roughnessFactor: 0.6 } },
      { name: 'nose', pbrMetallicRoughness: { baseColorFactor: noseColor, metallicFactor: 0, roughnessFactor: 0.7 } },
    ],
    accessors,
    bufferViews,
    buffers: [{ byteLength: all.length, uri: `data:application/octet-stream;base64,${base64(all)}` }],
  };
}

/** The drone model as a `data:model/gltf+json` URI (for a Cesium Entity's model.uri). */
export function droneModelUri(): string {
  return `data:model/gltf+json;base64,${base64(new TextEncoder().encode(JSON.stringify(droneGltf())))}`;
}
