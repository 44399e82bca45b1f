/**
 * Video fusion (视频融合): a camera's video projected onto the 3D scene from the camera's pose by a
 * PostProcessStage (shaders/video-projection.glsl). The scene depth gives each pixel's position; the camera's
 * view-projection matrix (composed with the main view's inverse on the CPU, in double precision) maps it into the
 * video frame. Video frames are copied to a small canvas at ~10 Hz and uploaded as the stage's texture.
 *
 * Occlusion: only surfaces the camera can see receive the video. A depth map is rendered from the camera's pose each
 * frame (Cesium's ShadowMap as a spot "light" at the camera, `fromLightSource: false` so it darkens nothing; buildings,
 * BIM and the terrain cast into it) and the shader compares each pixel's distance from the camera with the nearest
 * surface the depth map holds in that direction, like a shadow test.
 */
import * as Cesium from 'cesium';
import { Camera, Matrix4, PerspectiveFrustum, PostProcessStage, ShadowMode, type Viewer } from 'cesium';
import glsl from '../../../shaders/video-projection.glsl?raw';
import type { CameraSpec } from '../../core/live/frustum.js';
import { videoCameraFrame, videoViewProjection } from './videoMatrix.js';

/** The parts of Cesium's (exported but untyped) renderer Texture used here. */
interface GlTexture {
  readonly width: number;
  readonly height: number;
  copyFrom(options: { source: HTMLCanvasElement }): void;
  destroy(): void;
}
type TextureCtor = new (options: { context: unknown; source: HTMLCanvasElement | { width: number; height: number; arrayBufferView: Uint8Array } }) => GlTexture;

/** The parts of Cesium's (exported, private) ShadowMap used as the occlusion depth map. */
interface DepthShadowMap {
  readonly _shadowMapTexture: GlTexture | undefined;
  readonly _shadowMapMatrix: Matrix4;
  readonly _usesDepthTexture: boolean;
  readonly outOfView: boolean;
  enabled: boolean;
  destroy(): void;
}
type ShadowMapCtor = new (options: Record<string, unknown>) => DepthShadowMap;

/** Depth-map resolution (texels per side). */
const DEPTH_MAP_SIZE = 1024;

/** One projected video. Call `destroy()` to remove it. */
export class VideoProjection {
  /** The post-process stage (added to the scene). */
  readonly stage: PostProcessStage;
  /** Frames uploaded so far. */
  frames = 0;
  /**
   * Occlusion test on (default): surfaces hidden from the camera keep their own colour. Off paints every surface in
   * the frustum (the behaviour without a depth map).
   */
  occlusion = true;
  /** Debug view of the occlusion test: surfaces the camera sees in green, hidden ones in red (instead of the video). */
  debugOcclusion = false;
  private readonly canvas = document.createElement('canvas');
  private readonly viewProj: Matrix4;
  private readonly scratch = new Matrix4();
  private readonly removeListener: () => void;
  private lastUpload = 0;
  private texture: GlTexture;
  private readonly depthMap: DepthShadowMap;
  private readonly depthFallback: GlTexture;
  private readonly caster: { update(frameState: { shadowMaps: unknown[] }): void; isDestroyed(): boolean; destroy(): void };
  private readonly globeShadows: ShadowMode | undefined;

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
    const scene = viewer.scene;
    const context = (scene as unknown as { context: unknown }).context;
    this.viewProj = videoViewProjection(pose.lon, pose.lat, pose.height, pose.spec);
    this.canvas.width = 2;
    this.canvas.height = 2;
    // A texture this class owns and refreshes in place (re-assigning an image uniform would leave the stage without a
    // texture for one frame while Cesium re-creates it).
    this.texture = this.createTexture();
    const Texture = (Cesium as unknown as { Texture: TextureCtor }).Texture;
    // Until the depth map's first pass: depth 1 everywhere (nothing occluded).
    this.depthFallback = new Texture({ context, source: { width: 1, height: 1, arrayBufferView: new Uint8Array([255, 255, 255, 255]) } });

    // The depth camera: the video camera's pose and frustum (a near plane of 1 m keeps depth precision at range).
    const f = videoCameraFrame(pose.lon, pose.lat, pose.height, pose.spec, 1);
    const cam = new Camera(scene);
    cam.frustum = new PerspectiveFrustum({ fov: f.cesiumFov, aspectRatio: f.aspect, near: f.near, far: f.far });
    cam.setView({ destination: f.position, orientation: { direction: f.direction, up: f.up } });
    const ShadowMap = (Cesium as unknown as { ShadowMap: ShadowMapCtor }).ShadowMap;
    this.depthMap = new ShadowMap({
      context,
      lightCamera: cam,
      enabled: true,
      isPointLight: false,
      cascadesEnabled: false,
      softShadows: false,
      normalOffset: false,
      fromLightSource: false,
      size: DEPTH_MAP_SIZE,
    });
    // The scene renders the shadow maps primitives put into frameState.shadowMaps during their update.
    this.caster = {
      update: (frameState) => {
        if (this.occlusion) frameState.shadowMaps.push(this.depthMap);
      },
      isDestroyed: () => false,
      destroy: () => {},
    };
    scene.primitives.add(this.caster);
    // The terrain only receives shadows by default; let it cast into the depth map too (a hill hides what is behind).
    this.globeShadows = scene.globe?.shadows;
    if (scene.globe && scene.globe.shadows === ShadowMode.RECEIVE_ONLY) scene.globe.shadows = ShadowMode.ENABLED;

    const nearFar = new Cesium.Cartesian2(f.near, f.far);
    this.stage = new PostProcessStage({
      name: `video-projection-${Math.random().toString(36).slice(2)}`,
      fragmentShader: glsl,
      uniforms: {
        videoTexture: () => this.texture,
        u_eyeToVideoClip: () => Matrix4.multiply(this.viewProj, this.viewer.camera.inverseViewMatrix, this.scratch),
        u_alpha: alpha,
        u_far: pose.spec.range * 1.5,
        depthMap: () => this.depthMap._shadowMapTexture ?? this.depthFallback,
        // Eye space of the main view → depth-map texture space ([0, 1]³); Cesium updates it every frame.
        u_eyeToDepthMap: () => this.depthMap._shadowMapMatrix,
        u_depthNearFar: nearFar,
        u_occlusion: () => (this.occlusion && this.depthMap._shadowMapTexture && !this.depthMap.outOfView ? 1 : 0),
        u_packedDepth: () => (this.depthMap._usesDepthTexture ? 0 : 1),
        u_debug: () => (this.debugOcclusion ? 1 : 0),
      },
    });
    scene.postProcessStages.add(this.stage);
    this.removeListener = scene.preRender.addEventListener(() => this.upload());
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

  /** Removes the stage and the depth map. */
  destroy(): void {
    const scene = this.viewer.scene;
    this.removeListener();
    scene.postProcessStages.remove(this.stage);
    scene.primitives.remove(this.caster);
    if (scene.globe && this.globeShadows !== undefined) scene.globe.shadows = this.globeShadows;
    this.depthMap.destroy();
    this.depthFallback.destroy();
    this.texture.destroy();
  }
}
