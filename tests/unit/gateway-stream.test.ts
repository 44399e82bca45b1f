import { afterAll, afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { cleanupTmp, getJson, startGateway, streamClient, tmpDir, waitFor, type Running } from './gateway-helpers.js';

const running: Running[] = [];
const clients: { end(force?: boolean): unknown }[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  for (const r of running.splice(0)) await r.stop().catch(() => {});
});
afterAll(cleanupTmp);

async function connect(port: number, opts: mqtt.IClientOptions = {}): Promise<mqtt.MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 100, connectTimeout: 5000, ...opts });
  clients.push(c);
  return c;
}

const dsId = (r: Running, key: string) => [...r.gw.model.datastreams.values()].find((d) => d.key === key)!.id;
const T0 = Date.parse('2026-11-23T00:00:00Z');

describe('gateway stream', () => {
  it('MQTT QoS 1 publish → stored → delivered on the WebSocket in order with seq', async () => {
    const g = await startGateway({ dataDir: tmpDir('mqtt') });
    running.push(g);
    const ws = await streamClient(g.port);
    ws.ws.send(JSON.stringify({ op: 'subscribe' }));
    await waitFor(() => ws.msgs.some((m) => m.type === 'live'), 20_000, 'live');
    const pub = await connect(g.gw.mqttPort!);
    const ds = dsId(g, 'press-1/pressure');
    const N = 500;
    for (let i = 0; i < N; i++) {
      // Each PUBACK arrives only after the observation is stored.
      await pub.publishAsync(`v1.1/Datastreams(${ds})/Observations`, JSON.stringify({ result: i, phenomenonTime: new Date(T0 + i * 1000).toISOString() }), { qos: 1 });
      if (i === 0) expect((await g.gw.store.info()).count).toBe(1);
    }
    await waitFor(() => ws.obs.length >= N, 10_000, `${N} observations on the stream`);
    expect(ws.obs.map((o) => o[3])).toEqual([...Array(N).keys()]);
    const seqs = ws.obs.map((o) => o[0]);
    for (let i = 1; i < N; i++) expect(seqs[i]).toBe(seqs[i - 1] + 1);
    expect(ws.obs[0][1]).toBe(ds);
    expect(ws.obs[0][2]).toBe(T0);
    const stored = await g.gw.store.since(0, 10_000);
    expect(stored.map((o) => o.seq)).toEqual(seqs);
    ws.close();
  });

  it('MQTT subscribers get stored Observation entities from every source, never raw or rejected payloads', async () => {
    const g = await startGateway({ dataDir: tmpDir('mqttsub') });
    running.push(g);
    const ds = dsId(g, 'flow-1/flow');
    const sub = await connect(g.gw.mqttPort!);
    const got: any[] = [];
    sub.on('message', (_t, p) => got.push(JSON.parse(String(p))));
    await sub.subscribeAsync(`v1.1/Datastreams(${ds})/Observations`, { qos: 0 });
    const pub = await connect(g.gw.mqttPort!);
    await pub.publishAsync(`v1.1/Datastreams(${ds})/Observations`, JSON.stringify({ result: 12.5, phenomenonTime: new Date(T0).toISOString() }), { qos: 1 });
    await pub.publishAsync(`v1.1/Datastreams(${ds})/Observations`, '{"result": "oops"}', { qos: 1 });
    g.gw.pipeline.submitValid({ ds, t: T0 + 1000, result: 13 });
    await waitFor(() => got.length >= 2, 20_000, 'two entities');
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual([
      { '@iot.id': 1, phenomenonTime: new Date(T0).toISOString(), resultTime: new Date(T0).toISOString(), result: 12.5 },
      { '@iot.id': 2, phenomenonTime: new Date(T0 + 1000).toISOString(), resultTime: new Date(T0 + 1000).toISOString(), result: 13 },
    ]);
  });

  it('rejects and counts malformed payloads while valid ones keep flowing', async () => {
    const g = await startGateway({ dataDir: tmpDir('bad') });
    running.push(g);
    const ws = await streamClient(g.port);
    ws.ws.send(JSON.stringify({ op: 'subscribe' }));
    await waitFor(() => ws.msgs.some((m) => m.type === 'live'), 20_000, 'live');
    const pub = await connect(g.gw.mqttPort!);
    const ds = dsId(g, 'gas-1/gas');
    const tel = dsId(g, 'port-1/drone1/telemetry');
    const bad: [string, string | Buffer][] = [
      [`v1.1/Datastreams(${ds})/Observations`, '{"result": 1'],
      [`v1.1/Datastreams(${ds})/Observations`, '{"result": NaN}'],
      [`v1.1/Datastreams(${ds})/Observations`, '{"result": "0.5"}'],
      [`v1.1/Datastreams(9999)/Observations`, '{"result": 1}'],
      [`v1.1/Datastreams(${ds})/Observations`, JSON.stringify({ result: 1, pad: 'x'.repeat(40_000) })],
      [`v1.1/Datastreams(${tel})/Observations`, '{"result": 3}'],
      [`v1.1/Things(1)/Observations`, '{"result": 3}'],
    ];
    let sent = 0;
    for (let i = 0; i < 100; i++) {
      await pub.publishAsync(`v1.1/Datastreams(${ds})/Observations`, JSON.stringify({ result: i / 10, phenomenonTime: new Date(T0 + i).toISOString() }), { qos: 1 });
      sent++;
      if (i % 14 === 7) {
        const [topic, payload] = bad[(i / 14) | 0];
        await pub.publishAsync(topic, payload, { qos: 1 });
      }
    }
    await waitFor(() => ws.obs.length >= sent, 10_000, 'valid observations');
    expect(ws.obs).toHaveLength(100);
    expect(pub.connected).toBe(true);
    const errs = await getJson(`${g.base}/api/ingest-errors`);
    expect(errs.body.rejected).toBe(7);
    expect(errs.body.byReason).toEqual({ 'bad-json': 2, 'bad-result': 2, 'unknown-datastream': 1, oversized: 1, 'bad-topic': 1 });
    expect(errs.body.recent[0]).toMatchObject({ code: 'bad-json', topic: `v1.1/Datastreams(${ds})/Observations` });
    expect(errs.body.recent[0].reason).toMatch(/JSON/);
    expect(errs.body.recent[0].source).toMatch(/^mqtt /);
    const stats = await getJson(`${g.base}/api/stats`);
    expect(stats.body.pipeline.stored).toBe(100);
    ws.close();
  });

  it('a client resumes across a gateway restart with 0 missing and 0 duplicates', async () => {
    const dataDir = tmpDir('restart');
    let g = await startGateway({ dataDir });
    const httpPort = g.port;
    const mqttPort = g.gw.mqttPort!;
    running.push(g);
    const ds = [dsId(g, 'press-1/pressure'), dsId(g, 'flow-1/flow'), dsId(g, 'pm-1/pm25')];
    const pub = await connect(mqttPort, { clientId: 'restart-pub', clean: false });
    // Resuming stream client: reconnects and asks for everything after the last seq it saw.
    const got: [number, number, number, unknown][] = [];
    let lastSeq = 0;
    let cur: Awaited<ReturnType<typeof streamClient>> | undefined;
    const open = async () => {
      cur = await streamClient(httpPort);
      cur.ws.on('message', (d) => {
        const m = JSON.parse(String(d));
        if (m.type === 'obs') for (const o of m.obs) {
          got.push(o);
          lastSeq = o[0];
        }
      });
      cur.ws.send(JSON.stringify({ op: 'subscribe', since: lastSeq }));
    };
    await open();
    const total = 3000;
    let published = 0;
    let acked = 0;
    const publishSome = (n: number) => {
      for (let k = 0; k < n && published < total; k++, published++) {
        const i = published;
        pub.publish(`v1.1/Datastreams(${ds[i % 3]})/Observations`, JSON.stringify({ result: i, phenomenonTime: new Date(T0 + i).toISOString() }), { qos: 1 }, (err) => {
          if (!err) acked++;
        });
      }
    };
    publishSome(1000);
    await waitFor(() => got.length >= 400, 10_000, 'first observations');
    // Kill the gateway mid-stream (in-flight QoS 1 messages are unacknowledged), keep publishing while it is down.
    const seenAtKill = got.length;
    await g.stop();
    running.splice(running.indexOf(g), 1);
    expect(seenAtKill).toBeLessThan(1000);
    publishSome(1000);
    await new Promise((r) => setTimeout(r, 200));
    g = await startGateway({ dataDir, mqttPort, httpPort });
    running.push(g);
    await waitFor(() => pub.connected, 10_000, 'publisher reconnect');
    const resumeFrom = lastSeq;
    expect(resumeFrom).toBeGreaterThan(0);
    await open();
    publishSome(1000);
    await waitFor(() => acked >= total, 30_000, `all ${total} publishes acknowledged (acked ${acked})`);
    await g.gw.flush();
    await waitFor(() => new Set(got.map((o) => o[3])).size >= total, 15_000, 'every observation on the stream');
    await new Promise((r) => setTimeout(r, 200));
    const values = got.map((o) => o[3] as number);
    const seqs = got.map((o) => o[0]);
    expect(new Set(seqs).size).toBe(seqs.length); // no duplicate delivery
    expect(new Set(values).size).toBe(values.length); // no observation twice
    expect(values.length).toBe(total); // none missing
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
    const info = await g.gw.store.info();
    expect(info.count).toBe(total);
    cur?.close();
  });

  it('a resume replaying from the store while live data flows hands over with no gap and no duplicate', async () => {
    // Small pages and a small high-water mark make the replay yield between pages, so live batches arrive mid-replay.
    const g = await startGateway({ dataDir: tmpDir('handover'), stream: { replayPage: 100, highWaterBytes: 4096, lowWaterBytes: 1024 } });
    running.push(g);
    const ids = [...g.gw.model.datastreams.values()].filter((d) => d.kind === 'measurement').map((d) => d.id);
    let k = 0;
    const submit = (n: number) => {
      for (let i = 0; i < n; i++, k++) g.gw.pipeline.submitValid({ ds: ids[k % ids.length], t: T0 + k, result: k });
    };
    submit(20_000);
    await g.gw.flush();
    const ws = await streamClient(g.port);
    ws.ws.send(JSON.stringify({ op: 'subscribe', since: 0 }));
    let liveDuringReplay = 0;
    while (!ws.msgs.some((m) => m.type === 'live')) {
      submit(50);
      await g.gw.flush();
      liveDuringReplay += 50;
      await new Promise((r) => setTimeout(r, 2));
    }
    submit(500);
    await g.gw.flush();
    expect(liveDuringReplay).toBeGreaterThan(100);
    await waitFor(() => ws.obs.length >= k, 10_000, `all ${k} observations`);
    await new Promise((r) => setTimeout(r, 100));
    expect(ws.obs.map((o) => o[3])).toEqual([...Array(k).keys()]);
    expect(ws.obs.map((o) => o[0])).toEqual([...Array(k).keys()].map((i) => i + 1));
    ws.close();
  });

  it('a stalled client gets coalesced latest values, not an unbounded queue', async () => {
    const g = await startGateway({ dataDir: tmpDir('slow'), stream: { highWaterBytes: 64 * 1024, lowWaterBytes: 16 * 1024 } });
    running.push(g);
    const nDs = g.gw.model.datastreams.size;
    const ws = await streamClient(g.port);
    ws.ws.send(JSON.stringify({ op: 'subscribe' }));
    await waitFor(() => ws.msgs.some((m) => m.type === 'live'), 20_000, 'live');
    // Stall: stop reading from the socket.
    (ws.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const sensors = [...g.gw.model.datastreams.values()].filter((d) => d.kind === 'measurement').map((d) => d.id);
    const tel = dsId(g, 'port-1/drone1/telemetry');
    let maxQueued = 0;
    let maxBuffered = 0;
    // 300 batches of 50 drone telemetry records (~2 KB each) and 50 sensor values: ~30 MB, more than loopback TCP buffers hold.
    const note = 'n'.repeat(2000);
    const batchBytes = 50 * 2100 + 50 * 60;
    let k = 0;
    for (let b = 0; b < 300; b++) {
      for (let i = 0; i < 50; i++, k++) g.gw.pipeline.submitValid({ ds: tel, t: T0 + k, result: { lon: 113.321, lat: 23.122, height: 50, k, note } });
      for (let i = 0; i < 50; i++, k++) g.gw.pipeline.submitValid({ ds: sensors[k % sensors.length], t: T0 + k, result: k });
      await g.gw.flush();
      await new Promise((r) => setImmediate(r));
      const s = g.gw.hub.stats()[0];
      maxQueued = Math.max(maxQueued, s.queued);
      maxBuffered = Math.max(maxBuffered, s.bufferedAmount);
    }
    const lastK = k - 1;
    const s = g.gw.hub.stats()[0];
    expect(s.state).toBe('coalescing');
    expect(maxQueued).toBeLessThanOrEqual(nDs);
    // The server-side buffer stays near the high-water mark instead of growing with the ~30 MB sent.
    expect(maxBuffered).toBeGreaterThan(64 * 1024);
    expect(maxBuffered).toBeLessThan(64 * 1024 + 2 * batchBytes);
    expect(s.dropped).toBeGreaterThan(10_000);
    // Resume reading: a gap marker, then the latest value of each datastream.
    (ws.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await waitFor(() => ws.msgs.some((m) => m.type === 'gap' && m.reason === 'coalesced'), 10_000, 'coalesced gap marker');
    await waitFor(() => ws.obs.some((o) => o[3] === lastK), 10_000, 'latest value after the gap');
    const gapAt = ws.msgs.findIndex((m) => m.type === 'gap');
    const after = ws.msgs.slice(gapAt + 1).filter((m) => m.type === 'obs').flatMap((m) => m.obs as [number, number, number, number][]);
    const lastOf = new Map<number, number>();
    for (const o of after) lastOf.set(o[1], o[3]);
    for (let j = 0; j < sensors.length; j++) expect(lastOf.get(sensors[(lastK - j) % sensors.length])).toBe(lastK - j);
    expect((lastOf.get(tel) as unknown as { k: number }).k).toBe(lastK - 50);
    ws.close();
  });

  it('replays history after `since` with a gap marker for pruned history', async () => {
    const g = await startGateway({ dataDir: tmpDir('prune') });
    running.push(g);
    const ds = dsId(g, 'rain-1/rainfall');
    const old = Date.now() - 10 * 86_400_000;
    for (let i = 0; i < 50; i++) g.gw.pipeline.submitValid({ ds, t: old + i, result: i });
    for (let i = 0; i < 50; i++) g.gw.pipeline.submitValid({ ds, t: Date.now() - 1000 + i, result: 100 + i });
    await g.gw.flush();
    expect(await g.gw.store.prune(Date.now() - 86_400_000)).toBe(50);
    const ws = await streamClient(g.port);
    ws.ws.send(JSON.stringify({ op: 'subscribe', since: 10, datastreams: [ds] }));
    await waitFor(() => ws.msgs.some((m) => m.type === 'live'), 20_000, 'live after replay');
    const gap = ws.msgs.find((m) => m.type === 'gap');
    expect(gap).toMatchObject({ from: 11, to: 50, reason: 'pruned' });
    expect(ws.obs.map((o) => o[3])).toEqual([...Array(50).keys()].map((i) => 100 + i));
    // snapshot:true without since: the latest value of each subscribed datastream, then live.
    const ws4 = await streamClient(g.port);
    ws4.ws.send(JSON.stringify({ op: 'subscribe', snapshot: true, layers: ['rainfall'] }));
    await waitFor(() => ws4.msgs.some((m) => m.type === 'live'), 20_000, 'live after snapshot');
    expect(ws4.msgs.find((m) => m.type === 'snapshot')).toMatchObject({ obs: [[100, ds, expect.any(Number), 149]] });
    g.gw.pipeline.submitValid({ ds, t: Date.now() + 1000, result: 500 });
    await waitFor(() => ws4.obs.length === 1, 20_000, 'live value after the snapshot');
    expect(ws4.obs[0][3]).toBe(500);
    ws4.close();
    // A client whose last seq is beyond this gateway's history is told to reset and continues live.
    const ws3 = await streamClient(g.port);
    ws3.ws.send(JSON.stringify({ op: 'subscribe', since: 5000 }));
    await waitFor(() => ws3.msgs.some((m) => m.type === 'live'), 20_000, 'live after reset');
    expect(ws3.msgs.find((m) => m.type === 'gap')).toMatchObject({ from: 102, to: 5000, reason: 'reset' });
    ws3.close();
    // Viewport filter: a bbox away from the site gets nothing.
    const ws2 = await streamClient(g.port);
    ws2.ws.send(JSON.stringify({ op: 'subscribe', since: 0, bbox: [0, 0, 1, 1] }));
    await waitFor(() => ws2.msgs.some((m) => m.type === 'live'), 20_000, 'live');
    expect(ws2.obs).toHaveLength(0);
    ws2.ws.send(JSON.stringify({ op: 'subscribe', bbox: [0] }));
    await waitFor(() => ws2.msgs.some((m) => m.type === 'error'), 20_000, 'error for a bad bbox');
    ws.close();
    ws2.close();
  });
});
