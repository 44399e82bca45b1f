/**
 * The common drone track every flight-log parser (DJI SRT, PX4 ULog, MAVLink tlog) produces, and the error type they
 * throw. Pure TypeScript: runs in Node, workers and the browser.
 */

/** One fix of a flight track. */
export interface TrackPoint {
  /** Time in ms since the Unix epoch (UTC); ms since the start of the log when the track's `absoluteTime` is false. */
  t: number;
  /** Longitude (degrees, WGS84). */
  lon: number;
  /** Latitude (degrees, WGS84). */
  lat: number;
  /** Height above the WGS84 ellipsoid (m), when the log records it. */
  altEllipsoid?: number;
  /** Height above mean sea level (m), when the log records it. */
  altMsl?: number;
  /** Height above the take-off point / home (m), when the log records it. */
  altRelative?: number;
  /** Heading (degrees clockwise from true north, 0–360). */
  heading?: number;
  /** Pitch (degrees, nose up positive). */
  pitch?: number;
  /** Roll (degrees, right wing down positive). */
  roll?: number;
  /** Horizontal ground speed (m/s). */
  speed?: number;
  /** Vertical speed (m/s, up positive). */
  climb?: number;
  /** Remaining battery (%). */
  battery?: number;
}

/** A problem found while reading a log that did not stop the parser (the rest of the log was still read). */
export interface FlightLogIssue {
  /** Byte offset in the file where the problem starts. */
  offset: number;
  message: string;
}

/** A parsed flight log. */
export interface FlightTrack {
  /** The file name the caller gave (for messages). */
  file: string;
  /** 'dji-srt' | 'px4-ulog' | 'mavlink-tlog'. */
  format: 'dji-srt' | 'px4-ulog' | 'mavlink-tlog';
  /** Fixes in ascending time. */
  points: TrackPoint[];
  /** True when `t` is UTC ms since epoch; false when the log holds only times relative to its start. */
  absoluteTime: boolean;
  /** Problems skipped (bad CRC, truncated tail...), each with its byte offset. */
  issues: FlightLogIssue[];
  /** Extra facts from the log (vehicle, firmware, camera settings of the first fix...). */
  meta: Record<string, unknown>;
}

/** An unreadable flight log: names the file and the byte offset of the problem. */
export class FlightLogError extends Error {
  /** The file name given to the parser. */
  readonly file: string;
  /** Byte offset of the problem. */
  readonly offset: number;
  constructor(file: string, offset: number, message: string) {
    super(`${file}: byte ${offset}: ${message}`);
    this.name = 'FlightLogError';
    this.file = file;
    this.offset = offset;
  }
}

/** Normalises an angle to [0, 360). */
export function wrap360(deg: number): number {
  const d = deg % 360;
  return d < 0 ? d + 360 : d;
}

/** True when lon/lat is a plausible fix (finite, in range, not the 0/0 "no fix" placeholder). */
export function validFix(lon: number, lat: number): boolean {
  return Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lon === 0 && lat === 0);
}
