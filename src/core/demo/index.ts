import { LocalTangentProjection } from '../geo/projection.js';
import type { CityFeature } from '../model/feature.js';
import { assignAddresses, baseHeights, buildingFeature, planBuildings } from './buildings.js';
import { buildBim } from './bim.js';
import { basePlan, buildLayout, roadLines } from './layout.js';
import { NameBook } from './names.js';
import { buildNetworks } from './networks.js';
import { Rng } from './random.js';
import { buildSites } from './sites.js';
import { DEMO_ORIGIN, generateTerrain } from './terrain.js';
import type { DemoCity } from './types.js';

export type * from './types.js';
export { DEMO_ORIGIN, GEOID_UNDULATION, DISTRICT, DEM_EXTENT, DEM_CELL, RIVER_LEVELS, minDemUnder, pointInRing } from './terrain.js';
export { Rng, ifcGuid } from './random.js';

/**
 * Generates the seeded demo district beside the Pearl River in Zhujiang New Town, Guangzhou: terrain, streets,
 * ~2,000 buildings (LOD1 + LOD2), a BIM office tower, water/drainage/gas networks with their pipe meshes, the
 * land-cover plan and live-data sites. Pure and deterministic: the same seed gives deep-equal output (no
 * Math.random, no clock). Heights are ellipsoidal (orthometric + GEOID_UNDULATION).
 */
export function generateDemoCity(seed: number): DemoCity {
  if (!Number.isFinite(seed)) throw new Error(`generateDemoCity: seed must be a finite number, got ${seed}`);
  const root = new Rng(seed);
  const rLayout = root.fork(1), rTerrain = root.fork(2), rBuild = root.fork(3), rNet = root.fork(4), rBim = root.fork(5), rSites = root.fork(6), rMesh = root.fork(7);
  const crs = new LocalTangentProjection(DEMO_ORIGIN.lon, DEMO_ORIGIN.lat);
  const names = new NameBook(rLayout.fork(11));
  const layout = buildLayout(rLayout, names);

  // Low-lying blocks: three depressions in residential blocks, one of them close to the river.
  const lowCandidates = layout.blocks.filter((b) => (b.zone === 'slab' || b.zone === 'village' || b.zone === 'resTower') && b.x1 - b.x0 > 80 && b.y1 - b.y0 > 80);
  const dips: [number, number][] = [];
  const southern = lowCandidates.filter((b) => b.sb[1] === 0);
  const pickFrom = (list: typeof lowCandidates) => {
    const b = list[Math.floor(rTerrain.next() * list.length)];
    dips.push([(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2]);
  };
  if (southern.length) pickFrom(southern);
  for (let i = 0; dips.length < 3 && i < 50; i++) {
    const b = lowCandidates[Math.floor(rTerrain.next() * lowCandidates.length)];
    const c: [number, number] = [(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2];
    if (dips.every((d) => Math.hypot(d[0] - c[0], d[1] - c[1]) > 400)) dips.push(c);
  }
  const terrain = generateTerrain(rTerrain, dips);
  const { dem } = terrain;

  const bimBlock = layout.blocks.find((b) => b.sb[0] === 4 && b.sb[1] === 1 && b.zone === 'cbd') ?? layout.blocks.find((b) => b.zone === 'cbd');
  if (!bimBlock) throw new Error('generateDemoCity: no CBD block for the BIM tower');
  const { plans, plan: plotPlan, bim: bimPlan } = planBuildings(rBuild, names, layout.blocks, bimBlock.id);
  const bases = baseHeights(dem, plans);
  const addresses = assignAddresses(plans);
  const features: CityFeature[] = [];
  let bimBuildingId = '';
  let bimBase = 0;
  plans.forEach((p, i) => {
    const id = `GZ-TH-${String(i + 1).padStart(5, '0')}`;
    features.push(buildingFeature(p, id, bases[i], addresses[i], rMesh));
    if (p === bimPlan) {
      bimBuildingId = id;
      bimBase = bases[i];
    }
  });
  const buildings = { name: 'Demo district buildings (Zhujiang New Town, generated)', crs, features };
  const bimModel = buildBim(rBim, crs, bimPlan, bimBase, bimBuildingId);
  const nets = buildNetworks(rNet, crs, layout, terrain, plans);
  const plan = [...basePlan(layout, terrain.river), ...plotPlan];
  const sites = buildSites(rSites, layout, terrain, nets.networks, features, bimBuildingId);
  return {
    seed,
    crs,
    dem,
    buildings,
    bimBuildingId,
    bim: bimModel.model,
    storeys: bimModel.storeys,
    networks: nets.networks,
    pipes: nets.pipes,
    plan,
    roads: roadLines(layout),
    sites,
  };
}
