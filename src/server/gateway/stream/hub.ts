/**
 * Browser stream over WebSocket (`/stream`).
 *
 * Client → server (JSON text frames):
 *   {"op":"subscribe","datastreams":[7,8],"layers":["sensor","drone","waterLevel"],"bbox":[w,s,e,n],"since":1234}
 *     every field optional; `since` = last seq the client saw → replay from the store, then live (no gap, no duplicate);
 *     without `since`, `"snapshot":true` first sends the latest stored value of each matching datastream.
 *     `layers` match a datastream's layer ("sensor", "camera", "drone"), its property ("waterLevel"...) or its site id.
 *   {"op":"viewport","bbox":[w,s,e,n]}   change the bbox without replay.
 * Server → client:
 *   {"type":"hello","lastSeq":N}
 *   {"type":"obs","obs":[[seq,ds,t,result],...]}          ascending seq (t = phenomenonTime, ms since epoch)
 *   {"type":"snapshot","obs":[[seq,ds,t,result],...]}     latest value per datastream (answer to snapshot:true)
 *   {"type":"gap","from":a,"to":b,"reason":"pruned"}      retention deleted (some of) the history in [a,b]
 *   {"type":"gap","from":a,"to":b,"reason":"coalesced","dropped":n}  slow client: older values skipped, latest follow
 *   {"type":"gap","from":a,"to":b,"reason":"reset"}       `since` is beyond this gateway's history: restart from `from`
 *   {"type":"live","seq":N}                               replay done; live from here
 *   {"type":"error","message":"…"}
 * Backpressure: when a socket's bufferedAmount exceeds the high-water mark the client gets, per datastream, only the
 * latest value (a map ≤ number of datastreams) until it drains.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { Datastream, StoredObservation } from '../../../core/sta/types.js';
import type { ObservationStore } from '../store/types.js';

/** Stream hub options. */
export interface HubOptions {
  /** Start coalescing above this many buffered bytes (default 512 KiB). */
  highWaterBytes?: number;
  /** Resume normal sending below this (default 64 KiB). */
  lowWaterBytes?: number;
  /** Rows per replay page (default 2000). */
  replayPage?: number;
  /** Live observations buffered per client while it replays before falling back to paging (default 20000). */
  replayLiveCap?: number;
  /** How often slow clients are checked for drain (ms, default 20). */
  pollMs?: number;
}

/** Per-client numbers for /api/stats and tests. */
export interface ClientStats {
  id: number;
  state: 'idle' | 'replaying' | 'live' | 'coalescing';
  /** Observations held for the client (coalescing map + live buffer during replay). */
  queued: number;
  bufferedAmount: number;
  sent: number;
  dropped: number;
}

interface Subscription {
  ds?: Set<number>;
  layers?: Set<string>;
  bbox?: [number, number, number, number];
}

interface ClientState {
  id: number;
  ws: WebSocket;
  sub: Subscription | null;
  /** Highest seq considered for this client (sent, filtered out or coalesced). */
  cursor: number;
  replaying: boolean;
  /** Live batches arriving during replay. */
  liveDuringReplay: StoredObservation[];
  liveOverflow: boolean;
  coalescing: boolean;
  latest: Map<number, StoredObservation>;
  droppedFrom: number;
  droppedTo: number;
  dropped: number;
  sent: number;
}

type Tuple = [number, number, number, unknown];

