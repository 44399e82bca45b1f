import { WGS84_A, WGS84_E2, toDegrees, toRadians } from './ellipsoid.js';

/**
 * Converts coordinates of a model's own CRS to geodetic (lon°, lat°, ellipsoidal height m) and back.
 * Every core model carries one, so the tiler can place any vertex exactly on the globe.
 */
export interface CoordinateTransform {
  /** Short description, e.g. "EPSG:28992" or "local:113.32,23.12". */
  readonly name: string;
  /** Model coordinates → [lon°, lat°, height m above the WGS84 ellipsoid]. */
  toGeodetic(x: number, y: number, z: number): [number, number, number];
  /** [lon°, lat°, height m] → model coordinates. */
  fromGeodetic(lon: number, lat: number, h: number): [number, number, number];
}

/**
 * A local metric projection around an origin: x metres east, y metres north, z = height above the ellipsoid.
 * It is the azimuthal equidistant-like tangent projection using the ellipsoid's meridian and prime-vertical radii
 * at the origin; over a few kilometres its scale error is below 1e-6, far under any model's accuracy.
 * The demo city and the flood grids of the demo are defined in it.
 */
export class LocalTangentProjection implements CoordinateTransform {
  /** Origin longitude in degrees. */
  readonly lon0: number;
  /** Origin latitude in degrees. */
  readonly lat0: number;
  /** Metres per radian of latitude at the origin (meridian radius of curvature). */
  private readonly m: number;
  /** Metres per radian of longitude at the origin (prime vertical radius × cos lat). */
  private readonly n: number;

  constructor(lon0: number, lat0: number) {
    this.lon0 = lon0;
    this.lat0 = lat0;
    const s = Math.sin(toRadians(lat0));
    const w = Math.sqrt(1 - WGS84_E2 * s * s);
    this.m = (WGS84_A * (1 - WGS84_E2)) / (w * w * w);
    this.n = (WGS84_A / w) * Math.cos(toRadians(lat0));
  }

  get name(): string {
    return `local:${this.lon0},${this.lat0}`;
  }

  toGeodetic(x: number, y: number, z: number): [number, number, number] {
    return [this.lon0 + toDegrees(x / this.n), this.lat0 + toDegrees(y / this.m), z];
  }

  fromGeodetic(lon: number, lat: number, h: number): [number, number, number] {
    return [toRadians(lon - this.lon0) * this.n, toRadians(lat - this.lat0) * this.m, h];
  }
}
