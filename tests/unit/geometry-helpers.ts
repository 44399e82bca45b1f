import type { MeshPart } from '../../src/core/model/feature.js';

/** Every directed edge (by vertex position) is matched by its reverse: a closed, consistently oriented surface. */
export function isClosed(parts: MeshPart[]): boolean {
  const count = new Map<string, number>();
  const key = (p: MeshPart, i: number) => `${p.positions[i * 3]},${p.positions[i * 3 + 1]},${p.positions[i * 3 + 2]}`;
  for (const p of parts) {
    for (let t = 0; t < p.indices.length; t += 3) {
      for (let k = 0; k < 3; k++) {
        const a = key(p, p.indices[t + k]), b = key(p, p.indices[t + ((k + 1) % 3)]);
        if (a === b) continue;
        count.set(`${a}|${b}`, (count.get(`${a}|${b}`) ?? 0) + 1);
      }
    }
  }
  for (const [e, n] of count) {
    const [a, b] = e.split('|');
    if ((count.get(`${b}|${a}`) ?? 0) !== n) return false;
  }
  return true;
}

/** Signed volume (positive for outward-facing closed meshes). */
export function volume(parts: MeshPart[]): number {
  let v = 0;
  for (const part of parts) {
    const p = part.positions;
    for (let t = 0; t < part.indices.length; t += 3) {
      const a = part.indices[t] * 3, b = part.indices[t + 1] * 3, c = part.indices[t + 2] * 3;
      v += (p[a] * (p[b + 1] * p[c + 2] - p[b + 2] * p[c + 1]) - p[a + 1] * (p[b] * p[c + 2] - p[b + 2] * p[c]) + p[a + 2] * (p[b] * p[c + 1] - p[b + 1] * p[c])) / 6;
    }
  }
  return v;
}
