import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FlightLogError,
  MavlinkStreamParser,
  crc16,
  crcExtraOf,
  detectFlightLog,
  parseDjiSrt,
  parseFlightLog,
  parseTlog,
  parseULog,
  tlogRecords,
} from '../../src/core/formats/drone/index.js';

const LOGS = path.resolve(process.cwd(), '../shared/data/drone/logs');
const read = (f: string) => {
  const p = path.join(LOGS, f);
  if (!fs.existsSync(p)) throw new Error(`test data missing: ${p} (the shared data set must be at ../shared/data)`);
  return new Uint8Array(fs.readFileSync(p));
};
const bbox = (pts: { lon: number; lat: number }[]) => [
  Math.min(...pts.map((p) => p.lon)),
  Math.min(...pts.map((p) => p.lat)),
  Math.max(...pts.map((p) => p.lon)),
  Math.max(...pts.map((p) => p.lat)),
];
const increasing = (pts: { t: number }[]) => pts.every((p, i) => i === 0 || p.t > pts[i - 1].t);

describe('MAVLink tlog', () => {
  it('CRC-16/MCRF4XX matches the standard check value', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0x6f91);
  });

  it('reads the ArduPlane VTOL tlog: 807 GLOBAL_POSITION_INT fixes at CMAC with attitude and speed', () => {
    const tr = parseTlog(read('UAVLogViewer_vtol.tlog'), 'vtol.tlog');
    expect(tr.format).toBe('mavlink-tlog');
    expect(tr.issues).toEqual([]);
    expect(tr.points).toHaveLength(807);
    expect(tr.absoluteTime).toBe(true);
    expect(new Date(tr.points[0].t).toISOString().slice(0, 10)).toBe('2018-08-08');
    expect(increasing(tr.points)).toBe(true);
    const [w, s, e, n] = bbox(tr.points);
    expect(s).toBeCloseTo(-35.3648, 3);
    expect(n).toBeCloseTo(-35.3608, 3);
    expect(w).toBeCloseTo(149.1639, 3);
    expect(e).toBeCloseTo(149.1659, 3);
    const maxRel = Math.max(...tr.points.map((p) => p.altRelative!));
    expect(maxRel).toBeGreaterThan(60);
    expect(maxRel).toBeLessThan(66);
    // MSL altitude = home elevation (~584 m at CMAC) + relative altitude.
    for (const p of tr.points) {
      expect(p.altMsl!).toBeGreaterThan(570);
      expect(p.altMsl!).toBeLessThan(660);
    }
    expect(tr.points.some((p) => p.speed! > 15)).toBe(true); // fixed-wing cruise
    expect(tr.points.filter((p) => p.pitch !== undefined).length).toBeGreaterThan(800);
    expect(tr.meta.sysid).toBe(1);
  });

  it('skips a frame with a bad CRC, naming its byte offset, and keeps the rest', () => {
    const bytes = read('UAVLogViewer_vtol.tlog').slice();
    const recs = tlogRecords(bytes);
    // The 100th GLOBAL_POSITION_INT record: corrupt one payload byte.
    const gpi = recs.filter((r) => r.bytes[0] === 0xfe ? r.bytes[5] === 33 : r.bytes[7] === 33)[99];
    const at = gpi.bytes.byteOffset;
    bytes[at + 12] ^= 0xff;
    const tr = parseTlog(bytes, 'bad.tlog');
    expect(tr.points).toHaveLength(806);
    expect(tr.issues).toHaveLength(1);
    expect(tr.issues[0].offset).toBe(at);
    expect(tr.issues[0].message).toMatch(/bad CRC in GLOBAL_POSITION_INT/);
  });

  it('a truncated tlog yields the fixes before the cut and reports where it ends', () => {
    const all = read('UAVLogViewer_vtol.tlog');
    const cut = Math.floor(all.length / 2) + 3;
    const tr = parseTlog(all.subarray(0, cut), 'half.tlog');
    expect(tr.points.length).toBeGreaterThan(300);
    expect(tr.points.length).toBeLessThan(807);
    const full = parseTlog(all, 'vtol.tlog');
    expect(tr.points).toEqual(full.points.slice(0, tr.points.length));
    expect(tr.issues.at(-1)!.message).toMatch(/truncated/);
    expect(tr.issues.at(-1)!.offset).toBeGreaterThan(cut - 300);
    expect(tr.issues.at(-1)!.offset).toBeLessThan(cut);
  });

  it('rejects a file that is not a tlog with an error naming the file and byte 0', () => {
    expect(() => parseTlog(read('pyulog_sample_log_small.ulg'), 'x.tlog')).toThrow(FlightLogError);
    expect(() => parseTlog(new TextEncoder().encode('hello world, not mavlink'), 'x.tlog')).toThrow(/x\.tlog: byte 0: not a MAVLink tlog/);
  });

  it('the stream parser finds every known frame across datagram boundaries and skips garbage', () => {
    const recs = tlogRecords(read('UAVLogViewer_vtol.tlog')).slice(0, 3000);
    const joined = new Uint8Array(recs.reduce((s, r) => s + r.bytes.length, 0) + 7);
    let o = 0;
    for (const [i, r] of recs.entries()) {
      if (i === 10) joined.set([1, 2, 3, 0xfe, 9, 9, 9], o), (o += 7); // garbage, including a false start marker
      joined.set(r.bytes, o);
      o += r.bytes.length;
    }
    const p = new MavlinkStreamParser();
    const frames = [];
    for (let i = 0; i < joined.length; i += 37) frames.push(...p.push(joined.subarray(i, i + 37)));
    const known = (msgid: number) => crcExtraOf(msgid) !== undefined;
    const msgidOf = (b: Uint8Array) => (b[0] === 0xfe ? b[5] : b[7] | (b[8] << 8) | (b[9] << 16));
    const want = recs.filter((r) => known(msgidOf(r.bytes)));
    expect(want.length).toBeGreaterThan(150);
    const got = frames.filter((f) => known(f.msgid));
    expect(got.map((f) => [f.seq, f.msgid])).toEqual(want.map((r) => [r.bytes[r.bytes[0] === 0xfe ? 2 : 4], msgidOf(r.bytes)]));
    // Unknown messages are passed through when the next frame follows directly.
    expect(frames.length).toBeGreaterThan(2900);
  });
});

