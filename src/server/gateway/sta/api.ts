/**
 * SensorThings API 1.1 read endpoints (`/v1.1/...`) plus observation creation (POST), over the in-memory entity graph
 * and the observation store. Query options: $filter, $orderby, $top, $skip, $count, $select, $expand (one level, with
 * nested options such as `Observations($top=1;$orderby=phenomenonTime desc)`). Paging with @iot.nextLink.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ENTITY_SETS, type EntitySetName, type StaModel, type StoredObservation } from '../../../core/sta/types.js';
import {
  QueryError,
  comparator,
  evaluate,
  parseQueryOptions,
  timeBounds,
  truthy,
  type Expr,
  type QueryOptions,
  type Resolver,
} from '../../../core/sta/query.js';
import type { ObservationStore } from '../store/types.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import { RejectedError } from '../ingest/pipeline.js';

/** An HTTP error with a status code. */
export class HttpError extends Error {
  /** HTTP status. */
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Most observations an unindexed query (sorting by result, several datastreams) may examine. */
const SCAN_CAP = 500_000;

type Entity = Record<string, unknown> & { id: number };

/** Singular navigation properties → target set. */
const SINGLE_NAV: Record<string, EntitySetName> = {
  Thing: 'Things',
  Datastream: 'Datastreams',
  Sensor: 'Sensors',
  ObservedProperty: 'ObservedProperties',
  FeatureOfInterest: 'FeaturesOfInterest',
  Location: 'Locations',
};

/** Navigation properties of each set (name → target set, collection?). */
const NAV: Record<EntitySetName, Record<string, [EntitySetName, boolean]>> = {
  Things: { Locations: ['Locations', true], HistoricalLocations: ['HistoricalLocations', true], Datastreams: ['Datastreams', true] },
  Locations: { Things: ['Things', true], HistoricalLocations: ['HistoricalLocations', true] },
  HistoricalLocations: { Thing: ['Things', false], Locations: ['Locations', true] },
  Datastreams: { Thing: ['Things', false], Sensor: ['Sensors', false], ObservedProperty: ['ObservedProperties', false], Observations: ['Observations', true] },
  Sensors: { Datastreams: ['Datastreams', true] },
  ObservedProperties: { Datastreams: ['Datastreams', true] },
  Observations: { Datastream: ['Datastreams', false], FeatureOfInterest: ['FeaturesOfInterest', false] },
  FeaturesOfInterest: { Observations: ['Observations', true] },
};

/** What a URL path resolves to. */
type Target =
  | { kind: 'entity'; set: EntitySetName; id: number }
  | { kind: 'collection'; set: Exclude<EntitySetName, 'Observations'>; ids: number[] }
  | { kind: 'observations'; ds: number[] | 'all' }
  | { kind: 'property'; set: EntitySetName; id: number; name: string; raw: boolean };

const iso = (t: number) => new Date(t).toISOString();

/** Serves the SensorThings endpoints. */
export class StaApi {
  constructor(
    private readonly model: StaModel,
    private readonly store: ObservationStore,
    private readonly pipeline: IngestPipeline,
  ) {}

