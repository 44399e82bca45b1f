/**
 * Reliability with a real broker: Debian mosquitto (persistence on, max_queued_messages raised, 127.0.0.1 only) is
 * restarted under QoS 1 publishers while the gateway is its external persistent-session client; the gateway is also
 * stopped while messages keep arriving (they queue in the broker beyond mosquitto's default 1000). Nothing a
 * publisher got a PUBACK for may be missing from the gateway's store.
 */
import { afterAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { startGateway, tmpDir, cleanupTmp, type Running } from './gateway-helpers.js';
import { findBinary, requireOrSkip, sleep, startMosquitto, stopAll } from './gateway-reliability-helpers.js';

const MOSQUITTO = findBinary('mosquitto', ['/usr/sbin/mosquitto']);
const run = requireOrSkip('mosquitto (apt-get install mosquitto)', MOSQUITTO);
const gateways: Running[] = [];
afterAll(async () => {
  for (const g of gateways) await g.stop().catch(() => {});
  await stopAll();
  cleanupTmp();
});

const T0 = Date.parse('2026-11-23T00:00:00Z');

describe.runIf(run)('gateway reliability: mosquitto restart', () => {
  it('nothing acknowledged is lost across two broker restarts and a gateway outage (QoS 1, persistent session)', { timeout: 90_000 }, async () => {
    const broker = await startMosquitto(MOSQUITTO!);
    const dataDir = tmpDir('rel-broker');
    let g = await startGateway({ dataDir, mqtt: broker.url });
    gateways.push(g);
    const ds = [...g.gw.model.datastreams.values()].filter((d) => d.kind === 'measurement' && d.properties.layer === 'sensor').map((d) => d.id);
    const pub = await mqtt.connectAsync(broker.url, { clientId: 'rel-publisher', clean: false, reconnectPeriod: 200, connectTimeout: 5000 });
    const N = 4000;
    const acked = new Set<number>();
    const failed: string[] = [];
    const inflight = new Set<Promise<unknown>>();
    const topicOf = (i: number) => `v1.1/Datastreams(${ds[i % ds.length]})/Observations`;
    const bodyOf = (i: number) => JSON.stringify({ result: i, phenomenonTime: new Date(T0 + i * 1000).toISOString() });
    let outage: Promise<void> | undefined;
    for (let i = 0; i < N; i++) {
      if (i === 1000) outage = broker.restart(); // broker restart under load, gateway connected
      if (i === 2000) {
        await outage;
        // Gateway away: the broker queues its messages (persistent session); then the broker restarts again meanwhile.
        await g.stop();
        gateways.splice(gateways.indexOf(g), 1);
      }
      if (i === 3000) await broker.restart();
      const p = pub
        .publishAsync(topicOf(i), bodyOf(i), { qos: 1 })
        .then(() => acked.add(i))
        .catch((e: Error) => failed.push(`${i}: ${e.message}`))
        .finally(() => inflight.delete(p));
      inflight.add(p);
      while (inflight.size >= 100) await Promise.race(inflight);
    }
    // The gateway comes back on the same data dir and receives what the broker queued for it.
    g = await startGateway({ dataDir, mqtt: broker.url });
    gateways.push(g);
    const t0 = Date.now();
    while (inflight.size > 0 && Date.now() - t0 < 30_000) await Promise.race([...inflight, sleep(500)]);
    expect(inflight.size).toBe(0);
    const stored = new Set<number>();
    const collect = async () => {
      await g.gw.flush();
      stored.clear();
      for (const d of ds) for (const o of await g.gw.store.range(d, -Infinity, Infinity, { desc: false, limit: N, offset: 0 })) stored.add(o.result as number);
    };
    const t1 = Date.now();
    for (;;) {
      await collect();
      if ([...acked].every((i) => stored.has(i)) || Date.now() - t1 > 30_000) break;
      await sleep(250);
    }
    const lost = [...acked].filter((i) => !stored.has(i));
    console.log(`broker restarts: ${acked.size}/${N} acknowledged, ${stored.size} stored, ${lost.length} acknowledged but lost, ${failed.length} publish errors`);
    expect(lost).toEqual([]);
    // mqtt.js resends unacknowledged QoS 1 publishes after reconnecting, so every publish is acknowledged in the end.
    expect(acked.size).toBe(N);
    expect(stored.size).toBe(N);
    const stats = g.gw.pipeline.stats();
    expect(stats.rejected).toBe(0);
    pub.end(true);
    await broker.stop();
  });
});
