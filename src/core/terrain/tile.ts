/**
 * Builds one quantized-mesh tile of the geographic tiling scheme from a height function: samples a
 * (gridSize + 1)² grid at globally indexed positions (so neighbours sample shared edges identically), meshes it
 * with an RTIN within `maxError` metres (3D, ECEF), and fills the header and smooth oct-encoded normals.
 */
import { WGS84_A, WGS84_E2, toRadians } from '../geo/ellipsoid.js';
import { QUANTIZED_MAX, octEncode, type QuantizedMesh } from './quantized-mesh.js';
import { rtinCheckPointErrors, rtinErrors, rtinHierarchy, rtinTriangles } from './rtin.js';
import { boundingSphere, horizonOcclusionPoint } from './tiling.js';

/** Options of {@link buildTerrainTile}. */
export interface BuildTileOptions {
  /** Cells per tile side, a power of two (default 64, i.e. 65 × 65 samples). */
  gridSize?: number;
  /** Largest allowed 3D deviation (m) of the mesh from the samples. */
  maxError: number;
  /** Whether to add oct-encoded vertex normals (default true). */
  normals?: boolean;
  /**
   * The source's own data points in the tile (flat lon°, lat°, ellipsoidal height; see HeightSource.checkPoints).
   * The mesh is kept within `maxError` of them too: triangles are split where a point between the samples
   * deviates, and where even the finest triangles of the grid cannot follow them the grid is doubled (up to
   * `maxGridSize`).
   */
  checkPoints?: Float64Array;
  /** Largest grid size used for check points (default 512). */
  maxGridSize?: number;
}

/** Statistics of a built tile. */
export interface BuiltTile {
  /** The tile, ready for encodeQuantizedMesh. */
  mesh: QuantizedMesh;
  /** Largest error (m) of the RTIN triangles kept (at samples and check points), ≤ maxError unless the grid hit maxGridSize. */
  error: number;
  /** Cells per side of the sample grid used (gridSize, or more for check points). */
  gridSize: number;
}

/**
 * Builds tile (level, x, y) — y counted from the south (TMS) — of the geographic scheme.
 * `height(lon, lat)` must be finite everywhere in the tile and one sample-ring around it.
 */
export function buildTerrainTile(
  height: (lon: number, lat: number) => number,
  level: number,
  x: number,
  y: number,
  options: BuildTileOptions,
): BuiltTile {
  let n = options.gridSize ?? 64;
  const maxGrid = Math.max(n, options.maxGridSize ?? 512);
  const pts = options.checkPoints && options.checkPoints.length >= 3 ? options.checkPoints : undefined;
  // Check point heights, once.
  let ptsH: Float64Array | undefined;
  if (pts) {
    ptsH = new Float64Array(pts.length / 3);
    for (let k = 0; k < ptsH.length; k++) ptsH[k] = pts[3 * k + 2];
  }
  for (;;) {
    const built = buildAtGrid(height, level, x, y, n, options, pts, ptsH);
    if (!built.retry || n * 2 > maxGrid) return built.tile;
    n *= 2;
  }
}

