import proj4 from 'proj4';
import type { CoordinateTransform } from '../geo/projection.js';
import { LocalTangentProjection } from '../geo/projection.js';
import { toRadians } from '../geo/ellipsoid.js';
import {
  COMPOUND_CRS,
  VERTICAL_DATUMS,
  findCrsDefinition,
  type CrsDefinition,
  type VerticalDatum,
} from './definitions.js';

/** Thrown for a CRS reference that cannot be parsed or is not in the built-in registry. */
export class CrsError extends Error {
  override name = 'CrsError';
}

/** A CRS reference split into its parts. */
export interface CrsReference {
  /** The text as given. */
  input: string;
  /** Horizontal CRS, "EPSG:n" (after resolving compound codes), or "OGC:CRS84". */
  horizontal: string;
  /** Vertical CRS "EPSG:n", when given explicitly or by a compound code. */
  vertical?: string;
  /** The compound code when the reference was one, e.g. "EPSG:7415". */
  compound?: string;
  /** OGC:CRS84 (WGS 84 with longitude first). */
  crs84?: boolean;
}

/**
 * Parses the CRS reference forms found in city models and on the command line:
 * "EPSG:7415", "epsg:7415", "7415", "EPSG:28992+5709", "urn:ogc:def:crs:EPSG::7415", "urn:ogc:def:crs:EPSG:6.18.3:28992",
 * "urn:x-ogc:def:crs:EPSG:28992",
 * "urn:ogc:def:crs,crs:EPSG::28992,crs:EPSG::5709", "http(s)://www.opengis.net/def/crs/EPSG/0/7415",
 * "OGC:CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84". Compound EPSG codes are split into horizontal + vertical.
 * Throws {@link CrsError} naming the input for anything else.
 */
export function parseCrsReference(input: string): CrsReference {
  const s = input.trim();
  if (/^(urn:ogc:def:crs:OGC:(1\.3)?:CRS84|OGC:CRS84|CRS84|https?:\/\/www\.opengis\.net\/def\/crs\/OGC\/1\.3\/CRS84)$/i.test(s)) {
    return { input, horizontal: 'EPSG:4326', crs84: true };
  }
  let codes: string[] | null = null;
  let m: RegExpExecArray | null;
  if ((m = /^(?:EPSG:{1,2})?(\d+)(?:\+(\d+))?$/i.exec(s))) codes = m[2] ? [m[1], m[2]] : [m[1]];
  else if ((m = /^urn:(?:x-)?ogc:def:crs:EPSG:(?:[\d.]*:)?(\d+)$/i.exec(s))) codes = [m[1]];
  else if (/^urn:ogc:def:crs,/i.test(s)) {
    codes = [...s.matchAll(/crs:EPSG:[\d.]*:(\d+)/gi)].map((x) => x[1]);
    if (codes.length === 0) codes = null;
  } else if ((m = /^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/[^/]+\/(\d+)\/?$/i.exec(s))) codes = [m[1]];
  else if ((m = /^https?:\/\/www\.opengis\.net\/def\/crs-compound\?(.*)$/i.exec(s))) {
    codes = [...m[1].matchAll(/crs\/EPSG\/[^/]+\/(\d+)/gi)].map((x) => x[1]);
    if (codes.length === 0) codes = null;
  }
  if (!codes) {
    throw new CrsError(
      `CRS "${input}": not a recognised reference; use EPSG:xxxx, urn:ogc:def:crs:EPSG::xxxx or https://www.opengis.net/def/crs/EPSG/0/xxxx`,
    );
  }
  const first = `EPSG:${codes[0]}`;
  const compound = COMPOUND_CRS[first];
  if (compound) {
    if (codes.length > 1) throw new CrsError(`CRS "${input}": ${first} is already compound (${compound.name})`);
    return { input, horizontal: compound.horizontal, vertical: compound.vertical, compound: first };
  }
  return { input, horizontal: first, vertical: codes[1] ? `EPSG:${codes[1]}` : undefined };
}

/** Codes the registry knows, for error messages and documentation. */
export const KNOWN_CRS_SUMMARY =
  'EPSG:4326, 4979, 28992, 7415 (RD New + NAP), 2056 (LV95), 6668, 6697 (JGD2011 + TP), 4490 (CGCS2000), 4491–4554 (CGCS2000 Gauss-Krüger), 32601–32660/32701–32760 (UTM), 3857, 9518, and "EPSG:h+v" with v in 5709, 5728, 5729, 6695, 5737, 5703, 3855';

/** A resolved CRS: definition, vertical datum and its source. */
export interface ResolvedCrs {
  reference: CrsReference;
  definition: CrsDefinition;
  /** The vertical datum heights are taken in, if any (explicit, compound or implied by the horizontal CRS). */
  vertical?: VerticalDatum;
  /** Whether the vertical datum was named by the reference (true) or assumed from the horizontal CRS (false). */
  verticalExplicit: boolean;
}

