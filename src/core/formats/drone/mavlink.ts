/**
 * MAVLink 1/2 frame reader (with CRC-extra checks) for the few messages a twin needs — HEARTBEAT, SYS_STATUS,
 * GPS_RAW_INT, ATTITUDE, GLOBAL_POSITION_INT, VFR_HUD, BATTERY_STATUS — and the tlog reader (QGroundControl /
 * Mission Planner telemetry logs: each frame is preceded by a big-endian uint64 time in µs since the Unix epoch).
 * Pure TypeScript (DataView on Uint8Array): runs in Node and the browser.
 */
import { FlightLogError, validFix, wrap360, type FlightLogIssue, type FlightTrack, type TrackPoint } from './track.js';
import { sceneHeight, type HeightDatum } from './heights.js';

/** `{ altEllipsoid }` when the datum converts an MSL / relative height pair, else nothing. */
function ellipsoidal(altMsl: number, altRelative: number, datum: HeightDatum): { altEllipsoid?: number } {
  const h = sceneHeight({ t: 0, lon: 0, lat: 0, altMsl, altRelative }, datum);
  return h.source === 'msl+geoid' || h.source === 'relative+home' ? { altEllipsoid: Math.round(h.height * 1000) / 1000 } : {};
}

/** MAVLink message ids this reader decodes. */
export const MAV_MSG = {
  HEARTBEAT: 0,
  SYS_STATUS: 1,
  GPS_RAW_INT: 24,
  ATTITUDE: 30,
  GLOBAL_POSITION_INT: 33,
  VFR_HUD: 74,
  BATTERY_STATUS: 147,
} as const;

/** CRC_EXTRA seed and base (MAVLink 1) payload length of each decoded message, from the MAVLink common.xml definitions. */
const DEFS: Record<number, { crcExtra: number; len: number; name: string }> = {
  0: { crcExtra: 50, len: 9, name: 'HEARTBEAT' },
  1: { crcExtra: 124, len: 31, name: 'SYS_STATUS' },
  24: { crcExtra: 24, len: 30, name: 'GPS_RAW_INT' },
  30: { crcExtra: 39, len: 28, name: 'ATTITUDE' },
  33: { crcExtra: 104, len: 28, name: 'GLOBAL_POSITION_INT' },
  74: { crcExtra: 20, len: 20, name: 'VFR_HUD' },
  147: { crcExtra: 154, len: 36, name: 'BATTERY_STATUS' },
};

/** The CRC_EXTRA byte of a message id this reader knows, else undefined. */
export function crcExtraOf(msgid: number): number | undefined {
  return DEFS[msgid]?.crcExtra;
}

/** X.25 / CRC-16/MCRF4XX accumulate over bytes [from, to) starting from `crc`. */
export function crc16(bytes: Uint8Array, from = 0, to = bytes.length, crc = 0xffff): number {
  for (let i = from; i < to; i++) {
    let tmp = bytes[i] ^ (crc & 0xff);
    tmp = (tmp ^ (tmp << 4)) & 0xff;
    crc = ((crc >> 8) ^ (tmp << 8) ^ (tmp << 3) ^ (tmp >> 4)) & 0xffff;
  }
  return crc;
}

/** One MAVLink frame. */
export interface MavFrame {
  /** Byte offset of the frame's start marker in the input. */
  offset: number;
  version: 1 | 2;
  seq: number;
  sysid: number;
  compid: number;
  msgid: number;
  /** Payload (MAVLink 2 zero-truncated payloads are padded back to the message's full length for known ids). */
  payload: Uint8Array;
  /** Whole frame length in bytes (header, payload, CRC, signature). */
  length: number;
}

