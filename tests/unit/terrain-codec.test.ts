import { describe, expect, it } from 'vitest';
import {
  QUANTIZED_MAX,
  decodeQuantizedMesh,
  encodeQuantizedMesh,
  octDecode,
  octEncode,
  rtinErrors,
  rtinHierarchy,
  rtinTriangles,
  tileRangeTms,
  tileRangeXyz,
  levelGeometricError,
  LEVEL_ZERO_GEOMETRIC_ERROR,
  type QuantizedMesh,
} from '../../src/core/terrain/index.js';

/** A regular (k+1)² grid mesh in high-water-mark order. */
function gridMesh(k: number, withNormals = true): QuantizedMesh {
  const n = (k + 1) * (k + 1);
  const u = new Uint16Array(n), v = new Uint16Array(n), height = new Uint16Array(n);
  for (let j = 0; j <= k; j++) {
    for (let i = 0; i <= k; i++) {
      const idx = j * (k + 1) + i;
      u[idx] = Math.round((i * QUANTIZED_MAX) / k);
      v[idx] = Math.round((j * QUANTIZED_MAX) / k);
      height[idx] = (i * 131 + j * 71) % (QUANTIZED_MAX + 1);
    }
  }
  // Triangles in row order: first use of each vertex is increasing, as high-water-mark encoding needs.
  const idx: number[] = [];
  const seen = new Int32Array(n).fill(-1);
  const order: number[] = [];
  const tri: number[] = [];
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < k; i++) {
      const a = j * (k + 1) + i, b = a + 1, c = a + k + 1, d = c + 1;
      tri.push(a, b, d, a, d, c);
    }
  }
  for (const g of tri) {
    if (seen[g] < 0) {
      seen[g] = order.length;
      order.push(g);
    }
    idx.push(seen[g]);
  }
  const perm = (arr: Uint16Array) => Uint16Array.from(order, (g) => arr[g]);
  const edge = (pred: (g: number) => boolean) => Uint32Array.from(order.map((g, i) => (pred(g) ? i : -1)).filter((i) => i >= 0));
  return {
    header: {
      center: [1, 2, 3],
      minimumHeight: -10.5,
      maximumHeight: 1234.25,
      boundingSphereCenter: [4, 5, 6],
      boundingSphereRadius: 7.5,
      horizonOcclusionPoint: [0.1, 0.2, 0.3],
    },
    u: perm(u),
    v: perm(v),
    height: perm(height),
    indices: Uint32Array.from(idx),
    westIndices: edge((g) => g % (k + 1) === 0),
    southIndices: edge((g) => g <= k),
    eastIndices: edge((g) => g % (k + 1) === k),
    northIndices: edge((g) => g >= k * (k + 1)),
    octNormals: withNormals ? Uint8Array.from({ length: 2 * n }, (_, i) => (i * 37) % 256) : undefined,
  };
}

