/**
 * Drone Things created at run time (a replayed flight log, a MAVLink vehicle seen on UDP): adds a Thing with a
 * Location, FeatureOfInterest and the same two Datastreams the simulator feeds for a scene drone —
 * `<key>/telemetry` (OM_ComplexObservation, DroneTelemetry) and `<key>/battery` (%) — with ids the store keeps
 * across restarts. Also maps a track point to the simulator's DroneTelemetry result.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { StaModel, Datastream } from '../../core/sta/types.js';
import { OBSERVATION_TYPES } from '../../core/sta/types.js';
import type { DroneTelemetry } from '../../core/sim/simulator.js';
import type { TrackPoint } from '../../core/formats/drone/track.js';
import type { ObservationStore } from './store/types.js';

/** The Thing and Datastream ids of a run-time drone. */
export interface DroneThing {
  /** Stable key (e.g. `flightlog/vtol` or `mavlink/sys1`). */
  key: string;
  thingId: number;
  telemetryDs: number;
  batteryDs: number;
}

/** What ensureDroneThing needs of a gateway. */
export interface DroneThingContext {
  model: StaModel;
  store: ObservationStore;
  /** Where the list of run-time drones is kept (`drones.json`), so a restarted gateway serves their history again. */
  dataDir?: string;
}

/** One entry of `<dataDir>/drones.json`. */
interface DroneRecord {
  key: string;
  name: { en: string; zh: string };
  position: [number, number, number];
  source: string;
}

const REGISTRY = 'drones.json';

function readRegistry(dataDir: string): DroneRecord[] {
  const file = path.join(dataDir, REGISTRY);
  if (!fs.existsSync(file)) return [];
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!Array.isArray(v)) throw new Error('expected an array');
    return v.filter((r) => r && typeof r.key === 'string' && Array.isArray(r.position) && r.name);
  } catch (err) {
    console.warn(`gateway: ${file}: ignored (${(err as Error).message}); run-time drones of earlier runs are not listed`);
    return [];
  }
}

/** Re-creates the drone Things (flight-log replays, MAVLink vehicles) that earlier runs recorded in `<dataDir>/drones.json`. */
export async function restoreDroneThings(ctx: DroneThingContext): Promise<DroneThing[]> {
  if (!ctx.dataDir) return [];
  const out: DroneThing[] = [];
  for (const r of readRegistry(ctx.dataDir)) out.push(await ensureDroneThing(ctx, r.key, r.name, r.position, r.source));
  return out;
}

function remember(ctx: DroneThingContext, rec: DroneRecord): void {
  if (!ctx.dataDir) return;
  const list = readRegistry(ctx.dataDir);
  if (list.some((r) => r.key === rec.key)) return;
  list.push(rec);
  try {
    fs.mkdirSync(ctx.dataDir, { recursive: true });
    const file = path.join(ctx.dataDir, REGISTRY);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(list, null, 1));
    fs.renameSync(`${file}.tmp`, file);
  } catch (err) {
    console.warn(`gateway: cannot record drone ${rec.key} in ${ctx.dataDir}/${REGISTRY}: ${(err as Error).message}`);
  }
}

/**
 * The drone telemetry result of a log/MAVLink fix: the simulator's DroneTelemetry, with the datum of `height` named in
 * `heightRef`, and `battery` left out when the log does not record it.
 */
export type LoggedTelemetry = Omit<DroneTelemetry, 'battery'> & { battery?: number; heightRef: 'ellipsoid' | 'msl' | 'takeoff' };

const pending = new WeakMap<StaModel, Map<string, Promise<DroneThing>>>();

/**
 * Returns the drone Thing for `key`, creating it (and its Datastreams) on first use. `source` goes into the Thing's
 * properties (e.g. the log file name or "mavlink udp sysid 1").
 */
export function ensureDroneThing(
  ctx: DroneThingContext,
  key: string,
  name: { en: string; zh: string },
  position: [number, number, number],
  source: string,
): Promise<DroneThing> {
  let map = pending.get(ctx.model);
  if (!map) pending.set(ctx.model, (map = new Map()));
  let p = map.get(key);
  if (!p) {
    p = create(ctx, key, name, position, source);
    map.set(key, p);
    p.catch(() => map!.delete(key));
  }
  return p;
}

