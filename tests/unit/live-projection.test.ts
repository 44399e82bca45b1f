import { describe, expect, it } from 'vitest';
import { Cartesian3, Cartesian4, Matrix3, Matrix4, Transforms } from 'cesium';
import { videoViewProjection } from '../../src/viewer/live/videoMatrix.js';
import { cameraAxes } from '../../src/core/live/frustum.js';

describe('video camera view-projection (video fusion)', () => {
  const spec = { heading: 51, pitch: -25, fov: 70, range: 120, aspect: 16 / 9 };
  const [lon, lat, h] = [113.3118385, 23.1175891, 8.63];
  const vp = videoViewProjection(lon, lat, h, spec);
  const pos = Cartesian3.fromDegrees(lon, lat, h);
  const rot = Matrix4.getMatrix3(Transforms.eastNorthUpToFixedFrame(pos), new Matrix3());
  const ax = cameraAxes(spec.heading, spec.pitch);
  const enuPoint = (v: [number, number, number]) => Cartesian3.add(pos, Matrix3.multiplyByVector(rot, new Cartesian3(...v), new Cartesian3()), new Cartesian3());
  const ndc = (p: Cartesian3) => {
    const c = Matrix4.multiplyByVector(vp, new Cartesian4(p.x, p.y, p.z, 1), new Cartesian4());
    return { x: c.x / c.w, y: c.y / c.w, w: c.w };
  };

  it('maps the view axis to the frame centre and the frustum edges to the frame edges', () => {
    const at = (s: number, r: number, u: number) => enuPoint([0, 1, 2].map((i) => ax.dir[i] * s + ax.right[i] * r + ax.up[i] * u) as [number, number, number]);
    const centre = ndc(at(50, 0, 0));
    expect(centre.x).toBeCloseTo(0, 6);
    expect(centre.y).toBeCloseTo(0, 6);
    expect(centre.w).toBeCloseTo(50, 3);
    const halfW = 50 * Math.tan((35 * Math.PI) / 180);
    expect(ndc(at(50, halfW, 0)).x).toBeCloseTo(1, 5);
    expect(ndc(at(50, 0, halfW / spec.aspect)).y).toBeCloseTo(1, 5);
    // Behind the camera: negative w (the shader skips it).
    expect(ndc(at(-20, 0, 0)).w).toBeLessThan(0);
  });
});
