/**
 * Embedded SQLite store (better-sqlite3, WAL journal): one file in the gateway's data directory. Writes are synchronous
 * and transactional, so an observation is on disk (in the WAL) before `append` resolves. synchronous=NORMAL in WAL mode
 * survives a process crash; a power loss may drop the last transactions.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { StoredObservation } from '../../../core/sta/types.js';
import type { ObservationStore, StoreInfo } from './types.js';

type Row = { seq: number; ds: number; t: number; result: string };
const toObs = (r: Row): StoredObservation => ({ seq: r.seq, ds: r.ds, t: r.t, result: JSON.parse(r.result) });

/** SQLite-backed observation store in `<dataDir>/gateway.sqlite`. */
export class SqliteStore implements ObservationStore {
  /** Path of the database file. */
  readonly file: string;
  private db!: Database.Database;
  private last = 0;
  private pruned = 0;
  private stmts!: {
    insert: Database.Statement;
    setMeta: Database.Statement;
    since: Database.Statement;
    rangeAsc: Database.Statement;
    rangeDesc: Database.Statement;
    countRange: Database.Statement;
    get: Database.Statement;
    latestAt: Database.Statement;
  };
  private appendTx!: (batch: readonly StoredObservation[]) => StoredObservation[];

  /** Creates the store for a data directory (the file is created by open()). */
  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'gateway.sqlite');
  }

  /** @inheritdoc */
  get description(): string {
    return `sqlite ${this.file}`;
  }

  /** @inheritdoc */
  async open(): Promise<void> {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const db = new Database(this.file);
    this.db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS datastreams (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS obs (seq INTEGER PRIMARY KEY, ds INTEGER NOT NULL, t INTEGER NOT NULL, result TEXT NOT NULL);
      CREATE UNIQUE INDEX IF NOT EXISTS obs_ds_t ON obs (ds, t);
    `);
    const meta = (k: string) => (db.prepare('SELECT v FROM meta WHERE k = ?').get(k) as { v: number } | undefined)?.v ?? 0;
    const maxSeq = (db.prepare('SELECT max(seq) AS m FROM obs').get() as { m: number | null }).m ?? 0;
    this.last = Math.max(meta('lastSeq'), maxSeq);
    this.pruned = meta('prunedThroughSeq');
    this.stmts = {
      insert: db.prepare('INSERT OR IGNORE INTO obs (seq, ds, t, result) VALUES (?, ?, ?, ?)'),
      setMeta: db.prepare('INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v'),
      since: db.prepare('SELECT seq, ds, t, result FROM obs WHERE seq > ? ORDER BY seq LIMIT ?'),
      rangeAsc: db.prepare('SELECT seq, ds, t, result FROM obs WHERE ds = ? AND t >= ? AND t <= ? ORDER BY t LIMIT ? OFFSET ?'),
      rangeDesc: db.prepare('SELECT seq, ds, t, result FROM obs WHERE ds = ? AND t >= ? AND t <= ? ORDER BY t DESC LIMIT ? OFFSET ?'),
      countRange: db.prepare('SELECT count(*) AS n FROM obs WHERE ds = ? AND t >= ? AND t <= ?'),
      get: db.prepare('SELECT seq, ds, t, result FROM obs WHERE seq = ?'),
      latestAt: db.prepare('SELECT seq, ds, t, result FROM obs WHERE ds = ? AND t <= ? ORDER BY t DESC LIMIT 1'),
    };
    const { insert, setMeta } = this.stmts;
    this.appendTx = db.transaction((batch: readonly StoredObservation[]) => {
      const inserted: StoredObservation[] = [];
      let max = this.last;
      for (const o of batch) {
        if (insert.run(o.seq, o.ds, o.t, JSON.stringify(o.result)).changes > 0) inserted.push(o);
        if (o.seq > max) max = o.seq;
      }
      setMeta.run('lastSeq', max);
      return inserted;
    });
  }

  /** @inheritdoc */
  async assignDatastreamIds(keys: readonly string[]): Promise<Map<string, number>> {
    const ins = this.db.prepare('INSERT OR IGNORE INTO datastreams (key) VALUES (?)');
    const sel = this.db.prepare('SELECT id FROM datastreams WHERE key = ?');
    const out = new Map<string, number>();
    this.db.transaction(() => {
      for (const k of keys) {
        ins.run(k);
        out.set(k, (sel.get(k) as { id: number }).id);
      }
    })();
    return out;
  }

  /** @inheritdoc */
  lastSeq(): number {
    return this.last;
  }

  /** @inheritdoc */
  async append(batch: readonly StoredObservation[]): Promise<StoredObservation[]> {
    if (batch.length === 0) return [];
    const inserted = this.appendTx(batch);
    this.last = Math.max(this.last, batch[batch.length - 1].seq);
    return inserted;
  }

  /** @inheritdoc */
  async since(afterSeq: number, limit: number): Promise<StoredObservation[]> {
    return (this.stmts.since.all(afterSeq, limit) as Row[]).map(toObs);
  }

  /** @inheritdoc */
  async range(ds: number, from: number, to: number, opts: { desc: boolean; limit: number; offset: number }): Promise<StoredObservation[]> {
    const st = opts.desc ? this.stmts.rangeDesc : this.stmts.rangeAsc;
    return (st.all(ds, clampTime(from), clampTime(to), opts.limit, opts.offset) as Row[]).map(toObs);
  }

  /** @inheritdoc */
  async countRange(ds: number, from: number, to: number): Promise<number> {
    return (this.stmts.countRange.get(ds, clampTime(from), clampTime(to)) as { n: number }).n;
  }

  /** @inheritdoc */
  async get(seq: number): Promise<StoredObservation | undefined> {
    const r = this.stmts.get.get(seq) as Row | undefined;
    return r ? toObs(r) : undefined;
  }

  /** @inheritdoc */
  async stateAt(t: number, dsIds: readonly number[]): Promise<StoredObservation[]> {
    const out: StoredObservation[] = [];
    for (const ds of dsIds) {
      const r = this.stmts.latestAt.get(ds, clampTime(t)) as Row | undefined;
      if (r) out.push(toObs(r));
    }
    return out;
  }

  /** @inheritdoc */
  async prune(cutoff: number): Promise<number> {
    // In chunks with a yield between them, so pruning an hour of 5 Hz drone data never stalls ingest.
    const dsIds = (this.db.prepare('SELECT DISTINCT ds FROM obs').all() as { ds: number }[]).map((r) => r.ds);
    const maxDel = this.db.prepare('SELECT max(seq) AS m FROM obs WHERE ds = ? AND t < ?');
    const del = this.db.prepare('DELETE FROM obs WHERE seq IN (SELECT seq FROM obs WHERE ds = ? AND t < ? LIMIT 20000)');
    let n = 0;
    for (const ds of dsIds) {
      const m = (maxDel.get(ds, cutoff) as { m: number | null }).m;
      if (m === null) continue;
      this.pruned = Math.max(this.pruned, m);
      this.stmts.setMeta.run('prunedThroughSeq', this.pruned);
      for (;;) {
        const c = del.run(ds, cutoff).changes;
        n += c;
        if (c < 20000) break;
        await new Promise((r) => setImmediate(r));
      }
    }
    return n;
  }

  /** @inheritdoc */
  async info(): Promise<StoreInfo> {
    const r = this.db.prepare('SELECT min(seq) AS lo, count(*) AS n FROM obs').get() as { lo: number | null; n: number };
    return { lastSeq: this.last, firstSeq: r.lo ?? this.last + 1, prunedThroughSeq: this.pruned, count: r.n };
  }

  /** @inheritdoc */
  async close(): Promise<void> {
    if (this.db?.open) this.db.close();
  }
}

/** SQLite integers are 64-bit; ±Infinity bounds become the extreme safe integers. */
function clampTime(t: number): number {
  return t === Infinity ? Number.MAX_SAFE_INTEGER : t === -Infinity ? Number.MIN_SAFE_INTEGER : Math.trunc(t);
}
