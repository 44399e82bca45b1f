import type { AttributeValue, SurfaceSemantic } from '../../model/feature.js';

/**
 * Raw CityGML content as read by the streaming parser, before any CRS conversion or triangulation.
 * Coordinates are flat arrays in the file's own axis order (e.g. lat, lon, h for EPSG:6697).
 */

/** A polygon surface of a city object at one LoD. */
export interface RawSurface {
  /** LoD digit of the geometry property it came from (lod2MultiSurface → 2). */
  lod: number;
  /** Semantic surface it belongs to (RoofSurface → roof), null when it is plain geometry. */
  semantic: SurfaceSemantic | null;
  /** gml:ids of the polygon and of its enclosing geometry / thematic surfaces (innermost first); appearance targets. */
  ids: string[];
  /** Rings, outer first, each flat coordinates (srsDimension values per point, closing point removed). */
  rings: Float64Array[];
  /** gml:id of each ring (texture coordinates are given per ring), undefined where absent. */
  ringIds: (string | undefined)[];
  /** Coordinate dimension of the rings (2 or 3). */
  dim: number;
}

/** A line (e.g. a pipe's centre line) of a city object. */
export interface RawLine {
  lod: number;
  /** Flat coordinates, `dim` values per point. */
  coords: number[];
  dim: number;
}

/** A point of a city object (e.g. a manhole's position). */
export interface RawPoint {
  lod: number;
  coords: number[];
  dim: number;
}

/** One city object (Building, BuildingPart, WaterBody, WaterPipe, ReliefFeature...). */
export interface RawCityObject {
  /** gml:id (a generated "<type>_<n>" when the file has none). */
  id: string;
  /** Local element name: "Building", "BuildingPart", "WaterPipe"... */
  type: string;
  /** Namespace prefix as written in the file ("bldg", "uro"; "" when default). */
  prefix: string;
  /** gml:id of the enclosing object (a BuildingPart's Building). */
  parentId?: string;
  /** Position of the object's start tag (1-based line, 1-based column). */
  line: number;
  column: number;
  /** Flattened attributes: gen:* by name, simple properties by local name, nested ADE data as "Class.prop". */
  attributes: Record<string, AttributeValue>;
  surfaces: RawSurface[];
  lines: RawLine[];
  points: RawPoint[];
  /** TIN triangles (TINRelief / TriangulatedSurface of a relief), flat 3 points × dim each. */
  triangles: number[];
  /** Dimension of `triangles` coordinates. */
  triangleDim: number;
}

/** A texture used by ParameterizedTexture appearances. */
export interface RawTexture {
  /** imageURI as written (relative to the GML file). */
  uri: string;
  /** Normalised mime type (image/jpeg or image/png), guessed from the extension when missing. */
  mimeType: string;
}

/** Texture coordinates of one ring. */
export interface RawTexCoords {
  /** Index into CityGmlDocument.textures. */
  texture: number;
  /** Flat s,t pairs (t up, CityGML convention), one pair per ring point, closing pair removed. */
  st: number[];
}

/** A colour from an X3DMaterial. */
export interface RawMaterial {
  /** RGBA 0..1 (alpha = 1 - transparency). */
  color: [number, number, number, number];
}

/** Everything read from one CityGML file. */
export interface CityGmlDocument {
  /** File name used in messages. */
  fileName: string;
  /** CityGML version from the root namespace ("1.0", "2.0", "3.0") or "unknown". */
  version: string;
  /** srsName of the CityModel envelope or of the first geometry carrying one. */
  srsName?: string;
  /** Default coordinate dimension (envelope srsDimension, else 3). */
  srsDimension: number;
  /** Envelope corners as written (file axis order), if present. */
  envelope?: { lower: number[]; upper: number[] };
  objects: RawCityObject[];
  textures: RawTexture[];
  /** ring gml:id → texture coordinates (first theme wins). */
  texCoords: Map<string, RawTexCoords>;
  /** surface/polygon gml:id → material (first theme wins). */
  materials: Map<string, RawMaterial>;
  /** Warnings with file:line:column. */
  warnings: string[];
}
