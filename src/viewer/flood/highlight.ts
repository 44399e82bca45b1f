/**
 * 3D Tiles style conditions that colour flooded buildings by depth class (pure; unit-tested). One regular
 * expression per class keeps the style cheap with hundreds of ids.
 */
import { literal, prop } from '../styling/styleJson.js';

/** Depth classes of flooded buildings: lower bound (m) and colour, deepest first. */
export const BUILDING_DEPTH_CLASSES: { min: number; color: string }[] = [
  { min: 1.0, color: '#7a0019' },
  { min: 0.5, color: '#d7301f' },
  { min: 0, color: '#fc8d59' },
];

/** Escapes a string for use inside a regular expression. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Colour conditions ([condition, colour]) for flooded buildings, deepest class first; empty when none is flooded.
 * @param idProperty feature property holding the id
 * @param flooded flooded buildings with their depth (m)
 */
export function buildingHighlightConditions(idProperty: string, flooded: { id: string; depth: number }[]): [string, string][] {
  const out: [string, string][] = [];
  const used = new Set<string>();
  for (const cls of BUILDING_DEPTH_CLASSES) {
    const ids = flooded.filter((b) => b.depth >= cls.min && !used.has(b.id)).map((b) => b.id);
    if (!ids.length) continue;
    ids.forEach((id) => used.add(id));
    const re = `^(${ids.map(escapeRegExp).join('|')})$`;
    out.push([`regExp(${literal(re)}).test(String(${prop(idProperty)}))`, `color(${literal(cls.color)}, 1.0)`]);
  }
  return out;
}
