/**
 * PX4 ULog reader (https://docs.px4.io/main/en/dev_log/ulog_file_format.html), written from the format spec:
 * header (magic "ULog" 01 12 35, version, µs timestamp), definitions (F formats, I/M info, P parameters, B flags) and
 * data (A subscriptions, D data, L/C log strings, S sync, O dropouts). Decodes any topic generically and builds a
 * track from vehicle_global_position (the estimator's fused position, preferred when logged) or else
 * vehicle_gps_position / sensor_gps; GPS fixes carrying `time_utc_usec` give the UTC offset of the boot clock.
 * Pure TypeScript: runs in Node and the browser.
 */
import { FlightLogError, validFix, wrap360, type FlightLogIssue, type FlightTrack, type TrackPoint } from './track.js';

const MAGIC = [0x55, 0x4c, 0x6f, 0x67, 0x01, 0x12, 0x35];

const SIZES: Record<string, number> = {
  int8_t: 1, uint8_t: 1, bool: 1, char: 1,
  int16_t: 2, uint16_t: 2,
  int32_t: 4, uint32_t: 4, float: 4,
  int64_t: 8, uint64_t: 8, double: 8,
};

/** One field of a ULog format definition. */
export interface ULogField {
  type: string;
  name: string;
  /** Array length, or 0 for a scalar. */
  count: number;
}

/** A decoded ULog data value: numbers (64-bit integers as numbers), strings for char arrays, arrays and nested objects. */
export type ULogValue = number | boolean | string | ULogValue[] | { [k: string]: ULogValue };

/** A parsed ULog file (formats, info, parameters, subscriptions and the raw data messages per subscription). */
export interface ULogFile {
  version: number;
  /** Header timestamp (µs since boot). */
  startUs: number;
  formats: Map<string, ULogField[]>;
  info: Map<string, ULogValue>;
  params: Map<string, number>;
  /** msg_id → subscription. */
  subscriptions: Map<number, { name: string; multiId: number; rows: Uint8Array[]; offsets: number[] }>;
  /** Logged text messages. */
  messages: { t: number; level: number; text: string }[];
  issues: FlightLogIssue[];
}

const dec = new TextDecoder();

function parseFormat(text: string): [string, ULogField[]] {
  const colon = text.indexOf(':');
  const name = text.slice(0, colon);
  const fields: ULogField[] = [];
  for (const part of text.slice(colon + 1).split(';')) {
    if (!part.trim()) continue;
    const sp = part.lastIndexOf(' ');
    let type = part.slice(0, sp).trim();
    const fname = part.slice(sp + 1).trim();
    let count = 0;
    const m = /^(.*)\[(\d+)\]$/.exec(type);
    if (m) {
      type = m[1];
      count = Number(m[2]);
    }
    fields.push({ type, name: fname, count });
  }
  return [name, fields];
}

