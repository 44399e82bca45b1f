import type { Grid } from '../grid/grid.js';
import type { LocalTangentProjection } from '../geo/projection.js';
import type { FeatureCollectionModel } from '../model/feature.js';
import type { PipeNetwork } from '../model/network.js';
import type { SiteKind, StoreySpec, I18nText } from '../scene/catalog.js';

/** Land-cover kinds painted into the demo's ground imagery. */
export type PlanKind = 'road' | 'water' | 'park' | 'plot' | 'plaza' | 'sports' | 'bare' | 'embankment';

/** A land-cover polygon of the district plan (local metres). */
export interface PlanPolygon {
  kind: PlanKind;
  /** Outer ring, counter-clockwise, not closed (first ≠ last). */
  ring: [number, number][];
  /** Optional holes. */
  holes?: [number, number][][];
  /** e.g. use of the plot (住宅/商业...) so imagery can tint it; road class; name. */
  attributes: Record<string, string | number>;
}

/** A road centreline (local metres) with its name and width. */
export interface RoadLine {
  id: string;
  name: I18nText;
  /** Carriageway width (m). */
  width: number;
  /** "arterial" | "secondary" | "local" */
  roadClass: string;
  points: [number, number][];
}

/** A live-data site of the demo (positions in local metres, z ellipsoidal). */
export interface DemoSite {
  id: string;
  kind: SiteKind;
  name: I18nText;
  x: number;
  y: number;
  z: number;
  properties: Record<string, string | number | boolean | null>;
}

/**
 * The generated demo district (near 113.32 E, 23.12 N, beside the Pearl River, Guangzhou).
 * Everything is in `crs` (local tangent metres, heights above the WGS84 ellipsoid).
 */
export interface DemoCity {
  seed: number;
  crs: LocalTangentProjection;
  /** Terrain DEM (bare earth) in local metres; heights ellipsoidal. */
  dem: Grid;
  /** Buildings (type "Building"), LoDs "1" and "2"; attributes id,name,use,height,floors,yearBuilt,residents,address,baseHeight. */
  buildings: FeatureCollectionModel;
  /** Id (in `buildings`) of the tower that also exists as BIM. */
  bimBuildingId: string;
  /** BIM elements of the tower (type = IFC class, group = storey id); attributes ifcClass,name,globalId,storey + property sets flattened "Pset.Prop". */
  bim: FeatureCollectionModel;
  /** Storeys of the BIM tower, bottom → top. */
  storeys: StoreySpec[];
  /** Underground networks with topology. */
  networks: PipeNetwork[];
  /** Pipe/node meshes of all networks (type "WaterPipe", "DrainagePipe", "GasPipe", "Manhole", "Valve"...). */
  pipes: FeatureCollectionModel;
  /** Land-cover plan for the ground imagery. */
  plan: PlanPolygon[];
  /** Road centrelines. */
  roads: RoadLine[];
  /** Sensor, camera and drone-port sites. */
  sites: DemoSite[];
}
