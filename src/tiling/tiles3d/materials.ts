import type { SurfaceSemantic } from '../../core/model/feature.js';

/**
 * Default surface colours per semantic, as sRGB hex (what a designer picks). glTF wants linear factors, so
 * {@link materialFactor} converts them.
 */
export const SEMANTIC_COLORS: Record<SurfaceSemantic, string> = {
  roof: '#b5533c',
  wall: '#e6e1d6',
  ground: '#8c8c8c',
  floor: '#bdb6a8',
  ceiling: '#f0efe9',
  window: '#7fb2d9',
  door: '#8a5a3b',
  closure: '#d0d0d0',
  road: '#5c5c5c',
  water: '#3f7fbf',
  vegetation: '#5d9c4a',
  terrain: '#a39373',
  pipe: '#2f7de1',
  generic: '#cccccc',
};

/** Opacity used by default for semantics that are see-through (glass). */
const SEMANTIC_ALPHA: Partial<Record<SurfaceSemantic, number>> = { window: 0.55 };

/** sRGB component (0..1) → linear. */
export function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

/** "#rrggbb" → sRGB components 0..1. */
function hexToRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
}

/** Rounds to 6 decimals so the JSON stays short and stable. */
const r6 = (v: number) => Math.round(v * 1e6) / 1e6;

/**
 * The linear RGBA baseColorFactor of a part: `color` (sRGB RGBA 0..1, like CSS) when given, else the semantic's
 * default. Textured parts get white so the image is not tinted.
 */
export function materialFactor(
  semantic: SurfaceSemantic,
  color: [number, number, number, number] | undefined,
  textured: boolean,
): [number, number, number, number] {
  if (color) {
    const c = color.map((x) => Math.min(1, Math.max(0, Number.isFinite(x) ? x : 1)));
    return [r6(srgbToLinear(c[0])), r6(srgbToLinear(c[1])), r6(srgbToLinear(c[2])), r6(c[3])];
  }
  if (textured) return [1, 1, 1, 1];
  const rgb = hexToRgb(SEMANTIC_COLORS[semantic] ?? SEMANTIC_COLORS.generic);
  return [r6(srgbToLinear(rgb[0])), r6(srgbToLinear(rgb[1])), r6(srgbToLinear(rgb[2])), SEMANTIC_ALPHA[semantic] ?? 1];
}

/** A glTF material (pbrMetallicRoughness) for a factor, optional texture index and sidedness. */
export function gltfMaterial(
  name: string,
  factor: [number, number, number, number],
  textureIndex: number | undefined,
  doubleSided: boolean,
): Record<string, unknown> {
  const pbr: Record<string, unknown> = { baseColorFactor: factor, metallicFactor: 0, roughnessFactor: 0.9 };
  if (textureIndex !== undefined) pbr.baseColorTexture = { index: textureIndex };
  const m: Record<string, unknown> = { name, pbrMetallicRoughness: pbr };
  if (factor[3] < 1) m.alphaMode = 'BLEND';
  if (doubleSided || factor[3] < 1) m.doubleSided = true;
  return m;
}