/** A decoded message of one of the supported types (units as on the wire unless the field name says otherwise). */
export type MavMessage =
  | { type: 'HEARTBEAT'; mavType: number; autopilot: number; baseMode: number; customMode: number; systemStatus: number }
  | { type: 'SYS_STATUS'; voltageMv: number; batteryRemaining: number }
  | { type: 'GPS_RAW_INT'; timeUsec: number; lat: number; lon: number; altMsl: number; fixType: number; satellites: number; speed?: number; course?: number }
  | { type: 'ATTITUDE'; timeBootMs: number; rollDeg: number; pitchDeg: number; yawDeg: number }
  | { type: 'GLOBAL_POSITION_INT'; timeBootMs: number; lat: number; lon: number; altMsl: number; altRelative: number; vx: number; vy: number; vz: number; headingDeg?: number }
  | { type: 'VFR_HUD'; airspeed: number; groundspeed: number; altMsl: number; climb: number; headingDeg: number; throttle: number }
  | { type: 'BATTERY_STATUS'; id: number; batteryRemaining: number; currentConsumedMah: number };

/** Result of reading frames out of a byte buffer. */
export interface FrameScan {
  frames: MavFrame[];
  issues: FlightLogIssue[];
  /** Bytes at the end that may be the start of a frame still arriving (offset of the first one), or the buffer length. */
  rest: number;
}

/**
 * Reads one frame at `pos` (which must hold 0xFE or 0xFD). Returns the frame, 'short' when the buffer ends inside it,
 * or a string describing why it is invalid (bad CRC on a known message).
 */
export function readFrame(buf: Uint8Array, pos: number, base = 0): MavFrame | 'short' | string {
  const stx = buf[pos];
  const v2 = stx === 0xfd;
  if (!v2 && stx !== 0xfe) return `no MAVLink start marker (0x${stx?.toString(16)})`;
  const hdr = v2 ? 10 : 6;
  if (pos + hdr > buf.length) return 'short';
  const len = buf[pos + 1];
  const incompat = v2 ? buf[pos + 2] : 0;
  const total = hdr + len + 2 + (v2 && incompat & 1 ? 13 : 0);
  if (pos + total > buf.length) return 'short';
  const seq = buf[pos + (v2 ? 4 : 2)];
  const sysid = buf[pos + (v2 ? 5 : 3)];
  const compid = buf[pos + (v2 ? 6 : 4)];
  const msgid = v2 ? buf[pos + 7] | (buf[pos + 8] << 8) | (buf[pos + 9] << 16) : buf[pos + 5];
  const def = DEFS[msgid];
  if (def) {
    let crc = crc16(buf, pos + 1, pos + hdr + len);
    crc = crc16(Uint8Array.of(def.crcExtra), 0, 1, crc);
    const got = buf[pos + hdr + len] | (buf[pos + hdr + len + 1] << 8);
    if (crc !== got) return `bad CRC in ${def.name} (msgid ${msgid}, v${v2 ? 2 : 1}): computed 0x${crc.toString(16)}, frame has 0x${got.toString(16)}`;
  }
  let payload = buf.subarray(pos + hdr, pos + hdr + len);
  const full = def ? Math.max(def.len, len) : len;
  if (payload.length < full) {
    const p = new Uint8Array(full);
    p.set(payload);
    payload = p;
  }
  return { offset: base + pos, version: v2 ? 2 : 1, seq, sysid, compid, msgid, payload, length: total };
}

/**
 * Incremental MAVLink stream reader (UDP datagrams, serial bytes): feed chunks, get frames with valid CRCs for the
 * known messages (other message ids are passed through unverified). Garbage and frames with bad CRCs are skipped and
 * reported as issues with their byte offset in the stream.
 */
export class MavlinkStreamParser {
  private buf = new Uint8Array(0);
  private base = 0;
  /** Problems found so far (capped at the last 100). */
  readonly issues: FlightLogIssue[] = [];
  /** Frames rejected for a bad CRC. */
  badCrc = 0;

