/** `twin gateway`: runs the live-data gateway standalone (SensorThings API, MQTT, WebSocket stream, simulator). */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs, opt, flag } from '../../cli/args.js';
import type { SceneCatalog } from '../../core/scene/catalog.js';
import { createGateway } from './index.js';
import { replayFlightLog, type Replay } from './flightlog.js';
import { parseVideoOptions } from '../video/gateway.js';

const HELP = `twin gateway [--port 8090] [--host 127.0.0.1] [--scene tilesets/demo] [--data-dir data/gateway]
             [--store sqlite|postgres://user@host/db] [--mqtt embedded|mqtt://host:port] [--mqtt-port 1883] [--mqtt-client-id ID]
             [--no-simulate] [--seed 20261123] [--retention-days 7] [--mavlink udp://127.0.0.1:14550]
             [--replay-log FILE ...] [--replay-start now|original|ISO] [--replay-speed 0|1|…]
             [--video CAMERA-ID=FILE.mp4 ...]

Serves the scene's sensors, cameras and drones as an OGC SensorThings API 1.1 (/v1.1), a JSON API for replay
(/api/history, /api/state, /api/ingest-errors, /api/stats) and a WebSocket stream (/stream). Observations arrive by
MQTT (topics v1.1/Datastreams(<id>)/Observations, QoS 1) and from the built-in simulator, and are stored with a
gateway-wide sequence number before they are streamed. The default store is an embedded SQLite file in --data-dir.

--mavlink udp://host:port listens for MAVLink 1/2 (GLOBAL_POSITION_INT, ATTITUDE, VFR_HUD, BATTERY_STATUS); each
system id becomes a drone Thing 'mavlink/sys<id>'. --replay-log replays a drone flight log (PX4 .ulg, MAVLink .tlog,
DJI .srt) as a drone Thing 'flightlog/<name>': --replay-speed 0 (default) stores it at once ending now, 1 plays it in
real time from now; --replay-start original keeps the log's own UTC times (use --retention-days 0 for old logs).
POST /api/flightlogs?name=<file>[&start=…&speed=…] does the same over HTTP; POST /api/flightlogs/parse returns the track.

--video CAM-01=clip.mp4 serves an H.264 MP4 as camera CAM-01's stream, remuxed without re-encoding: HLS (fMP4) at
/api/video/CAM-01/index.m3u8 (the file) and live.m3u8 (the file looped in wall time), HTTP-FLV at
/api/video/CAM-01/live.flv. PUT /api/video/<camera> with an MP4 body adds one at run time; GET /api/video lists them.`;

/** Reads scene.json from a file or a scene directory. */
export function readScene(p: string): SceneCatalog {
  const file = fs.existsSync(p) && fs.statSync(p).isDirectory() ? path.join(p, 'scene.json') : p;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`--scene: cannot read ${file}: ${(err as Error).message} (run 'twin demo' to generate the demo scene)`);
  }
  let scene: SceneCatalog;
  try {
    scene = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: invalid JSON: ${(err as Error).message}`);
  }
  if (!scene || !Array.isArray(scene.sites)) throw new Error(`${file}: field 'sites' must be an array of live-data sites`);
  return scene;
}

/** `twin gateway`. */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['help', 'no-simulate']);
  if (args.options.has('help')) {
    console.log(HELP);
    return 0;
  }
  const port = Number(opt(args, 'port') ?? 8090);
  const host = opt(args, 'host') ?? '127.0.0.1';
  const scene = readScene(opt(args, 'scene') ?? 'tilesets/demo');
  const num = (name: string, dflt: number) => {
    const v = opt(args, name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: expected a non-negative number, got '${v}'`);
    return n;
  };
  const gw = await createGateway({
    dataDir: path.resolve(opt(args, 'data-dir') ?? 'data/gateway'),
    store: opt(args, 'store') ?? 'sqlite',
    mqtt: opt(args, 'mqtt') ?? 'embedded',
    mqttClientId: opt(args, 'mqtt-client-id'),
    mqttPort: num('mqtt-port', 1883),
    mqttHost: host,
    simulate: !flag(args, 'no-simulate'),
    seed: num('seed', 20261123),
    scene,
    retentionDays: num('retention-days', 7),
    mavlink: opt(args, 'mavlink'),
    video: parseVideoOptions(args.options.get('video') ?? []),
  });
  const replays: Replay[] = [];
  const logs = args.options.get('replay-log') ?? [];
  const rs = opt(args, 'replay-start') ?? 'now';
  let replayStart: 'now' | 'original' | number;
  if (rs === 'now' || rs === 'original') replayStart = rs;
  else {
    replayStart = /^-?\d+$/.test(rs) ? Number(rs) : Date.parse(rs);
    if (!Number.isFinite(replayStart)) throw new Error(`--replay-start: expected now, original or an ISO 8601 time, got '${rs}'`);
  }
  const replaySpeed = num('replay-speed', 0);
  try {
    for (const file of logs) {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(fs.readFileSync(file));
      } catch (err) {
        throw new Error(`--replay-log: cannot read ${file}: ${(err as Error).message}`);
      }
      const r = await replayFlightLog(gw, bytes, file, { start: replayStart, speed: replaySpeed });
      replays.push(r);
      for (const i of r.track.issues) console.warn(`twin gateway: ${file}: byte ${i.offset}: ${i.message}`);
      console.log(
        `twin gateway: replaying ${file} (${r.track.format}, ${r.track.points.length} fixes) as ${r.drone.key}: ` +
          `datastreams ${r.drone.telemetryDs} (telemetry), ${r.drone.batteryDs} (battery), ${new Date(r.from).toISOString()} → ${new Date(r.to).toISOString()}`,
      );
    }
  } catch (err) {
    await gw.close();
    throw err;
  }
  const server = http.createServer((req, res) =>
    gw.handle(req, res, () => {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(`not found: ${req.url} (gateway serves /v1.1, /api and /stream)`);
    }),
  );
  server.on('upgrade', (req, socket, head) => {
    if (!gw.upgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  console.log(`twin gateway: http://${host}:${port}/v1.1 · ws://${host}:${port}/stream · mqtt ${gw.mqttPort ? `${host}:${gw.mqttPort}` : opt(args, 'mqtt')} · ${gw.store.description} · ${gw.model.datastreams.size} datastreams${gw.mavlink ? ` · ${gw.mavlink.description}` : ''}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('twin gateway: stopping (writing pending observations)…');
  for (const r of replays) r.stop();
  server.close();
  await gw.close();
  return 0;
}
