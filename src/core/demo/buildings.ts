import type { Grid } from '../grid/grid.js';
import type { CityFeature, MeshPart } from '../model/feature.js';
import type { I18nText } from '../scene/catalog.js';
import { MeshBuilder, addBox, addParapetBody, addPrism, addRoofedBody, ccw, rectangle, type RectSpec, type Rgba, type RoofShape, type Vec2 } from '../geometry/mesh.js';
import type { Block, Road, Zone } from './layout.js';
import type { NameBook } from './names.js';
import type { Rng } from './random.js';
import { minDemUnder } from './terrain.js';
import type { PlanPolygon } from './types.js';

/** Building uses (attribute `use`). */
export type BuildingUse = '住宅' | '商业' | '办公' | '工业' | '学校' | '医院' | '公共';

/** Shape families of the generated buildings. */
export type BuildingKind = 'villa' | 'slab' | 'resTower' | 'village' | 'office' | 'tower' | 'shop' | 'shed' | 'school' | 'hospital' | 'public';

/** A building before meshing: footprint, shape family and the numbers the meshes and attributes come from. */
export interface BuildingPlan {
  kind: BuildingKind;
  use: BuildingUse;
  /** Outer footprint, counter-clockwise. */
  footprint: Vec2[];
  /** The rectangle of rectangular bodies (villa, slab, shed, podium of a tower...). */
  rect?: RectSpec;
  floors: number;
  floorHeight: number;
  roofShape: RoofShape;
  /** Roof rise above the eave for pitched/barrel roofs (m). */
  roofRise: number;
  /** Tower shaft on a podium (tower kind): rectangle and floors above the podium. */
  tower?: { rect: RectSpec; floors: number; floorHeight: number; crown: number; plan: 'box' | 'chamfer' | 'round'; tiered: boolean };
  /** Light-well notches (m deep) in the middle of both long sides (residential towers). */
  notch?: number;
  /** Number of rooftop units (plant boxes) on flat roofs. */
  roofUnits: number;
  name: I18nText;
  /** The estate / compound a numbered building belongs to, its number in it and the unit word (栋 or 号楼). */
  estate?: { name: I18nText; no: number; unit: string };
  yearBuilt: number;
  block: Block;
  wallColor: Rgba;
  roofColor: Rgba;
}

const USE_EN: Record<BuildingUse, string> = { 住宅: 'residential', 商业: 'commercial', 办公: 'office', 工业: 'industrial', 学校: 'school', 医院: 'hospital', 公共: 'public' };

/** A sub-rectangle of a block. */
interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Splits [a, b] into n cells of size s with gaps distributed evenly; returns cell starts. */
function pack(a: number, b: number, size: number, minGap: number): number[] {
  const n = Math.floor((b - a + minGap) / (size + minGap));
  if (n <= 0) return [];
  const gap = n > 1 ? (b - a - n * size) / (n - 1) : 0;
  const off = n > 1 ? 0 : (b - a - size) / 2;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(a + off + i * (size + gap));
  return out;
}

const rectRing = (r: Rect): Vec2[] => [[r.x0, r.y0], [r.x1, r.y0], [r.x1, r.y1], [r.x0, r.y1]];
const rectSpec = (r: Rect): RectSpec => ({ cx: (r.x0 + r.x1) / 2, cy: (r.y0 + r.y1) / 2, w: r.x1 - r.x0, d: r.y1 - r.y0, angle: 0 });
/** RectSpec with the ridge along the longer side. */
const ridgeSpec = (r: Rect): RectSpec => {
  const w = r.x1 - r.x0, d = r.y1 - r.y0;
  return w >= d ? rectSpec(r) : { cx: (r.x0 + r.x1) / 2, cy: (r.y0 + r.y1) / 2, w: d, d: w, angle: Math.PI / 2 };
};

const WALLS: Record<string, Rgba[]> = {
  res: [[0.93, 0.9, 0.84, 1], [0.95, 0.93, 0.9, 1], [0.9, 0.83, 0.74, 1], [0.86, 0.86, 0.84, 1], [0.92, 0.86, 0.8, 1]],
  village: [[0.85, 0.8, 0.72, 1], [0.9, 0.88, 0.82, 1], [0.78, 0.74, 0.68, 1], [0.88, 0.82, 0.76, 1]],
  glass: [[0.55, 0.66, 0.76, 1], [0.5, 0.6, 0.7, 1], [0.62, 0.7, 0.78, 1], [0.46, 0.56, 0.64, 1], [0.7, 0.74, 0.78, 1]],
  industrial: [[0.72, 0.76, 0.8, 1], [0.8, 0.8, 0.78, 1], [0.66, 0.7, 0.74, 1]],
  civic: [[0.94, 0.92, 0.88, 1], [0.86, 0.84, 0.8, 1], [0.9, 0.78, 0.7, 1]],
};
const ROOFS: Record<string, Rgba[]> = {
  tile: [[0.62, 0.3, 0.22, 1], [0.55, 0.28, 0.2, 1], [0.4, 0.42, 0.46, 1], [0.66, 0.36, 0.25, 1]],
  flat: [[0.72, 0.72, 0.7, 1], [0.66, 0.66, 0.64, 1], [0.6, 0.62, 0.6, 1]],
  metal: [[0.58, 0.64, 0.7, 1], [0.7, 0.72, 0.74, 1], [0.5, 0.56, 0.62, 1]],
};

