import {
  BoundingSphere,
  Cartesian2,
  Cartesian3,
  Cesium3DTileFeature,
  CesiumTerrainProvider,
  Color,
  GeographicTilingScheme,
  HeadingPitchRange,
  ImageryLayer,
  Ion,
  Math as CesiumMath,
  Rectangle,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  SceneTransforms,
  TileMapServiceImageryProvider,
  UrlTemplateImageryProvider,
  Viewer,
  WebMapTileServiceImageryProvider,
  WebMercatorTilingScheme,
  buildModuleUrl,
  type ImageryProvider,
} from 'cesium';
import type { CameraPose, ImagerySpec, SceneCatalog, SearchEntry, SiteSpec } from '../core/scene/catalog.js';
import {
  decodeViewState,
  encodeViewState,
  normalizeViewState,
  roundCamera,
  type Lang,
  type SelectionState,
  type ViewState,
} from '../core/scene/viewstate.js';
import { I18n } from './i18n/I18n.js';
import { LayerManager } from './layers/LayerManager.js';
import type { TwinLayer } from './layers/TwinLayer.js';
import { BimController } from './bim/BimController.js';
import { SiteLayer } from './sites/SiteLayer.js';
import { SearchIndex, type SearchHit } from './search/searchIndex.js';
import { GlobeReady } from './ready/GlobeReady.js';
import { ViewComplete } from './ready/ViewComplete.js';
import { Bookmarks } from './state/Bookmarks.js';
import { resolveTemplateUrl } from './url.js';
import { validateCatalog } from './scene/validateCatalog.js';
import { HIGHLIGHT_COLOR } from './styling/styleJson.js';
import { LiveController } from './live/LiveController.js';

/** Options of TwinViewer. */
export interface TwinViewerOptions {
  /** Element (or its id) the Cesium viewer goes into. */
  container: HTMLElement | string;
  /** URL of scene.json. */
  sceneUrl: string;
  /** Light rendering for software WebGL / tests: msaa 1, no atmosphere, fog, sun, moon or sky box. */
  lite: boolean;
  /** Initial UI language. */
  lang: Lang;
}

/** A toast message. */
export interface Toast {
  kind: 'error' | 'info';
  message: string;
  /** Milliseconds since page load. */
  time: number;
}

/** What `ready` resolves with. */
export interface ReadyReport {
  terrain: 'loaded' | 'failed' | 'none';
  layers: Record<string, 'loaded' | 'failed' | 'loading'>;
  errors: string[];
}

/** The selected thing's properties for the inspector. */
export interface SelectionInfo {
  selection: SelectionState;
  /** Layer or site-kind label. */
  layerName: string;
  /** [name, value as text]; empty while the feature's tile is not loaded. */
  properties: [string, string][];
  /** Whether the feature was found among loaded tiles / sites. */
  found: boolean;
}

/**
 * The sites, search indexes and live layers start once the view is complete (terrain, imagery and the visible tilesets'
 * tiles loaded), or at most this long after the catalog loaded (ms), so they never compete with the first complete frame.
 */
const DEFERRED_START_MS = 30_000;

/** Layer id used for selections of sites. */
export const SITES_LAYER = 'sites';

/**
 * The twin's 3D view: owns the Cesium Viewer (offline: no ion, only the bundled NaturalEarthII under the scene's
 * imagery, terrain and tilesets), loads a scene.json, and exposes layers, picking/selection, search, styling,
 * underground mode, BIM tools, sites, and the shareable view state. Fires `change` when anything the UI shows
 * changes and `toast` for messages.
 */
