/**
 * The ingest pipeline: validate → assign the gateway-wide sequence number → write the batch to the store in one
 * transaction → only then fan out to listeners (WebSocket clients) and acknowledge (MQTT PUBACK / HTTP 201).
 * Rejected payloads are counted by reason and the most recent ones kept for /api/ingest-errors.
 */
import type { Datastream, StoredObservation } from '../../../core/sta/types.js';
import { DEFAULT_LIMITS, validateObservation, type IncomingObservation, type RejectCode, type ValidationLimits } from '../../../core/sta/validate.js';
import type { ObservationStore } from '../store/types.js';

/** Called once an observation is stored (err undefined) or failed to be stored/rejected (err set). */
export type Ack = (err?: Error | null, obs?: StoredObservation) => void;

/** One recorded ingest error. */
export interface IngestError {
  /** ISO time the payload was received. */
  time: string;
  /** Where it came from ("mqtt client-id", "http", "simulator"). */
  source: string;
  /** MQTT topic or URL path. */
  topic: string;
  code: RejectCode | 'store';
  reason: string;
  /** First 200 characters of the payload. */
  sample: string;
}

/** Pipeline counters. */
export interface PipelineStats {
  received: number;
  accepted: number;
  stored: number;
  duplicates: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
  batches: number;
  /** Largest batch written. */
  maxBatch: number;
  /** Observations waiting to be written. */
  pending: number;
  lastSeq: number;
}

/** Pipeline options. */
export interface PipelineOptions {
  /** Wait this long (ms) to gather a batch; 0 writes at the next event-loop turn (default). */
  batchMs?: number;
  /** Write at once when this many are waiting (default 5000). */
  maxBatch?: number;
  limits?: ValidationLimits;
  /** Recent errors kept (default 200). */
  errorLog?: number;
  /** Log sink for rejected payloads (default: rate-limited console.warn). */
  log?: (msg: string) => void;
}

/** Error thrown to acks of payloads that failed validation. */
export class RejectedError extends Error {
  /** The rejection code. */
  readonly code: RejectCode;
  constructor(code: RejectCode, reason: string) {
    super(reason);
    this.code = code;
  }
}

interface Pending {
  obs: IncomingObservation;
  ack?: Ack;
}

/** Validates, sequences, stores and fans out observations. */
export class IngestPipeline {
  private pending: Pending[] = [];
  private scheduled = false;
  private writing: Promise<void> | null = null;
  private seq: number;
  private closed = false;
  private listeners: ((obs: StoredObservation[]) => void)[] = [];
  private readonly recent: IngestError[] = [];
  private readonly counters: Omit<PipelineStats, 'pending' | 'lastSeq'> = {
    received: 0,
    accepted: 0,
    stored: 0,
    duplicates: 0,
    rejected: 0,
    rejectedByCode: {},
    batches: 0,
    maxBatch: 0,
  };
  private readonly opts: Required<Omit<PipelineOptions, 'log'>> & { log: (m: string) => void };
  private lastLog = 0;
  private suppressed = 0;

  /** Creates a pipeline over an opened store; `lookup` resolves datastream ids. */
  constructor(
    private readonly store: ObservationStore,
    private readonly lookup: (id: number) => Datastream | undefined,
    options: PipelineOptions = {},
  ) {
    this.seq = store.lastSeq();
    this.opts = {
      batchMs: options.batchMs ?? 0,
      maxBatch: options.maxBatch ?? 5000,
      limits: options.limits ?? DEFAULT_LIMITS,
      errorLog: options.errorLog ?? 200,
      log: options.log ?? ((m) => console.warn(m)),
    };
  }

  /** Registers a listener called with each committed batch (in seq order), after the store transaction. */
  onCommit(fn: (obs: StoredObservation[]) => void): void {
    this.listeners.push(fn);
  }

  /**
   * Submits a raw payload (MQTT message or HTTP body) for datastream `topicDs` (null: the body names it).
   * `ack` is called after the observation is stored, or with an error if rejected or the store failed.
   */
  submit(payload: Uint8Array | string | unknown, topicDs: number | null, source: string, topic: string, ack?: Ack): void {
    this.counters.received++;
    if (this.closed) {
      ack?.(new Error('gateway is closing'));
      return;
    }
    const v = validateObservation(payload, topicDs, this.lookup, Date.now(), this.opts.limits);
    if (!v.ok) {
      this.reject(source, topic, v.code, v.reason, payload);
      ack?.(new RejectedError(v.code, v.reason));
      return;
    }
    this.enqueue(v.obs, ack);
  }

