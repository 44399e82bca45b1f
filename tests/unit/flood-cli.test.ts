/**
 * `twin flood` end to end through its exported run(): small grids in a temp dir, every output file checked,
 * and bad input rejected with a message naming the file and line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/flood.js';
import { parseAsc, formatAsc } from '../../src/core/formats/asc.js';

let dir: string;
const p = (f: string) => path.join(dir, f);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-flood-'));
  // 40 × 20 cells of 2 m: a valley sloping east at 1 %, with a side slope towards the middle row.
  const nc = 40, nr = 20, dx = 2;
  const data = new Float32Array(nc * nr);
  for (let r = 0; r < nr; r++) for (let c = 0; c < nc; c++) data[r * nc + c] = 10 - 0.01 * c * dx + 0.05 * Math.abs(r - 10);
  fs.writeFileSync(p('dem.asc'), formatAsc({ ncols: nc, nrows: nr, xll: 1000, yll: 2000, cellSize: dx, data }));
  fs.writeFileSync(p('rain.csv'), 'time_s,mm_per_h\n0,60\n600,60\n900,0\n');
  fs.writeFileSync(p('inflow.csv'), 'time_s,m3_per_s\n0,0\n300,0.2\n600,0\n');
  fs.writeFileSync(p('gauges.csv'), 'name,x,y\nupstream,1010,2021\noutlet,1077,2021\n');
  fs.writeFileSync(p('bad.asc'), 'ncols 3\nnrows 2\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2 3\n4 5\n');
  fs.writeFileSync(p('badlevel.csv'), 'time_s,level_m\n0,10\n60,x\n');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('twin flood CLI', () => {
  it('runs end to end and writes gauges, grids and the mass balance', async () => {
    const out = p('out');
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await run([
      '--dem', p('dem.asc'), '--manning', '0.03', '--duration', '1200', '--out', out,
      '--rain', p('rain.csv'), '--inflow', p('inflow.csv'), '--at', '1011,2021',
      '--boundary', 'east=free', '--gauges', p('gauges.csv'), '--every', '600', '--gauge-every', '60',
    ]);
    err.mockRestore();
    expect(code).toBe(0);
    const files = fs.readdirSync(out).sort();
    for (const f of ['gauges.csv', 'max_depth.asc', 'arrival_time.asc', 'mass.json', 'depth_600.asc', 'depth_1200.asc']) expect(files).toContain(f);

    const gauges = fs.readFileSync(path.join(out, 'gauges.csv'), 'utf8').trim().split('\n');
    expect(gauges[0]).toBe('time_s,upstream,outlet');
    expect(gauges.length).toBe(1 + 21); // t = 0, 60, ..., 1200
    expect(gauges[1].startsWith('0,')).toBe(true);
    expect(gauges.at(-1)!.startsWith('1200,')).toBe(true);
    const outletSeries = gauges.slice(1).map((l) => Number(l.split(',')[2]));
    expect(Math.max(...outletSeries)).toBeGreaterThan(0.005); // water reached the outlet

    const mass = JSON.parse(fs.readFileSync(path.join(out, 'mass.json'), 'utf8'));
    const rainExpected = ((60 * 600 + 0.5 * 60 * 300) / 3.6e6) * 40 * 20 * 4;
    expect(mass.rain_m3).toBeCloseTo(rainExpected, 3);
    expect(mass.inflow_m3).toBeCloseTo(0.5 * 600 * 0.2, 6);
    expect(mass.outflow_m3).toBeGreaterThan(0);
    expect(Math.abs(mass.relative_error)).toBeLessThan(1e-3);
    expect(mass.storage_m3).toBeCloseTo(mass.rain_m3 + mass.inflow_m3 - mass.outflow_m3, 0);

    const maxd = parseAsc(fs.readFileSync(path.join(out, 'max_depth.asc'), 'utf8'), 'max_depth.asc');
    const d1200 = parseAsc(fs.readFileSync(path.join(out, 'depth_1200.asc'), 'utf8'), 'depth_1200.asc');
    expect([maxd.ncols, maxd.nrows, maxd.xll, maxd.yll, maxd.cellSize]).toEqual([40, 20, 1000, 2000, 2]);
    for (let i = 0; i < maxd.data.length; i++) expect(maxd.data[i]).toBeGreaterThanOrEqual(d1200.data[i] - 1e-6);
    // Storage from the written depth grid matches mass.json (to the written precision).
    const stored = d1200.data.reduce((s, v) => s + v, 0) * 4;
    expect(Math.abs(stored - mass.storage_m3) / mass.storage_m3).toBeLessThan(1e-4);
  });

  it('fails with a clear message and non-zero exit on a malformed grid', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const code = await run(['--dem', p('bad.asc'), '--manning', '0.03', '--duration', '60', '--out', p('o2')]);
    const msg = err.mock.calls.map((c) => String(c[0])).join('\n');
    err.mockRestore();
    expect(code).not.toBe(0);
    expect(msg).toContain('bad.asc:7: short data: expected nrows × ncols = 6 values, found 5');
    expect(fs.existsSync(p('o2'))).toBe(false);
  });

  it('rejects bad arguments: unpaired inflows, bad boundary, bad CSV line, missing options', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const base = ['--dem', p('dem.asc'), '--manning', '0.03', '--duration', '60', '--out', p('o3')];
    expect(await run([...base, '--inflow', p('inflow.csv')])).toBe(2);
    expect(await run([...base, '--boundary', 'up=free'])).toBe(2);
    expect(await run([...base, '--boundary', `west=level:${p('badlevel.csv')}`])).toBe(2);
    expect(await run(['--dem', p('dem.asc'), '--duration', '60', '--out', p('o3')])).toBe(2);
    expect(await run([...base, '--rain', p('missing.csv')])).toBe(2);
    const msgs = err.mock.calls.map((c) => String(c[0]));
    err.mockRestore();
    expect(msgs[0]).toMatch(/--inflow and --at must be paired/);
    expect(msgs[1]).toMatch(/unknown side 'up'/);
    expect(msgs[2]).toMatch(/badlevel\.csv:3: column 'level_m' is not a number: 'x'/);
    expect(msgs[3]).toMatch(/--manning is required/);
    expect(msgs[4]).toMatch(/cannot read .*missing\.csv.*ENOENT/);
  });

  it('--blocked: a building mask is a wall', async () => {
    // Wall across the whole valley at column 20: inflow upstream never reaches the downstream half.
    const mask = new Float32Array(40 * 20);
    for (let r = 0; r < 20; r++) mask[r * 40 + 20] = 1;
    fs.writeFileSync(p('mask.asc'), formatAsc({ ncols: 40, nrows: 20, xll: 1000, yll: 2000, cellSize: 2, data: mask }));
    const code = await run([
      '--dem', p('dem.asc'), '--manning', '0.03', '--duration', '900', '--out', p('o5'), '--quiet',
      '--inflow', p('inflow.csv'), '--at', '1011,2021', '--blocked', p('mask.asc'),
    ]);
    expect(code).toBe(0);
    const maxd = parseAsc(fs.readFileSync(p('o5/max_depth.asc'), 'utf8'), 'max_depth.asc');
    for (let r = 0; r < 20; r++) {
      expect(Number.isNaN(maxd.data[r * 40 + 20])).toBe(true);
      for (let c = 21; c < 40; c++) expect(maxd.data[r * 40 + c]).toBe(0);
    }
    expect(maxd.data[10 * 40 + 19]).toBeGreaterThan(0.05); // water stands against the wall
  });

  it('accepts a GeoTIFF DEM', async () => {
    const dem = path.resolve(process.cwd(), '../shared/data/terrain/delft_ahn3_dtm_1m_filled_EPSG28992.tif');
    if (!fs.existsSync(dem)) throw new Error(`test data missing: ${dem}`);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await run(['--dem', dem, '--manning', '0.03', '--duration', '30', '--rain', '100', '--out', p('o4'), '--quiet']);
    err.mockRestore();
    expect(code).toBe(0);
    const mass = JSON.parse(fs.readFileSync(p('o4/mass.json'), 'utf8'));
    expect(mass.rain_m3).toBeGreaterThan(0);
    const d = parseAsc(fs.readFileSync(p('o4/depth_30.asc'), 'utf8'), 'depth_30.asc');
    expect([d.ncols, d.nrows, d.xll]).toEqual([265, 230, 84808]);
  });
});
