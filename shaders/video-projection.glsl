// Video fusion (视频融合): projects a camera's video onto the 3D scene from the camera's pose.
// A PostProcessStage: for each pixel, rebuild the eye-space position from the depth texture, map it into the video
// camera's clip space (u_eyeToVideoClip = videoProjection · videoView · inverse(mainView), composed on the CPU in
// double precision each frame), and where it falls inside the video frustum, blend the video texel over the scene.
//
// Occlusion (like a shadow test): depthMap holds, for each direction from the video camera, the depth of the nearest
// surface (rendered from the camera's pose). A pixel whose distance from the camera is larger than that, by more than
// a small bias, is hidden from the camera and keeps its own colour. Depths are compared as linear distances along the
// view axis, so the bias is in metres. 4 taps (2×2) soften the edge of an occluder.
uniform sampler2D colorTexture;
uniform sampler2D depthTexture;
uniform sampler2D videoTexture;
uniform sampler2D depthMap;
uniform mat4 u_eyeToVideoClip;
uniform mat4 u_eyeToDepthMap;
uniform vec2 u_depthNearFar;
uniform float u_alpha;
uniform float u_far;
uniform float u_occlusion;
uniform float u_packedDepth;
uniform float u_debug;

in vec2 v_textureCoordinates;

// Window depth [0, 1] of the depth camera's perspective projection → distance along its view axis (m).
float linearDepth(float d) {
  float n = u_depthNearFar.x;
  float f = u_depthNearFar.y;
  float ndc = 2.0 * d - 1.0;
  return 2.0 * n * f / (f + n - ndc * (f - n));
}

float depthAt(vec2 uv) {
  vec4 t = texture(depthMap, uv);
  return u_packedDepth > 0.5 ? czm_unpackDepth(t) : t.r;
}

// 1 where the camera sees the point (depth-map texture coordinates p), 0 where something is in front of it.
float visibleFromCamera(vec3 p) {
  if (any(lessThan(p, vec3(0.0))) || any(greaterThan(p, vec3(1.0)))) {
    return 1.0;
  }
  float here = linearDepth(p.z);
  float bias = max(0.4, 0.015 * here);
  vec2 texel = vec2(1.0) / vec2(textureSize(depthMap, 0));
  float seen = 0.0;
  for (int i = 0; i < 4; i++) {
    vec2 o = (vec2(float(i & 1), float(i >> 1)) - 0.5) * texel;
    seen += step(here - bias, linearDepth(depthAt(p.xy + o)));
  }
  return seen * 0.25;
}

void main() {
  vec4 color = texture(colorTexture, v_textureCoordinates);
  out_FragColor = color;
  float depth = czm_readDepth(depthTexture, v_textureCoordinates);
  if (depth >= 1.0) {
    return;
  }
  // Eye-space position. czm_readDepth undoes log depth and returns the window depth d in [0, 1]; NDC z is 2d − 1.
  // (Feeding d itself as NDC z, as some depth-based stages do, puts points about twice as far along the view ray:
  // invisible when the view is the video camera's own pose, wrong from anywhere else.)
  vec4 eye = czm_inverseProjection * vec4(2.0 * v_textureCoordinates - 1.0, 2.0 * depth - 1.0, 1.0);
  vec4 eyePos = vec4(eye.xyz / eye.w, 1.0);
  vec4 clip = u_eyeToVideoClip * eyePos;
  if (clip.w <= 0.0 || clip.w > u_far) {
    return;
  }
  vec3 ndc = clip.xyz / clip.w;
  if (abs(ndc.x) > 1.0 || abs(ndc.y) > 1.0) {
    return;
  }
  float visible = 1.0;
  if (u_occlusion > 0.5) {
    vec4 s = u_eyeToDepthMap * eyePos;
    visible = visibleFromCamera(s.xyz / s.w);
    if (u_debug > 0.5) {
      // Debug view: surfaces the camera sees in green, hidden ones in red.
      out_FragColor = vec4(mix(color.rgb, mix(vec3(1.0, 0.0, 0.0), vec3(0.0, 1.0, 0.0), visible), 0.7), color.a);
      return;
    }
    if (visible <= 0.0) {
      return;
    }
  }
  vec2 uv = ndc.xy * 0.5 + 0.5;
  vec4 video = texture(videoTexture, uv);
  // Soft edge over the outer 3 % of the frame.
  vec2 edge = smoothstep(vec2(0.0), vec2(0.03), uv) * smoothstep(vec2(0.0), vec2(0.03), 1.0 - uv);
  out_FragColor = vec4(mix(color.rgb, video.rgb, u_alpha * edge.x * edge.y * visible), color.a);
}
