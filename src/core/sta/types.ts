/**
 * OGC SensorThings API 1.1 entity model as the gateway keeps it (pure data, no I/O).
 * Ids are integers; the wire form adds `@iot.id`, `@iot.selfLink` and navigation links.
 */

/** STA entity set names (the URL path segments under /v1.1). */
export type EntitySetName =
  | 'Things'
  | 'Locations'
  | 'HistoricalLocations'
  | 'Datastreams'
  | 'Sensors'
  | 'ObservedProperties'
  | 'Observations'
  | 'FeaturesOfInterest';

/** All entity sets, in the order the service root document lists them. */
export const ENTITY_SETS: readonly EntitySetName[] = [
  'Things',
  'Locations',
  'HistoricalLocations',
  'Datastreams',
  'Sensors',
  'ObservedProperties',
  'Observations',
  'FeaturesOfInterest',
];

/** O&M observation types the gateway validates results against. */
export const OBSERVATION_TYPES = {
  /** A finite number. */
  measurement: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
  /** A string from a code list. */
  category: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_CategoryObservation',
  /** A boolean. */
  truth: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_TruthObservation',
  /** Any JSON object (e.g. drone telemetry). */
  complex: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_ComplexObservation',
} as const;

/** Short observation type keys. */
export type ObservationKind = keyof typeof OBSERVATION_TYPES;

/** A GeoJSON point (lon, lat[, height]). */
export interface GeoPoint {
  type: 'Point';
  coordinates: [number, number] | [number, number, number];
}

/** STA Thing: a site (sensor station, camera, drone port) or a drone. */
export interface Thing {
  id: number;
  name: string;
  description: string;
  properties: Record<string, unknown>;
  /** Location ids. */
  locationIds: number[];
  /** Datastream ids. */
  datastreamIds: number[];
}

/** STA Location. */
export interface Location {
  id: number;
  name: string;
  description: string;
  encodingType: 'application/geo+json';
  location: GeoPoint;
  thingIds: number[];
}

/** STA Sensor (the procedure that produced observations). */
export interface Sensor {
  id: number;
  name: string;
  description: string;
  encodingType: string;
  metadata: string;
  datastreamIds: number[];
}

/** STA ObservedProperty (a phenomenon: water level, PM2.5...). */
export interface ObservedProperty {
  id: number;
  name: string;
  definition: string;
  description: string;
  datastreamIds: number[];
}

/** STA unit of measurement. */
export interface UnitOfMeasurement {
  name: string;
  symbol: string;
  definition: string;
}

/** STA Datastream: one time series of one Thing. */
export interface Datastream {
  id: number;
  /** Stable key `${siteId}/${property}` used to keep ids across restarts. */
  key: string;
  name: string;
  description: string;
  observationType: string;
  /** Short form of observationType used by validation. */
  kind: ObservationKind;
  unitOfMeasurement: UnitOfMeasurement;
  thingId: number;
  sensorId: number;
  observedPropertyId: number;
  /** The site/thing position (fixed sites) — used for bbox subscriptions. */
  position: [number, number, number];
  properties: Record<string, unknown>;
}

/** STA FeatureOfInterest (here: one per site). */
export interface FeatureOfInterest {
  id: number;
  name: string;
  description: string;
  encodingType: 'application/geo+json';
  feature: GeoPoint;
}

/** An observation as stored: `seq` is the gateway-wide sequence number and also its @iot.id. */
export interface StoredObservation {
  /** Gateway-wide sequence number (strictly increasing in commit order). */
  seq: number;
  /** Datastream id. */
  ds: number;
  /** phenomenonTime, ms since the Unix epoch. */
  t: number;
  /** Result (number, string, boolean or JSON object). */
  result: unknown;
}

/** The in-memory entity graph the gateway serves. */
export interface StaModel {
  things: Map<number, Thing>;
  locations: Map<number, Location>;
  sensors: Map<number, Sensor>;
  observedProperties: Map<number, ObservedProperty>;
  datastreams: Map<number, Datastream>;
  featuresOfInterest: Map<number, FeatureOfInterest>;
  /** Datastream id → FeatureOfInterest id. */
  foiOfDatastream: Map<number, number>;
}
