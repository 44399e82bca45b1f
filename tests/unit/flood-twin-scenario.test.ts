import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCity } from '../../src/core/demo/index.js';
import { writeAnalysis, meshOutline } from '../../src/tiling/demo/analysis.js';
import { DEMO_SEED } from '../../src/tiling/demo/build.js';
import { AnalysisFormatError, demGridFromBytes, validateDemHeader } from '../../src/core/scene/analysis.js';
import { FloodSimulation } from '../../src/core/flood/simulation.js';
import { computeImpact } from '../../src/viewer/flood/impact.js';
import { decodeScenario, defaultScenario, encodeScenario, parseAnalysis, prepareRun, validateScenario, type AnalysisData } from '../../src/viewer/flood/scenario.js';
import type { AnalysisSpec } from '../../src/core/scene/catalog.js';

let dir: string;
let spec: AnalysisSpec;
let data: AnalysisData;
let nBuildings: number;

const read = (rel: string) => JSON.parse(fs.readFileSync(path.join(dir, rel), 'utf8'));

beforeAll(() => {
  const city = generateDemoCity(DEMO_SEED);
  nBuildings = city.buildings.features.length;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flood-twin-'));
  spec = writeAnalysis(dir, city);
  const header = validateDemHeader(read(spec.dem), spec.dem);
  const buf = fs.readFileSync(path.join(dir, 'analysis', header.data));
  const dem = demGridFromBytes(header, buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), header.data);
  data = parseAnalysis(
    header,
    dem,
    { buildings: read(spec.buildings), roads: read(spec.roads), entrances: read(spec.entrances!), breaches: read(spec.breaches!) },
    { buildings: spec.buildings, roads: spec.roads, entrances: spec.entrances!, breaches: spec.breaches! },
  );
});

describe('demo analysis files', () => {
  it('hold the 4 m DEM, every building footprint, roads, entrances (BIM basement, metro) and breach sites', () => {
    expect(data.header.cellSize).toBe(4);
    expect(data.header.crs).toBe('local:113.32,23.12');
    expect(data.dem.ncols * data.dem.nrows).toBe(data.dem.data.length);
    expect(data.buildings).toHaveLength(nBuildings);
    const b = data.buildings[0];
    expect(b.ring.length).toBeGreaterThanOrEqual(4);
    expect(typeof b.residents).toBe('number');
    expect(data.buildings.some((x) => x.residents > 0 && x.address.startsWith('广州市'))).toBe(true);
    expect(data.roads.length).toBeGreaterThan(10);
    expect(data.roads.every((r) => r.width > 0 && r.name)).toBe(true);
    expect(data.entrances.find((e) => e.id === 'UE-BIM-B1')?.kind).toBe('basement');
    expect(data.entrances.filter((e) => e.kind === 'metro').length).toBeGreaterThanOrEqual(2);
    expect(data.breaches.length).toBe(3);
    // Breach sites lie at the landward foot of the levee: at least 2 m below the crest gauge line.
    expect(data.header.riverLevel).toBeCloseTo(-3.5, 6);
  });

  it('footprints are the buildings\' ground outlines (area within 1 % of the recorded footprintArea)', () => {
    const city = generateDemoCity(DEMO_SEED);
    for (const f of city.buildings.features.slice(0, 50)) {
      const ground = f.lods[0].parts.find((p) => p.semantic === 'ground')!;
      const ring = meshOutline(ground.positions, ground.indices)!;
      let a = 0;
      for (let i = 0; i < ring.length; i++) a += ring[i][0] * ring[(i + 1) % ring.length][1] - ring[(i + 1) % ring.length][0] * ring[i][1];
      expect(a / 2).toBeGreaterThan(0); // counter-clockwise
      expect(Math.abs(a / 2 - Number(f.attributes.footprintArea))).toBeLessThan(0.01 * Number(f.attributes.footprintArea) + 0.05);
    }
  });

  it('bad analysis files fail with the file and field named', () => {
    expect(() => validateDemHeader({ format: 'twin-dem-1', ncols: 0 }, 'dem.json')).toThrow(/dem\.json: ncols/);
    expect(() => demGridFromBytes(data.header, new ArrayBuffer(8), 'dem.f32')).toThrow(/dem\.f32: 8 bytes/);
    const bad = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'x' }, geometry: { type: 'Point', coordinates: [0, 0] } }] };
    expect(() => parseAnalysis(data.header, data.dem, { buildings: bad, roads: read(spec.roads) }, { buildings: 'b.geojson', roads: 'r', entrances: '', breaches: '' })).toThrow(
      AnalysisFormatError,
    );
    expect(() => parseAnalysis(data.header, data.dem, { buildings: bad, roads: read(spec.roads) }, { buildings: 'b.geojson', roads: 'r', entrances: '', breaches: '' })).toThrow(
      /b\.geojson: features\[0\]\.geometry must be a Polygon/,
    );
  });
});

