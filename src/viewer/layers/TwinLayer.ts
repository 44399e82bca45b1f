import type { Cesium3DTileset, ImageryLayer, GeoJsonDataSource } from 'cesium';
import type { I18nText, LayerKind, LayerSpec } from '../../core/scene/catalog.js';
import type { LegendClass } from '../styling/styleJson.js';

/** Load status of a layer. */
export type LayerStatus = 'loading' | 'loaded' | 'failed';

/** Kinds of layer the layer manager holds: the scene's kinds plus what the user added by URL. */
export type TwinLayerKind = LayerKind | 'user-tiles' | 'user-imagery';

/**
 * One layer in the layer tree: its spec (if from scene.json), its Cesium object, and its display state.
 * Plain data owned by the LayerManager; UI reads it, and changes it only through the manager.
 */
export class TwinLayer {
  /** Load status. */
  status: LayerStatus = 'loading';
  /** Error message when status is 'failed' (or a non-fatal tile error). */
  error: string | null = null;
  /** Shown or hidden. */
  visible: boolean;
  /** 0..1 */
  opacity: number;
  /** Attribute the layer is coloured by, or null. */
  styleBy: string | null = null;
  /** Current legend classes of the style (empty when not styled). */
  styleClasses: LegendClass[] = [];
  /** The tileset (tileset, bim, pipes, user-tiles). */
  tileset: Cesium3DTileset | null = null;
  /** The imagery layer (user-imagery). */
  imagery: ImageryLayer | null = null;
  /** The data source (geojson). */
  dataSource: GeoJsonDataSource | null = null;
  /** Feature property that holds the feature id (found from the first loaded features). */
  idProperty = 'id';
  /** Feature ids hidden because another visible layer replaces them. */
  hiddenIds: string[] = [];
  /** Show only features with property === value (BIM storey isolation). */
  isolate: { property: string; value: string } | null = null;
  /** Resolves when the layer's initial tiles have rendered (or it failed / timed out); never rejects. */
  initialLoad: Promise<void> = Promise.resolve();
  /** Number of tile load failures seen. */
  tileErrors = 0;
  /** Extra style colour conditions set by tools (e.g. the flood tool's flooded buildings); [] = none. */
  extraConditions: [string, string][] = [];

  /**
   * @param id unique layer id
   * @param name label in both languages
   * @param kind what it is
   * @param url absolute URL of its data
   * @param group layer tree group
   * @param spec the scene.json entry, if it came from there
   */
  constructor(
    readonly id: string,
    readonly name: I18nText,
    readonly kind: TwinLayerKind,
    readonly url: string,
    readonly group: string,
    readonly spec: LayerSpec | null,
  ) {
    this.visible = spec?.visible ?? true;
    this.opacity = spec?.opacity ?? 1;
  }

  /** Whether this layer is a 3D Tiles tileset (can be styled, picked, searched). */
  get isTileset(): boolean {
    return this.kind === 'tileset' || this.kind === 'bim' || this.kind === 'pipes' || this.kind === 'user-tiles';
  }
}
