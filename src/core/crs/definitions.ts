/**
 * Built-in registry of coordinate reference systems the importers understand without network access.
 *
 * Every proj4 string below was written from the EPSG parameters of the CRS (projection method, origin, scale,
 * false easting/northing, ellipsoid and the EPSG "towgs84" 7-parameter transformation where the datum differs from
 * WGS84). Heights are never pushed through proj4: a source's vertical datum is orthometric (NAP, LN02/LHN95, TP...)
 * and is lifted to the WGS84 ellipsoid by a constant geoid undulation per vertical datum (see {@link VerticalDatum}).
 */

/** A vertical datum and the default approximate geoid undulation used to reach ellipsoidal heights. */
export interface VerticalDatum {
  /** EPSG code of the vertical CRS, e.g. "EPSG:5709". */
  code: string;
  /** Human readable name, e.g. "NAP height". */
  name: string;
  /**
   * Default approximate geoid undulation N in metres: ellipsoidal height h ≈ orthometric height H + N.
   * Used unless the user gives `--height-offset`. Accurate to about a metre over the stated region.
   */
  geoidUndulation: number;
  /** Where the default holds, and how good it is. */
  note: string;
}

/** One horizontal CRS definition of the registry. */
export interface CrsDefinition {
  /** "EPSG:28992" */
  code: string;
  /** EPSG name. */
  name: string;
  /** proj4 definition string. */
  proj4: string;
  /** True for geographic (degree) CRSs. */
  geographic: boolean;
  /** True when the EPSG axis order is latitude first (EPSG:4326, 4490, 6668, 6697...). */
  latLonAxisOrder: boolean;
  /**
   * The vertical datum heights in this CRS usually refer to when a file gives only this (2D) CRS, e.g. NAP for RD
   * New. Undefined: heights are taken as ellipsoidal (offset 0) with a warning.
   */
  impliedVertical?: string;
}

/** A compound CRS (horizontal + vertical) with its own EPSG code. */
export interface CompoundDefinition {
  code: string;
  name: string;
  horizontal: string;
  vertical: string;
}

/** Vertical datums known to the registry, by EPSG code. */
export const VERTICAL_DATUMS: Record<string, VerticalDatum> = {
  'EPSG:5709': {
    code: 'EPSG:5709',
    name: 'NAP height',
    geoidUndulation: 43,
    note: 'Netherlands: NLGEO2018 undulation is 41–44 m over the country (≈43 m around Delft/Den Haag/Rotterdam)',
  },
  'EPSG:5728': {
    code: 'EPSG:5728',
    name: 'LN02 height',
    geoidUndulation: 48,
    note: 'Switzerland: CHGeo2004 undulation ≈47–50 m on the Plateau (≈48 m around Zurich)',
  },
  'EPSG:5729': {
    code: 'EPSG:5729',
    name: 'LHN95 height',
    geoidUndulation: 48,
    note: 'Switzerland: CHGeo2004 undulation ≈47–50 m on the Plateau (≈48 m around Zurich)',
  },
  'EPSG:6695': {
    code: 'EPSG:6695',
    name: 'JGD2011 (vertical) height (Tokyo Peil, TP)',
    geoidUndulation: 37,
    note: 'Japan: GSIGEO2011 undulation ≈36–40 m around Tokyo/Yokosuka/Chiba; 30–45 m nationwide',
  },
  'EPSG:5737': {
    code: 'EPSG:5737',
    name: 'Yellow Sea 1985 height',
    geoidUndulation: 0,
    note: 'China: the CGCS2000 geoid undulation varies from about −10 m to +10 m across the east (e.g. ≈ +10 m Shanghai, ≈ −5 m Guangzhou); no safe default, pass --height-offset',
  },
  'EPSG:5703': {
    code: 'EPSG:5703',
    name: 'NAVD88 height',
    geoidUndulation: -33,
    note: 'USA: GEOID18 undulation ≈ −30 to −35 m in the east; −20 m in the west',
  },
  'EPSG:3855': {
    code: 'EPSG:3855',
    name: 'EGM2008 height',
    geoidUndulation: 0,
    note: 'global geoid: undulation between −106 m and +85 m depending on location; pass --height-offset',
  },
};

const BESSEL_RD_TOWGS84 = '565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725';