export class TwinViewer extends EventTarget {
  /** The Cesium viewer. */
  readonly viewer: Viewer;
  /** UI language. */
  readonly i18n: I18n;
  /** Layers. */
  readonly layers: LayerManager;
  /** Sites (sensors, cameras, drone ports). */
  readonly sites: SiteLayer;
  /** Live layers: sensor states, drones, cameras, replay (fed by the gateway's stream and history API). */
  readonly live: LiveController;
  /** Search over the layers' search indexes. */
  readonly searchIndex = new SearchIndex();
  /** BIM tools, one per BIM layer. */
  readonly bim = new Map<string, BimController>();
  /** The loaded scene catalog (null until loaded or when it failed). */
  catalog: SceneCatalog | null = null;
  /** Absolute URL of scene.json. */
  readonly sceneUrl: string;
  /** Every error reported so far (also shown as toasts). */
  readonly errors: string[] = [];
  /** Toasts, newest last. */
  readonly toasts: Toast[] = [];
  /** Resolves when terrain and each initially visible layer's initial tiles rendered; never rejects. */
  readonly ready: Promise<ReadyReport>;
  /** Extra share-link parts from tools (each returns '' or `&key=value`), appended to the view state's hash. */
  readonly hashExtras: (() => string)[] = [];
  /** Bookmarks of this scene (set once the catalog is loaded). */
  bookmarks: Bookmarks | null = null;
  /** Whether underground mode is on. */
  underground = false;
  private sel: SelectionState | null = null;
  private undergroundShown: string[] = [];
  private resolveReady!: (r: ReadyReport) => void;
  private changeQueued = false;

  /** @param options see TwinViewerOptions */
  constructor(readonly options: TwinViewerOptions) {
    super();
    Ion.defaultAccessToken = '';
    this.i18n = new I18n(options.lang);
    this.sceneUrl = new URL(options.sceneUrl, location.href).href;
    const lite = options.lite;
    this.viewer = new Viewer(options.container, {
      baseLayer: ImageryLayer.fromProviderAsync(TileMapServiceImageryProvider.fromUrl(buildModuleUrl('Assets/Textures/NaturalEarthII')), {}),
      baseLayerPicker: false,
      geocoder: false,
      homeButton: false,
      infoBox: false,
      selectionIndicator: false,
      timeline: false,
      animation: false,
      sceneModePicker: false,
      navigationHelpButton: false,
      fullscreenButton: false,
      msaaSamples: lite ? 1 : 4,
      skyBox: lite ? false : undefined,
      skyAtmosphere: lite ? false : undefined,
    });
    const scene = this.viewer.scene;
    if (lite) {
      scene.fog.enabled = false;
      scene.globe.showGroundAtmosphere = false;
      if (scene.sun) scene.sun.show = false;
      if (scene.moon) scene.moon.show = false;
    } else {
      scene.globe.enableLighting = false;
      scene.highDynamicRange = false;
    }
    scene.globe.baseColor = Color.fromCssColorString('#0b1622');
    scene.globe.depthTestAgainstTerrain = true;
    // Hidden until the catalog says which terrain to use (load() shows it): an ellipsoid globe rendered meanwhile would
    // start Cesium's heightmap worker (about 20 scripts) and build tiles that are thrown away.
    scene.globe.show = false;
    // No frames until load() has requested the catalog's terrain and tilesets: a frame before that shows nothing and
    // (compiling its shaders) would hold up the catalog's requests; it runs while they are under way instead.
    this.viewer.useDefaultRenderLoop = false;
    this.layers = new LayerManager(this.viewer, this.i18n, {
      selection: () => this.sel,
      error: (m) => this.error(m),
      changed: () => this.changed(),
    });
    this.sites = new SiteLayer(this.viewer, this.i18n);
    this.live = new LiveController(this);
    this.i18n.addEventListener('change', () => {
      this.layers.restyle();
      this.changed();
    });
    this.installPicking();
    this.ready = new Promise((r) => (this.resolveReady = r));
    this.viewer.camera.moveEnd.addEventListener(() => this.changed());
  }

  /** Queues one `change` event for this task (coalesces bursts). */
  changed(): void {
    if (this.changeQueued) return;
    this.changeQueued = true;
    queueMicrotask(() => {
      this.changeQueued = false;
      this.dispatchEvent(new Event('change'));
    });
  }

  /** Shows an error toast and records it. */
  error(message: string): void {
    this.errors.push(message);
    this.toast('error', message);
  }

  /** Shows a toast. */
  toast(kind: Toast['kind'], message: string): void {
    this.toasts.push({ kind, message, time: performance.now() });
    if (kind === 'error') console.warn(`twin: ${message}`);
    this.dispatchEvent(new CustomEvent('toast', { detail: this.toasts[this.toasts.length - 1] }));
    this.changed();
  }

