/**
 * Gateway benchmark: end-to-end observations/s on loopback — MQTT QoS 1 publishes (several publisher clients) →
 * validation → sequence numbers → store transaction → WebSocket client — with the embedded SQLite store, and as the
 * baseline in the same run the same pipeline with the store replaced by an in-memory array. Target ≥ 50 000 obs/s.
 */
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import type { BenchRow } from '../src/cli/bench.js';
import type { SceneCatalog, SiteSpec } from '../src/core/scene/catalog.js';
import { createGateway } from '../src/server/gateway/index.js';

/** Bench title. */
export const title = 'gateway: MQTT → store → WebSocket throughput (SQLite vs in-memory baseline)';

const PROPS = ['waterLevel', 'rainfall', 'pressure', 'flow', 'gas', 'pm25'];
const scene: SceneCatalog = {
  version: 1,
  id: 'bench',
  title: { en: 'bench', zh: 'bench' },
  home: { lon: 113.32, lat: 23.12, height: 1000, heading: 0, pitch: -30, roll: 0 },
  rectangle: [113.3, 23.1, 113.34, 23.14],
  imagery: [],
  layers: [],
  sites: Array.from({ length: 60 }, (_, i): SiteSpec => ({
    id: `s${i}`,
    kind: 'sensor',
    name: { en: `Sensor ${i}`, zh: `传感器 ${i}` },
    lon: 113.3 + (i % 10) * 0.004,
    lat: 23.1 + Math.floor(i / 10) * 0.006,
    height: 10,
    properties: { property: PROPS[i % PROPS.length] },
  })),
};

/** Figures of one run. */
export interface RunResult {
  obsPerS: number;
  /** Observations per CPU-second of the gateway process (user + system; all its threads). */
  obsPerCpuS: number;
  seconds: number;
  batches: number;
  maxBatch: number;
}

/**
 * The load generator runs in a child process, as devices and browsers would, so the gateway's own CPU time can be
 * measured (process.cpuUsage) apart from the load's. It connects the WebSocket client, then `publishers` MQTT 3.1.1 connections written with pre-encoded
 * CONNECT/PUBLISH (QoS 1) packets on raw sockets — a minimal client, so the figure measures the gateway rather than
 * a client library's per-message cost — keeps at most `window` unacknowledged publishes per connection (message ids
 * are 16-bit), counts PUBACKs, and reports when the WebSocket client has received all `n` observations, in seq order.
 */
const LOADGEN = `
const w = JSON.parse(process.argv[1]);
const report = (m) => { process.stdout.write(JSON.stringify(m) + '\\n'); process.exit(0); };
const net = require('node:net');
const WebSocket = require(w.wsPath);
const varint = (n) => { const b = []; do { let d = n % 128; n = Math.floor(n / 128); if (n > 0) d |= 128; b.push(d); } while (n > 0); return Buffer.from(b); };
const str = (s) => { const b = Buffer.from(s); const l = Buffer.alloc(2); l.writeUInt16BE(b.length); return Buffer.concat([l, b]); };
const connectPkt = (id) => { const body = Buffer.concat([str('MQTT'), Buffer.from([4, 2, 0, 60]), str(id)]); return Buffer.concat([Buffer.from([0x10]), varint(body.length), body]); };
const publishPkt = (topic, payload, mid) => { const t = str(topic); const m = Buffer.alloc(2); m.writeUInt16BE(mid); const p = Buffer.from(payload);
  return Buffer.concat([Buffer.from([0x32]), varint(t.length + 2 + p.length), t, m, p]); };
(async () => {
  const ws = new WebSocket('ws://127.0.0.1:' + w.httpPort + '/stream');
  let received = 0, lastSeq = 0, ordered = true, t0 = 0, acked = 0;
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ op: 'subscribe' }));
  await new Promise((r) => ws.once('message', r));
  const socks = [];
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.type !== 'obs') return;
    for (const o of m.obs) { if (o[0] <= lastSeq) ordered = false; lastSeq = o[0]; }
    received += m.obs.length;
    if (received >= w.n) {
      const seconds = (performance.now() - t0) / 1000;
      for (const s of socks) s.destroy();
      ws.terminate();
      report({ seconds, ordered, received, acked });
    }
  });
  const T0 = Date.parse('2026-11-23T00:00:00Z');
  const per = Math.ceil(w.n / w.publishers);
  const conns = [];
  for (let c = 0; c < w.publishers; c++) {
    const pkts = [];
    for (let i = c * per; i < Math.min(w.n, (c + 1) * per); i++) {
      const topic = 'v1.1/Datastreams(' + w.ids[i % w.ids.length] + ')/Observations';
      const payload = '{"result":' + (i % 1000) / 10 + ',"phenomenonTime":"' + new Date(T0 + i).toISOString() + '"}';
      pkts.push(publishPkt(topic, payload, (pkts.length % 65535) + 1));
    }
    const sock = net.connect(w.mqttPort, '127.0.0.1');
    sock.setNoDelay(true);
    socks.push(sock);
    await new Promise((r) => sock.once('connect', r));
    const conn = { sock, pkts, sent: 0, acks: 0, rest: Buffer.alloc(0), pump: null };
    await new Promise((r) => { sock.once('data', (d) => { if (d[0] !== 0x20 || d[3] !== 0) throw new Error('CONNACK refused'); r(); }); sock.write(connectPkt('bench-' + c)); });
    sock.on('data', (d) => {
      const b = conn.rest.length ? Buffer.concat([conn.rest, d]) : d;
      let i = 0;
      for (; i + 4 <= b.length; i += 4) if (b[i] === 0x40) { conn.acks++; acked++; }
      conn.rest = b.subarray(i);
      conn.pump();
    });
    conn.pump = () => {
      const chunk = [];
      while (conn.sent < conn.pkts.length && conn.sent - conn.acks < w.window && chunk.length < 2000) chunk.push(conn.pkts[conn.sent++]);
      if (chunk.length) conn.sock.write(Buffer.concat(chunk));
    };
    conns.push(conn);
  }
  t0 = performance.now();
  for (const c of conns) c.pump();
})().catch((err) => report({ error: String(err && err.stack || err) }));
`;

