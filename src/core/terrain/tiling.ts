/**
 * Cesium's geographic tiling scheme (EPSG:4326, level 0 = 2 × 1 tiles) and the per-level geometric error
 * CesiumTerrainProvider assumes, plus bounding volumes of terrain tiles.
 */
import { WGS84_A, WGS84_B } from '../geo/ellipsoid.js';

/** [west, south, east, north] in degrees. */
export type Rectangle = [number, number, number, number];

/**
 * Geometric error CesiumTerrainProvider assigns to level 0 of the geographic scheme:
 * a · 2π · 0.25 / (65 · 2) ≈ 77,067 m (TerrainProvider.getEstimatedLevelZeroGeometricErrorForAHeightmap).
 */
export const LEVEL_ZERO_GEOMETRIC_ERROR = (WGS84_A * 2 * Math.PI * 0.25) / (65 * 2);

/** Maximum geometric error (m) Cesium allows a terrain tile of `level` to have. */
export const levelGeometricError = (level: number): number => LEVEL_ZERO_GEOMETRIC_ERROR / 2 ** level;

/** Number of tile columns at a level (2^(level+1)). */
export const tilesX = (level: number): number => 2 ** (level + 1);
/** Number of tile rows at a level (2^level). */
export const tilesY = (level: number): number => 2 ** level;

/** Rectangle (degrees) of tile (x, y) at `level`, y counted from the south (TMS). */
export function tileRectangleTms(level: number, x: number, y: number): Rectangle {
  const size = 180 / 2 ** level;
  return [-180 + x * size, -90 + y * size, -180 + (x + 1) * size, -90 + (y + 1) * size];
}

/** Rectangle (degrees) of tile (x, y) at `level`, y counted from the north (XYZ). */
export function tileRectangleXyz(level: number, x: number, y: number): Rectangle {
  return tileRectangleTms(level, x, tilesY(level) - 1 - y);
}

/** Inclusive range of tiles. */
export interface TileRange {
  /** Level of the tiles. */
  level: number;
  /** First column. */
  startX: number;
  /** First row (TMS: from the south; XYZ: from the north). */
  startY: number;
  /** Last column (inclusive). */
  endX: number;
  /** Last row (inclusive). */
  endY: number;
}

/**
 * TMS tile range (y from the south) of the tiles whose interior intersects `rect` at `level`; null when none.
 * Tiles that only touch the rectangle's edge are left out.
 */
export function tileRangeTms(rect: Rectangle, level: number): TileRange | null {
  const size = 180 / 2 ** level;
  const eps = 1e-12;
  const w = Math.max(-180, rect[0]), s = Math.max(-90, rect[1]), e = Math.min(180, rect[2]), n = Math.min(90, rect[3]);
  if (!(e > w && n > s)) return null;
  const startX = Math.max(0, Math.floor((w + 180) / size + eps));
  const endX = Math.min(tilesX(level) - 1, Math.ceil((e + 180) / size - eps) - 1);
  const startY = Math.max(0, Math.floor((s + 90) / size + eps));
  const endY = Math.min(tilesY(level) - 1, Math.ceil((n + 90) / size - eps) - 1);
  if (endX < startX || endY < startY) return null;
  return { level, startX, startY, endX, endY };
}

/** Same as {@link tileRangeTms} with y counted from the north (XYZ). */
export function tileRangeXyz(rect: Rectangle, level: number): TileRange | null {
  const r = tileRangeTms(rect, level);
  if (!r) return null;
  const ny = tilesY(level);
  return { level, startX: r.startX, endX: r.endX, startY: ny - 1 - r.endY, endY: ny - 1 - r.startY };
}