  /** Handles a request under /v1.1; resolves false when the path is not ours. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/v1.1' && !url.pathname.startsWith('/v1.1/')) return false;
    const base = `${(req.headers['x-forwarded-proto'] as string) ?? 'http'}://${req.headers.host ?? 'localhost'}/v1.1`;
    try {
      if (req.method === 'POST') await this.post(req, res, url, base);
      else if (req.method === 'GET' || req.method === 'HEAD') await this.get(res, url, base);
      else throw new HttpError(405, `method ${req.method} not allowed (the gateway's SensorThings API is read-only except POST Observations)`);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : err instanceof QueryError ? 400 : 500;
      if (status === 500) console.error(`gateway: ${req.method} ${req.url}: ${(err as Error).stack}`);
      sendJson(res, status, { code: status, type: 'error', message: (err as Error).message });
    }
    return true;
  }

  private async get(res: ServerResponse, url: URL, base: string): Promise<void> {
    const rest = url.pathname.slice('/v1.1'.length).replace(/^\/+|\/+$/g, '');
    if (rest === '') {
      sendJson(res, 200, {
        value: ENTITY_SETS.map((name) => ({ name, url: `${base}/${name}` })),
        serverSettings: {
          conformance: [
            'http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel',
            'http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities',
            'http://www.opengis.net/spec/iot_sensing/1.1/req/request-data',
            'http://www.opengis.net/spec/iot_sensing/1.1/req/create-update-delete/create-entity',
            'http://www.opengis.net/spec/iot_sensing/1.1/req/create-observations-via-mqtt/observations-creation',
          ],
          'http://www.opengis.net/spec/iot_sensing/1.1/req/create-observations-via-mqtt/observations-creation': { endpoints: ['mqtt://'] },
        },
      });
      return;
    }
    const target = await this.resolve(rest.split('/'));
    const q = parseQueryOptions(url.searchParams);
    if (target.kind === 'property') {
      const ent = await this.entity(target.set, target.id, base);
      if (!(target.name in ent)) throw new HttpError(404, `${target.set}(${target.id}) has no property '${target.name}'`);
      if (target.raw) {
        const v = ent[target.name];
        res.statusCode = 200;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(typeof v === 'string' ? v : JSON.stringify(v));
      } else sendJson(res, 200, { [target.name]: ent[target.name] });
      return;
    }
    if (target.kind === 'entity') {
      const ent = await this.entity(target.set, target.id, base);
      await this.expandObservations(target.set, ent, q);
      sendJson(res, 200, this.shape(target.set, ent, q, base));
      return;
    }
    const nextUrl = (skip: number) => {
      const u = new URL(url.toString());
      u.searchParams.set('$skip', String(skip));
      if (!u.searchParams.has('$top')) u.searchParams.set('$top', String(q.top));
      return `${base}${url.pathname.slice('/v1.1'.length)}?${u.searchParams.toString()}`;
    };
    let page: Entity[];
    let count: number | undefined;
    let more: boolean;
    let set: EntitySetName;
    if (target.kind === 'collection') {
      set = target.set;
      let items = target.ids.map((id) => this.memEntity(target.set, id)!).filter(Boolean);
      if (q.filter) items = items.filter((e) => truthy(evaluate(q.filter!, this.resolver(target.set, e))));
      if (q.orderBy.length) items.sort(comparator(q.orderBy, (e: Entity) => this.resolver(target.set, e)));
      count = items.length;
      page = items.slice(q.skip, q.skip + q.top);
      more = q.skip + q.top < items.length;
    } else {
      set = 'Observations';
      const r = await this.queryObservations(target.ds, q);
      page = r.page.map((o) => this.obsEntity(o));
      count = r.count;
      more = r.more;
    }
    const body: Record<string, unknown> = {};
    if (q.count && count !== undefined) body['@iot.count'] = count;
    if (more) body['@iot.nextLink'] = nextUrl(q.skip + q.top);
    const linked = page.map((e) => this.withLinks(set, e, base));
    for (const e of linked) await this.expandObservations(set, e, q);
    body.value = linked.map((e) => this.shape(set, e, q, base));
    sendJson(res, 200, body);
  }

  /** Resolves path segments like ["Datastreams(7)", "Observations"]. */
  private async resolve(segs: string[]): Promise<Target> {
    let cur: Target | undefined;
    for (let i = 0; i < segs.length; i++) {
      const seg = decodeURIComponent(segs[i]);
      const m = /^([A-Za-z]+)(?:\((\d+)\))?$/.exec(seg);
      if (seg === '$value') {
        if (cur?.kind !== 'property') throw new HttpError(400, '$value must follow a property name');
        cur = { ...cur, raw: true };
        continue;
      }
      if (!m) throw new HttpError(400, `bad path segment '${seg}'`);
      const name = m[1];
      const id = m[2] === undefined ? undefined : Number(m[2]);
      if (!cur) {
        if (!ENTITY_SETS.includes(name as EntitySetName)) throw new HttpError(404, `no entity set '${name}' (known: ${ENTITY_SETS.join(', ')})`);
        const set = name as EntitySetName;
        if (id !== undefined) {
          await this.mustExist(set, id);
          cur = { kind: 'entity', set, id };
        } else cur = set === 'Observations' ? { kind: 'observations', ds: 'all' } : { kind: 'collection', set, ids: this.allIds(set) };
        continue;
      }
      if (cur.kind === 'collection' || cur.kind === 'observations') {
        throw new HttpError(400, `'${seg}' cannot follow a collection; address one entity with (id) first`);
      }
      if (cur.kind === 'property') throw new HttpError(400, `'${seg}' cannot follow a property`);
      const nav = NAV[cur.set][name];
      if (!nav) {
        if (id === undefined && i === segs.length - 1 - (segs[i + 1] === '$value' ? 1 : 0)) {
          cur = { kind: 'property', set: cur.set, id: cur.id, name, raw: false };
          continue;
        }
        throw new HttpError(404, `${cur.set} has no navigation property '${name}'`);
      }
      const [tset, many] = nav;
      const related = await this.related(cur.set, cur.id, name);
      if (!many) {
        if (related.length === 0) throw new HttpError(404, `${cur.set}(${cur.id})/${name} does not exist`);
        cur = { kind: 'entity', set: tset, id: related[0] };
      } else if (tset === 'Observations') {
        if (id !== undefined) {
          const o = await this.store.get(id);
          if (!o || !related.includes(o.ds)) throw new HttpError(404, `${seg} is not in ${cur.set}(${cur.id})`);
          cur = { kind: 'entity', set: 'Observations', id };
        } else cur = { kind: 'observations', ds: related };
      } else if (id !== undefined) {
        if (!related.includes(id)) throw new HttpError(404, `${seg} is not related to ${cur.set}(${cur.id})`);
        cur = { kind: 'entity', set: tset, id };
      } else cur = { kind: 'collection', set: tset as Exclude<EntitySetName, 'Observations'>, ids: related };
    }
    return cur!;
  }

