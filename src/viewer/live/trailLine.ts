/**
 * Fixed-size drone trail lines: a trail of any length is drawn as exactly `n` vertices, so the polyline's vertex
 * buffer keeps its size and an update only rewrites positions. Pure TypeScript (no Cesium, no DOM).
 */

/** A position with a time, oldest first in a trail. */
export interface TimedPosition {
  t: number;
  lon: number;
  lat: number;
  height: number;
}

/** Default number of vertices of a drawn trail (2 min at 5 Hz is 600 points; 1 per second is plenty on screen). */
export const TRAIL_VERTICES = 128;

/**
 * Resamples a trail (oldest first) to exactly `n` points along its index: a longer trail is thinned evenly, a shorter
 * one is filled in by linear interpolation between its points, so the vertex count stays `n` (Cesium drops repeated
 * vertices, so padding by repetition would change the count). The oldest and newest points are always kept. Fewer
 * than 2 points give an empty array (nothing to draw).
 */
export function fixedTrail(points: readonly TimedPosition[], n = TRAIL_VERTICES): TimedPosition[] {
  if (!Number.isInteger(n) || n < 2) throw new Error(`fixedTrail: n must be an integer ≥ 2 (got ${n})`);
  const len = points.length;
  if (len < 2) return [];
  const out: TimedPosition[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const u = (i * (len - 1)) / (n - 1);
    const k = Math.min(len - 2, Math.floor(u));
    const f = u - k;
    const a = points[k];
    const b = points[k + 1];
    out[i] =
      len > n || f === 0
        ? points[len > n ? Math.round(u) : k]
        : { t: a.t + (b.t - a.t) * f, lon: a.lon + (b.lon - a.lon) * f, lat: a.lat + (b.lat - a.lat) * f, height: a.height + (b.height - a.height) * f };
  }
  out[n - 1] = points[len - 1];
  return out;
}
