/**
 * The occlusion math of the video projection (mirrored by shaders/video-projection.glsl): window depths of the video
 * camera's frustum back to distances, and the visible / hidden decision with its bias.
 */
import { describe, expect, it } from 'vitest';
import { Cartesian3, Cartesian4, Matrix4 } from 'cesium';
import { seenFromCamera, videoCameraFrame, videoViewProjection, windowDepthToDistance } from '../../src/viewer/live/videoMatrix.js';

describe('video projection occlusion math', () => {
  const spec = { heading: 51, pitch: -25, fov: 70, range: 120, aspect: 16 / 9 };
  const [lon, lat, h] = [113.3118385, 23.1175891, 8.63];
  const f = videoCameraFrame(lon, lat, h, spec, 1);
  const vp = videoViewProjection(lon, lat, h, spec, 1);
  /** Window depth of a point `s` metres along the view axis, through the camera's own view-projection matrix. */
  const depthAt = (s: number) => {
    const p = Cartesian3.add(f.position, Cartesian3.multiplyByScalar(f.direction, s, new Cartesian3()), new Cartesian3());
    const c = Matrix4.multiplyByVector(vp, new Cartesian4(p.x, p.y, p.z, 1), new Cartesian4());
    return 0.5 * (c.z / c.w) + 0.5;
  };

  it('turns window depths of the video frustum back into distances along the view axis', () => {
    for (const s of [1, 5, 20, 60, 120, 179]) expect(windowDepthToDistance(depthAt(s), f.near, f.far)).toBeCloseTo(s, 6);
    expect(f.far).toBe(180);
    // Depth is non-linear: 80 % of the [0, 1] range is used by the first 5 m, which is why distances are compared.
    expect(depthAt(5)).toBeGreaterThan(0.8);
  });

  it('keeps a surface that is the nearest one, hides one behind a nearer surface', () => {
    expect(seenFromCamera(50, 50)).toBe(true); // the surface itself
    expect(seenFromCamera(50, 49.5)).toBe(true); // within the bias (depth-map texel, slope)
    expect(seenFromCamera(50, 30)).toBe(false); // a building 30 m away in front of ground at 50 m
    expect(seenFromCamera(5, 4.7)).toBe(true); // the bias is at least 0.4 m near the camera
    expect(seenFromCamera(5, 4.5)).toBe(false);
    expect(seenFromCamera(150, 147.5)).toBe(false); // 1.5 % of 150 m = 2.25 m
    expect(seenFromCamera(150, 148)).toBe(true);
  });
});
