/**
 * Two `twin gateway` processes on one mosquitto broker and one PostgreSQL server (both started by the test on loopback
 * ports): both ingest every QoS 1 publish (duplicates collapse on (datastream, time)), sequence numbers are allocated
 * in the shared database, and a WebSocket client moved from one gateway to the other — first by choice, then because
 * its gateway was killed with SIGKILL — resumes with nothing missing and nothing twice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import pg from 'pg';
import {
  ResumingClient,
  findBinary,
  findPostgres,
  requireOrSkip,
  sceneDir,
  sleep,
  spawnGateway,
  startMosquitto,
  startPostgres,
  stopAll,
  tmp,
} from './gateway-reliability-helpers.js';

const MOSQUITTO = findBinary('mosquitto', ['/usr/sbin/mosquitto']);
const PG = findPostgres();
const run = requireOrSkip('mosquitto (apt-get install mosquitto)', MOSQUITTO) && requireOrSkip('PostgreSQL server (apt-get install postgresql)', PG);
afterAll(stopAll);

const T0 = Date.parse('2026-11-23T00:00:00Z');
const waitUntil = async (cond: () => boolean | Promise<boolean>, ms: number, what: string) => {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
};

describe.runIf(run)('gateway reliability: two gateways, one broker, one PostgreSQL', () => {
  it('a client moved between gateways (and off a killed one) resumes with nothing lost', { timeout: 150_000 }, async () => {
    const broker = await startMosquitto(MOSQUITTO!);
    const db = await startPostgres(PG!);
    const scene = sceneDir();
    const common = ['--scene', scene, '--store', db.url, '--mqtt', broker.url, '--no-simulate'];
    // Start A first so the datastream ids exist, then B.
    const a = await spawnGateway([...common, '--data-dir', tmp('gwa'), '--mqtt-client-id', 'gw-a']);
    const b = await spawnGateway([...common, '--data-dir', tmp('gwb'), '--mqtt-client-id', 'gw-b']);
    const dsList = (await (await fetch(`http://127.0.0.1:${a.port}/api/datastreams`)).json()) as { id: number; kind: string; layer: string }[];
    const ds = dsList.filter((d) => d.kind === 'measurement' && d.layer === 'sensor').map((d) => d.id);
    expect(ds.length).toBeGreaterThan(3);

    const pub = await mqtt.connectAsync(broker.url, { clientId: 'cluster-publisher', clean: false, reconnectPeriod: 200 });
    const N = 3000;
    const acked = new Set<number>();
    let sent = 0;
    const publishing = (async () => {
      const inflight = new Set<Promise<unknown>>();
      for (let i = 0; i < N; i++) {
        const p = pub
          .publishAsync(`v1.1/Datastreams(${ds[i % ds.length]})/Observations`, JSON.stringify({ result: i, phenomenonTime: new Date(T0 + i * 1000).toISOString() }), { qos: 1 })
          .then(() => acked.add(i))
          .finally(() => inflight.delete(p));
        inflight.add(p);
        sent++;
        if (inflight.size >= 20) await Promise.race(inflight);
        if (i % 100 === 0) await sleep(30); // spread over a few seconds so the moves happen mid-stream
      }
      await Promise.all(inflight);
    })();

    const client = new ResumingClient();
    await client.connect(a.port);
    await waitUntil(() => client.obs.length >= 500, 30_000, '500 observations on gateway A');
    // Move 1: the client leaves A and resumes on B.
    client.close();
    await client.connect(b.port);
    await waitUntil(() => client.obs.length >= 1200, 30_000, '1200 observations (after moving to B)');
    // Move 2: back to A, then A is killed mid-stream and the client resumes on B again.
    client.close();
    await client.connect(a.port);
    await waitUntil(() => client.obs.length >= 1800, 30_000, '1800 observations (back on A)');
    // Both gateways write every observation (the second write of each collapses on (datastream, time)), without a
    // single failed store transaction: sequence numbers come from the shared database, not from each process.
    const statsA = (await (await fetch(`http://127.0.0.1:${a.port}/api/stats`)).json()) as any;
    expect(statsA.pipeline.rejected).toBe(0);
    expect(statsA.pipeline.stored + statsA.pipeline.duplicates).toBeGreaterThan(1000);
    await a.kill9();
    client.close();
    await client.connect(b.port);
    await publishing;
    expect(acked.size).toBe(N);

    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const count = async () => Number((await pool.query('SELECT count(*) AS n FROM twin_obs')).rows[0].n);
      await waitUntil(async () => (await count()) >= N, 30_000, `${N} rows in PostgreSQL`);
      const rows = (await pool.query<{ seq: string; r: number }>('SELECT seq, (result #>> \'{}\')::int AS r FROM twin_obs ORDER BY seq')).rows;
      // Every acknowledged publish is stored exactly once, although both gateways ingested it.
      expect(rows).toHaveLength(N);
      expect(new Set(rows.map((r) => r.r)).size).toBe(N);
      const seqs = rows.map((r) => Number(r.seq));
      await waitUntil(() => client.lastSeq >= seqs[seqs.length - 1], 30_000, 'the client to reach the last stored seq');
      const res = client.check(seqs);
      console.log(`cluster: ${rows.length} stored (seq ${seqs[0]}…${seqs.at(-1)}), client received ${client.obs.length}; ${JSON.stringify(res)}`);
      expect(res).toEqual({ duplicates: 0, missing: 0, extra: 0 });
      expect(client.msgs.filter((m) => m.type === 'gap')).toEqual([]);
      const statsB = (await (await fetch(`http://127.0.0.1:${b.port}/api/stats`)).json()) as any;
      expect(statsB.pipeline.rejected).toBe(0);
      expect(statsB.pipeline.duplicates).toBeGreaterThan(0);
    } finally {
      await pool.end();
      client.close();
      pub.end(true);
      await b.stop();
      await broker.stop();
      await db.stop();
    }
  });
});