const FIXED: CrsDefinition[] = [
  {
    code: 'EPSG:4326',
    name: 'WGS 84',
    proj4: '+proj=longlat +datum=WGS84 +no_defs',
    geographic: true,
    latLonAxisOrder: true,
  },
  {
    code: 'EPSG:4979',
    name: 'WGS 84 (3D)',
    proj4: '+proj=longlat +datum=WGS84 +no_defs',
    geographic: true,
    latLonAxisOrder: true,
  },
  {
    code: 'EPSG:28992',
    name: 'Amersfoort / RD New',
    proj4: `+proj=sterea +lat_0=52.1561605555556 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 +y_0=463000 +ellps=bessel +towgs84=${BESSEL_RD_TOWGS84} +units=m +no_defs`,
    geographic: false,
    latLonAxisOrder: false,
    impliedVertical: 'EPSG:5709',
  },
  {
    code: 'EPSG:2056',
    name: 'CH1903+ / LV95',
    proj4: '+proj=somerc +lat_0=46.9524055555556 +lon_0=7.43958333333333 +k_0=1 +x_0=2600000 +y_0=1200000 +ellps=bessel +towgs84=674.374,15.056,405.346,0,0,0,0 +units=m +no_defs',
    geographic: false,
    latLonAxisOrder: false,
    impliedVertical: 'EPSG:5728',
  },
  {
    code: 'EPSG:6668',
    name: 'JGD2011',
    proj4: '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs',
    geographic: true,
    latLonAxisOrder: true,
    impliedVertical: 'EPSG:6695',
  },
  {
    code: 'EPSG:4490',
    name: 'China Geodetic Coordinate System 2000 (CGCS2000)',
    proj4: '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs',
    geographic: true,
    latLonAxisOrder: true,
    impliedVertical: 'EPSG:5737',
  },
  {
    code: 'EPSG:3857',
    name: 'WGS 84 / Pseudo-Mercator',
    proj4: '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs',
    geographic: false,
    latLonAxisOrder: false,
  },
];

/** Compound CRSs with their own EPSG code. */
export const COMPOUND_CRS: Record<string, CompoundDefinition> = {
  'EPSG:7415': { code: 'EPSG:7415', name: 'Amersfoort / RD New + NAP height', horizontal: 'EPSG:28992', vertical: 'EPSG:5709' },
  'EPSG:6697': { code: 'EPSG:6697', name: 'JGD2011 + JGD2011 (vertical) height', horizontal: 'EPSG:6668', vertical: 'EPSG:6695' },
  'EPSG:9518': { code: 'EPSG:9518', name: 'WGS 84 + EGM2008 height', horizontal: 'EPSG:4326', vertical: 'EPSG:3855' },
};

/**
 * Looks up a horizontal CRS definition by "EPSG:n". Generated families: UTM north 32601–32660 and south 32701–32760
 * (WGS 84), CGCS2000 3-degree Gauss-Krüger zones 4513–4533 (zone-prefixed easting) and CM 75°E–135°E 4534–4554,
 * CGCS2000 6-degree GK zones 4491–4501 and CM 4502–4512. Projected CGCS2000 coordinates are read easting first.
 */
export function findCrsDefinition(code: string): CrsDefinition | undefined {
  const fixed = FIXED.find((d) => d.code === code);
  if (fixed) return fixed;
  const m = /^EPSG:(\d+)$/.exec(code);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n >= 32601 && n <= 32660) return utm(n - 32600, false, code);
  if (n >= 32701 && n <= 32760) return utm(n - 32700, true, code);
  const cgcs = '+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs';
  if (n >= 4513 && n <= 4533) {
    const zone = n - 4513 + 25;
    return gk(code, `CGCS2000 / 3-degree Gauss-Kruger zone ${zone}`, zone * 3, zone * 1e6 + 500000, cgcs);
  }
  if (n >= 4534 && n <= 4554) {
    const cm = 75 + (n - 4534) * 3;
    return gk(code, `CGCS2000 / 3-degree Gauss-Kruger CM ${cm}E`, cm, 500000, cgcs);
  }
  if (n >= 4491 && n <= 4501) {
    const zone = n - 4491 + 13;
    return gk(code, `CGCS2000 / Gauss-Kruger zone ${zone}`, zone * 6 - 3, zone * 1e6 + 500000, cgcs);
  }
  if (n >= 4502 && n <= 4512) {
    const cm = 75 + (n - 4502) * 6;
    return gk(code, `CGCS2000 / Gauss-Kruger CM ${cm}E`, cm, 500000, cgcs);
  }
  return undefined;
}

function utm(zone: number, south: boolean, code: string): CrsDefinition {
  return {
    code,
    name: `WGS 84 / UTM zone ${zone}${south ? 'S' : 'N'}`,
    proj4: `+proj=utm +zone=${zone}${south ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`,
    geographic: false,
    latLonAxisOrder: false,
  };
}

function gk(code: string, name: string, lon0: number, x0: number, tail: string): CrsDefinition {
  return {
    code,
    name,
    proj4: `+proj=tmerc +lat_0=0 +lon_0=${lon0} +k=1 +x_0=${x0} +y_0=0 ${tail}`,
    geographic: false,
    latLonAxisOrder: false,
    impliedVertical: 'EPSG:5737',
  };
}