function buildAtGrid(
  height: (lon: number, lat: number) => number,
  level: number,
  x: number,
  y: number,
  n: number,
  options: BuildTileOptions,
  pts: Float64Array | undefined,
  ptsH: Float64Array | undefined,
): { tile: BuiltTile; retry: boolean } {
  const h = rtinHierarchy(n);
  const n1 = n + 1;
  const ring = n + 3; // samples including one ring around the tile, for normals
  const step = 180 / (2 ** level * n);
  const gi0 = x * n - 1, gj0 = y * n - 1;
  // Per-column / per-row trigonometry (global sample indices make shared edges identical).
  const cosLon = new Float64Array(ring), sinLon = new Float64Array(ring);
  const lons = new Float64Array(ring), lats = new Float64Array(ring);
  const nCos = new Float64Array(ring), zFac = new Float64Array(ring), cosLat = new Float64Array(ring), sinLat = new Float64Array(ring);
  for (let k = 0; k < ring; k++) {
    const lon = -180 + (gi0 + k) * step;
    lons[k] = lon;
    cosLon[k] = Math.cos(toRadians(lon));
    sinLon[k] = Math.sin(toRadians(lon));
    const lat = Math.max(-90, Math.min(90, -90 + (gj0 + k) * step));
    lats[k] = lat;
    const sl = Math.sin(toRadians(lat)), cl = Math.cos(toRadians(lat));
    sinLat[k] = sl;
    cosLat[k] = cl;
    const nn = WGS84_A / Math.sqrt(1 - WGS84_E2 * sl * sl);
    nCos[k] = nn;
    zFac[k] = nn * (1 - WGS84_E2);
  }
  const base = options.gridSize ?? 64;
  const stepBase = 180 / (2 ** level * base);
  /** ECEF of the surface at global base-grid sample index (gi, gj) + 1 (as the base grid's ring computes it). */
  const ecefAt = (gi: number, gj: number): [number, number, number] => {
    const lon = -180 + (gi + 1) * stepBase;
    const lat = Math.max(-90, Math.min(90, -90 + (gj + 1) * stepBase));
    const sl = Math.sin(toRadians(lat)), cl = Math.cos(toRadians(lat));
    const nn = WGS84_A / Math.sqrt(1 - WGS84_E2 * sl * sl);
    const hv = height(lon, lat);
    const r = (nn + hv) * cl;
    return [r * Math.cos(toRadians(lon)), r * Math.sin(toRadians(lon)), (nn * (1 - WGS84_E2) + hv) * sl];
  };
  const heights = new Float64Array(ring * ring);
  const ecefRing = new Float64Array(ring * ring * 3);
  for (let j = 0; j < ring; j++) {
    for (let i = 0; i < ring; i++) {
      const hv = height(lons[i], lats[j]);
      if (!Number.isFinite(hv)) throw new Error(`terrain tile ${level}/${x}/${y}: height at (${lons[i]}, ${lats[j]}) is not finite`);
      const k = j * ring + i;
      heights[k] = hv;
      const r = (nCos[j] + hv) * cosLat[j];
      ecefRing[3 * k] = r * cosLon[i];
      ecefRing[3 * k + 1] = r * sinLon[i];
      ecefRing[3 * k + 2] = (zFac[j] + hv) * sinLat[j];
    }
  }
  const positions = new Float64Array(n1 * n1 * 3);
  for (let j = 0; j < n1; j++) {
    for (let i = 0; i < n1; i++) {
      const src = 3 * ((j + 1) * ring + i + 1), dst = 3 * (j * n1 + i);
      positions[dst] = ecefRing[src];
      positions[dst + 1] = ecefRing[src + 1];
      positions[dst + 2] = ecefRing[src + 2];
    }
  }
  let extra: Float64Array | undefined;
  let finest = 0;
  if (pts && ptsH) {
    const size0 = 180 / 2 ** level;
    const w0 = -180 + x * size0, s0 = -90 + y * size0;
    const grid = new Float64Array((pts.length / 3) * 2);
    for (let k = 0, p = 0; k < pts.length; k += 3, p += 2) {
      grid[p] = (pts[k] - w0) / step;
      grid[p + 1] = (pts[k + 1] - s0) / step;
    }
    const sampleHeights = new Float64Array(n1 * n1);
    for (let j = 0; j < n1; j++) for (let i = 0; i < n1; i++) sampleHeights[j * n1 + i] = heights[(j + 1) * ring + i + 1];
    let cg: Float64Array = grid, ch: Float64Array = ptsH;
    if (ptsH.length > 4 * n1 * n1) [cg, ch] = extremesPerCell(grid, ptsH, sampleHeights, n);
    const c = rtinCheckPointErrors(h, sampleHeights, cg, ch);
    // Margin for the 16-bit height quantization of the written tile (half a step) plus a millimetre.
    let lo = Infinity, hi = -Infinity;
    for (const v of heights) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const margin = 1e-3 + (0.5 * (hi - lo)) / QUANTIZED_MAX;
    extra = c.extra;
    for (let k = 0; k < extra.length; k++) if (extra[k] > 0) extra[k] += margin;
    finest = c.finest > 0 ? c.finest + margin : 0;
    // The finest triangles cannot follow the points: a denser grid can.
    if (finest > options.maxError && n * 2 <= Math.max(n, options.maxGridSize ?? 512)) return { tile: undefined as unknown as BuiltTile, retry: true };
  }
  const errors = rtinErrors(h, positions, options.maxError, extra);
  const tri = rtinTriangles(h, errors, options.maxError);
  let kept = 0;
  // Renumber vertices in order of first use (high-water-mark order).
  const remap = new Int32Array(n1 * n1).fill(-1);
  const order: number[] = [];
  const indices = new Uint32Array(tri.length);
  for (let t = 0; t < tri.length; t++) {
    const g = tri[t];
    if (remap[g] < 0) {
      remap[g] = order.length;
      order.push(g);
    }
    indices[t] = remap[g];
  }
  for (let t = 0; t < tri.length; t += 3) kept = Math.max(kept, keptError(errors, tri, t, n1));
  kept = Math.max(kept, finest);
  const count = order.length;
  let minH = Infinity, maxH = -Infinity;
  for (const g of order) {
    const hv = heights[(Math.floor(g / n1) + 1) * ring + (g % n1) + 1];
    minH = Math.min(minH, hv);
    maxH = Math.max(maxH, hv);
  }
  const fMin = Math.fround(minH), fMax = Math.fround(maxH);
  const u = new Uint16Array(count), v = new Uint16Array(count), hq = new Uint16Array(count);
  const west: number[] = [], south: number[] = [], east: number[] = [], north: number[] = [];
  const normals = options.normals === false ? undefined : new Uint8Array(2 * count);
  const vertexEcef = new Float64Array(3 * count);
  const tileW = -180 + x * 180 / 2 ** level, tileS = -90 + y * 180 / 2 ** level, size = 180 / 2 ** level;
  for (let k = 0; k < count; k++) {
    const g = order[k];
    const i = g % n1, j = (g - i) / n1;
    u[k] = Math.round((i * QUANTIZED_MAX) / n);
    v[k] = Math.round((j * QUANTIZED_MAX) / n);
    const hv = heights[(j + 1) * ring + i + 1];
    hq[k] = fMax > fMin ? Math.max(0, Math.min(QUANTIZED_MAX, Math.round(((hv - fMin) / (fMax - fMin)) * QUANTIZED_MAX))) : 0;
    if (i === 0) west.push(k);
    if (i === n) east.push(k);
    if (j === 0) south.push(k);
    if (j === n) north.push(k);
    // Position as Cesium will decode it (quantized u, v, height).
    const lon = tileW + (u[k] / QUANTIZED_MAX) * size, lat = tileS + (v[k] / QUANTIZED_MAX) * size;
    const hd = fMin + (hq[k] / QUANTIZED_MAX) * (fMax - fMin);
    const sl = Math.sin(toRadians(lat)), cl = Math.cos(toRadians(lat));
    const nn = WGS84_A / Math.sqrt(1 - WGS84_E2 * sl * sl);
    vertexEcef[3 * k] = (nn + hd) * cl * Math.cos(toRadians(lon));
    vertexEcef[3 * k + 1] = (nn + hd) * cl * Math.sin(toRadians(lon));
    vertexEcef[3 * k + 2] = (nn * (1 - WGS84_E2) + hd) * sl;
    if (normals) {
      const c = (j + 1) * ring + i + 1;
      let ex: number, ey: number, ez: number, nx0: number, ny0: number, nz0: number;
      if (n === base) {
        const e0 = 3 * (c - 1), e1 = 3 * (c + 1), s0 = 3 * (c - ring), s1 = 3 * (c + ring);
        ex = ecefRing[e1] - ecefRing[e0]; ey = ecefRing[e1 + 1] - ecefRing[e0 + 1]; ez = ecefRing[e1 + 2] - ecefRing[e0 + 2];
        nx0 = ecefRing[s1] - ecefRing[s0]; ny0 = ecefRing[s1 + 1] - ecefRing[s0 + 1]; nz0 = ecefRing[s1 + 2] - ecefRing[s0 + 2];
      } else {
        // A refined grid: central differences at the base grid's spacing, in base-grid indices, so a vertex shared
        // with a neighbour on the base grid gets the very same normal.
        const kf = n / base;
        const bi = x * base + i / kf - 1, bj = y * base + j / kf - 1;
        const w = ecefAt(bi - 1, bj), e = ecefAt(bi + 1, bj), so = ecefAt(bi, bj - 1), no = ecefAt(bi, bj + 1);
        ex = e[0] - w[0]; ey = e[1] - w[1]; ez = e[2] - w[2];
        nx0 = no[0] - so[0]; ny0 = no[1] - so[1]; nz0 = no[2] - so[2];
      }
      let cx = ey * nz0 - ez * ny0, cy = ez * nx0 - ex * nz0, cz = ex * ny0 - ey * nx0;
      let len = Math.hypot(cx, cy, cz);
      if (!(len > 0)) {
        // Degenerate (poles): the ellipsoid normal.
        cx = cosLat[j + 1] * cosLon[i + 1];
        cy = cosLat[j + 1] * sinLon[i + 1];
        cz = sinLat[j + 1];
        len = Math.hypot(cx, cy, cz);
      }
      const [ox, oy] = octEncode(cx / len, cy / len, cz / len);
      normals[2 * k] = ox;
      normals[2 * k + 1] = oy;
    }
  }
  const byU = (a: number, b: number) => u[a] - u[b];
  const byV = (a: number, b: number) => v[a] - v[b];
  west.sort(byV);
  east.sort(byV);
  south.sort(byU);
  north.sort(byU);
  const sphere = boundingSphere(vertexEcef);
  const mesh: QuantizedMesh = {
    header: {
      center: sphere.center,
      minimumHeight: fMin,
      maximumHeight: fMax,
      boundingSphereCenter: sphere.center,
      boundingSphereRadius: sphere.radius,
      horizonOcclusionPoint: horizonOcclusionPoint(vertexEcef, sphere.center),
    },
    u,
    v,
    height: hq,
    indices,
    westIndices: Uint32Array.from(west),
    southIndices: Uint32Array.from(south),
    eastIndices: Uint32Array.from(east),
    northIndices: Uint32Array.from(north),
    octNormals: normals,
  };
  return { tile: { mesh, error: kept, gridSize: n }, retry: false };
}

