/**
 * Terrain and ground-imagery writers at demo size: a 3.0 × 2.86 km DEM at 2 m (the demo DEM's extent) and a
 * 2.4 × 1.8 km district plan (street grid, plots, parks, a river). Targets: each under 15 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchRow } from '../src/cli/bench.js';
import type { PlanPolygon } from '../src/core/demo/types.js';
import { LocalTangentProjection } from '../src/core/geo/projection.js';
import { createGrid } from '../src/core/grid/grid.js';
import { demHeightSource, writeTerrain } from '../src/tiling/terrain/index.js';
import { writeImagery } from '../src/tiling/imagery/index.js';

/** Short description. */
export const title = 'quantized-mesh terrain and PNG ground imagery at demo size';

/** Runs the benchmark. */
export async function run(options: { root: string; quick: boolean }): Promise<BenchRow[]> {
  const crs = new LocalTangentProjection(113.32, 23.12);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-terrain-'));
  try {
    // DEM: gentle rise, a hill, noise-like waves and a river channel (ellipsoidal metres).
    const dem = createGrid(1500, 1430, -1500, -1460, 2);
    for (let r = 0; r < dem.nrows; r++) {
      const y = dem.yll + (dem.nrows - r - 0.5) * 2;
      for (let c = 0; c < dem.ncols; c++) {
        const x = dem.xll + (c + 0.5) * 2;
        const river = y < -700 && y > -1040 ? -8 * Math.min(1, Math.min(-700 - y, y + 1040) / 45) : 0;
        const hill = 41 * Math.exp(-((x + 1010) ** 2 + (y - 950) ** 2) / 175 ** 2);
        const waves = 0.3 * Math.sin(x / 97 + 1) * Math.cos(y / 151) + 0.2 * Math.sin((x + y) / 61);
        dem.data[r * dem.ncols + c] = 2 + 0.002 * (y + 1460) + hill + waves + river;
      }
    }
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const terrain = await writeTerrain(path.join(out, 'terrain'), demHeightSource(dem, crs), options.quick ? { maxLevel: 15 } : {});
    const terrainMs = performance.now() - t0;
    const terrainCpu = cpuMs(process.cpuUsage(c0));
    const fullGridTriangles = terrain.tiles * 64 * 64 * 2;

    // Plan: 150 m street grid (arterials every 600 m), plots by use, parks, a river and its levee.
    const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
    const plan: PlanPolygon[] = [];
    plan.push({ kind: 'water', ring: rect(-1500, -1040, 1500, -720), attributes: {} });
    plan.push({ kind: 'embankment', ring: rect(-1500, -720, 1500, -690), attributes: {} });
    const uses = ['住宅', '商业', '办公', '工业', '学校', '医院', '公共'];
    let k = 0;
    for (let x = -1200; x < 1200; x += 150) {
      for (let y = -680; y < 1100; y += 150) {
        const kind = k % 11 === 3 ? 'park' : k % 13 === 5 ? 'plaza' : 'plot';
        plan.push({ kind, ring: rect(x + 8, y + 8, x + 142, y + 142), attributes: { use: uses[k % uses.length] } });
        k++;
      }
    }
    for (let x = -1200; x <= 1200; x += 150) {
      const w = (x + 1200) % 600 === 0 ? 24 : 12;
      plan.push({ kind: 'road', ring: rect(x - w / 2, -690, x + w / 2, 1100), attributes: { roadClass: w > 12 ? 'arterial' : 'local' } });
    }
    for (let y = -680; y <= 1100; y += 150) {
      const w = (y + 680) % 600 === 0 ? 24 : 12;
      plan.push({ kind: 'road', ring: rect(-1200, y - w / 2, 1200, y + w / 2), attributes: { roadClass: w > 12 ? 'arterial' : 'local' } });
    }
    const [w, s] = crs.toGeodetic(-1200, -700, 0);
    const [e, n] = crs.toGeodetic(1200, 1100, 0);
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    const imagery = await writeImagery(path.join(out, 'imagery'), plan, crs, { rectangle: [w, s, e, n], maxLevel: options.quick ? 16 : undefined });
    const imageryMs = performance.now() - t1;
    const imageryCpu = cpuMs(process.cpuUsage(c1));

    return [
      { bench: 'terrain-imagery', metric: `terrain write (${terrain.tiles} tiles, levels 0–${terrain.maxLevel})`, value: terrainMs, unit: 'ms', target: '≤ 15000 ms', pass: terrainMs <= 15000 },
      { bench: 'terrain-imagery', metric: 'terrain CPU time (user + system)', value: terrainCpu, unit: 'ms' },
      {
        bench: 'terrain-imagery',
        metric: 'terrain triangles (RTIN vs full 65² grids)',
        value: terrain.triangles,
        unit: 'triangles',
        baseline: fullGridTriangles,
        ratio: terrain.triangles / fullGridTriangles,
      },
      { bench: 'terrain-imagery', metric: 'terrain bytes', value: terrain.bytes, unit: 'B' },
      { bench: 'terrain-imagery', metric: `imagery write (${imagery.tiles} tiles, levels ${imagery.minimumLevel}–${imagery.maximumLevel})`, value: imageryMs, unit: 'ms', target: '≤ 15000 ms', pass: imageryMs <= 15000 },
      { bench: 'terrain-imagery', metric: 'imagery CPU time (user + system)', value: imageryCpu, unit: 'ms' },
      { bench: 'terrain-imagery', metric: 'imagery bytes', value: imagery.bytes, unit: 'B' },
    ];
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** CPU milliseconds of a process.cpuUsage() difference (wall time on a shared machine mostly measures the others). */
function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}
