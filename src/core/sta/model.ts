/**
 * Builds the SensorThings entity graph from a scene's live sites: each site is a Thing with a Location and a
 * FeatureOfInterest; sensor sites get one Datastream for their `properties.property`, cameras a status Datastream,
 * drone ports a Thing per drone (`properties.drones`, default 1) with telemetry and battery Datastreams.
 */
import type { SiteSpec } from '../scene/catalog.js';
import {
  OBSERVATION_TYPES,
  type Datastream,
  type ObservationKind,
  type StaModel,
  type Thing,
  type UnitOfMeasurement,
} from './types.js';

/** A phenomenon the gateway knows (observed property + default unit + simulator model). */
export interface PhenomenonInfo {
  /** Canonical property key (used by the simulator). */
  key: string;
  name: string;
  definition: string;
  unit: UnitOfMeasurement;
  kind: ObservationKind;
}

const UCUM = 'http://unitsofmeasure.org/ucum.html#';

const PHENOMENA: PhenomenonInfo[] = [
  { key: 'waterLevel', name: 'Water level', definition: 'http://vocab.nerc.ac.uk/collection/P07/current/CFSN0721/', unit: { name: 'metre', symbol: 'm', definition: UCUM + 'm' }, kind: 'measurement' },
  { key: 'rainfall', name: 'Rainfall intensity', definition: 'http://vocab.nerc.ac.uk/collection/P07/current/CFSN0140/', unit: { name: 'millimetre per hour', symbol: 'mm/h', definition: UCUM + 'mm/h' }, kind: 'measurement' },
  { key: 'pressure', name: 'Pipe pressure', definition: 'https://en.wikipedia.org/wiki/Pressure', unit: { name: 'kilopascal', symbol: 'kPa', definition: UCUM + 'kPa' }, kind: 'measurement' },
  { key: 'flow', name: 'Pipe flow', definition: 'https://en.wikipedia.org/wiki/Volumetric_flow_rate', unit: { name: 'litre per second', symbol: 'L/s', definition: UCUM + 'L/s' }, kind: 'measurement' },
  { key: 'gas', name: 'Combustible gas concentration', definition: 'https://en.wikipedia.org/wiki/Lower_flammability_limit', unit: { name: 'percent of lower explosive limit', symbol: '%LEL', definition: UCUM + '%' }, kind: 'measurement' },
  { key: 'pm25', name: 'PM2.5', definition: 'http://vocab.nerc.ac.uk/collection/P07/current/CFSN0580/', unit: { name: 'microgram per cubic metre', symbol: 'µg/m³', definition: UCUM + 'ug/m3' }, kind: 'measurement' },
];

const ALIASES: [RegExp, string][] = [
  [/water.?level|level|stage|水位/i, 'waterLevel'],
  [/rain|precip|雨/i, 'rainfall'],
  [/press|压力/i, 'pressure'],
  [/flow|流量/i, 'flow'],
  [/gas|ch4|methane|lel|燃气|可燃/i, 'gas'],
  [/pm2\.?5|pm25|particulate/i, 'pm25'],
];

/** Maps a site's `properties.property` to a known phenomenon, or a generic measurement named after it. */
export function phenomenonOf(property: string, unit?: string): PhenomenonInfo {
  const alias = ALIASES.find(([re]) => re.test(property))?.[1];
  const known = PHENOMENA.find((p) => p.key === property) ?? PHENOMENA.find((p) => p.key === alias);
  const base: PhenomenonInfo = known ?? {
    key: property,
    name: property,
    definition: `urn:city-twin:property:${property}`,
    unit: { name: unit ?? '', symbol: unit ?? '', definition: '' },
    kind: 'measurement',
  };
  return unit && unit !== base.unit.symbol ? { ...base, unit: { name: unit, symbol: unit, definition: UCUM + unit } } : base;
}

