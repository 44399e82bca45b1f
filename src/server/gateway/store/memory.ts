/**
 * In-memory observation store: the benchmark baseline (same pipeline, no disk) and a store for tests that need none.
 * Not persistent.
 */
import type { StoredObservation } from '../../../core/sta/types.js';
import type { ObservationStore, StoreInfo } from './types.js';

/** Observations kept in an array in seq order; (ds, t) uniqueness via a set. */
export class MemoryStore implements ObservationStore {
  private rows: StoredObservation[] = [];
  private keys = new Set<string>();
  private last = 0;
  private pruned = 0;
  private ids = new Map<string, number>();

  /** @inheritdoc */
  readonly description = 'memory';

  /** @inheritdoc */
  async open(): Promise<void> {}

  /** @inheritdoc */
  async assignDatastreamIds(keys: readonly string[]): Promise<Map<string, number>> {
    for (const k of keys) if (!this.ids.has(k)) this.ids.set(k, this.ids.size + 1);
    return new Map(keys.map((k) => [k, this.ids.get(k)!]));
  }

  /** @inheritdoc */
  lastSeq(): number {
    return this.last;
  }

  /** @inheritdoc */
  async append(batch: readonly StoredObservation[]): Promise<StoredObservation[]> {
    const out: StoredObservation[] = [];
    for (const o of batch) {
      const k = `${o.ds}|${o.t}`;
      if (this.keys.has(k)) continue;
      this.keys.add(k);
      this.rows.push(o);
      out.push(o);
    }
    if (batch.length) this.last = Math.max(this.last, batch[batch.length - 1].seq);
    return out;
  }

  private lowerBound(seq: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid].seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** @inheritdoc */
  async since(afterSeq: number, limit: number): Promise<StoredObservation[]> {
    const i = this.lowerBound(afterSeq);
    return this.rows.slice(i, i + limit);
  }

  private ofDs(ds: number, from: number, to: number): StoredObservation[] {
    return this.rows.filter((o) => o.ds === ds && o.t >= from && o.t <= to).sort((a, b) => a.t - b.t);
  }

  /** @inheritdoc */
  async range(ds: number, from: number, to: number, opts: { desc: boolean; limit: number; offset: number }): Promise<StoredObservation[]> {
    const all = this.ofDs(ds, from, to);
    if (opts.desc) all.reverse();
    return all.slice(opts.offset, opts.offset + opts.limit);
  }

  /** @inheritdoc */
  async countRange(ds: number, from: number, to: number): Promise<number> {
    return this.ofDs(ds, from, to).length;
  }

  /** @inheritdoc */
  async get(seq: number): Promise<StoredObservation | undefined> {
    const i = this.lowerBound(seq - 1);
    return this.rows[i]?.seq === seq ? this.rows[i] : undefined;
  }

  /** @inheritdoc */
  async stateAt(t: number, dsIds: readonly number[]): Promise<StoredObservation[]> {
    const best = new Map<number, StoredObservation>();
    const want = new Set(dsIds);
    for (const o of this.rows) {
      if (!want.has(o.ds) || o.t > t) continue;
      const b = best.get(o.ds);
      if (!b || o.t > b.t) best.set(o.ds, o);
    }
    return [...best.values()].sort((a, b) => a.ds - b.ds);
  }

  /** @inheritdoc */
  async prune(cutoff: number): Promise<number> {
    const keep: StoredObservation[] = [];
    let n = 0;
    for (const o of this.rows) {
      if (o.t < cutoff) {
        n++;
        this.pruned = Math.max(this.pruned, o.seq);
        this.keys.delete(`${o.ds}|${o.t}`);
      } else keep.push(o);
    }
    this.rows = keep;
    return n;
  }

  /** @inheritdoc */
  async info(): Promise<StoreInfo> {
    return { lastSeq: this.last, firstSeq: this.rows[0]?.seq ?? this.last + 1, prunedThroughSeq: this.pruned, count: this.rows.length };
  }

  /** @inheritdoc */
  async close(): Promise<void> {}
}
