import earcut from 'earcut';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEM_CELL, DISTRICT, GEOID_UNDULATION, RIVER_LEVELS, generateDemoCity } from '../../src/core/demo/index.js';
import type { DemoCity } from '../../src/core/demo/types.js';
import { sampleBilinear } from '../../src/core/grid/grid.js';
import type { CityFeature, MeshPart } from '../../src/core/model/feature.js';
import type { PipeNetwork } from '../../src/core/model/network.js';
import { isClosed, volume } from './geometry-helpers.js';

const SEED = 20261123;
let city: DemoCity;
let again: DemoCity;
let other: DemoCity;

beforeAll(() => {
  city = generateDemoCity(SEED);
  again = generateDemoCity(SEED);
  other = generateDemoCity(SEED + 1);
});

type Tri = [[number, number], [number, number], [number, number]];

/** 2D triangles of a mesh part (x, y only). */
function tris2D(p: MeshPart): Tri[] {
  const out: Tri[] = [];
  for (let i = 0; i < p.indices.length; i += 3) {
    out.push([0, 1, 2].map((k) => [p.positions[p.indices[i + k] * 3], p.positions[p.indices[i + k] * 3 + 1]]) as Tri);
  }
  return out;
}

/** Footprint triangles of a building: the ground part of its LOD1. */
const footprint = (f: CityFeature): Tri[] => tris2D(f.lods[0].parts.find((p) => p.semantic === 'ground')!);

/** Separating-axis test: do two triangles share interior area (more than `eps` of penetration)? */
function overlap(a: Tri, b: Tri, eps = 0.01): boolean {
  for (const t of [a, b]) {
    for (let i = 0; i < 3; i++) {
      const p = t[i], q = t[(i + 1) % 3];
      const nx = -(q[1] - p[1]), ny = q[0] - p[0];
      const len = Math.hypot(nx, ny);
      if (len === 0) continue;
      const proj = (u: Tri) => u.map((v) => (v[0] * nx + v[1] * ny) / len);
      const pa = proj(a), pb = proj(b);
      if (Math.max(...pa) <= Math.min(...pb) + eps || Math.max(...pb) <= Math.min(...pa) + eps) return false;
    }
  }
  return true;
}

const bbox = (ts: Tri[]) => {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const t of ts) for (const [x, y] of t) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return { x0, y0, x1, y1 };
};

/** Triangulates a plan ring (2D). */
function ringTris(ring: [number, number][]): Tri[] {
  const idx = earcut(ring.flat());
  const out: Tri[] = [];
  for (let i = 0; i < idx.length; i += 3) out.push([ring[idx[i]], ring[idx[i + 1]], ring[idx[i + 2]]]);
  return out;
}

/** Footprint overlaps of a city's buildings with road/water polygons and each other; LOD2 outside the LOD1 bounds. */
function overlapProblems(c: DemoCity): { problems: string[]; checked: number } {
  const problems: string[] = [];
  const obstacles: Tri[] = [];
  for (const p of c.plan) if (p.kind === 'road' || p.kind === 'water') obstacles.push(...ringTris(p.ring));
  const cell = 50;
  const grid = new Map<string, { tri: Tri; owner: string }[]>();
  const cells = (b: ReturnType<typeof bbox>) => {
    const out: string[] = [];
    for (let i = Math.floor(b.x0 / cell); i <= Math.floor(b.x1 / cell); i++) for (let j = Math.floor(b.y0 / cell); j <= Math.floor(b.y1 / cell); j++) out.push(`${i},${j}`);
    return out;
  };
  const put = (tri: Tri, owner: string) => {
    for (const k of cells(bbox([tri]))) {
      if (!grid.has(k)) grid.set(k, []);
      grid.get(k)!.push({ tri, owner });
    }
  };
  for (const t of obstacles) put(t, 'plan');
  let checked = 0;
  for (const f of c.buildings.features) {
    const ts = footprint(f);
    const b1 = bbox(ts), b2 = bbox(f.lods[1].parts.flatMap(tris2D));
    if (b2.x0 < b1.x0 - 0.01 || b2.x1 > b1.x1 + 0.01 || b2.y0 < b1.y0 - 0.01 || b2.y1 > b1.y1 + 0.01) problems.push(`${f.id}: LOD2 outside LOD1`);
    for (const t of ts) {
      const seen = new Set<{ tri: Tri; owner: string }>();
      for (const k of cells(bbox([t]))) {
        for (const o of grid.get(k) ?? []) {
          if (seen.has(o) || o.owner === f.id) continue;
          seen.add(o);
          checked++;
          if (overlap(t, o.tri)) problems.push(`${f.id} overlaps ${o.owner === 'plan' ? 'a road/water polygon' : o.owner}`);
        }
      }
    }
    for (const t of ts) put(t, f.id);
  }
  return { problems: [...new Set(problems)], checked };
}

