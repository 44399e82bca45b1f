/**
 * Drone heights → the ellipsoidal heights the 3D scene needs (Cesium places everything at heights above the WGS84
 * ellipsoid). Logs record other datums:
 *   - MAVLink GLOBAL_POSITION_INT `alt` and GPS_RAW_INT `alt`, PX4 `vehicle_global_position.alt`, DJI `abs_alt`: above
 *     mean sea level (the geoid, EGM96/EGM2008). ellipsoidal = MSL + N, where N is the geoid undulation at the site
 *     (about −5 m in Guangzhou, +47 m in Zurich, −30 m in Buenos Aires): put N in `geoidOffset`.
 *   - MAVLink `relative_alt`, DJI `H` / `BAROMETER` / `rel_alt`: barometric height above the take-off point.
 *     ellipsoidal = home + relative, where home is the take-off point's ellipsoidal height: put it in `homeHeight`.
 * Rules, first that applies: the log's own ellipsoidal height; MSL + geoidOffset; relative + homeHeight. Whatever the
 * log itself pins down is used before the options: N = ellipsoidal − MSL from fixes that carry both (PX4 GPS), home =
 * ellipsoidal − relative from fixes that carry both. When nothing converts a fix, it keeps its raw height and the result
 * says which datum it is in. Pure: no DOM, no Node APIs.
 */
import type { FlightTrack, TrackPoint } from './track.js';

/** What the caller knows about the site's vertical datums. */
export interface HeightDatum {
  /** Geoid undulation N at the flight area (m): ellipsoidal height = MSL height + N. */
  geoidOffset?: number;
  /** Ellipsoidal height of the take-off point / home (m): ellipsoidal height = home + relative height. */
  homeHeight?: number;
}

/** Which datum a height is in: the ellipsoid (directly or converted), or an unconverted MSL / take-off height. */
export type HeightSource = 'ellipsoid' | 'msl+geoid' | 'relative+home' | 'msl' | 'takeoff' | 'none';

/** A fix's height for the scene and where it came from. */
export interface SceneHeight {
  /** Height (m): above the ellipsoid when `source` is 'ellipsoid', 'msl+geoid' or 'relative+home'. */
  height: number;
  source: HeightSource;
}

/** Throws naming the option when a datum value is not a finite number in a plausible range. */
export function checkHeightDatum(d: HeightDatum, where = 'height datum'): HeightDatum {
  if (d.geoidOffset !== undefined && !(Number.isFinite(d.geoidOffset) && Math.abs(d.geoidOffset) <= 120)) {
    throw new Error(`${where}: geoidOffset must be the geoid undulation in metres (−120…120), got ${d.geoidOffset}`);
  }
  if (d.homeHeight !== undefined && !(Number.isFinite(d.homeHeight) && d.homeHeight > -500 && d.homeHeight < 9000)) {
    throw new Error(`${where}: homeHeight must be the take-off point's ellipsoidal height in metres (−500…9000), got ${d.homeHeight}`);
  }
  return d;
}

/** The ellipsoidal height of one fix under `datum` (see the module comment for the rules). */
export function sceneHeight(p: TrackPoint, datum: HeightDatum = {}): SceneHeight {
  if (p.altEllipsoid !== undefined) return { height: p.altEllipsoid, source: 'ellipsoid' };
  if (p.altMsl !== undefined && datum.geoidOffset !== undefined) return { height: p.altMsl + datum.geoidOffset, source: 'msl+geoid' };
  if (p.altRelative !== undefined && datum.homeHeight !== undefined) return { height: datum.homeHeight + p.altRelative, source: 'relative+home' };
  if (p.altMsl !== undefined) return { height: p.altMsl, source: 'msl' };
  if (p.altRelative !== undefined) return { height: p.altRelative, source: 'takeoff' };
  return { height: 0, source: 'none' };
}

/** Median of the values (undefined for none). */
function median(xs: number[]): number | undefined {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The datum a track implies by itself, completed by `given`: N from fixes with both ellipsoidal and MSL heights, home
 * from fixes with both ellipsoidal and relative heights (medians, robust to a few bad fixes); `given` fills what the
 * log cannot tell, and, for home, also when the log has MSL + relative pairs and N is known (home = MSL + N − rel).
 */
export function trackHeightDatum(points: readonly TrackPoint[], given: HeightDatum = {}): HeightDatum {
  checkHeightDatum(given);
  const n = median(points.filter((p) => p.altEllipsoid !== undefined && p.altMsl !== undefined).map((p) => p.altEllipsoid! - p.altMsl!));
  const geoidOffset = n ?? given.geoidOffset;
  let home = median(points.filter((p) => p.altEllipsoid !== undefined && p.altRelative !== undefined).map((p) => p.altEllipsoid! - p.altRelative!));
  if (home === undefined && geoidOffset !== undefined && given.homeHeight === undefined) {
    home = median(points.filter((p) => p.altMsl !== undefined && p.altRelative !== undefined).map((p) => p.altMsl! + geoidOffset - p.altRelative!));
  }
  const out: HeightDatum = {};
  if (geoidOffset !== undefined) out.geoidOffset = Math.round(geoidOffset * 1000) / 1000;
  const h = home ?? given.homeHeight;
  if (h !== undefined) out.homeHeight = Math.round(h * 1000) / 1000;
  return out;
}

/**
 * Sets `altEllipsoid` on every fix of `track` that the datum converts (the track's own datum completed by `given`),
 * and records the datum and the count per source in `track.meta.heights`. Returns the same track.
 */
export function applyHeightDatum(track: FlightTrack, given: HeightDatum = {}): FlightTrack {
  const datum = trackHeightDatum(track.points, given);
  const counts: Partial<Record<HeightSource, number>> = {};
  for (const p of track.points) {
    const h = sceneHeight(p, datum);
    counts[h.source] = (counts[h.source] ?? 0) + 1;
    if (h.source === 'msl+geoid' || h.source === 'relative+home') p.altEllipsoid = Math.round(h.height * 1000) / 1000;
  }
  track.meta.heights = { datum, sources: counts };
  return track;
}