/** Resolves a reference against the built-in registry; throws {@link CrsError} naming the code when unknown. */
export function resolveCrs(input: string): ResolvedCrs {
  const reference = parseCrsReference(input);
  const definition = findCrsDefinition(reference.horizontal);
  if (!definition) {
    throw new CrsError(`CRS "${input}": ${reference.horizontal} is not in the built-in registry (known: ${KNOWN_CRS_SUMMARY})`);
  }
  let vertical: VerticalDatum | undefined;
  let verticalExplicit = false;
  if (reference.vertical) {
    vertical = VERTICAL_DATUMS[reference.vertical];
    if (!vertical) throw new CrsError(`CRS "${input}": vertical CRS ${reference.vertical} is not in the built-in registry (known: ${Object.keys(VERTICAL_DATUMS).join(', ')})`);
    verticalExplicit = true;
  } else if (definition.impliedVertical) {
    vertical = VERTICAL_DATUMS[definition.impliedVertical];
  }
  return { reference, definition, vertical, verticalExplicit };
}

/** Options of {@link createCrsTransform}. */
export interface CrsTransformOptions {
  /**
   * Metres added to every source height to reach the WGS84 ellipsoid (overrides the vertical datum's default geoid
   * undulation). `--height-offset` on the command line.
   */
  heightOffset?: number;
  /**
   * How coordinates of latitude-first geographic CRSs (EPSG:4326, 4490, 6668, 6697) are ordered in the data:
   * "east-north" (x = longitude, y = latitude: GeoJSON, CityJSON) — the default — or "authority" (the EPSG order,
   * x = latitude: GML/PLATEAU). Ignored for projected CRSs and OGC:CRS84.
   */
  axisOrder?: 'east-north' | 'authority';
}

/** A CoordinateTransform for a source CRS, with what was assumed about heights. */
export interface CrsTransform extends CoordinateTransform {
  /** The resolved CRS. */
  readonly resolved: ResolvedCrs;
  /** True for geographic (degree) source coordinates. */
  readonly geographic: boolean;
  /** Metres added to source heights to reach the ellipsoid. */
  readonly heightOffset: number;
  /** Where `heightOffset` came from: the user, the vertical datum's default undulation, or none (heights already ellipsoidal / unknown). */
  readonly heightOffsetSource: 'user' | 'geoid-default' | 'none';
  /** Whether x is latitude (authority order of a lat/lon CRS). */
  readonly latFirst: boolean;
  /** One line for summaries, e.g. "EPSG:7415 (Amersfoort / RD New + NAP height); heights NAP height + 43 m (default geoid undulation...)". */
  describe(): string;
  /** Warnings about assumptions (default geoid offsets, unknown vertical datum). */
  readonly warnings: string[];
}

const WGS84 = '+proj=longlat +datum=WGS84 +no_defs';

/**
 * Creates the transform from a source CRS to WGS84 geodetic coordinates. Horizontal coordinates go through proj4
 * (with the EPSG datum shift); heights are source height + offset, where offset is `options.heightOffset` if given,
 * else the default geoid undulation of the vertical datum (explicit, compound or implied by the horizontal CRS:
 * RD New → NAP +43 m, LV95 → LN02 +48 m, JGD2011 → TP +37 m), else 0 (heights taken as ellipsoidal).
 * Throws {@link CrsError} for unknown references.
 */
export function createCrsTransform(input: string, options: CrsTransformOptions = {}): CrsTransform {
  const resolved = resolveCrs(input);
  const def = resolved.definition;
  const converter = def.code === 'EPSG:4326' || def.code === 'EPSG:4979' ? null : proj4(def.proj4, WGS84);
  const latFirst = def.geographic && def.latLonAxisOrder && !resolved.reference.crs84 && options.axisOrder === 'authority';
  const warnings: string[] = [];
  let heightOffset = 0;
  let heightOffsetSource: CrsTransform['heightOffsetSource'] = 'none';
  const v = resolved.vertical;
  if (options.heightOffset !== undefined) {
    if (!Number.isFinite(options.heightOffset)) throw new CrsError(`height offset ${options.heightOffset} is not a finite number`);
    heightOffset = options.heightOffset;
    heightOffsetSource = 'user';
  } else if (v) {
    heightOffset = v.geoidUndulation;
    heightOffsetSource = 'geoid-default';
    warnings.push(
      `heights in ${v.name} (${v.code}${resolved.verticalExplicit ? '' : `, assumed for ${def.code}`}) lifted to the WGS84 ellipsoid by the default geoid undulation ${heightOffset >= 0 ? '+' : ''}${heightOffset} m (${v.note}); pass --height-offset to override`,
    );
  } else if (def.code !== 'EPSG:4979' && def.code !== 'EPSG:4326') {
    warnings.push(`no vertical datum known for ${def.code}: heights are taken as ellipsoidal (offset 0 m); pass --height-offset if they are orthometric`);
  }
  const name = resolved.reference.compound ?? (resolved.reference.vertical ? `${def.code}+${resolved.reference.vertical.slice(5)}` : def.code);
  const describe = () => {
    const crsName = resolved.reference.compound ? COMPOUND_CRS[resolved.reference.compound].name : def.name + (v && resolved.verticalExplicit ? ` + ${v.name}` : '');
    const h =
      heightOffsetSource === 'user'
        ? `heights + ${heightOffset} m (--height-offset)`
        : heightOffsetSource === 'geoid-default'
          ? `heights ${v!.name} + ${heightOffset} m (default geoid undulation)`
          : 'heights taken as ellipsoidal';
    return `${name} (${crsName}); ${h}`;
  };
  return {
    name,
    resolved,
    geographic: def.geographic,
    heightOffset,
    heightOffsetSource,
    latFirst,
    warnings,
    describe,
    toGeodetic(x: number, y: number, z: number): [number, number, number] {
      const e = latFirst ? y : x;
      const n = latFirst ? x : y;
      if (!converter) return [e, n, z + heightOffset];
      const p = converter.forward([e, n]);
      return [p[0], p[1], z + heightOffset];
    },
    fromGeodetic(lon: number, lat: number, h: number): [number, number, number] {
      const p = converter ? converter.inverse([lon, lat]) : [lon, lat];
      return latFirst ? [p[1], p[0], h - heightOffset] : [p[0], p[1], h - heightOffset];
    },
  };
}

