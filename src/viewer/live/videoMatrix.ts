/** The view-projection matrix of a video camera (for projecting its video onto the scene). Uses Cesium math only. */
import { Cartesian3, Matrix3, Matrix4, Transforms } from 'cesium';
import { cameraAxes, type CameraSpec } from '../../core/live/frustum.js';

/** The video camera's view-projection matrix (world → clip) from its position and pose. */
export function videoViewProjection(lon: number, lat: number, height: number, spec: CameraSpec, near = 0.5): Matrix4 {
  const pos = Cartesian3.fromDegrees(lon, lat, height);
  const rot = Matrix4.getMatrix3(Transforms.eastNorthUpToFixedFrame(pos), new Matrix3());
  const axes = cameraAxes(spec.heading, spec.pitch);
  const toEcef = (v: [number, number, number]) => Cartesian3.normalize(Matrix3.multiplyByVector(rot, new Cartesian3(...v), new Cartesian3()), new Cartesian3());
  const view = Matrix4.computeView(pos, toEcef(axes.dir), toEcef(axes.up), toEcef(axes.right), new Matrix4());
  const fovY = 2 * Math.atan(Math.tan((spec.fov * Math.PI) / 360) / spec.aspect);
  const proj = Matrix4.computePerspectiveFieldOfView(fovY, spec.aspect, near, spec.range * 1.5, new Matrix4());
  return Matrix4.multiply(proj, view, new Matrix4());
}