  /** Adds bytes; returns the complete frames they finish. */
  push(chunk: Uint8Array): MavFrame[] {
    const merged = new Uint8Array(this.buf.length + chunk.length);
    merged.set(this.buf);
    merged.set(chunk, this.buf.length);
    const out: MavFrame[] = [];
    let pos = 0;
    while (pos < merged.length) {
      const b = merged[pos];
      if (b !== 0xfe && b !== 0xfd) {
        pos++;
        continue;
      }
      const f = readFrame(merged, pos, this.base);
      if (f === 'short') break;
      if (typeof f === 'string') {
        this.badCrc++;
        this.issue(this.base + pos, f);
        pos++;
        continue;
      }
      if (crcExtraOf(f.msgid) === undefined) {
        // Unknown message: its CRC cannot be checked, so only trust its length when the next frame starts right after it.
        const next = pos + f.length;
        if (next < merged.length && merged[next] !== 0xfe && merged[next] !== 0xfd) {
          pos++;
          continue;
        }
      }
      out.push(f);
      pos += f.length;
    }
    this.base += pos;
    this.buf = merged.slice(pos);
    if (this.buf.length > 300) {
      // Cannot be one frame (max 280 bytes): drop a byte to resynchronise.
      this.base += 1;
      this.buf = this.buf.slice(1);
    }
    return out;
  }

  private issue(offset: number, message: string): void {
    this.issues.push({ offset, message });
    if (this.issues.length > 100) this.issues.shift();
  }
}

const DEG = 180 / Math.PI;

/** Decodes a frame of one of the supported message types (undefined for others). */
export function decodeMessage(f: MavFrame): MavMessage | undefined {
  const p = f.payload;
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  switch (f.msgid) {
    case 0:
      return { type: 'HEARTBEAT', customMode: dv.getUint32(0, true), mavType: p[4], autopilot: p[5], baseMode: p[6], systemStatus: p[7] };
    case 1:
      return { type: 'SYS_STATUS', voltageMv: dv.getUint16(14, true), batteryRemaining: dv.getInt8(30) };
    case 24: {
      const vel = dv.getUint16(24, true);
      const cog = dv.getUint16(26, true);
      return {
        type: 'GPS_RAW_INT',
        timeUsec: Number(dv.getBigUint64(0, true)),
        lat: dv.getInt32(8, true) / 1e7,
        lon: dv.getInt32(12, true) / 1e7,
        altMsl: dv.getInt32(16, true) / 1000,
        fixType: p[28],
        satellites: p[29],
        speed: vel === 0xffff ? undefined : vel / 100,
        course: cog === 0xffff ? undefined : cog / 100,
      };
    }
    case 30:
      return { type: 'ATTITUDE', timeBootMs: dv.getUint32(0, true), rollDeg: dv.getFloat32(4, true) * DEG, pitchDeg: dv.getFloat32(8, true) * DEG, yawDeg: dv.getFloat32(12, true) * DEG };
    case 33: {
      const hdg = dv.getUint16(26, true);
      return {
        type: 'GLOBAL_POSITION_INT',
        timeBootMs: dv.getUint32(0, true),
        lat: dv.getInt32(4, true) / 1e7,
        lon: dv.getInt32(8, true) / 1e7,
        altMsl: dv.getInt32(12, true) / 1000,
        altRelative: dv.getInt32(16, true) / 1000,
        vx: dv.getInt16(20, true) / 100,
        vy: dv.getInt16(22, true) / 100,
        vz: dv.getInt16(24, true) / 100,
        headingDeg: hdg === 0xffff ? undefined : hdg / 100,
      };
    }
    case 74:
      return {
        type: 'VFR_HUD',
        airspeed: dv.getFloat32(0, true),
        groundspeed: dv.getFloat32(4, true),
        altMsl: dv.getFloat32(8, true),
        climb: dv.getFloat32(12, true),
        headingDeg: dv.getInt16(16, true),
        throttle: dv.getUint16(18, true),
      };
    case 147:
      return { type: 'BATTERY_STATUS', currentConsumedMah: dv.getInt32(0, true), id: p[32], batteryRemaining: dv.getInt8(35) };
    default:
      return undefined;
  }
}