  /**
   * Loads scene.json and everything in it, then applies `initialHash` (a share link) if given. Resolves when the
   * catalog is applied (not when tiles are loaded: see `ready`). Never throws: errors become toasts. The viewer renders
   * no frame before this is called (it starts rendering once the catalog's requests are under way).
   */
  async load(initialHash = ''): Promise<void> {
    let catalog: SceneCatalog;
    try {
      const res = await fetch(this.sceneUrl);
      if (!res.ok) throw new Error(`${this.sceneUrl}: HTTP ${res.status}`);
      catalog = validateCatalog(await res.json(), this.sceneUrl);
    } catch (err) {
      this.error(`${this.i18n.t('errorScene')}: ${(err as Error).message}`);
      this.viewer.scene.globe.show = true;
      this.viewer.useDefaultRenderLoop = true;
      this.resolveReady({ terrain: 'none', layers: {}, errors: [...this.errors] });
      return;
    }
    this.catalog = catalog;
    this.bookmarks = new Bookmarks(safeLocalStorage(), catalog.id);
    document.title = `${this.i18n.text(catalog.title)} — ${this.i18n.t('appTitle')}`;
    this.viewer.scene.screenSpaceCameraController.minimumZoomDistance = 2;

    let initial: ViewState | null = null;
    if (initialHash.replace(/^#/, '')) {
      try {
        initial = decodeViewState(initialHash, this.defaultState());
      } catch (err) {
        this.error(`${this.i18n.t('errorLink')}: ${(err as Error).message}`);
      }
    }
    if (initial) this.i18n.setLang(initial.lang);
    this.setCamera(initial?.camera ?? catalog.home);

    const terrainReady = this.loadTerrain(catalog);
    for (const im of catalog.imagery) this.addSceneImagery(im);

    // Not needed for the first complete frame: the sites, the search indexes and the live layers start once the view
    // is complete (or after DEFERRED_START_MS at the latest), so they do not compete with tile loading.
    const searches: [string, string][] = [];
    const layerLoads = catalog.layers.map((spec) => {
      const vs = initial?.layers[spec.id];
      if (vs) spec = { ...spec, visible: vs.visible, opacity: vs.opacity };
      return this.layers.addSceneLayer(spec, this.resolve(spec.url)).then((layer) => {
        if (spec.kind === 'bim') this.bim.set(spec.id, new BimController(this.layers, spec.id));
        if (vs?.styleBy) this.trySetStyle(spec.id, vs.styleBy);
        if (spec.search) searches.push([spec.id, this.resolve(spec.search)]);
        return layer;
      });
    });
    // Terrain, imagery and tileset requests are under way: render from now on.
    this.viewer.useDefaultRenderLoop = true;
    const loaded = await Promise.all(layerLoads);
    this.updateReplacements();
    if (initial) {
      if (initial.layers[SITES_LAYER]) this.sites.setVisible(initial.layers[SITES_LAYER].visible);
      await this.applyRest(initial);
    }

    const catalogTime = performance.now();
    void (async () => {
      const initialTiles = Promise.all([terrainReady, ...loaded.filter((l) => l.visible && l.status === 'loaded').map((l) => l.initialLoad)]);
      const deadline = new Promise((r) => setTimeout(r, Math.max(0, catalogTime + DEFERRED_START_MS - performance.now())));
      await Promise.race([initialTiles.then(() => ViewComplete.wait(this.viewer, 3)), deadline]);
      this.sites.setSites(catalog.sites);
      // A share link may have selected a site before the sites existed.
      if (this.sel?.layer === SITES_LAYER) this.sites.highlight(this.sel.id);
      void this.live.start(catalog);
      const searchLoads = searches.map(([id, url]) => this.loadSearch(id, url));
      const terrain = await terrainReady;
      await initialTiles;
      await Promise.all(searchLoads);
      // One more rendered frame so the loaded tiles are on screen.
      await this.nextFrame();
      const layers: ReadyReport['layers'] = {};
      for (const l of this.layers.layers) layers[l.id] = l.status;
      this.resolveReady({ terrain, layers, errors: [...this.errors] });
    })();
    this.changed();
  }

  private async loadTerrain(catalog: SceneCatalog): Promise<ReadyReport['terrain']> {
    if (catalog.terrain) {
      // Hide the globe until its terrain is known: ellipsoid tiles (and their imagery) loaded meanwhile are thrown away.
      const globe = this.viewer.scene.globe;
      globe.show = false;
      try {
        const provider = await CesiumTerrainProvider.fromUrl(this.resolve(catalog.terrain.url), { requestVertexNormals: false });
        this.viewer.terrainProvider = provider;
      } catch (err) {
        this.error(`${this.i18n.t('errorTerrain')}: ${(err as Error).message}`);
        globe.show = true;
        await GlobeReady.wait(this.viewer);
        return 'failed';
      }
    }
    this.viewer.scene.globe.show = true;
    const err = await GlobeReady.wait(this.viewer);
    if (err) this.error(`${this.i18n.t('errorTerrain')}: ${err}`);
    return catalog.terrain ? (err ? 'failed' : 'loaded') : 'none';
  }

  private addSceneImagery(spec: ImagerySpec): void {
    try {
      const url = resolveTemplateUrl(spec.url, this.sceneUrl);
      const tilingScheme = spec.tilingScheme === 'geographic' ? new GeographicTilingScheme() : new WebMercatorTilingScheme();
      const rectangle = spec.rectangle ? Rectangle.fromDegrees(...spec.rectangle) : undefined;
      let provider: ImageryProvider;
      if (spec.type === 'wmts') {
        provider = new WebMapTileServiceImageryProvider({
          url,
          layer: spec.id,
          style: 'default',
          tileMatrixSetID: '',
          tilingScheme,
          rectangle,
          minimumLevel: spec.minimumLevel,
          maximumLevel: spec.maximumLevel,
          credit: spec.credit,
        });
      } else {
        provider = new UrlTemplateImageryProvider({
          url: spec.type === 'tms' ? url.replace('{y}', '{reverseY}') : url,
          tilingScheme,
          rectangle,
          minimumLevel: spec.minimumLevel,
          maximumLevel: spec.maximumLevel,
          credit: spec.credit,
        });
      }
      let reported = false;
      provider.errorEvent.addEventListener((e: { message: string; retry: boolean }) => {
        e.retry = false;
        if (!reported) {
          reported = true;
          this.error(`${this.i18n.t('errorImagery')}: ${spec.id} — ${e.message}`);
        }
      });
      this.viewer.imageryLayers.addImageryProvider(provider);
    } catch (err) {
      this.error(`${this.i18n.t('errorImagery')}: ${spec.id} — ${(err as Error).message}`);
    }
  }

  private async loadSearch(layerId: string, url: string): Promise<void> {
    try {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      this.searchIndex.add(await res.json(), url);
      this.changed();
    } catch (err) {
      this.error(`${this.i18n.t('errorSearch')}: ${layerId} — ${(err as Error).message}`);
    }
  }

  /** Resolves a URL relative to scene.json. */
  resolve(url: string): string {
    return resolveTemplateUrl(url, this.sceneUrl);
  }

  private nextFrame(): Promise<void> {
    return new Promise((resolve) => {
      const remove = this.viewer.scene.postRender.addEventListener(() => {
        remove();
        resolve();
      });
      this.viewer.scene.requestRender();
    });
  }

  // ---------------------------------------------------------------- camera

  /** The camera pose (rounded to share-link precision). */
  cameraPose(): CameraPose {
    const cam = this.viewer.camera;
    const c = cam.positionCartographic;
    return roundCamera({
      lon: CesiumMath.toDegrees(c.longitude),
      lat: CesiumMath.toDegrees(c.latitude),
      height: c.height,
      heading: CesiumMath.toDegrees(cam.heading),
      pitch: CesiumMath.toDegrees(cam.pitch),
      roll: CesiumMath.toDegrees(cam.roll),
    });
  }

  /** Puts the camera at a pose immediately. */
  setCamera(p: CameraPose): void {
    this.viewer.camera.setView({
      destination: Cartesian3.fromDegrees(p.lon, p.lat, p.height),
      orientation: { heading: CesiumMath.toRadians(p.heading), pitch: CesiumMath.toRadians(p.pitch), roll: CesiumMath.toRadians(p.roll) },
    });
  }

  /** Flies to the scene's home view. */
  home(): void {
    const h = this.catalog?.home;
    if (!h) return;
    this.viewer.camera.flyTo({
      destination: Cartesian3.fromDegrees(h.lon, h.lat, h.height),
      orientation: { heading: CesiumMath.toRadians(h.heading), pitch: CesiumMath.toRadians(h.pitch), roll: CesiumMath.toRadians(h.roll) },
      duration: 1.5,
    });
  }

  /** Window (CSS pixel) position of a geographic point, or null when off screen / behind the globe. */
  toWindow(lon: number, lat: number, height: number): { x: number; y: number } | null {
    const p = SceneTransforms.worldToWindowCoordinates(this.viewer.scene, Cartesian3.fromDegrees(lon, lat, height), new Cartesian2());
    return p ? { x: p.x, y: p.y } : null;
  }

  // ---------------------------------------------------------------- picking & selection

  private installPicking(): void {
    const handler = new ScreenSpaceEventHandler(this.viewer.scene.canvas);
    handler.setInputAction((e: { position: Cartesian2 }) => this.pickAt(e.position), ScreenSpaceEventType.LEFT_CLICK);
  }

  /** Picks whatever is at a window position and selects it (or clears the selection). Returns the selection. */
  pickAt(position: Cartesian2 | { x: number; y: number }): SelectionState | null {
    // Labels are drawn over the scene: a click on a label's text picks what it names (a site, a cluster, a drone).
    const label = this.sites.labels.pickAt(position.x, position.y);
    const picked = label !== undefined ? { id: label } : this.viewer.scene.pick(new Cartesian2(position.x, position.y));
    if (picked instanceof Cesium3DTileFeature) {
      const layer = this.layers.byTileset(picked.tileset);
      if (layer) {
        const id = picked.getProperty(layer.idProperty);
        // Features without an id property (e.g. b3dm without a batch table) are named by feature id and tile.
        const key = id !== undefined && id !== null ? String(id) : anonymousFeatureKey(picked);
        this.select({ layer: layer.id, id: key });
        return this.sel;
      }
    }
    // A tile content without features (e.g. b3dm with BATCH_LENGTH 0): select the tile.
    const tilePick = picked as { primitive?: unknown; content?: { url?: string } } | undefined;
    const tileLayer = tilePick?.primitive ? this.layers.byTileset(tilePick.primitive) : undefined;
    if (tileLayer && tilePick?.content?.url) {
      this.select({ layer: tileLayer.id, id: '@' + tilePick.content.url });
      return this.sel;
    }
    const live = this.live.pick(picked);
    if (live !== undefined) {
      if (live !== 'handled') this.select(live);
      return this.sel;
    }
    const siteId = this.sites.siteIdOf((picked as { id?: unknown } | undefined)?.id);
    if (siteId) {
      this.select({ layer: SITES_LAYER, id: siteId });
      return this.sel;
    }
    this.select(null);
    return null;
  }

  /** The current selection. */
  get selection(): SelectionState | null {
    return this.sel;
  }

  /** Selects a feature (or site, layer 'sites'), highlighting it; null clears. */
  select(sel: SelectionState | null): void {
    const prev = this.sel;
    this.sel = sel ? { layer: sel.layer, id: sel.id } : null;
    for (const id of new Set([prev?.layer, sel?.layer])) {
      const l = id ? this.layers.get(id) : undefined;
      if (l) this.layers.restyle(l);
    }
    this.sites.highlight(sel?.layer === SITES_LAYER ? sel.id : null);
    if (sel && sel.id.startsWith('#')) {
      // No id property to style on: colour the feature itself (until the next restyle).
      const f = this.layers.findFeature(sel.layer, sel.id);
      if (f) f.color = Color.fromCssColorString(HIGHLIGHT_COLOR);
    }
    this.changed();
    // The feature's tile may load later (e.g. after a fly-to): refresh the inspector then.
    if (sel && sel.layer !== SITES_LAYER && !this.layers.findFeature(sel.layer, sel.id)) {
      const ts = this.layers.get(sel.layer)?.tileset;
      if (ts) {
        const remove = ts.tileLoad.addEventListener(() => {
          if (this.sel !== null && this.sel.id === sel.id && this.layers.findFeature(sel.layer, sel.id)) {
            remove();
            this.changed();
          } else if (this.sel?.id !== sel.id) remove();
        });
      }
    }
  }

  /** The selected thing's properties (every property id of the feature, values as text). */
  selectionInfo(): SelectionInfo | null {
    const sel = this.sel;
    if (!sel) return null;
    if (sel.layer === SITES_LAYER) {
      const s: SiteSpec | undefined = this.sites.get(sel.id);
      if (!s) return { selection: sel, layerName: this.i18n.t('sites'), properties: [], found: false };
      const props: [string, string][] = [
        ['id', s.id],
        ['kind', this.i18n.t(s.kind)],
        ['name', this.i18n.text(s.name)],
        ['lon', String(s.lon)],
        ['lat', String(s.lat)],
        ['height', String(s.height)],
        ...Object.entries(s.properties).map(([k, v]): [string, string] => [k, v === null ? '' : String(v)]),
      ];
      return { selection: sel, layerName: this.i18n.t('sites'), properties: props, found: true };
    }
    const live = this.live.selectionProperties(sel);
    if (live) return { selection: sel, ...live, found: true };
    const layer = this.layers.get(sel.layer);
    if (sel.id.startsWith('@')) {
      return { selection: sel, layerName: layer ? this.i18n.text(layer.name) : sel.layer, properties: [['tile', sel.id.slice(1)]], found: true };
    }
    const f = this.layers.findFeature(sel.layer, sel.id);
    const properties: [string, string][] = [];
    if (f) {
      for (const name of f.getPropertyIds()) properties.push([name, formatValue(f.getProperty(name))]);
    }
    return { selection: sel, layerName: layer ? this.i18n.text(layer.name) : sel.layer, properties, found: !!f };
  }

  // ---------------------------------------------------------------- search

  /** Searches the layers' search indexes. */
  search(query: string, limit = 20): SearchHit[] {
    return this.searchIndex.search(query, limit);
  }

  /**
   * Flies to a search entry (looking down at ~50°) and selects it. Resolves when the flight ended.
   * @param duration seconds of the flight (0 = jump)
   */
  flyToEntry(entry: SearchEntry, duration = 1.5): Promise<void> {
    const range = Math.max(120, entry.height * 2.2);
    const sphere = new BoundingSphere(Cartesian3.fromDegrees(entry.lon, entry.lat, entry.height * 0.6), Math.max(20, entry.height * 0.5));
    this.select({ layer: entry.layer, id: entry.id });
    return new Promise((resolve) => {
      this.viewer.camera.flyToBoundingSphere(sphere, {
        offset: new HeadingPitchRange(0, CesiumMath.toRadians(-50), range),
        duration,
        complete: () => resolve(),
        cancel: () => resolve(),
      });
    });
  }

  // ---------------------------------------------------------------- styling / layers

  private trySetStyle(layerId: string, attribute: string | null): void {
    try {
      this.layers.setStyleBy(layerId, attribute);
    } catch (err) {
      this.error((err as Error).message);
    }
  }

  /** Shows/hides a layer (and updates features other layers replace). */
  setLayerVisible(id: string, visible: boolean): void {
    this.layers.setVisible(id, visible);
    this.updateReplacements();
  }

  /** Hides the features that visible layers `replace` (e.g. the LOD2 shell of the BIM tower). */
  updateReplacements(): void {
    const hidden = new Map<string, string[]>();
    for (const l of this.layers.layers) {
      const r = l.spec?.replaces;
      if (r && l.visible && l.status === 'loaded') hidden.set(r.layer, [...(hidden.get(r.layer) ?? []), ...r.featureIds]);
    }
    for (const l of this.layers.layers) {
      const ids = hidden.get(l.id) ?? [];
      if (ids.join('\u0000') !== l.hiddenIds.join('\u0000')) {
        l.hiddenIds = ids;
        this.layers.restyle(l);
      }
    }
  }

  /** Underground mode: translucent globe, camera may go below ground, underground layers shown. */
  setUnderground(on: boolean): void {
    if (on === this.underground) return;
    this.underground = on;
    const scene = this.viewer.scene;
    scene.globe.translucency.enabled = on;
    scene.globe.translucency.frontFaceAlpha = 0.3;
    scene.globe.translucency.backFaceAlpha = 0.3;
    scene.screenSpaceCameraController.enableCollisionDetection = !on;
    if (on) {
      this.undergroundShown = [];
      for (const l of this.layers.layers) {
        if ((l.spec?.underground || l.kind === 'pipes') && !l.visible) {
          this.setLayerVisible(l.id, true);
          this.undergroundShown.push(l.id);
        }
      }
    } else {
      for (const id of this.undergroundShown) this.setLayerVisible(id, false);
      this.undergroundShown = [];
    }
    this.changed();
  }

  /** Shows or hides the sites (sensors, cameras, drone ports). */
  setSitesVisible(show: boolean): void {
    this.sites.setVisible(show);
    this.changed();
  }

  /** The BIM layers' controllers, in layer order. */
  bimControllers(): BimController[] {
    return [...this.bim.values()];
  }

  // ---------------------------------------------------------------- view state

  /** The state with the scene's defaults (home camera, layers as in scene.json). */
  defaultState(): ViewState {
    const layers: ViewState['layers'] = {};
    for (const l of this.catalog?.layers ?? []) layers[l.id] = { visible: l.visible, opacity: l.opacity ?? 1, styleBy: null };
    if (this.catalog?.sites.length) layers[SITES_LAYER] = { visible: true, opacity: 1, styleBy: null };
    const bimLayer = this.catalog?.layers.find((l) => l.kind === 'bim');
    return {
      camera: this.catalog?.home ?? null,
      layers,
      selection: null,
      bim: bimLayer ? { layer: bimLayer.id, storey: null, explode: 0, section: null } : null,
      underground: false,
      lang: this.i18n.lang,
      userLayers: [],
    };
  }

  /** The current shareable state (normalised: rounded numbers, sorted keys). */
  state(): ViewState {
    const layers: ViewState['layers'] = {};
    for (const l of this.layers.layers) {
      if (l.spec) layers[l.id] = { visible: l.visible, opacity: l.opacity, styleBy: l.styleBy };
    }
    if (this.catalog?.sites.length) layers[SITES_LAYER] = { visible: this.sites.dataSource.show, opacity: 1, styleBy: null };
    const bim = this.bimControllers()[0];
    return normalizeViewState({
      camera: this.cameraPose(),
      layers,
      selection: this.sel,
      bim: bim ? bim.state() : null,
      underground: this.underground,
      lang: this.i18n.lang,
      userLayers: this.layers.userLayerStates(),
      time: this.live.shareTime(),
    });
  }

  /** Applies a state (from a share link or bookmark). Resolves once applied (user layers added). */
  async setState(s: ViewState): Promise<void> {
    s = normalizeViewState(s);
    this.i18n.setLang(s.lang);
    for (const [id, l] of Object.entries(s.layers)) {
      if (id === SITES_LAYER) {
        this.setSitesVisible(l.visible);
        continue;
      }
      const layer = this.layers.get(id);
      if (!layer) continue;
      if (layer.visible !== l.visible) this.layers.setVisible(id, l.visible);
      if (layer.opacity !== l.opacity) this.layers.setOpacity(id, l.opacity);
      if (layer.styleBy !== l.styleBy) this.trySetStyle(id, l.styleBy);
    }
    this.updateReplacements();
    await this.applyRest(s);
    if (s.camera) this.setCamera(s.camera);
    this.changed();
  }

  private async applyRest(s: ViewState): Promise<void> {
    // User layers: add the missing ones (by URL), remove those not in the state.
    const have = this.layers.userLayerStates();
    for (const u of s.userLayers) {
      if (!have.some((h) => h.url === u.url && h.type === u.type)) await this.layers.addUserLayer(u);
    }
    for (const l of [...this.layers.layers]) {
      if (l.group === 'user' && !s.userLayers.some((u) => u.url === l.url)) this.layers.remove(l.id);
    }
    if (s.underground !== this.underground) this.setUnderground(s.underground);
    this.live.applyTime(s.time ?? null);
    if (s.bim) {
      const c = this.bim.get(s.bim.layer);
      try {
        c?.apply(s.bim);
      } catch (err) {
        this.error((err as Error).message);
      }
    }
    this.select(s.selection);
  }

  /** The share link of the current state. */
  shareUrl(): string {
    return `${location.origin}${location.pathname}${location.search}#${encodeViewState(this.state())}${this.hashExtras.map((f) => f()).join('')}`;
  }

  /** Layers in tree order. */
  get layerList(): TwinLayer[] {
    return this.layers.layers;
  }
}

/** Key of a feature that has no id property: `#<featureId>@<tile content URL>`. */
export function anonymousFeatureKey(f: Cesium3DTileFeature): string {
  return `#${f.featureId}@${(f as unknown as { content: { url?: string } }).content.url ?? ''}`;
}

/** Formats a property value as text. */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
  if (typeof v === 'object') {
    try {
      return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
    } catch {
      return String(v);
    }
  }
  return String(v);
}

/** localStorage, or an in-memory stand-in where storage is blocked. */
function safeLocalStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  try {
    localStorage.getItem('x');
    return localStorage;
  } catch {
    const m = new Map<string, string>();
    return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
  }
}
