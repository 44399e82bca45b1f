import {
  BlendOption,
  BoundingSphere,
  Cartesian2,
  Cartesian3,
  Cartographic,
  Color,
  Intersect,
  Math as CesiumMath,
  Matrix4,
  PointPrimitiveCollection,
  PrimitiveCollection,
  SceneTransforms,
  type PointPrimitive,
  type Viewer,
} from 'cesium';
import type { SiteKind, SiteSpec } from '../../core/scene/catalog.js';
import type { I18n } from '../i18n/I18n.js';
import { clusterScreenPoints } from '../../core/geometry/screenClusters.js';
import { LabelOverlay, type OverlayLabel, type OverlayStyle } from './LabelOverlay.js';

/** Point colour of each site kind (also the legend's). */
export const SITE_COLORS: Record<SiteKind, string> = { sensor: '#3ee08f', camera: '#ffb020', droneport: '#b57bff' };

/** Colour of a cluster whose sites have no state colour (rank 0). */
export const CLUSTER_COLOR = '#19e3ff';
/** Labels show up to this distance from the camera (m). */
export const LABEL_RANGE_M = 1200;
/** Symbols closer than this on screen (px, each axis, plus half a point) are grouped when clustering is on. */
export const CLUSTER_PIXEL_RANGE = 24;
/** Smallest group drawn as a cluster. */
export const CLUSTER_MIN_SIZE = 3;
/** Point size of a site, and of the selected one (px). */
const POINT_PX = 10;
const SELECTED_PX = 16;
/** Site labels: 12 px white, 10 px above the point, smaller far away, none beyond LABEL_RANGE_M. */
const SITE_LABEL: OverlayStyle = { fontPx: 12, fill: '#fff', outlinePx: 3, offsetPx: 10, baseline: 'bottom', near: 300, far: 4000, farScale: 0.6, maxDistance: LABEL_RANGE_M };
/** Cluster counts, centred on the cluster's point. */
const CLUSTER_LABEL: OverlayStyle = { fontPx: 11, bold: true, fill: '#fff', outlinePx: 2.5, offsetPx: 0, baseline: 'middle', near: 1, far: 2, farScale: 1, maxDistance: Infinity };
/** While the view moves, clusters and labels are recomputed at most this often (ms). */
const REFRESH_MS = 100;

/** The `id` of a site's point primitive: what a pick returns. */
export interface SitePickId {
  /** `site:<siteId>` (see {@link SiteLayer.entityId}). */
  readonly id: string;
  /** The site. */
  readonly siteId: string;
}

/** The `id` of a cluster symbol's point: the sites it stands for. */
export interface SiteClusterPickId {
  /** Always `cluster`. */
  readonly id: 'cluster';
  /** The grouped sites. */
  readonly siteIds: readonly string[];
  /** Their positions (ECEF), for zooming in. */
  readonly positions: readonly Cartesian3[];
}

/** A site with a label in view at the last view update, and its squared distance from the camera (m²). */
export interface LabelledSite {
  siteId: string;
  dist2: number;
}

interface SiteEntry {
  spec: SiteSpec;
  position: Cartesian3;
  point: PointPrimitive;
  pick: SitePickId;
  color: string;
  rank: number;
  /** Its label (the text is the label's, drawn or not). */
  label: OverlayLabel;
  /** Whether its label is drawn. */
  labelled: boolean;
  /** Index of its cluster in `clusters`, or -1. */
  cluster: number;
}

interface ClusterSymbol {
  members: SiteEntry[];
  point: PointPrimitive;
  label: OverlayLabel;
}

/**
 * The scene's live-data sites (sensors, cameras, drone ports) drawn as coloured points with labels: one Cesium
 * point collection for all sites, and labels only for the sites in view within {@link LABEL_RANGE_M}, drawn on a 2D
 * overlay ({@link SiteLabelOverlay}) only when the view or a text changed. Colours and label texts change only when
 * set; clusters (screen-space, see {@link clusterScreenPoints}) and the labelled set
 * are recomputed only when the view or the sites change — nothing is walked per frame while nothing changes.
 * Fires `view` when the set of labelled sites changed.
 */