  private allIds(set: EntitySetName): number[] {
    const m = this.model;
    const map = { Things: m.things, Locations: m.locations, Datastreams: m.datastreams, Sensors: m.sensors, ObservedProperties: m.observedProperties, FeaturesOfInterest: m.featuresOfInterest } as Record<string, Map<number, unknown>>;
    return set === 'HistoricalLocations' ? [] : [...(map[set]?.keys() ?? [])].sort((a, b) => a - b);
  }

  private async mustExist(set: EntitySetName, id: number): Promise<void> {
    if (set === 'Observations') {
      if (!(await this.store.get(id))) throw new HttpError(404, `Observations(${id}) not found`);
    } else if (!this.memEntity(set, id)) throw new HttpError(404, `${set}(${id}) not found`);
  }

  /** Ids related to an entity through a navigation property (for Observations navigation: datastream ids). */
  private async related(set: EntitySetName, id: number, nav: string): Promise<number[]> {
    const m = this.model;
    switch (`${set}/${nav}`) {
      case 'Things/HistoricalLocations':
      case 'Locations/HistoricalLocations':
        return [];
      case 'Datastreams/Observations':
        return [id];
      case 'FeaturesOfInterest/Observations':
        return [...m.foiOfDatastream].filter(([, f]) => f === id).map(([ds]) => ds);
      case 'Observations/Datastream': {
        const o = await this.store.get(id);
        return o ? [o.ds] : [];
      }
      case 'Observations/FeatureOfInterest': {
        const o = await this.store.get(id);
        const f = o ? m.foiOfDatastream.get(o.ds) : undefined;
        return f === undefined ? [] : [f];
      }
    }
    return this.modelRelated(set, id, nav);
  }

  /** Ids related through a navigation property held by the in-memory model (Things, Locations, Datastreams, …). */
  private modelRelated(set: EntitySetName, id: number, nav: string): number[] {
    const m = this.model;
    switch (`${set}/${nav}`) {
      case 'Things/Locations':
        return m.things.get(id)!.locationIds;
      case 'Things/Datastreams':
        return m.things.get(id)!.datastreamIds;
      case 'Locations/Things':
        return m.locations.get(id)!.thingIds;
      case 'Datastreams/Thing':
        return [m.datastreams.get(id)!.thingId];
      case 'Datastreams/Sensor':
        return [m.datastreams.get(id)!.sensorId];
      case 'Datastreams/ObservedProperty':
        return [m.datastreams.get(id)!.observedPropertyId];
      case 'Sensors/Datastreams':
        return m.sensors.get(id)!.datastreamIds;
      case 'ObservedProperties/Datastreams':
        return m.observedProperties.get(id)!.datastreamIds;
    }
    return [];
  }

