import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { StreamClient, type SocketLike, type StreamState } from '../../src/viewer/live/StreamClient.js';
import type { ObsTuple } from '../../src/core/live/protocol.js';
import { cleanupTmp, startGateway, tmpDir, waitFor, type Running } from './gateway-helpers.js';

afterAll(cleanupTmp);

/** A StreamClient on the `ws` package, recording everything it delivers. */
function client(port: number) {
  const got: ObsTuple[] = [];
  const states: StreamState[] = [];
  const gaps: string[] = [];
  const c = new StreamClient(
    { url: `ws://127.0.0.1:${port}/stream`, WebSocketImpl: WebSocket as unknown as new (url: string) => SocketLike, backoffBaseMs: 40, backoffMaxMs: 200 },
    { onObservations: (obs) => got.push(...obs), onState: (s) => states.push(s), onGap: (g) => gaps.push(g.reason) },
  );
  return { c, got, states, gaps };
}

async function submit(g: Running, n: number, t0: number): Promise<void> {
  const ids = [...g.gw.model.datastreams.values()].filter((d) => d.properties.layer === 'sensor').map((d) => d.id);
  for (let i = 0; i < n; i++) g.gw.pipeline.submitValid({ ds: ids[i % ids.length], t: t0 + i * 1000, result: i });
  await g.gw.flush();
}

describe('StreamClient against the gateway', () => {
  it('gets a snapshot, goes live, and after a dropped socket resumes by seq with 0 missing and 0 duplicates', async () => {
    const g = await startGateway({ dataDir: tmpDir('live-stream'), store: 'memory' });
    try {
      await submit(g, 20, Date.now() - 60_000);
      const { c, got, states, gaps } = client(g.port);
      c.start({ layers: ['sensor'] });
      await waitFor(() => c.state === 'live', 20_000, 'live');
      // Snapshot: the latest value of each sensor datastream that has data.
      const snapshotSeqs = new Set(got.map((o) => o[0]));
      expect(snapshotSeqs.size).toBeGreaterThan(0);
      await submit(g, 10, Date.now());
      await waitFor(() => got.length >= snapshotSeqs.size + 10, 20_000, 'live observations');

      c.drop();
      await waitFor(() => c.state === 'reconnecting', 10_000, 'reconnecting');
      // Data committed while the socket is down must come through the resume.
      await submit(g, 25, Date.now() + 100_000);
      await waitFor(() => c.state === 'live' && c.connections === 2, 20_000, 'resumed');
      await submit(g, 5, Date.now() + 200_000);
      const all = await g.gw.store.since(0, 100_000);
      const lastSnapshot = Math.max(...snapshotSeqs);
      const expected = all.filter((o) => o.seq > lastSnapshot).map((o) => o.seq);
      await waitFor(() => got.filter((o) => o[0] > lastSnapshot).length >= expected.length, 20_000, 'all after resume');
      const seqs = got.filter((o) => o[0] > lastSnapshot).map((o) => o[0]);
      expect(seqs).toEqual(expected);
      expect(new Set(got.map((o) => o[0])).size).toBe(got.length);
      expect(gaps).toEqual([]);
      expect(states).toContain('reconnecting');
      c.stop();
      expect(c.state).toBe('closed');
    } finally {
      await g.stop();
    }
  });

  it('reconnects with backoff while the gateway is down and resumes after its restart', async () => {
    const dir = tmpDir('live-restart');
    let g = await startGateway({ dataDir: dir, store: 'sqlite' });
    const port = g.port;
    const { c, got } = client(port);
    try {
      await submit(g, 5, Date.now());
      c.start({});
      await waitFor(() => c.state === 'live', 20_000, 'live');
      await submit(g, 5, Date.now() + 10_000);
      await waitFor(() => got.length >= 5, 20_000, 'first batch');
      await g.stop();
      await waitFor(() => c.attempts >= 2, 20_000, 'failed reconnect attempts');
      g = await startGateway({ dataDir: dir, store: 'sqlite', httpPort: port });
      await submit(g, 7, Date.now() + 20_000);
      await waitFor(() => c.state === 'live', 20_000, 'live again');
      const all = (await g.gw.store.since(0, 100_000)).map((o) => o.seq);
      await waitFor(() => got.length > 0 && got[got.length - 1][0] === all[all.length - 1], 20_000, 'caught up');
      const firstSeen = got[0][0];
      expect(got.map((o) => o[0])).toEqual(all.filter((s) => s >= firstSeen));
    } finally {
      c.stop();
      await g.stop();
    }
  });
});
