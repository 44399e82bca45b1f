/**
 * Gateway JSON API under /api: history for replay, state at a time, ingest errors, stats, and a compact datastream list.
 *   GET /api/datastreams                         → [{id,key,name,layer,property,kind,unit,siteId,thingId,lon,lat,height}]
 *   GET /api/history?datastream=7&from=…&to=…&limit=…  → observations of one datastream in [from, to] (ISO or ms)
 *   GET /api/state?t=…[&datastreams=1,2]         → latest observation ≤ t of each datastream
 *   GET /api/ingest-errors                       → rejection counts by reason and the most recent rejections
 *   GET /api/stats                               → pipeline, store, stream and broker figures
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StaModel } from '../../core/sta/types.js';
import type { ObservationStore } from './store/types.js';
import type { IngestPipeline } from './ingest/pipeline.js';
import type { StreamHub } from './stream/hub.js';
import { HttpError, sendJson } from './sta/api.js';

/** Parses a time query parameter: ISO 8601 or ms since epoch. */
export function parseTime(name: string, v: string | null, dflt?: number): number {
  if (v === null || v === '') {
    if (dflt === undefined) throw new HttpError(400, `missing query parameter '${name}' (ISO 8601 time or ms since epoch)`);
    return dflt;
  }
  const t = /^-?\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(t)) throw new HttpError(400, `query parameter '${name}': '${v}' is not a time (ISO 8601 or ms since epoch)`);
  return t;
}

/** Context the /api handler reads. */
export interface ApiContext {
  model: StaModel;
  store: ObservationStore;
  pipeline: IngestPipeline;
  hub: StreamHub;
  info: () => Record<string, unknown>;
}

/** Handles /api/...; resolves false when the path is not one of ours. */
export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const p = url.pathname;
  if (!['/api/datastreams', '/api/history', '/api/state', '/api/ingest-errors', '/api/stats'].includes(p)) return false;
  try {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${p} supports GET only`);
    const q = url.searchParams;
    switch (p) {
      case '/api/datastreams':
        sendJson(
          res,
          200,
          [...ctx.model.datastreams.values()].map((d) => ({
            id: d.id,
            key: d.key,
            name: d.name,
            layer: d.properties.layer,
            property: d.properties.property,
            kind: d.kind,
            unit: d.unitOfMeasurement.symbol,
            siteId: d.properties.siteId,
            thingId: d.thingId,
            lon: d.position[0],
            lat: d.position[1],
            height: d.position[2],
            thresholds: d.properties.thresholds,
          })),
        );
        break;
      case '/api/history': {
        const ds = Number(q.get('datastream'));
        if (!Number.isInteger(ds) || !ctx.model.datastreams.has(ds)) throw new HttpError(400, `query parameter 'datastream': '${q.get('datastream')}' is not a known datastream id`);
        const from = parseTime('from', q.get('from'), -Infinity);
        const to = parseTime('to', q.get('to'), Infinity);
        const limit = Math.min(Number(q.get('limit') ?? 10000) || 10000, 100000);
        const rows = await ctx.store.range(ds, from, to, { desc: false, limit: limit + 1, offset: 0 });
        sendJson(res, 200, {
          datastream: ds,
          from: Number.isFinite(from) ? new Date(from).toISOString() : null,
          to: Number.isFinite(to) ? new Date(to).toISOString() : null,
          truncated: rows.length > limit,
          observations: rows.slice(0, limit).map((o) => [o.seq, o.t, o.result]),
        });
        break;
      }
      case '/api/state': {
        const t = parseTime('t', q.get('t'), Date.now());
        let ids = [...ctx.model.datastreams.keys()];
        const only = q.get('datastreams');
        if (only) {
          ids = only.split(',').map(Number);
          const bad = ids.find((x) => !ctx.model.datastreams.has(x));
          if (bad !== undefined) throw new HttpError(400, `query parameter 'datastreams': unknown id ${bad}`);
        }
        const state = await ctx.store.stateAt(t, ids);
        sendJson(res, 200, { t: new Date(t).toISOString(), state: state.map((o) => ({ ds: o.ds, seq: o.seq, t: new Date(o.t).toISOString(), result: o.result })) });
        break;
      }
      case '/api/ingest-errors': {
        const s = ctx.pipeline.stats();
        sendJson(res, 200, { rejected: s.rejected, byReason: s.rejectedByCode, recent: ctx.pipeline.errors() });
        break;
      }
      case '/api/stats':
        sendJson(res, 200, { ...ctx.info(), pipeline: ctx.pipeline.stats(), store: await ctx.store.info(), stream: ctx.hub.stats() });
        break;
    }
  } catch (err) {
    const status = err instanceof HttpError ? err.status : 500;
    sendJson(res, status, { code: status, type: 'error', message: (err as Error).message });
  }
  return true;
}
