import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { geoJsonFootprintsImporter } from '../../src/tiling/import/importers/geojson.js';
import { footprintsToFeatures, readNumber, sniffGeoJson } from '../../src/core/formats/geojson-footprints.js';
import { createGrid } from '../../src/core/grid/grid.js';
import { createCrsTransform } from '../../src/core/crs/index.js';
import type { CityFeature } from '../../src/core/model/feature.js';
import { DATA, testContext, tmpDir } from './import-helpers.js';

const FP = path.join(DATA, 'footprints');
const DELFT_RD = path.join(FP, 'delft_bgt_pand_with_lod1_heights_EPSG28992.geojson');
const DELFT_WGS = path.join(FP, 'delft_bgt_pand_with_lod1_heights_WGS84.geojson');
const SHANGHAI = path.join(FP, 'shanghai_lujiazui_bund_osm_buildings_WGS84.geojson');

type Json = Record<string, any>;
const load = (f: string): Json => JSON.parse(fs.readFileSync(f, 'utf8'));

function zRange(f: CityFeature): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const p of f.lods[0].parts) for (let i = 2; i < p.positions.length; i += 3) {
    lo = Math.min(lo, p.positions[i]);
    hi = Math.max(hi, p.positions[i]);
  }
  return [lo, hi];
}

/** Geodetic centre of a feature's roof. */
function roofCentre(f: CityFeature, crs: { toGeodetic(x: number, y: number, z: number): [number, number, number] }): [number, number] {
  const roof = f.lods[0].parts.find((p) => p.semantic === 'roof')!;
  let sx = 0, sy = 0, n = 0;
  for (let i = 0; i < roof.positions.length; i += 3) {
    const [lon, lat] = crs.toGeodetic(roof.positions[i], roof.positions[i + 1], roof.positions[i + 2]);
    sx += lon;
    sy += lat;
    n++;
  }
  return [sx / n, sy / n];
}

describe('GeoJSON footprints on real data', () => {
  it('Delft EPSG:28992 (crs member): 160 LOD1 buildings from 3dfier heights, base at zmin, every property kept', async () => {
    const ctx = testContext();
    const out = await geoJsonFootprintsImporter.import(DELFT_RD, ctx);
    expect(out.sourceCrs).toMatch(/^EPSG:28992/);
    const src = load(DELFT_RD);
    const m = out.layers[0].model;
    expect(m.features).toHaveLength(160);
    const byId = new Map(m.features.map((f) => [f.id, f]));
    for (const sf of src.features) {
      const f = byId.get(sf.properties.gml_id)!;
      expect(f).toBeDefined();
      const [lo, hi] = zRange(f);
      expect(Math.abs(hi - sf.properties['3dfier_zmax_nap_m'])).toBeLessThan(0.011);
      expect(Math.abs(lo - sf.properties['3dfier_zmin_nap_m'])).toBeLessThan(0.011);
      for (const [k, v] of Object.entries(sf.properties)) expect(f.attributes[k]).toEqual(v);
      expect(f.attributes.heightSource).toBe('3dfier_height_m');
      expect(f.lods[0].lod).toBe('1');
    }
    const f0 = m.features[0];
    expect(f0.lods[0].parts.map((p) => p.semantic)).toEqual(['roof', 'wall', 'ground']);
  });

  it('Delft WGS84 lands on the same buildings as the RD file (within the 1 m of the PROJ default transform)', async () => {
    const rd = (await geoJsonFootprintsImporter.import(DELFT_RD, testContext())).layers[0].model;
    const wgs = (await geoJsonFootprintsImporter.import(DELFT_WGS, testContext())).layers[0].model;
    expect(wgs.features).toHaveLength(160);
    expect(wgs.crs.name).toMatch(/^local:/); // degrees were turned into metres
    const byId = new Map(rd.features.map((f) => [f.id, f]));
    let worst = 0;
    for (const f of wgs.features) {
      const [lon1, lat1] = roofCentre(f, wgs.crs);
      const [lon2, lat2] = roofCentre(byId.get(f.id)!, rd.crs);
      const d = Math.hypot((lon1 - lon2) * 111320 * Math.cos((lat1 * Math.PI) / 180), (lat1 - lat2) * 110574);
      worst = Math.max(worst, d);
    }
    expect(worst).toBeLessThan(1.5);
    // The footprint vertices are the source coordinates.
    const src = load(DELFT_WGS);
    const f = wgs.features.find((x) => x.id === src.features[0].properties.gml_id)!;
    const p = f.lods[0].parts.find((q) => q.semantic === 'ground')!.positions;
    const [lon, lat] = wgs.crs.toGeodetic(p[0], p[1], p[2]);
    const ring = src.features[0].geometry.coordinates[0] as number[][];
    const nearest = Math.min(...ring.map(([x, y]) => Math.hypot(x - lon, y - lat)));
    expect(nearest).toBeLessThan(1e-9);
  });

  it('Shanghai OSM (no crs member → WGS84): building polygons extruded, points skipped with a reason, Shanghai Tower 632 m', async () => {
    const ctx = testContext();
    const out = await geoJsonFootprintsImporter.import(SHANGHAI, ctx);
    const src = load(SHANGHAI);
    const polys = src.features.filter((f: Json) => f.geometry?.type === 'Polygon' || f.geometry?.type === 'MultiPolygon').length;
    const m = out.layers[0].model;
    expect(m.features.length).toBeGreaterThan(polys - 20);
    expect(m.features.length).toBeLessThanOrEqual(polys);
    const points = ctx.skipped.filter((s) => /"Point" is not a footprint/.test(s.reason));
    expect(points).toHaveLength(409);
    expect(points[0].reason).toMatch(/shanghai_lujiazui_bund_osm_buildings_WGS84\.geojson: \/features\/\d+\/geometry\/type: "Point" is not a footprint \(expected Polygon or MultiPolygon\)/);
    expect(new Set(m.features.map((f) => f.id)).size).toBe(m.features.length);
    const tower = m.features.filter((f) => f.attributes.height === 632);
    expect(tower.length).toBeGreaterThan(0);
    expect(tower[0].attributes.extrudedHeight).toBe(632);
    const [lo, hi] = zRange(tower[0]);
    expect(hi - lo).toBeCloseTo(632, 6);
    const [lon, lat] = roofCentre(tower[0], m.crs);
    expect(lon).toBeCloseTo(121.5055, 2);
    expect(lat).toBeCloseTo(31.2335, 2);
    expect(ctx.warnings.join('\n')).toMatch(/footprints have no height .* one storey \(3 m\)/);
    // Chinese names survive
    expect(m.features.some((f) => f.attributes.name === '上海国际会议中心')).toBe(true);
  });
});

