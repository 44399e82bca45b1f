import type { I18nText } from '../scene/catalog.js';
import type { PlanPolygon, RoadLine } from './types.js';
import type { NameBook } from './names.js';
import type { Rng } from './random.js';
import { DEM_EXTENT, DISTRICT, type RiverShape } from './terrain.js';

/** An axis-aligned straight road (centreline x = c for 'ns', y = c for 'ew', from..to along it). */
export interface Road {
  id: string;
  name: I18nText;
  /** Carriageway + verges width (m). */
  width: number;
  roadClass: 'arterial' | 'secondary' | 'local';
  axis: 'ns' | 'ew';
  c: number;
  from: number;
  to: number;
}

/** Land-use zones a block can get. */
export type Zone =
  | 'hillpark' | 'villa' | 'slab' | 'resTower' | 'village' | 'cbd' | 'cbdCore' | 'commercial' | 'industrial'
  | 'school' | 'hospital' | 'axisPublic' | 'axisPlaza' | 'axisPark' | 'axisSports' | 'pocketPark';

/** A buildable block: the rectangle between road edges (after pavements), with its bounding roads. */
export interface Block {
  id: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  zone: Zone;
  /** Superblock column/row. */
  sb: [number, number];
  sides: { w?: Road; e?: Road; s?: Road; n?: Road };
}

/** Streets and blocks of the district. */
export interface Layout {
  roads: Road[];
  blocks: Block[];
}

interface MajorSpec {
  c: number;
  cls: 'arterial' | 'secondary';
  width: number;
  name: I18nText;
}

const NS_MAJOR: MajorSpec[] = [
  { c: -820, cls: 'secondary', width: 24, name: { zh: '猎桥路', en: 'Lieqiao Road' } },
  { c: -450, cls: 'arterial', width: 40, name: { zh: '冼江大道', en: 'Xianjiang Avenue' } },
  { c: 20, cls: 'secondary', width: 22, name: { zh: '珠江西路', en: 'Zhujiang West Road' } },
  { c: 200, cls: 'secondary', width: 22, name: { zh: '珠江东路', en: 'Zhujiang East Road' } },
  { c: 560, cls: 'arterial', width: 40, name: { zh: '新城大道', en: 'Xincheng Avenue' } },
  { c: 900, cls: 'secondary', width: 24, name: { zh: '华利路', en: 'Huali Road' } },
];
const EW_MAJOR: MajorSpec[] = [
  { c: -610, cls: 'arterial', width: 32, name: { zh: '临江大道', en: 'Linjiang Avenue' } },
  { c: -250, cls: 'secondary', width: 24, name: { zh: '海安路', en: "Hai'an Road" } },
  { c: 150, cls: 'arterial', width: 44, name: { zh: '花港大道', en: 'Huagang Avenue' } },
  { c: 520, cls: 'secondary', width: 24, name: { zh: '金禾路', en: 'Jinhe Road' } },
  { c: 850, cls: 'arterial', width: 40, name: { zh: '云埔大道', en: 'Yunpu Avenue' } },
];

/**
 * Zones per superblock [column][row]; columns west → east between the N–S roads, rows south → north between the
 * E–W roads. A list is spread over the superblock's blocks (first entry to the south-west block).
 */
const ZONES: Zone[][][] = [
  [['village', 'village', 'slab'], ['village', 'slab', 'pocketPark'], ['slab', 'hospital', 'slab'], ['hillpark'], ['hillpark']],
  [['resTower', 'resTower', 'commercial'], ['slab', 'school', 'slab'], ['slab', 'slab', 'pocketPark'], ['villa'], ['villa']],
  [['resTower', 'commercial', 'resTower'], ['cbd', 'cbdCore'], ['cbd', 'cbdCore'], ['cbd', 'cbd'], ['commercial', 'cbd']],
  [['axisPublic'], ['axisPlaza'], ['axisPark'], ['axisSports'], ['axisPublic']],
  [['commercial', 'resTower'], ['cbdCore', 'cbd'], ['cbdCore', 'cbd'], ['cbd', 'cbd'], ['cbd', 'commercial']],
  [['resTower', 'resTower'], ['village', 'village', 'commercial'], ['slab', 'school', 'slab'], ['slab', 'village'], ['hospital', 'slab']],
  [['industrial'], ['industrial', 'industrial'], ['slab', 'pocketPark'], ['village', 'slab'], ['slab', 'school']],
];