const r = (x: number, d: number) => {
  const k = 10 ** d;
  return Math.round(x * k) / k;
};

/**
 * Per-vehicle telemetry state: feed decoded messages in arrival order; each GLOBAL_POSITION_INT yields a track point
 * carrying the latest attitude, ground speed and battery level.
 */
export class MavTelemetryState {
  /**
   * Vertical datum for live fixes: GLOBAL_POSITION_INT carries MSL and take-off-relative heights, never ellipsoidal
   * ones; with a geoidOffset (or homeHeight) each fix also gets `altEllipsoid` (see heights.ts).
   */
  datum: HeightDatum = {};
  private pitch?: number;
  private roll?: number;
  private yaw?: number;
  private groundspeed?: number;
  private battery?: number;
  private batteryFromStatus = false;

  /** Applies a message received at time `t` (ms); returns a new fix for GLOBAL_POSITION_INT with a valid position. */
  apply(m: MavMessage, t: number): TrackPoint | undefined {
    switch (m.type) {
      case 'ATTITUDE':
        this.pitch = m.pitchDeg;
        this.roll = m.rollDeg;
        this.yaw = m.yawDeg;
        return undefined;
      case 'VFR_HUD':
        this.groundspeed = m.groundspeed;
        return undefined;
      case 'BATTERY_STATUS':
        if (m.batteryRemaining >= 0 && m.id === 0) {
          this.battery = m.batteryRemaining;
          this.batteryFromStatus = true;
        }
        return undefined;
      case 'SYS_STATUS':
        if (m.batteryRemaining >= 0 && !this.batteryFromStatus) this.battery = m.batteryRemaining;
        return undefined;
      case 'GLOBAL_POSITION_INT': {
        if (!validFix(m.lon, m.lat)) return undefined;
        const heading = m.headingDeg ?? (this.yaw !== undefined ? wrap360(this.yaw) : undefined);
        const pt: TrackPoint = {
          t,
          lon: m.lon,
          lat: m.lat,
          altMsl: m.altMsl,
          altRelative: m.altRelative,
          ...ellipsoidal(m.altMsl, m.altRelative, this.datum),
          speed: r(this.groundspeed ?? Math.hypot(m.vx, m.vy), 2),
          climb: r(-m.vz, 2) + 0,
        };
        if (heading !== undefined) pt.heading = r(heading, 2);
        if (this.pitch !== undefined) pt.pitch = r(this.pitch, 2);
        if (this.roll !== undefined) pt.roll = r(this.roll, 2);
        if (this.battery !== undefined) pt.battery = this.battery;
        return pt;
      }
      default:
        return undefined;
    }
  }
}

/** Plausible tlog time (µs since epoch between 2000 and 2100). */
function plausibleUs(buf: Uint8Array, pos: number): number | undefined {
  if (pos + 8 > buf.length) return undefined;
  const dv = new DataView(buf.buffer, buf.byteOffset + pos, 8);
  const us = Number(dv.getBigUint64(0, false));
  return us > 946_684_800e6 && us < 4_102_444_800e6 ? us : undefined;
}

/**
 * Reads a MAVLink telemetry log (.tlog). The vehicle is the system id that sent the most GLOBAL_POSITION_INT messages
 * (or `options.sysid`). Frames with bad CRCs and garbage are skipped (listed in `issues`); a truncated tail keeps all
 * fixes before it. Throws FlightLogError when the file holds no tlog record at all or no valid fix.
 */