/**
 * Many more check points than samples (a coarse level over a fine source): per sample cell, keep the two points
 * that lie farthest above and below the cell's bilinear interpolation of its corner samples. Any triangle plane
 * over the cell deviates most at those points up to the (small, at these levels) variation of the bilinear surface
 * against the plane within one cell.
 */
function extremesPerCell(grid: Float64Array, hs: Float64Array, sh: Float64Array, n: number): [Float64Array, Float64Array] {
  const n1 = n + 1;
  const hiIdx = new Int32Array(n * n).fill(-1), loIdx = new Int32Array(n * n).fill(-1);
  const hiVal = new Float64Array(n * n).fill(-Infinity), loVal = new Float64Array(n * n).fill(Infinity);
  for (let p = 0; p < hs.length; p++) {
    const gi = grid[2 * p], gj = grid[2 * p + 1];
    if (!(gi >= 0 && gi <= n && gj >= 0 && gj <= n)) continue;
    const i = Math.min(n - 1, Math.floor(gi)), j = Math.min(n - 1, Math.floor(gj));
    const tx = gi - i, ty = gj - j;
    const b = (sh[j * n1 + i] * (1 - tx) + sh[j * n1 + i + 1] * tx) * (1 - ty) + (sh[(j + 1) * n1 + i] * (1 - tx) + sh[(j + 1) * n1 + i + 1] * tx) * ty;
    const r = hs[p] - b, c = j * n + i;
    if (r > hiVal[c]) {
      hiVal[c] = r;
      hiIdx[c] = p;
    }
    if (r < loVal[c]) {
      loVal[c] = r;
      loIdx[c] = p;
    }
  }
  const keep: number[] = [];
  for (let c = 0; c < n * n; c++) {
    if (hiIdx[c] >= 0) keep.push(hiIdx[c]);
    if (loIdx[c] >= 0 && loIdx[c] !== hiIdx[c]) keep.push(loIdx[c]);
  }
  const g = new Float64Array(keep.length * 2), h = new Float64Array(keep.length);
  keep.forEach((p, k) => {
    g[2 * k] = grid[2 * p];
    g[2 * k + 1] = grid[2 * p + 1];
    h[k] = hs[p];
  });
  return [g, h];
}

/** Error bound of an emitted triangle: the midpoint error of its hypotenuse (0 for the finest triangles). */
function keptError(errors: Float64Array, tri: Uint32Array, t: number, n1: number): number {
  // The hypotenuse is the longest side.
  let best = 0, bi = 0, bj = 0;
  for (let s = 0; s < 3; s++) {
    const a = tri[t + s], b = tri[t + ((s + 1) % 3)];
    const ai = a % n1, aj = (a - ai) / n1, bI = b % n1, bJ = (b - bI) / n1;
    const d = (ai - bI) ** 2 + (aj - bJ) ** 2;
    if (d > best) {
      best = d;
      bi = ai + bI;
      bj = aj + bJ;
    }
  }
  if (bi % 2 !== 0 || bj % 2 !== 0) return 0;
  return errors[(bj / 2) * n1 + bi / 2];
}