/** A datastream to create, before ids are assigned. */
export interface DatastreamPlan {
  /** Stable key `${thingKey}/${property}`. */
  key: string;
  /** Key of its Thing (site id, or `${site id}/drone${n}`). */
  thingKey: string;
  site: SiteSpec;
  /** 'sensor' | 'camera' | 'drone' — the "layer" a stream subscription names. */
  layer: 'sensor' | 'camera' | 'drone';
  phenomenon: PhenomenonInfo;
}

const CAMERA_STATUS: PhenomenonInfo = {
  key: 'cameraStatus',
  name: 'Camera status',
  definition: 'urn:city-twin:property:cameraStatus',
  unit: { name: 'status', symbol: '', definition: '' },
  kind: 'category',
};
const DRONE_TELEMETRY: PhenomenonInfo = {
  key: 'droneTelemetry',
  name: 'Drone telemetry',
  definition: 'urn:city-twin:property:droneTelemetry',
  unit: { name: 'lon/lat deg, height m, attitude deg, speed m/s, battery %', symbol: '', definition: '' },
  kind: 'complex',
};
const DRONE_BATTERY: PhenomenonInfo = {
  key: 'battery',
  name: 'Battery level',
  definition: 'urn:city-twin:property:battery',
  unit: { name: 'percent', symbol: '%', definition: UCUM + '%' },
  kind: 'measurement',
};

/** Number of drones a drone port hosts (`properties.drones`, else `chargeSlots`, else 1). */
export function dronesOf(site: SiteSpec): number {
  const n = Number(site.properties.drones ?? site.properties.chargeSlots ?? 1);
  return Number.isInteger(n) && n >= 0 && n <= 16 ? n : 1;
}

/** The datastreams the scene's sites imply, in a deterministic order. */
export function planDatastreams(sites: readonly SiteSpec[]): DatastreamPlan[] {
  const out: DatastreamPlan[] = [];
  for (const site of sites) {
    if (site.kind === 'sensor') {
      const prop = String(site.properties.property ?? site.properties.type ?? 'value');
      const unit = site.properties.unit == null ? undefined : String(site.properties.unit);
      out.push({ key: `${site.id}/${prop}`, thingKey: site.id, site, layer: 'sensor', phenomenon: phenomenonOf(prop, unit) });
    } else if (site.kind === 'camera') {
      out.push({ key: `${site.id}/status`, thingKey: site.id, site, layer: 'camera', phenomenon: CAMERA_STATUS });
    } else if (site.kind === 'droneport') {
      for (let d = 1; d <= dronesOf(site); d++) {
        const thingKey = `${site.id}/drone${d}`;
        out.push({ key: `${thingKey}/telemetry`, thingKey, site, layer: 'drone', phenomenon: DRONE_TELEMETRY });
        out.push({ key: `${thingKey}/battery`, thingKey, site, layer: 'drone', phenomenon: DRONE_BATTERY });
      }
    }
  }
  return out;
}

/**
 * Builds the entity graph. `dsIds` gives each plan key its persistent Datastream id (the store keeps them so ids
 * survive restarts and scene edits); other entity ids are assigned in site order.
 */
