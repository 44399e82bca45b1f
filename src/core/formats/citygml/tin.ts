import type { CoordinateTransform } from '../../geo/projection.js';
import type { HeightSource } from '../../terrain/source.js';

/**
 * A triangulated irregular network (9 values per triangle: x, y, z of three corners, metric model coordinates)
 * sampled exactly (barycentric interpolation) through a uniform bucket index. Rasterising is done by
 * core/formats/tin-raster.ts.
 */
export class TinSampler {
  /** [minX, minY, maxX, maxY] of the triangles. */
  readonly extent: [number, number, number, number];
  /** Mean edge length (m), a measure of the TIN's resolution. */
  readonly meanEdge: number;
  private readonly tri: Float64Array;
  private readonly bucket: number;
  private readonly nx: number;
  private readonly ny: number;
  private readonly cells: Int32Array[];

  constructor(triangles: Float64Array) {
    if (triangles.length === 0 || triangles.length % 9 !== 0) throw new Error(`TIN has ${triangles.length} values, not a positive multiple of 9`);
    this.tri = triangles;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, edges = 0;
    const n = triangles.length / 9;
    for (let t = 0; t < n; t++) {
      const o = t * 9;
      for (let k = 0; k < 3; k++) {
        const x = triangles[o + 3 * k], y = triangles[o + 3 * k + 1];
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
        const k2 = (k + 1) % 3;
        edges += Math.hypot(triangles[o + 3 * k2] - x, triangles[o + 3 * k2 + 1] - y);
      }
    }
    this.extent = [minX, minY, maxX, maxY];
    this.meanEdge = edges / (3 * n);
    // About 4 triangles per bucket.
    const area = Math.max((maxX - minX) * (maxY - minY), 1e-6);
    this.bucket = Math.max(Math.sqrt((area / n) * 4), 1e-3);
    this.nx = Math.max(1, Math.ceil((maxX - minX) / this.bucket) + 1);
    this.ny = Math.max(1, Math.ceil((maxY - minY) / this.bucket) + 1);
    const lists: number[][] = Array.from({ length: this.nx * this.ny }, () => []);
    for (let t = 0; t < n; t++) {
      const o = t * 9;
      const x0 = Math.min(triangles[o], triangles[o + 3], triangles[o + 6]);
      const x1 = Math.max(triangles[o], triangles[o + 3], triangles[o + 6]);
      const y0 = Math.min(triangles[o + 1], triangles[o + 4], triangles[o + 7]);
      const y1 = Math.max(triangles[o + 1], triangles[o + 4], triangles[o + 7]);
      const c0 = Math.floor((x0 - minX) / this.bucket), c1 = Math.floor((x1 - minX) / this.bucket);
      const r0 = Math.floor((y0 - minY) / this.bucket), r1 = Math.floor((y1 - minY) / this.bucket);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) lists[r * this.nx + c].push(t);
    }
    this.cells = lists.map((l) => Int32Array.from(l));
  }

  /** Number of triangles. */
  get triangleCount(): number {
    return this.tri.length / 9;
  }

  /** Height of the TIN at (x, y), NaN outside every triangle. */
  sample(x: number, y: number): number {
    const [minX, minY] = this.extent;
    const c = Math.floor((x - minX) / this.bucket), r = Math.floor((y - minY) / this.bucket);
    if (c < 0 || r < 0 || c >= this.nx || r >= this.ny) return NaN;
    const list = this.cells[r * this.nx + c];
    const t = this.tri;
    const eps = 1e-9;
    for (let i = 0; i < list.length; i++) {
      const o = list[i] * 9;
      const ax = t[o], ay = t[o + 1], bx = t[o + 3], by = t[o + 4], cx = t[o + 6], cy = t[o + 7];
      const d = (by - cy) * (ax - cx) + (cx - bx) * (ay - cy);
      if (Math.abs(d) < 1e-18) continue;
      const l1 = ((by - cy) * (x - cx) + (cx - bx) * (y - cy)) / d;
      const l2 = ((cy - ay) * (x - cx) + (ax - cx) * (y - cy)) / d;
      const l3 = 1 - l1 - l2;
      if (l1 >= -eps && l2 >= -eps && l3 >= -eps) return l1 * t[o + 2] + l2 * t[o + 5] + l3 * t[o + 8];
    }
    return NaN;
  }
}

/**
 * A terrain {@link HeightSource} sampling a TIN exactly (barycentric on its triangles, so TIN vertices are
 * reproduced) instead of a rasterised copy; steps and cliffs stay sharp. `crs` places the TIN's model coordinates
 * (and lifts its heights to the ellipsoid); `resolution` (m) defaults to a quarter of the mean edge length, 0.5–25 m.
 */
export function tinHeightSource(triangles: Float64Array, crs: CoordinateTransform, resolution?: number): HeightSource {
  const sampler = new TinSampler(triangles);
  const [minX, minY, maxX, maxY] = sampler.extent;
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const steps = 16;
  for (let k = 0; k <= steps; k++) {
    const fx = minX + ((maxX - minX) * k) / steps, fy = minY + ((maxY - minY) * k) / steps;
    for (const [x, y] of [[fx, minY], [fx, maxY], [minX, fy], [maxX, fy]]) {
      const [lon, lat] = crs.toGeodetic(x, y, 0);
      w = Math.min(w, lon);
      e = Math.max(e, lon);
      s = Math.min(s, lat);
      n = Math.max(n, lat);
    }
  }
  return {
    rectangle: [w, s, e, n],
    resolution: resolution ?? Math.min(25, Math.max(0.5, sampler.meanEdge / 4)),
    sample(lon: number, lat: number): number {
      const [x, y] = crs.fromGeodetic(lon, lat, 0);
      const z = sampler.sample(x, y);
      return Number.isNaN(z) ? NaN : crs.toGeodetic(x, y, z)[2];
    },
  };
}
