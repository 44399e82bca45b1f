import {
  Cartesian3,
  Cartographic,
  ClippingPlane,
  ClippingPlaneCollection,
  Ellipsoid,
  Matrix4,
  Plane,
  Transforms,
  type Cesium3DTile,
  type Cesium3DTileset,
} from 'cesium';
import type { BimViewState } from '../../core/scene/viewstate.js';
import type { LayerManager } from '../layers/LayerManager.js';
import type { TwinLayer } from '../layers/TwinLayer.js';

/**
 * BIM tools for a `bim` layer: isolate a storey (style show on `${storey}`), explode storeys (each storey tile of the
 * root's children moved up by index × gap through its `transform`), and a horizontal section plane
 * (ClippingPlaneCollection) at a height above the building base.
 */
export class BimController {
  private storey: string | null = null;
  private gap = 0;
  private section: number | null = null;
  private base: { lon: number; lat: number; minHeight: number; maxHeight: number } | null = null;
  private originals = new Map<Cesium3DTile, Matrix4>();

  /**
   * @param layers the layer manager
   * @param layerId id of the BIM layer
   */
  constructor(
    private readonly layers: LayerManager,
    readonly layerId: string,
  ) {}

  /** The BIM layer. */
  get layer(): TwinLayer | undefined {
    return this.layers.get(this.layerId);
  }

  /** The current BIM state. */
  state(): BimViewState {
    return { layer: this.layerId, storey: this.storey, explode: this.gap, section: this.section };
  }

  /** Building height range (m above base) for the section slider; 0..100 before the tileset loads. */
  heightRange(): number {
    const b = this.measure();
    return b ? Math.max(1, b.maxHeight - b.minHeight) : 100;
  }

  /** Applies a whole BIM state. */
  apply(s: BimViewState): void {
    this.isolate(s.storey);
    this.explode(s.explode);
    this.setSection(s.section);
  }

  /** Shows only the storey with this id (null = all storeys). Throws for an unknown storey. */
  isolate(storey: string | null): void {
    const layer = this.layer;
    if (storey !== null && layer?.spec?.storeys && !layer.spec.storeys.some((s) => s.id === storey)) {
      throw new Error(`BIM layer '${this.layerId}' has no storey '${storey}'`);
    }
    this.storey = storey;
    if (!layer) return;
    layer.isolate = storey === null ? null : { property: 'storey', value: storey };
    this.layers.restyle(layer);
  }

  /** Moves storey tile i up by i × gap metres (0 puts them back). */
  explode(gap: number): void {
    this.gap = Math.max(0, gap);
    const tileset = this.layer?.tileset;
    if (!tileset?.root) return;
    const parent = tileset.root.computedTransform;
    const center = tileset.boundingSphere.center;
    const up = Ellipsoid.WGS84.geodeticSurfaceNormal(center, new Cartesian3());
    const invParent = Matrix4.inverse(parent, new Matrix4());
    tileset.root.children.forEach((child, i) => {
      if (!this.originals.has(child)) this.originals.set(child, Matrix4.clone(child.transform));
      const original = this.originals.get(child)!;
      // world shift T(up·d), expressed in the parent's frame: inv(P) · T · P · original
      const shift = Matrix4.fromTranslation(Cartesian3.multiplyByScalar(up, i * this.gap, new Cartesian3()));
      const m = Matrix4.multiply(invParent, Matrix4.multiply(shift, Matrix4.multiply(parent, original, new Matrix4()), new Matrix4()), new Matrix4());
      Matrix4.clone(m, child.transform);
    });
  }

  /** Sets the section plane height above the building base in metres (null removes it). */
  setSection(height: number | null): void {
    this.section = height;
    const tileset = this.layer?.tileset;
    if (!tileset) return;
    if (height === null) {
      if (tileset.clippingPlanes) tileset.clippingPlanes.enabled = false;
      return;
    }
    const b = this.measure();
    if (!b) return;
    const point = Cartesian3.fromDegrees(b.lon, b.lat, b.minHeight + height);
    const up = Ellipsoid.WGS84.geodeticSurfaceNormal(point, new Cartesian3());
    // Keep what lies below: normal points down.
    const worldPlane = Plane.fromPointNormal(point, Cartesian3.negate(up, new Cartesian3()));
    const origin = (tileset as unknown as { clippingPlanesOriginMatrix: Matrix4 }).clippingPlanesOriginMatrix;
    const local = Plane.transform(worldPlane, Matrix4.inverse(origin, new Matrix4()));
    const plane = new ClippingPlane(local.normal, local.distance);
    if (!tileset.clippingPlanes) {
      tileset.clippingPlanes = new ClippingPlaneCollection({ planes: [plane], edgeWidth: 1.5 });
    } else {
      tileset.clippingPlanes.removeAll();
      tileset.clippingPlanes.add(plane);
      tileset.clippingPlanes.enabled = true;
    }
  }

  /** Lon/lat of the building centre and its min/max ellipsoidal heights, from the tileset's bounding volume. */
  private measure(): { lon: number; lat: number; minHeight: number; maxHeight: number } | null {
    if (this.base) return this.base;
    const tileset: Cesium3DTileset | null | undefined = this.layer?.tileset;
    if (!tileset?.root) return null;
    const bs = tileset.boundingSphere;
    const c = Cartographic.fromCartesian(bs.center);
    const bv = (tileset.root as unknown as { boundingVolume: unknown }).boundingVolume as {
      minimumHeight?: number;
      maximumHeight?: number;
      boundingVolume?: { computeCorners?: (r?: Cartesian3[]) => Cartesian3[] };
    };
    let minH = c.height - bs.radius;
    let maxH = c.height + bs.radius;
    if (typeof bv.minimumHeight === 'number' && typeof bv.maximumHeight === 'number') {
      minH = bv.minimumHeight;
      maxH = bv.maximumHeight;
    } else if (bv.boundingVolume?.computeCorners) {
      // Heights of the box corners relative to the local up at the centre.
      const enu = Transforms.eastNorthUpToFixedFrame(bs.center);
      const inv = Matrix4.inverse(enu, new Matrix4());
      const zs = bv.boundingVolume.computeCorners().map((p) => Matrix4.multiplyByPoint(inv, p, new Cartesian3()).z);
      minH = c.height + Math.min(...zs);
      maxH = c.height + Math.max(...zs);
    }
    this.base = { lon: (c.longitude * 180) / Math.PI, lat: (c.latitude * 180) / Math.PI, minHeight: minH, maxHeight: maxH };
    return this.base;
  }
}
