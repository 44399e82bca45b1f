/** Texture encoding of flood frames for the water shader (shaders/flood-water.glsl). Pure. */

/**
 * Fills RGBA texels for the water shader from a quantised frame: r = √(depth/10 m), g = speed/5 m/s, a = wet
 * (depth ≥ 1 cm and not blocked). Pure.
 */
export function encodeWaterTexels(depthMm: Uint16Array, speedMms: Uint16Array, blocked: Uint8Array | null, out: Uint8ClampedArray): void {
  for (let i = 0; i < depthMm.length; i++) {
    const d = depthMm[i];
    const o = i * 4;
    if (d < 10 || (blocked && blocked[i])) {
      out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
      continue;
    }
    out[o] = Math.round(Math.sqrt(Math.min(d, 10000) / 10000) * 255);
    out[o + 1] = Math.round(Math.min(1, speedMms[i] / 5000) * 255);
    out[o + 2] = 0;
    out[o + 3] = 255;
  }
}

