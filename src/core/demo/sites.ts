import type { CityFeature } from '../model/feature.js';
import type { NetworkNode, PipeNetwork } from '../model/network.js';
import type { DemoSite } from './types.js';
import type { Layout } from './layout.js';
import type { Rng } from './random.js';
import { GEOID_UNDULATION, RIVER_LEVELS, demHeight, type TerrainModel } from './terrain.js';

const r2 = (v: number) => Math.round(v * 100) / 100;

/**
 * Live-data sites: 30 sensors (river gauges, rain gauges, water pressure and flow, manhole levels, gas detectors,
 * PM2.5), 12 cameras and 2 drone ports. Sensor properties: property, unit, warning, alarm, direction ("above":
 * values over the thresholds are bad, "below": under), normal (typical value) and what the sensor is attached to.
 * River levels are ellipsoidal heights (`datum`) so they compare directly with the DEM; manhole levels are water
 * depth above the invert. Cameras: heading ° clockwise from north, pitch ° (negative looks down), horizontal fov °,
 * range m, streamUrl null (set by the deployment).
 */
export function buildSites(rng: Rng, layout: Layout, terrain: TerrainModel, networks: PipeNetwork[], buildings: CityFeature[], bimBuildingId: string): DemoSite[] {
  const g = (x: number, y: number) => demHeight(terrain.dem, x, y);
  const sites: DemoSite[] = [];
  const N = GEOID_UNDULATION;
  const { river } = terrain;
  const water = networks.find((n) => n.kind === 'water')!;
  const drainage = networks.find((n) => n.kind === 'drainage')!;
  const gas = networks.find((n) => n.kind === 'gas')!;
  const sensor = (id: string, zh: string, en: string, x: number, y: number, z: number, props: DemoSite['properties']) =>
    sites.push({ id, kind: 'sensor', name: { zh, en }, x: r2(x), y: r2(y), z: r2(z), properties: props });

  // River gauges on the north levee crest.
  [-800, 100, 950].forEach((x, i) => {
    const y = river.northBank(x) + 15;
    sensor(`S-RL-${String(i + 1).padStart(2, '0')}`, `珠江水位站 ${i + 1}`, `Pearl River level gauge ${i + 1}`, x, y, g(x, y) + 1.5, {
      property: 'waterLevel', unit: 'm', datum: 'WGS84 ellipsoid', direction: 'above',
      normal: r2(RIVER_LEVELS.normalWater + N), warning: r2(RIVER_LEVELS.bank - 0.5 + N), alarm: r2(RIVER_LEVELS.leveeCrest - 0.8 + N), attachedTo: 'river',
    });
  });
  // Rain gauges on the roofs of three public/school buildings.
  const civic = buildings.filter((b) => b.attributes.use === '学校' || b.attributes.use === '公共');
  const roofTop = (b: CityFeature): [number, number, number] => {
    const p = b.lods[0].parts.flatMap((q) => [q.positions]);
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (const arr of p) for (let i = 0; i < arr.length; i += 3) {
      minX = Math.min(minX, arr[i]);
      maxX = Math.max(maxX, arr[i]);
      minY = Math.min(minY, arr[i + 1]);
      maxY = Math.max(maxY, arr[i + 1]);
    }
    return [(minX + maxX) / 2, (minY + maxY) / 2, Number(b.attributes.baseHeight) + Number(b.attributes.height)];
  };
  const spread = <T,>(arr: T[], n: number): T[] => Array.from({ length: Math.min(n, arr.length) }, (_, i) => arr[Math.floor(((i + 0.5) * arr.length) / Math.min(n, arr.length))]);
  spread(civic, 3).forEach((b, i) => {
    const [x, y, z] = roofTop(b);
    sensor(`S-RF-${String(i + 1).padStart(2, '0')}`, `雨量站 ${i + 1}（${b.attributes.name}）`, `Rain gauge ${i + 1} (${b.attributes.nameEn})`, x, y, z + 1, {
      property: 'rainfall', unit: 'mm/h', direction: 'above', normal: 0, warning: 30, alarm: 50, attachedTo: b.id,
    });
  });
  // Water pressure at six street junctions spread over the district.
  const junctions = water.nodes.filter((n) => n.kind === 'junction' && Number(n.attributes.demand) > 0).sort((a, b) => a.x - b.x || a.y - b.y);
  spread(junctions, 6).forEach((n, i) => {
    sensor(`S-WP-${String(i + 1).padStart(2, '0')}`, `供水压力监测点 ${i + 1}`, `Water pressure sensor ${i + 1}`, n.x, n.y, n.z, {
      property: 'pressure', unit: 'kPa', direction: 'below', normal: 380, warning: 220, alarm: 160, network: 'water', attachedTo: n.id,
    });
  });
  // Flow meters: reservoir outlet, tank riser and two arterial mains.
  const reservoir = water.nodes.find((n) => n.kind === 'reservoir')!;
  const tank = water.nodes.find((n) => n.kind === 'tank')!;
  const byId = new Map(water.nodes.map((n) => [n.id, n]));
  const resLink = water.links.find((l) => l.from === reservoir.id || l.to === reservoir.id)!;
  const tankLink = water.links.find((l) => l.from === tank.id || l.to === tank.id)!;
  const mains = water.links.filter((l) => l.kind === 'pipe' && Number(l.attributes.diameter) === 600);
  const flowLinks = [resLink, tankLink, ...spread(mains, 2)];
  const flowNames = [['清水池出水流量计', 'Reservoir outlet flow meter'], ['水塔进出水流量计', 'Water tower flow meter'], ['干管流量计 1', 'Trunk main flow meter 1'], ['干管流量计 2', 'Trunk main flow meter 2']];
  flowLinks.forEach((l, i) => {
    const a = byId.get(l.from)!, b = byId.get(l.to)!;
    const mid = l.vertices?.[Math.floor(l.vertices.length / 2)] ?? [(a.x + b.x) / 2, (a.y + b.y) / 2, (a.z + b.z) / 2];
    const normal = i === 0 ? 260 : i === 1 ? 40 : 60;
    sensor(`S-WF-${String(i + 1).padStart(2, '0')}`, flowNames[i][0], flowNames[i][1], mid[0], mid[1], mid[2], {
      property: 'flow', unit: 'L/s', direction: 'above', normal, warning: normal * 1.6, alarm: normal * 2.2, network: 'water', attachedTo: l.id,
    });
  });
  // Manhole water levels: the lowest-rim manholes (the depressions) and a few trunk manholes.
  const manholes = drainage.nodes.filter((n) => n.kind === 'manhole');
  const chosen: NetworkNode[] = [];
  for (const d of terrain.depressions) {
    let best: NetworkNode | undefined, bd = Infinity;
    for (const m of manholes) {
      const dd = Math.hypot(m.x - d.x, m.y - d.y);
      if (dd < bd && !chosen.includes(m)) {
        bd = dd;
        best = m;
      }
    }
    if (best) chosen.push(best);
  }
  const deep = manholes.slice().sort((a, b) => Number(b.attributes.depth) - Number(a.attributes.depth));
  for (const m of deep) {
    if (chosen.length >= 6) break;
    if (chosen.every((c) => Math.hypot(c.x - m.x, c.y - m.y) > 300)) chosen.push(m);
  }
  chosen.forEach((m, i) => {
    const depth = Number(m.attributes.depth);
    sensor(`S-ML-${String(i + 1).padStart(2, '0')}`, `窨井液位计 ${i + 1}`, `Manhole level sensor ${i + 1}`, m.x, m.y, Number(m.attributes.rimLevel) - 0.3, {
      property: 'waterLevel', unit: 'm', datum: 'above invert', direction: 'above', normal: 0.2, warning: r2(depth * 0.6), alarm: r2(depth - 0.3), network: 'drainage', attachedTo: m.id,
    });
  });
  // Gas detectors at regulator stations.
  const regulators = gas.nodes.filter((n) => n.kind === 'regulator');
  spread(regulators, 4).forEach((n, i) => {
    sensor(`S-GD-${String(i + 1).padStart(2, '0')}`, `燃气泄漏探测器 ${i + 1}`, `Gas leak detector ${i + 1}`, n.x, n.y, Number(n.attributes.groundLevel) + 1.2, {
      property: 'gasConcentration', unit: '%LEL', direction: 'above', normal: 0, warning: 10, alarm: 25, network: 'gas', attachedTo: n.id,
    });
  });
  // PM2.5 on lamp posts at four major crossings.
  const majors = layout.roads.filter((r) => r.roadClass !== 'local');
  // Major crossings with the half widths of the two roads (street furniture stands on the pavement corner).
  const crossings: [number, number, number, number][] = [];
  for (const a of majors) for (const b of majors) if (a.axis === 'ns' && b.axis === 'ew' && b.c >= a.from && b.c <= a.to && a.c >= b.from && a.c <= b.to) crossings.push([a.c, b.c, a.width / 2 + 2, b.width / 2 + 2]);
  crossings.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  spread(crossings, 4).forEach(([x, y, hx, hy], i) => {
    const px = x + hx, py = y + hy;
    sensor(`S-AQ-${String(i + 1).padStart(2, '0')}`, `空气质量监测站 ${i + 1}`, `Air quality station ${i + 1}`, px, py, g(px, py) + 4, {
      property: 'pm25', unit: 'µg/m³', direction: 'above', normal: 35, warning: 75, alarm: 115, attachedTo: 'street',
    });
  });

  // Cameras: eight crossings, two on the levee, one on the axis plaza, one at the BIM tower.
  const camCross = spread(crossings, 8);
  const cam = (i: number, zh: string, en: string, x: number, y: number, z: number, heading: number, pitch: number, fov: number, range: number) =>
    sites.push({ id: `CAM-${String(i).padStart(2, '0')}`, kind: 'camera', name: { zh, en }, x: r2(x), y: r2(y), z: r2(z), properties: { heading, pitch, fov, range, streamUrl: null } });
  camCross.forEach(([x, y, hx, hy], i) => {
    const road = majors.find((r) => r.axis === 'ns' && Math.abs(r.c - x) < 1);
    const cross = majors.find((r) => r.axis === 'ew' && Math.abs(r.c - y) < 1);
    const px = x - hx, py = y - hy;
    cam(i + 1, `路口监控 ${road?.name.zh ?? ''}/${cross?.name.zh ?? ''}`, `Junction camera ${road?.name.en ?? ''} / ${cross?.name.en ?? ''}`, px, py, g(px, py) + 6, 45 + rng.int(-10, 10), -25, 70, 120);
  });
  [-400, 600].forEach((x, i) => {
    const y = river.northBank(x) + 15;
    cam(9 + i, `江堤监控 ${i + 1}`, `Levee camera ${i + 1}`, x, y, g(x, y) + 8, 180, -20, 80, 250);
  });
  const plaza = layout.blocks.find((b) => b.zone === 'axisPlaza');
  if (plaza) {
    const x = plaza.x0 + 10, y = (plaza.y0 + plaza.y1) / 2;
    cam(11, '花城广场监控', 'Huacheng Square camera', x, y, g(x, y) + 10, 90, -30, 90, 150);
  }
  const bim = buildings.find((b) => b.id === bimBuildingId)!;
  const [bx, by, btop] = roofTop(bim);
  {
    const y = by - 30;
    cam(12, '海心智慧大厦入口监控', 'Haixin Smart Tower entrance camera', bx, y, g(bx, y) + 5, 0, -15, 75, 60);
  }
  // Drone ports: BIM tower roof and the riverside park by the theatre.
  sites.push({ id: 'DRONE-01', kind: 'droneport', name: { zh: '海心智慧大厦屋顶无人机机场', en: 'Haixin Smart Tower rooftop drone port' }, x: r2(bx + 8), y: r2(by + 6), z: r2(btop - 1.2 + 0.2), properties: { model: 'dock', rangeM: 7000, status: 'idle', chargeSlots: 1 } });
  const dx = 110, dy = river.northBank(110) + 45;
  sites.push({ id: 'DRONE-02', kind: 'droneport', name: { zh: '临江公园无人机机场', en: 'Riverside Park drone port' }, x: dx, y: r2(dy), z: r2(g(dx, dy) + 0.3), properties: { model: 'dock', rangeM: 7000, status: 'idle', chargeSlots: 1 } });
  return sites;
}
