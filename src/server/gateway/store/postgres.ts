/**
 * PostgreSQL store (npm `pg`) for `--store postgres://user@host/db`: the same schema as the SQLite store,
 * batches written with one multi-row INSERT per transaction (unnest of arrays).
 * Several gateways may share one database: sequence numbers are allocated inside the writing transaction under an
 * advisory lock (so they are unique and commit in order across gateways), each commit NOTIFYs `twin_obs`, and
 * `watch` follows every gateway's commits for the stream hub.
 */
import pg from 'pg';
import type { StoredObservation } from '../../../core/sta/types.js';
import type { ObservationStore, StoreInfo } from './types.js';

type Row = { seq: string; ds: number; t: string; result: unknown };
const toObs = (r: Row): StoredObservation => ({ seq: Number(r.seq), ds: r.ds, t: Number(r.t), result: r.result });
/** Advisory lock key serialising seq allocation across gateways ("twin" in ASCII). */
const SEQ_LOCK = 0x7477696e;
const clamp = (t: number) => (t === Infinity ? '9007199254740991' : t === -Infinity ? '-9007199254740991' : String(Math.trunc(t)));

/** Observation store in a PostgreSQL database (tables prefixed `twin_`). */
export class PostgresStore implements ObservationStore {
  private pool: pg.Pool;
  private last = 0;
  private pruned = 0;
  private readonly url: string;

  /** Connects lazily to `url` (postgres://...). */
  constructor(url: string) {
    this.url = url;
    this.pool = new pg.Pool({ connectionString: url, max: 4 });
  }

  /** @inheritdoc */
  get description(): string {
    return `postgres ${this.url.replace(/:[^:@/]*@/, ':***@')}`;
  }

  /** @inheritdoc */
  async open(): Promise<void> {
    await this.pool.query(`
      CREATE TABLE IF NOT EXISTS twin_meta (k TEXT PRIMARY KEY, v BIGINT NOT NULL);
      CREATE TABLE IF NOT EXISTS twin_datastreams (id SERIAL PRIMARY KEY, key TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS twin_obs (seq BIGINT PRIMARY KEY, ds INTEGER NOT NULL, t BIGINT NOT NULL, result JSONB NOT NULL);
      CREATE UNIQUE INDEX IF NOT EXISTS twin_obs_ds_t ON twin_obs (ds, t);
    `);
    const meta = await this.pool.query<{ k: string; v: string }>('SELECT k, v FROM twin_meta');
    const m = new Map(meta.rows.map((r) => [r.k, Number(r.v)]));
    const max = await this.pool.query<{ m: string | null }>('SELECT max(seq) AS m FROM twin_obs');
    this.last = Math.max(m.get('lastSeq') ?? 0, Number(max.rows[0].m ?? 0));
    this.pruned = m.get('prunedThroughSeq') ?? 0;
  }

  /** @inheritdoc */
  async assignDatastreamIds(keys: readonly string[]): Promise<Map<string, number>> {
    await this.pool.query('INSERT INTO twin_datastreams (key) SELECT unnest($1::text[]) ON CONFLICT (key) DO NOTHING', [keys]);
    const r = await this.pool.query<{ id: number; key: string }>('SELECT id, key FROM twin_datastreams WHERE key = ANY($1::text[])', [keys]);
    return new Map(r.rows.map((x) => [x.key, x.id]));
  }

  /** @inheritdoc */
  lastSeq(): number {
    return this.last;
  }

