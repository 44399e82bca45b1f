import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sceneDir, sleep, spawnGateway, stopAll, tmp } from './gateway-reliability-helpers.js';

const LOG = path.resolve(process.cwd(), '../shared/data/drone/logs/UAVLogViewer_vtol.tlog');
afterAll(stopAll);

describe('twin gateway --replay-log / --mavlink', () => {
  it('replays a tlog at start-up as drone Thing flightlog/<name> and listens for MAVLink', { timeout: 60_000 }, async () => {
    if (!fs.existsSync(LOG)) throw new Error(`test data missing: ${LOG}`);
    const gw = await spawnGateway(['--scene', sceneDir(), '--data-dir', tmp('cli'), '--mqtt', 'none', '--no-simulate', '--replay-log', LOG, '--mavlink', 'udp://127.0.0.1:0']);
    expect(gw.log.join('')).toMatch(/replaying .*UAVLogViewer_vtol\.tlog \(mavlink-tlog, 807 fixes\) as flightlog\/UAVLogViewer_vtol/);
    expect(gw.log.join('')).toMatch(/mavlink udp:\/\/127\.0\.0\.1:\d+/);
    const list = (await (await fetch(`http://127.0.0.1:${gw.port}/api/datastreams`)).json()) as { id: number; key: string }[];
    const tel = list.find((d) => d.key === 'flightlog/UAVLogViewer_vtol/telemetry')!;
    expect(tel).toBeDefined();
    let n = 0;
    for (let i = 0; i < 50 && n < 807; i++) {
      n = ((await (await fetch(`http://127.0.0.1:${gw.port}/api/history?datastream=${tel.id}`)).json()) as { observations: unknown[] }).observations.length;
      if (n < 807) await sleep(100);
    }
    expect(n).toBe(807);
    await gw.stop();
  });

  it('an unreadable log stops the command with a message naming the file and byte offset', { timeout: 60_000 }, () => {
    const bad = path.join(tmp('badlog'), 'broken.ulg');
    fs.writeFileSync(bad, 'ULog but not really');
    const r = spawnSync(process.execPath, ['bin/twin.mjs', 'gateway', '--port', '0', '--scene', sceneDir(), '--data-dir', tmp('cli2'), '--mqtt', 'none', '--no-simulate', '--replay-log', bad], {
      encoding: 'utf8',
      timeout: 50_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/broken\.ulg: byte 0: not a ULog file/);
  });
});