/** Fans out committed observations to WebSocket clients with filtering, resume, gap markers and coalescing. */
export class StreamHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<ClientState>();
  private nextId = 1;
  private readonly opts: Required<HubOptions>;
  private readonly timer: NodeJS.Timeout;
  /** Last known position of each Thing (drones move); falls back to the datastream's site. */
  private readonly thingPos = new Map<number, [number, number]>();

  /** Creates a hub reading history from `store` and datastream metadata through `lookup`. */
  constructor(
    private readonly store: ObservationStore,
    private readonly lookup: (id: number) => Datastream | undefined,
    private readonly lastSeq: () => number,
    options: HubOptions = {},
    private readonly allDatastreamIds: () => Iterable<number> = () => [],
  ) {
    this.opts = {
      highWaterBytes: options.highWaterBytes ?? 512 * 1024,
      lowWaterBytes: options.lowWaterBytes ?? 64 * 1024,
      replayPage: options.replayPage ?? 2000,
      replayLiveCap: options.replayLiveCap ?? 20000,
      pollMs: options.pollMs ?? 20,
    };
    this.timer = setInterval(() => this.pollSlow(), this.opts.pollMs);
    this.timer.unref();
  }

  /** Handles an HTTP upgrade for /stream; returns false if the path is not ours. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const p = (req.url ?? '').split('?')[0];
    if (p !== '/stream') return false;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws));
    return true;
  }

  /** Number of connected clients. */
  get size(): number {
    return this.clients.size;
  }

  private attach(ws: WebSocket): void {
    const c: ClientState = {
      id: this.nextId++,
      ws,
      sub: null,
      cursor: 0,
      replaying: false,
      liveDuringReplay: [],
      liveOverflow: false,
      coalescing: false,
      latest: new Map(),
      droppedFrom: 0,
      droppedTo: 0,
      dropped: 0,
      sent: 0,
    };
    this.clients.add(c);
    ws.on('close', () => this.clients.delete(c));
    ws.on('error', () => this.clients.delete(c));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.sendJson(c, { type: 'error', message: 'binary frames are not accepted; send JSON text' });
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return this.sendJson(c, { type: 'error', message: 'message is not valid JSON' });
      }
      try {
        this.onMessage(c, msg);
      } catch (err) {
        this.sendJson(c, { type: 'error', message: (err as Error).message });
      }
    });
    this.sendJson(c, { type: 'hello', lastSeq: this.lastSeq() });
  }

  private onMessage(c: ClientState, msg: Record<string, unknown>): void {
    if (msg.op === 'viewport') {
      if (!c.sub) throw new Error('viewport: subscribe first');
      c.sub.bbox = parseBbox(msg.bbox);
      return;
    }
    if (msg.op !== 'subscribe') throw new Error(`unknown op '${String(msg.op)}' (expected subscribe or viewport)`);
    const sub: Subscription = {};
    if (msg.datastreams !== undefined) {
      if (!Array.isArray(msg.datastreams) || !msg.datastreams.every((x) => Number.isInteger(x))) throw new Error('subscribe.datastreams must be an array of integer ids');
      sub.ds = new Set(msg.datastreams as number[]);
    }
    if (msg.layers !== undefined) {
      if (!Array.isArray(msg.layers) || !msg.layers.every((x) => typeof x === 'string')) throw new Error('subscribe.layers must be an array of strings');
      sub.layers = new Set(msg.layers as string[]);
    }
    if (msg.bbox !== undefined) sub.bbox = parseBbox(msg.bbox);
    let since: number | undefined;
    if (msg.since !== undefined && msg.since !== null) {
      if (!Number.isInteger(msg.since) || (msg.since as number) < 0) throw new Error('subscribe.since must be a non-negative integer sequence number');
      since = msg.since as number;
    }
    c.sub = sub;
    c.latest.clear();
    c.coalescing = false;
    if (since === undefined) {
      c.cursor = this.lastSeq();
      if (msg.snapshot === true) {
        c.replaying = true;
        c.liveDuringReplay = [];
        c.liveOverflow = false;
        void this.snapshot(c).catch((err) => {
          this.sendJson(c, { type: 'error', message: `snapshot failed: ${(err as Error).message}` });
          c.ws.close(1011, 'snapshot failed');
        });
        return;
      }
      c.replaying = false;
      this.sendJson(c, { type: 'live', seq: c.cursor });
      return;
    }
    c.cursor = since;
    c.replaying = true;
    c.liveDuringReplay = [];
    c.liveOverflow = false;
    void this.replay(c).catch((err) => {
      this.sendJson(c, { type: 'error', message: `replay failed: ${(err as Error).message}` });
      c.ws.close(1011, 'replay failed');
    });
  }

  private async replay(c: ClientState): Promise<void> {
    const info = await this.store.info();
    if (c.cursor > info.lastSeq) {
      // The client's seq comes from another history (store wiped or replaced): it must forget its last seq.
      this.sendJson(c, { type: 'gap', from: info.lastSeq + 1, to: c.cursor, reason: 'reset' });
      c.cursor = info.lastSeq;
    }
    if (c.cursor < info.prunedThroughSeq) {
      // Retention deleted observations in this range; what it kept of the range still follows.
      this.sendJson(c, { type: 'gap', from: c.cursor + 1, to: info.prunedThroughSeq, reason: 'pruned' });
    }
    for (;;) {
      if (c.ws.readyState !== WebSocket.OPEN) return;
      // Pull-based: wait while the socket is congested instead of queueing.
      while (c.ws.bufferedAmount > this.opts.highWaterBytes) {
        await new Promise((r) => setTimeout(r, this.opts.pollMs));
        if (c.ws.readyState !== WebSocket.OPEN) return;
      }
      c.liveOverflow = false;
      const page = await this.store.since(c.cursor, this.opts.replayPage);
      this.deliver(c, page, true);
      if (page.length > 0) c.cursor = Math.max(c.cursor, page[page.length - 1].seq);
      if (page.length < this.opts.replayPage && !c.liveOverflow) break;
      // Let ingest and other clients run between pages: a long replay must not stall the gateway.
      await new Promise((r) => setImmediate(r));
    }
    // Everything committed before the last query is sent; live batches since then are buffered in order.
    const rest = c.liveDuringReplay.filter((o) => o.seq > c.cursor);
    c.liveDuringReplay = [];
    c.replaying = false;
    this.deliver(c, rest, true);
    if (rest.length > 0) c.cursor = rest[rest.length - 1].seq;
    this.sendJson(c, { type: 'live', seq: c.cursor });
  }

  /** Sends the latest value (seq ≤ cursor) of each subscribed datastream, then what arrived meanwhile, then goes live. */
  private async snapshot(c: ClientState): Promise<void> {
    const sub = c.sub!;
    const ids = [...this.allDatastreamIds()].filter((id) => !sub.ds || sub.ds.has(id));
    const latest = (await this.store.stateAt(Number.MAX_SAFE_INTEGER, ids))
      .filter((o) => o.seq <= c.cursor && this.matches(sub, o))
      .sort((a, b) => a.seq - b.seq);
    this.sendJson(c, { type: 'snapshot', obs: latest.map((o): Tuple => [o.seq, o.ds, o.t, o.result]) });
    if (c.liveOverflow) {
      // Too much arrived while reading the snapshot: fill in from the store like a resume.
      await this.replay(c);
      return;
    }
    const rest = c.liveDuringReplay;
    c.liveDuringReplay = [];
    c.replaying = false;
    this.deliver(c, rest, true);
    if (rest.length > 0) c.cursor = Math.max(c.cursor, rest[rest.length - 1].seq);
    this.sendJson(c, { type: 'live', seq: c.cursor });
  }

  /** Fans out a committed batch (ascending seq) to every subscribed client. */
  publish(batch: readonly StoredObservation[]): void {
    for (const o of batch) {
      const ds = this.lookup(o.ds);
      if (ds?.kind === 'complex' && o.result && typeof o.result === 'object') {
        const r = o.result as { lon?: unknown; lat?: unknown };
        if (typeof r.lon === 'number' && typeof r.lat === 'number') this.thingPos.set(ds.thingId, [r.lon, r.lat]);
      }
    }
    for (const c of this.clients) {
      if (!c.sub || c.ws.readyState !== WebSocket.OPEN) continue;
      if (c.replaying) {
        if (c.liveOverflow) continue;
        if (c.liveDuringReplay.length + batch.length > this.opts.replayLiveCap) {
          c.liveOverflow = true;
          c.liveDuringReplay = [];
        } else for (const o of batch) c.liveDuringReplay.push(o);
        continue;
      }
      this.deliver(c, batch);
      c.cursor = Math.max(c.cursor, batch[batch.length - 1]?.seq ?? 0);
    }
  }

  private matches(sub: Subscription, o: StoredObservation): boolean {
    if (sub.ds && !sub.ds.has(o.ds)) return false;
    if (!sub.layers && !sub.bbox) return true;
    const ds = this.lookup(o.ds);
    if (!ds) return false;
    if (sub.layers && !sub.layers.has(String(ds.properties.layer)) && !sub.layers.has(String(ds.properties.property)) && !sub.layers.has(String(ds.properties.siteId))) {
      return false;
    }
    if (sub.bbox) {
      let lon = ds.position[0];
      let lat = ds.position[1];
      const r = o.result as { lon?: unknown; lat?: unknown } | null;
      if (ds.kind === 'complex' && r && typeof r.lon === 'number' && typeof r.lat === 'number') {
        lon = r.lon;
        lat = r.lat;
      } else {
        const p = this.thingPos.get(ds.thingId);
        if (p) [lon, lat] = p;
      }
      const [w, s, e, n] = sub.bbox;
      if (lon < w || lon > e || lat < s || lat > n) return false;
    }
    return true;
  }

  /** Sends (or, for a congested live client, coalesces) the matching observations of a seq-ordered list. */
  private deliver(c: ClientState, list: readonly StoredObservation[], replay = false): void {
    if (!c.sub || list.length === 0) return;
    const sub = c.sub;
    const out: Tuple[] = [];
    for (const o of list) {
      if (o.seq <= c.cursor) continue;
      if (this.matches(sub, o)) out.push([o.seq, o.ds, o.t, o.result]);
    }
    if (out.length === 0) return;
    if (!replay && (c.coalescing || c.ws.bufferedAmount > this.opts.highWaterBytes)) {
      if (!c.coalescing) {
        c.coalescing = true;
        c.droppedFrom = out[0][0];
        c.dropped = 0;
      }
      for (const [seq, ds, t, result] of out) {
        if (c.latest.has(ds)) c.dropped++;
        c.latest.set(ds, { seq, ds, t, result });
        c.droppedTo = seq;
      }
      return;
    }
    this.sendJson(c, { type: 'obs', obs: out });
    c.sent += out.length;
  }

  /** Ends coalescing for clients whose socket drained: a gap marker, then the latest value of each datastream. */
  private pollSlow(): void {
    for (const c of this.clients) {
      if (!c.coalescing || c.ws.readyState !== WebSocket.OPEN) continue;
      if (c.ws.bufferedAmount > this.opts.lowWaterBytes) continue;
      const latest = [...c.latest.values()].sort((a, b) => a.seq - b.seq);
      c.latest.clear();
      c.coalescing = false;
      this.sendJson(c, { type: 'gap', from: c.droppedFrom, to: c.droppedTo, reason: 'coalesced', dropped: c.dropped });
      const out: Tuple[] = latest.map((o) => [o.seq, o.ds, o.t, o.result]);
      if (out.length) this.sendJson(c, { type: 'obs', obs: out });
      c.sent += out.length;
    }
  }

  private sendJson(c: ClientState, msg: unknown): void {
    if (c.ws.readyState === WebSocket.OPEN) c.ws.send(JSON.stringify(msg));
  }

  /** Per-client numbers. */
  stats(): ClientStats[] {
    return [...this.clients].map((c) => ({
      id: c.id,
      state: !c.sub ? 'idle' : c.replaying ? 'replaying' : c.coalescing ? 'coalescing' : 'live',
      queued: c.latest.size + c.liveDuringReplay.length,
      bufferedAmount: c.ws.bufferedAmount,
      sent: c.sent,
      dropped: c.dropped,
    }));
  }

  /** Closes every client connection. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function parseBbox(v: unknown): [number, number, number, number] {
  if (!Array.isArray(v) || v.length !== 4 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new Error('bbox must be [west, south, east, north] in degrees');
  }
  const [w, s, e, n] = v as number[];
  if (w > e || s > n) throw new Error('bbox must have west ≤ east and south ≤ north');
  return [w, s, e, n];
}