export class SiteLayer extends EventTarget {
  /**
   * The sites' points (one per site, `id` a {@link SitePickId}). Opaque only: a translucent command would switch on
   * the scene's order-independent translucency passes, full-screen work that software WebGL pays every frame.
   */
  readonly points = new PointPrimitiveCollection({ blendOption: BlendOption.OPAQUE });
  /**
   * The 2D label overlay: groups `sites` (labels of the sites in view and range) and `clusters` (counts); other
   * layers may add groups (the live drones do).
   */
  readonly labels: LabelOverlay;
  /** Cluster symbols: a point per cluster (`id` a {@link SiteClusterPickId}); their counts are overlay labels. */
  readonly clusterPoints = new PointPrimitiveCollection({ blendOption: BlendOption.OPAQUE });
  /**
   * Visibility of the sites as a whole, as the layer tree and the view state read it (`dataSource.show`, the shape
   * of the entity data source this layer once was); setting it is {@link setVisible}.
   */
  readonly dataSource: { show: boolean };
  private readonly root = new PrimitiveCollection({ destroyPrimitives: true });
  private readonly byId = new Map<string, SiteEntry>();
  private readonly colors = new Map<string, Color>();
  private clusters: ClusterSymbol[] = [];
  private labelled: LabelledSite[] = [];
  private clusteringOn = false;
  private selected: string | null = null;
  private dirty = true;
  private readonly lastView = new Matrix4();
  private lastWidth = -1;
  private lastHeight = -1;
  private lastRefresh = -Infinity;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** View updates done so far (clusters and labels recomputed). */
  refreshes = 0;

  /**
   * @param viewer the Cesium viewer
   * @param i18n language of the labels
   */
  constructor(
    private readonly viewer: Viewer,
    private readonly i18n: I18n,
  ) {
    super();
    const scene = viewer.scene;
    this.labels = new LabelOverlay(scene);
    this.root.add(this.points);
    this.root.add(this.clusterPoints);
    scene.primitives.add(this.root);
    const root = this.root;
    const layer = this;
    this.dataSource = {
      get show() {
        return root.show;
      },
      set show(v: boolean) {
        layer.setVisible(v);
      },
    };
    scene.preRender.addEventListener(() => this.onPreRender());
    i18n.addEventListener('change', () => this.relabel());
  }

  /** Entity id of a site. */
  static entityId(siteId: string): string {
    return `site:${siteId}`;
  }

  /** Adds the scene's sites (replacing any before). */
  setSites(sites: SiteSpec[]): void {
    this.points.removeAll();
    this.labels.setGroup('sites', SITE_LABEL, []);
    this.byId.clear();
    this.clearClusters();
    this.labelled = [];
    this.selected = null;
    for (const s of sites) {
      if (this.byId.has(s.id)) throw new Error(`scene.json: sites: duplicate site id '${s.id}'`);
      const position = Cartesian3.fromDegrees(s.lon, s.lat, s.height);
      const pick: SitePickId = { id: SiteLayer.entityId(s.id), siteId: s.id };
      const color = SITE_COLORS[s.kind] ?? '#ffffff';
      const point = this.points.add({
        id: pick,
        position,
        pixelSize: POINT_PX,
        color: this.color(color),
        outlineColor: Color.BLACK,
        outlineWidth: 2,
        disableDepthTestDistance: Number.POSITIVE_INFINITY,
      });
      const label: OverlayLabel = { position, text: this.i18n.text(s.name, s.id), pick };
      this.byId.set(s.id, { spec: s, position, point, pick, color, rank: 0, label, labelled: false, cluster: -1 });
    }
    this.invalidate();
  }

  /** Site spec by id. */
  get(id: string): SiteSpec | undefined {
    return this.byId.get(id)?.spec;
  }