describe('quantized-mesh codec', () => {
  it('round-trips a 16-bit tile byte for byte, with the documented layout', () => {
    const m = gridMesh(8);
    const bytes = encodeQuantizedMesh(m);
    const view = new DataView(bytes.buffer);
    expect(view.getFloat64(0, true)).toBe(1);
    expect(view.getFloat32(24, true)).toBe(-10.5);
    expect(view.getFloat32(28, true)).toBe(1234.25);
    expect(view.getFloat64(56, true)).toBe(7.5);
    expect(view.getUint32(88, true)).toBe(81);
    // First u is zig-zag of (0 - 0) = 0, second is zig-zag of +4096 = 8192.
    expect(view.getUint16(92, true)).toBe(0);
    const d = decodeQuantizedMesh(bytes);
    expect(Array.from(d.u)).toEqual(Array.from(m.u));
    expect(Array.from(d.v)).toEqual(Array.from(m.v));
    expect(Array.from(d.height)).toEqual(Array.from(m.height));
    expect(Array.from(d.indices)).toEqual(Array.from(m.indices));
    expect(Array.from(d.westIndices)).toEqual(Array.from(m.westIndices));
    expect(Array.from(d.northIndices)).toEqual(Array.from(m.northIndices));
    expect(Array.from(d.octNormals!)).toEqual(Array.from(m.octNormals!));
    expect(d.header).toEqual(m.header);
    // Extension block: id 1, length 2n, at the very end.
    expect(bytes[bytes.length - 2 * 81 - 5]).toBe(1);
    expect(encodeQuantizedMesh(d)).toEqual(bytes);
  });

  it('switches to 4-byte aligned 32-bit indices above 65,536 vertices', () => {
    const m = gridMesh(256, false); // 66,049 vertices
    const bytes = encodeQuantizedMesh(m);
    const n = m.u.length;
    const afterVertices = 88 + 4 + 6 * n;
    const pad = afterVertices % 4 === 0 ? 0 : 4 - (afterVertices % 4);
    expect(pad).toBe(2);
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(afterVertices + pad, true)).toBe(m.indices.length / 3);
    const total = afterVertices + pad + 4 + 4 * m.indices.length + 4 * 4 + 4 * (m.westIndices.length * 4);
    expect(bytes.length).toBe(total);
    const d = decodeQuantizedMesh(bytes);
    const same = (a: Uint32Array, b: Uint32Array) => a.length === b.length && Buffer.from(a.buffer).equals(Buffer.from(b.buffer));
    expect(same(d.indices, m.indices)).toBe(true);
    expect(same(d.eastIndices, m.eastIndices)).toBe(true);
    expect(d.octNormals).toBeUndefined();
  });

  it('rejects indices out of high-water-mark order and truncated bytes with clear errors', () => {
    const m = gridMesh(2);
    const bad = { ...m, indices: Uint32Array.from([2, 0, 1, ...m.indices.slice(3)]) };
    expect(() => encodeQuantizedMesh(bad)).toThrow(/high-water-mark/);
    const bytes = encodeQuantizedMesh(m);
    expect(() => decodeQuantizedMesh(bytes.slice(0, 60))).toThrow(/truncated.*header/);
    expect(() => decodeQuantizedMesh(bytes.slice(0, 100))).toThrow(/truncated/);
  });

  it('oct-encodes unit normals within 1° (Cesium compatible values)', () => {
    expect(octEncode(0, 0, 1)).toEqual([128, 128]);
    expect(octEncode(0, 0, -1)).toEqual([255, 255]);
    let worst = 0;
    for (let k = 0; k < 2000; k++) {
      const z = 2 * ((k * 0.618034) % 1) - 1, t = k * 2.39996;
      const r = Math.sqrt(1 - z * z);
      const n: [number, number, number] = [r * Math.cos(t), r * Math.sin(t), z];
      const d = octDecode(...octEncode(...n));
      const angle = Math.acos(Math.min(1, n[0] * d[0] + n[1] * d[1] + n[2] * d[2]));
      worst = Math.max(worst, angle);
    }
    expect((worst * 180) / Math.PI).toBeLessThan(1);
  });
});

describe('geographic tiling scheme', () => {
  it('uses Cesium level-zero geometric error and halves it per level', () => {
    expect(LEVEL_ZERO_GEOMETRIC_ERROR).toBeCloseTo(77067.34, 1);
    expect(levelGeometricError(17)).toBeCloseTo(77067.34 / 131072, 6);
  });
  it('finds tile ranges in TMS and XYZ rows', () => {
    // Level 0: two tiles, west and east hemispheres.
    expect(tileRangeTms([10, 10, 20, 20], 0)).toEqual({ level: 0, startX: 1, startY: 0, endX: 1, endY: 0 });
    const tms = tileRangeTms([113.3, 23.1, 113.34, 23.13], 10)!;
    const xyz = tileRangeXyz([113.3, 23.1, 113.34, 23.13], 10)!;
    expect(xyz.startY).toBe(1023 - tms.endY);
    expect(xyz.endY).toBe(1023 - tms.startY);
    expect(tms.startX).toBe(Math.floor((113.3 + 180) / (180 / 1024)));
  });
});