/** Inputs the zone fillers share. */
interface FillCtx {
  rng: Rng;
  names: NameBook;
  out: BuildingPlan[];
  plan: PlanPolygon[];
}

function base(ctx: FillCtx, block: Block, kind: BuildingKind, use: BuildingUse, r: Rect, name: I18nText, year: number, wall: Rgba, roof: Rgba): BuildingPlan {
  return {
    kind, use, footprint: rectRing(r), rect: rectSpec(r), floors: 1, floorHeight: 3, roofShape: 'flat', roofRise: 0, roofUnits: 0,
    name, yearBuilt: year, block, wallColor: wall, roofColor: roof,
  };
}

const numbered = (n: I18nText, k: number): I18nText => ({ zh: `${n.zh} ${k} 栋`, en: `${n.en} Block ${k}` });
/** Marks a plan as building number k of an estate (for its address). */
const inEstate = (b: BuildingPlan, name: I18nText, no: number, unit = '栋'): BuildingPlan => {
  b.estate = { name, no, unit };
  return b;
};

function fillVillage(ctx: FillCtx, block: Block, r: Rect): void {
  const { rng } = ctx;
  const vname = ctx.names.estate('village');
  let k = 0;
  let y = r.y0;
  while (y + 10 <= r.y1) {
    const depth = Math.min(r.y1 - y, rng.range(10, 14));
    let x = r.x0;
    while (x + 8 <= r.x1) {
      const w = Math.min(r.x1 - x, rng.range(8.5, 12.5));
      if (w >= 7 && rng.next() > 0.04) {
        const b = inEstate(base(ctx, block, 'village', '住宅', { x0: x, y0: y, x1: x + w, y1: y + depth }, { zh: `${vname.zh} ${++k} 号楼`, en: `${vname.en} House ${k}` }, rng.int(1988, 2012), rng.pick(WALLS.village), rng.pick(ROOFS.flat)), vname, k, '号楼');
        b.floors = rng.int(4, 9);
        b.floorHeight = 3.0;
        if (rng.chance(0.15)) {
          b.roofShape = 'gable';
          b.roofRise = 2.2;
          b.rect = ridgeSpec({ x0: x, y0: y, x1: x + w, y1: y + depth });
          b.roofColor = rng.pick(ROOFS.tile);
        }
        ctx.out.push(b);
      }
      x += w + rng.range(1.8, 3.2);
    }
    y += depth + rng.range(2.5, 4);
  }
  ctx.plan.push({ kind: 'plot', ring: rectRing(r), attributes: { use: '住宅', name: vname.zh, zone: 'village' } });
}

function fillVillas(ctx: FillCtx, block: Block, r: Rect): void {
  const { rng } = ctx;
  const est = ctx.names.estate('villa');
  let k = 0;
  for (const y of pack(r.y0, r.y1, 28, 0)) {
    for (const x of pack(r.x0, r.x1, 25, 0)) {
      if (rng.chance(0.1)) continue;
      const w = rng.range(11, 15), d = rng.range(10, 13);
      const cx = x + 12.5 + rng.range(-1.5, 1.5), cy = y + 14 + rng.range(-2, 2);
      const rr: Rect = { x0: cx - w / 2, y0: cy - d / 2, x1: cx + w / 2, y1: cy + d / 2 };
      const b = inEstate(base(ctx, block, 'villa', '住宅', rr, numbered(est, ++k), rng.int(1996, 2016), rng.pick(WALLS.res), rng.pick(ROOFS.tile)), est, k);
      b.floors = rng.int(2, 3);
      b.floorHeight = 3.3;
      b.roofShape = rng.chance(0.5) ? 'hip' : 'gable';
      b.roofRise = rng.range(3, 4.5);
      b.rect = ridgeSpec(rr);
      ctx.out.push(b);
    }
  }
  ctx.plan.push({ kind: 'plot', ring: rectRing(r), attributes: { use: '住宅', name: est.zh, zone: 'villa' } });
}

function fillSlabs(ctx: FillCtx, block: Block, r: Rect): void {
  const { rng } = ctx;
  const est = ctx.names.estate('estate');
  let k = 0;
  const floors = rng.int(6, 11);
  const pitch = Math.max(30, 12 + floors * 2.4);
  const len = rng.range(34, 56);
  for (const y of pack(r.y0, r.y1, 12.5, pitch - 12.5)) {
    for (const x of pack(r.x0, r.x1, len, 10)) {
      const rr: Rect = { x0: x, y0: y, x1: x + len, y1: y + 12.5 };
      const b = inEstate(base(ctx, block, 'slab', '住宅', rr, numbered(est, ++k), rng.int(1984, 2008), rng.pick(WALLS.res), rng.pick(ROOFS.tile)), est, k);
      b.floors = Math.max(5, floors + rng.int(-1, 1));
      b.floorHeight = 3.0;
      b.roofShape = rng.chance(0.6) ? 'gable' : 'hip';
      b.roofRise = rng.range(2.8, 3.6);
      b.rect = ridgeSpec(rr);
      ctx.out.push(b);
    }
  }
  ctx.plan.push({ kind: 'plot', ring: rectRing(r), attributes: { use: '住宅', name: est.zh, zone: 'slab' } });
}