/** Builds the road grid and the blocks with their zones. */
export function buildLayout(rng: Rng, names: NameBook): Layout {
  const roads: Road[] = [];
  let n = 0;
  const id = (cls: string) => `R-${cls[0].toUpperCase()}${String(++n).padStart(3, '0')}`;
  const nsTop = DISTRICT.maxY + 150, ewWest = DEM_EXTENT.minX + 100, ewEast = DEM_EXTENT.maxX - 100;
  const riversideY = EW_MAJOR[0].c;
  const nsMajor = NS_MAJOR.map((m) => ({ ...m, c: m.c + Math.round(rng.range(-8, 8)) }));
  const nsJitter0 = nsMajor[0].c - NS_MAJOR[0].c;
  const ewMajor = EW_MAJOR.map((m, i) => ({ ...m, c: i === 0 ? m.c : m.c + Math.round(rng.range(-8, 8)) }));
  // The northern arterial stops at the first N–S road so it does not climb over the hill park in the north-west.
  const hillRoad = EW_MAJOR.length - 1;
  const ewRoads = ewMajor.map((m, i) => {
    const r: Road = { id: id(m.cls), name: m.name, width: m.width, roadClass: m.cls, axis: 'ew', c: m.c, from: i === hillRoad ? NS_MAJOR[0].c + nsJitter0 : ewWest, to: ewEast };
    roads.push(r);
    return r;
  });
  const nsRoads = nsMajor.map((m) => {
    const r: Road = { id: id(m.cls), name: m.name, width: m.width, roadClass: m.cls, axis: 'ns', c: m.c, from: riversideY, to: nsTop };
    roads.push(r);
    return r;
  });
  const xCuts = [DISTRICT.minX, ...nsRoads.map((r) => r.c), DISTRICT.maxX];
  const yCuts = [riversideY, ...ewRoads.slice(1).map((r) => r.c), DISTRICT.maxY];
  const xRoad = [undefined, ...nsRoads, undefined];
  const yRoad: (Road | undefined)[] = [...ewRoads, undefined];
  const blocks: Block[] = [];
  const localNs = new Map<number, number[]>(), localEw = new Map<number, number[]>();
  for (let i = 0; i + 1 < xCuts.length; i++) {
    for (let j = 0; j + 1 < yCuts.length; j++) {
      const zones = ZONES[i][j];
      const W = xCuts[i + 1] - xCuts[i], H = yCuts[j + 1] - yCuts[j];
      const single = zones.length === 1 && (zones[0] === 'hillpark' || zones[0].startsWith('axis') || zones[0] === 'industrial');
      const nx = single ? 0 : W > 420 ? 2 : W > 250 ? 1 : 0;
      const ny = single ? (zones[0] === 'industrial' ? 1 : 0) : H > 380 ? 2 : H > 260 ? 1 : 0;
      // Local roads at jittered fractions.
      const xs: (Road | undefined)[] = [xRoad[i]];
      const xc: number[] = [xCuts[i]];
      for (let k = 1; k <= nx; k++) {
        let c = Math.round(xCuts[i] + (W * k) / (nx + 1) + rng.range(-15, 15));
        // Continue a local street of the neighbouring superblock rather than leave a short dog-leg.
        const near = (localNs.get(i) ?? []).find((v) => Math.abs(v - c) < 30);
        if (near !== undefined) c = near;
        localNs.set(i, [...(localNs.get(i) ?? []), c]);
        const r: Road = { id: id('local'), name: names.localRoad(), width: rng.pick([12, 14, 16]), roadClass: 'local', axis: 'ns', c, from: yCuts[j], to: yCuts[j + 1] };
        roads.push(r);
        xs.push(r);
        xc.push(c);
      }
      xs.push(xRoad[i + 1]);
      xc.push(xCuts[i + 1]);
      const ys: (Road | undefined)[] = [yRoad[j]];
      const yc: number[] = [yCuts[j]];
      for (let k = 1; k <= ny; k++) {
        let c = Math.round(yCuts[j] + (H * k) / (ny + 1) + rng.range(-15, 15));
        const near = (localEw.get(j) ?? []).find((v) => Math.abs(v - c) < 30);
        if (near !== undefined) c = near;
        localEw.set(j, [...(localEw.get(j) ?? []), c]);
        const r: Road = { id: id('local'), name: names.localRoad(), width: rng.pick([12, 14]), roadClass: 'local', axis: 'ew', c, from: xCuts[i], to: xCuts[i + 1] };
        roads.push(r);
        ys.push(r);
        yc.push(c);
      }
      ys.push(yRoad[j + 1]);
      yc.push(yCuts[j + 1]);
      let k = 0;
      for (let bj = 0; bj + 1 < yc.length; bj++) {
        for (let bi = 0; bi + 1 < xc.length; bi++) {
          const w = xs[bi], e = xs[bi + 1], s = ys[bj], nn = ys[bj + 1];
          const m = (r: Road | undefined) => (r ? r.width / 2 + (r.roadClass === 'arterial' ? 5 : 3) : 0);
          const block: Block = {
            id: `B${i}${j}-${bi}${bj}`,
            x0: xc[bi] + m(w),
            x1: xc[bi + 1] - m(e),
            y0: yc[bj] + m(s),
            y1: yc[bj + 1] - m(nn),
            zone: zones[k % zones.length],
            sb: [i, j],
            sides: { w, e, s, n: nn },
          };
          k++;
          blocks.push(block);
        }
      }
    }
  }
  // The hill park is one block across the (absent) northern arterial, reaching into the DEM margin.
  const hill = blocks.filter((b) => b.zone === 'hillpark');
  if (hill.length > 1) {
    const merged: Block = {
      ...hill[0],
      x0: Math.min(...hill.map((b) => b.x0)) - 150,
      x1: Math.max(...hill.map((b) => b.x1)),
      y0: Math.min(...hill.map((b) => b.y0)),
      y1: Math.max(...hill.map((b) => b.y1)) + 150,
      sides: { ...hill[0].sides, n: undefined, w: undefined },
    };
    return { roads, blocks: [...blocks.filter((b) => b.zone !== 'hillpark'), merged] };
  }
  return { roads, blocks };
}

