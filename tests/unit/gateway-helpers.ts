/** Shared fixtures of the gateway tests: a small scene, a gateway on loopback ports, a WebSocket stream client. */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import type { SceneCatalog, SiteSpec } from '../../src/core/scene/catalog.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/server/gateway/index.js';

const site = (id: string, kind: SiteSpec['kind'], en: string, lon: number, lat: number, properties: SiteSpec['properties']): SiteSpec => ({
  id,
  kind,
  name: { en, zh: en },
  lon,
  lat,
  height: 10,
  properties,
});

/** A scene with one site of each kind the simulator models. */
export const TEST_SCENE: SceneCatalog = {
  version: 1,
  id: 'gw-test',
  title: { en: 'gateway test', zh: '网关测试' },
  home: { lon: 113.32, lat: 23.1, height: 1000, heading: 0, pitch: -30, roll: 0 },
  rectangle: [113.31, 23.11, 113.33, 23.13],
  imagery: [],
  layers: [],
  sites: [
    site('river-1', 'sensor', 'River gauge east', 113.325, 23.115, { property: 'waterLevel', unit: 'm', thresholds: '3.0,3.5', location: 'river' }),
    site('manhole-1', 'sensor', 'Manhole 12', 113.318, 23.121, { property: 'waterLevel', unit: 'm' }),
    site('rain-1', 'sensor', 'Rain gauge', 113.32, 23.125, { property: 'rainfall', unit: 'mm/h' }),
    site('press-1', 'sensor', 'Pressure P1', 113.315, 23.118, { property: 'pressure', unit: 'kPa' }),
    site('flow-1', 'sensor', 'Flow F1', 113.316, 23.119, { property: 'flow', unit: 'L/s' }),
    site('gas-1', 'sensor', 'Gas G1', 113.322, 23.12, { property: 'gas', unit: '%LEL' }),
    site('pm-1', 'sensor', 'Air quality', 113.328, 23.126, { property: 'pm25', unit: 'µg/m³' }),
    site('cam-1', 'camera', 'Camera gate', 113.319, 23.117, { stream: 'video/cam-1.m3u8' }),
    site('port-1', 'droneport', 'Drone port', 113.321, 23.122, { drones: 1 }),
  ],
};

const created: string[] = [];

/** Removes the directories tmpDir made (call from afterAll). */
export function cleanupTmp(): void {
  for (const d of created.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A fresh temporary data directory (removed by cleanupTmp). */
export function tmpDir(tag: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `gw-${tag}-`));
  created.push(d);
  return d;
}

/** A gateway mounted on an HTTP server on a free loopback port. */
export interface Running {
  gw: Gateway;
  server: http.Server;
  port: number;
  base: string;
  stop(): Promise<void>;
}

/** Starts a gateway (embedded MQTT on a free port unless given, no simulator unless asked) behind an HTTP server. */
export async function startGateway(opts: Partial<GatewayOptions> & { dataDir: string; httpPort?: number }): Promise<Running> {
  const gw = await createGateway({ scene: TEST_SCENE, simulate: false, mqtt: 'embedded', mqttPort: 0, retentionDays: 0, ...opts });
  const server = http.createServer((req, res) =>
    gw.handle(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    }),
  );
  server.on('upgrade', (req, socket, head) => {
    if (!gw.upgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(opts.httpPort ?? 0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    gw,
    server,
    port,
    base: `http://127.0.0.1:${port}`,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await gw.close();
      await closed;
    },
  };
}

/** A message of the /stream protocol. */
export type StreamMsg = { type: string; [k: string]: unknown };

/** Connects to /stream and collects messages. */
export async function streamClient(port: number): Promise<{ ws: WebSocket; msgs: StreamMsg[]; obs: [number, number, number, unknown][]; close(): void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/stream`);
  const msgs: StreamMsg[] = [];
  const obs: [number, number, number, unknown][] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as StreamMsg;
    msgs.push(m);
    if (m.type === 'obs') obs.push(...(m.obs as [number, number, number, unknown][]));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, msgs, obs, close: () => ws.terminate() };
}

/** Polls `cond` every 10 ms until true or `ms` elapse (then throws with `what`). */
export async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** GET a JSON document. */
export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const r = await fetch(url);
  return { status: r.status, body: await r.json() };
}
