/**
 * WebSocket client of the gateway's `/stream`: subscribes by layer and viewport bbox, resumes after a dropped socket
 * with `since` = the last seq seen (no gap, no duplicate), reconnects with exponential backoff, and reports gap
 * markers and its connection state. No DOM use besides the WebSocket API (injectable, so Node tests pass `ws`).
 */
import {
  SeqCursor,
  backoffDelay,
  parseServerMessage,
  subscribeMessage,
  type ObsTuple,
  type StreamSubscription,
} from '../../core/live/protocol.js';

/** Connection states shown in the UI. */
export type StreamState = 'connecting' | 'replaying' | 'live' | 'reconnecting' | 'closed';

/** A gap marker from the server. */
export interface StreamGap {
  from: number;
  to: number;
  reason: string;
  dropped?: number;
}

/** Minimal WebSocket surface used (browser WebSocket and the `ws` package both fit). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

/** Callbacks of a StreamClient. */
export interface StreamHandlers {
  /** New observations, ascending seq, each seen once (snapshot rows included). */
  onObservations(obs: ObsTuple[], kind: 'snapshot' | 'obs'): void;
  /** A gap marker (history pruned, slow client coalesced, or history reset). */
  onGap?(gap: StreamGap): void;
  /** The connection state changed. */
  onState?(state: StreamState): void;
  /** A protocol or server error message. */
  onError?(message: string): void;
}

/** Options of a StreamClient. */
export interface StreamClientOptions {
  /** ws:// or wss:// URL of /stream. */
  url: string;
  /** WebSocket constructor (default: the global WebSocket). */
  WebSocketImpl?: new (url: string) => SocketLike;
  /** Backoff base and cap (ms). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

/** The stream client. Call `start()`; `stop()` closes it for good. */
export class StreamClient {
  /** Resume cursor (highest seq seen). */
  readonly cursor = new SeqCursor();
  /** Current state. */
  state: StreamState = 'closed';
  /** Consecutive failed connection attempts. */
  attempts = 0;
  /** Number of successful (re)connections. */
  connections = 0;
  /** Gap markers received. */
  readonly gaps: StreamGap[] = [];
  private ws: SocketLike | null = null;
  private sub: StreamSubscription = {};
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  private readonly Impl: new (url: string) => SocketLike;

  /** @param options see StreamClientOptions */
  constructor(
    private readonly options: StreamClientOptions,
    private readonly handlers: StreamHandlers,
  ) {
    const g = globalThis as unknown as { WebSocket?: new (url: string) => SocketLike };
    const impl = options.WebSocketImpl ?? g.WebSocket;
    if (!impl) throw new Error('StreamClient: no WebSocket implementation available');
    this.Impl = impl;
  }

  /** Connects (no-op when running). */
  start(sub: StreamSubscription = this.sub): void {
    this.sub = sub;
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Closes the socket and stops reconnecting; the cursor is kept, so a later start() resumes without a gap. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = ws.onerror = ws.onmessage = ws.onopen = null;
      try {
        ws.close(1000, 'client stop');
      } catch {
        /* already closed */
      }
    }
    this.setState('closed');
  }

  /** Whether the client runs (connected or reconnecting). */
  get running(): boolean {
    return !this.stopped;
  }

  /** Changes the subscription: a new bbox alone is sent as a viewport change; anything else resubscribes (resume). */
  update(sub: StreamSubscription): void {
    const onlyBbox = JSON.stringify({ ...sub, bbox: undefined }) === JSON.stringify({ ...this.sub, bbox: undefined });
    this.sub = sub;
    const ws = this.ws;
    if (!ws || ws.readyState !== 1 || this.state === 'connecting') return;
    if (onlyBbox && sub.bbox) ws.send(JSON.stringify({ op: 'viewport', bbox: sub.bbox }));
    else ws.send(subscribeMessage(this.sub, this.cursor.last));
  }

  /** Drops the socket as a network failure would (for tests and the UI's "reconnect" button). */
  drop(): void {
    const ws = this.ws;
    if (ws) ws.close(4000, 'dropped by client');
  }

  private setState(s: StreamState): void {
    if (this.state === s) return;
    this.state = s;
    this.handlers.onState?.(s);
  }

  private connect(): void {
    if (this.stopped) return;
    this.setState(this.connections === 0 ? 'connecting' : 'reconnecting');
    let ws: SocketLike;
    try {
      ws = new this.Impl(this.options.url);
    } catch (err) {
      this.handlers.onError?.(`stream: ${(err as Error).message}`);
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempts = 0;
      this.connections++;
      this.setState('replaying');
      ws.send(subscribeMessage(this.sub, this.cursor.last));
    };
    ws.onmessage = (ev) => this.onMessage(String(ev.data));
    ws.onerror = () => {
      /* onclose follows */
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempts++, this.options.backoffBaseMs ?? 500, this.options.backoffMaxMs ?? 15_000);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private onMessage(text: string): void {
    let m;
    try {
      m = parseServerMessage(text);
    } catch (err) {
      this.handlers.onError?.((err as Error).message);
      return;
    }
    switch (m.type) {
      case 'hello':
        if (this.cursor.last !== null && m.lastSeq < this.cursor.last) {
          // The gateway's history restarted (store replaced): our seqs mean nothing there. The server answers the
          // resume with a 'reset' gap; nothing to do here.
        }
        break;
      case 'obs':
      case 'snapshot': {
        const fresh = this.cursor.accept(m.obs);
        if (fresh.length) this.handlers.onObservations(fresh, m.type);
        break;
      }
      case 'gap': {
        const gap: StreamGap = { from: m.from, to: m.to, reason: m.reason, dropped: m.dropped };
        if (m.reason === 'reset') this.cursor.last = Math.max(0, m.from - 1);
        this.gaps.push(gap);
        this.handlers.onGap?.(gap);
        break;
      }
      case 'live':
        this.cursor.advance(m.seq);
        this.setState('live');
        break;
      case 'error':
        this.handlers.onError?.(`stream: ${m.message}`);
        break;
    }
  }
}
