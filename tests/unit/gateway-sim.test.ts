import { describe, expect, it } from 'vitest';
import { Simulator, rainAt, type DroneTelemetry } from '../../src/core/sim/simulator.js';
import { planDatastreams, buildStaModel } from '../../src/core/sta/model.js';
import { checkResult } from '../../src/core/sta/validate.js';
import { TEST_SCENE } from './gateway-helpers.js';

const plans = planDatastreams(TEST_SCENE.sites);
const streams = plans.map((plan, i) => ({ id: i + 1, plan }));
const T0 = Date.parse('2026-11-23T00:00:00Z');

function run(seed: number, start: number, minutes: number, stepMs = 1000) {
  const sim = new Simulator(streams, { seed }, start);
  const out = [];
  for (let t = start + stepMs; t <= start + minutes * 60_000; t += stepMs) out.push(...sim.step(t));
  return out;
}

describe('simulator', () => {
  it('plans one datastream per sensor, a status per camera, telemetry and battery per drone', () => {
    expect(plans.map((p) => p.key)).toEqual([
      'river-1/waterLevel',
      'manhole-1/waterLevel',
      'rain-1/rainfall',
      'press-1/pressure',
      'flow-1/flow',
      'gas-1/gas',
      'pm-1/pm25',
      'cam-1/status',
      'port-1/drone1/telemetry',
      'port-1/drone1/battery',
    ]);
    const model = buildStaModel(TEST_SCENE.sites, plans, new Map(plans.map((p, i) => [p.key, i + 1])));
    expect(model.things.size).toBe(10); // 9 sites + 1 drone
    expect(model.datastreams.get(1)!.unitOfMeasurement.symbol).toBe('m');
    expect(model.datastreams.get(1)!.properties.thresholds).toBe('3.0,3.5');
  });

  it('is deterministic for a seed and start time, whatever the step size', () => {
    const a = run(7, T0, 10);
    const b = run(7, T0, 10, 200);
    expect(a.length).toBeGreaterThan(3000);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = run(8, T0, 10);
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });

  it('emits valid, plausible values for every stream, drones at 5 Hz', () => {
    const out = run(20261123, T0 + 8 * 3600_000, 30);
    const byDs = new Map<number, unknown[]>();
    for (const o of out) {
      const s = streams[o.ds - 1];
      expect(checkResult(s.plan.phenomenon.kind, o.result)).toBeUndefined();
      if (!byDs.has(o.ds)) byDs.set(o.ds, []);
      byDs.get(o.ds)!.push(o.result);
    }
    const vals = (key: string) => byDs.get(plans.findIndex((p) => p.key === key) + 1) as number[];
    // 30 minutes at 5 s per sensor ≈ 360 samples (a few dropped by faults).
    expect(vals('press-1/pressure').length).toBeGreaterThan(340);
    expect(Math.min(...vals('press-1/pressure'))).toBeGreaterThan(150);
    expect(Math.max(...vals('press-1/pressure'))).toBeLessThan(900);
    const river = vals('river-1/waterLevel');
    expect(Math.min(...river)).toBeGreaterThan(0.5);
    expect(Math.max(...river)).toBeLessThan(12);
    expect(Math.min(...vals('pm-1/pm25'))).toBeGreaterThanOrEqual(1);
    expect(vals('rain-1/rainfall').every((x) => x >= 0)).toBe(true);
    const tel = byDs.get(plans.findIndex((p) => p.key === 'port-1/drone1/telemetry') + 1) as DroneTelemetry[];
    expect(tel.length).toBe(30 * 60 * 5);
    for (const x of tel) {
      expect(x.battery).toBeGreaterThanOrEqual(0);
      expect(x.battery).toBeLessThanOrEqual(100);
      expect(Math.abs(x.lon - 113.321)).toBeLessThan(0.01);
      expect(Math.abs(x.lat - 23.122)).toBeLessThan(0.01);
    }
    // Flies part of the time (moves, speed > 0) and docks part of the time.
    expect(tel.some((x) => x.mode === 'patrol' && x.speed > 0)).toBe(true);
    expect(new Set(tel.map((x) => x.lon)).size).toBeGreaterThan(100);
  });

  it('drone telemetry is continuous (no jumps over 20 m between 5 Hz samples in flight)', () => {
    const sim = new Simulator(streams, { seed: 3 }, T0);
    const p = plans.find((x) => x.key === 'port-1/drone1/telemetry')!;
    let prev = sim.drone(p, T0);
    for (let t = T0 + 200; t < T0 + 3600_000; t += 200) {
      const cur = sim.drone(p, t);
      const dx = (cur.lon - prev.lon) * 111_320 * Math.cos((23.12 * Math.PI) / 180);
      const dy = (cur.lat - prev.lat) * 111_320;
      expect(Math.hypot(dx, dy)).toBeLessThan(20);
      prev = cur;
    }
  });

  it('drone altitude in cruise varies smoothly (gusts over seconds, not metres per 5 Hz sample)', () => {
    const sim = new Simulator(streams, { seed: 5 }, T0);
    const p = plans.find((x) => x.key === 'port-1/drone1/telemetry')!;
    let prev = sim.drone(p, T0);
    let cruise = 0;
    let maxStep = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let t = T0 + 200; t < T0 + 3600_000; t += 200) {
      const cur = sim.drone(p, t);
      if (cur.mode === 'patrol' && prev.mode === 'patrol') {
        cruise++;
        maxStep = Math.max(maxStep, Math.abs(cur.height - prev.height));
        lo = Math.min(lo, cur.height);
        hi = Math.max(hi, cur.height);
      }
      prev = cur;
    }
    expect(cruise).toBeGreaterThan(1000);
    expect(maxStep).toBeLessThan(0.5);
    // Still some life in it: the altitude wanders by decimetres, not a flat line.
    expect(hi - lo).toBeGreaterThan(0.3);
    expect(hi - lo).toBeLessThan(6);
  });

  it('has storms: rain is mostly zero with occasional showers', () => {
    let wet = 0;
    let n = 0;
    for (let t = T0; t < T0 + 30 * 86_400_000; t += 600_000, n++) if (rainAt(1, t) > 0) wet++;
    expect(wet / n).toBeGreaterThan(0.02);
    expect(wet / n).toBeLessThan(0.4);
  });
});
