/**
 * Video fusion (视频融合): a camera's video projected onto the 3D scene from the camera's pose by a
 * PostProcessStage (shaders/video-projection.glsl). The scene depth gives each pixel's position; the camera's
 * view-projection matrix (composed with the main view's inverse on the CPU, in double precision) maps it into the
 * video frame. Video frames are copied to a small canvas at ~10 Hz and uploaded as the stage's texture.
 * Limitation: no occlusion test from the video camera (surfaces hidden from it are painted too).
 */
import * as Cesium from 'cesium';
import { Matrix4, PostProcessStage, type Viewer } from 'cesium';
import glsl from '../../../shaders/video-projection.glsl?raw';
import type { CameraSpec } from '../../core/live/frustum.js';
import { videoViewProjection } from './videoMatrix.js';

/** The parts of Cesium's (exported but untyped) renderer Texture used here. */
interface GlTexture {
  readonly width: number;
  readonly height: number;
  copyFrom(options: { source: HTMLCanvasElement }): void;
  destroy(): void;
}
type TextureCtor = new (options: { context: unknown; source: HTMLCanvasElement }) => GlTexture;

/** One projected video. Call `destroy()` to remove it. */
export class VideoProjection {
  /** The post-process stage (added to the scene). */
  readonly stage: PostProcessStage;
  /** Frames uploaded so far. */
  frames = 0;
  private readonly canvas = document.createElement('canvas');
  private readonly viewProj: Matrix4;
  private readonly scratch = new Matrix4();
  private readonly removeListener: () => void;
  private lastUpload = 0;
  private texture: GlTexture;

  /**
   * @param viewer the Cesium viewer
   * @param pose the camera's position (degrees, ellipsoidal height m) and pose spec
   * @param video the playing video element to project
   * @param alpha blend of the video over the scene (0–1)
   */
  constructor(
    private readonly viewer: Viewer,
    pose: { lon: number; lat: number; height: number; spec: CameraSpec },
    private readonly video: HTMLVideoElement,
    alpha = 0.85,
  ) {
    this.viewProj = videoViewProjection(pose.lon, pose.lat, pose.height, pose.spec);
    this.canvas.width = 2;
    this.canvas.height = 2;
    // A texture this class owns and refreshes in place (re-assigning an image uniform would leave the stage without a
    // texture for one frame while Cesium re-creates it).
    this.texture = this.createTexture();
    this.stage = new PostProcessStage({
      name: `video-projection-${Math.random().toString(36).slice(2)}`,
      fragmentShader: glsl,
      uniforms: {
        videoTexture: () => this.texture,
        u_eyeToVideoClip: () => Matrix4.multiply(this.viewProj, this.viewer.camera.inverseViewMatrix, this.scratch),
        u_alpha: alpha,
        u_far: pose.spec.range * 1.5,
      },
    });
    viewer.scene.postProcessStages.add(this.stage);
    this.removeListener = viewer.scene.preRender.addEventListener(() => this.upload());
  }

  private upload(): void {
    const v = this.video;
    const now = performance.now();
    if (now - this.lastUpload < 100 || v.readyState < 2 || !v.videoWidth) return;
    this.lastUpload = now;
    const w = Math.min(512, v.videoWidth);
    const h = Math.max(1, Math.round((w * v.videoHeight) / v.videoWidth));
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    this.canvas.getContext('2d')?.drawImage(v, 0, 0, w, h);
    if (this.texture.width !== w || this.texture.height !== h) {
      this.texture.destroy();
      this.texture = this.createTexture();
    } else this.texture.copyFrom({ source: this.canvas });
    this.frames++;
  }

  private createTexture(): GlTexture {
    const Texture = (Cesium as unknown as { Texture: TextureCtor }).Texture;
    return new Texture({ context: (this.viewer.scene as unknown as { context: unknown }).context, source: this.canvas });
  }

  /** Removes the stage. */
  destroy(): void {
    this.removeListener();
    this.viewer.scene.postProcessStages.remove(this.stage);
    this.texture.destroy();
  }
}
