// Video fusion (视频融合): projects a camera's video onto the 3D scene from the camera's pose.
// A PostProcessStage: for each pixel, rebuild the eye-space position from the depth texture, map it into the video
// camera's clip space (u_eyeToVideoClip = videoProjection · videoView · inverse(mainView), composed on the CPU in
// double precision each frame), and where it falls inside the video frustum, blend the video texel over the scene.
uniform sampler2D colorTexture;
uniform sampler2D depthTexture;
uniform sampler2D videoTexture;
uniform mat4 u_eyeToVideoClip;
uniform float u_alpha;
uniform float u_far;

in vec2 v_textureCoordinates;

void main() {
  vec4 color = texture(colorTexture, v_textureCoordinates);
  out_FragColor = color;
  float depth = czm_readDepth(depthTexture, v_textureCoordinates);
  if (depth >= 1.0) {
    return;
  }
  // Eye-space position as Cesium's own depth-based stages rebuild it (czm_readDepth already undoes log depth).
  vec4 eye = czm_inverseProjection * vec4(2.0 * v_textureCoordinates - 1.0, depth, 1.0);
  vec4 clip = u_eyeToVideoClip * vec4(eye.xyz / eye.w, 1.0);
  if (clip.w <= 0.0 || clip.w > u_far) {
    return;
  }
  vec3 ndc = clip.xyz / clip.w;
  if (abs(ndc.x) > 1.0 || abs(ndc.y) > 1.0) {
    return;
  }
  vec2 uv = ndc.xy * 0.5 + 0.5;
  vec4 video = texture(videoTexture, uv);
  // Soft edge over the outer 3 % of the frame.
  vec2 edge = smoothstep(vec2(0.0), vec2(0.03), uv) * smoothstep(vec2(0.0), vec2(0.03), 1.0 - uv);
  out_FragColor = vec4(mix(color.rgb, video.rgb, u_alpha * edge.x * edge.y), color.a);
}