/** One end-to-end run with store `store` (sqlite, memory or a postgres:// URL). */
export async function runOnce(store: string, n: number, publishers: number): Promise<RunResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-bench-'));
  const gw = await createGateway({ dataDir, store, scene, mqtt: 'embedded', mqttPort: 0, simulate: false, retentionDays: 0 });
  const server = http.createServer((req, res) => gw.handle(req, res, () => res.end()));
  server.on('upgrade', (req, sock, head) => gw.upgrade(req, sock, head) || sock.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const httpPort = (server.address() as AddressInfo).port;
  const require = createRequire(import.meta.url);
  const args = { n, publishers, window: 20_000, httpPort, mqttPort: gw.mqttPort, ids: [...gw.model.datastreams.keys()], wsPath: require.resolve('ws') };
  const child = spawn(process.execPath, ['-e', LOADGEN, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const cpu0 = process.cpuUsage();
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const res = await new Promise<{ seconds: number; ordered: boolean; received: number; acked: number; error?: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`gateway bench load generator exited with ${code}: ${out.slice(0, 500)}`));
      }
    });
  });
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (res.error) throw new Error(`gateway bench load generator: ${res.error}`);
  if (!res.ordered) throw new Error('gateway bench: stream delivered observations out of seq order');
  const st = gw.pipeline.stats();
  if (st.stored !== n) throw new Error(`gateway bench: stored ${st.stored} of ${n}`);
  server.closeAllConnections();
  await gw.close();
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { obsPerS: n / res.seconds, seconds: res.seconds, batches: st.batches, maxBatch: st.maxBatch, obsPerCpuS: n / cpuSeconds };
}

/** Runs the benchmark. */
export async function run(options: { root: string; quick: boolean }): Promise<BenchRow[]> {
  const n = options.quick ? 30_000 : 200_000;
  const publishers = 4;
  await runOnce('memory', 5_000, publishers); // warm-up (JIT, sockets)
  // Alternate the two stores and take each one's median run, so load from other processes hits both alike.
  const reps = options.quick ? 1 : 3;
  const mems: RunResult[] = [];
  const sqls: RunResult[] = [];
  for (let r = 0; r < reps; r++) {
    mems.push(await runOnce('memory', n, publishers));
    sqls.push(await runOnce('sqlite', n, publishers));
  }
  const median = (xs: RunResult[]) => [...xs].sort((a, b) => a.obsPerS - b.obsPerS)[xs.length >> 1];
  const mem = median(mems);
  const sql = median(sqls);
  const ratio = sql.obsPerS / mem.obsPerS;
  return [
    {
      bench: 'gateway',
      metric: `MQTT→SQLite→WS, ${n} obs, ${publishers} conns, median of ${reps}`,
      value: sql.obsPerS,
      unit: 'obs/s',
      baseline: mem.obsPerS,
      ratio,
      target: '≥ 50000 obs/s',
      pass: sql.obsPerS >= 50_000,
    },
    {
      bench: 'gateway',
      metric: 'same, per CPU-second of the gateway process',
      value: sql.obsPerCpuS,
      unit: 'obs/cpu-s',
      baseline: mem.obsPerCpuS,
      ratio: sql.obsPerCpuS / mem.obsPerCpuS,
    },
    { bench: 'gateway', metric: 'SQLite run: store transactions', value: sql.batches, unit: 'batches', baseline: mem.batches, ratio: sql.batches / mem.batches },
    { bench: 'gateway', metric: 'SQLite run: largest batch', value: sql.maxBatch, unit: 'obs', baseline: mem.maxBatch, ratio: sql.maxBatch / mem.maxBatch },
  ];
}