describe('PX4 ULog', () => {
  it('reads vehicle_gps_position of the CubeOrange log (Trondheim, UTC 2021-04-21, MSL and ellipsoid heights)', () => {
    const tr = parseULog(read('pyulog_sample_log_small.ulg'), 'small.ulg');
    expect(tr.format).toBe('px4-ulog');
    expect(tr.meta.source).toBe('vehicle_gps_position');
    expect(tr.meta.hardware).toBe('CUBEPILOT_CUBEORANGE');
    expect(tr.points).toHaveLength(32);
    expect(tr.absoluteTime).toBe(true);
    expect(new Date(tr.points[0].t).toISOString().slice(0, 10)).toBe('2021-04-21');
    expect(increasing(tr.points)).toBe(true);
    for (const p of tr.points) {
      expect(p.lat).toBeCloseTo(63.4171, 3);
      expect(p.lon).toBeCloseTo(10.4082, 3);
      expect(p.altMsl!).toBeGreaterThan(62);
      expect(p.altMsl!).toBeLessThan(68);
      // Geoid undulation in Trondheim is about +40 m.
      expect(p.altEllipsoid! - p.altMsl!).toBeGreaterThan(35);
      expect(p.altEllipsoid! - p.altMsl!).toBeLessThan(45);
    }
    expect(tr.points.at(-1)!.battery).toBeGreaterThan(0);
  });

  it('reads vehicle_global_position of the SITL log (Zurich, 2024-03-18, alt 487.5–490.1 m)', () => {
    const tr = parseFlightLog(read('pyulog_sample_px4_events_SITL.ulg'), 'sitl.ulg');
    expect(tr.meta.source).toBe('vehicle_global_position');
    expect(tr.points).toHaveLength(109);
    expect(new Date(tr.points[0].t).toISOString().slice(0, 10)).toBe('2024-03-18');
    const alts = tr.points.map((p) => p.altMsl!);
    expect(Math.min(...alts)).toBeGreaterThan(487.4);
    expect(Math.max(...alts)).toBeLessThan(490.2);
    expect(tr.points[0].lat).toBeCloseTo(47.39774, 4);
    expect(tr.points[0].lon).toBeCloseTo(8.54559, 4);
  });

  it('a log without any position topic is an error, not an empty track', () => {
    expect(() => parseULog(read('pyulog_sample.ulg'), 'nogps.ulg')).toThrow(/nogps\.ulg: .*no position fix/);
  });

  it('wrong magic and truncation are reported with byte offsets; a cut log keeps its valid fixes', () => {
    const bytes = read('pyulog_sample_px4_events_SITL.ulg');
    const bad = bytes.slice();
    bad[1] = 0;
    expect(() => parseULog(bad, 'bad.ulg')).toThrow(/bad\.ulg: byte 0: not a ULog file/);
    const cut = Math.floor(bytes.length * 0.8);
    const tr = parseULog(bytes.subarray(0, cut), 'cut.ulg');
    expect(tr.points.length).toBeGreaterThan(20);
    expect(tr.points.length).toBeLessThan(109);
    expect(tr.issues).toHaveLength(1);
    expect(tr.issues[0].message).toMatch(/truncated/);
    expect(tr.issues[0].offset).toBeLessThan(cut);
    expect(tr.issues[0].offset).toBeGreaterThan(cut - 70_000);
  });
});