function fillResTowers(ctx: FillCtx, block: Block, r: Rect): void {
  const { rng } = ctx;
  const est = ctx.names.estate('estate');
  let k = 0;
  for (const y of pack(r.y0, r.y1, 22, 30)) {
    for (const x of pack(r.x0, r.x1, 26, 22)) {
      const w = rng.range(20, 26), d = rng.range(17, 22);
      const rr: Rect = { x0: x + (26 - w) / 2, y0: y + (22 - d) / 2, x1: x + (26 + w) / 2, y1: y + (22 + d) / 2 };
      const b = inEstate(base(ctx, block, 'resTower', '住宅', rr, numbered(est, ++k), rng.int(2004, 2021), rng.pick(WALLS.res), rng.pick(ROOFS.flat)), est, k);
      if (rng.chance(0.6)) {
        // Light wells in the middle of the north and south faces (a common point-tower plan).
        const n = 3.5, xm = (rr.x0 + rr.x1) / 2, hw = rng.range(2, 3);
        b.notch = n;
        b.footprint = [[rr.x0, rr.y0], [xm - hw, rr.y0], [xm - hw, rr.y0 + n], [xm + hw, rr.y0 + n], [xm + hw, rr.y0], [rr.x1, rr.y0], [rr.x1, rr.y1], [xm + hw, rr.y1], [xm + hw, rr.y1 - n], [xm - hw, rr.y1 - n], [xm - hw, rr.y1], [rr.x0, rr.y1]];
      }
      b.floors = rng.int(18, 34);
      b.floorHeight = 3.0;
      b.roofUnits = 2;
      ctx.out.push(b);
    }
  }
  ctx.plan.push({ kind: 'plot', ring: rectRing(r), attributes: { use: '住宅', name: est.zh, zone: 'resTower' } });
}

/** A tower on a podium filling a plot. */
function towerPlan(ctx: FillCtx, block: Block, p: Rect, core: boolean): BuildingPlan {
  const { rng } = ctx;
  const m = 8;
  const pod: Rect = { x0: p.x0 + m, y0: p.y0 + m, x1: p.x1 - m, y1: p.y1 - m };
  const name = ctx.names.office(core ? 'tower' : rng.chance(0.5) ? 'tower' : 'office');
  const b = base(ctx, block, 'tower', '办公', pod, name, rng.int(2004, 2023), rng.pick(WALLS.glass), rng.pick(ROOFS.flat));
  b.floors = rng.int(4, 6);
  b.floorHeight = 5.0;
  const total = core ? rng.range(150, 280) : rng.range(75, 150);
  const tw = Math.min(pod.x1 - pod.x0 - 6, rng.range(30, core ? 48 : 40));
  const td = Math.min(pod.y1 - pod.y0 - 6, rng.range(28, core ? 46 : 38));
  const cx = (pod.x0 + pod.x1) / 2 + rng.range(-1, 1) * Math.max(0, (pod.x1 - pod.x0 - tw) / 2 - 4);
  const cy = (pod.y0 + pod.y1) / 2 + rng.range(-1, 1) * Math.max(0, (pod.y1 - pod.y0 - td) / 2 - 4);
  const fh = 4.2;
  const crown = core ? rng.range(8, 20) : rng.range(0, 6);
  // Whole height (podium + shaft + crown + parapet) stays at or under 300 m.
  const podium = b.floors * b.floorHeight;
  const floors = Math.max(10, Math.min(Math.round((total - podium) / fh), Math.floor((300 - 1.2 - crown - podium) / fh)));
  const plan = rng.weighted(['box', 'chamfer', 'round'] as const, core ? [0.45, 0.4, 0.15] : [0.75, 0.2, 0.05]);
  b.tower = { rect: { cx, cy, w: tw, d: td, angle: 0 }, floors, floorHeight: fh, crown, plan, tiered: plan !== 'round' && rng.chance(core ? 0.5 : 0.25) };
  b.roofUnits = 3;
  return b;
}

function fillCbd(ctx: FillCtx, block: Block, r: Rect, core: boolean): void {
  const { rng } = ctx;
  const W = r.x1 - r.x0, H = r.y1 - r.y0;
  const nx = Math.max(1, Math.round(W / 95)), ny = Math.max(1, Math.round(H / 95));
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const p: Rect = { x0: r.x0 + (W * i) / nx, x1: r.x0 + (W * (i + 1)) / nx, y0: r.y0 + (H * j) / ny, y1: r.y0 + (H * (j + 1)) / ny };
      ctx.plan.push({ kind: 'plaza', ring: rectRing(p), attributes: { use: '办公', zone: core ? 'cbdCore' : 'cbd' } });
      if (p.x1 - p.x0 < 60 || p.y1 - p.y0 < 60) {
        fillOffices(ctx, block, p);
        continue;
      }
      if (!core && rng.chance(0.35)) {
        fillOffices(ctx, block, p);
        continue;
      }
      ctx.out.push(towerPlan(ctx, block, p, core));
    }
  }
}

function officePlan(ctx: FillCtx, block: Block, rr: Rect, floors: number, name: I18nText): BuildingPlan {
  const { rng } = ctx;
  const b = base(ctx, block, 'office', '办公', rr, name, rng.int(1998, 2022), rng.pick(WALLS.glass), rng.pick(ROOFS.flat));
  b.floors = floors;
  b.floorHeight = 3.9;
  b.roofUnits = rng.int(2, 4);
  return b;
}

function fillOffices(ctx: FillCtx, block: Block, r: Rect): void {
  const { rng } = ctx;
  for (const y of pack(r.y0 + 4, r.y1 - 4, 24, 14)) {
    for (const x of pack(r.x0 + 4, r.x1 - 4, 34, 12)) {
      const rr: Rect = { x0: x, y0: y, x1: x + rng.range(26, 34), y1: y + rng.range(18, 24) };
      ctx.out.push(officePlan(ctx, block, rr, rng.int(8, 22), ctx.names.office('office')));
    }
  }
}

