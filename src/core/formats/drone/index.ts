/**
 * Drone flight logs → one common track: DJI SRT, PX4 ULog and MAVLink tlog. `parseFlightLog` picks the reader from
 * the file's magic bytes (ULog), its extension or its content.
 */
import { parseDjiSrt, type SrtOptions } from './srt.js';
import { parseULog } from './ulog.js';
import { parseTlog } from './mavlink.js';
import { FlightLogError, type FlightTrack } from './track.js';

export * from './track.js';
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

/** Parses a flight log of any supported format into the common track. Throws FlightLogError naming file and offset. */
export function parseFlightLog(bytes: Uint8Array, file: string, options: FlightLogOptions = {}): FlightTrack {
  switch (detectFlightLog(bytes, file)) {
    case 'px4-ulog':
      return parseULog(bytes, file);
    case 'mavlink-tlog':
      return parseTlog(bytes, file, { sysid: options.sysid });
    case 'dji-srt':
      return parseDjiSrt(bytes, file, options);
    default:
      throw new FlightLogError(file, 0, 'unknown flight log format (expected a PX4 .ulg, a MAVLink .tlog or a DJI .srt)');
  }
}
