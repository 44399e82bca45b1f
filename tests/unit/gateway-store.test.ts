/**
 * One contract for every observation store: SQLite (embedded default), in-memory (benchmark baseline) and PostgreSQL
 * (a throw-away cluster started on a loopback port when Debian's postgresql is installed; skipped, by name, otherwise).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { ObservationStore } from '../../src/server/gateway/store/types.js';
import { MemoryStore } from '../../src/server/gateway/store/memory.js';
import { SqliteStore } from '../../src/server/gateway/store/sqlite.js';
import { cleanupTmp, tmpDir } from './gateway-helpers.js';

const PG_BIN = ['/usr/lib/postgresql/15/bin', '/usr/local/bin'].find((d) => fs.existsSync(`${d}/initdb`) && fs.existsSync(`${d}/postgres`));
const canRunPg = !!PG_BIN && (() => {
  try {
    execFileSync('id', ['postgres'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let pg: ChildProcess | undefined;
let pgDir: string | undefined;
afterAll(async () => {
  if (pg && pgDir) {
    // runuser does not forward signals: stop the postmaster itself (fast shutdown) by the PID it recorded.
    const pid = Number(fs.readFileSync(`${pgDir}/data/postmaster.pid`, 'utf8').split('\n')[0]);
    if (pg.exitCode === null) {
      process.kill(pid, 'SIGINT');
      await new Promise((r) => pg!.once('exit', r));
    }
  }
  if (pgDir) fs.rmSync(pgDir, { recursive: true, force: true });
  cleanupTmp();
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts a throw-away PostgreSQL cluster (as the postgres user, loopback only); returns its URL. */
async function startPostgres(): Promise<string> {
  pgDir = tmpDir('pg');
  fs.chmodSync(pgDir, 0o777);
  const data = `${pgDir}/data`;
  const asPg = (cmd: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' });
  asPg(`${PG_BIN}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  pg = spawn('runuser', ['-u', 'postgres', '--', `${PG_BIN}/postgres`, '-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', pgDir, '-c', 'fsync=off'], { stdio: 'pipe' });
  let log = '';
  pg.stderr!.on('data', (d) => (log += d));
  const t0 = Date.now();
  while (!log.includes('ready to accept connections')) {
    if (Date.now() - t0 > 30_000 || pg.exitCode !== null) throw new Error(`postgres did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

const T0 = Date.parse('2026-11-23T00:00:00Z');

function contract(name: string, make: () => Promise<{ open(): Promise<ObservationStore> }>, enabled = true) {
  describe.skipIf(!enabled)(`${name} store`, () => {
    it('keeps datastream ids, seq order, (ds, t) uniqueness, ranges, state-at-time, retention and counters', async () => {
      const factory = await make();
      let s = await factory.open();
      const ids = await s.assignDatastreamIds(['a/x', 'b/y']);
      expect([...ids.values()].sort()).toHaveLength(2);
      const [a, b] = [ids.get('a/x')!, ids.get('b/y')!];
      const again = await s.assignDatastreamIds(['b/y', 'c/z', 'a/x']);
      expect(again.get('a/x')).toBe(a);
      expect(again.get('b/y')).toBe(b);
      expect(new Set(again.values()).size).toBe(3);
      const rows = Array.from({ length: 100 }, (_, i) => ({ seq: i + 1, ds: i % 2 ? b : a, t: T0 + i * 1000, result: i % 2 ? { lon: i, note: 'x' } : i }));
      expect(await s.append(rows.slice(0, 60))).toHaveLength(60);
      // A redelivered observation (same ds and t) is skipped, the rest of the batch is written.
      const ins = await s.append([{ ...rows[10], seq: 61 }, ...rows.slice(60).map((r) => ({ ...r, seq: r.seq + 1 }))]);
      expect(ins.map((r) => r.seq)).toEqual(rows.slice(60).map((r) => r.seq + 1));
      expect(s.lastSeq()).toBe(101);
      const since = await s.since(50, 5);
      expect(since.map((r) => r.seq)).toEqual([51, 52, 53, 54, 55]);
      expect(since[1].result).toEqual({ lon: 51, note: 'x' });
      const r = await s.range(a, T0 + 10_000, T0 + 20_000, { desc: true, limit: 3, offset: 1 });
      expect(r.map((o) => o.result)).toEqual([18, 16, 14]);
      expect(await s.countRange(a, -Infinity, Infinity)).toBe(50);
      const st = await s.stateAt(T0 + 50_500, [a, b, 999]);
      expect(st.map((o) => [o.ds, o.t])).toEqual([
        [a, T0 + 50_000],
        [b, T0 + 49_000],
      ].sort((x, y) => x[0] - y[0]));
      expect((await s.get(3))?.result).toBe(2);
      expect(await s.get(61)).toBeUndefined();
      expect(await s.prune(T0 + 30_000)).toBe(30);
      const info = await s.info();
      expect(info).toMatchObject({ lastSeq: 101, firstSeq: 31, count: 70, prunedThroughSeq: 30 });
      await s.close();
      // Re-open: counters and ids persist (not for the in-memory store).
      if (name !== 'memory') {
        s = await factory.open();
        expect(s.lastSeq()).toBe(101);
        expect((await s.info()).prunedThroughSeq).toBe(30);
        expect((await s.assignDatastreamIds(['a/x'])).get('a/x')).toBe(a);
        await s.close();
      }
    });
  });
}

contract('memory', async () => ({ open: async () => new MemoryStore() }));
contract('sqlite', async () => {
  const dir = tmpDir('store');
  return {
    open: async () => {
      const s = new SqliteStore(dir);
      await s.open();
      return s;
    },
  };
});
contract(
  'postgres (needs Debian postgresql installed)',
  async () => {
    const url = await startPostgres();
    const { PostgresStore } = await import('../../src/server/gateway/store/postgres.js');
    return {
      open: async () => {
        const s = new PostgresStore(url);
        await s.open();
        return s;
      },
    };
  },
  canRunPg,
);