function fillCommercial(ctx: FillCtx, block: Block, r: Rect): void {
  const { rng } = ctx;
  const name = ctx.names.office('shop');
  let k = 0;
  for (const y of pack(r.y0, r.y1, 30, 10)) {
    for (const x of pack(r.x0, r.x1, 42, 8)) {
      const rr: Rect = { x0: x, y0: y, x1: x + rng.range(34, 42), y1: y + rng.range(24, 30) };
      if (rng.chance(0.25)) {
        ctx.out.push(officePlan(ctx, block, rr, rng.int(8, 18), ctx.names.office('office')));
        continue;
      }
      const b = inEstate(base(ctx, block, 'shop', '商业', rr, numbered(name, ++k), rng.int(1995, 2020), rng.pick(WALLS.civic), rng.pick(ROOFS.flat)), name, k);
      b.floors = rng.int(2, 5);
      b.floorHeight = 4.5;
      b.roofUnits = rng.int(1, 3);
      ctx.out.push(b);
    }
  }
  ctx.plan.push({ kind: 'plot', ring: rectRing(r), attributes: { use: '商业', name: name.zh, zone: 'commercial' } });
}

function fillIndustrial(ctx: FillCtx, block: Block, r: Rect): void {
  const { rng } = ctx;
  const stem = ctx.names.office('office');
  const park = { zh: stem.zh.replace(/(大厦|商务中心|科技园|广场)$/, '') + '工业园', en: stem.en.replace(/ (Building|Business Centre|Tech Park|Plaza)$/, '') + ' Industrial Park' };
  let k = 0;
  for (const y of pack(r.y0, r.y1, 36, 14)) {
    for (const x of pack(r.x0, r.x1, 58, 12)) {
      const rr: Rect = { x0: x, y0: y, x1: x + rng.range(44, 58), y1: y + rng.range(26, 36) };
      const b = inEstate(base(ctx, block, 'shed', '工业', rr, numbered(park, ++k), rng.int(1972, 2002), rng.pick(WALLS.industrial), rng.pick(ROOFS.metal)), park, k);
      b.floors = 1;
      b.floorHeight = rng.range(7, 10);
      b.roofShape = rng.weighted(['shed', 'barrel', 'gable'] as RoofShape[], [0.4, 0.35, 0.25]);
      b.roofRise = b.roofShape === 'gable' ? rng.range(2, 3) : rng.range(2.5, 4.5);
      b.rect = ridgeSpec(rr);
      ctx.out.push(b);
    }
  }
  ctx.plan.push({ kind: 'plot', ring: rectRing(r), attributes: { use: '工业', name: park.zh, zone: 'industrial' } });
}

/** An L or U footprint inside rectangle r with wing thickness t; `open` picks the side the U/L opens to. */
function wingFootprint(r: Rect, t: number, shape: 'L' | 'U', flipX: boolean, flipY: boolean): Vec2[] {
  const W = r.x1 - r.x0, H = r.y1 - r.y0;
  const local: Vec2[] = shape === 'L'
    ? [[0, 0], [W, 0], [W, t], [t, t], [t, H], [0, H]]
    : [[0, 0], [W, 0], [W, H], [W - t, H], [W - t, t], [t, t], [t, H], [0, H]];
  return ccw(local.map(([x, y]) => [flipX ? r.x1 - x : r.x0 + x, flipY ? r.y1 - y : r.y0 + y] as Vec2));
}

function fillSchool(ctx: FillCtx, block: Block, r: Rect): void {
  const { rng } = ctx;
  const stem = ctx.names.estate('estate').zh.replace(/(花园|苑|雅居|新村|豪庭|公寓)(\d+期)?$/, '');
  const primary = rng.chance(0.5);
  const school = { zh: `${stem}${primary ? '小学' : '中学'}`, en: `${primary ? 'Primary' : 'Middle'} School No. ${rng.int(2, 98)}` };
  const W = r.x1 - r.x0, H = r.y1 - r.y0;
  // Teaching building on the west/south part, sports field on the rest.
  const bw = Math.min(W - 10, rng.range(70, 95)), bh = Math.min(H - 10, rng.range(55, 75));
  const br: Rect = { x0: r.x0 + 5, y0: r.y0 + 5, x1: r.x0 + 5 + bw, y1: r.y0 + 5 + bh };
  const shape = rng.chance(0.5) ? 'U' : 'L';
  const b = base(ctx, block, 'school', '学校', br, { zh: `${school.zh} 教学楼`, en: `${school.en} Teaching Building` }, rng.int(1990, 2018), rng.pick(WALLS.civic), rng.pick(ROOFS.flat));
  b.footprint = wingFootprint(br, rng.range(13, 16), shape, false, rng.chance(0.5));
  b.rect = undefined;
  b.floors = rng.int(4, 5);
  b.floorHeight = 3.8;
  b.roofUnits = 0;
  ctx.out.push(b);
  const fx0 = br.x1 + 10, fy0 = r.y0 + 5;
  if (r.x1 - fx0 > 60 && r.y1 - fy0 > 50) {
    const field: Rect = { x0: fx0, y0: fy0, x1: r.x1 - 5, y1: Math.min(r.y1 - 5, fy0 + 110) };
    ctx.plan.push({ kind: 'sports', ring: rectRing(field), attributes: { use: '学校', name: `${school.zh} 运动场` } });
  }
  // Gym with a barrel roof behind the teaching building.
  const gy0 = br.y1 + 10;
  if (r.y1 - gy0 > 30 && bw > 40) {
    const gr: Rect = { x0: r.x0 + 5, y0: gy0, x1: r.x0 + 5 + Math.min(45, bw), y1: gy0 + Math.min(30, r.y1 - gy0 - 3) };
    const g = base(ctx, block, 'shed', '学校', gr, { zh: `${school.zh} 体育馆`, en: `${school.en} Gymnasium` }, Math.min(2025, b.yearBuilt + rng.int(0, 6)), rng.pick(WALLS.civic), rng.pick(ROOFS.metal));
    g.floorHeight = 8;
    g.roofShape = 'barrel';
    g.roofRise = 4;
    g.rect = ridgeSpec(gr);
    ctx.out.push(g);
  }
  ctx.plan.push({ kind: 'plot', ring: rectRing(r), attributes: { use: '学校', name: school.zh, zone: 'school' } });
}