/** Reads the structure of a ULog file. Throws FlightLogError on a wrong magic; a truncated tail is reported in `issues`. */
export function readULog(bytes: Uint8Array, file: string): ULogFile {
  if (bytes.length < 16 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new FlightLogError(file, 0, 'not a ULog file: expected the magic bytes "ULog" 01 12 35');
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: ULogFile = {
    version: bytes[7],
    startUs: Number(dv.getBigUint64(8, true)),
    formats: new Map(),
    info: new Map(),
    params: new Map(),
    subscriptions: new Map(),
    messages: [],
    issues: [],
  };
  let pos = 16;
  while (pos < bytes.length) {
    if (pos + 3 > bytes.length) {
      out.issues.push({ offset: pos, message: `truncated: ${bytes.length - pos} bytes left, less than a message header` });
      break;
    }
    const size = dv.getUint16(pos, true);
    const type = String.fromCharCode(bytes[pos + 2]);
    const body = pos + 3;
    if (body + size > bytes.length) {
      out.issues.push({ offset: pos, message: `truncated: message '${type}' of ${size} bytes runs past the end of the file` });
      break;
    }
    const msg = bytes.subarray(body, body + size);
    switch (type) {
      case 'F': {
        const [name, fields] = parseFormat(dec.decode(msg));
        out.formats.set(name, fields);
        break;
      }
      case 'I': {
        const kl = msg[0];
        const key = dec.decode(msg.subarray(1, 1 + kl));
        const sp = key.indexOf(' ');
        const t = key.slice(0, sp);
        const k = key.slice(sp + 1);
        out.info.set(k.replace(/\[\d+\]$/, ''), decodeScalarOrString(t, msg.subarray(1 + kl)));
        break;
      }
      case 'P': {
        const kl = msg[0];
        const key = dec.decode(msg.subarray(1, 1 + kl));
        const [t, k] = key.split(' ');
        const v = decodeScalarOrString(t, msg.subarray(1 + kl));
        if (typeof v === 'number') out.params.set(k, v);
        break;
      }
      case 'A': {
        const multiId = msg[0];
        const id = msg[1] | (msg[2] << 8);
        out.subscriptions.set(id, { name: dec.decode(msg.subarray(3)), multiId, rows: [], offsets: [] });
        break;
      }
      case 'D': {
        const id = msg[0] | (msg[1] << 8);
        const sub = out.subscriptions.get(id);
        if (!sub) out.issues.push({ offset: pos, message: `data for unknown subscription id ${id}` });
        else {
          sub.rows.push(msg.subarray(2));
          sub.offsets.push(pos);
        }
        break;
      }
      case 'L': {
        const level = msg[0];
        const t = Number(new DataView(msg.buffer, msg.byteOffset + 1, 8).getBigUint64(0, true));
        out.messages.push({ t, level, text: dec.decode(msg.subarray(9)) });
        break;
      }
      case 'C': {
        const level = msg[0];
        const t = Number(new DataView(msg.buffer, msg.byteOffset + 3, 8).getBigUint64(0, true));
        out.messages.push({ t, level, text: dec.decode(msg.subarray(11)) });
        break;
      }
      default:
        // B (flag bits), M (multi info), R (remove), S (sync), O (dropout) and future types: nothing to keep.
        break;
    }
    pos = body + size;
  }
  return out;
}

function decodeScalarOrString(type: string, b: Uint8Array): ULogValue {
  const m = /^(.*)\[(\d+)\]$/.exec(type);
  if (m && m[1] === 'char') return dec.decode(b).replace(/\0+$/, '');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return b.length >= (SIZES[type] ?? Infinity) ? readScalar(dv, 0, type) : 0;
}

function readScalar(dv: DataView, o: number, type: string): number | boolean {
  switch (type) {
    case 'int8_t': return dv.getInt8(o);
    case 'uint8_t': return dv.getUint8(o);
    case 'char': return dv.getUint8(o);
    case 'bool': return dv.getUint8(o) !== 0;
    case 'int16_t': return dv.getInt16(o, true);
    case 'uint16_t': return dv.getUint16(o, true);
    case 'int32_t': return dv.getInt32(o, true);
    case 'uint32_t': return dv.getUint32(o, true);
    case 'float': return dv.getFloat32(o, true);
    case 'int64_t': return Number(dv.getBigInt64(o, true));
    case 'uint64_t': return Number(dv.getBigUint64(o, true));
    case 'double': return dv.getFloat64(o, true);
    default: throw new Error(`unknown ULog type '${type}'`);
  }
}

/** Size in bytes of a format (nested formats resolved). */
function sizeOf(formats: Map<string, ULogField[]>, name: string, depth = 0): number {
  if (SIZES[name] !== undefined) return SIZES[name];
  const f = formats.get(name);
  if (!f || depth > 16) throw new Error(`unknown ULog type '${name}'`);
  return f.reduce((s, x) => s + sizeOf(formats, x.type, depth + 1) * Math.max(1, x.count), 0);
}

/**
 * Decodes one data row of format `name` into an object. Padding fields are skipped; fields that the row is too short
 * to hold (trailing padding may be omitted) are left out.
 */
export function decodeRow(formats: Map<string, ULogField[]>, name: string, row: Uint8Array): Record<string, ULogValue> {
  const dv = new DataView(row.buffer, row.byteOffset, row.byteLength);
  const read = (fmt: string, o: number): [Record<string, ULogValue>, number] => {
    const out: Record<string, ULogValue> = {};
    for (const f of formats.get(fmt) ?? []) {
      const el = sizeOf(formats, f.type);
      const n = Math.max(1, f.count);
      if (o + el * n > row.length) break;
      if (f.name.startsWith('_padding')) {
        o += el * n;
        continue;
      }
      const one = (at: number): ULogValue => (SIZES[f.type] !== undefined ? readScalar(dv, at, f.type) : read(f.type, at)[0]);
      if (f.count === 0) out[f.name] = one(o);
      else if (f.type === 'char') out[f.name] = dec.decode(row.subarray(o, o + n)).replace(/\0+$/, '');
      else out[f.name] = Array.from({ length: n }, (_, i) => one(o + i * el));
      o += el * n;
    }
    return [out, o];
  };
  return read(name, 0)[0];
}

/** All rows of a topic (first instance unless `multiId` given), decoded. */
export function topicRows(log: ULogFile, topic: string, multiId = 0): Record<string, ULogValue>[] {
  for (const sub of log.subscriptions.values()) {
    if (sub.name === topic && sub.multiId === multiId) return sub.rows.map((r) => decodeRow(log.formats, topic, r));
  }
  return [];
}

const num = (v: ULogValue | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const DEG = 180 / Math.PI;
const r = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Reads a PX4 ULog and returns the vehicle's track. Times become UTC when a GPS topic carries `time_utc_usec`
 * (offset to the boot clock from the GPS fixes); otherwise they stay relative to boot (`absoluteTime` false).
 */
export function parseULog(bytes: Uint8Array, file: string): FlightTrack {
  const log = readULog(bytes, file);
  const gps = [...topicRows(log, 'vehicle_gps_position'), ...topicRows(log, 'sensor_gps')];
  const glob = topicRows(log, 'vehicle_global_position');
  // UTC offset (µs) = time_utc_usec - timestamp, median over fixes that have it.
  const offs = gps
    .map((g) => {
      const utc = num(g.time_utc_usec);
      const ts = num(g.timestamp);
      return utc && ts && utc > 946_684_800e6 ? utc - ts : undefined;
    })
    .filter((x): x is number => x !== undefined)
    .sort((a, b) => a - b);
  const offsetUs = offs.length ? offs[offs.length >> 1] : undefined;
  const toMs = (us: number) => (offsetUs !== undefined ? Math.round((us + offsetUs) / 1000) : Math.round(us / 1000));

  const attitude = topicRows(log, 'vehicle_attitude').map((a) => {
    const q = a.q as number[] | undefined;
    if (!Array.isArray(q) || q.length !== 4) return undefined;
    const [w, x, y, z] = q;
    return {
      t: num(a.timestamp) ?? 0,
      roll: Math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y)) * DEG,
      pitch: Math.asin(Math.max(-1, Math.min(1, 2 * (w * y - z * x)))) * DEG,
      yaw: Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z)) * DEG,
    };
  }).filter((a): a is NonNullable<typeof a> => a !== undefined);
  const battery = topicRows(log, 'battery_status').map((b) => ({ t: num(b.timestamp) ?? 0, remaining: num(b.remaining) }));
  const nearest = <T extends { t: number }>(arr: T[], t: number): T | undefined => {
    let lo = 0;
    let hi = arr.length - 1;
    if (hi < 0 || arr[0].t > t) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (arr[mid].t <= t) lo = mid;
      else hi = mid - 1;
    }
    return arr[lo];
  };

  const points: TrackPoint[] = [];
  let source: string;
  if (gps.length > 0 && glob.length === 0) {
    source = topicRows(log, 'vehicle_gps_position').length ? 'vehicle_gps_position' : 'sensor_gps';
    for (const g of gps) {
      const ts = num(g.timestamp);
      if (ts === undefined || (num(g.fix_type) ?? 3) < 2) continue;
      // PX4 < 1.14: lat/lon int degE7, alt/alt_ellipsoid int mm; newer: latitude_deg/longitude_deg, altitude_*_m.
      const lat = num(g.latitude_deg) ?? (num(g.lat) ?? NaN) / 1e7;
      const lon = num(g.longitude_deg) ?? (num(g.lon) ?? NaN) / 1e7;
      if (!validFix(lon, lat)) continue;
      const p: TrackPoint = { t: toMs(ts), lon, lat };
      const msl = num(g.altitude_msl_m) ?? (g.alt !== undefined ? (num(g.alt) ?? NaN) / 1000 : undefined);
      const ell = num(g.altitude_ellipsoid_m) ?? (g.alt_ellipsoid !== undefined ? (num(g.alt_ellipsoid) ?? NaN) / 1000 : undefined);
      if (msl !== undefined && Number.isFinite(msl)) p.altMsl = r(msl, 3);
      if (ell !== undefined && Number.isFinite(ell)) p.altEllipsoid = r(ell, 3);
      const v = num(g.vel_m_s);
      if (v !== undefined) p.speed = r(v, 2);
      const vd = num(g.vel_d_m_s);
      if (vd !== undefined) p.climb = r(-vd, 2) + 0;
      const cog = num(g.cog_rad);
      if (cog !== undefined) p.heading = r(wrap360(cog * DEG), 2);
      points.push(p);
    }
  } else {
    source = 'vehicle_global_position';
    const lpos = topicRows(log, 'vehicle_local_position').map((l) => ({ t: num(l.timestamp) ?? 0, vx: num(l.vx), vy: num(l.vy), vz: num(l.vz), heading: num(l.heading) }));
    for (const g of glob) {
      const ts = num(g.timestamp);
      const lat = num(g.lat);
      const lon = num(g.lon);
      if (ts === undefined || lat === undefined || lon === undefined || !validFix(lon, lat)) continue;
      const p: TrackPoint = { t: toMs(ts), lon, lat };
      const alt = num(g.alt);
      if (alt !== undefined) p.altMsl = r(alt, 3);
      const ell = num(g.alt_ellipsoid);
      if (ell !== undefined && ell !== 0) p.altEllipsoid = r(ell, 3);
      const vn = num(g.vel_n);
      const ve = num(g.vel_e);
      const l = nearest(lpos, ts);
      if (vn !== undefined && ve !== undefined) p.speed = r(Math.hypot(vn, ve), 2);
      else if (l?.vx !== undefined && l.vy !== undefined) p.speed = r(Math.hypot(l.vx, l.vy), 2);
      const vd = num(g.vel_d) ?? l?.vz;
      if (vd !== undefined) p.climb = r(-vd, 2) + 0;
      points.push(p);
    }
  }
  for (const p of points) {
    const a = nearest(attitude, (p.t - (offsetUs !== undefined ? offsetUs / 1000 : 0)) * 1000);
    if (a) {
      p.roll = r(a.roll, 2);
      p.pitch = r(a.pitch, 2);
      if (p.heading === undefined) p.heading = r(wrap360(a.yaw), 2);
    }
    const b = nearest(battery, (p.t - (offsetUs !== undefined ? offsetUs / 1000 : 0)) * 1000);
    if (b?.remaining !== undefined && b.remaining >= 0) p.battery = r(b.remaining * 100, 1);
  }
  const sorted = points.filter((p, i) => i === 0 || p.t > points[i - 1].t);
  if (sorted.length === 0) {
    const off = log.issues[0]?.offset ?? 16;
    throw new FlightLogError(file, off, `no position fix: the log has no vehicle_gps_position, sensor_gps or vehicle_global_position data${log.issues.length ? ` (${log.issues[0].message})` : ''}`);
  }
  return {
    file,
    format: 'px4-ulog',
    points: sorted,
    absoluteTime: offsetUs !== undefined,
    issues: log.issues,
    meta: {
      source,
      ulogVersion: log.version,
      system: log.info.get('sys_name'),
      hardware: log.info.get('ver_hw'),
      software: log.info.get('ver_sw_release'),
      messages: log.messages.length,
    },
  };
}
