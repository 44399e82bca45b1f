/**
 * MAVLink over UDP ingest (`--mavlink udp://127.0.0.1:14550`): listens for MAVLink 1/2 datagrams from autopilots,
 * companion computers, SITL or a ground station's forwarding, decodes GLOBAL_POSITION_INT, ATTITUDE, VFR_HUD,
 * BATTERY_STATUS and SYS_STATUS (CRC-extra checked), maps each system id to a drone Thing `mavlink/sys<id>` (created
 * on its first position) and stores telemetry/battery observations like the simulator's drones. The observation time
 * is the gateway's receive time (MAVLink carries only time since boot), kept strictly increasing per datastream.
 */
import dgram from 'node:dgram';
import { MavlinkStreamParser, MavTelemetryState, decodeMessage, type MavFrame } from '../../../core/formats/drone/mavlink.js';
import type { IncomingObservation } from '../../../core/sta/validate.js';
import { ensureDroneThing, telemetryOf, type DroneThing, type DroneThingContext } from '../flightlog-thing.js';
import type { IngestPipeline } from './pipeline.js';

/** Counters of the MAVLink ingest. */
export interface MavlinkStats {
  datagrams: number;
  frames: number;
  badCrc: number;
  telemetry: number;
  battery: number;
  /** System ids seen with a position, and their Thing ids. */
  vehicles: { sysid: number; thingId: number; telemetryDs: number; batteryDs: number }[];
}

/** A running MAVLink UDP listener. */
export interface MavlinkIngest {
  /** "mavlink udp://127.0.0.1:14550". */
  readonly description: string;
  /** The UDP port bound (useful with port 0). */
  readonly port: number;
  stats(): MavlinkStats;
  close(): Promise<void>;
}

/** What the MAVLink ingest needs of a gateway. */
export interface MavlinkContext extends DroneThingContext {
  pipeline: IngestPipeline;
}

interface Vehicle {
  sysid: number;
  state: MavTelemetryState;
  drone?: DroneThing;
  creating?: Promise<DroneThing>;
  /** Observations waiting for the Thing to be created. */
  waiting: { kind: 'telemetry' | 'battery'; t: number; result: unknown }[];
  lastT: Map<number, number>;
  battery?: number;
  lastBatteryT: number;
}

/** Parses `udp://host:port`. */
export function parseUdpUrl(url: string): { host: string; port: number } {
  const m = /^udp:\/\/([^:/]+|\[[^\]]+\]):(\d+)\/?$/.exec(url);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 0 && port < 65536)) throw new Error(`--mavlink: expected udp://host:port (e.g. udp://127.0.0.1:14550), got '${url}'`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

/** Starts listening for MAVLink on `url` (udp://host:port; port 0 picks a free one). */
export async function startMavlinkIngest(ctx: MavlinkContext, url: string): Promise<MavlinkIngest> {
  const { host, port } = parseUdpUrl(url);
  const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const parsers = new Map<string, MavlinkStreamParser>();
  const vehicles = new Map<number, Vehicle>();
  const counters = { datagrams: 0, frames: 0, badCrc: 0, telemetry: 0, battery: 0 };

  const store = (v: Vehicle, kind: 'telemetry' | 'battery', t: number, result: unknown) => {
    if (!v.drone) {
      v.waiting.push({ kind, t, result });
      if (v.waiting.length > 10_000) v.waiting.shift();
      return;
    }
    const ds = kind === 'telemetry' ? v.drone.telemetryDs : v.drone.batteryDs;
    // (ds, t) is unique in the store: keep times strictly increasing per datastream.
    const tt = Math.max(t, (v.lastT.get(ds) ?? -Infinity) + 1);
    v.lastT.set(ds, tt);
    const obs: IncomingObservation = { ds, t: tt, result };
    ctx.pipeline.submitValid(obs);
    counters[kind]++;
  };

  const onFrame = (f: MavFrame, now: number) => {
    const m = decodeMessage(f);
    if (!m) return;
    let v = vehicles.get(f.sysid);
    if (!v) {
      // Attitude/battery of a system are remembered before its first fix; its Thing is created on the first position
      // (so a ground station's heartbeats never become a drone).
      v = { sysid: f.sysid, state: new MavTelemetryState(), waiting: [], lastT: new Map(), lastBatteryT: -Infinity };
      vehicles.set(f.sysid, v);
    }
    const pt = v.state.apply(m, now);
    if ((m.type === 'BATTERY_STATUS' || m.type === 'SYS_STATUS') && m.batteryRemaining >= 0 && (v.drone || v.creating)) {
      const b = m.batteryRemaining;
      if ((b !== v.battery || now - v.lastBatteryT >= 5000) && now - v.lastBatteryT >= 1000) {
        v.battery = b;
        v.lastBatteryT = now;
        store(v, 'battery', now, b);
      }
    }
    if (!pt) return;
    if (!v.drone && !v.creating) {
      const vv = v;
      vv.creating = ensureDroneThing(
        ctx,
        `mavlink/sys${f.sysid}`,
        { en: `MAVLink drone ${f.sysid}`, zh: `MAVLink 无人机 ${f.sysid}` },
        [pt.lon, pt.lat, pt.altMsl ?? 0],
        `mavlink ${url} sysid ${f.sysid}`,
      );
      vv.creating.then(
        (d) => {
          vv.drone = d;
          for (const w of vv.waiting.splice(0)) store(vv, w.kind, w.t, w.result);
        },
        (err) => console.warn(`gateway: mavlink: cannot create the Thing of system ${f.sysid}: ${(err as Error).message}`),
      );
    }
    store(v, 'telemetry', now, telemetryOf(pt, v.battery));
  };

  sock.on('message', (msg, rinfo) => {
    counters.datagrams++;
    const k = `${rinfo.address}:${rinfo.port}`;
    let p = parsers.get(k);
    if (!p) {
      // One parser per sender (frames never span senders); forget them all if a flood of senders shows up.
      if (parsers.size >= 1024) parsers.clear();
      p = new MavlinkStreamParser();
      parsers.set(k, p);
    }
    const before = p.badCrc;
    const frames = p.push(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
    counters.badCrc += p.badCrc - before;
    const now = Date.now();
    for (const f of frames) {
      counters.frames++;
      onFrame(f, now);
    }
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`gateway: --mavlink cannot listen on udp ${host}:${port}: ${err.code ?? err.message}`)));
    sock.bind(port, host, () => resolve());
  });
  sock.on('error', (err) => console.warn(`gateway: mavlink udp: ${err.message}`));
  const actual = sock.address().port;
  return {
    description: `mavlink udp://${host}:${actual}`,
    port: actual,
    stats: () => ({
      ...counters,
      vehicles: [...vehicles.values()]
        .filter((v) => v.drone)
        .map((v) => ({ sysid: v.sysid, thingId: v.drone!.thingId, telemetryDs: v.drone!.telemetryDs, batteryDs: v.drone!.batteryDs })),
    }),
    close: () => new Promise<void>((resolve) => sock.close(() => resolve())),
  };
}