function fillHospital(ctx: FillCtx, block: Block, r: Rect): void {
  const { rng } = ctx;
  const stem = ctx.names.estate('estate').zh.replace(/(花园|苑|雅居|新村|豪庭|公寓)(\d+期)?$/, '');
  const hosp = { zh: `${stem}人民医院`, en: `People's Hospital No. ${rng.int(2, 12)}` };
  const W = r.x1 - r.x0, H = r.y1 - r.y0;
  const ur: Rect = { x0: r.x0 + 8, y0: r.y0 + 8, x1: r.x0 + 8 + Math.min(W - 16, 90), y1: r.y0 + 8 + Math.min(H - 16, 70) };
  const ward = base(ctx, block, 'hospital', '医院', ur, { zh: `${hosp.zh} 住院楼`, en: `${hosp.en} Ward Building` }, rng.int(1995, 2019), rng.pick(WALLS.civic), rng.pick(ROOFS.flat));
  ward.footprint = wingFootprint(ur, rng.range(15, 18), 'U', rng.chance(0.5), true);
  ward.rect = undefined;
  ward.floors = rng.int(7, 12);
  ward.floorHeight = 3.9;
  ctx.out.push(ward);
  const oy0 = ur.y1 + 12;
  if (r.y1 - 8 - oy0 > 20) {
    const or: Rect = { x0: r.x0 + 8, y0: oy0, x1: Math.min(r.x1 - 8, r.x0 + 8 + 80), y1: Math.min(r.y1 - 8, oy0 + 36) };
    const op = base(ctx, block, 'hospital', '医院', or, { zh: `${hosp.zh} 门诊楼`, en: `${hosp.en} Outpatient Building` }, Math.min(2025, ward.yearBuilt + rng.int(0, 8)), rng.pick(WALLS.civic), rng.pick(ROOFS.flat));
    op.footprint = wingFootprint(or, Math.min(16, (or.y1 - or.y0) / 2), 'L', rng.chance(0.5), false);
    op.rect = undefined;
    op.floors = rng.int(4, 6);
    op.floorHeight = 4.2;
    ctx.out.push(op);
  }
  const rest: Rect = { x0: ur.x1 + 14, y0: r.y0, x1: r.x1, y1: r.y1 };
  if (rest.x1 - rest.x0 > 40) fillSlabs(ctx, block, rest);
  ctx.plan.push({ kind: 'plot', ring: rectRing({ ...r, x1: ur.x1 + 7 }), attributes: { use: '医院', name: hosp.zh, zone: 'hospital' } });
}

/** Landmarks of the central axis (opera house, museum, library, arena). */
function fillAxis(ctx: FillCtx, block: Block, r: Rect, zone: Zone): void {
  const { rng } = ctx;
  const cx = (r.x0 + r.x1) / 2, W = r.x1 - r.x0;
  const civic = (rr: Rect, name: I18nText, floors: number, fh: number, roof: RoofShape, rise: number): void => {
    const b = base(ctx, block, 'public', '公共', rr, name, rng.int(2004, 2014), rng.pick(WALLS.civic), roof === 'flat' ? rng.pick(ROOFS.flat) : rng.pick(ROOFS.metal));
    b.floors = floors;
    b.floorHeight = fh;
    b.roofShape = roof;
    b.roofRise = rise;
    if (roof !== 'flat') b.rect = ridgeSpec(rr);
    ctx.out.push(b);
  };
  if (zone === 'axisPublic' && r.y0 < 0) {
    ctx.plan.push({ kind: 'plaza', ring: rectRing(r), attributes: { use: '公共', name: '珠江文化广场' } });
    const w = Math.min(W - 20, 110);
    civic({ x0: cx - w / 2, y0: r.y0 + 20, x1: cx + w / 2, y1: r.y0 + 95 }, { zh: '珠江大剧院', en: 'Pearl River Grand Theatre' }, 4, 7, 'barrel', 14);
    civic({ x0: cx - w / 2 + 10, y0: r.y0 + 140, x1: cx + w / 2 - 10, y1: r.y0 + 220 }, { zh: '羊城博物馆', en: 'Yangcheng Museum' }, 5, 6.5, 'flat', 0);
  } else if (zone === 'axisPublic') {
    ctx.plan.push({ kind: 'plaza', ring: rectRing(r), attributes: { use: '公共', name: '图书馆广场' } });
    const w = Math.min(W - 20, 100);
    civic({ x0: cx - w / 2, y0: r.y0 + 30, x1: cx + w / 2, y1: r.y0 + 110 }, { zh: '新城图书馆', en: 'Xincheng Library' }, 8, 5, 'flat', 0);
  } else if (zone === 'axisSports') {
    ctx.plan.push({ kind: 'sports', ring: rectRing({ x0: r.x0 + 10, y0: r.y0 + 10, x1: r.x1 - 10, y1: r.y0 + 150 }), attributes: { use: '公共', name: '新城体育场' } });
    ctx.plan.push({ kind: 'park', ring: rectRing({ x0: r.x0, y0: r.y0 + 150, x1: r.x1, y1: r.y1 }), attributes: { name: '体育公园' } });
    const w = Math.min(W - 30, 100);
    civic({ x0: cx - w / 2, y0: r.y0 + 175, x1: cx + w / 2, y1: Math.min(r.y1 - 15, r.y0 + 275) }, { zh: '新城体育馆', en: 'Xincheng Arena' }, 1, 18, 'barrel', 9);
  } else if (zone === 'axisPlaza') {
    ctx.plan.push({ kind: 'plaza', ring: rectRing(r), attributes: { name: '花城广场', nameEn: 'Huacheng Square' } });
  } else {
    ctx.plan.push({ kind: 'park', ring: rectRing(r), attributes: { name: '中轴线公园', nameEn: 'Central Axis Park' } });
  }
}

