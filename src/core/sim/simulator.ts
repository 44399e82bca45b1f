/**
 * Deterministic live-data simulator for the scene's sites. Every value is a pure function of (seed, datastream,
 * time): replaying the same seed and start time gives the same observations, and any moment can be recomputed.
 *
 * Models: river/manhole water level (tide + rain response), rain gauges (city-wide storms), pipe pressure and flow
 * (daily demand curve, rare main bursts), combustible gas (background + rare leaks), PM2.5 (traffic peaks) — each with noise and
 * occasional faults (spikes, dropouts, stuck values); camera status; drones flying a patrol loop from their port
 * at 5 Hz (position, attitude, speed, battery).
 */
import type { DatastreamPlan } from '../sta/model.js';
import type { IncomingObservation } from '../sta/validate.js';

/** A datastream the simulator feeds. */
export interface SimStream {
  id: number;
  plan: DatastreamPlan;
}

/** Simulator options. */
export interface SimOptions {
  seed: number;
  /** Default sensor sampling interval (ms), default 5000; a site's `properties.intervalS` overrides it. */
  sensorIntervalMs?: number;
  /** Drone telemetry interval (ms), default 200 (5 Hz). */
  droneIntervalMs?: number;
  /** Camera status interval (ms), default 10000. */
  cameraIntervalMs?: number;
  /** Fault probabilities per sample (default true). */
  faults?: boolean;
}

/** Drone telemetry result (OM_ComplexObservation). */
export interface DroneTelemetry {
  lon: number;
  lat: number;
  /** Ellipsoidal height (m). */
  height: number;
  heading: number;
  pitch: number;
  roll: number;
  /** Ground speed (m/s). */
  speed: number;
  /** Battery (%). */
  battery: number;
  mode: 'docked' | 'takeoff' | 'patrol' | 'return' | 'landing';
}