  /** Plain entity (no links) from the in-memory model. */
  private memEntity(set: EntitySetName, id: number): Entity | undefined {
    const m = this.model;
    switch (set) {
      case 'Things': {
        const t = m.things.get(id);
        return t && { id, name: t.name, description: t.description, properties: t.properties };
      }
      case 'Locations': {
        const l = m.locations.get(id);
        return l && { id, name: l.name, description: l.description, encodingType: l.encodingType, location: l.location };
      }
      case 'Datastreams': {
        const d = m.datastreams.get(id);
        return (
          d && {
            id,
            name: d.name,
            description: d.description,
            observationType: d.observationType,
            unitOfMeasurement: d.unitOfMeasurement,
            observedArea: { type: 'Point', coordinates: d.position },
            properties: { ...d.properties, key: d.key },
          }
        );
      }
      case 'Sensors': {
        const s = m.sensors.get(id);
        return s && { id, name: s.name, description: s.description, encodingType: s.encodingType, metadata: s.metadata };
      }
      case 'ObservedProperties': {
        const o = m.observedProperties.get(id);
        return o && { id, name: o.name, definition: o.definition, description: o.description };
      }
      case 'FeaturesOfInterest': {
        const f = m.featuresOfInterest.get(id);
        return f && { id, name: f.name, description: f.description, encodingType: f.encodingType, feature: f.feature };
      }
      default:
        return undefined;
    }
  }

  private obsEntity(o: StoredObservation): Entity {
    return { id: o.seq, phenomenonTime: iso(o.t), resultTime: iso(o.t), result: o.result, _ds: o.ds } as Entity;
  }

  /** Full entity with @iot links. */
  private async entity(set: EntitySetName, id: number, base: string): Promise<Entity> {
    let e: Entity | undefined;
    if (set === 'Observations') {
      const o = await this.store.get(id);
      e = o && this.obsEntity(o);
    } else e = this.memEntity(set, id);
    if (!e) throw new HttpError(404, `${set}(${id}) not found`);
    return this.withLinks(set, e, base);
  }

  private withLinks(set: EntitySetName, e: Entity, base: string): Entity {
    const self = `${base}/${set}(${e.id})`;
    const out: Record<string, unknown> = { '@iot.id': e.id, '@iot.selfLink': self };
    for (const [k, v] of Object.entries(e)) if (k !== 'id' && k !== '_ds' && k !== '_obs') out[k] = v;
    for (const nav of Object.keys(NAV[set])) out[`${nav}@iot.navigationLink`] = `${self}/${nav}`;
    return Object.assign(out, { id: e.id, _ds: e._ds, _obs: e._obs }) as Entity;
  }

  /** Runs the Observations expansions of `q` for an entity (stored on it as `_obs` for shape()). */
  private async expandObservations(set: EntitySetName, e: Entity, q: QueryOptions): Promise<void> {
    for (const { nav, options } of q.expand) {
      if (NAV[set][nav]?.[0] !== 'Observations') continue;
      const ds = set === 'Datastreams' ? [e.id] : set === 'FeaturesOfInterest' ? [...this.model.foiOfDatastream].filter(([, f]) => f === e.id).map(([d]) => d) : [];
      const r = await this.queryObservations(ds, options ?? { top: 100, skip: 0, count: false, orderBy: [], expand: [] });
      e._obs = { ...((e._obs as object) ?? {}), [nav]: r.page };
    }
  }