/** Splits a block into plots no wider or deeper than `max` m, separated by `lane` m estate lanes. */
function plots(r: Rect, max: number, lane: number): Rect[] {
  const nx = Math.max(1, Math.ceil((r.x1 - r.x0) / max)), ny = Math.max(1, Math.ceil((r.y1 - r.y0) / max));
  const w = (r.x1 - r.x0 - (nx - 1) * lane) / nx, h = (r.y1 - r.y0 - (ny - 1) * lane) / ny;
  const out: Rect[] = [];
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out.push({ x0: r.x0 + i * (w + lane), y0: r.y0 + j * (h + lane), x1: r.x0 + i * (w + lane) + w, y1: r.y0 + j * (h + lane) + h });
  return out;
}

/** Fills every block with building plans and plan polygons. The BIM office goes into `bimBlockId`. */
export function planBuildings(rng: Rng, names: NameBook, blocks: Block[], bimBlockId: string): { plans: BuildingPlan[]; plan: PlanPolygon[]; bim: BuildingPlan } {
  const ctx: FillCtx = { rng, names, out: [], plan: [] };
  let bim: BuildingPlan | undefined;
  for (const block of blocks) {
    const r: Rect = { x0: block.x0, y0: block.y0, x1: block.x1, y1: block.y1 };
    if (r.x1 - r.x0 < 20 || r.y1 - r.y0 < 20) continue;
    if (block.id === bimBlockId) {
      // The BIM tower: 4 × 3 bays of 8.4 m, 12 storeys of 4.0 m, at the block's south-west corner.
      const br: Rect = { x0: r.x0 + 12, y0: r.y0 + 12, x1: r.x0 + 12 + 33.6, y1: r.y0 + 12 + 25.2 };
      const b = officePlan(ctx, block, br, 12, { zh: '海心智慧大厦', en: 'Haixin Smart Tower' });
      b.floorHeight = 4.0;
      b.yearBuilt = 2021;
      b.roofUnits = 3;
      ctx.out.push(b);
      bim = b;
      ctx.plan.push({ kind: 'plaza', ring: rectRing({ x0: r.x0, y0: r.y0, x1: br.x1 + 12, y1: r.y1 }), attributes: { use: '办公', name: '海心智慧大厦广场' } });
      fillCbd(ctx, block, { x0: br.x1 + 24, y0: r.y0, x1: r.x1, y1: r.y1 }, false);
      continue;
    }
    switch (block.zone) {
      case 'village': fillVillage(ctx, block, r); break;
      case 'villa': for (const p of plots(r, 170, 6)) fillVillas(ctx, block, p); break;
      case 'slab': for (const p of plots(r, 150, 6)) fillSlabs(ctx, block, p); break;
      case 'resTower': for (const p of plots(r, 150, 6)) fillResTowers(ctx, block, p); break;
      case 'cbd': fillCbd(ctx, block, r, false); break;
      case 'cbdCore': fillCbd(ctx, block, r, true); break;
      case 'commercial': fillCommercial(ctx, block, r); break;
      case 'industrial': fillIndustrial(ctx, block, r); break;
      case 'school': fillSchool(ctx, block, r); break;
      case 'hospital': fillHospital(ctx, block, r); break;
      case 'hillpark':
        ctx.plan.push({ kind: 'park', ring: rectRing(r), attributes: { name: '云台山公园', nameEn: 'Yuntai Hill Park' } });
        break;
      case 'pocketPark':
        ctx.plan.push({ kind: 'park', ring: rectRing(r), attributes: { name: `${names.estate('estate').zh.replace(/(花园|苑|雅居|新村|豪庭|公寓)(\d+期)?$/, '')}公园` } });
        break;
      default:
        fillAxis(ctx, block, r, block.zone);
    }
  }
  if (!bim) throw new Error(`demo: BIM block ${bimBlockId} not found`);
  return { plans: ctx.out, plan: ctx.plan, bim };
}

