import fs from 'node:fs';
import path from 'node:path';
import { generateDemoCity } from '../../core/demo/index.js';
import type { DemoCity } from '../../core/demo/types.js';
import type { SceneCatalog, SearchEntry, SiteSpec } from '../../core/scene/catalog.js';
import { writeTileset } from '../tiles3d/index.js';
import { writeTerrain, demHeightSource } from '../terrain/index.js';
import { writeImagery } from '../imagery/index.js';
import { boundsXY, writeAnalysis } from './analysis.js';

/** Options of buildDemo. */
export interface BuildDemoOptions {
  seed?: number;
  quiet?: boolean;
}

/** Default seed of the demo city: the same seed gives the same bytes. */
export const DEMO_SEED = 20261123;

const USE_LEGEND: [string, string, string][] = [
  ['住宅', 'Residential', '#f2d16b'],
  ['商业', 'Commercial', '#e8706a'],
  ['办公', 'Office', '#6aa6e8'],
  ['工业', 'Industrial', '#a58bd6'],
  ['学校', 'School', '#7fcf7a'],
  ['医院', 'Hospital', '#f29bd0'],
  ['公共', 'Public', '#5fd3c9'],
];

/** Generates the demo city and writes tilesets, terrain, imagery and scene.json into `outDir`. */
export async function buildDemo(outDir: string, options: BuildDemoOptions = {}): Promise<SceneCatalog> {
  const log = (s: string) => options.quiet || console.log(`  ${s}`);
  const t0 = Date.now();
  const city: DemoCity = generateDemoCity(options.seed ?? DEMO_SEED);
  log(`generated ${city.buildings.features.length} buildings, ${city.bim.features.length} BIM elements, ${city.pipes.features.length} pipe features (${Date.now() - t0} ms)`);
  fs.mkdirSync(outDir, { recursive: true });

  const cityInfo = await writeTileset(path.join(outDir, 'city'), city.buildings, { className: 'building', tiling: 'quadtree' });
  log(`city: ${cityInfo.tiles} tiles, ${cityInfo.triangles} triangles`);
  const bimInfo = await writeTileset(path.join(outDir, 'bim'), city.bim, {
    className: 'bimElement',
    tiling: 'group',
    groupOrder: city.storeys.map((s) => s.id),
  });
  log(`bim: ${bimInfo.tiles} tiles, ${bimInfo.triangles} triangles`);
  const pipesInfo = await writeTileset(path.join(outDir, 'pipes'), city.pipes, { className: 'pipe', tiling: 'quadtree' });
  log(`pipes: ${pipesInfo.tiles} tiles, ${pipesInfo.triangles} triangles`);
  fs.writeFileSync(path.join(outDir, 'pipes', 'networks.json'), JSON.stringify({ crs: city.crs.name, networks: city.networks }));

  const heights = demHeightSource(city.dem, city.crs);
  const terrainInfo = await writeTerrain(path.join(outDir, 'terrain'), heights, {});
  log(`terrain: ${terrainInfo.tiles} tiles, levels ${terrainInfo.minLevel}–${terrainInfo.maxLevel}`);
  const imagery = await writeImagery(path.join(outDir, 'imagery'), city.plan, city.crs, { rectangle: heights.rectangle });
  log(`imagery: ${imagery.tiles} tiles, levels ${imagery.minimumLevel}–${imagery.maximumLevel}`);

  // Search index: every building by id, name and address.
  const search: SearchEntry[] = city.buildings.features.map((f) => {
    const a = f.attributes;
    const [cx, cy] = footprintCentre(f.lods[0]?.parts ?? []);
    const [lon, lat] = city.crs.toGeodetic(cx, cy, 0);
    return {
      id: f.id,
      name: String(a.name ?? f.id),
      address: a.address == null ? undefined : String(a.address),
      layer: 'city',
      lon: round(lon, 7),
      lat: round(lat, 7),
      height: round(Number(a.baseHeight) + Number(a.height), 2),
    };
  });
  fs.writeFileSync(path.join(outDir, 'city', 'search.json'), JSON.stringify(search));

  const sites: SiteSpec[] = city.sites.map((s) => {
    const [lon, lat, height] = city.crs.toGeodetic(s.x, s.y, s.z);
    return { id: s.id, kind: s.kind, name: s.name, lon: round(lon, 7), lat: round(lat, 7), height: round(height, 2), properties: s.properties };
  });

  const analysis = writeAnalysis(outDir, city);
  log(`analysis: DEM, footprints, roads, entrances, breach sites`);

  const [w, s, e, n] = cityInfo.rectangle;
  const scene: SceneCatalog = {
    version: 1,
    id: 'demo',
    title: { en: 'Demo district, Guangzhou (generated)', zh: '演示街区·广州（生成）' },
    home: { lon: (w + e) / 2, lat: s - (n - s) * 0.85, height: 1400, heading: 0, pitch: -35, roll: 0 },
    rectangle: cityInfo.rectangle,
    terrain: { url: 'terrain/' },
    imagery: [
      {
        id: 'ground',
        name: { en: 'District ground map', zh: '街区底图' },
        type: 'xyz',
        url: 'imagery/{z}/{x}/{y}.png',
        tilingScheme: 'geographic',
        minimumLevel: imagery.minimumLevel,
        maximumLevel: imagery.maximumLevel,
        rectangle: imagery.rectangle,
        credit: 'City twin demo (generated)',
      },
    ],
    layers: [
      {
        id: 'city',
        name: { en: 'Buildings (CIM)', zh: '建筑（CIM）' },
        kind: 'tileset',
        url: 'city/tileset.json',
        visible: true,
        group: 'city',
        styleBy: { height: 'numeric', use: 'category', yearBuilt: 'numeric', floors: 'numeric' },
        legend: USE_LEGEND.map(([zh, en, color]) => ({ color, label: { en, zh } })),
        search: 'city/search.json',
      },
      {
        id: 'bim',
        name: { en: 'BIM tower', zh: 'BIM 大楼' },
        kind: 'bim',
        url: 'bim/tileset.json',
        visible: true,
        group: 'bim',
        storeys: city.storeys,
        replaces: { layer: 'city', featureIds: [city.bimBuildingId] },
      },
      {
        id: 'pipes',
        name: { en: 'Underground pipes', zh: '地下管网' },
        kind: 'pipes',
        url: 'pipes/tileset.json',
        visible: false,
        group: 'underground',
        underground: true,
        styleBy: { network: 'category', diameter: 'numeric' },
        legend: [
          { color: '#2f7de1', label: { en: 'Water supply', zh: '给水' } },
          { color: '#8a6a3c', label: { en: 'Drainage', zh: '排水' } },
          { color: '#f2b632', label: { en: 'Gas', zh: '燃气' } },
        ],
      },
    ],
    sites,
    analysis,
    attribution: 'Generated by city-twin (seeded); no third-party data.',
  };
  fs.writeFileSync(path.join(outDir, 'scene.json'), JSON.stringify(scene, null, 2));
  log(`scene.json written (${Date.now() - t0} ms total)`);
  void bimInfo;
  void pipesInfo;
  void terrainInfo;
  return scene;
}

/** Centre of the x/y bounding box of some meshes. */
function footprintCentre(parts: { positions: number[] }[]): [number, number] {
  const [minX, minY, maxX, maxY] = boundsXY(parts) ?? [NaN, NaN, NaN, NaN];
  return [(minX + maxX) / 2, (minY + maxY) / 2];
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
