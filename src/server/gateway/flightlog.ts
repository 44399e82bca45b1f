/**
 * Replays a drone flight log (DJI SRT, PX4 ULog, MAVLink tlog) through the gateway as observations of a drone Thing,
 * so the twin's timeline and live layers show it like a live drone:
 * - `replayFlightLog(gw, bytes, file, options)` — from code or `twin gateway --replay-log <file>`;
 * - `POST /api/flightlogs?name=<file>&start=now|original|<ISO>&speed=0|1|…` with the file as the body → the replay summary;
 * - `POST /api/flightlogs/parse?name=<file>` → the parsed track only (nothing stored).
 * Telemetry goes to `<key>/telemetry` (DroneTelemetry, as the simulator writes for scene drones) and the battery
 * level to `<key>/battery` (on change, at most every 5 s of log time).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { parseFlightLog, FlightLogError, type FlightLogOptions, type FlightTrack } from '../../core/formats/drone/index.js';
import type { IngestPipeline } from './ingest/pipeline.js';
import { ensureDroneThing, telemetryOf, type DroneThing, type DroneThingContext } from './flightlog-thing.js';
import { HttpError, sendJson } from './sta/api.js';

/** What a replay needs of a gateway. */
export interface ReplayContext extends DroneThingContext {
  pipeline: IngestPipeline;
}

/** Options of a replay. */
export interface ReplayOptions extends FlightLogOptions {
  /**
   * Where the replay sits in time: 'original' keeps the log's UTC times (needs a log with absolute times; keep
   * --retention-days 0 or the history is pruned), 'now' (default) starts it now (speed > 0) or ends it now (speed 0),
   * or a time in ms since epoch for the first fix.
   */
  start?: 'now' | 'original' | number;
  /** 0 (default) stores the whole track at once; 1 plays it in real time, 2 twice as fast... */
  speed?: number;
  /** Drone Thing key (default `flightlog/<file name without extension>`). */
  key?: string;
}

/** A running or finished replay. */
export interface Replay {
  drone: DroneThing;
  track: FlightTrack;
  /** Observation time of the first and last fix. */
  from: number;
  to: number;
  /** Resolves with the number of telemetry and battery observations stored, when the replay is done or stopped. */
  done: Promise<{ telemetry: number; battery: number }>;
  /** Stops a real-time replay. */
  stop(): void;
}

/** Parses `bytes` and replays the track into the gateway. Throws FlightLogError for an unreadable log. */
export async function replayFlightLog(ctx: ReplayContext, bytes: Uint8Array, file: string, options: ReplayOptions = {}): Promise<Replay> {
  const track = parseFlightLog(bytes, file, options);
  return replayTrack(ctx, track, options);
}

/** Replays an already parsed track (see ReplayOptions for the time mapping). */
export async function replayTrack(ctx: ReplayContext, track: FlightTrack, options: ReplayOptions = {}): Promise<Replay> {
  const speed = options.speed ?? 0;
  if (!Number.isFinite(speed) || speed < 0) throw new Error(`replay speed: expected a number ≥ 0, got ${speed}`);
  const pts = track.points;
  const t0 = pts[0].t;
  const span = pts[pts.length - 1].t - t0;
  const startOpt = options.start ?? 'now';
  if (startOpt === 'original' && !track.absoluteTime) {
    throw new Error(`${track.file}: the log has no absolute time; replay it with start 'now' or a given start time`);
  }
  const now = Date.now();
  const start = startOpt === 'original' ? t0 : startOpt === 'now' ? (speed > 0 ? now : now - span) : startOpt;
  const scale = speed > 0 ? 1 / speed : 1;
  const timeOf = (t: number) => Math.round(start + (t - t0) * scale);
  const base = path.basename(track.file).replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9_.-]+/g, '_') || 'log';
  const key = options.key ?? `flightlog/${base}`;
  const first = pts[0];
  const drone = await ensureDroneThing(
    ctx,
    key,
    { en: `Flight log ${base}`, zh: `飞行记录 ${base}` },
    [first.lon, first.lat, first.altEllipsoid ?? first.altMsl ?? first.altRelative ?? 0],
    `${track.format} ${path.basename(track.file)}`,
  );
  let telemetry = 0;
  let battery = 0;
  let lastBattery: number | undefined;
  let lastBatteryT = -Infinity;
  const acks: Promise<void>[] = [];
  const submit = (ds: number, t: number, result: unknown) =>
    acks.push(
      new Promise<void>((resolve, reject) =>
        ctx.pipeline.submitValid({ ds, t, result }, (err) => (err ? reject(err) : resolve())),
      ),
    );
  const emit = (i: number) => {
    const p = pts[i];
    const t = timeOf(p.t);
    submit(drone.telemetryDs, t, telemetryOf(p, lastBattery));
    telemetry++;
    if (p.battery !== undefined && (p.battery !== lastBattery || p.t - lastBatteryT >= 5000) && p.t - lastBatteryT >= 1000) {
      submit(drone.batteryDs, t, p.battery);
      battery++;
      lastBattery = p.battery;
      lastBatteryT = p.t;
    }
  };
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  if (speed === 0) {
    for (let i = 0; i < pts.length; i++) emit(i);
    finish();
  } else {
    let i = 0;
    const tick = () => {
      if (stopped) return finish();
      const wall = Date.now();
      while (i < pts.length && timeOf(pts[i].t) <= wall) emit(i++);
      if (i >= pts.length) return finish();
      timer = setTimeout(tick, Math.max(1, Math.min(1000, timeOf(pts[i].t) - Date.now())));
    };
    tick();
  }
  const done = finished.then(async () => {
    await Promise.all(acks);
    return { telemetry, battery };
  });
  return {
    drone,
    track,
    from: timeOf(t0),
    to: timeOf(t0 + span),
    done,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      finish();
    },
  };
}

