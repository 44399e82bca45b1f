/**
 * Drone flight-log readers on the real logs in ../shared/data/drone/logs: MAVLink tlog (0.96 MB, 23 894 frames),
 * PX4 ULog (SITL, 1.56 MB) and DJI SRT (Mavic Pro, 74 KB), each against a same-run floor (a bare CRC-16 pass over the
 * tlog bytes; a bare walk over the ULog message headers; a bare split of the SRT text into lines); plus a replay of
 * the tlog into an in-memory gateway (observations stored per second).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchRow } from '../src/cli/bench.js';
import { crc16, parseDjiSrt, parseTlog, parseULog } from '../src/core/formats/drone/index.js';
import { createGateway } from '../src/server/gateway/index.js';
import { replayFlightLog } from '../src/server/gateway/flightlog.js';

/** Short description. */
export const title = 'drone flight logs (tlog, ULog, SRT) vs bare byte passes; replay into the gateway';

function best(n: number, f: () => unknown): number {
  let b = Infinity;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f();
    b = Math.min(b, performance.now() - t);
  }
  return b;
}

/** Runs the benchmark. */
export async function run({ root, quick }: { root: string; quick: boolean }): Promise<BenchRow[]> {
  const dir = path.resolve(root, '../shared/data/drone/logs');
  const tlog = new Uint8Array(fs.readFileSync(path.join(dir, 'UAVLogViewer_vtol.tlog')));
  const ulog = new Uint8Array(fs.readFileSync(path.join(dir, 'pyulog_sample_px4_events_SITL.ulg')));
  const srt = new Uint8Array(fs.readFileSync(path.join(dir, 'dji_srt_parser_mavic_pro.SRT')));
  const n = quick ? 3 : 10;
  const rows: BenchRow[] = [];
  const row = (bench: string, metric: string, value: number, baseline: number) =>
    rows.push({ bench: 'drone', metric: `${bench}: ${metric}`, value: Math.round(value * 100) / 100, unit: 'ms', baseline: Math.round(baseline * 100) / 100, ratio: Math.round((value / baseline) * 100) / 100 });

  row('tlog 0.96 MB → 807 fixes', 'parse', best(n, () => parseTlog(tlog, 'vtol.tlog')), best(n, () => crc16(tlog)));
  const dv = new DataView(ulog.buffer, ulog.byteOffset, ulog.byteLength);
  row(
    'ULog 1.56 MB → 109 fixes',
    'parse',
    best(n, () => parseULog(ulog, 'sitl.ulg')),
    best(n, () => {
      let pos = 16;
      let k = 0;
      while (pos + 3 <= ulog.length) {
        k += ulog[pos + 2];
        pos += 3 + dv.getUint16(pos, true);
      }
      return k;
    }),
  );
  const text = new TextDecoder().decode(srt);
  row('SRT 74 KB → 468 fixes', 'parse', best(n, () => parseDjiSrt(srt, 'pro.SRT')), best(n, () => text.split('\n').length));

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-drone-'));
  const gw = await createGateway({ dataDir, store: 'memory', mqtt: 'none', simulate: false, scene: { version: 1, id: 'b', title: { en: 'b', zh: 'b' }, home: { lon: 0, lat: 0, height: 0, heading: 0, pitch: 0, roll: 0 }, rectangle: [0, 0, 1, 1], imagery: [], layers: [], sites: [] } as never });
  try {
    const t = performance.now();
    const r = await replayFlightLog(gw, tlog, 'vtol.tlog');
    const c = await r.done;
    const ms = performance.now() - t;
    rows.push({ bench: 'drone', metric: 'replay tlog into gateway (memory store): observations/s', value: Math.round(((c.telemetry + c.battery) / ms) * 1000), unit: 'obs/s' });
  } finally {
    await gw.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}
