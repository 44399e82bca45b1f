/** The view-projection matrix of a video camera (for projecting its video onto the scene). Uses Cesium math only. */
import { Cartesian3, Matrix3, Matrix4, Transforms } from 'cesium';
import { cameraAxes, type CameraSpec } from '../../core/live/frustum.js';

/** A video camera's pose in Earth-fixed coordinates and its perspective frustum. */
export interface VideoCameraFrame {
  /** Position (ECEF, m). */
  position: Cartesian3;
  /** Unit view direction, up and right vectors (ECEF). */
  direction: Cartesian3;
  up: Cartesian3;
  right: Cartesian3;
  /** Vertical field of view (radians). */
  fovY: number;
  /**
   * Field of view as Cesium's PerspectiveFrustum.fov takes it: the horizontal angle when aspect > 1, else the vertical
   * one (radians).
   */
  cesiumFov: number;
  /** Width / height. */
  aspect: number;
  /** Near and far planes (m). */
  near: number;
  far: number;
}

/** The pose and frustum of a video camera from its position (degrees, ellipsoidal height m) and spec. */
export function videoCameraFrame(lon: number, lat: number, height: number, spec: CameraSpec, near = 0.5): VideoCameraFrame {
  const position = Cartesian3.fromDegrees(lon, lat, height);
  const rot = Matrix4.getMatrix3(Transforms.eastNorthUpToFixedFrame(position), new Matrix3());
  const axes = cameraAxes(spec.heading, spec.pitch);
  const toEcef = (v: [number, number, number]) => Cartesian3.normalize(Matrix3.multiplyByVector(rot, new Cartesian3(...v), new Cartesian3()), new Cartesian3());
  const fovX = (spec.fov * Math.PI) / 180;
  const fovY = 2 * Math.atan(Math.tan(fovX / 2) / spec.aspect);
  return {
    position,
    direction: toEcef(axes.dir),
    up: toEcef(axes.up),
    right: toEcef(axes.right),
    fovY,
    cesiumFov: spec.aspect > 1 ? fovX : fovY,
    aspect: spec.aspect,
    near,
    far: spec.range * 1.5,
  };
}

/** The video camera's view-projection matrix (world → clip) from its position and pose. */
export function videoViewProjection(lon: number, lat: number, height: number, spec: CameraSpec, near = 0.5): Matrix4 {
  const f = videoCameraFrame(lon, lat, height, spec, near);
  const view = Matrix4.computeView(f.position, f.direction, f.up, f.right, new Matrix4());
  const proj = Matrix4.computePerspectiveFieldOfView(f.fovY, f.aspect, f.near, f.far, new Matrix4());
  return Matrix4.multiply(proj, view, new Matrix4());
}

/**
 * Window depth d ∈ [0, 1] of a perspective projection with planes near/far → distance along the view axis (m). The
 * shader's linearDepth() (shaders/video-projection.glsl) is the same formula; the occlusion test compares these.
 */
export function windowDepthToDistance(d: number, near: number, far: number): number {
  const ndc = 2 * d - 1;
  return (2 * near * far) / (far + near - ndc * (far - near));
}

/**
 * The occlusion decision of the shader for one tap: a point at distance `here` (m, along the video camera's axis) is
 * seen when the nearest surface the depth map holds in its direction is no nearer than `here` minus the bias
 * (max(0.4 m, 1.5 % of the distance), which absorbs depth-map resolution and the surface's own slope).
 */
export function seenFromCamera(here: number, nearest: number): boolean {
  const bias = Math.max(0.4, 0.015 * here);
  return nearest >= here - bias;
}
