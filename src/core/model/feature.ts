import type { CoordinateTransform } from '../geo/projection.js';

/** An attribute value kept per feature and written to the 3D Tiles property table. */
export type AttributeValue = string | number | boolean | null;

/** The semantic kind of a surface, used for default colouring (CityGML/CityJSON semantic surfaces). */
export type SurfaceSemantic =
  | 'roof'
  | 'wall'
  | 'ground'
  | 'floor'
  | 'ceiling'
  | 'window'
  | 'door'
  | 'closure'
  | 'road'
  | 'water'
  | 'vegetation'
  | 'terrain'
  | 'pipe'
  | 'generic';

/**
 * A triangle mesh in a model's CRS. `positions` is flat x,y,z (z = height above the ellipsoid after the model's
 * CoordinateTransform), `indices` are counter-clockwise triangles seen from outside. Parts of one feature LoD may
 * share one `positions` array (the CityJSON reader gives an object's untextured parts one array with each vertex
 * once, so the tiler converts each once): a part's vertices are the ones its `indices` use. A part with `uvs` has its
 * own array.
 */
export interface MeshPart {
  semantic: SurfaceSemantic;
  positions: number[];
  indices: number[];
  /** Optional RGBA 0..1 overriding the semantic's default colour. */
  color?: [number, number, number, number];
  /** Optional texture coordinates, flat u,v per vertex (v down, glTF convention). Needs `texture`. */
  uvs?: number[];
  /** Key into FeatureCollectionModel.textures. */
  texture?: string;
}

/** An image used as a texture. */
export interface TextureImage {
  mimeType: 'image/png' | 'image/jpeg';
  data: Uint8Array;
}

/** One level of detail of a feature: a name ("1", "2", "2.2", "bim") and its meshes. */
export interface FeatureLod {
  lod: string;
  parts: MeshPart[];
}

/**
 * A city object with geometry at one or more LoDs and a flat attribute record. The same shape serves buildings,
 * BIM elements, pipes, roads and water so the one tiler writes them all.
 */
export interface CityFeature {
  /** Stable unique id (kept from the source: CityJSON key, gml:id, IFC GlobalId, pipe id...). */
  id: string;
  /** Domain type: "Building", "BuildingPart", "Road", "IfcWall", "WaterPipe"... */
  type: string;
  /** Attributes, flat. The tiler writes every key as a property-table column. */
  attributes: Record<string, AttributeValue>;
  /** Levels of detail, coarse → fine. May be empty for attribute-only objects. */
  lods: FeatureLod[];
  /** Optional grouping key the tiler can tile by (e.g. the storey of a BIM element). */
  group?: string;
}

/** A set of features sharing one CRS: what the tiler turns into one tileset. */
export interface FeatureCollectionModel {
  /** Human readable name. */
  name: string;
  /** How the features' coordinates reach the globe. */
  crs: CoordinateTransform;
  features: CityFeature[];
  /** Images referenced by MeshPart.texture. */
  textures?: Record<string, TextureImage>;
  /** Warnings gathered while building the model (skipped objects, missing textures...). */
  warnings?: string[];
}
