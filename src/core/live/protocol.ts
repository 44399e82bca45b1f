/**
 * Client side of the gateway's `/stream` protocol (see src/server/gateway/stream/hub.ts): message parsing, the
 * resume cursor (last seq seen), subscribe messages and reconnect backoff. Pure TypeScript.
 */

/** One observation on the wire: [seq, datastream id, phenomenonTime ms, result]. */
export type ObsTuple = [number, number, number, unknown];

/** A parsed server message. */
export type ServerMessage =
  | { type: 'hello'; lastSeq: number }
  | { type: 'obs'; obs: ObsTuple[] }
  | { type: 'snapshot'; obs: ObsTuple[] }
  | { type: 'gap'; from: number; to: number; reason: string; dropped?: number }
  | { type: 'live'; seq: number }
  | { type: 'error'; message: string };

/** What a client subscribes to. */
export interface StreamSubscription {
  /** Datastream ids (all when omitted). */
  datastreams?: number[];
  /** Layers ("sensor", "camera", "drone"), property names or site ids. */
  layers?: string[];
  /** Viewport [west, south, east, north] degrees. */
  bbox?: [number, number, number, number];
}

/** Parses one text frame; throws an Error naming what is wrong. */
export function parseServerMessage(text: string): ServerMessage {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text);
  } catch {
    throw new Error(`stream: message is not JSON: ${text.slice(0, 80)}`);
  }
  switch (m?.type) {
    case 'hello':
    case 'live':
    case 'error':
      return m as unknown as ServerMessage;
    case 'obs':
    case 'snapshot':
      if (!Array.isArray(m.obs)) throw new Error(`stream: '${m.type}' message without an obs array`);
      return m as unknown as ServerMessage;
    case 'gap':
      if (typeof m.from !== 'number' || typeof m.to !== 'number') throw new Error(`stream: gap message without numeric from/to`);
      return m as unknown as ServerMessage;
    default:
      throw new Error(`stream: unknown message type '${String(m?.type)}'`);
  }
}

/** The subscribe message: with `since` (resume after the last seq seen) or, on a first connect, a snapshot. */
export function subscribeMessage(sub: StreamSubscription, lastSeq: number | null): string {
  const msg: Record<string, unknown> = { op: 'subscribe' };
  if (sub.datastreams) msg.datastreams = sub.datastreams;
  if (sub.layers) msg.layers = sub.layers;
  if (sub.bbox) msg.bbox = sub.bbox.map((v) => Math.round(v * 1e6) / 1e6);
  if (lastSeq !== null) msg.since = lastSeq;
  else msg.snapshot = true;
  return JSON.stringify(msg);
}

/**
 * Reconnect delay for the n-th consecutive failed attempt (0-based): exponential from `base` ms, capped at `max`,
 * with ±20 % jitter from `rand()` ∈ [0, 1).
 */
export function backoffDelay(attempt: number, base = 500, max = 15_000, rand: () => number = Math.random): number {
  const d = Math.min(max, base * 2 ** Math.max(0, attempt));
  return Math.round(d * (0.8 + 0.4 * rand()));
}

/**
 * Tracks the highest seq seen and drops duplicates (a resume may overlap what arrived before the socket dropped).
 * Returns the new observations of a batch in order.
 */
export class SeqCursor {
  /** Highest seq seen (null before any). */
  last: number | null = null;

  /** Filters a batch to observations newer than the cursor and advances it. */
  accept(obs: readonly ObsTuple[]): ObsTuple[] {
    const out: ObsTuple[] = [];
    for (const o of obs) {
      if (this.last !== null && o[0] <= this.last) continue;
      out.push(o);
      this.last = o[0];
    }
    return out;
  }

  /** Moves the cursor forward without data (a `live` or `gap` marker). */
  advance(seq: number): void {
    if (this.last === null || seq > this.last) this.last = seq;
  }
}
