/**
 * 3D Tiles writer throughput: synthetic towns of prism buildings (32-gon footprints, LoD1 block + LoD2 with a
 * stepped roof) written with writeTileset. Reports triangles per second of full-detail input (every vertex goes
 * model CRS → geodetic → ECEF → ENU, flat normals, metadata, glb, tileset.json). Target ≥ 1M triangles/s.
 * Baseline in the same run: copying the same number of vertices into a Float32Array (the floor any writer pays).
 * The machine is shared, so the rate per CPU second of this process is printed next to the wall-clock rate.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchRow } from '../src/cli/bench.js';
import { LocalTangentProjection } from '../src/core/geo/projection.js';
import type { CityFeature, FeatureCollectionModel, MeshPart } from '../src/core/model/feature.js';
import { writeTileset } from '../src/tiling/tiles3d/index.js';

/** Bench title. */
export const title = '3D Tiles writer: triangles per second (synthetic prism town)';

/** A closed prism over a regular n-gon, as roof/wall/ground parts; ~4n triangles. */
function prism(cx: number, cy: number, r: number, n: number, z0: number, z1: number, roofZ?: number): MeshPart[] {
  const pos: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    pos.push(cx + r * Math.cos(a), cy + r * Math.sin(a), z0);
  }
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    pos.push(cx + r * Math.cos(a), cy + r * Math.sin(a), z1);
  }
  pos.push(cx, cy, roofZ ?? z1);
  const walls: number[] = [], roof: number[] = [], ground: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    walls.push(i, j, n + j, i, n + j, n + i);
    roof.push(n + i, n + j, 2 * n);
    if (i > 0 && i < n - 1) ground.push(0, i + 1, i);
  }
  return [
    { semantic: 'wall', positions: pos, indices: walls },
    { semantic: 'roof', positions: pos, indices: roof },
    { semantic: 'ground', positions: pos, indices: ground },
  ];
}

/** A town of `count` buildings on a grid, 25 m apart. */
export function town(count: number): FeatureCollectionModel {
  const crs = new LocalTangentProjection(113.32, 23.12);
  const side = Math.ceil(Math.sqrt(count));
  const features: CityFeature[] = [];
  for (let k = 0; k < count; k++) {
    const x = (k % side) * 25, y = Math.floor(k / side) * 25;
    const h = 6 + ((k * 37) % 60);
    features.push({
      id: `B${k}`,
      type: 'Building',
      attributes: { name: `建筑 ${k}`, height: h, floors: Math.round(h / 3), yearBuilt: 1960 + (k % 60), area: 300 + (k % 97) * 1.5, heritage: k % 11 === 0 },
      lods: [
        { lod: '1', parts: prism(x, y, 8, 8, 10, 10 + h) },
        { lod: '2', parts: prism(x, y, 8, 32, 10, 10 + h, 12 + h) },
      ],
    });
  }
  return { name: `town${count}`, crs, features };
}

async function measure(count: number, dir: string): Promise<{ ms: number; cpuMs: number; triangles: number; baselineMs: number }> {
  const model = town(count);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const s = await writeTileset(dir, model, { className: 'building' });
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const cpuMs = (c.user + c.system) / 1000;
  // Baseline: touch every input vertex once into float32.
  const b0 = performance.now();
  let sink = 0;
  for (const f of model.features) {
    for (const l of f.lods) {
      for (const p of l.parts) {
        const a = Float32Array.from(p.positions);
        sink += a[0];
      }
    }
  }
  const baselineMs = performance.now() - b0;
  if (sink === 42) console.log('');
  return { ms, cpuMs, triangles: s.triangles, baselineMs };
}

/** Runs the bench. */
export async function run(options: { root: string; quick: boolean }): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiles3d-bench-'));
  try {
    await measure(200, path.join(dir, 'warm'));
    const rows: BenchRow[] = [];
    for (const count of options.quick ? [2000] : [2000, 8000]) {
      const m = await measure(count, path.join(dir, `t${count}`));
      const rate = m.triangles / (m.ms / 1000);
      rows.push({
        bench: 'tiles3d',
        metric: `writeTileset ${count} buildings (${m.triangles} full-detail triangles)`,
        value: rate,
        unit: 'tri/s',
        target: '≥ 1,000,000 tri/s',
        pass: rate >= 1e6,
      });
      rows.push({
        bench: 'tiles3d',
        metric: `  per CPU second (this process, GC threads included)`,
        value: m.triangles / (m.cpuMs / 1000),
        unit: 'tri/s',
      });
      rows.push({ bench: 'tiles3d', metric: `writeTileset ${count} buildings wall time`, value: m.ms, unit: 'ms', baseline: m.baselineMs, ratio: m.ms / m.baselineMs });
    }
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