  /** Applies $select and $expand and drops internal fields. */
  private shape(set: EntitySetName, e: Entity, q: QueryOptions, base: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) if (k !== 'id' && k !== '_ds' && k !== '_obs') out[k] = v;
    const plain: QueryOptions = { top: 1, skip: 0, count: false, orderBy: [], expand: [] };
    for (const { nav, options } of q.expand) {
      const target = NAV[set][nav];
      if (!target) throw new HttpError(400, `$expand: ${set} has no navigation property '${nav}'`);
      if (target[0] === 'Observations') {
        // Filled in by expandObservations() before shaping.
        const exp = (e._obs as Record<string, StoredObservation[]> | undefined)?.[nav] ?? [];
        out[nav] = exp.map((o) => this.shape('Observations', this.withLinks('Observations', this.obsEntity(o), base), { ...plain, select: options?.select }, base));
        continue;
      }
      const ids = this.relatedSync(set, e, nav);
      const items = ids
        .map((id) => this.memEntity(target[0], id))
        .filter((x): x is Entity => !!x)
        .map((x) => this.shape(target[0], this.withLinks(target[0], x, base), { ...plain, select: options?.select }, base));
      out[nav] = target[1] ? items : (items[0] ?? null);
    }
    if (q.select) {
      const keep: Record<string, unknown> = {};
      for (const k of q.select) {
        const key = k === 'id' ? '@iot.id' : k;
        if (key in out) keep[key] = out[key];
        else if (`${k}@iot.navigationLink` in out) keep[`${k}@iot.navigationLink`] = out[`${k}@iot.navigationLink`];
      }
      for (const { nav } of q.expand) keep[nav] = out[nav];
      return keep;
    }
    return out;
  }

  private relatedSync(set: EntitySetName, e: Entity, nav: string): number[] {
    const m = this.model;
    if (set === 'Observations') {
      const ds = e._ds as number;
      if (nav === 'Datastream') return [ds];
      const f = m.foiOfDatastream.get(ds);
      return f === undefined ? [] : [f];
    }
    return this.modelRelated(set, e.id, nav);
  }

  /** A $filter/$orderby resolver over an entity, following single-valued navigation (Datastream/Thing/name). */
  private resolver(set: EntitySetName, e: Entity): Resolver {
    return (path: string[]) => {
      let curSet = set;
      let cur: Entity | undefined = e;
      for (let i = 0; i < path.length; i++) {
        if (cur === undefined || cur === null) return null;
        const p = path[i];
        const navTarget = SINGLE_NAV[p];
        if (navTarget && NAV[curSet][p] && !NAV[curSet][p][1]) {
          const ids = this.relatedSync(curSet, cur, p);
          cur = ids.length ? this.memEntity(navTarget, ids[0]) : undefined;
          curSet = navTarget;
          continue;
        }
        let v: unknown;
        if (p === 'id' || p === '@iot.id') v = cur.id;
        else if (i === 0 && set === 'Observations' && (p === 'phenomenonTime' || p === 'resultTime')) v = new Date(String(cur[p]));
        else v = (cur as Record<string, unknown>)[p];
        if (i === path.length - 1) return v ?? null;
        if (v === null || typeof v !== 'object') return null;
        cur = v as Entity;
      }
      return null;
    };
  }

