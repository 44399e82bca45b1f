// Flood water draped on the terrain (a Cesium Material on a GroundPrimitive rectangle over the run grid).
// depthMap (one texel per grid cell, row 0 = north, linear filtering):
//   r = sqrt(depth / 10 m) of wet cells, g = speed / 5 m/s, a = 1 where the depth ≥ 1 cm, else 0 (dry: transparent).
// Filtering mixes wet texels with dry ones (rgb 0, a 0), so r/a and g/a give back the wet values and a the coverage.
uniform sampler2D depthMap;
uniform float opacity;
uniform float time;

// Depth colour ramp (m): shallow cyan → blue → deep navy; the classes match the panel's legend.
vec3 floodRamp(float d) {
  vec3 c0 = vec3(0.60, 0.92, 1.00); // 0.01 m
  vec3 c1 = vec3(0.20, 0.70, 0.98); // 0.15 m
  vec3 c2 = vec3(0.08, 0.42, 0.90); // 0.5 m
  vec3 c3 = vec3(0.05, 0.20, 0.65); // 1.0 m
  vec3 c4 = vec3(0.10, 0.05, 0.40); // ≥ 2 m
  if (d < 0.15) return mix(c0, c1, smoothstep(0.01, 0.15, d));
  if (d < 0.5) return mix(c1, c2, (d - 0.15) / 0.35);
  if (d < 1.0) return mix(c2, c3, (d - 0.5) / 0.5);
  return mix(c3, c4, clamp(d - 1.0, 0.0, 1.0));
}

czm_material czm_getMaterial(czm_materialInput materialInput) {
  czm_material material = czm_getDefaultMaterial(materialInput);
  vec4 t = texture(depthMap, materialInput.st);
  float cover = t.a;
  if (cover < 0.02) discard;
  float r = t.r / cover;
  float depth = 10.0 * r * r;
  float speed = 5.0 * t.g / cover;
  vec3 color = floodRamp(depth);
  // Faster water gets lighter streaks that drift with time (a hint of flow, not a velocity field).
  float streak = 0.5 + 0.5 * sin(60.0 * (materialInput.st.x + materialInput.st.y) - 4.0 * time);
  color = mix(color, vec3(0.9, 0.97, 1.0), clamp(speed / 2.0, 0.0, 0.35) * streak);
  material.diffuse = color;
  material.emission = color * 0.35;
  // Thin sheet flow (a few cm, everywhere in a storm) stays faint so the city shows; ponding water is opaque.
  material.alpha = opacity * cover * (0.12 * smoothstep(0.01, 0.05, depth) + 0.83 * smoothstep(0.05, 0.4, depth));
  return material;
}
