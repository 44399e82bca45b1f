/**
 * The observation store behind the gateway: every observation is written here (with its gateway-wide sequence
 * number) before it is fanned out. Implementations: embedded SQLite (default), PostgreSQL, in-memory (benchmark baseline).
 */
import type { StoredObservation } from '../../../core/sta/types.js';

/** Counts and bounds of what the store holds. */
export interface StoreInfo {
  /** Highest sequence number ever committed (0 when none). */
  lastSeq: number;
  /** Lowest sequence number still held (lastSeq + 1 when empty). */
  firstSeq: number;
  /** Highest sequence number deleted by retention (0 when nothing was pruned). */
  prunedThroughSeq: number;
  /** Observations held. */
  count: number;
}

/** A store of observations keyed by sequence number, unique per (datastream, phenomenonTime). */
export interface ObservationStore {
  /** Human-readable kind, e.g. "sqlite /data/gateway.sqlite". */
  readonly description: string;
  /** Creates tables if needed and loads the counters. */
  open(): Promise<void>;
  /** Returns a persistent id for each datastream key, creating ids for new keys (ids are never reused). */
  assignDatastreamIds(keys: readonly string[]): Promise<Map<string, number>>;
  /** Highest committed sequence number (valid after open). */
  lastSeq(): number;
  /**
   * Writes a batch in one transaction (seq already assigned, ascending). Observations whose (ds, t) is already held are
   * skipped as duplicates (an MQTT QoS 1 redelivery); returns the ones actually inserted, in order.
   */
  append(batch: readonly StoredObservation[]): Promise<StoredObservation[]>;
  /** Observations with seq > afterSeq in ascending seq order, at most `limit`. */
  since(afterSeq: number, limit: number): Promise<StoredObservation[]>;
  /**
   * Observations of one datastream with from ≤ t ≤ to, ordered by t (desc if asked), skipping `offset`, at most `limit`.
   */
  range(ds: number, from: number, to: number, opts: { desc: boolean; limit: number; offset: number }): Promise<StoredObservation[]>;
  /** Number of observations of one datastream with from ≤ t ≤ to. */
  countRange(ds: number, from: number, to: number): Promise<number>;
  /** One observation by its sequence number. */
  get(seq: number): Promise<StoredObservation | undefined>;
  /** For each datastream, its latest observation with t ≤ `t` (state of the city at time t). */
  stateAt(t: number, dsIds: readonly number[]): Promise<StoredObservation[]>;
  /** Deletes observations with t < cutoff; returns how many. */
  prune(cutoff: number): Promise<number>;
  /** Counters. */
  info(): Promise<StoreInfo>;
  /** Flushes and closes. */
  close(): Promise<void>;
  /**
   * Optional, for stores shared by several gateways (PostgreSQL): calls `onRows` with every observation committed
   * after `afterSeq` by any writer, in ascending seq order; returns a function that stops following.
   */
  watch?(afterSeq: number, onRows: (rows: StoredObservation[]) => void): () => void;
}
