import { describe, expect, it } from 'vitest';
import { classify, thresholdsOf } from '../../src/core/live/thresholds.js';
import { ReplayClock, ReplaySeries, nextWindow } from '../../src/core/live/replay.js';
import { TrailBuffer } from '../../src/core/live/trail.js';
import { cameraAxes, cameraSpecOf, frustumCorners } from '../../src/core/live/frustum.js';
import { SeqCursor, backoffDelay, parseServerMessage, subscribeMessage } from '../../src/core/live/protocol.js';
import { decodeViewState, encodeViewState, normalizeViewState, type ViewState } from '../../src/core/scene/viewstate.js';

describe('threshold states', () => {
  it('classifies rising values (water level) against flat site properties', () => {
    const th = thresholdsOf({ property: 'waterLevel', normal: 0.2, warning: 1.32, alarm: 1.9, direction: 'above' }, 'waterLevel');
    expect(th).toEqual({ warning: 1.32, alarm: 1.9, direction: 'above' });
    expect(classify(0.5, th)).toBe('normal');
    expect(classify(1.32, th)).toBe('warning');
    expect(classify(2.5, th)).toBe('alarm');
    expect(classify(null, th)).toBe('unknown');
    expect(classify('offline', th)).toBe('unknown');
  });

  it('classifies falling values (pipe pressure, direction below)', () => {
    const th = thresholdsOf({ warning: 220, alarm: 160, direction: 'below' });
    expect(classify(380, th)).toBe('normal');
    expect(classify(200, th)).toBe('warning');
    expect(classify(100, th)).toBe('alarm');
  });

  it('reads per-property thresholds objects, JSON text and "warning,alarm" pairs', () => {
    const props = { thresholds: JSON.stringify({ pm25: { warning: 75, alarm: 115 }, gas: { warning: 10, alarm: 25 } }) };
    expect(classify(80, thresholdsOf(props, 'pm25'))).toBe('warning');
    expect(classify(80, thresholdsOf(props, 'gas'))).toBe('alarm');
    expect(thresholdsOf({ thresholds: '3.0,3.5' })).toEqual({ warning: 3, alarm: 3.5, direction: 'above' });
    expect(thresholdsOf({ property: 'x' })).toBeNull();
    expect(classify(5, null)).toBe('unknown');
  });

  it('names the field of malformed thresholds', () => {
    expect(() => thresholdsOf({ thresholds: '{bad' })).toThrow(/properties\.thresholds: not valid JSON/);
    expect(() => thresholdsOf({ thresholds: '3,x' })).toThrow(/properties\.thresholds: expected 'warning,alarm'/);
    expect(() => thresholdsOf({ thresholds: { pm25: { warning: 'high' } } }, 'pm25')).toThrow(/thresholds\.pm25/);
  });
});

describe('replay buffer and clock', () => {
  it('answers the value at any time from the state plus windows, without duplicates', () => {
    const s = new ReplaySeries();
    s.reset(1000, [{ ds: 1, t: 900, result: 'a' }]);
    expect(s.valueAt(1, 1000)?.result).toBe('a');
    expect(s.valueAt(1, 899)).toBeUndefined();
    s.addWindow(2000, [
      { ds: 1, t: 1500, result: 'c' },
      { ds: 1, t: 1200, result: 'b' },
      { ds: 2, t: 1300, result: 7 },
    ]);
    s.addWindow(2000, [{ ds: 1, t: 1500, result: 'c' }]);
    expect(s.size).toBe(4);
    expect(s.valueAt(1, 1199)?.result).toBe('a');
    expect(s.valueAt(1, 1200)?.result).toBe('b');
    expect(s.valueAt(1, 1999)?.result).toBe('c');
    expect(s.valueAt(2, 1299)).toBeUndefined();
    expect(s.between(1, 1000, 1500).map((p) => p.result)).toEqual(['b', 'c']);
    expect(s.covers(1700)).toBe(true);
    expect(s.covers(2500)).toBe(false);
    s.prune(1400);
    expect(s.valueAt(1, 1400)?.result).toBe('b');
    expect(s.size).toBe(3);
  });

  it('advances at the chosen speed, changes speed and pauses without jumps, and stops at the live edge', () => {
    let live = 1_000_000;
    const c = new ReplayClock(100_000, 0, 1, () => live);
    expect(c.time(1000)).toBe(101_000);
    c.setSpeed(60, 1000);
    expect(c.time(1000)).toBe(101_000);
    expect(c.time(2000)).toBe(161_000);
    c.setPaused(true, 2000);
    expect(c.time(50_000)).toBe(161_000);
    c.setPaused(false, 50_000);
    expect(c.time(51_000)).toBe(221_000);
    expect(c.time(1e9)).toBe(live);
    live = 2_000_000;
    expect(c.time(1e9)).toBe(2_000_000);
    expect(() => c.setSpeed(0, 0)).toThrow(/between 1 and 60/);
    expect(() => new ReplayClock(0, 0, 61)).toThrow(/between 1 and 60/);
  });

  it('plans the next history window ahead of the cursor, scaled by speed and capped at live', () => {
    const s = new ReplaySeries();
    s.reset(0, []);
    expect(nextWindow(s, 0, 1, 1e9)).toEqual({ from: 0, to: 60_000 });
    expect(nextWindow(s, 0, 60, 1e9)).toEqual({ from: 0, to: 1_800_000 });
    expect(nextWindow(s, 0, 1, 10_000)).toEqual({ from: 0, to: 10_000 });
    s.addWindow(60_000, []);
    expect(nextWindow(s, 10_000, 1, 1e9)).toBeNull();
    expect(nextWindow(s, 40_000, 1, 1e9)).toEqual({ from: 60_000, to: 120_000 });
    expect(nextWindow(s, 40_000, 1, 60_000)).toBeNull();
  });
});