describe('RTIN', () => {
  const size = 32;
  const n1 = size + 1;
  // Flat "positions": x, y in metres, z = bumpy height.
  const heightAt = (i: number, j: number) => 8 * Math.sin(i * 0.4) * Math.cos(j * 0.3) + (i === 20 && j === 7 ? 15 : 0);
  const pos = new Float64Array(n1 * n1 * 3);
  for (let j = 0; j < n1; j++) for (let i = 0; i < n1; i++) pos.set([i * 10, j * 10, heightAt(i, j)], 3 * (j * n1 + i));
  const h = rtinHierarchy(size);
  const errors = rtinErrors(h, pos);

  for (const [maxError, fast] of [[0, false], [0.5, false], [3, false], [100, false], [0.5, true], [3, true], [100, true]] as const) {
    it(`meshes conformingly and within ${maxError} m (${fast ? 'threshold-bounded' : 'exact'} errors)`, () => {
      const tri = rtinTriangles(h, fast ? rtinErrors(h, pos, maxError) : errors, maxError);
      let area = 0;
      let worst = 0;
      const edges = new Map<string, number>();
      for (let t = 0; t < tri.length; t += 3) {
        const p = [0, 1, 2].map((s) => [tri[t + s] % n1, Math.floor(tri[t + s] / n1)]);
        const cross = (p[1][0] - p[0][0]) * (p[2][1] - p[0][1]) - (p[1][1] - p[0][1]) * (p[2][0] - p[0][0]);
        expect(cross).toBeGreaterThan(0); // counter-clockwise
        area += cross / 2;
        for (let s = 0; s < 3; s++) {
          const a = tri[t + s], b = tri[t + ((s + 1) % 3)];
          edges.set(`${a}-${b}`, (edges.get(`${a}-${b}`) ?? 0) + 1);
        }
        // Every grid sample inside the triangle is within maxError of its plane.
        const [A, B, C] = p;
        const det = (B[1] - C[1]) * (A[0] - C[0]) + (C[0] - B[0]) * (A[1] - C[1]);
        const xs = [A[0], B[0], C[0]], ys = [A[1], B[1], C[1]];
        for (let y = Math.min(...ys); y <= Math.max(...ys); y++) for (let x = Math.min(...xs); x <= Math.max(...xs); x++) {
          const wa = ((B[1] - C[1]) * (x - C[0]) + (C[0] - B[0]) * (y - C[1])) / det;
          const wb = ((C[1] - A[1]) * (x - C[0]) + (A[0] - C[0]) * (y - C[1])) / det;
          const wc = 1 - wa - wb;
          if (wa < -1e-9 || wb < -1e-9 || wc < -1e-9) continue;
          const z = wa * heightAt(A[0], A[1]) + wb * heightAt(B[0], B[1]) + wc * heightAt(C[0], C[1]);
          worst = Math.max(worst, Math.abs(z - heightAt(x, y)));
        }
      }
      expect(worst).toBeLessThanOrEqual(maxError + 1e-9);
      expect(area).toBe(size * size);
      // Conforming: every directed edge is used once, and each inner edge also in the opposite direction.
      for (const [key, count] of edges) {
        expect(count).toBe(1);
        const [a, b] = key.split('-').map(Number);
        const onBoundary = [a, b].every((g) => g % n1 === 0) || [a, b].every((g) => g % n1 === size) || [a, b].every((g) => g < n1) || [a, b].every((g) => g >= size * n1);
        if (!onBoundary) expect(edges.has(`${b}-${a}`)).toBe(true);
      }
      if (maxError === 0) expect(tri.length / 3).toBeGreaterThan(size * size); // full detail where needed
      if (maxError === 100) expect(tri.length / 3).toBe(2);
    });
  }
});
