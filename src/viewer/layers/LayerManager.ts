import {
  Cesium3DTileset,
  Cesium3DTileStyle,
  Cesium3DTileColorBlendMode,
  Cesium3DTileFeature,
  GeoJsonDataSource,
  GeographicTilingScheme,
  ImageryLayer,
  UrlTemplateImageryProvider,
  WebMercatorTilingScheme,
  Color,
  type Cesium3DTile,
  type Cesium3DTileContent,
  type Viewer,
} from 'cesium';
import type { LayerSpec } from '../../core/scene/catalog.js';
import type { SelectionState, UserLayerState } from '../../core/scene/viewstate.js';
import { buildStyleJson, categoryClasses, quantileClasses } from '../styling/styleJson.js';
import type { I18n } from '../i18n/I18n.js';
import { TwinLayer } from './TwinLayer.js';
import { resolveTemplateUrl } from '../url.js';

/** Candidate feature properties holding a stable id, in order of preference. */
const ID_PROPERTIES = ['id', 'globalId', 'GlobalId', 'gml_id', 'identificatie', 'featureId'];

/** How long a layer may take to render its initial tiles before `ready` stops waiting for it (ms). */
const INITIAL_LOAD_TIMEOUT_MS = 120_000;

/** Callbacks the manager needs from its owner. */
export interface LayerManagerHost {
  /** The current selection (for the highlight in the style). */
  selection(): SelectionState | null;
  /** Reports a user-visible error. */
  error(message: string): void;
  /** Called whenever layer state changes (UI re-renders). */
  changed(): void;
}

/**
 * Loads and manages the layers: the scene's tilesets (tileset, bim, pipes, geojson) and layers the user adds by URL
 * (3D Tiles, XYZ/WMTS imagery). Handles visibility, opacity, colour-by-attribute styles with legends, the selection
 * highlight, hidden (replaced) features and storey isolation, all expressed as one Cesium3DTileStyle per tileset.
 */
export class LayerManager {
  /** All layers, in tree order. */
  readonly layers: TwinLayer[] = [];
  private readonly restyleTimers = new Map<TwinLayer, ReturnType<typeof setTimeout>>();

  /**
   * @param viewer the Cesium viewer
   * @param i18n UI language (legend labels)
   * @param host callbacks
   */
  constructor(
    private readonly viewer: Viewer,
    private readonly i18n: I18n,
    private readonly host: LayerManagerHost,
  ) {}

  /** The layer with this id. */
  get(id: string): TwinLayer | undefined {
    return this.layers.find((l) => l.id === id);
  }

  /** The layer owning a tileset. */
  byTileset(tileset: unknown): TwinLayer | undefined {
    return this.layers.find((l) => l.tileset !== null && l.tileset === tileset);
  }

  /** Adds a layer of scene.json; `url` is already absolute. Resolves when loaded or failed (never rejects). */
  async addSceneLayer(spec: LayerSpec, url: string): Promise<TwinLayer> {
    const layer = new TwinLayer(spec.id, spec.name, spec.kind, url, spec.group ?? 'other', spec);
    this.layers.push(layer);
    this.host.changed();
    if (spec.kind === 'geojson') await this.loadGeoJson(layer);
    else await this.loadTileset(layer);
    return layer;
  }

  /** Adds a layer the user entered by URL. Errors show in the UI and mark the layer failed; others keep working. */
  async addUserLayer(u: UserLayerState): Promise<TwinLayer> {
    let n = 1;
    while (this.get(`user-${n}`)) n++;
    const id = `user-${n}`;
    const name = { en: u.name || u.url, zh: u.name || u.url };
    const layer = new TwinLayer(id, name, u.type === 'tiles' ? 'user-tiles' : 'user-imagery', u.url, 'user', null);
    (layer as TwinLayer & { userState: UserLayerState }).userState = { ...u };
    this.layers.push(layer);
    this.host.changed();
    if (u.type === 'tiles') await this.loadTileset(layer);
    else this.loadImagery(layer, u.scheme ?? 'webmercator');
    return layer;
  }