/** Road centrelines in the DemoCity shape. */
export function roadLines(layout: Layout): RoadLine[] {
  return layout.roads.map((r) => ({
    id: r.id,
    name: r.name,
    width: r.width,
    roadClass: r.roadClass,
    points: r.axis === 'ns' ? [[r.c, r.from], [r.c, r.to]] : [[r.from, r.c], [r.to, r.c]],
  }));
}

/** The road surface rectangle of a road (CCW ring). */
export function roadPolygon(r: Road): [number, number][] {
  const h = r.width / 2;
  return r.axis === 'ns'
    ? [[r.c - h, r.from - (r.roadClass === 'local' ? 0 : h)], [r.c + h, r.from - (r.roadClass === 'local' ? 0 : h)], [r.c + h, r.to], [r.c - h, r.to]]
    : [[r.from, r.c - h], [r.to, r.c - h], [r.to, r.c + h], [r.from, r.c + h]];
}

/** Plan polygons of the roads, the river, its embankments and the riverside park. */
export function basePlan(layout: Layout, river: RiverShape): PlanPolygon[] {
  const plan: PlanPolygon[] = [];
  const x0 = DEM_EXTENT.minX, x1 = DEM_EXTENT.maxX;
  const xs: number[] = [];
  for (let x = x0; x <= x1 + 1e-9; x += 25) xs.push(x);
  const line = (f: (x: number) => number): [number, number][] => xs.map((x) => [x, f(x)] as [number, number]);
  const ins = river.shoreInset;
  const north = line((x) => river.northBank(x) - ins);
  const south = line((x) => river.southBank(x) + ins);
  plan.push({ kind: 'water', ring: [...south, ...north.slice().reverse()], attributes: { name: '珠江', nameEn: 'Pearl River' } });
  const riverside = layout.roads.find((r) => r.axis === 'ew' && r.roadClass === 'arterial' && r.c < DISTRICT.minY + 200);
  const parkTop = riverside ? riverside.c - riverside.width / 2 : DISTRICT.minY + 60;
  const leveeN = line((x) => river.northBank(x) + river.leveeWidth);
  plan.push({ kind: 'embankment', ring: [...north, ...leveeN.slice().reverse()], attributes: { name: '珠江北堤', nameEn: 'North levee' } });
  plan.push({ kind: 'park', ring: [...leveeN, [x1, parkTop], [x0, parkTop]], attributes: { name: '临江带状公园', nameEn: 'Riverside Linear Park' } });
  const leveeS = line((x) => river.southBank(x) - river.leveeWidth);
  plan.push({ kind: 'embankment', ring: [...leveeS, ...south.slice().reverse()], attributes: { name: '珠江南堤', nameEn: 'South levee' } });
  plan.push({ kind: 'bare', ring: [[x0, DEM_EXTENT.minY], [x1, DEM_EXTENT.minY], ...leveeS.slice().reverse()], attributes: { name: '南岸', nameEn: 'South bank' } });
  for (const r of layout.roads) plan.push({ kind: 'road', ring: roadPolygon(r), attributes: { roadClass: r.roadClass, name: r.name.zh, id: r.id } });
  return plan;
}
