/**
 * Underground entrances of the demo district that surface water can pour into: the BIM tower's basement car-park
 * ramp, ramps of other tall towers' basements and metro station entrances at major crossings. Derived
 * deterministically from a generated {@link DemoCity} (no random numbers, so adding them changes nothing else).
 */
import { sampleBilinear } from '../grid/grid.js';
import type { CityFeature } from '../model/feature.js';
import type { I18nText } from '../scene/catalog.js';
import type { DemoCity, RoadLine } from './types.js';

/** Kinds of underground entrance. */
export type EntranceKind = 'basement' | 'metro' | 'parking';

/** An entrance to an underground space (local metres, z ellipsoidal ground height). */
export interface UndergroundEntrance {
  id: string;
  kind: EntranceKind;
  name: I18nText;
  x: number;
  y: number;
  /** Ground height at the entrance (m, ellipsoidal). */
  z: number;
  /** Height of the entrance's sill or hump above the ground (m): water deeper than this flows in. */
  sill: number;
  /** Building the entrance belongs to, if any. */
  buildingId: string | null;
}

const r2 = (v: number) => Math.round(v * 100) / 100;

/** x/y bounding box of a feature's first LoD. */
function bbox(f: CityFeature): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const p of f.lods[0]?.parts ?? []) {
    for (let i = 0; i < p.positions.length; i += 3) {
      const x = p.positions[i], y = p.positions[i + 1];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

const isNs = (r: RoadLine) => Math.abs(r.points[0][0] - r.points[r.points.length - 1][0]) < 1e-6;

/**
 * The underground entrances of a demo city: 1 basement ramp of the BIM tower, ramps of the 4 tallest other office /
 * commercial buildings and 2 entrances at each of 4 major crossings (metro). Sills: ramps 0.15 m, metro 0.45 m
 * (entrances of Chinese metro stations are raised about 450 mm above the street).
 */
export function buildEntrances(city: DemoCity): UndergroundEntrance[] {
  const out: UndergroundEntrance[] = [];
  const z = (x: number, y: number) => r2(sampleBilinear(city.dem, x, y));
  const ramp = (f: CityFeature, id: string, kind: EntranceKind, name: I18nText) => {
    const [x0, y0, x1] = bbox(f);
    const x = x0 + (x1 - x0) * 0.75;
    const y = y0 - 4;
    out.push({ id, kind, name, x: r2(x), y: r2(y), z: z(x, y), sill: 0.15, buildingId: f.id });
  };
  const bim = city.buildings.features.find((f) => f.id === city.bimBuildingId);
  if (bim) {
    ramp(bim, 'UE-BIM-B1', 'basement', { zh: `${bim.attributes.name} 地下车库入口`, en: `${bim.attributes.nameEn ?? bim.attributes.name} basement car park ramp` });
  }
  const towers = city.buildings.features
    .filter((f) => f.id !== city.bimBuildingId && (f.attributes.use === '办公' || f.attributes.use === '商业'))
    .sort((a, b) => Number(b.attributes.height) - Number(a.attributes.height) || (a.id < b.id ? -1 : 1))
    .slice(0, 4);
  towers.forEach((f, i) =>
    ramp(f, `UE-PK-${String(i + 1).padStart(2, '0')}`, 'parking', { zh: `${f.attributes.name} 地下车库入口`, en: `${f.attributes.nameEn ?? f.attributes.name} underground car park ramp` }),
  );
  // Metro: crossings of a major north-south road with a major east-west road.
  const majors = city.roads.filter((r) => r.roadClass !== 'local');
  const crossings: { ns: RoadLine; ew: RoadLine; x: number; y: number }[] = [];
  for (const ns of majors.filter(isNs)) {
    const x = ns.points[0][0];
    const [ya, yb] = [ns.points[0][1], ns.points[ns.points.length - 1][1]].sort((a, b) => a - b);
    for (const ew of majors.filter((r) => !isNs(r))) {
      const y = ew.points[0][1];
      const [xa, xb] = [ew.points[0][0], ew.points[ew.points.length - 1][0]].sort((a, b) => a - b);
      if (x >= xa && x <= xb && y >= ya && y <= yb) crossings.push({ ns, ew, x, y });
    }
  }
  crossings.sort((a, b) => a.x - b.x || a.y - b.y);
  const n = Math.min(4, crossings.length);
  for (let k = 0; k < n; k++) {
    const c = crossings[Math.floor(((k + 0.5) * crossings.length) / n)];
    const hx = c.ns.width / 2 + 4, hy = c.ew.width / 2 + 4;
    const station = { zh: `${c.ns.name.zh}${c.ew.name.zh}站`, en: `${c.ns.name.en} / ${c.ew.name.en} station` };
    ([[1, 1, 'A'], [-1, -1, 'C']] as const).forEach(([sx, sy, letter]) => {
      const x = c.x + sx * hx, y = c.y + sy * hy;
      out.push({
        id: `UE-MT-${k + 1}${letter}`,
        kind: 'metro',
        name: { zh: `地铁${station.zh} ${letter} 出入口`, en: `Metro ${station.en}, exit ${letter}` },
        x: r2(x),
        y: r2(y),
        z: z(x, y),
        sill: 0.45,
        buildingId: null,
      });
    });
  }
  return out;
}