const MAX_LOG_BYTES = 64 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_LOG_BYTES) throw new HttpError(413, `flight log larger than ${MAX_LOG_BYTES} bytes`);
    chunks.push(c as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** A track as JSON for clients: the points plus what the log said. */
export function trackJson(track: FlightTrack) {
  return { file: track.file, format: track.format, absoluteTime: track.absoluteTime, issues: track.issues, meta: track.meta, points: track.points };
}

/**
 * Handles `POST /api/flightlogs` (replay into the store) and `POST /api/flightlogs/parse` (parse only); resolves
 * false for other paths. Real-time replays started here run on after the response.
 */
export async function handleFlightLogApi(ctx: ReplayContext, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const p = url.pathname;
  if (p !== '/api/flightlogs' && p !== '/api/flightlogs/parse') return false;
  try {
    if (req.method !== 'POST') throw new HttpError(405, `${p} supports POST with the log file as the body`);
    const q = url.searchParams;
    const name = q.get('name');
    if (!name) throw new HttpError(400, `query parameter 'name': the log's file name (its extension picks the format: .ulg, .tlog, .srt)`);
    const bytes = await readBody(req);
    const srtStart = q.get('videoStart');
    const opts: ReplayOptions = {};
    if (srtStart) {
      const t = /^-?\d+$/.test(srtStart) ? Number(srtStart) : Date.parse(srtStart);
      if (!Number.isFinite(t)) throw new HttpError(400, `query parameter 'videoStart': '${srtStart}' is not a time`);
      opts.videoStart = t;
    }
    // Vertical datum (see core/formats/drone/heights.ts): geoid undulation N (m) and the take-off point's ellipsoidal height.
    for (const k of ['geoidOffset', 'homeHeight'] as const) {
      const v = q.get(k);
      if (v === null || v === '') continue;
      if (!Number.isFinite(Number(v))) throw new HttpError(400, `query parameter '${k}': expected a number of metres, got '${v}'`);
      opts.datum = { ...opts.datum, [k]: Number(v) };
    }
    let track: FlightTrack;
    try {
      track = parseFlightLog(bytes, name, opts);
    } catch (err) {
      if (err instanceof FlightLogError) throw new HttpError(422, err.message);
      throw err;
    }
    if (p === '/api/flightlogs/parse') {
      sendJson(res, 200, trackJson(track));
      return true;
    }
    const s = q.get('start') ?? 'now';
    let start: ReplayOptions['start'];
    if (s === 'now' || s === 'original') start = s;
    else {
      start = /^-?\d+$/.test(s) ? Number(s) : Date.parse(s);
      if (!Number.isFinite(start)) throw new HttpError(400, `query parameter 'start': expected now, original, ISO 8601 or ms since epoch, got '${s}'`);
    }
    const speed = Number(q.get('speed') ?? 0);
    if (!Number.isFinite(speed) || speed < 0) throw new HttpError(400, `query parameter 'speed': expected a number ≥ 0, got '${q.get('speed')}'`);
    let replay: Replay;
    try {
      replay = await replayTrack(ctx, track, { start, speed, key: q.get('key') || undefined });
    } catch (err) {
      throw new HttpError(400, (err as Error).message);
    }
    const counts = speed === 0 ? await replay.done : undefined;
    sendJson(res, speed === 0 ? 201 : 202, {
      thing: replay.drone.thingId,
      key: replay.drone.key,
      datastreams: { telemetry: replay.drone.telemetryDs, battery: replay.drone.batteryDs },
      format: track.format,
      points: track.points.length,
      issues: track.issues,
      from: new Date(replay.from).toISOString(),
      to: new Date(replay.to).toISOString(),
      stored: counts,
    });
  } catch (err) {
    const status = err instanceof HttpError ? err.status : 500;
    sendJson(res, status, { code: status, type: 'error', message: (err as Error).message });
  }
  return true;
}
