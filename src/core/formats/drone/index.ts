/**
 * Drone flight logs → one common track: DJI SRT, PX4 ULog and MAVLink tlog. `parseFlightLog` picks the reader from
 * the file's magic bytes (ULog), its extension or its content.
 */
import { parseDjiSrt, type SrtOptions } from './srt.js';
import { parseULog } from './ulog.js';
import { parseTlog } from './mavlink.js';
import { FlightLogError, type FlightTrack } from './track.js';
import { applyHeightDatum, type HeightDatum } from './heights.js';

export * from './track.js';
export * from './heights.js';
export { parseDjiSrt, type SrtOptions } from './srt.js';
export { parseULog, readULog, decodeRow, topicRows, type ULogFile, type ULogField, type ULogValue } from './ulog.js';
export {
  parseTlog,
  tlogRecords,
  readFrame,
  decodeMessage,
  crc16,
  crcExtraOf,
  MavlinkStreamParser,
  MavTelemetryState,
  MAV_MSG,
  type MavFrame,
  type MavMessage,
} from './mavlink.js';

/** Options of parseFlightLog. */
export interface FlightLogOptions extends SrtOptions {
  /** MAVLink system id of the vehicle in a tlog (default: the one with most position messages). */
  sysid?: number;
  /**
   * Vertical datum of the flight area (geoid undulation, take-off point's ellipsoidal height): fixes with MSL or
   * take-off-relative heights get `altEllipsoid` from it (see heights.ts); what the log itself pins down comes first.
   */
  datum?: HeightDatum;
}

/** Detects the log format: 'px4-ulog', 'mavlink-tlog' or 'dji-srt' (undefined when unknown). */
export function detectFlightLog(bytes: Uint8Array, file: string): FlightTrack['format'] | undefined {
  if (bytes.length >= 4 && bytes[0] === 0x55 && bytes[1] === 0x4c && bytes[2] === 0x6f && bytes[3] === 0x67) return 'px4-ulog';
  const ext = /\.([a-z0-9]+)$/i.exec(file)?.[1]?.toLowerCase();
  if (ext === 'ulg') return 'px4-ulog';
  if (ext === 'tlog') return 'mavlink-tlog';
  if (ext === 'srt') return 'dji-srt';
  if (bytes.length > 9 && (bytes[8] === 0xfe || bytes[8] === 0xfd)) return 'mavlink-tlog';
  const head = new TextDecoder().decode(bytes.subarray(0, 200));
  if (/-->/.test(head)) return 'dji-srt';
  return undefined;
}

/**
 * Parses a flight log of any supported format into the common track, with ellipsoidal heights filled in where the log
 * or `options.datum` pins the datum down (applyHeightDatum). Throws FlightLogError naming file and offset.
 */
export function parseFlightLog(bytes: Uint8Array, file: string, options: FlightLogOptions = {}): FlightTrack {
  let track: FlightTrack;
  switch (detectFlightLog(bytes, file)) {
    case 'px4-ulog':
      track = parseULog(bytes, file);
      break;
    case 'mavlink-tlog':
      track = parseTlog(bytes, file, { sysid: options.sysid });
      break;
    case 'dji-srt':
      track = parseDjiSrt(bytes, file, options);
      break;
    default:
      throw new FlightLogError(file, 0, 'unknown flight log format (expected a PX4 .ulg, a MAVLink .tlog or a DJI .srt)');
  }
  try {
    return applyHeightDatum(track, options.datum);
  } catch (err) {
    throw new FlightLogError(file, 0, (err as Error).message);
  }
}