describe('drone trail', () => {
  it('keeps a bounded, time-ordered trail of recent positions', () => {
    const tr = new TrailBuffer(10_000, 5);
    for (let i = 0; i < 8; i++) tr.push({ t: i * 1000, lon: i, lat: 0, height: 0 });
    expect(tr.length).toBe(5);
    expect(tr.points().map((p) => p.t)).toEqual([3000, 4000, 5000, 6000, 7000]);
    tr.push({ t: 5500, lon: 99, lat: 0, height: 0 });
    expect(tr.points().map((p) => p.t)).toEqual([4000, 5000, 5500, 6000, 7000]);
    tr.push({ t: 30_000, lon: 0, lat: 0, height: 0 });
    expect(tr.points().map((p) => p.t)).toEqual([30_000]);
    expect(tr.points(6000)).toEqual([]);
  });
});

describe('camera frustum', () => {
  it('points the view axis along heading and pitch in ENU', () => {
    const east = cameraAxes(90, 0);
    expect(east.dir[0]).toBeCloseTo(1);
    expect(east.dir[1]).toBeCloseTo(0);
    expect(east.up[2]).toBeCloseTo(1);
    const down = cameraAxes(0, -90);
    expect(down.dir[2]).toBeCloseTo(-1);
  });

  it('spans the horizontal field of view at the given range', () => {
    const c = { heading: 0, pitch: 0, fov: 90, range: 100, aspect: 2 };
    const [tl, tr, br, bl] = frustumCorners(c);
    expect(tl[1]).toBeCloseTo(100);
    expect(tr[0] - tl[0]).toBeCloseTo(200); // 2 · tan(45°) · 100
    expect(tl[2] - bl[2]).toBeCloseTo(100); // width / aspect
    expect(br[0]).toBeCloseTo(100);
    const tilted = frustumCorners({ ...c, pitch: -25 });
    expect(Math.max(...tilted.map((p) => p[2]))).toBeLessThan(10);
  });

  it('reads site properties with defaults and names bad ones', () => {
    expect(cameraSpecOf('CAM-01', { heading: 51, pitch: -25, fov: 70, range: 120, streamUrl: null })).toEqual({ heading: 51, pitch: -25, fov: 70, range: 120, aspect: 16 / 9 });
    expect(() => cameraSpecOf('CAM-X', { fov: 300 })).toThrow(/camera CAM-X: properties\.fov/);
    expect(() => cameraSpecOf('CAM-Y', { range: 'far' })).toThrow(/properties\.range/);
  });
});

describe('stream protocol helpers', () => {
  it('subscribes with a snapshot first and with since on resume', () => {
    expect(JSON.parse(subscribeMessage({ layers: ['sensor'] }, null))).toEqual({ op: 'subscribe', layers: ['sensor'], snapshot: true });
    expect(JSON.parse(subscribeMessage({ bbox: [113.1234567, 23, 113.5, 23.5] }, 42))).toEqual({ op: 'subscribe', bbox: [113.123457, 23, 113.5, 23.5], since: 42 });
  });

  it('drops duplicates by seq and advances on live markers', () => {
    const c = new SeqCursor();
    expect(c.accept([[1, 1, 0, 1], [2, 1, 0, 2]]).length).toBe(2);
    expect(c.accept([[2, 1, 0, 2], [3, 1, 0, 3]]).map((o) => o[0])).toEqual([3]);
    c.advance(10);
    c.advance(5);
    expect(c.last).toBe(10);
  });

  it('backs off exponentially with jitter up to a cap', () => {
    expect(backoffDelay(0, 500, 15_000, () => 0.5)).toBe(500);
    expect(backoffDelay(3, 500, 15_000, () => 0.5)).toBe(4000);
    expect(backoffDelay(20, 500, 15_000, () => 0.5)).toBe(15_000);
    expect(backoffDelay(0, 500, 15_000, () => 0)).toBe(400);
  });

  it('rejects malformed server messages with a clear error', () => {
    expect(parseServerMessage('{"type":"gap","from":1,"to":5,"reason":"pruned"}')).toMatchObject({ type: 'gap', from: 1 });
    expect(() => parseServerMessage('nope')).toThrow(/not JSON/);
    expect(() => parseServerMessage('{"type":"obs"}')).toThrow(/without an obs array/);
    expect(() => parseServerMessage('{"type":"what"}')).toThrow(/unknown message type 'what'/);
  });
});

describe('share link time', () => {
  const base: ViewState = { camera: null, layers: {}, selection: null, bim: null, underground: false, lang: 'zh', userLayers: [] };

  it('carries a replay time and round-trips; live links have no time key', () => {
    const t = Date.UTC(2026, 10, 23, 12, 0, 5, 400);
    const hash = encodeViewState({ ...base, time: t });
    expect(new URLSearchParams(hash).get('time')).toBe('2026-11-23T12:00:05Z');
    expect(decodeViewState(hash, base)).toEqual(normalizeViewState({ ...base, time: t }));
    expect(decodeViewState(hash, base).time).toBe(Date.UTC(2026, 10, 23, 12, 0, 5));
    const live = encodeViewState(base);
    expect(live).not.toContain('time=');
    expect('time' in decodeViewState(live, base)).toBe(false);
    expect('time' in decodeViewState('time=live', { ...base, time: 5000 })).toBe(false);
    expect(() => decodeViewState('time=yesterday', base)).toThrow(/field 'time'/);
  });
});