/** Total height above the base of a plan's main bodies (ridge, parapet or tower top). */
export function planHeight(b: BuildingPlan): number {
  if (b.tower) return b.floors * b.floorHeight + b.tower.floors * b.tower.floorHeight + b.tower.crown + 1.2;
  if (b.roofShape !== 'flat') return b.floors * b.floorHeight + b.roofRise;
  return b.floors * b.floorHeight + 1.2;
}

/** Plan ring of a tower shaft on a rectangle: plain, chamfered corners (octagon) or round (20-gon ellipse). */
function shaftRing(r: RectSpec, plan: 'box' | 'chamfer' | 'round'): Vec2[] {
  const hw = r.w / 2, hd = r.d / 2;
  if (plan === 'round') {
    const out: Vec2[] = [];
    for (let i = 0; i < 20; i++) {
      const a = (2 * Math.PI * i) / 20;
      out.push([r.cx + hw * Math.cos(a), r.cy + hd * Math.sin(a)]);
    }
    return out;
  }
  if (plan === 'chamfer') {
    const c = 0.2 * Math.min(r.w, r.d);
    return [[-hw + c, -hd], [hw - c, -hd], [hw, -hd + c], [hw, hd - c], [hw - c, hd], [-hw + c, hd], [-hw, hd - c], [-hw, -hd + c]].map(([x, y]) => [r.cx + x, r.cy + y] as Vec2);
  }
  return rectangle(r.cx, r.cy, r.w, r.d);
}

/** Rooftop plant boxes along the longer axis of a rectangle's roof. */
function addRoofUnits(b: MeshBuilder, rng: Rng, rect: RectSpec, z: number, count: number): void {
  const along = rect.w >= rect.d;
  const L = Math.max(rect.w, rect.d), D = Math.min(rect.w, rect.d);
  if (L < 10 || D < 8) return;
  const slot = (L - 4) / count;
  for (let i = 0; i < count; i++) {
    const s = Math.min(slot - 1.5, rng.range(3, 7));
    const t = Math.min(D - 4, rng.range(3, 6));
    if (s < 1.5 || t < 1.5) continue;
    const u = -L / 2 + 2 + slot * i + slot / 2;
    const v = rng.range(-1, 1) * Math.max(0, (D - 4 - t) / 2);
    const [dx, dy] = along ? [u, v] : [v, u];
    const h = rng.range(2, 4);
    addBox(b, rect.cx + dx, rect.cy + dy, z, along ? s : t, along ? t : s, z + h, 0, { top: 'roof', side: 'wall', bottom: 'roof' });
  }
}

/** Builds the CityFeature of a plan at its base height: LOD1 prism and LOD2 detailed shape. */
export function buildingFeature(b: BuildingPlan, id: string, baseHeight: number, address: string, rng: Rng): CityFeature {
  const height = planHeight(b);
  const z0 = baseHeight;
  const colors = { wall: b.wallColor, roof: b.roofColor, ground: [0.5, 0.5, 0.5, 1] as Rgba };
  const l1 = new MeshBuilder();
  addPrism(l1, b.footprint, z0, z0 + height);
  const l2 = new MeshBuilder();
  const eave = z0 + b.floors * b.floorHeight;
  switch (b.kind) {
    case 'tower': {
      addParapetBody(l2, b.footprint, z0, eave, 1.2);
      const t = b.tower!;
      const shaftTop = eave + t.floors * t.floorHeight;
      // Shaft in one or three tiers (set back 2.5 m at 55 % and 80 % of its height), then an optional crown.
      const tiers = t.tiered ? [[0, 0.55, 0], [0.55, 0.8, 2.5], [0.8, 1, 5]] : [[0, 1, 0]];
      const hasCrown = t.crown > 2;
      let last = t.rect;
      tiers.forEach(([f0, f1, inset], k) => {
        const r = { ...t.rect, w: t.rect.w - 2 * inset, d: t.rect.d - 2 * inset };
        const zA = eave + (shaftTop - eave) * f0, zB = eave + (shaftTop - eave) * f1;
        const top = k === tiers.length - 1 && !hasCrown ? zB + t.crown : zB;
        if (k === tiers.length - 1 && !hasCrown) addParapetBody(l2, shaftRing(r, t.plan), zA, top, 1.2);
        else addPrism(l2, shaftRing(r, t.plan), zA, top);
        // Spandrel bands every fifth floor, 0.3 m proud of the facade.
        const band = { ...r, w: r.w + 0.6, d: r.d + 0.6 };
        for (let z = zA + 5 * t.floorHeight; z < zB - 2 * t.floorHeight; z += 5 * t.floorHeight) addPrism(l2, shaftRing(band, t.plan), z - 0.6, z, { top: 'wall', side: 'wall', bottom: 'wall' });
        last = r;
      });
      const unitRect = (r: RectSpec): RectSpec => (t.plan === 'round' ? { ...r, w: r.w * 0.6, d: r.d * 0.6 } : t.plan === 'chamfer' ? { ...r, w: r.w * 0.8, d: r.d * 0.8 } : r);
      if (hasCrown) {
        const cr = { ...last, w: last.w - 6, d: last.d - 6 };
        addParapetBody(l2, shaftRing(cr, t.plan), shaftTop, shaftTop + t.crown, 1.2);
        addRoofUnits(l2, rng, unitRect(cr), shaftTop + t.crown, Math.min(b.roofUnits, 2));
      } else {
        addRoofUnits(l2, rng, unitRect(last), shaftTop + t.crown, b.roofUnits);
      }
      break;
    }
    default:
      if (b.roofShape !== 'flat' && b.rect) {
        addRoofedBody(l2, b.rect, z0, eave, b.roofShape, eave + b.roofRise, b.kind === 'public' ? 10 : 6);
      } else {
        addParapetBody(l2, b.footprint, z0, eave, 1.2, b.kind === 'village' ? 0.25 : 0.4);
        if (b.roofUnits > 0 && b.rect) addRoofUnits(l2, rng, b.notch ? { ...b.rect, d: b.rect.d - 2 * b.notch - 1 } : b.rect, eave, b.roofUnits);
      }
  }
  const area = Math.abs(ringArea(b.footprint));
  const grossFloorArea = area * b.floors + (b.tower ? b.tower.rect.w * b.tower.rect.d * b.tower.floors : 0);
  const floors = b.floors + (b.tower?.floors ?? 0);
  const residents = b.use === '住宅' ? Math.round((grossFloorArea * 0.8) / 90 * 2.8) : 0;
  const roofType = b.roofShape;
  const parts1: MeshPart[] = l1.toParts(colors);
  return {
    id,
    type: 'Building',
    attributes: {
      id,
      name: b.name.zh,
      nameEn: b.name.en,
      use: b.use,
      useEn: USE_EN[b.use],
      height: round2(height),
      floors,
      yearBuilt: b.yearBuilt,
      residents,
      address,
      baseHeight: round2(baseHeight),
      roofType,
      footprintArea: round2(area),
    },
    lods: [
      { lod: '1', parts: parts1 },
      { lod: '2', parts: l2.toParts(colors) },
    ],
  };
}