function partsOf(m: { features: CityFeature[] }): MeshPart[] {
  return m.features.flatMap((f) => f.lods.flatMap((l) => l.parts));
}
const triangles = (parts: MeshPart[]) => parts.reduce((a, p) => a + p.indices.length / 3, 0);

describe('generateDemoCity: determinism', () => {
  it('gives identical output for the same seed', () => {
    expect(again.crs.name).toBe(city.crs.name);
    expect(Buffer.from(again.dem.data.buffer).equals(Buffer.from(city.dem.data.buffer))).toBe(true);
    for (const k of ['buildings', 'bim', 'pipes'] as const) {
      expect(JSON.stringify(again[k].features) === JSON.stringify(city[k].features), k).toBe(true);
    }
    for (const k of ['networks', 'plan', 'roads', 'sites', 'storeys', 'bimBuildingId', 'seed'] as const) {
      expect(again[k]).toEqual(city[k]);
    }
  });

  it('gives a different city for a different seed', () => {
    expect(other.seed).toBe(SEED + 1);
    expect(JSON.stringify(other.buildings.features.slice(0, 50))).not.toBe(JSON.stringify(city.buildings.features.slice(0, 50)));
    expect(Buffer.from(other.dem.data.buffer).equals(Buffer.from(city.dem.data.buffer))).toBe(false);
  });

  it('rejects a non-finite seed with a clear error', () => {
    expect(() => generateDemoCity(Number.NaN)).toThrow(/seed/);
  });
});