  /** Runs an Observations query: push time bounds and time order to the store, evaluate the rest here. */
  private async queryObservations(ds: number[] | 'all', q: QueryOptions): Promise<{ page: StoredObservation[]; count?: number; more: boolean }> {
    const b1 = timeBounds(q.filter, 'phenomenonTime');
    const b2 = timeBounds(q.filter, 'resultTime');
    const from = Math.max(b1.from, b2.from);
    const to = Math.min(b1.to, b2.to);
    const timeOrder = q.orderBy.length === 1 && ['phenomenonTime', 'resultTime'].includes(q.orderBy[0].path.join('/'));
    const idOrder = q.orderBy.length === 0 || (q.orderBy.length === 1 && ['id', '@iot.id'].includes(q.orderBy[0].path.join('/')));
    const pass = (o: StoredObservation) => !q.filter || truthy(evaluate(q.filter, this.resolver('Observations', this.obsEntity(o))));
    const onlyTime = !q.filter || onlyTimeComparisons(q.filter);
    // Fast path: one datastream, time order (or default), filter is only time bounds.
    if (ds !== 'all' && ds.length === 1 && (timeOrder || q.orderBy.length === 0) && onlyTime) {
      const desc = timeOrder && q.orderBy[0].desc;
      const page = await this.store.range(ds[0], from, to, { desc, limit: q.top + 1, offset: q.skip });
      const more = page.length > q.top;
      const count = q.count ? await this.store.countRange(ds[0], from, to) : undefined;
      return { page: page.slice(0, q.top), count, more };
    }
    // General path: gather candidates (bounded), filter, sort, page.
    const dsSet = ds === 'all' ? undefined : new Set(ds);
    const matched: StoredObservation[] = [];
    let scanned = 0;
    const need = q.skip + q.top + 1;
    if (ds !== 'all' && ds.length <= 64 && (timeOrder || !idOrder || q.count)) {
      for (const d of ds) {
        for (let off = 0; ; off += 5000) {
          const rows = await this.store.range(d, from, to, { desc: false, limit: 5000, offset: off });
          scanned += rows.length;
          if (scanned > SCAN_CAP) throw new HttpError(400, `query examines more than ${SCAN_CAP} observations; narrow it with a phenomenonTime range`);
          for (const o of rows) if (pass(o)) matched.push(o);
          if (rows.length < 5000) break;
        }
      }
    } else {
      let after = 0;
      for (;;) {
        const rows = await this.store.since(after, 5000);
        if (rows.length === 0) break;
        after = rows[rows.length - 1].seq;
        scanned += rows.length;
        for (const o of rows) if ((!dsSet || dsSet.has(o.ds)) && o.t >= from && o.t <= to && pass(o)) matched.push(o);
        if (idOrder && !q.orderBy[0]?.desc && !q.count && matched.length >= need) break;
        if (scanned > SCAN_CAP) throw new HttpError(400, `query examines more than ${SCAN_CAP} observations; address one Datastream or add a phenomenonTime range`);
      }
    }
    if (q.orderBy.length) matched.sort(comparator(q.orderBy, (o: StoredObservation) => this.resolver('Observations', this.obsEntity(o))));
    else matched.sort((a, b) => a.seq - b.seq);
    return { page: matched.slice(q.skip, q.skip + q.top), count: q.count ? matched.length : undefined, more: matched.length > q.skip + q.top };
  }

  /** POST /v1.1/Observations or /v1.1/Datastreams(id)/Observations: stores one observation, 201 with its entity. */
  private async post(req: IncomingMessage, res: ServerResponse, url: URL, base: string): Promise<void> {
    const m = /^\/v1\.1\/(?:Datastreams\((\d+)\)\/)?Observations$/.exec(url.pathname);
    if (!m) throw new HttpError(405, 'only POST /v1.1/Observations and /v1.1/Datastreams(id)/Observations are supported');
    const body = await readBody(req, 64 * 1024).catch((err: Error) => {
      this.pipeline.reject('http', url.pathname, 'oversized', err.message, '');
      throw new HttpError(413, err.message);
    });
    const stored = await new Promise<StoredObservation>((resolve, reject) => {
      this.pipeline.submit(body, m[1] === undefined ? null : Number(m[1]), `http ${req.socket.remoteAddress ?? ''}`, url.pathname, (err, obs) => {
        if (err) reject(err instanceof RejectedError ? new HttpError(400, err.message) : new HttpError(503, err.message));
        else resolve(obs!);
      });
    });
    const ent = this.withLinks('Observations', this.obsEntity(stored), base);
    res.setHeader('Location', String(ent['@iot.selfLink']));
    sendJson(res, 201, this.shape('Observations', ent, { top: 1, skip: 0, count: false, orderBy: [], expand: [] }, base));
  }
}

/** Whether a filter is only `and`ed comparisons of phenomenonTime/resultTime with datetime literals. */
function onlyTimeComparisons(e: Expr): boolean {
  if (e.type === 'bin' && e.op === 'and') return onlyTimeComparisons(e.left) && onlyTimeComparisons(e.right);
  if (e.type !== 'bin' || !['gt', 'ge', 'lt', 'le', 'eq'].includes(e.op)) return false;
  const isT = (x: Expr) => x.type === 'path' && (x.path.join('/') === 'phenomenonTime' || x.path.join('/') === 'resultTime');
  return (isT(e.left) && e.right.type === 'time') || (isT(e.right) && e.left.type === 'time');
}

/** Reads a request body up to `max` bytes. */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > max && !failed) {
        failed = true;
        reject(new Error(`request body larger than ${max} bytes`));
        req.resume();
        return;
      }
      if (!failed) chunks.push(c);
    });
    req.on('end', () => failed || resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  // Read-only data for any SensorThings client or a viewer served from another origin (e.g. the Vite dev server).
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.end(text);
}