async function create(ctx: DroneThingContext, key: string, name: { en: string; zh: string }, position: [number, number, number], source: string): Promise<DroneThing> {
  const m = ctx.model;
  const existing = [...m.things.values()].find((t) => t.properties.droneKey === key);
  const telKey = `${key}/telemetry`;
  const batKey = `${key}/battery`;
  const ids = await ctx.store.assignDatastreamIds([telKey, batKey]);
  remember(ctx, { key, name, position, source });
  const telemetryDs = ids.get(telKey)!;
  const batteryDs = ids.get(batKey)!;
  if (existing && m.datastreams.has(telemetryDs)) return { key, thingId: existing.id, telemetryDs, batteryDs };
  const next = (map: Map<number, unknown>) => Math.max(0, ...map.keys()) + 1;
  const point = { type: 'Point' as const, coordinates: position };
  const locId = next(m.locations);
  m.locations.set(locId, { id: locId, name: name.en, description: name.zh, encodingType: 'application/geo+json', location: point, thingIds: [] });
  const foiId = next(m.featuresOfInterest);
  m.featuresOfInterest.set(foiId, { id: foiId, name: name.en, description: name.zh, encodingType: 'application/geo+json', feature: point });
  const thingId = next(m.things);
  m.things.set(thingId, {
    id: thingId,
    name: name.en,
    description: name.zh,
    properties: { siteId: key, kind: 'drone', droneKey: key, nameZh: name.zh, source },
    locationIds: [locId],
    datastreamIds: [],
  });
  m.locations.get(locId)!.thingIds.push(thingId);
  const op = (defn: string, label: string) => {
    const found = [...m.observedProperties.values()].find((o) => o.definition === defn);
    if (found) return found.id;
    const id = next(m.observedProperties);
    m.observedProperties.set(id, { id, name: label, definition: defn, description: label, datastreamIds: [] });
    return id;
  };
  const sensor = (meta: string, label: string) => {
    const found = [...m.sensors.values()].find((s) => s.metadata === meta);
    if (found) return found.id;
    const id = next(m.sensors);
    m.sensors.set(id, { id, name: `drone ${label}`, description: `${label} autopilot`, encodingType: 'text/plain', metadata: meta, datastreamIds: [] });
    return id;
  };
  const add = (id: number, k: string, prop: 'droneTelemetry' | 'battery') => {
    const tel = prop === 'droneTelemetry';
    const label = tel ? 'Drone telemetry' : 'Battery level';
    const opId = op(`urn:city-twin:property:${prop}`, label);
    const sensorId = sensor(`drone:${prop}`, label);
    const ds: Datastream = {
      id,
      key: k,
      name: `${name.en} ${label}`,
      description: `${label} of ${name.en} / ${name.zh}`,
      observationType: OBSERVATION_TYPES[tel ? 'complex' : 'measurement'],
      kind: tel ? 'complex' : 'measurement',
      unitOfMeasurement: tel
        ? { name: 'lon/lat deg, height m, attitude deg, speed m/s, battery %', symbol: '', definition: '' }
        : { name: 'percent', symbol: '%', definition: 'http://unitsofmeasure.org/ucum.html#%' },
      thingId,
      sensorId,
      observedPropertyId: opId,
      position,
      properties: { layer: 'drone', siteId: key, property: prop, source },
    };
    m.datastreams.set(id, ds);
    m.things.get(thingId)!.datastreamIds.push(id);
    m.observedProperties.get(opId)!.datastreamIds.push(id);
    m.sensors.get(sensorId)!.datastreamIds.push(id);
    m.foiOfDatastream.set(id, foiId);
  };
  add(telemetryDs, telKey, 'droneTelemetry');
  add(batteryDs, batKey, 'battery');
  return { key, thingId, telemetryDs, batteryDs };
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Maps a track point to the simulator's DroneTelemetry shape. `height` is the ellipsoidal height when the log has it,
 * else MSL, else height above take-off (`heightRef` says which); `mode` is derived from height and vertical speed.
 */
export function telemetryOf(p: TrackPoint, lastBattery: number | undefined): LoggedTelemetry {
  const heightRef = p.altEllipsoid !== undefined ? 'ellipsoid' : p.altMsl !== undefined ? 'msl' : 'takeoff';
  const height = p.altEllipsoid ?? p.altMsl ?? p.altRelative ?? 0;
  const speed = p.speed ?? 0;
  const climb = p.climb ?? 0;
  const rel = p.altRelative;
  const mode: DroneTelemetry['mode'] =
    rel !== undefined && rel < 1 && speed < 0.5 && Math.abs(climb) < 0.3 ? 'docked' : climb > 0.5 ? 'takeoff' : climb < -0.5 ? 'landing' : 'patrol';
  const out: LoggedTelemetry = {
    lon: round(p.lon, 7),
    lat: round(p.lat, 7),
    height: round(height, 2),
    heading: round(p.heading ?? 0, 1),
    pitch: round(p.pitch ?? 0, 1),
    roll: round(p.roll ?? 0, 1),
    speed: round(speed, 2),
    mode,
    heightRef,
  };
  const battery = p.battery ?? lastBattery;
  if (battery !== undefined) out.battery = round(battery, 1);
  return out;
}
