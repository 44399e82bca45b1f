import {
  ClassificationType,
  GeometryInstance,
  GroundPrimitive,
  Material,
  MaterialAppearance,
  Rectangle,
  RectangleGeometry,
  type Viewer,
} from 'cesium';
import waterGlsl from '../../../shaders/flood-water.glsl?raw';
import type { Grid } from '../../core/grid/grid.js';
import type { CoordinateTransform } from '../../core/geo/projection.js';
import { encodeWaterTexels } from './texels.js';

/**
 * The flood water drawn on the terrain: one GroundPrimitive rectangle over the run grid (classifying terrain only,
 * so buildings stay dry), with a Material whose GLSL (shaders/flood-water.glsl) colours each texel of a depth
 * texture by depth and makes dry cells transparent. `setFrame` swaps the texture (two canvases alternate, so
 * Cesium sees a new image and re-uploads).
 */
export class WaterLayer {
  /** The primitive (null after destroy). */
  primitive: GroundPrimitive | null;
  /** The material (uniforms: depthMap, opacity, time). */
  readonly material: Material;
  /** Number of frames shown so far. */
  framesShown = 0;
  private readonly canvases: HTMLCanvasElement[];
  private readonly images: ImageData[];
  private flip = 0;
  private readonly removeTick: () => void;

  /**
   * @param viewer the Cesium viewer
   * @param grid the run grid (its extent in the CRS)
   * @param crs the grid's CRS (a local tangent projection: x ∝ lon, y ∝ lat, so the grid is a lon/lat rectangle)
   */
  constructor(
    private readonly viewer: Viewer,
    readonly grid: Pick<Grid, 'ncols' | 'nrows' | 'xll' | 'yll' | 'cellSize'>,
    crs: CoordinateTransform,
  ) {
    const { ncols, nrows, xll, yll, cellSize } = grid;
    const [w, s] = crs.toGeodetic(xll, yll, 0);
    const [e, n] = crs.toGeodetic(xll + ncols * cellSize, yll + nrows * cellSize, 0);
    this.canvases = [0, 1].map(() => {
      const c = document.createElement('canvas');
      c.width = ncols;
      c.height = nrows;
      return c;
    });
    this.images = this.canvases.map(() => new ImageData(ncols, nrows));
    this.material = new Material({
      translucent: true,
      // No fabric `type`: Cesium caches typed fabrics (with their uniform values) and a second typed
      // material would be built from the first one's template. A fresh guid type per layer avoids that.
      fabric: {
        uniforms: { depthMap: this.canvases[0], opacity: 0.85, time: 0 },
        source: waterGlsl,
      },
    });
    this.primitive = new GroundPrimitive({
      geometryInstances: new GeometryInstance({
        geometry: new RectangleGeometry({ rectangle: Rectangle.fromDegrees(w, s, e, n), vertexFormat: MaterialAppearance.MaterialSupport.TEXTURED.vertexFormat }),
        id: 'flood-water',
      }),
      appearance: new MaterialAppearance({ material: this.material, materialSupport: MaterialAppearance.MaterialSupport.TEXTURED, flat: true, translucent: true }),
      classificationType: ClassificationType.TERRAIN,
      asynchronous: false,
    });
    viewer.scene.primitives.add(this.primitive);
    const t0 = performance.now();
    this.removeTick = viewer.scene.preRender.addEventListener(() => {
      this.material.uniforms.time = (performance.now() - t0) / 1000;
    });
  }

  /** Shows a frame (quantised depth in mm, speed in mm/s per cell). */
  setFrame(depthMm: Uint16Array, speedMms: Uint16Array, blocked: Uint8Array | null): void {
    this.flip ^= 1;
    const img = this.images[this.flip];
    encodeWaterTexels(depthMm, speedMms, blocked, img.data);
    const canvas = this.canvases[this.flip];
    canvas.getContext('2d')!.putImageData(img, 0, 0);
    this.material.uniforms.depthMap = canvas;
    this.framesShown++;
    this.viewer.scene.requestRender();
  }

  /** Water opacity 0..1. */
  set opacity(v: number) {
    this.material.uniforms.opacity = Math.min(1, Math.max(0, v));
    this.viewer.scene.requestRender();
  }

  /** Shows or hides the water. */
  set show(v: boolean) {
    if (this.primitive) this.primitive.show = v;
    this.viewer.scene.requestRender();
  }

  /** Whether the primitive is ready and shown. */
  get visible(): boolean {
    return !!this.primitive && this.primitive.show && this.primitive.ready;
  }

  /** Removes the water from the scene. */
  destroy(): void {
    this.removeTick();
    if (this.primitive) this.viewer.scene.primitives.remove(this.primitive);
    this.primitive = null;
  }
}