/**
 * A local engineering frame placed on the globe (`--origin lon,lat,h --heading deg`): model x/y metres are rotated
 * by `headingDeg` (clockwise from north: the model's +y axis points to that azimuth) about the origin, then laid on
 * the local tangent plane at (lon, lat); z is metres above the origin height `h` (ellipsoidal).
 */
export class LocalOriginTransform implements CoordinateTransform {
  /** Origin longitude (°). */
  readonly lon: number;
  /** Origin latitude (°). */
  readonly lat: number;
  /** Origin ellipsoidal height (m). */
  readonly height: number;
  /** Heading of the model's +y axis (° clockwise from north). */
  readonly heading: number;
  private readonly ltp: LocalTangentProjection;
  private readonly c: number;
  private readonly s: number;

  constructor(lon: number, lat: number, height = 0, headingDeg = 0) {
    for (const [k, val] of Object.entries({ lon, lat, height, heading: headingDeg })) {
      if (!Number.isFinite(val)) throw new CrsError(`origin ${k} ${val} is not a finite number`);
    }
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) throw new CrsError(`origin ${lon},${lat} is outside longitude ±180 / latitude ±90`);
    this.lon = lon;
    this.lat = lat;
    this.height = height;
    this.heading = headingDeg;
    this.ltp = new LocalTangentProjection(lon, lat);
    this.c = Math.cos(toRadians(headingDeg));
    this.s = Math.sin(toRadians(headingDeg));
  }

  get name(): string {
    return `origin:${this.lon},${this.lat},${this.height}@${this.heading}`;
  }

  toGeodetic(x: number, y: number, z: number): [number, number, number] {
    const e = x * this.c + y * this.s;
    const n = -x * this.s + y * this.c;
    const [lon, lat] = this.ltp.toGeodetic(e, n, 0);
    return [lon, lat, z + this.height];
  }

  fromGeodetic(lon: number, lat: number, h: number): [number, number, number] {
    const [e, n] = this.ltp.fromGeodetic(lon, lat, 0);
    return [e * this.c - n * this.s, e * this.s + n * this.c, h - this.height];
  }
}

/**
 * The metric frame a model is built in. Projected sources keep their own coordinates (so heights stay exactly the
 * source's, and the CRS does the lifting); geographic sources (degrees) are converted to local tangent metres at
 * (lon0, lat0) with ellipsoidal heights, because meshes need metric coordinates.
 */
export interface ModelFrame {
  /** The CRS of the model's positions. */
  crs: CoordinateTransform;
  /** Source coordinates → model coordinates. */
  convert(x: number, y: number, z: number): [number, number, number];
  /** True when `convert` is the identity. */
  identity: boolean;
}

/** Chooses the model frame for a source transform; (x0, y0) is any source point near the data (used for geographic sources). */
export function modelFrameFor(src: CoordinateTransform & { geographic?: boolean }, x0: number, y0: number): ModelFrame {
  if (!src.geographic) return { crs: src, convert: (x, y, z) => [x, y, z], identity: true };
  const [lon0, lat0] = src.toGeodetic(x0, y0, 0);
  const ltp = new LocalTangentProjection(round(lon0, 6), round(lat0, 6));
  return {
    crs: ltp,
    identity: false,
    convert(x, y, z) {
      const [lon, lat, h] = src.toGeodetic(x, y, z);
      return ltp.fromGeodetic(lon, lat, h);
    },
  };
}

function round(v: number, d: number): number {
  const f = 10 ** d;
  return Math.round(v * f) / f;
}