function ringArea(r: Vec2[]): number {
  let a = 0;
  for (let i = 0; i < r.length; i++) {
    const p = r[i], q = r[(i + 1) % r.length];
    a += p[0] * q[1] - q[0] * p[1];
  }
  return a / 2;
}
const round2 = (v: number) => Math.round(v * 100) / 100;

/** Chinese numerals for address suffixes (之一, 之二...). */
const ZH_NUM = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** The road a point of a block fronts (nearest side with a road) and the house number there. */
function frontage(bl: Block, cx: number, cy: number): { road: Road; num: number } | undefined {
  const cand: [Road | undefined, number, 'w' | 'e' | 's' | 'n'][] = [
    [bl.sides.w, cx - bl.x0, 'w'], [bl.sides.e, bl.x1 - cx, 'e'], [bl.sides.s, cy - bl.y0, 's'], [bl.sides.n, bl.y1 - cy, 'n'],
  ];
  let best: [Road, number, string] | undefined;
  for (const [r, d, side] of cand) if (r && (!best || d < best[1])) best = [r, d, side];
  if (!best) return undefined;
  const [road, , side] = best;
  const along = road.axis === 'ns' ? cy - road.from : cx - road.from;
  // Odd numbers north/west of the road (the building lies on the block side opposite the road side).
  const odd = road.axis === 'ew' ? side === 's' : side === 'e';
  return { road, num: 2 * Math.max(0, Math.floor(along / 12)) + (odd ? 1 : 2) };
}

/**
 * Gives each plan a unique Chinese street address with a house number on the road it fronts. Buildings of an
 * estate share the estate's number and add their own ("…路 123 号珠光花园 3 栋"); others get their own number,
 * with "之一, 之二…" where two share one.
 */
export function assignAddresses(plans: BuildingPlan[]): string[] {
  const used = new Map<string, number>();
  const estates = new Map<string, { sx: number; sy: number; n: number; block: Block }>();
  for (const b of plans) {
    if (!b.estate) continue;
    const [cx, cy] = centroid(b.footprint);
    const e = estates.get(b.estate.name.zh) ?? { sx: 0, sy: 0, n: 0, block: b.block };
    e.sx += cx;
    e.sy += cy;
    e.n++;
    estates.set(b.estate.name.zh, e);
  }
  const estateAddr = new Map<string, string>();
  for (const [name, e] of estates) {
    const f = frontage(e.block, e.sx / e.n, e.sy / e.n);
    estateAddr.set(name, f ? `广州市天河区${f.road.name.zh}${f.num}号` : '广州市天河区珠江新城');
  }
  return plans.map((b) => {
    if (b.estate) return `${estateAddr.get(b.estate.name.zh)}${b.estate.name.zh}${b.estate.no}${b.estate.unit}`;
    const [cx, cy] = centroid(b.footprint);
    const f = frontage(b.block, cx, cy);
    if (!f) return `广州市天河区珠江新城${b.name.zh}`;
    const key = `广州市天河区${f.road.name.zh}${f.num}号`;
    const k = used.get(key) ?? 0;
    used.set(key, k + 1);
    return k === 0 ? key : `${key}之${k <= 10 ? ZH_NUM[k] : k}`;
  });
}

/** Area centroid of a ring. */
export function centroid(r: Vec2[]): Vec2 {
  let a = 0, x = 0, y = 0;
  for (let i = 0; i < r.length; i++) {
    const p = r[i], q = r[(i + 1) % r.length];
    const c = p[0] * q[1] - q[0] * p[1];
    a += c;
    x += (p[0] + q[0]) * c;
    y += (p[1] + q[1]) * c;
  }
  return [x / (3 * a), y / (3 * a)];
}

/** Base heights (min DEM under each footprint). */
export function baseHeights(dem: Grid, plans: BuildingPlan[]): number[] {
  return plans.map((b) => minDemUnder(dem, b.footprint));
}
