/**
 * The scene catalog (`scene.json`): what a scene directory holds and how the viewer shows it.
 * Written by the tiler (`twin demo`, `twin import --add-to`), read by the viewer. URLs are relative to scene.json.
 */

/** A label in both UI languages. */
export interface I18nText {
  en: string;
  zh: string;
}

/** A camera pose: position in degrees/metres (ellipsoidal), orientation in degrees. */
export interface CameraPose {
  lon: number;
  lat: number;
  height: number;
  heading: number;
  pitch: number;
  roll: number;
}

/** Quantized-mesh terrain served from a directory holding `layer.json`. */
export interface TerrainSpec {
  url: string;
}

/** An imagery layer of tiles. */
export interface ImagerySpec {
  id: string;
  name: I18nText;
  /** "xyz" uses {z}/{x}/{y} with y counted from the north, "tms" from the south. */
  type: 'xyz' | 'tms' | 'wmts';
  url: string;
  tilingScheme: 'geographic' | 'webmercator';
  minimumLevel: number;
  maximumLevel: number;
  /** [west, south, east, north] degrees. */
  rectangle?: [number, number, number, number];
  credit?: string;
}

/** A legend entry: a colour and a label. */
export interface LegendEntry {
  color: string;
  label: I18nText;
}

/** Layer kinds the viewer knows how to show. */
export type LayerKind = 'tileset' | 'bim' | 'pipes' | 'geojson';

/** One BIM storey of a `bim` layer. */
export interface StoreySpec {
  /** Value of the `storey` property on that storey's features. */
  id: string;
  name: I18nText;
  /** Floor level above the building's base (m). */
  elevation: number;
  /** Storey height (m). */
  height: number;
}

/** A layer of the scene. */
export interface LayerSpec {
  id: string;
  name: I18nText;
  kind: LayerKind;
  /** tileset.json / GeoJSON URL relative to scene.json. */
  url: string;
  visible: boolean;
  /** 0..1 */
  opacity?: number;
  /** Group in the layer tree ("city", "bim", "underground", "imported"...). */
  group?: string;
  /** Attributes that can drive "style by" (property name → kind). */
  styleBy?: Record<string, 'numeric' | 'category'>;
  /** Fixed legend (e.g. pipe kinds). */
  legend?: LegendEntry[];
  /** URL of the search index (SearchEntry[]) for this layer. */
  search?: string;
  /** Storeys of a BIM layer. */
  storeys?: StoreySpec[];
  /** Feature id in another layer that this layer replaces when shown (e.g. the BIM tower's LOD2 shell). */
  replaces?: { layer: string; featureIds: string[] };
  /** Lies below ground: the viewer offers underground mode for it. */
  underground?: boolean;
}

/** A search index entry: one findable feature. */
export interface SearchEntry {
  id: string;
  name: string;
  address?: string;
  layer: string;
  lon: number;
  lat: number;
  /** Top height (ellipsoidal m), for framing. */
  height: number;
}

/** Kinds of live sites. */
export type SiteKind = 'sensor' | 'camera' | 'droneport';

/** A live-data site: position and metadata (live values come from the gateway). */
export interface SiteSpec {
  id: string;
  kind: SiteKind;
  name: I18nText;
  lon: number;
  lat: number;
  /** Ellipsoidal height (m). */
  height: number;
  properties: Record<string, string | number | boolean | null>;
}

/** The whole catalog. */
export interface SceneCatalog {
  version: 1;
  id: string;
  title: I18nText;
  /** Home camera. */
  home: CameraPose;
  /** [west, south, east, north] degrees of the scene's content. */
  rectangle: [number, number, number, number];
  terrain?: TerrainSpec;
  imagery: ImagerySpec[];
  layers: LayerSpec[];
  sites: SiteSpec[];
  /** Where data came from and its licence. */
  attribution?: string;
  /** Data for analyses run in the viewer (flood simulation): DEM, footprints, roads, entrances. Optional. */
  analysis?: AnalysisSpec;
}

/**
 * The `analysis/` files of a scene (URLs relative to scene.json). GeoJSON files are RFC 7946 (lon/lat degrees,
 * WGS84); the DEM is a grid in the local metric CRS named in its header (see `DemHeader` in analysis.ts).
 */
export interface AnalysisSpec {
  /** DEM header JSON (`DemHeader`), which names the little-endian Float32 raster file beside it. */
  dem: string;
  /** Building footprints: Polygon features with id, name, nameEn, residents, address, baseHeight, height, use. */
  buildings: string;
  /** Road centrelines: LineString features with id, name, nameEn, width (m), roadClass. */
  roads: string;
  /** Underground entrances: Point features with id, kind, name, nameEn, sill (m), buildingId. */
  entrances?: string;
  /** Candidate levee-breach sites: Point features with id, name, nameEn (landward foot of the levee). */
  breaches?: string;
  /** Layer id of the buildings tileset whose features carry the footprints' ids (for highlighting). */
  buildingsLayer?: string;
}