describe('flood scenarios on the demo', () => {
  it('a 10-min 100-year storm on a 10 m grid floods buildings, blocks footprints and keeps mass', () => {
    const sc = { ...defaultScenario(data), cellSize: 10, durationMin: 10, stormMin: 10 };
    const run = prepareRun(data, sc);
    expect(run.grid.cellSize).toBe(10);
    expect(run.storm!.totalMm).toBeGreaterThan(35);
    const blocked = run.blocked.reduce((s, v) => s + v, 0);
    expect(blocked).toBeGreaterThan(5000);
    const sim = new FloodSimulation(run.config);
    sim.advanceTo(run.duration);
    expect(Math.abs(sim.massBalance().relative_error)).toBeLessThan(1e-4);
    // Blocked cells stay dry.
    let wetBlocked = 0;
    for (let i = 0; i < run.blocked.length; i++) if (run.blocked[i] && sim.h[i] !== 0) wetBlocked++;
    expect(wetBlocked).toBe(0);
    const imp = computeImpact(run.grid, sim.maxDepthGrid().data, run, undefined, sim.time);
    expect(imp.buildings.length).toBeGreaterThan(0);
    expect(imp.residents).toBeGreaterThan(0);
  });

  it('a levee breach puts its hydrograph volume into the district', () => {
    const b = data.breaches[1];
    const sc = { ...defaultScenario(data), kind: 'breach' as const, cellSize: 20, durationMin: 10, breach: { x: b.x, y: b.y, peak: 200, riseMin: 5, hydroMin: 30 } };
    const run = prepareRun(data, sc);
    expect(run.breachCell).toBeGreaterThanOrEqual(0);
    expect(run.config.rain).toBeUndefined();
    const sim = new FloodSimulation(run.config);
    sim.advanceTo(run.duration);
    const m = sim.massBalance();
    // 0–5 min: rise to 200 → 30,000 m³; 5–10 min: 200 → 160 → 54,000 m³; total 84,000 m³.
    expect(m.point_inflow_m3).toBeCloseTo(84000, -1);
    expect(m.storage_m3).toBeCloseTo(84000, -2);
  });

  it('a drawn area leaves the cells outside out of the run', () => {
    const area: [number, number][] = [[-300, -300], [300, -300], [300, 300], [-300, 300]];
    const run = prepareRun(data, { ...defaultScenario(data), cellSize: 20, area });
    expect(run.grid.ncols).toBe(30);
    expect(run.buildings.length).toBeLessThan(data.buildings.length);
    const tri: [number, number][] = [[-300, -300], [300, -300], [-300, 300]];
    const run2 = prepareRun(data, { ...defaultScenario(data), cellSize: 20, area: tri });
    const nan = run2.grid.data.filter((v) => Number.isNaN(v)).length;
    expect(nan).toBeGreaterThan(300);
    expect(nan).toBeLessThan(600);
  });

  it('scenarios round-trip through the share-link encoding and bad ones are rejected', () => {
    const base = defaultScenario(data);
    const rain = { ...base, returnPeriod: 50, stormMin: 120, durationMin: 180, cellSize: 8, drainageMmH: 30 };
    expect(decodeScenario(encodeScenario(rain), base)).toMatchObject({ kind: 'rain', returnPeriod: 50, stormMin: 120, durationMin: 180, cellSize: 8, drainageMmH: 30 });
    const br = { ...base, kind: 'breach' as const, breach: { x: 100, y: -650, peak: 250, riseMin: 15, hydroMin: 90 } };
    expect(decodeScenario(encodeScenario(br), base).breach).toEqual({ x: 100, y: -650, peak: 250, riseMin: 15, hydroMin: 90 });
    expect(() => decodeScenario('rain:abc:60:90:5', base)).toThrow(/number/);
    expect(() => decodeScenario('snow:1:2', base)).toThrow(/expected/);
    expect(() => decodeScenario('rain:100:60:90:0.1', base)).toThrow(/cellSize/);
    expect(() => validateScenario({ ...base, manning: -1 })).toThrow(/manning/);
  });
});