const square = (x: number, y: number, s = 10) => [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]];

describe('footprint extrusion rules', () => {
  const run = (features: Json[], over: Partial<Parameters<typeof footprintsToFeatures>[1]> = {}) => {
    const warnings: string[] = [];
    const skipped: [string, string][] = [];
    const r = footprintsToFeatures({ type: 'FeatureCollection', features }, { file: 'f.geojson', warn: (m) => warnings.push(m), skip: (id, why) => skipped.push([id, why]), ...over });
    return { ...r, warnings, skipped };
  };

  it('height from floors × storey height (default 3.0 m, configurable), strings like "12.5 m" read', () => {
    const feats = [
      { type: 'Feature', id: 'a', properties: { 'building:levels': 10 }, geometry: { type: 'Polygon', coordinates: square(0, 0) } },
      { type: 'Feature', id: 'b', properties: { height: '12.5 m' }, geometry: { type: 'Polygon', coordinates: square(20, 0) } },
      { type: 'Feature', id: 'c', properties: { h: 99 }, geometry: { type: 'MultiPolygon', coordinates: [square(40, 0), square(60, 0)] } },
    ];
    const r = run(feats);
    expect(r.features.map((f) => zRange(f)[1])).toEqual([30, 12.5, 3]);
    expect(r.features[0].attributes.heightSource).toBe('building:levels × 3 m');
    expect(run(feats, { storeyHeight: 3.5 }).features[0].attributes.extrudedHeight).toBe(35);
    expect(run(feats, { heightAttrs: ['h'] }).features[2].attributes.extrudedHeight).toBe(99);
    expect(readNumber('3,5')).toBe(3.5);
    // MultiPolygon: both squares in one feature
    expect(r.features[2].lods[0].parts.find((p) => p.semantic === 'roof')!.indices.length / 3).toBe(4);
  });

  it('walls face outwards whatever the ring orientation; holes make inner walls', () => {
    const cw = [[[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]], [[3, 3], [7, 3], [7, 7], [3, 7], [3, 3]]];
    const f = run([{ type: 'Feature', id: 'x', properties: { height: 5 }, geometry: { type: 'Polygon', coordinates: cw } }]).features[0];
    const wall = f.lods[0].parts.find((p) => p.semantic === 'wall')!;
    expect(wall.indices.length / 3).toBe(16);
    // Every wall triangle's normal points away from the footprint centre's... outer walls away from (5,5), hole walls towards it.
    const P = wall.positions;
    for (let i = 0; i < wall.indices.length; i += 3) {
      const [a, b, c] = [wall.indices[i] * 3, wall.indices[i + 1] * 3, wall.indices[i + 2] * 3];
      const ux = P[b] - P[a], uy = P[b + 1] - P[a + 1], uz = P[b + 2] - P[a + 2];
      const vx = P[c] - P[a], vy = P[c + 1] - P[a + 1], vz = P[c + 2] - P[a + 2];
      const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz;
      const mx = (P[a] + P[b] + P[c]) / 3 - 5, my = (P[a + 1] + P[b + 1] + P[c + 1]) / 3 - 5;
      const outer = Math.max(Math.abs(mx), Math.abs(my)) > 4;
      const dot = nx * mx + ny * my;
      expect(outer ? dot > 0 : dot < 0).toBe(true);
    }
    const roof = f.lods[0].parts.find((p) => p.semantic === 'roof')!;
    expect(roof.indices.length / 3).toBe(8); // square with a square hole
  });

  it('base on the terrain when a ground sampler is given; OSM min_height lifts the bottom only', () => {
    const feats = [{ type: 'Feature', id: 'p', properties: { height: 20, min_height: 5, '3dfier_zmin_nap_m': 1 }, geometry: { type: 'Polygon', coordinates: square(0, 0) } }];
    expect(zRange(run(feats).features[0])).toEqual([6, 21]);
    const ground = run(feats, { groundAt: (x) => 100 + x / 10 }).features[0];
    expect(zRange(ground)).toEqual([105, 120]); // lowest ground under the footprint: 100
    expect(ground.attributes.baseHeight).toBe(100);
  });

  it('bad coordinates skip the feature with a JSON pointer; duplicate ids get suffixes', () => {
    const r = run([
      { type: 'Feature', properties: { id: 7, height: 3 }, geometry: { type: 'Polygon', coordinates: square(0, 0) } },
      { type: 'Feature', properties: { id: 7, height: 3 }, geometry: { type: 'Polygon', coordinates: square(20, 0) } },
      { type: 'Feature', properties: { id: 8 }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 'x'], [1, 1], [0, 0]]] } },
      { type: 'Feature', properties: { id: 9 }, geometry: null },
      { type: 'Feature', properties: { id: 10 }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0]]] } },
    ]);
    expect(r.features.map((f) => f.id)).toEqual(['7', '7-2']);
    expect(r.skipped).toEqual([
      ['8', 'f.geojson: /features/2/geometry/coordinates/0/1: expected a position [x, y] of finite numbers, got [1,"x"]'],
      ['9', 'f.geojson: /features/3/geometry: no geometry (null); a footprint needs a Polygon or MultiPolygon'],
      ['10', 'f.geojson: /features/4/geometry/coordinates/0: outer ring has 2 distinct positions (at least 3 needed)'],
    ]);
    expect(r.warnings.join()).toMatch(/1 features repeat an earlier id/);
  });

  it('sniffing tells GeoJSON from CityJSON', () => {
    expect(sniffGeoJson('{"type":"FeatureCollection","features":[]}')).toBe(true);
    expect(sniffGeoJson('\uFEFF {\n "type": "Feature", "geometry": null}')).toBe(true);
    expect(sniffGeoJson('{"type":"CityJSON","CityObjects":{}}')).toBe(false);
    expect(sniffGeoJson('<xml/>')).toBe(false);
  });

  it('a projected file without a crs member needs --crs; a DEM base from the context is used', async () => {
    const dir = tmpDir();
    const f = path.join(dir, 'rd.geojson');
    fs.writeFileSync(f, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { height: 10 }, geometry: { type: 'Polygon', coordinates: square(85000, 447500) } }] }));
    await expect(geoJsonFootprintsImporter.import(f, testContext())).rejects.toThrow(/rd\.geojson: \/features\/0\/geometry\/coordinates: coordinates \(85000, 447500\) are not longitude\/latitude.*--crs/);
    // a flat DEM at 2 m NAP under the building, in RD New
    const crs = createCrsTransform('EPSG:28992');
    const grid = createGrid(100, 100, 84950, 447450, 1, 2);
    const out = await geoJsonFootprintsImporter.import(f, testContext({ crs: 'EPSG:28992', baseTerrain: { grid, crs } }));
    const b = out.layers[0].model.features[0];
    const [lo, hi] = zRange(b);
    expect(lo).toBeCloseTo(2, 3);
    expect(hi).toBeCloseTo(12, 3);
  });
});