  /** @inheritdoc */
  async append(batch: readonly StoredObservation[]): Promise<StoredObservation[]> {
    if (batch.length === 0) return [];
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Serialise writers (other gateways on this database) and number the batch after the last committed seq.
      await client.query('SELECT pg_advisory_xact_lock($1)', [SEQ_LOCK]);
      const base = await client.query<{ m: string | null; v: string | null }>(
        "SELECT (SELECT max(seq) FROM twin_obs) AS m, (SELECT v FROM twin_meta WHERE k = 'lastSeq') AS v",
      );
      const after = Math.max(Number(base.rows[0].m ?? 0), Number(base.rows[0].v ?? 0));
      // Observations already held (another gateway stored the same MQTT message, or a redelivery) keep their seq and are
      // not written again; new ones keep the caller's seq unless another gateway has used it since, then they are
      // numbered after the last committed seq. The caller's objects get their final seq (the pipeline acknowledges with them).
      const held = await client.query<{ ds: number; t: string; seq: string }>(
        'SELECT o.ds, o.t, o.seq FROM twin_obs o JOIN unnest($1::int[], $2::bigint[]) AS b(ds, t) ON o.ds = b.ds AND o.t = b.t',
        [batch.map((o) => o.ds), batch.map((o) => o.t)],
      );
      const seqOf = new Map(held.rows.map((x) => [`${x.ds}:${x.t}`, Number(x.seq)]));
      const fresh: StoredObservation[] = [];
      let next = after;
      for (const o of batch as StoredObservation[]) {
        const k = `${o.ds}:${o.t}`;
        const known = seqOf.get(k);
        if (known !== undefined) {
          o.seq = known;
          continue;
        }
        // Keep the caller's seq when it is free (one gateway: the pipeline's own numbering), else take the next one.
        o.seq = Math.max(o.seq, next + 1);
        next = o.seq;
        seqOf.set(k, o.seq);
        fresh.push(o);
      }
      const r = await client.query<{ seq: string }>(
        `INSERT INTO twin_obs (seq, ds, t, result)
         SELECT * FROM unnest($1::bigint[], $2::int[], $3::bigint[], $4::jsonb[])
         ON CONFLICT (ds, t) DO NOTHING RETURNING seq`,
        [fresh.map((o) => o.seq), fresh.map((o) => o.ds), fresh.map((o) => o.t), fresh.map((o) => JSON.stringify(o.result))],
      );
      const maxSeq = next;
      await client.query(
        "INSERT INTO twin_meta (k, v) VALUES ('lastSeq', $1) ON CONFLICT (k) DO UPDATE SET v = GREATEST(twin_meta.v, excluded.v)",
        [maxSeq],
      );
      if (fresh.length > 0) await client.query('NOTIFY twin_obs');
      await client.query('COMMIT');
      this.last = Math.max(this.last, maxSeq);
      const ok = new Set(r.rows.map((x) => Number(x.seq)));
      return fresh.filter((o) => ok.has(o.seq));
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /** @inheritdoc */
  async since(afterSeq: number, limit: number): Promise<StoredObservation[]> {
    const r = await this.pool.query<Row>('SELECT seq, ds, t, result FROM twin_obs WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit]);
    return r.rows.map(toObs);
  }

  /** @inheritdoc */
  async range(ds: number, from: number, to: number, opts: { desc: boolean; limit: number; offset: number }): Promise<StoredObservation[]> {
    const r = await this.pool.query<Row>(
      `SELECT seq, ds, t, result FROM twin_obs WHERE ds = $1 AND t >= $2 AND t <= $3 ORDER BY t ${opts.desc ? 'DESC' : 'ASC'} LIMIT $4 OFFSET $5`,
      [ds, clamp(from), clamp(to), opts.limit, opts.offset],
    );
    return r.rows.map(toObs);
  }

  /** @inheritdoc */
  async countRange(ds: number, from: number, to: number): Promise<number> {
    const r = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM twin_obs WHERE ds = $1 AND t >= $2 AND t <= $3', [ds, clamp(from), clamp(to)]);
    return Number(r.rows[0].n);
  }

  /** @inheritdoc */
  async get(seq: number): Promise<StoredObservation | undefined> {
    const r = await this.pool.query<Row>('SELECT seq, ds, t, result FROM twin_obs WHERE seq = $1', [seq]);
    return r.rows[0] ? toObs(r.rows[0]) : undefined;
  }

  /** @inheritdoc */
  async stateAt(t: number, dsIds: readonly number[]): Promise<StoredObservation[]> {
    const r = await this.pool.query<Row>(
      `SELECT o.seq, o.ds, o.t, o.result FROM unnest($1::int[]) AS d(id)
       CROSS JOIN LATERAL (SELECT seq, ds, t, result FROM twin_obs WHERE ds = d.id AND t <= $2 ORDER BY t DESC LIMIT 1) o ORDER BY o.ds`,
      [dsIds, clamp(t)],
    );
    return r.rows.map(toObs);
  }

  /** @inheritdoc */
  async prune(cutoff: number): Promise<number> {
    const r = await this.pool.query<{ n: string; m: string | null }>(
      'WITH d AS (DELETE FROM twin_obs WHERE t < $1 RETURNING seq) SELECT count(*) AS n, max(seq) AS m FROM d',
      [cutoff],
    );
    const m = Number(r.rows[0].m ?? 0);
    if (m > this.pruned) {
      this.pruned = m;
      await this.pool.query(
        "INSERT INTO twin_meta (k, v) VALUES ('prunedThroughSeq', $1) ON CONFLICT (k) DO UPDATE SET v = GREATEST(twin_meta.v, excluded.v)",
        [m],
      );
    }
    return Number(r.rows[0].n);
  }

  /** @inheritdoc */
  async info(): Promise<StoreInfo> {
    const r = await this.pool.query<{ lo: string | null; n: string }>('SELECT min(seq) AS lo, count(*) AS n FROM twin_obs');
    return { lastSeq: this.last, firstSeq: r.rows[0].lo === null ? this.last + 1 : Number(r.rows[0].lo), prunedThroughSeq: this.pruned, count: Number(r.rows[0].n) };
  }

  /** @inheritdoc */
  watch(afterSeq: number, onRows: (rows: StoredObservation[]) => void): () => void {
    let cursor = afterSeq;
    let stopped = false;
    let running = false;
    let again = false;
    const listener = new pg.Client({ connectionString: this.url });
    const pull = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          for (;;) {
            if (stopped) return;
            const rows = await this.since(cursor, 5000);
            if (rows.length === 0) break;
            cursor = rows[rows.length - 1].seq;
            this.last = Math.max(this.last, cursor);
            onRows(rows);
            if (rows.length < 5000) break;
          }
        } while (again && !stopped);
      } catch (err) {
        if (!stopped) console.warn(`gateway: postgres watch: ${(err as Error).message}`);
      } finally {
        running = false;
      }
    };
    listener.on('notification', () => void pull());
    listener.on('error', (err) => console.warn(`gateway: postgres LISTEN connection: ${err.message}`));
    listener
      .connect()
      .then(() => listener.query('LISTEN twin_obs'))
      .then(() => pull())
      .catch((err) => console.warn(`gateway: postgres LISTEN failed (polling only): ${(err as Error).message}`));
    // A slow poll as well: covers a lost LISTEN connection.
    const timer = setInterval(() => void pull(), 1000);
    timer.unref();
    this.unwatch.add(() => {
      stopped = true;
      clearInterval(timer);
      return listener.end().catch(() => {});
    });
    return () => {
      stopped = true;
      clearInterval(timer);
      void listener.end().catch(() => {});
    };
  }

  private readonly unwatch = new Set<() => Promise<unknown>>();

  /** @inheritdoc */
  async close(): Promise<void> {
    for (const u of this.unwatch) await u();
    this.unwatch.clear();
    await this.pool.end();
  }
}