  /** Submits an already valid observation (the simulator). */
  submitValid(obs: IncomingObservation, ack?: Ack): void {
    this.counters.received++;
    if (this.closed) {
      ack?.(new Error('gateway is closing'));
      return;
    }
    this.enqueue(obs, ack);
  }

  /** Records a rejection that happened before validation (e.g. a bad topic). */
  reject(source: string, topic: string, code: RejectCode | 'store', reason: string, payload: unknown): void {
    this.counters.rejected++;
    this.counters.rejectedByCode[code] = (this.counters.rejectedByCode[code] ?? 0) + 1;
    let sample: string;
    if (payload instanceof Uint8Array) sample = Buffer.from(payload.subarray(0, 200)).toString('utf8');
    else if (typeof payload === 'string') sample = payload.slice(0, 200);
    else {
      try {
        sample = String(JSON.stringify(payload)).slice(0, 200);
      } catch {
        sample = '(unserialisable)';
      }
    }
    const e: IngestError = { time: new Date().toISOString(), source, topic, code, reason, sample };
    this.recent.push(e);
    if (this.recent.length > this.opts.errorLog) this.recent.shift();
    const now = Date.now();
    if (now - this.lastLog > 1000) {
      this.opts.log(`gateway: rejected ${topic} from ${source}: ${code}: ${reason}${this.suppressed ? ` (+${this.suppressed} more rejections not logged)` : ''}`);
      this.lastLog = now;
      this.suppressed = 0;
    } else this.suppressed++;
  }

  private enqueue(obs: IncomingObservation, ack?: Ack): void {
    this.counters.accepted++;
    this.pending.push({ obs, ack });
    if (this.pending.length >= this.opts.maxBatch) this.schedule(true);
    else this.schedule(false);
  }

  private schedule(now: boolean): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      void this.writeLoop();
    };
    if (now || this.opts.batchMs <= 0) setImmediate(run);
    else setTimeout(run, this.opts.batchMs);
  }

  private writeLoop(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.pending.length === 0) return Promise.resolve();
    const p = (async () => {
      while (this.pending.length > 0) {
        const batch = this.pending.length > this.opts.maxBatch ? this.pending.splice(0, this.opts.maxBatch) : this.pending.splice(0);
        await this.writeBatch(batch);
      }
    })();
    // Reset only after the assignment below (the loop always awaits at least once, but be safe).
    this.writing = p.finally(() => {
      if (this.writing === wrapped) this.writing = null;
      if (this.pending.length > 0) this.schedule(false);
    });
    const wrapped = this.writing;
    return wrapped;
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    const startSeq = this.seq;
    const rows: StoredObservation[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const o = batch[i].obs;
      rows[i] = { seq: ++this.seq, ds: o.ds, t: o.t, result: o.result };
    }
    let inserted: StoredObservation[];
    try {
      inserted = await this.store.append(rows);
    } catch (err) {
      this.seq = Math.max(startSeq, this.store.lastSeq());
      const msg = `store write failed: ${(err as Error).message}`;
      this.reject('store', '(batch)', 'store', msg, `${batch.length} observations`);
      const e = new Error(msg);
      for (const p of batch) p.ack?.(e);
      return;
    }
    this.counters.batches++;
    this.counters.maxBatch = Math.max(this.counters.maxBatch, rows.length);
    this.counters.stored += inserted.length;
    this.counters.duplicates += rows.length - inserted.length;
    if (inserted.length > 0) {
      for (const fn of this.listeners) {
        try {
          fn(inserted);
        } catch (err) {
          this.opts.log(`gateway: fan-out listener failed: ${(err as Error).stack ?? err}`);
        }
      }
    }
    for (let i = 0; i < batch.length; i++) batch[i].ack?.(null, rows[i]);
  }

  /** Writes everything pending; resolves when stored. */
  async flush(): Promise<void> {
    while (this.pending.length > 0 || this.writing) {
      if (this.writing) await this.writing;
      else await this.writeLoop();
    }
  }

  /** Stops accepting, writes what is pending. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  /** Counters. */
  stats(): PipelineStats {
    return { ...this.counters, rejectedByCode: { ...this.counters.rejectedByCode }, pending: this.pending.length, lastSeq: this.store.lastSeq() };
  }

  /** The most recent ingest errors, newest last. */
  errors(): IngestError[] {
    return [...this.recent];
  }

  /** The sequence number of the last committed observation. */
  lastSeq(): number {
    return this.store.lastSeq();
  }
}