/** 32-bit integer hash of a list of integers (murmur3 finaliser chain) → [0, 1). */
export function hash01(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    let k = Math.floor(x) | 0;
    k = Math.imul(k ^ (k >>> 16), 0x85ebca6b);
    k = Math.imul(k ^ (k >>> 13), 0xc2b2ae35);
    h = Math.imul(h ^ k ^ (k >>> 16), 0x27d4eb2f) + 0x165667b1;
    h ^= h >>> 15;
    // Mix the high part of large numbers (times) too.
    const hi = Math.floor(x / 4294967296) | 0;
    if (hi) h = Math.imul(h ^ hi, 0x85ebca6b);
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Standard normal deviate from hashed inputs (Box–Muller). */
function gauss(...xs: number[]): number {
  const u = Math.max(1e-12, hash01(...xs, 1));
  const v = hash01(...xs, 2);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Smooth (correlated) standard-normal-ish noise in time: seeded deviates at knots every `periodMs`, joined by a cosine
 * ease, so consecutive samples differ by a small step (a gust lifts a drone over seconds; it does not teleport it).
 */
function smoothGauss(t: number, periodMs: number, ...xs: number[]): number {
  const u = t / periodMs;
  const j = Math.floor(u);
  const w = (1 - Math.cos(Math.PI * (u - j))) / 2;
  return gauss(...xs, j) * (1 - w) + gauss(...xs, j + 1) * w;
}

function strHash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Local solar-ish hour of day (0–24) at longitude `lon` (time zone = round(lon / 15) h). */
function hourOfDay(t: number, lon: number): number {
  const tz = Math.round(lon / 15);
  return ((((t + tz * HOUR) % DAY) + DAY) % DAY) / HOUR;
}

/** Water demand multiplier over the day: morning and evening peaks, night minimum (≈0.4–1.5). */
export function demandFactor(hour: number): number {
  const g = (mu: number, s: number) => Math.exp(-0.5 * ((hour - mu) / s) ** 2);
  return 0.45 + 1.0 * g(7.5, 1.3) + 0.8 * g(19, 1.8) + 0.35 * g(12.5, 1.5);
}

/** City-wide rain intensity (mm/h) at time t: storms drawn per hour from the seed, smooth inside. */
export function rainAt(seed: number, t: number): number {
  const h = Math.floor(t / HOUR);
  let total = 0;
  // A storm starting in hour k lasts 1–3 h with a triangular profile.
  for (let k = h - 3; k <= h; k++) {
    if (hash01(seed, 77, k) >= 0.07) continue;
    const peak = 4 + 46 * hash01(seed, 78, k) ** 2;
    const dur = (1 + 2 * hash01(seed, 79, k)) * HOUR;
    const x = (t - k * HOUR) / dur;
    if (x >= 0 && x <= 1) total += peak * (1 - Math.abs(2 * x - 1));
  }
  return total;
}

/** Rain accumulated over the previous `windowMs` (mm), sampled every 5 minutes. */
function recentRain(seed: number, t: number, windowMs: number): number {
  let s = 0;
  const step = 5 * 60_000;
  for (let u = t - windowMs; u < t; u += step) s += (rainAt(seed, u) * step) / HOUR;
  return s;
}

/** Produces the simulated observations of a set of datastreams. */
export class Simulator {
  private readonly seed: number;
  private readonly opts: Required<SimOptions>;
  private readonly streams: (SimStream & { salt: number; interval: number; offset: number })[];
  private last: number;

  /** Creates a simulator that starts emitting after `start` (ms since epoch). */
  constructor(streams: readonly SimStream[], options: SimOptions, start: number) {
    this.seed = options.seed | 0;
    this.opts = {
      seed: this.seed,
      sensorIntervalMs: options.sensorIntervalMs ?? 5000,
      droneIntervalMs: options.droneIntervalMs ?? 200,
      cameraIntervalMs: options.cameraIntervalMs ?? 10_000,
      faults: options.faults ?? true,
    };
    this.streams = streams.map((s) => {
      const salt = strHash(s.plan.key);
      const ivS = Number(s.plan.site.properties.intervalS);
      const interval =
        s.plan.layer === 'drone'
          ? s.plan.phenomenon.key === 'battery'
            ? 5000
            : this.opts.droneIntervalMs
          : s.plan.layer === 'camera'
            ? this.opts.cameraIntervalMs
            : Number.isFinite(ivS) && ivS > 0
              ? ivS * 1000
              : this.opts.sensorIntervalMs;
      return { ...s, salt, interval, offset: Math.floor(hash01(this.seed, salt, 5) * interval) };
    });
    this.last = start;
  }

  /** Observations with phenomenonTime in (previous call's t, t], in time order; catches up at most one interval each. */
  step(t: number): IncomingObservation[] {
    const out: IncomingObservation[] = [];
    const from = this.last;
    if (t <= from) return out;
    for (const s of this.streams) {
      const lo = Math.max(from, t - Math.max(s.interval, 60_000));
      let k = Math.floor((lo - s.offset) / s.interval) + 1;
      for (let ts = k * s.interval + s.offset; ts <= t; k++, ts = k * s.interval + s.offset) {
        if (ts <= from) continue;
        const r = this.sample(s, ts, k);
        if (r !== undefined) out.push({ ds: s.id, t: ts, result: r });
      }
    }
    this.last = t;
    out.sort((a, b) => a.t - b.t || a.ds - b.ds);
    return out;
  }

  /** The value of a stream at sample k (time ts), or undefined for a dropout. */
  private sample(s: SimStream & { salt: number; interval: number }, ts: number, k: number): unknown {
    const p = s.plan;
    if (p.layer === 'camera') return this.cameraStatus(s.salt, ts);
    if (p.layer === 'drone') {
      const tel = this.drone(p, ts);
      return p.phenomenon.key === 'battery' ? round(tel.battery, 1) : tel;
    }
    // Faults: stuck values for a 30-minute window, dropouts, spikes.
    if (this.opts.faults) {
      const win = Math.floor(ts / (30 * 60_000));
      if (hash01(this.seed, s.salt, win, 11) < 0.01) {
        const t0 = win * 30 * 60_000;
        return round(this.sensorValue(p, s.salt, t0, 0), 3);
      }
      const u = hash01(this.seed, s.salt, k, 12);
      if (u < 0.002) return undefined;
      if (u < 0.004) {
        // Spike: a jump of 1.2× the normal-to-warning span (or of the value's magnitude).
        const v = this.sensorValue(p, s.salt, ts, k);
        const span = Math.abs(Number(p.site.properties.warning) - Number(p.site.properties.normal));
        return round(v + 1.2 * (Number.isFinite(span) && span > 0 ? span : Math.max(1, Math.abs(v))), 3);
      }
    }
    return round(this.sensorValue(p, s.salt, ts, k), 3);
  }

  /** The fault-free value of a sensor at time t (public for tests and replay checks). */
  sensorValue(p: DatastreamPlan, salt: number, t: number, k: number): number {
    const lon = p.site.lon;
    const hour = hourOfDay(t, lon);
    const props = p.site.properties;
    const n = gauss(this.seed, salt, k, 13);
    const base = Number(props.base ?? props.normal);
    switch (p.phenomenon.key) {
      case 'waterLevel': {
        const river = /river|江|河|embank|堤/i.test(`${p.site.id} ${p.site.name.en} ${p.site.name.zh} ${props.location ?? ''} ${props.type ?? ''}`);
        const rain = recentRain(this.seed, t, 2 * HOUR);
        if (river) {
          // Pearl River tide: semi-diurnal M2 (12.42 h) + diurnal.
          const tide = 0.55 * Math.sin((2 * Math.PI * t) / (12.42 * HOUR)) + 0.15 * Math.sin((2 * Math.PI * t) / (24.84 * HOUR) + 1);
          // River levels may be ellipsoidal heights (negative here), so no clamp at zero.
          return (Number.isFinite(base) ? base : 2.2) + tide + 0.02 * rain + 0.01 * n;
        }
        const depth = Number(props.alarm) + 0.3;
        const level = (Number.isFinite(base) ? base : 0.2) + 0.06 * demandFactor(hour) + 0.045 * rain + 0.005 * n;
        return Math.max(0, Number.isFinite(depth) ? Math.min(level, depth + 0.3) : level);
      }
      case 'rainfall':
        return Math.max(0, rainAt(this.seed, t) * (0.85 + 0.3 * hash01(this.seed, salt, 3)) + (rainAt(this.seed, t) > 0 ? 0.3 * n : 0));
      case 'pressure': {
        // Rare main bursts: a 30–90 minute pressure drop of 120–260 kPa.
        const w6 = Math.floor(t / (6 * HOUR));
        let drop = 0;
        if (hash01(this.seed, salt, w6, 24) < 0.02) {
          const start = w6 * 6 * HOUR + hash01(this.seed, salt, w6, 25) * 4 * HOUR;
          const x = (t - start) / ((30 + 60 * hash01(this.seed, salt, w6, 26)) * 60_000);
          if (x >= 0 && x <= 1) drop = (120 + 140 * hash01(this.seed, salt, w6, 27)) * Math.min(1, 4 * x, 4 * (1 - x));
        }
        return (Number.isFinite(base) ? base : 320) - 70 * (demandFactor(hour) - 0.45) - drop + 2.5 * n;
      }
      case 'flow':
        return Math.max(0, (Number.isFinite(base) ? base : 45) * demandFactor(hour) + 1.5 * n);
      case 'gas': {
        // Rare leak episodes of 20–60 minutes.
        const h = Math.floor(t / HOUR);
        let leak = 0;
        if (hash01(this.seed, salt, h, 21) < 0.01) {
          const x = (t - h * HOUR) / ((20 + 40 * hash01(this.seed, salt, h, 22)) * 60_000);
          if (x >= 0 && x <= 1) leak = (8 + 30 * hash01(this.seed, salt, h, 23)) * Math.sin(Math.PI * x);
        }
        return Math.max(0, 0.4 + 0.15 * n + leak);
      }
      case 'pm25': {
        const traffic = Math.exp(-0.5 * ((hour - 8) / 1.5) ** 2) + 0.8 * Math.exp(-0.5 * ((hour - 18.5) / 2) ** 2);
        const washout = 1 / (1 + 0.1 * recentRain(this.seed, t, 3 * HOUR));
        const daily = 0.6 + 0.6 * hash01(this.seed, Math.floor(t / DAY), 31);
        return Math.max(1, ((Number.isFinite(base) ? base : 35) * daily + 25 * traffic) * washout + 3 * n);
      }
      default:
        return (Number.isFinite(base) ? base : 10) * (1 + 0.1 * Math.sin((2 * Math.PI * hour) / 24)) + 0.2 * n;
    }
  }

  private cameraStatus(salt: number, t: number): string {
    const win = Math.floor(t / (10 * 60_000));
    if (this.opts.faults && hash01(this.seed, salt, win, 41) < 0.03) return 'offline';
    const h = hourOfDay(t, 113);
    return h >= 7 && h < 22 ? 'recording' : 'online';
  }

  /** Drone telemetry at time t: a patrol loop of ~20 min, then ~10 min charging on its port. */
  drone(p: DatastreamPlan, t: number): DroneTelemetry {
    const site = p.site;
    const salt = strHash(p.thingKey);
    const flightMs = (16 + 8 * hash01(this.seed, salt, 51)) * 60_000;
    const chargeMs = (8 + 6 * hash01(this.seed, salt, 52)) * 60_000;
    const period = flightMs + chargeMs;
    const phaseOffset = hash01(this.seed, salt, 53) * period;
    const phase = ((((t + phaseOffset) % period) + period) % period);
    const cruise = 60 + 60 * hash01(this.seed, salt, 54);
    const climbMs = 45_000;
    // Patrol loop: a star-shaped polygon of 6 waypoints, 250–450 m around the port.
    const wp: [number, number][] = [];
    const nWp = 6;
    for (let i = 0; i < nWp; i++) {
      const a = (2 * Math.PI * i) / nWp + hash01(this.seed, salt, 60 + i) * 0.6;
      const r = 250 + 200 * hash01(this.seed, salt, 70 + i);
      wp.push([r * Math.cos(a), r * Math.sin(a)]);
    }
    const mPerDegLat = 111_320;
    const mPerDegLon = 111_320 * Math.cos((site.lat * Math.PI) / 180);
    const toGeo = (x: number, y: number, z: number) => ({ lon: site.lon + x / mPerDegLon, lat: site.lat + y / mPerDegLat, height: site.height + z });
    const battery = (ms: number) => Math.max(5, 100 - (ms / flightMs) * 72);
    if (phase >= flightMs) {
      const charged = Math.min(100, 28 + ((phase - flightMs) / chargeMs) * 80);
      const g = toGeo(0, 0, 0);
      return { ...g, heading: 0, pitch: 0, roll: 0, speed: 0, battery: round(charged, 1), mode: 'docked' };
    }
    if (phase < climbMs || phase > flightMs - climbMs) {
      const up = phase < climbMs;
      const f = up ? phase / climbMs : (flightMs - phase) / climbMs;
      const g = toGeo(0, 0, cruise * f);
      return { ...g, heading: 0, pitch: 0, roll: 0, speed: round(cruise / (climbMs / 1000), 2), battery: round(battery(phase), 1), mode: up ? 'takeoff' : 'landing' };
    }
    // Loop: port → wp0 → … → wp5 → port, at constant speed.
    const path: [number, number][] = [[0, 0], ...wp, [0, 0]];
    const seg: number[] = [];
    let total = 0;
    for (let i = 1; i < path.length; i++) {
      const d = Math.hypot(path[i][0] - path[i - 1][0], path[i][1] - path[i - 1][1]);
      seg.push(d);
      total += d;
    }
    const cruiseMs = flightMs - 2 * climbMs;
    const speed = total / (cruiseMs / 1000);
    let s = ((phase - climbMs) / cruiseMs) * total;
    let i = 0;
    while (i < seg.length - 1 && s > seg[i]) s -= seg[i++];
    const f = Math.min(1, s / seg[i]);
    const [x0, y0] = path[i];
    const [x1, y1] = path[i + 1];
    const x = x0 + (x1 - x0) * f;
    const y = y0 + (y1 - y0) * f;
    const heading = ((Math.atan2(x1 - x0, y1 - y0) * 180) / Math.PI + 360) % 360;
    // Bank into the next turn near the end of a segment; pitch forward with speed; gusts as smooth noise over seconds
    // (altitude ±0.6 m, attitude ±0.5–0.8°) plus a few centimetres of sensor noise per 5 Hz sample.
    const nextI = Math.min(i + 1, path.length - 2);
    const nextHeading = (Math.atan2(path[nextI + 1][0] - path[nextI][0], path[nextI + 1][1] - path[nextI][1]) * 180) / Math.PI;
    let turn = (((nextHeading - heading + 540) % 360) - 180) * (f > 0.9 ? (f - 0.9) * 10 : 0);
    turn = Math.max(-25, Math.min(25, turn * 0.3));
    const k = Math.floor(t / 200);
    const g = toGeo(x, y, cruise + 0.6 * smoothGauss(t, 4000, this.seed, salt, 81) + 0.05 * gauss(this.seed, salt, k, 81));
    const mode = i === path.length - 2 ? 'return' : 'patrol';
    return {
      lon: round(g.lon, 7),
      lat: round(g.lat, 7),
      height: round(g.height, 2),
      heading: round(heading, 1),
      pitch: round(-Math.min(15, speed * 1.2) + 0.5 * smoothGauss(t, 1500, this.seed, salt, 82), 1),
      roll: round(turn + 0.8 * smoothGauss(t, 1500, this.seed, salt, 83), 1),
      speed: round(speed + 0.3 * gauss(this.seed, salt, k, 84), 2),
      battery: round(battery(phase), 1),
      mode,
    };
  }
}

function round(v: number, d: number): number {
  const f = 10 ** d;
  return Math.round(v * f) / f;
}
