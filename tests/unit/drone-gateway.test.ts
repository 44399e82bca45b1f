import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseFlightLog, tlogRecords } from '../../src/core/formats/drone/index.js';
import { Simulator } from '../../src/core/sim/simulator.js';
import { planDatastreams } from '../../src/core/sta/model.js';
import { replayFlightLog } from '../../src/server/gateway/flightlog.js';
import { TEST_SCENE, cleanupTmp, getJson, startGateway, streamClient, tmpDir, waitFor, type Running } from './gateway-helpers.js';

const LOGS = path.resolve(process.cwd(), '../shared/data/drone/logs');
const read = (f: string) => {
  const p = path.join(LOGS, f);
  if (!fs.existsSync(p)) throw new Error(`test data missing: ${p} (the shared data set must be at ../shared/data)`);
  return new Uint8Array(fs.readFileSync(p));
};

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop().catch(() => {});
});
afterAll(cleanupTmp);

/** Keys of the simulator's drone telemetry result, for the shape check. */
function simulatedDroneKeys(): string[] {
  const plans = planDatastreams(TEST_SCENE.sites!).filter((p) => p.layer === 'drone' && p.phenomenon.key === 'droneTelemetry');
  const sim = new Simulator(plans.map((plan, i) => ({ id: i + 1, plan })), { seed: 1 }, Date.now() - 10_000);
  const obs = sim.step(Date.now());
  return Object.keys(obs[0].result as object).sort();
}

describe('flight log replay through the gateway', () => {
  it('stores a tlog as a drone Thing whose telemetry has the simulator drones\' shape, visible in history and the stream', async () => {
    const dataDir = tmpDir('replay');
    const g = await startGateway({ dataDir });
    running.push(g);
    const ws = await streamClient(g.port);
    ws.ws.send(JSON.stringify({ op: 'subscribe', layers: ['drone'] }));
    await waitFor(() => ws.msgs.some((m) => m.type === 'live'), 20_000, 'live');
    const t0 = Date.now();
    const r = await replayFlightLog(g.gw, read('UAVLogViewer_vtol.tlog'), 'vtol.tlog');
    const counts = await r.done;
    expect(counts.telemetry).toBe(807);
    // Ends now (speed 0, start 'now') with the log's own spacing.
    expect(r.to).toBeGreaterThanOrEqual(t0);
    expect(r.to - r.from).toBe(r.track.points.at(-1)!.t - r.track.points[0].t);

    const list = (await getJson(`${g.base}/api/datastreams`)).body as any[];
    const tel = list.find((d) => d.key === 'flightlog/vtol/telemetry');
    expect(tel).toMatchObject({ layer: 'drone', property: 'droneTelemetry', kind: 'complex', thingId: r.drone.thingId });
    expect(list.find((d) => d.key === 'flightlog/vtol/battery')).toMatchObject({ layer: 'drone', property: 'battery' });
    const thing = (await getJson(`${g.base}/v1.1/Things(${r.drone.thingId})`)).body;
    expect(thing.properties.kind).toBe('drone');

    const hist = (await getJson(`${g.base}/api/history?datastream=${tel.id}&limit=5000`)).body;
    expect(hist.observations).toHaveLength(807);
    const src = parseFlightLog(read('UAVLogViewer_vtol.tlog'), 'vtol.tlog').points;
    const [, t, res] = hist.observations[400];
    expect(t - hist.observations[0][1]).toBe(src[400].t - src[0].t);
    expect(res.lon).toBeCloseTo(src[400].lon, 6);
    expect(res.lat).toBeCloseTo(src[400].lat, 6);
    expect(res.height).toBeCloseTo(src[400].altMsl!, 1);
    expect(res.heightRef).toBe('msl');
    const keys = Object.keys(res).filter((k) => k !== 'heightRef').sort();
    const simKeys = simulatedDroneKeys().filter((k) => k !== 'battery');
    expect(keys.filter((k) => k !== 'battery')).toEqual(simKeys);

    await waitFor(() => ws.obs.filter((o) => o[1] === tel.id).length >= 807, 10_000, '807 drone observations on the stream');
    ws.close();

    // A restarted gateway on the same data dir still serves the replayed drone (same Datastream id, same history).
    await g.stop();
    running.splice(running.indexOf(g), 1);
    const g2 = await startGateway({ dataDir });
    running.push(g2);
    const again = ((await getJson(`${g2.base}/api/datastreams`)).body as any[]).find((d) => d.key === 'flightlog/vtol/telemetry');
    expect(again?.id).toBe(tel.id);
    expect((await getJson(`${g2.base}/api/history?datastream=${tel.id}&limit=5000`)).body.observations).toHaveLength(807);
  });

  it('replays in real time with start "now": fixes arrive as the log\'s clock advances', async () => {
    const g = await startGateway({ dataDir: tmpDir('replay-rt') });
    running.push(g);
    const start = Date.now();
    const r = await replayFlightLog(g.gw, read('dji_srt_parser_p4_rtk.SRT'), 'p4.SRT', { speed: 10 });
    expect(r.from).toBeGreaterThanOrEqual(start);
    await new Promise((res) => setTimeout(res, 1200));
    await g.gw.flush();
    const n1 = await g.gw.store.countRange(r.drone.telemetryDs, -Infinity, Infinity);
    // 1 s of wall time at 10× = about 10 of the 55 one-second fixes (not all at once, not none).
    expect(n1).toBeGreaterThan(5);
    expect(n1).toBeLessThan(30);
    // Nothing is stored with a time in the future.
    const rows = await g.gw.store.range(r.drone.telemetryDs, -Infinity, Infinity, { desc: true, limit: 1, offset: 0 });
    expect(rows[0].t).toBeLessThanOrEqual(Date.now());
    r.stop();
    await r.done;
  });

  it('POST /api/flightlogs replays a log; a broken one gets 422 naming the file and byte; /parse returns the track', async () => {
    const g = await startGateway({ dataDir: tmpDir('replay-http') });
    running.push(g);
    const body = read('pyulog_sample_px4_events_SITL.ulg');
    const ok = await fetch(`${g.base}/api/flightlogs?name=sitl.ulg&start=original`, { method: 'POST', body });
    expect(ok.status).toBe(201);
    const j = await ok.json();
    expect(j).toMatchObject({ key: 'flightlog/sitl', format: 'px4-ulog', points: 109, stored: { telemetry: 109 } });
    expect(j.from.slice(0, 10)).toBe('2024-03-18');
    const st = (await getJson(`${g.base}/api/state?t=${encodeURIComponent(j.to)}&datastreams=${j.datastreams.telemetry}`)).body;
    expect(st.state[0].result.lat).toBeCloseTo(47.3977, 3);

    const bad = body.slice();
    bad[0] = 0x58;
    const r422 = await fetch(`${g.base}/api/flightlogs?name=broken.ulg`, { method: 'POST', body: bad });
    expect(r422.status).toBe(422);
    expect((await r422.json()).message).toMatch(/broken\.ulg: byte 0: not a ULog file/);

    const parsed = await fetch(`${g.base}/api/flightlogs/parse?name=p4.srt`, { method: 'POST', body: read('dji_srt_parser_p4_rtk.SRT') });
    expect(parsed.status).toBe(200);
    const tr = await parsed.json();
    expect(tr.points).toHaveLength(55);
    expect(tr.absoluteTime).toBe(false);
    // Nothing was stored for the parse-only request.
    expect((await getJson(`${g.base}/api/datastreams`)).body.some((d: any) => d.key.startsWith('flightlog/p4'))).toBe(false);
  });
});