describe('generateDemoCity: terrain', () => {
  it('is a smooth 2 m DEM without gaps covering the district with a 300 m margin', () => {
    const d = city.dem;
    expect(d.cellSize).toBe(DEM_CELL);
    expect(d.cellSize).toBe(2);
    expect(d.xll).toBeLessThanOrEqual(DISTRICT.minX - 300);
    expect(d.yll).toBeLessThanOrEqual(DISTRICT.minY - 300);
    expect(d.xll + d.ncols * d.cellSize).toBeGreaterThanOrEqual(DISTRICT.maxX + 300);
    expect(d.yll + d.nrows * d.cellSize).toBeGreaterThanOrEqual(DISTRICT.maxY + 300);
    expect(d.data.length).toBe(d.ncols * d.nrows);
    let maxStep = 0, bad = 0;
    for (let r = 0; r < d.nrows; r++) {
      for (let c = 0; c < d.ncols; c++) {
        const v = d.data[r * d.ncols + c];
        if (!Number.isFinite(v)) bad++;
        if (c > 0) maxStep = Math.max(maxStep, Math.abs(v - d.data[r * d.ncols + c - 1]));
        if (r > 0) maxStep = Math.max(maxStep, Math.abs(v - d.data[(r - 1) * d.ncols + c]));
      }
    }
    expect(bad).toBe(0);
    // No step over 1 m between neighbouring 2 m cells (levee slopes ~1:2.5, hill and river banks gentler).
    expect(maxStep).toBeLessThan(1);
  });

  it('has realistic levels: ground, hill, river bed, levee and low-lying blocks', () => {
    const d = city.dem;
    const H = (x: number, y: number) => sampleBilinear(d, x, y) - GEOID_UNDULATION; // above sea level
    let max = -Infinity, min = Infinity;
    for (const v of d.data) {
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    expect(max - GEOID_UNDULATION).toBeGreaterThan(45);
    expect(max - GEOID_UNDULATION).toBeLessThan(65);
    expect(min - GEOID_UNDULATION).toBeCloseTo(RIVER_LEVELS.bed, 0);
    // City ground 5–12 m above sea level in the middle of the district.
    for (const [x, y] of [[0, 0], [600, 300], [-600, -300], [900, 700]]) {
      expect(H(x, y)).toBeGreaterThan(5);
      expect(H(x, y)).toBeLessThan(13);
    }
    // The north edge of the DEM sits at plain ground level (no hill or noise there).
    const edge: number[] = [];
    for (let c = 0; c < d.ncols; c += 25) edge.push(d.data[c] - GEOID_UNDULATION);
    expect(Math.max(...edge) - Math.min(...edge)).toBeLessThan(0.5);
    expect(Math.min(...edge)).toBeGreaterThan(7);
    // Low-lying blocks: some district ground lies more than 2 m below the levee crest.
    let low = 0;
    for (let y = DISTRICT.minY + 100; y < DISTRICT.maxY; y += 10) for (let x = DISTRICT.minX; x < DISTRICT.maxX; x += 10) if (H(x, y) < RIVER_LEVELS.leveeCrest - 3) low++;
    expect(low).toBeGreaterThan(50);
  });
});

describe('generateDemoCity: buildings', () => {
  it('has about 2,000 buildings with LOD1 and LOD2 under the triangle budget', () => {
    const fs = city.buildings.features;
    expect(fs.length).toBeGreaterThan(1800);
    expect(fs.length).toBeLessThan(2300);
    for (const f of fs) {
      expect(f.type).toBe('Building');
      expect(f.lods.map((l) => l.lod)).toEqual(['1', '2']);
    }
    const lod2 = triangles(fs.flatMap((f) => f.lods[1].parts));
    expect(lod2).toBeLessThan(250_000);
    expect(city.buildings.crs).toBe(city.crs);
  });

  it('gives every building complete, well-typed attributes with unique ids and addresses', () => {
    const uses = new Set(['住宅', '商业', '办公', '工业', '学校', '医院', '公共']);
    const roofs = new Set(['flat', 'gable', 'hip', 'shed', 'barrel']);
    const ids = new Set<string>(), addresses = new Set<string>(), names = new Set<string>();
    for (const f of city.buildings.features) {
      const a = f.attributes;
      expect(a.id).toBe(f.id);
      expect(f.id).toMatch(/^GZ-TH-\d{5}$/);
      expect(typeof a.name).toBe('string');
      expect(a.name).toMatch(/[\u4e00-\u9fff]/);
      expect(typeof a.nameEn).toBe('string');
      expect(a.nameEn).toMatch(/^[\x20-\x7e]+$/);
      expect(uses.has(a.use as string)).toBe(true);
      expect(roofs.has(a.roofType as string)).toBe(true);
      expect(typeof a.height).toBe('number');
      expect(a.height as number).toBeGreaterThan(2);
      expect(a.height as number).toBeLessThanOrEqual(300);
      expect(Number.isInteger(a.floors) && (a.floors as number) >= 1).toBe(true);
      expect(Number.isInteger(a.yearBuilt) && (a.yearBuilt as number) >= 1950 && (a.yearBuilt as number) <= 2026).toBe(true);
      expect(Number.isInteger(a.residents) && (a.residents as number) >= 0).toBe(true);
      if (a.use !== '住宅') expect(a.residents).toBe(0);
      else expect(a.residents as number).toBeGreaterThan(0);
      expect(typeof a.baseHeight).toBe('number');
      expect(a.address).toMatch(/^广州市天河区.+(路|街|大道).*\d+号/);
      ids.add(f.id);
      addresses.add(a.address as string);
      names.add(a.name as string);
    }
    const n = city.buildings.features.length;
    expect(ids.size).toBe(n);
    expect(addresses.size).toBe(n);
    expect(names.size).toBe(n);
    // A CBD cluster of towers between 150 m and 300 m.
    const tall = city.buildings.features.filter((f) => (f.attributes.height as number) >= 150);
    expect(tall.length).toBeGreaterThanOrEqual(5);
    // Pitched roofs on residential buildings, shed/barrel roofs on industrial ones.
    const roofOf = (use: string) => new Set(city.buildings.features.filter((f) => f.attributes.use === use).map((f) => f.attributes.roofType));
    expect(roofOf('住宅').has('gable') && roofOf('住宅').has('hip')).toBe(true);
    expect(roofOf('工业').has('shed') || roofOf('工业').has('barrel')).toBe(true);
  });

  it('builds closed, finite meshes with ground, wall and roof semantics', () => {
    for (const f of city.buildings.features) {
      for (const lod of f.lods) {
        const sems = new Set(lod.parts.map((p) => p.semantic));
        expect(sems.has('roof') && sems.has('wall') && sems.has('ground'), `${f.id} lod ${lod.lod}`).toBe(true);
        for (const p of lod.parts) {
          expect(p.positions.every(Number.isFinite)).toBe(true);
          const nv = p.positions.length / 3;
          expect(p.indices.every((i) => Number.isInteger(i) && i >= 0 && i < nv)).toBe(true);
        }
        expect(isClosed(lod.parts), `${f.id} lod ${lod.lod} closed`).toBe(true);
        expect(volume(lod.parts), `${f.id} lod ${lod.lod} faces outward`).toBeGreaterThan(0);
      }
    }
  });

  it('sets each base at the lowest terrain under the footprint, with LOD1 reaching the full height', () => {
    for (const f of city.buildings.features) {
      const ts = footprint(f);
      let min = Infinity;
      for (const t of ts) {
        // Vertices and a 1 m lattice inside each triangle.
        for (const [x, y] of t) min = Math.min(min, sampleBilinear(city.dem, x, y));
        const b = bbox([t]);
        for (let y = Math.ceil(b.y0); y <= b.y1; y++) {
          for (let x = Math.ceil(b.x0); x <= b.x1; x++) {
            const [a, bb, c] = t;
            const d = (bb[1] - c[1]) * (a[0] - c[0]) + (c[0] - bb[0]) * (a[1] - c[1]);
            const l1 = ((bb[1] - c[1]) * (x - c[0]) + (c[0] - bb[0]) * (y - c[1])) / d;
            const l2 = ((c[1] - a[1]) * (x - c[0]) + (a[0] - c[0]) * (y - c[1])) / d;
            if (l1 >= 0 && l2 >= 0 && l1 + l2 <= 1) min = Math.min(min, sampleBilinear(city.dem, x, y));
          }
        }
      }
      const base = f.attributes.baseHeight as number;
      expect(Math.abs(base - min), f.id).toBeLessThan(0.1);
      const zs = f.lods[0].parts.flatMap((p) => p.positions.filter((_, i) => i % 3 === 2));
      expect(Math.min(...zs)).toBeCloseTo(base, 1);
      expect(Math.max(...zs) - Math.min(...zs)).toBeCloseTo(f.attributes.height as number, 1);
    }
  });

  it('never overlaps roads, water or another building', () => {
    const { problems, checked } = overlapProblems(city);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });

  it('the overlap check itself detects overlaps', () => {
    expect(overlap([[0, 0], [10, 0], [0, 10]], [[2, 2], [12, 2], [2, 12]])).toBe(true);
    expect(overlap([[0, 0], [10, 0], [0, 10]], [[10, 0], [10, 10], [0, 10]])).toBe(false); // shared edge only
    // A road laid across a building is reported.
    const b = bbox(footprint(city.buildings.features[10]));
    const road = { kind: 'road' as const, ring: [[b.x0 - 5, b.y0 + 1], [b.x1 + 5, b.y0 + 1], [b.x1 + 5, b.y0 + 3], [b.x0 - 5, b.y0 + 3]] as [number, number][], attributes: {} };
    const { problems } = overlapProblems({ ...city, plan: [...city.plan, road] });
    expect(problems.some((p) => p.startsWith(city.buildings.features[10].id))).toBe(true);
  });
});

describe('generateDemoCity: BIM tower', () => {
  it('models the tower as IFC elements with storeys and property sets', () => {
    const bim = city.bim.features;
    const tower = city.buildings.features.find((f) => f.id === city.bimBuildingId)!;
    expect(tower).toBeDefined();
    expect(city.storeys.length).toBeGreaterThanOrEqual(11);
    expect(city.storeys.length).toBeLessThanOrEqual(17);
    expect(city.storeys[0].elevation).toBeLessThan(0); // basement
    for (let i = 1; i < city.storeys.length; i++) {
      expect(city.storeys[i].elevation).toBeCloseTo(city.storeys[i - 1].elevation + city.storeys[i - 1].height, 6);
      expect(city.storeys[i].name.zh).toBeTruthy();
      expect(city.storeys[i].name.en).toBeTruthy();
    }
    const storeyIds = new Set(city.storeys.map((s) => s.id));
    const classes = new Set(bim.map((f) => f.type));
    for (const c of ['IfcSlab', 'IfcWall', 'IfcCurtainWall', 'IfcSpace', 'IfcDoor', 'IfcStair', 'IfcColumn', 'IfcPipeSegment', 'IfcDuctSegment']) expect(classes.has(c), c).toBe(true);
    const guids = new Set<string>();
    for (const f of bim) {
      const a = f.attributes;
      expect(a.ifcClass).toBe(f.type);
      expect(f.group).toBe(a.storey);
      expect(storeyIds.has(a.storey as string)).toBe(true);
      expect(a.globalId).toBe(f.id);
      expect(f.id).toMatch(/^[0-3][0-9A-Za-z_$]{21}$/);
      expect(typeof a.name).toBe('string');
      expect(typeof a.material).toBe('string');
      expect(Object.keys(a).some((k) => k.startsWith('Pset_'))).toBe(true);
      guids.add(f.id);
      for (const p of f.lods.flatMap((l) => l.parts)) expect(p.positions.every(Number.isFinite)).toBe(true);
      expect(isClosed(f.lods[0].parts), `${f.type} ${a.name}`).toBe(true);
      expect(volume(f.lods[0].parts), `${f.type} ${a.name}`).toBeGreaterThan(0);
    }
    expect(guids.size).toBe(bim.length);
    const walls = bim.filter((f) => f.type === 'IfcWall' || f.type === 'IfcCurtainWall');
    expect(walls.some((f) => f.attributes['Pset_WallCommon.IsExternal'] === true || f.attributes['Pset_CurtainWallCommon.IsExternal'] === true)).toBe(true);
    expect(walls.some((f) => f.attributes['Pset_WallCommon.FireRating'])).toBe(true);
    expect(bim.filter((f) => f.type === 'IfcSpace').every((f) => (f.attributes['Pset_SpaceCommon.Area'] as number) > 0)).toBe(true);
    expect(triangles(partsOf(city.bim))).toBeLessThan(150_000);
    // Same site: inside the city building's footprint, from its basement to its roof.
    const fb = bbox(footprint(tower));
    const bb = bbox(partsOf(city.bim).flatMap(tris2D));
    expect(bb.x0).toBeGreaterThanOrEqual(fb.x0 - 0.05);
    expect(bb.x1).toBeLessThanOrEqual(fb.x1 + 0.05);
    expect(bb.y0).toBeGreaterThanOrEqual(fb.y0 - 0.05);
    expect(bb.y1).toBeLessThanOrEqual(fb.y1 + 0.05);
    const base = tower.attributes.baseHeight as number;
    const slabL1 = bim.find((f) => f.type === 'IfcSlab' && f.group === 'L01')!;
    const zs = slabL1.lods[0].parts.flatMap((p) => p.positions.filter((_, i) => i % 3 === 2));
    expect(Math.max(...zs)).toBeCloseTo(base, 1);
    const top = city.storeys[city.storeys.length - 1];
    expect(top.elevation).toBeCloseTo((tower.attributes.height as number) - 1.2, 1);
  });
});

function byKind(kind: PipeNetwork['kind']): PipeNetwork {
  return city.networks.find((n) => n.kind === kind)!;
}

function checkRefs(net: PipeNetwork): Map<string, string[]> {
  const ids = new Set<string>();
  for (const n of net.nodes) {
    expect(ids.has(n.id), `duplicate node ${n.id}`).toBe(false);
    ids.add(n.id);
    expect([n.x, n.y, n.z].every(Number.isFinite)).toBe(true);
  }
  const linkIds = new Set<string>();
  const adj = new Map<string, string[]>();
  for (const l of net.links) {
    expect(linkIds.has(l.id), `duplicate link ${l.id}`).toBe(false);
    expect(ids.has(l.id)).toBe(false);
    linkIds.add(l.id);
    expect(ids.has(l.from), `${l.id} from`).toBe(true);
    expect(ids.has(l.to), `${l.id} to`).toBe(true);
    expect(l.from).not.toBe(l.to);
    expect(l.attributes.diameter as number).toBeGreaterThan(0);
    for (const v of l.vertices ?? []) expect(v.every(Number.isFinite)).toBe(true);
    adj.set(l.from, [...(adj.get(l.from) ?? []), l.to]);
    adj.set(l.to, [...(adj.get(l.to) ?? []), l.from]);
  }
  return adj;
}

function reachable(adj: Map<string, string[]>, start: string): Set<string> {
  const seen = new Set([start]);
  const stack = [start];
  while (stack.length) for (const m of adj.get(stack.pop()!) ?? []) if (!seen.has(m)) {
    seen.add(m);
    stack.push(m);
  }
  return seen;
}

describe('generateDemoCity: networks', () => {
  it('has a connected, looped water network with a reservoir and an elevated tank', () => {
    const w = byKind('water');
    const adj = checkRefs(w);
    const res = w.nodes.filter((n) => n.kind === 'reservoir');
    const tanks = w.nodes.filter((n) => n.kind === 'tank');
    expect(res).toHaveLength(1);
    expect(tanks).toHaveLength(1);
    expect(reachable(adj, res[0].id).size).toBe(w.nodes.length);
    expect(w.links.length).toBeGreaterThan(w.nodes.length); // loops
    const junctions = w.nodes.filter((n) => n.kind === 'junction');
    expect(junctions.length).toBeGreaterThan(200);
    for (const j of junctions) {
      expect(typeof j.attributes.elevation).toBe('number');
      expect(j.attributes.demand as number).toBeGreaterThanOrEqual(0);
    }
    const total = junctions.reduce((a, j) => a + (j.attributes.demand as number), 0);
    expect(total).toBeGreaterThan(50); // L/s for a dense district
    expect(total).toBeLessThan(2000);
    // Static head above every junction, and at least 25 m (≈ 250 kPa) over nine in ten of them.
    const elevs = junctions.map((j) => j.attributes.elevation as number).sort((a, b) => a - b);
    expect(res[0].attributes.head as number).toBeGreaterThan(elevs[elevs.length - 1]);
    expect(res[0].attributes.head as number).toBeGreaterThan(elevs[Math.floor(elevs.length * 0.9)] + 25);
    expect(tanks[0].attributes.maxLevel as number).toBeGreaterThan(tanks[0].attributes.minLevel as number);
    expect((tanks[0].attributes.elevation as number) + (tanks[0].attributes.maxLevel as number)).toBeLessThan(res[0].attributes.head as number);
    expect(w.nodes.filter((n) => n.kind === 'hydrant').length).toBeGreaterThan(20);
    expect(w.links.filter((l) => l.kind === 'valve').length).toBeGreaterThan(20);
    for (const l of w.links.filter((k) => k.kind === 'pipe')) {
      expect(l.attributes.length as number).toBeGreaterThan(0);
      expect(l.attributes.roughness as number).toBeGreaterThanOrEqual(100);
      expect(typeof l.attributes.material).toBe('string');
    }
    // Mains lie below the ground.
    for (const j of junctions) expect(j.z).toBeLessThan(sampleBilinear(city.dem, j.x, j.y) - 0.9);
  });

  it('drains every manhole downhill to an outfall on the river', () => {
    const d = byKind('drainage');
    checkRefs(d);
    const nodes = new Map(d.nodes.map((n) => [n.id, n]));
    const down = new Map<string, string[]>();
    for (const l of d.links) {
      const a = nodes.get(l.from)!, b = nodes.get(l.to)!;
      expect(l.attributes.slope as number, l.id).toBeGreaterThan(0);
      expect(a.attributes.invertLevel as number).toBeGreaterThan(b.attributes.invertLevel as number);
      expect(l.attributes.upstreamInvert).toBeCloseTo(a.attributes.invertLevel as number, 3);
      expect(((l.attributes.upstreamInvert as number) - (l.attributes.downstreamInvert as number)) / (l.attributes.length as number)).toBeCloseTo(l.attributes.slope as number, 4);
      down.set(l.from, [...(down.get(l.from) ?? []), l.to]);
    }
    const outfalls = d.nodes.filter((n) => n.kind === 'outfall');
    expect(outfalls.length).toBeGreaterThanOrEqual(3);
    for (const o of outfalls) expect(o.y).toBeLessThan(DISTRICT.minY);
    for (const n of d.nodes) {
      expect(n.z).toBeCloseTo(n.attributes.invertLevel as number, 3);
      if (n.kind === 'manhole') {
        expect(n.attributes.rimLevel as number).toBeGreaterThan((n.attributes.invertLevel as number) + 1);
        let cur = n.id;
        for (let steps = 0; nodes.get(cur)!.kind !== 'outfall'; steps++) {
          const next = down.get(cur);
          expect(next?.length, `${cur} has no outlet`).toBeGreaterThan(0);
          cur = next![0];
          expect(steps).toBeLessThan(d.nodes.length);
        }
      }
    }
  });

  it('has medium-pressure gas mains and low-pressure streets behind regulators', () => {
    const g = byKind('gas');
    const adj = checkRefs(g);
    const src = g.nodes.find((n) => n.kind === 'source')!;
    expect(src).toBeDefined();
    expect(reachable(adj, src.id).size).toBe(g.nodes.length);
    const regs = g.links.filter((l) => l.kind === 'regulator');
    expect(regs.length).toBeGreaterThan(5);
    const classes = new Set(g.links.filter((l) => l.kind === 'pipe').map((l) => l.attributes.pressureClass));
    expect(classes).toEqual(new Set(['MP-A', 'LP']));
    // Low and medium pressure meet only through regulators.
    const cls = new Map<string, Set<string>>();
    for (const l of g.links.filter((k) => k.kind === 'pipe')) for (const n of [l.from, l.to]) cls.set(n, new Set([...(cls.get(n) ?? []), l.attributes.pressureClass as string]));
    for (const [id, s] of cls) expect(s.size, id).toBe(1);
  });

  it('meshes every link and the special nodes as closed, attributed pipe features', () => {
    const feats = city.pipes.features;
    const links = city.networks.reduce((a, n) => a + n.links.length, 0);
    expect(feats.length).toBeGreaterThan(links);
    const types = new Set(feats.map((f) => f.type));
    for (const t of ['WaterPipe', 'DrainagePipe', 'GasPipe', 'Manhole', 'Hydrant', 'Valve', 'GasRegulator', 'Reservoir', 'WaterTower', 'Outfall']) expect(types.has(t), t).toBe(true);
    const ids = new Set<string>();
    for (const f of feats) {
      expect(ids.has(f.id)).toBe(false);
      ids.add(f.id);
      expect(['water', 'drainage', 'gas']).toContain(f.attributes.network);
      expect(typeof f.attributes.id).toBe('string');
      expect(typeof f.attributes.kind).toBe('string');
      expect('diameter' in f.attributes && 'material' in f.attributes).toBe(true);
      const parts = f.lods[0].parts;
      expect(parts.length).toBeGreaterThan(0);
      for (const p of parts) expect(p.positions.every(Number.isFinite)).toBe(true);
      expect(isClosed(parts), f.id).toBe(true);
      expect(volume(parts), f.id).toBeGreaterThan(0);
    }
  });
});

describe('generateDemoCity: plan, roads and sites', () => {
  it('has a land-cover plan with counter-clockwise open rings of every kind', () => {
    const kinds = new Set(city.plan.map((p) => p.kind));
    for (const k of ['road', 'water', 'park', 'plot', 'plaza', 'sports', 'embankment']) expect(kinds.has(k as never), k).toBe(true);
    for (const p of city.plan) {
      expect(p.ring.length).toBeGreaterThanOrEqual(3);
      const [f, l] = [p.ring[0], p.ring[p.ring.length - 1]];
      expect(f[0] === l[0] && f[1] === l[1]).toBe(false);
      let a = 0;
      for (let i = 0; i < p.ring.length; i++) {
        const [x0, y0] = p.ring[i], [x1, y1] = p.ring[(i + 1) % p.ring.length];
        a += x0 * y1 - x1 * y0;
      }
      expect(a).toBeGreaterThan(0);
    }
    expect(city.plan.filter((p) => p.kind === 'plot').every((p) => typeof p.attributes.use === 'string')).toBe(true);
  });

  it('has named arterial, secondary and local roads', () => {
    const classes = new Set(city.roads.map((r) => r.roadClass));
    expect(classes).toEqual(new Set(['arterial', 'secondary', 'local']));
    for (const r of city.roads) {
      expect(r.name.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(r.name.en).toMatch(/^[\x20-\x7e]+$/);
      expect(r.width).toBeGreaterThan(5);
      expect(r.points.length).toBeGreaterThanOrEqual(2);
    }
    expect(new Set(city.roads.map((r) => r.id)).size).toBe(city.roads.length);
  });

  it('places ~30 sensors, ~12 cameras and 2 drone ports with complete properties', () => {
    const sensors = city.sites.filter((s) => s.kind === 'sensor');
    const cams = city.sites.filter((s) => s.kind === 'camera');
    const docks = city.sites.filter((s) => s.kind === 'droneport');
    expect(sensors.length).toBeGreaterThanOrEqual(28);
    expect(sensors.length).toBeLessThanOrEqual(32);
    expect(cams.length).toBe(12);
    expect(docks.length).toBe(2);
    const props = new Set(sensors.map((s) => s.properties.property));
    for (const p of ['waterLevel', 'rainfall', 'pressure', 'flow', 'gasConcentration', 'pm25']) expect(props.has(p), p).toBe(true);
    for (const s of sensors) {
      expect(typeof s.properties.unit).toBe('string');
      expect(typeof s.properties.warning).toBe('number');
      expect(typeof s.properties.alarm).toBe('number');
      const worse = s.properties.direction === 'below' ? -1 : 1;
      expect(((s.properties.alarm as number) - (s.properties.warning as number)) * worse).toBeGreaterThan(0);
    }
    for (const c of cams) {
      for (const k of ['heading', 'pitch', 'fov', 'range']) expect(typeof c.properties[k]).toBe('number');
      expect(c.properties.streamUrl).toBeNull();
    }
    expect(new Set(city.sites.map((s) => s.id)).size).toBe(city.sites.length);
    for (const s of city.sites) {
      expect(s.name.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(s.name.en.length).toBeGreaterThan(3);
      expect([s.x, s.y, s.z].every(Number.isFinite)).toBe(true);
      expect(s.x).toBeGreaterThan(city.dem.xll);
      expect(s.y).toBeGreaterThan(city.dem.yll);
    }
  });
});

describe('generateDemoCity: other seeds', () => {
  it('keeps its invariants for other seeds', () => {
    for (const seed of [1, 42, 4294967295]) {
      const c = generateDemoCity(seed);
      expect(c.buildings.features.length, `seed ${seed}`).toBeGreaterThan(1800);
      expect(c.buildings.features.length, `seed ${seed}`).toBeLessThan(2300);
      expect(overlapProblems(c).problems, `seed ${seed}`).toEqual([]);
      const d = c.networks.find((n) => n.kind === 'drainage')!;
      expect(d.links.every((l) => (l.attributes.slope as number) > 0), `seed ${seed}`).toBe(true);
      const w = c.networks.find((n) => n.kind === 'water')!;
      const adj = new Map<string, string[]>();
      for (const l of w.links) {
        adj.set(l.from, [...(adj.get(l.from) ?? []), l.to]);
        adj.set(l.to, [...(adj.get(l.to) ?? []), l.from]);
      }
      expect(reachable(adj, w.nodes.find((n) => n.kind === 'reservoir')!.id).size, `seed ${seed}`).toBe(w.nodes.length);
      expect(c.sites.length).toBe(city.sites.length);
      expect(c.bim.features.length).toBe(city.bim.features.length);
    }
  });
});