/** The smallest sphere-ish bound of points (flat xyz array): the smaller of the AABB-centred and Ritter spheres. */
export function boundingSphere(points: ArrayLike<number>): { center: [number, number, number]; radius: number } {
  const count = points.length / 3;
  if (count === 0) return { center: [0, 0, 0], radius: 0 };
  let minX = Infinity, minY = Infinity, minZ = Infinity, maxX = -Infinity, maxY = -Infinity, maxZ = -Infinity;
  for (let i = 0; i < points.length; i += 3) {
    minX = Math.min(minX, points[i]);
    maxX = Math.max(maxX, points[i]);
    minY = Math.min(minY, points[i + 1]);
    maxY = Math.max(maxY, points[i + 1]);
    minZ = Math.min(minZ, points[i + 2]);
    maxZ = Math.max(maxZ, points[i + 2]);
  }
  const naive: [number, number, number] = [(minX + maxX) / 2, (minY + maxY) / 2, (minZ + maxZ) / 2];
  const radiusAbout = (c: readonly number[]) => {
    let r2 = 0;
    for (let i = 0; i < points.length; i += 3) {
      const dx = points[i] - c[0], dy = points[i + 1] - c[1], dz = points[i + 2] - c[2];
      r2 = Math.max(r2, dx * dx + dy * dy + dz * dz);
    }
    return Math.sqrt(r2);
  };
  const naiveR = radiusAbout(naive);
  // Ritter: start from the farthest pair found by two sweeps, then grow.
  const far = (from: readonly number[]) => {
    let best = 0, bd = -1;
    for (let i = 0; i < points.length; i += 3) {
      const d = (points[i] - from[0]) ** 2 + (points[i + 1] - from[1]) ** 2 + (points[i + 2] - from[2]) ** 2;
      if (d > bd) {
        bd = d;
        best = i;
      }
    }
    return [points[best], points[best + 1], points[best + 2]];
  };
  const p1 = far([points[0], points[1], points[2]]);
  const p2 = far(p1);
  const c: [number, number, number] = [(p1[0] + p2[0]) / 2, (p1[1] + p2[1]) / 2, (p1[2] + p2[2]) / 2];
  let r = Math.hypot(p2[0] - p1[0], p2[1] - p1[1], p2[2] - p1[2]) / 2;
  for (let i = 0; i < points.length; i += 3) {
    const dx = points[i] - c[0], dy = points[i + 1] - c[1], dz = points[i + 2] - c[2];
    const d = Math.hypot(dx, dy, dz);
    if (d > r) {
      const nr = (r + d) / 2;
      const k = (nr - r) / d;
      c[0] += dx * k;
      c[1] += dy * k;
      c[2] += dz * k;
      r = nr;
    }
  }
  // Guard against rounding: the final radius is measured, not accumulated.
  r = radiusAbout(c);
  return naiveR <= r ? { center: naive, radius: naiveR } : { center: c, radius: r };
}

/**
 * Horizon occlusion point of ECEF points (flat xyz array) along `direction`, in ellipsoid-scaled space, computed as
 * CesiumJS's EllipsoidalOccluder.computeHorizonCullingPoint does. If the point is occluded by the ellipsoid,
 * every point is. Returns [NaN, NaN, NaN] where no such point exists (e.g. hemisphere-wide tiles): Cesium then
 * never culls the tile by the horizon, which is the safe choice.
 */
export function horizonOcclusionPoint(points: ArrayLike<number>, direction: readonly number[]): [number, number, number] {
  const ra = WGS84_A, rb = WGS84_B;
  let dx = direction[0] / ra, dy = direction[1] / ra, dz = direction[2] / rb;
  const dl = Math.hypot(dx, dy, dz);
  const none: [number, number, number] = [NaN, NaN, NaN];
  if (!(dl > 0)) return none;
  dx /= dl;
  dy /= dl;
  dz /= dl;
  let best = 0;
  for (let i = 0; i < points.length; i += 3) {
    const sx = points[i] / ra, sy = points[i + 1] / ra, sz = points[i + 2] / rb;
    let m2 = sx * sx + sy * sy + sz * sz;
    let m = Math.sqrt(m2);
    const ux = sx / m, uy = sy / m, uz = sz / m;
    m2 = Math.max(1, m2);
    m = Math.max(1, m);
    const cosA = ux * dx + uy * dy + uz * dz;
    const cx = uy * dz - uz * dy, cy = uz * dx - ux * dz, cz = ux * dy - uy * dx;
    const sinA = Math.hypot(cx, cy, cz);
    const cosB = 1 / m;
    const sinB = Math.sqrt(m2 - 1) * cosB;
    const mag = 1 / (cosA * cosB - sinA * sinB);
    if (!(mag >= 0) || !Number.isFinite(mag)) return none;
    best = Math.max(best, mag);
  }
  if (!(best > 0)) return none;
  return [dx * best, dy * best, dz * best];
}