  /** The user-added layers as share-link state. */
  userLayerStates(): UserLayerState[] {
    return this.layers
      .filter((l) => l.group === 'user')
      .map((l) => (l as TwinLayer & { userState: UserLayerState }).userState);
  }

  /** Removes a user-added layer. */
  remove(id: string): void {
    const layer = this.get(id);
    if (!layer) return;
    if (layer.tileset) this.viewer.scene.primitives.remove(layer.tileset);
    if (layer.imagery) this.viewer.imageryLayers.remove(layer.imagery, true);
    if (layer.dataSource) void this.viewer.dataSources.remove(layer.dataSource, true);
    this.layers.splice(this.layers.indexOf(layer), 1);
    this.host.changed();
  }

  private fail(layer: TwinLayer, err: unknown): void {
    layer.status = 'failed';
    layer.error = err instanceof Error ? err.message : String(err);
    // A failed imagery source stops requesting tiles.
    if (layer.imagery) layer.imagery.show = false;
    this.host.error(`${this.i18n.t('errorLayer')}: ${this.i18n.text(layer.name)} — ${layer.error}`);
    this.host.changed();
  }

  private async loadTileset(layer: TwinLayer): Promise<void> {
    let tileset: Cesium3DTileset;
    try {
      tileset = await Cesium3DTileset.fromUrl(layer.url, { maximumScreenSpaceError: 16 });
    } catch (err) {
      this.fail(layer, new Error(`${layer.url}: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    layer.tileset = tileset;
    tileset.show = layer.visible;
    tileset.tileLoad.addEventListener((tile: Cesium3DTile) => this.onTileLoad(layer, tile));
    tileset.tileFailed.addEventListener((e: { url: string; message: string }) => {
      layer.tileErrors++;
      if (layer.tileErrors === 1) this.host.error(`${this.i18n.t('errorLayer')}: ${this.i18n.text(layer.name)} — ${e.url}: ${e.message}`);
      layer.error = `${e.url}: ${e.message}`;
      this.host.changed();
    });
    this.viewer.scene.primitives.add(tileset);
    layer.status = 'loaded';
    layer.initialLoad = this.waitInitialTiles(layer, tileset);
    this.restyle(layer);
    this.host.changed();
  }

  /** Resolves once the tileset's first tiles have loaded (initialTilesLoaded, or idle after rendered frames). */
  private waitInitialTiles(layer: TwinLayer, tileset: Cesium3DTileset): Promise<void> {
    return new Promise<void>((resolve) => {
      const scene = this.viewer.scene;
      let idleFrames = 0;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        removeInitial();
        removeRender();
        clearTimeout(timer);
        resolve();
      };
      const removeInitial = tileset.initialTilesLoaded.addEventListener(finish);
      const removeRender = scene.postRender.addEventListener(() => {
        if (tileset.isDestroyed()) return finish();
        // A hidden or out-of-view tileset never raises initialTilesLoaded: idle for a few frames counts as loaded.
        idleFrames = tileset.tilesLoaded ? idleFrames + 1 : 0;
        if (idleFrames >= 10) finish();
      });
      const timer = setTimeout(() => {
        layer.error = `initial tiles not loaded after ${INITIAL_LOAD_TIMEOUT_MS / 1000} s`;
        this.host.changed();
        finish();
      }, INITIAL_LOAD_TIMEOUT_MS);
    });
  }

  private onTileLoad(layer: TwinLayer, tile: Cesium3DTile): void {
    // New features may extend the classes of a colour-by style: restyle once the burst of loads is over.
    if (layer.styleBy) {
      clearTimeout(this.restyleTimers.get(layer));
      this.restyleTimers.set(
        layer,
        setTimeout(() => {
          this.restyle(layer);
          this.host.changed();
        }, 250),
      );
    }
    // Pick the id property from the first features that carry properties.
    if (layer.idProperty === 'id') {
      for (const f of contentFeatures(tile.content)) {
        const ids = f.getPropertyIds();
        const found = ID_PROPERTIES.find((p) => ids.includes(p));
        if (found && found !== layer.idProperty) {
          layer.idProperty = found;
          this.restyle(layer);
        }
        break;
      }
    }
  }

  private loadImagery(layer: TwinLayer, scheme: 'webmercator' | 'geographic'): void {
    try {
      if (!/\{(z|x|y|reverseY|s)\}/.test(layer.url)) throw new Error('the URL template needs {z}, {x} and {y} (or {reverseY})');
      const provider = new UrlTemplateImageryProvider({
        url: resolveTemplateUrl(layer.url, location.href),
        tilingScheme: scheme === 'geographic' ? new GeographicTilingScheme() : new WebMercatorTilingScheme(),
        subdomains: /\{s\}/.test(layer.url) ? '01234567' : undefined,
        maximumLevel: 18,
      });
      let reported = false;
      provider.errorEvent.addEventListener((e: { message: string; retry: boolean }) => {
        e.retry = false;
        layer.tileErrors++;
        if (!reported) {
          reported = true;
          this.fail(layer, e.message || 'tile request failed');
        }
      });
      const imagery = new ImageryLayer(provider, { alpha: layer.opacity, show: layer.visible });
      this.viewer.imageryLayers.add(imagery);
      layer.imagery = imagery;
      layer.status = 'loaded';
      this.host.changed();
    } catch (err) {
      this.fail(layer, err);
    }
  }

  private async loadGeoJson(layer: TwinLayer): Promise<void> {
    try {
      const ds = await GeoJsonDataSource.load(layer.url, { clampToGround: true, fill: Color.fromCssColorString('#19e3ff').withAlpha(0.3) });
      ds.show = layer.visible;
      await this.viewer.dataSources.add(ds);
      layer.dataSource = ds;
      layer.status = 'loaded';
      this.host.changed();
    } catch (err) {
      this.fail(layer, err);
    }
  }

  /** Shows or hides a layer. */
  setVisible(id: string, visible: boolean): void {
    const layer = this.get(id);
    if (!layer) return;
    layer.visible = visible;
    if (layer.tileset) layer.tileset.show = visible;
    if (layer.imagery) layer.imagery.show = visible;
    if (layer.dataSource) layer.dataSource.show = visible;
    this.host.changed();
  }

  /** Sets a layer's opacity (0..1): the style's colour alpha for tilesets, the alpha of imagery. */
  setOpacity(id: string, opacity: number): void {
    const layer = this.get(id);
    if (!layer) return;
    layer.opacity = Math.min(1, Math.max(0, opacity));
    if (layer.imagery) layer.imagery.alpha = layer.opacity;
    this.restyle(layer);
    this.host.changed();
  }

  /** Colours a layer by an attribute of its `styleBy` list (null = own colours). Throws for an unknown attribute. */
  setStyleBy(id: string, attribute: string | null): void {
    const layer = this.get(id);
    if (!layer) return;
    if (attribute !== null && !layer.spec?.styleBy?.[attribute]) {
      throw new Error(`layer '${id}' has no style attribute '${attribute}' (scene.json layers[].styleBy)`);
    }
    layer.styleBy = attribute;
    this.restyle(layer);
    this.host.changed();
  }

  /** Recomputes the legend classes from the loaded features and re-applies the style of a layer (or of all). */
  restyle(layer?: TwinLayer): void {
    if (!layer) {
      for (const l of this.layers) this.restyle(l);
      return;
    }
    const tileset = layer.tileset;
    if (!tileset || tileset.isDestroyed()) return;
    const sel = this.host.selection();
    let colorBy = null;
    layer.styleClasses = [];
    if (layer.styleBy && layer.spec?.styleBy?.[layer.styleBy]) {
      const kind = layer.spec.styleBy[layer.styleBy];
      const values = this.attributeValues(layer, layer.styleBy);
      if (kind === 'numeric') {
        const nums = values.map(Number).filter(Number.isFinite);
        if (nums.length) layer.styleClasses = quantileClasses(nums);
      } else {
        layer.styleClasses = categoryClasses(values.map(String), layer.spec.legend, this.i18n.lang);
      }
      if (layer.styleClasses.length) colorBy = { attribute: layer.styleBy, kind, classes: layer.styleClasses };
    }
    const json = buildStyleJson({
      idProperty: layer.idProperty,
      opacity: layer.opacity,
      colorBy,
      selectedId: sel && sel.layer === layer.id ? sel.id : null,
      hiddenIds: layer.hiddenIds,
      isolate: layer.isolate,
      extraConditions: layer.extraConditions,
    });
    // Legend colours show as they are (mixed over the model's own colours); otherwise keep the model's colours.
    tileset.colorBlendMode = colorBy ? Cesium3DTileColorBlendMode.MIX : Cesium3DTileColorBlendMode.HIGHLIGHT;
    tileset.colorBlendAmount = 0.85;
    tileset.style = json ? new Cesium3DTileStyle(json) : undefined;
  }

  /** Values of an attribute over the loaded features of a layer. */
  attributeValues(layer: TwinLayer, attribute: string): (string | number)[] {
    const out: (string | number)[] = [];
    this.forEachFeature(layer, (f) => {
      const v = f.getProperty(attribute);
      if (v !== undefined && v !== null) out.push(v);
    });
    return out;
  }

  /** Calls `fn` for every feature of the layer's loaded tiles. */
  forEachFeature(layer: TwinLayer, fn: (f: Cesium3DTileFeature) => boolean | void): void {
    const root = layer.tileset?.root;
    if (!root) return;
    const stack: Cesium3DTile[] = [root];
    while (stack.length) {
      const tile = stack.pop()!;
      if ((tile as unknown as { contentReady: boolean }).contentReady) {
        for (const f of contentFeatures(tile.content)) if (fn(f) === true) return;
      }
      stack.push(...tile.children);
    }
  }

  /** Finds a loaded feature by its id (undefined when its tile is not loaded). */
  findFeature(layerId: string, id: string): Cesium3DTileFeature | undefined {
    const layer = this.get(layerId);
    if (!layer) return undefined;
    let found: Cesium3DTileFeature | undefined;
    const anon = /^#(\d+)@(.*)$/.exec(id);
    this.forEachFeature(layer, (f) => {
      const hit = anon
        ? f.featureId === Number(anon[1]) && (f as unknown as { content: { url?: string } }).content.url === anon[2]
        : String(f.getProperty(layer.idProperty)) === id;
      if (hit) {
        found = f;
        return true;
      }
    });
    return found;
  }

  /** Flies the camera to a layer's extent. */
  async zoomTo(id: string): Promise<void> {
    const layer = this.get(id);
    if (!layer) return;
    if (layer.tileset) await this.viewer.zoomTo(layer.tileset);
    else if (layer.imagery) await this.viewer.zoomTo(layer.imagery);
    else if (layer.dataSource) await this.viewer.zoomTo(layer.dataSource);
  }
}

/** The features of a tile content, including the inner contents of composite / multiple contents. */
export function* contentFeatures(content: Cesium3DTileContent | undefined): Generator<Cesium3DTileFeature> {
  if (!content) return;
  const inner = (content as unknown as { innerContents?: Cesium3DTileContent[] }).innerContents;
  if (inner?.length) {
    for (const c of inner) yield* contentFeatures(c);
    return;
  }
  const n = content.featuresLength ?? 0;
  for (let i = 0; i < n; i++) yield content.getFeature(i);
}