export function buildStaModel(sites: readonly SiteSpec[], plans: readonly DatastreamPlan[], dsIds: ReadonlyMap<string, number>): StaModel {
  const m: StaModel = {
    things: new Map(),
    locations: new Map(),
    sensors: new Map(),
    observedProperties: new Map(),
    datastreams: new Map(),
    featuresOfInterest: new Map(),
    foiOfDatastream: new Map(),
  };
  const thingIdByKey = new Map<string, number>();
  const locIdBySite = new Map<string, number>();
  const foiIdBySite = new Map<string, number>();
  const addThing = (key: string, site: SiteSpec, name: string, description: string, properties: Record<string, unknown>): Thing => {
    const id = m.things.size + 1;
    const thing: Thing = { id, name, description, properties, locationIds: [locIdBySite.get(site.id)!], datastreamIds: [] };
    m.things.set(id, thing);
    m.locations.get(locIdBySite.get(site.id)!)!.thingIds.push(id);
    thingIdByKey.set(key, id);
    return thing;
  };
  for (const site of sites) {
    const point = { type: 'Point' as const, coordinates: [site.lon, site.lat, site.height] as [number, number, number] };
    const locId = m.locations.size + 1;
    m.locations.set(locId, { id: locId, name: site.name.en, description: site.name.zh, encodingType: 'application/geo+json', location: point, thingIds: [] });
    locIdBySite.set(site.id, locId);
    const foiId = m.featuresOfInterest.size + 1;
    m.featuresOfInterest.set(foiId, { id: foiId, name: site.name.en, description: site.name.zh, encodingType: 'application/geo+json', feature: point });
    foiIdBySite.set(site.id, foiId);
    addThing(site.id, site, site.name.en, site.name.zh, { ...site.properties, siteId: site.id, kind: site.kind, nameZh: site.name.zh });
    if (site.kind === 'droneport') {
      for (let d = 1; d <= dronesOf(site); d++) {
        addThing(`${site.id}/drone${d}`, site, `${site.name.en} drone ${d}`, `${site.name.zh} 无人机 ${d}`, {
          siteId: site.id,
          kind: 'drone',
          homePort: site.id,
          nameZh: `${site.name.zh} 无人机 ${d}`,
        });
      }
    }
  }
  const opIdByKey = new Map<string, number>();
  const sensorIdByKey = new Map<string, number>();
  for (const p of plans) {
    const id = dsIds.get(p.key);
    if (id === undefined) throw new Error(`buildStaModel: no datastream id for '${p.key}'`);
    const ph = p.phenomenon;
    let opId = opIdByKey.get(ph.key);
    if (opId === undefined) {
      opId = m.observedProperties.size + 1;
      m.observedProperties.set(opId, { id: opId, name: ph.name, definition: ph.definition, description: ph.name, datastreamIds: [] });
      opIdByKey.set(ph.key, opId);
    }
    const sensorKey = `${p.layer}/${ph.key}`;
    let sensorId = sensorIdByKey.get(sensorKey);
    if (sensorId === undefined) {
      sensorId = m.sensors.size + 1;
      m.sensors.set(sensorId, {
        id: sensorId,
        name: `${p.layer} ${ph.name}`,
        description: `${ph.name} ${p.layer === 'drone' ? 'autopilot' : 'sensor'}`,
        encodingType: 'text/plain',
        metadata: `${p.layer}:${ph.key}`,
        datastreamIds: [],
      });
      sensorIdByKey.set(sensorKey, sensorId);
    }
    const thingId = thingIdByKey.get(p.thingKey)!;
    const thing = m.things.get(thingId)!;
    const ds: Datastream = {
      id,
      key: p.key,
      name: `${thing.name} ${ph.name}`,
      description: `${ph.name} at ${p.site.name.en} / ${p.site.name.zh}`,
      observationType: OBSERVATION_TYPES[ph.kind],
      kind: ph.kind,
      unitOfMeasurement: ph.unit,
      thingId,
      sensorId,
      observedPropertyId: opId,
      position: [p.site.lon, p.site.lat, p.site.height],
      // Sensor metadata of the site (normal, warning, alarm, direction, datum, network, attachedTo...) travels with the stream.
      properties: { ...(p.layer === 'sensor' ? p.site.properties : {}), layer: p.layer, siteId: p.site.id, property: ph.key },
    };
    m.datastreams.set(id, ds);
    thing.datastreamIds.push(id);
    m.observedProperties.get(opId)!.datastreamIds.push(id);
    m.sensors.get(sensorId)!.datastreamIds.push(id);
    m.foiOfDatastream.set(id, foiIdBySite.get(p.site.id)!);
  }
  return m;
}