  /** The site id of a picked object's `id` (a site's point), if it is one of ours. */
  siteIdOf(pickedId: unknown): string | undefined {
    const id = (pickedId as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' && id.startsWith('site:') && this.byId.has(id.slice(5)) ? id.slice(5) : undefined;
  }

  /** The cluster a picked object's `id` stands for (a cluster symbol's point), if it is one. */
  clusterOf(pickedId: unknown): SiteClusterPickId | undefined {
    const c = pickedId as Partial<SiteClusterPickId> | undefined;
    return c && c.id === 'cluster' && Array.isArray(c.siteIds) && Array.isArray(c.positions) ? (c as SiteClusterPickId) : undefined;
  }

  /** Whether the sites are shown. */
  get visible(): boolean {
    return this.root.show;
  }

  /** Shows or hides all sites. */
  setVisible(show: boolean): void {
    if (this.root.show === show) return;
    this.root.show = show;
    this.labels.setGroupVisible('sites', show);
    this.labels.setGroupVisible('clusters', show);
    // Hidden, the view is not followed: catch up when shown again.
    if (show) this.invalidate();
  }

  /** Whether nearby sites are drawn as one cluster symbol with their count. */
  get clustering(): boolean {
    return this.clusteringOn;
  }

  set clustering(on: boolean) {
    if (on === this.clusteringOn) return;
    this.clusteringOn = on;
    this.invalidate();
  }

  /** Marks a site selected (bigger point); null clears. */
  highlight(id: string | null): void {
    const prev = this.selected ? this.byId.get(this.selected) : undefined;
    if (prev) prev.point.pixelSize = POINT_PX;
    this.selected = id && this.byId.has(id) ? id : null;
    const cur = this.selected ? this.byId.get(this.selected) : undefined;
    if (cur) cur.point.pixelSize = SELECTED_PX;
    this.viewer.scene.requestRender();
  }

  /**
   * Sets a site's point colour (CSS) and its rank: a cluster takes the colour of its highest-ranked site, or
   * {@link CLUSTER_COLOR} when all rank 0. A no-op when unchanged.
   */
  setColor(id: string, css: string, rank = 0): void {
    const e = this.byId.get(id);
    if (!e || (e.color === css && e.rank === rank)) return;
    e.color = css;
    e.rank = rank;
    e.point.color = this.color(css);
    if (e.cluster >= 0) this.recolorCluster(this.clusters[e.cluster]);
    this.viewer.scene.requestRender();
  }

  /** A site's point colour as a CSS hex string (#rrggbb), undefined for an unknown site. */
  pointColor(id: string): string | undefined {
    return this.byId.get(id)?.point.color.toCssHexString();
  }

  /** Sets a site's label text (the overlay redraws only when the text changed and the label is drawn). */
  setLabelText(id: string, text: string): void {
    const e = this.byId.get(id);
    if (!e || e.label.text === text) return;
    e.label.text = text;
    if (e.labelled) this.labels.invalidate();
  }

  /** A site's label text (drawn or not). */
  labelText(id: string): string | undefined {
    return this.byId.get(id)?.label.text;
  }

  /** Whether a site's label is drawn (in view, in range, not clustered) as of the last view update. */
  labelShown(id: string): boolean {
    return !!this.byId.get(id)?.labelled;
  }

  /** Whether a site is drawn inside a cluster symbol as of the last view update. */
  isClustered(id: string): boolean {
    return (this.byId.get(id)?.cluster ?? -1) >= 0;
  }

  /** The cluster symbols drawn: the sites, label text (count), colour (CSS hex) and position of each. */
  clusterSymbols(): { siteIds: string[]; text: string; color: string; lon: number; lat: number; height: number }[] {
    return this.clusters.map((c) => {
      const g = Cartographic.fromCartesian(c.point.position);
      return {
        siteIds: c.members.map((m) => m.spec.id),
        text: c.label.text,
        color: c.point.color.toCssHexString(),
        lon: CesiumMath.toDegrees(g.longitude),
        lat: CesiumMath.toDegrees(g.latitude),
        height: g.height,
      };
    });
  }

  /** The sites with a label drawn at the last view update, with their squared distance from the camera. */
  labelledSites(): readonly LabelledSite[] {
    return this.labelled;
  }

  /** Recomputes clusters and labels at the next rendered frame. */
  invalidate(): void {
    this.dirty = true;
    this.viewer.scene.requestRender();
  }

  private color(css: string): Color {
    let c = this.colors.get(css);
    if (!c) this.colors.set(css, (c = Color.fromCssColorString(css)));
    return c;
  }

  private relabel(): void {
    for (const e of this.byId.values()) {
      e.label.text = this.i18n.text(e.spec.name, e.spec.id);
    }
    this.labels.invalidate();
  }

  /** Before each rendered frame: a cheap check whether the view changed; if so, a (throttled) view update. */
  private onPreRender(): void {
    if (!this.root.show || !this.byId.size) return;
    const scene = this.viewer.scene;
    const camera = scene.camera;
    const w = scene.drawingBufferWidth;
    const h = scene.drawingBufferHeight;
    if (!this.dirty && w === this.lastWidth && h === this.lastHeight && Matrix4.equals(camera.viewMatrix, this.lastView)) return;
    const now = performance.now();
    const wait = this.lastRefresh + REFRESH_MS - now;
    if (wait > 0) {
      // Moving: one update per REFRESH_MS, and a last one once it stops (a frame is requested for it).
      this.refreshTimer ??= setTimeout(() => {
        this.refreshTimer = undefined;
        scene.requestRender();
      }, wait);
      return;
    }
    this.dirty = false;
    this.lastWidth = w;
    this.lastHeight = h;
    Matrix4.clone(camera.viewMatrix, this.lastView);
    this.lastRefresh = now;
    this.refresh();
  }

  /** Recomputes which sites are clustered and which carry a label, from the current view. */
  private refresh(): void {
    this.refreshes++;
    const scene = this.viewer.scene;
    const camera = scene.camera;
    const eye = camera.positionWC;
    const cull = camera.frustum.computeCullingVolume(eye, camera.directionWC, camera.upWC);
    const sphere = new BoundingSphere(undefined, 1);
    const toEye = new Cartesian3();
    const win = new Cartesian2();
    const inView: SiteEntry[] = [];
    const xs: number[] = [];
    const ys: number[] = [];
    const w = scene.canvas.clientWidth;
    const h = scene.canvas.clientHeight;
    const margin = CLUSTER_PIXEL_RANGE * 2;
    for (const e of this.byId.values()) {
      e.cluster = -1;
      sphere.center = e.position;
      // In the frustum and on the camera's side of the globe (the tangent plane at the site faces the camera).
      if (cull.computeVisibility(sphere) === Intersect.OUTSIDE) continue;
      if (Cartesian3.dot(Cartesian3.subtract(eye, e.position, toEye), e.position) < 0) continue;
      const p = SceneTransforms.worldToWindowCoordinates(scene, e.position, win);
      if (!p || p.x < -margin || p.y < -margin || p.x > w + margin || p.y > h + margin) continue;
      inView.push(e);
      xs.push(p.x);
      ys.push(p.y);
    }
    this.clearClusters();
    if (this.clusteringOn && inView.length) {
      const { clusters } = clusterScreenPoints(xs, ys, CLUSTER_PIXEL_RANGE + POINT_PX / 2, CLUSTER_MIN_SIZE);
      for (const idx of clusters) this.addCluster(idx.map((i) => inView[i]));
    }
    const rangeSq = LABEL_RANGE_M * LABEL_RANGE_M;
    const labelled: LabelledSite[] = [];
    const wanted = new Set<SiteEntry>();
    for (const e of inView) {
      if (e.cluster >= 0) continue;
      const dist2 = Cartesian3.distanceSquared(e.position, eye);
      if (dist2 > rangeSq) continue;
      wanted.add(e);
      labelled.push({ siteId: e.spec.id, dist2 });
    }
    let changed = false;
    const drawn: OverlayLabel[] = [];
    for (const e of this.byId.values()) {
      const show = e.cluster < 0;
      if (e.point.show !== show) e.point.show = show;
      const want = wanted.has(e);
      if (want !== e.labelled) {
        e.labelled = want;
        changed = true;
      }
      if (want) drawn.push(e.label);
    }
    this.labels.setGroup('sites', SITE_LABEL, drawn);
    this.labels.setGroup('clusters', CLUSTER_LABEL, this.clusters.map((c) => c.label));
    this.labelled = labelled;
    if (changed) this.dispatchEvent(new Event('view'));
  }

  private addCluster(members: SiteEntry[]): void {
    const index = this.clusters.length;
    const center = new Cartesian3();
    for (const m of members) {
      m.cluster = index;
      Cartesian3.add(center, m.position, center);
    }
    Cartesian3.divideByScalar(center, members.length, center);
    const id: SiteClusterPickId = { id: 'cluster', siteIds: members.map((m) => m.spec.id), positions: members.map((m) => m.position) };
    const point = this.clusterPoints.add({
      id,
      position: center,
      pixelSize: 18,
      color: this.color(CLUSTER_COLOR),
      outlineColor: Color.BLACK,
      outlineWidth: 2,
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
    });
    const label: OverlayLabel = { position: center, text: String(members.length), pick: id };
    const c: ClusterSymbol = { members, point, label };
    this.clusters.push(c);
    this.recolorCluster(c);
  }

  private recolorCluster(c: ClusterSymbol): void {
    let best: SiteEntry | undefined;
    for (const m of c.members) if (m.rank > 0 && (!best || m.rank > best.rank)) best = m;
    const color = this.color(best ? best.color : CLUSTER_COLOR);
    if (!Color.equals(c.point.color, color)) c.point.color = color;
  }

  private clearClusters(): void {
    if (this.clusters.length) this.clusterPoints.removeAll();
    this.clusters = [];
  }
}
