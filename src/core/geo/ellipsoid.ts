/**
 * WGS84 ellipsoid math: geodetic ⇄ ECEF and local east-north-up frames.
 * Pure TypeScript, no Cesium, so it runs in Node, workers and tests alike.
 */

/** WGS84 semi-major axis in metres. */
export const WGS84_A = 6378137.0;
/** WGS84 flattening. */
export const WGS84_F = 1 / 298.257223563;
/** WGS84 semi-minor axis in metres. */
export const WGS84_B = WGS84_A * (1 - WGS84_F);
/** WGS84 first eccentricity squared. */
export const WGS84_E2 = WGS84_F * (2 - WGS84_F);

/** Degrees → radians. */
export const toRadians = (deg: number): number => (deg * Math.PI) / 180;
/** Radians → degrees. */
export const toDegrees = (rad: number): number => (rad * 180) / Math.PI;

/** A geodetic position: longitude and latitude in degrees, height above the ellipsoid in metres. */
export interface Geodetic {
  lon: number;
  lat: number;
  height: number;
}

/** Earth-centred, earth-fixed coordinates (metres) of a geodetic position. */
export function geodeticToEcef(lonDeg: number, latDeg: number, h: number): [number, number, number] {
  const lon = toRadians(lonDeg);
  const lat = toRadians(latDeg);
  const sinLat = Math.sin(lat);
  const cosLat = Math.cos(lat);
  const n = WGS84_A / Math.sqrt(1 - WGS84_E2 * sinLat * sinLat);
  return [
    (n + h) * cosLat * Math.cos(lon),
    (n + h) * cosLat * Math.sin(lon),
    (n * (1 - WGS84_E2) + h) * sinLat,
  ];
}

/** Geodetic position of an ECEF point (Bowring's method with two refinements; sub-millimetre at city heights). */
export function ecefToGeodetic(x: number, y: number, z: number): Geodetic {
  const lon = Math.atan2(y, x);
  const p = Math.hypot(x, y);
  let lat = Math.atan2(z, p * (1 - WGS84_E2));
  let h = 0;
  for (let i = 0; i < 5; i++) {
    const sinLat = Math.sin(lat);
    const n = WGS84_A / Math.sqrt(1 - WGS84_E2 * sinLat * sinLat);
    h = p / Math.cos(lat) - n;
    lat = Math.atan2(z, p * (1 - (WGS84_E2 * n) / (n + h)));
  }
  return { lon: toDegrees(lon), lat: toDegrees(lat), height: h };
}

/**
 * Column-major 4×4 matrix (the layout 3D Tiles `transform` and glTF use) taking local east-north-up
 * coordinates at a geodetic origin to ECEF.
 */
export function enuToEcefMatrix(lonDeg: number, latDeg: number, h: number): number[] {
  const lon = toRadians(lonDeg);
  const lat = toRadians(latDeg);
  const [ox, oy, oz] = geodeticToEcef(lonDeg, latDeg, h);
  const sl = Math.sin(lon), cl = Math.cos(lon), sp = Math.sin(lat), cp = Math.cos(lat);
  const east = [-sl, cl, 0];
  const north = [-sp * cl, -sp * sl, cp];
  const up = [cp * cl, cp * sl, sp];
  return [...east, 0, ...north, 0, ...up, 0, ox, oy, oz, 1];
}

/** Inverse of a rigid (rotation + translation) column-major 4×4 matrix. */
export function invertRigid(m: readonly number[]): number[] {
  // R^T and -R^T t
  const r = [m[0], m[4], m[8], 0, m[1], m[5], m[9], 0, m[2], m[6], m[10], 0];
  const tx = m[12], ty = m[13], tz = m[14];
  return [
    r[0], r[1], r[2], 0,
    r[4], r[5], r[6], 0,
    r[8], r[9], r[10], 0,
    -(m[0] * tx + m[1] * ty + m[2] * tz),
    -(m[4] * tx + m[5] * ty + m[6] * tz),
    -(m[8] * tx + m[9] * ty + m[10] * tz),
    1,
  ];
}

/** Applies a column-major 4×4 matrix to a point. */
export function transformPoint(m: readonly number[], x: number, y: number, z: number): [number, number, number] {
  return [
    m[0] * x + m[4] * y + m[8] * z + m[12],
    m[1] * x + m[5] * y + m[9] * z + m[13],
    m[2] * x + m[6] * y + m[10] * z + m[14],
  ];
}
