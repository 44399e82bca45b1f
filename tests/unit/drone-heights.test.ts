/**
 * Drone heights → ellipsoidal heights for the scene, on the real shared logs: MAVLink tlog (MSL + relative), DJI SRT
 * (barometric height above take-off), PX4 ULog (ellipsoidal + MSL, so the log pins the geoid undulation itself).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlightLog, sceneHeight, trackHeightDatum, MavTelemetryState, FlightLogError } from '../../src/core/formats/drone/index.js';

const LOGS = path.resolve(process.cwd(), '../shared/data/drone/logs');
const read = (f: string) => new Uint8Array(fs.readFileSync(path.join(LOGS, f)));

describe('ellipsoidal heights of drone fixes', () => {
  it('MAVLink GLOBAL_POSITION_INT (AMSL): ellipsoidal = MSL + geoid undulation; without one the MSL height stays, marked msl', () => {
    const raw = parseFlightLog(read('UAVLogViewer_vtol.tlog'), 'vtol.tlog');
    expect(raw.points.every((p) => p.altEllipsoid === undefined)).toBe(true);
    expect(sceneHeight(raw.points[100])).toEqual({ height: raw.points[100].altMsl, source: 'msl' });
    const tr = parseFlightLog(read('UAVLogViewer_vtol.tlog'), 'vtol.tlog', { datum: { geoidOffset: -31.5 } });
    for (const p of tr.points) expect(p.altEllipsoid).toBeCloseTo(p.altMsl! - 31.5, 6);
    expect(tr.meta.heights).toMatchObject({ sources: { 'msl+geoid': tr.points.length } });
    // The take-off point's ellipsoidal height follows from MSL + N − relative height (the same for every fix).
    const d = trackHeightDatum(tr.points, { geoidOffset: -31.5 });
    const p = tr.points[400];
    expect(d.homeHeight! + p.altRelative!).toBeCloseTo(p.altEllipsoid!, 0);
  });

  it('DJI SRT barometric height above take-off: ellipsoidal = home height + H', () => {
    const raw = parseFlightLog(read('dji_srt_parser_p4_rtk.SRT'), 'p4.srt');
    expect(sceneHeight(raw.points[10]).source).toBe('takeoff');
    const tr = parseFlightLog(read('dji_srt_parser_p4_rtk.SRT'), 'p4.srt', { datum: { homeHeight: 21.4 } });
    const p = tr.points[10];
    expect(p.altRelative).toBeGreaterThan(50);
    expect(p.altEllipsoid).toBeCloseTo(21.4 + p.altRelative!, 6);
    expect(sceneHeight(p)).toEqual({ height: p.altEllipsoid, source: 'ellipsoid' });
  });

  it("uses the log's own ellipsoidal height first and derives the geoid undulation from it (PX4 GPS)", () => {
    const tr = parseFlightLog(read('pyulog_sample_log_small.ulg'), 'small.ulg', { datum: { geoidOffset: 10 } });
    const n = (tr.meta.heights as { datum: { geoidOffset: number } }).datum.geoidOffset;
    // The log carries both altitudes: N = ellipsoidal − MSL ≈ 40 m, not the 10 m guessed by the caller.
    expect(n).toBeGreaterThan(35);
    expect(n).toBeLessThan(45);
    for (const p of tr.points.filter((x) => x.altMsl !== undefined && x.altEllipsoid !== undefined)) expect(p.altEllipsoid! - p.altMsl!).toBeCloseTo(n, 0);
  });

  it('converts live MAVLink fixes when the gateway knows the datum', () => {
    const s = new MavTelemetryState();
    const msg = { type: 'GLOBAL_POSITION_INT', timeBootMs: 0, lat: 47.3977, lon: 8.5456, altMsl: 488.0, altRelative: 0.5, vx: 0, vy: 0, vz: 0 } as const;
    expect(s.apply(msg, 1)!.altEllipsoid).toBeUndefined();
    s.datum = { geoidOffset: 47.4 };
    expect(s.apply(msg, 2)!.altEllipsoid).toBeCloseTo(535.4, 6);
  });

  it('rejects an implausible datum naming the option', () => {
    expect(() => parseFlightLog(read('dji_srt_parser_p4_rtk.SRT'), 'p4.srt', { datum: { geoidOffset: 500 } })).toThrow(FlightLogError);
    expect(() => parseFlightLog(read('dji_srt_parser_p4_rtk.SRT'), 'p4.srt', { datum: { homeHeight: Number.NaN } })).toThrow(/p4\.srt: byte 0: .*homeHeight must be/);
  });
});