describe('DJI SRT', () => {
  it('Phantom 4 RTK: 55 fixes with height, speeds, attitude and camera settings', () => {
    const tr = parseDjiSrt(read('dji_srt_parser_p4_rtk.SRT'), 'p4.SRT');
    expect(tr.points).toHaveLength(55);
    expect(tr.absoluteTime).toBe(false);
    expect(tr.points[0]).toMatchObject({ t: 0, lon: -58.851745, lat: -34.237922, altRelative: 85.8, speed: 0, pitch: 2.7, roll: -7, heading: 110.1 });
    expect(tr.points[1]).toMatchObject({ t: 1000, speed: 2.88 });
    expect(tr.meta.camera).toEqual({ fnum: 5.6, shutter: '400', iso: 100, ev: 0 });
    const [w, s, e, n] = bbox(tr.points);
    expect([w, s, e, n].map((x) => Math.round(x * 1e4) / 1e4)).toEqual([-58.8517, -34.2379, -58.8492, -34.2323]);
  });

  it('Mavic Pro: 468 fixes with the recorded date and barometric height', () => {
    const tr = parseDjiSrt(read('dji_srt_parser_mavic_pro.SRT'), 'pro.SRT');
    expect(tr.points).toHaveLength(468);
    expect(tr.absoluteTime).toBe(true);
    expect(new Date(tr.points[0].t).toISOString()).toBe('2017-08-05T14:11:51.000Z');
    expect(tr.points[0].altRelative).toBe(1.9);
    expect(increasing(tr.points)).toBe(true);
    const tz = parseDjiSrt(read('dji_srt_parser_mavic_pro.SRT'), 'pro.SRT', { utcOffsetMinutes: 600 });
    expect(new Date(tz.points[0].t).toISOString()).toBe('2017-08-05T04:11:51.000Z');
  });

  it('Mavic Mini: 117 fixes, times from a given video start', () => {
    const start = Date.parse('2020-05-01T10:00:00Z');
    const tr = parseFlightLog(read('dji_srt_parser_mavic_mini.SRT'), 'mini.SRT', { videoStart: start });
    expect(tr.format).toBe('dji-srt');
    expect(tr.points).toHaveLength(117);
    expect(tr.absoluteTime).toBe(true);
    expect(tr.points[0].t).toBe(start);
    expect(tr.points[0].altRelative).toBe(200.7);
    const [w, s, e, n] = bbox(tr.points);
    expect(w).toBeCloseTo(-121.7476, 4);
    expect(e).toBeCloseTo(-121.7454, 3);
    expect(s).toBeCloseTo(48.0771, 4);
    expect(n).toBeCloseTo(48.0776, 4);
  });

  it('text without SRT blocks or without positions is an error naming the file', () => {
    expect(() => parseDjiSrt('just text\n', 'a.srt')).toThrow(/a\.srt: byte 0: not an SRT/);
    expect(() => parseDjiSrt('1\n00:00:00,000 --> 00:00:01,000\nhello\n\n2\n00:00:01,000 --> 00:00:02,000\nworld\n', 'b.srt')).toThrow(/b\.srt: .*no GPS position in any of 2/);
  });

  it('a malformed block is skipped with its byte offset', () => {
    const text = '1\n00:00:00,000 --> 00:00:01,000\nGPS (10.5, 45.5, 12), H 10.0m\n\n2\nxx:00\nGPS (10.6, 45.6, 12)\n\n3\n00:00:02,000 --> 00:00:03,000\nGPS (10.7, 45.7, 12), H 12.0m\n';
    const tr = parseDjiSrt(text, 'c.srt');
    expect(tr.points.map((p) => p.lon)).toEqual([10.5, 10.7]);
    expect(tr.issues).toHaveLength(1);
    expect(tr.issues[0].offset).toBe(text.indexOf('2\nxx'));
  });
});

describe('format detection', () => {
  it('picks the reader by magic, extension or content', () => {
    expect(detectFlightLog(read('pyulog_sample_log_small.ulg'), 'noext')).toBe('px4-ulog');
    expect(detectFlightLog(read('UAVLogViewer_vtol.tlog'), 'noext')).toBe('mavlink-tlog');
    expect(detectFlightLog(read('dji_srt_parser_p4_rtk.SRT'), 'noext')).toBe('dji-srt');
    expect(() => parseFlightLog(new Uint8Array([1, 2, 3]), 'x.bin')).toThrow(/x\.bin: byte 0: unknown flight log format/);
  });
});