describe('MAVLink over UDP', () => {
  it('frames from a tlog sent over loopback UDP become observations of drone Thing mavlink/sys1', async () => {
    const g = await startGateway({ dataDir: tmpDir('mavudp'), mavlink: 'udp://127.0.0.1:0' });
    running.push(g);
    const port = g.gw.mavlink!.port;
    const recs = tlogRecords(read('UAVLogViewer_vtol.tlog')).slice(0, 6000);
    const gpi = recs.filter((r) => r.bytes[0] === 0xfe && r.bytes[5] === 33 && r.bytes[3] === 1);
    expect(gpi.length).toBeGreaterThan(150);
    const sock = dgram.createSocket('udp4');
    try {
      // Pace the datagrams (loopback UDP has small buffers); one corrupted frame must be rejected by its CRC.
      for (let i = 0; i < recs.length; i++) {
        let bytes = recs[i].bytes;
        if (i === 50) {
          bytes = bytes.slice();
          bytes[bytes.length - 3] ^= 0x55;
        }
        await new Promise<void>((res, rej) => sock.send(bytes, port, '127.0.0.1', (e) => (e ? rej(e) : res())));
        // Window of 32 datagrams: wait until the gateway has read them, so a busy CI machine never overflows the
        // socket buffer (UDP drops silently; this test is about decoding and storing, not about the kernel).
        if (i % 32 === 31) await waitFor(() => g.gw.mavlink!.stats().datagrams >= i + 1, 10_000, `datagram ${i + 1} received`);
      }
      const corruptedIsGpi = recs[50].bytes[5] === 33 && recs[50].bytes[3] === 1;
      const want = gpi.length - (corruptedIsGpi ? 1 : 0);
      await waitFor(() => g.gw.mavlink!.stats().telemetry >= want, 10_000, `${want} telemetry observations`);
      await g.gw.flush();
      const st = g.gw.mavlink!.stats();
      expect(st.frames).toBe(recs.length - (recs[50].bytes[5] in { 0: 1, 1: 1, 24: 1, 30: 1, 33: 1, 74: 1, 147: 1 } ? 1 : 0));
      expect(st.vehicles).toHaveLength(1);
      expect(st.vehicles[0].sysid).toBe(1);
      const ds = [...g.gw.model.datastreams.values()].find((d) => d.key === 'mavlink/sys1/telemetry')!;
      expect(ds.properties.layer).toBe('drone');
      const rows = await g.gw.store.range(ds.id, -Infinity, Infinity, { desc: false, limit: 10_000, offset: 0 });
      expect(rows).toHaveLength(want);
      const track = parseFlightLog(read('UAVLogViewer_vtol.tlog'), 'vtol.tlog').points;
      const r0 = rows[0].result as any;
      expect(r0.lon).toBeCloseTo(track[0].lon, 6);
      expect(r0.lat).toBeCloseTo(track[0].lat, 6);
      for (let i = 1; i < rows.length; i++) expect(rows[i].t).toBeGreaterThan(rows[i - 1].t);
    } finally {
      sock.close();
    }
  });

  it('rejects a bad --mavlink URL with a clear message', async () => {
    await expect(startGateway({ dataDir: tmpDir('mavbad'), mavlink: 'tcp://x' })).rejects.toThrow(/--mavlink: expected udp:\/\/host:port/);
  });
});