export function parseTlog(bytes: Uint8Array, file: string, options: { sysid?: number } = {}): FlightTrack {
  const issues: FlightLogIssue[] = [];
  const records: { t: number; frame: MavFrame }[] = [];
  let pos = 0;
  let synced = 0;
  while (pos + 8 < bytes.length) {
    const us = plausibleUs(bytes, pos);
    const stx = bytes[pos + 8];
    if (us === undefined || (stx !== 0xfe && stx !== 0xfd)) {
      if (records.length === 0 && pos === 0) {
        throw new FlightLogError(file, 0, 'not a MAVLink tlog: expected an 8-byte big-endian µs timestamp followed by a MAVLink start marker 0xFE/0xFD');
      }
      // Resynchronise: find the next plausible record.
      const from = pos;
      pos++;
      while (pos + 8 < bytes.length && !(plausibleUs(bytes, pos) !== undefined && (bytes[pos + 8] === 0xfe || bytes[pos + 8] === 0xfd))) pos++;
      issues.push({ offset: from, message: `garbage (${pos - from} bytes) skipped` });
      continue;
    }
    const f = readFrame(bytes, pos + 8, 0);
    if (f === 'short') {
      issues.push({ offset: pos, message: `truncated: the file ends inside a MAVLink frame (${bytes.length - pos} bytes left)` });
      pos = bytes.length;
      break;
    }
    if (typeof f === 'string') {
      issues.push({ offset: pos + 8, message: f });
      // Skip the frame as its length byte says; the next loop iteration resynchronises if that was wrong.
      const v2 = bytes[pos + 8] === 0xfd;
      pos += 8 + (v2 ? 12 : 8) + bytes[pos + 9] + (v2 && bytes[pos + 10] & 1 ? 13 : 0);
      continue;
    }
    records.push({ t: Math.round(us / 1000), frame: f });
    synced++;
    pos += 8 + f.length;
  }
  if (pos < bytes.length && records.length > 0) issues.push({ offset: pos, message: `truncated: ${bytes.length - pos} trailing bytes are not a whole record` });
  if (synced === 0) throw new FlightLogError(file, 0, 'no valid MAVLink tlog record found');

  const counts = new Map<number, number>();
  for (const rec of records) if (rec.frame.msgid === MAV_MSG.GLOBAL_POSITION_INT) counts.set(rec.frame.sysid, (counts.get(rec.frame.sysid) ?? 0) + 1);
  const sysid = options.sysid ?? [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (sysid === undefined) throw new FlightLogError(file, 0, `no GLOBAL_POSITION_INT message in ${records.length} MAVLink frames`);
  const state = new MavTelemetryState();
  const points: TrackPoint[] = [];
  let heartbeat: MavMessage | undefined;
  for (const rec of records) {
    if (rec.frame.sysid !== sysid) continue;
    const m = decodeMessage(rec.frame);
    if (!m) continue;
    if (m.type === 'HEARTBEAT' && !heartbeat) heartbeat = m;
    const pt = state.apply(m, rec.t);
    if (pt && (points.length === 0 || pt.t > points[points.length - 1].t)) points.push(pt);
  }
  if (points.length === 0) throw new FlightLogError(file, 0, `system ${sysid} sent no GLOBAL_POSITION_INT with a valid position`);
  return {
    file,
    format: 'mavlink-tlog',
    points,
    absoluteTime: true,
    issues,
    meta: { sysid, frames: records.length, mavType: heartbeat?.type === 'HEARTBEAT' ? heartbeat.mavType : undefined, autopilot: heartbeat?.type === 'HEARTBEAT' ? heartbeat.autopilot : undefined },
  };
}

/** Splits a tlog into its records (time in ms and the raw MAVLink frame bytes), e.g. to resend them over UDP. */
export function tlogRecords(bytes: Uint8Array): { t: number; bytes: Uint8Array }[] {
  const out: { t: number; bytes: Uint8Array }[] = [];
  let pos = 0;
  while (pos + 8 < bytes.length) {
    const us = plausibleUs(bytes, pos);
    const f = us === undefined ? 'bad' : readFrame(bytes, pos + 8, 0);
    if (us === undefined || typeof f === 'string') {
      pos++;
      continue;
    }
    out.push({ t: Math.round(us / 1000), bytes: bytes.subarray(pos + 8, pos + 8 + f.length) });
    pos += 8 + f.length;
  }
  return out;
}
