import type { CoordinateTransform } from '../geo/projection.js';
import type { AttributeValue, CityFeature, FeatureCollectionModel } from '../model/feature.js';
import type { NetworkLink, NetworkNode, PipeNetwork } from '../model/network.js';
import { MeshBuilder, addBox, addCylinder, addTube, type Rgba, type Vec3 } from '../geometry/mesh.js';
import type { BuildingPlan } from './buildings.js';
import { centroid } from './buildings.js';
import type { Layout, Road } from './layout.js';
import type { Rng } from './random.js';
import { demHeight, type TerrainModel } from './terrain.js';

/** A node of the street graph (centreline intersection or road end). */
interface StreetNode {
  key: string;
  x: number;
  y: number;
  /** Roads passing through or ending here. */
  roads: Road[];
}

/** A street graph edge: a piece of one road between two consecutive nodes. */
interface StreetEdge {
  a: StreetNode;
  b: StreetNode;
  road: Road;
}

/** The street graph all networks follow. */
interface StreetGraph {
  nodes: StreetNode[];
  edges: StreetEdge[];
}

const r2 = (v: number) => Math.round(v * 100) / 100;
const r3 = (v: number) => Math.round(v * 1000) / 1000;

/** Builds the street graph: nodes at road ends and crossings, edges between consecutive nodes of each road. */
export function streetGraph(roads: Road[]): StreetGraph {
  const nodes = new Map<string, StreetNode>();
  const node = (x: number, y: number, r: Road): StreetNode => {
    const key = `${Math.round(x * 10)},${Math.round(y * 10)}`;
    let n = nodes.get(key);
    if (!n) {
      n = { key, x, y, roads: [] };
      nodes.set(key, n);
    }
    if (!n.roads.includes(r)) n.roads.push(r);
    return n;
  };
  const edges: StreetEdge[] = [];
  const eps = 0.5;
  for (const r of roads) {
    const stops = new Set<number>([r.from, r.to]);
    for (const s of roads) {
      if (s.axis === r.axis) continue;
      if (s.c >= r.from - eps && s.c <= r.to + eps && r.c >= s.from - eps && r.c <= s.to + eps) stops.add(Math.max(r.from, Math.min(r.to, s.c)));
    }
    const sorted = [...stops].sort((p, q) => p - q).filter((v, i, a) => i === 0 || v - a[i - 1] > eps);
    const pts = sorted.map((t) => (r.axis === 'ns' ? node(r.c, t, r) : node(t, r.c, r)));
    for (let i = 0; i + 1 < pts.length; i++) edges.push({ a: pts[i], b: pts[i + 1], road: r });
  }
  // Register crossing roads on nodes (a node created by one road gets the other road too).
  for (const e of edges) {
    for (const n of [e.a, e.b]) if (!n.roads.includes(e.road)) n.roads.push(e.road);
  }
  return { nodes: [...nodes.values()], edges };
}

/** Offset of a network's pipe from the road centreline, as a fraction of the road width (east/north positive). */
const OFFSET = { water: 0.3, drainage: 0, gas: -0.3 } as const;

/** Position of a street node for a network: shifted by each crossing road's pipe offset. */
function nodePos(n: StreetNode, kind: keyof typeof OFFSET, along?: Road): [number, number] {
  let x = n.x, y = n.y;
  const ns = n.roads.find((r) => r.axis === 'ns' && (!along || along.axis === 'ew' || r === along));
  const ew = n.roads.find((r) => r.axis === 'ew' && (!along || along.axis === 'ns' || r === along));
  if (ns) x += ns.width * OFFSET[kind];
  if (ew) y += ew.width * OFFSET[kind];
  return [x, y];
}

/** Ground (ellipsoidal) at a point. */
type Ground = (x: number, y: number) => number;

/** Points along a straight line every ≤ step m (endpoints excluded) at `depth` below ground. */
function profile(g: Ground, x0: number, y0: number, x1: number, y1: number, step: number, depth: number): [number, number, number][] {
  const L = Math.hypot(x1 - x0, y1 - y0);
  const n = Math.ceil(L / step);
  const out: [number, number, number][] = [];
  for (let k = 1; k < n; k++) {
    const t = k / n;
    const x = x0 + (x1 - x0) * t, y = y0 + (y1 - y0) * t;
    out.push([r2(x), r2(y), r2(g(x, y) - depth)]);
  }
  return out;
}

/** Length of a polyline through node positions and vertices. */
function polyLength(pts: [number, number, number][]): number {
  let L = 0;
  for (let i = 1; i < pts.length; i++) L += Math.hypot(pts[i][0] - pts[i - 1][0], pts[i][1] - pts[i - 1][1], pts[i][2] - pts[i - 1][2]);
  return L;
}

/** A network under construction with unique ids. */
class NetBuilder {
  readonly nodes: NetworkNode[] = [];
  readonly links: NetworkLink[] = [];
  private readonly byId = new Map<string, NetworkNode>();
  private counters = new Map<string, number>();
  constructor(readonly kind: PipeNetwork['kind']) {}
  nextId(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}-${String(n).padStart(4, '0')}`;
  }
  addNode(prefix: string, kind: string, x: number, y: number, z: number, attributes: NetworkNode['attributes']): NetworkNode {
    const n: NetworkNode = { id: this.nextId(prefix), kind, x: r2(x), y: r2(y), z: r2(z), attributes };
    this.nodes.push(n);
    this.byId.set(n.id, n);
    return n;
  }
  node(id: string): NetworkNode {
    const n = this.byId.get(id);
    if (!n) throw new Error(`network ${this.kind}: unknown node ${id}`);
    return n;
  }
  addLink(prefix: string, kind: string, from: NetworkNode, to: NetworkNode, vertices: [number, number, number][], attributes: NetworkLink['attributes']): NetworkLink {
    const l: NetworkLink = { id: this.nextId(prefix), kind, from: from.id, to: to.id, attributes };
    if (vertices.length) l.vertices = vertices;
    this.links.push(l);
    return l;
  }
  /** Full 3D polyline of a link. */
  path(l: NetworkLink): [number, number, number][] {
    const a = this.node(l.from), b = this.node(l.to);
    return [[a.x, a.y, a.z], ...(l.vertices ?? []), [b.x, b.y, b.z]];
  }
  build(): PipeNetwork {
    return { kind: this.kind, nodes: this.nodes, links: this.links };
  }
}

const WATER_DN: Record<Road['roadClass'], number> = { arterial: 600, secondary: 400, local: 200 };
const GAS_DN: Record<Road['roadClass'], number> = { arterial: 315, secondary: 250, local: 110 };

/** Water supply: looped grid along the streets, hydrants, isolation valves, a hill reservoir and a water tower. */
function buildWater(rng: Rng, g: Ground, graph: StreetGraph, terrain: TerrainModel, layout: Layout, plans: BuildingPlan[]): PipeNetwork {
  const net = new NetBuilder('water');
  const cover = 1.2;
  const depthOf = (dn: number) => cover + dn / 2000;
  const jAttrs = (z: number, demand = 0): NetworkNode['attributes'] => ({ elevation: r2(z), demand: r3(demand) });
  const streetJ = new Map<string, NetworkNode>();
  const maxDn = (n: StreetNode) => Math.max(...n.roads.map((r) => WATER_DN[r.roadClass]));
  for (const n of graph.nodes) {
    const [x, y] = nodePos(n, 'water');
    const z = g(x, y) - depthOf(maxDn(n));
    streetJ.set(n.key, net.addNode('WJ', 'junction', x, y, z, jAttrs(z)));
  }
  const pipeAttrs = (dn: number, length: number, year: number): NetworkLink['attributes'] => ({
    diameter: dn,
    length: r2(length),
    material: dn >= 300 ? 'DI' : 'PE100',
    roughness: dn >= 300 ? 130 : 140,
    minorLoss: 0,
    status: 'OPEN',
    installYear: year,
  });
  let hydrantSpacing = 0;
  for (const e of graph.edges) {
    const dn = WATER_DN[e.road.roadClass];
    const depth = depthOf(dn);
    const year = rng.int(1990, 2020);
    const A = streetJ.get(e.a.key)!, B = streetJ.get(e.b.key)!;
    const [ax, ay] = [A.x, A.y];
    const [bx, by] = [B.x, B.y];
    const L = Math.hypot(bx - ax, by - ay);
    if (L < 1) continue;
    const ux = (bx - ax) / L, uy = (by - ay) / L;
    let start = A;
    let s0 = 0;
    // Isolation valve at the start of most major mains and some local ones.
    if (L > 30 && rng.chance(e.road.roadClass === 'local' ? 0.3 : 0.6)) {
      const vx = ax + ux * 4, vy = ay + uy * 4, vz = g(vx, vy) - depth;
      const vn = net.addNode('WJ', 'junction', vx, vy, vz, jAttrs(vz));
      net.addLink('WV', 'valve', A, vn, [], { diameter: dn, valveType: 'TCV', setting: 0, minorLoss: 0.2, status: 'OPEN', isolation: true, length: 4 });
      start = vn;
      s0 = 4;
    }
    // Split into pieces ≤ 110 m with intermediate junctions; hydrants every ~110 m.
    const n = Math.max(1, Math.ceil((L - s0) / 110));
    let prev = start;
    for (let k = 1; k <= n; k++) {
      const s = s0 + ((L - s0) * k) / n;
      let next: NetworkNode;
      if (k === n) next = B;
      else {
        const x = ax + ux * s, y = ay + uy * s, z = g(x, y) - depth;
        next = net.addNode('WJ', 'junction', x, y, z, jAttrs(z));
      }
      const verts = profile(g, prev.x, prev.y, next.x, next.y, 40, depth);
      const path: [number, number, number][] = [[prev.x, prev.y, prev.z], ...verts, [next.x, next.y, next.z]];
      net.addLink('WP', 'pipe', prev, next, verts, pipeAttrs(dn, polyLength(path), year));
      hydrantSpacing += (L - s0) / n;
      if (hydrantSpacing >= 100 && k < n) {
        hydrantSpacing = 0;
        // Hydrant at the kerb, 3 m to the side of the main, on a DN100 lateral.
        const side = e.road.axis === 'ns' ? [1, 0] : [0, 1];
        const hx = next.x + side[0] * 3, hy = next.y + side[1] * 3, gz = g(hx, hy);
        const h = net.addNode('WH', 'hydrant', hx, hy, gz + 0.6, { elevation: r2(gz + 0.6), demand: 0, fireFlow: 15, hydrantType: 'SS100' });
        net.addLink('WP', 'pipe', next, h, [[r2(hx), r2(hy), r2(gz - depth)]], { ...pipeAttrs(100, 3 + depth + 0.6, year), material: 'DI', roughness: 130, lateral: 'hydrant' });
      }
      prev = next;
    }
  }
  // Demands: each building's daily use on its nearest street junction (L/s).
  const js = [...streetJ.values()];
  const demand = new Map<NetworkNode, number>();
  plans.forEach((p) => {
    const [cx, cy] = centroid(p.footprint);
    let best = js[0], bd = Infinity;
    for (const j of js) {
      const d = (j.x - cx) ** 2 + (j.y - cy) ** 2;
      if (d < bd) {
        bd = d;
        best = j;
      }
    }
    const area = Math.abs(p.footprint.reduce((a, q, k, r) => a + q[0] * r[(k + 1) % r.length][1] - r[(k + 1) % r.length][0] * q[1], 0) / 2);
    const gfa = area * p.floors + (p.tower ? p.tower.rect.w * p.tower.rect.d * p.tower.floors : 0);
    const litresPerDay = p.use === '住宅' ? ((gfa * 0.8) / 90) * 2.8 * 220 : gfa * (p.use === '工业' ? 3 : 4);
    demand.set(best, (demand.get(best) ?? 0) + litresPerDay / 86400);
  });
  for (const [j, d] of demand) j.attributes.demand = r3(d);

  // Service reservoir on the hill, feeding the grid through a DN800 main.
  const { hill } = terrain;
  const rx = hill.x + 40, ry = hill.y - 60;
  const rg = g(rx, ry);
  const reservoir = net.addNode('WR', 'reservoir', rx, ry, rg, { head: r2(rg + 4), elevation: r2(rg), nameEn: 'Yuntai Hill service reservoir', name: '云台山清水池' });
  const nearest = (x: number, y: number, filter: (j: NetworkNode) => boolean = () => true): NetworkNode => {
    let best = js[0], bd = Infinity;
    for (const j of js) {
      if (!filter(j)) continue;
      const d = (j.x - x) ** 2 + (j.y - y) ** 2;
      if (d < bd) {
        bd = d;
        best = j;
      }
    }
    return best;
  };
  // The main joins the grid at the nearest junction on an arterial (DN600 ring), east of the reservoir.
  const onArterial = new Set(graph.nodes.filter((n) => n.roads.some((r) => r.roadClass === 'arterial')).map((n) => streetJ.get(n.key)!));
  const entry = nearest(rx, ry, (j) => onArterial.has(j) && j.x > rx + 100);
  const outlet = net.addNode('WJ', 'junction', rx + 6, ry, rg - 1.8, jAttrs(rg - 1.8));
  net.addLink('WP', 'pipe', reservoir, outlet, [], { ...pipeAttrs(800, 6, 2008), material: 'DI', roughness: 130 });
  const corner: [number, number] = [entry.x, outlet.y];
  const mainVerts = [...profile(g, outlet.x, outlet.y, corner[0], corner[1], 40, 1.8), [r2(corner[0]), r2(corner[1]), r2(g(corner[0], corner[1]) - 1.8)] as [number, number, number], ...profile(g, corner[0], corner[1], entry.x, entry.y, 40, 1.8)];
  net.addLink('WP', 'pipe', outlet, entry, mainVerts, { ...pipeAttrs(800, polyLength([[outlet.x, outlet.y, outlet.z], ...mainVerts, [entry.x, entry.y, entry.z]]), 2008), transmission: true });

  // Elevated water tower in a pocket park, tank bottom 33 m above ground so its water floats near the grid's
  // hydraulic grade line (and below the reservoir head, so it can fill).
  const park = layout.blocks.find((b) => b.zone === 'pocketPark' && b.sb[0] >= 5) ?? layout.blocks.find((b) => b.zone === 'pocketPark')!;
  const tx = (park.x0 + park.x1) / 2, ty = (park.y0 + park.y1) / 2, tg = g(tx, ty);
  const tank = net.addNode('WT', 'tank', tx, ty, tg + 33, {
    elevation: r2(tg + 33), initLevel: 6, minLevel: 0.5, maxLevel: 9, diameter: 14, minVolume: 0, name: '新城水塔', nameEn: 'Xincheng water tower', groundLevel: r2(tg),
  });
  const onMajor = new Set(graph.nodes.filter((n) => n.roads.some((r) => r.roadClass !== 'local')).map((n) => streetJ.get(n.key)!));
  const tEntry = nearest(tx, ty, (j) => onMajor.has(j));
  const foot = net.addNode('WJ', 'junction', tx, ty - 2, tg - 1.6, jAttrs(tg - 1.6));
  net.addLink('WP', 'pipe', tank, foot, [[r2(tx), r2(ty - 2), r2(tg + 1)]], { ...pipeAttrs(400, 30, 2010), material: 'Steel', roughness: 120, riser: true });
  net.addLink('WP', 'pipe', foot, tEntry, profile(g, foot.x, foot.y, tEntry.x, tEntry.y, 40, 1.6), pipeAttrs(400, Math.hypot(foot.x - tEntry.x, foot.y - tEntry.y), 2010));
  return net.build();
}

/** Drainage: gravity sewers draining every street to outfalls on the river bank. */
function buildDrainage(g: Ground, graph: StreetGraph, terrain: TerrainModel): PipeNetwork {
  const net = new NetBuilder('drainage');
  const riverside = graph.edges.map((e) => e.road).find((r) => r.axis === 'ew' && r.roadClass === 'arterial' && r.c < -400)!;
  // Outfall sources: street nodes on the riverside road where a N–S road ends.
  const adj = new Map<StreetNode, { to: StreetNode; e: StreetEdge; len: number }[]>();
  for (const e of graph.edges) {
    const len = Math.hypot(e.a.x - e.b.x, e.a.y - e.b.y);
    if (!adj.has(e.a)) adj.set(e.a, []);
    if (!adj.has(e.b)) adj.set(e.b, []);
    adj.get(e.a)!.push({ to: e.b, e, len });
    adj.get(e.b)!.push({ to: e.a, e, len });
  }
  const outfallNodes = graph.nodes.filter((n) => n.roads.includes(riverside) && n.roads.some((r) => r.axis === 'ns'));
  // Dijkstra (simple O(n²), a few hundred nodes) from the outfall nodes.
  const dist = new Map<StreetNode, number>();
  const parent = new Map<StreetNode, StreetNode>();
  for (const n of outfallNodes) dist.set(n, 0);
  const done = new Set<StreetNode>();
  for (;;) {
    let u: StreetNode | undefined, du = Infinity;
    for (const [n, d] of dist) if (!done.has(n) && d < du) {
      du = d;
      u = n;
    }
    if (!u) break;
    done.add(u);
    for (const { to, len } of adj.get(u) ?? []) {
      // Prefer running downhill: uphill legs cost more.
      const rise = Math.max(0, g(u.x, u.y) - g(to.x, to.y));
      const c = du + len + rise * 200;
      if (c < (dist.get(to) ?? Infinity)) {
        dist.set(to, c);
        parent.set(to, u);
      }
    }
  }
  /** True when `a` lies on the drainage path from `b` to its outfall. */
  const isAncestor = (a: StreetNode, b: StreetNode): boolean => {
    for (let n: StreetNode | undefined = b; n; n = parent.get(n)) if (n === a) return true;
    return false;
  };
  // Manhole chains along each edge, directed downstream.
  const mh = new Map<string, NetworkNode>();
  const manholeAt = (key: string, x: number, y: number): NetworkNode => {
    let n = mh.get(key);
    if (!n) {
      const rim = g(x, y);
      n = net.addNode('DM', 'manhole', x, y, rim - 2, { rimLevel: r2(rim), invertLevel: 0, depth: 0, diameter: 1000 });
      mh.set(key, n);
    }
    return n;
  };
  const streetMh = (n: StreetNode) => {
    const [x, y] = nodePos(n, 'drainage');
    return manholeAt(n.key, x, y);
  };
  interface Pipe { from: NetworkNode; to: NetworkNode; len: number }
  const pipes: Pipe[] = [];
  const chain = (from: NetworkNode, to: NetworkNode, keyBase: string) => {
    const L = Math.hypot(to.x - from.x, to.y - from.y);
    const n = Math.max(1, Math.ceil(L / 70));
    let prev = from;
    for (let k = 1; k <= n; k++) {
      const next = k === n ? to : manholeAt(`${keyBase}:${k}`, from.x + ((to.x - from.x) * k) / n, from.y + ((to.y - from.y) * k) / n);
      pipes.push({ from: prev, to: next, len: Math.hypot(next.x - prev.x, next.y - prev.y) });
      prev = next;
    }
  };
  for (const e of graph.edges) {
    const A = streetMh(e.a), B = streetMh(e.b);
    const key = `${e.a.key}>${e.b.key}`;
    if (parent.get(e.a) === e.b) chain(A, B, key);
    else if (parent.get(e.b) === e.a) chain(B, A, key);
    else {
      // Not on the drainage tree: drain the whole edge to its clearly lower end (unless that end lies upstream of
      // the other, which would close a loop); on flat ground a summit manhole at mid-edge drains to both ends.
      const ga = Number(A.attributes.rimLevel), gb = Number(B.attributes.rimLevel);
      if (ga - gb > 0.5 && !isAncestor(e.a, e.b)) chain(A, B, key);
      else if (gb - ga > 0.5 && !isAncestor(e.b, e.a)) chain(B, A, key);
      else {
        const M = manholeAt(`${key}:mid`, (A.x + B.x) / 2, (A.y + B.y) / 2);
        chain(M, A, `${key}:a`);
        chain(M, B, `${key}:b`);
      }
    }
  }
  // Outfalls through the levee to the river.
  for (const n of outfallNodes) {
    const A = streetMh(n);
    const ox = A.x, oy = terrain.river.northBank(ox) - 6;
    const rim = g(ox, oy);
    const o = net.addNode('DO', 'outfall', ox, oy, rim - 1, { rimLevel: r2(rim), invertLevel: 0, flapGate: true, receivingWater: 'Pearl River' });
    pipes.push({ from: A, to: o, len: Math.hypot(o.x - A.x, o.y - A.y) });
  }
  // Accumulated upstream pipe length → diameter.
  const out = new Map<NetworkNode, Pipe[]>();
  const inc = new Map<NetworkNode, Pipe[]>();
  for (const p of pipes) {
    if (!out.has(p.from)) out.set(p.from, []);
    out.get(p.from)!.push(p);
    if (!inc.has(p.to)) inc.set(p.to, []);
    inc.get(p.to)!.push(p);
  }
  // Topological order (sources first) — Kahn.
  const indeg = new Map<NetworkNode, number>();
  for (const n of net.nodes) indeg.set(n, inc.get(n)?.length ?? 0);
  const order: NetworkNode[] = [];
  const queue = net.nodes.filter((n) => indeg.get(n) === 0);
  while (queue.length) {
    const n = queue.shift()!;
    order.push(n);
    for (const p of out.get(n) ?? []) {
      const d = indeg.get(p.to)! - 1;
      indeg.set(p.to, d);
      if (d === 0) queue.push(p.to);
    }
  }
  if (order.length !== net.nodes.length) throw new Error('demo drainage: network has a cycle');
  const acc = new Map<NetworkNode, number>();
  const pipeDn = new Map<Pipe, number>();
  for (const n of order) {
    const upstream = acc.get(n) ?? 0;
    const outs = out.get(n) ?? [];
    for (const p of outs) {
      const a = upstream / outs.length + p.len;
      const dn = a < 300 ? 400 : a < 1000 ? 600 : a < 2500 ? 800 : a < 5000 ? 1000 : a < 9000 ? 1200 : 1500;
      pipeDn.set(p, dn);
      acc.set(p.to, (acc.get(p.to) ?? 0) + a);
    }
  }
  // Inverts: 1.8 m cover over the largest outgoing pipe, then pushed down so every pipe falls ≥ its minimum slope.
  const invert = new Map<NetworkNode, number>();
  for (const n of net.nodes) {
    const rim = Number(n.attributes.rimLevel);
    const dn = Math.max(400, ...(out.get(n) ?? []).map((p) => pipeDn.get(p)!), ...(inc.get(n) ?? []).map((p) => pipeDn.get(p)!));
    invert.set(n, rim - 1.8 - dn / 1000);
  }
  for (const n of order) {
    for (const p of out.get(n) ?? []) {
      const dn = pipeDn.get(p)!;
      const minSlope = dn <= 400 ? 0.003 : dn <= 800 ? 0.002 : 0.0012;
      const need = invert.get(n)! - Math.max(0.02, minSlope * p.len);
      if (invert.get(p.to)! > need) invert.set(p.to, need);
    }
  }
  for (const n of net.nodes) {
    const inv = invert.get(n)!;
    n.z = r3(inv);
    n.attributes.invertLevel = r3(inv);
    if (n.kind === 'manhole') {
      n.attributes.depth = r2(Number(n.attributes.rimLevel) - inv);
      const big = Math.max(0, ...(inc.get(n) ?? []).map((p) => pipeDn.get(p)!), ...(out.get(n) ?? []).map((p) => pipeDn.get(p)!));
      n.attributes.diameter = big >= 1000 ? 1500 : big >= 600 ? 1250 : 1000;
    }
  }
  for (const p of pipes) {
    const dn = pipeDn.get(p)!;
    const up = invert.get(p.from)!, down = invert.get(p.to)!;
    net.addLink('DP', 'pipe', p.from, p.to, [], {
      diameter: dn,
      length: r2(p.len),
      slope: Number(((up - down) / p.len).toFixed(5)),
      upstreamInvert: r3(up),
      downstreamInvert: r3(down),
      material: dn >= 600 ? 'RC' : 'HDPE',
      roughness: 0.013,
      shape: 'circular',
      system: 'combined',
    });
  }
  return net.build();
}

/** Gas: medium-pressure mains on arterials/secondaries, low-pressure pipes on local streets behind regulators. */
function buildGas(rng: Rng, g: Ground, graph: StreetGraph, layout: Layout): PipeNetwork {
  const net = new NetBuilder('gas');
  const depthOf = (dn: number) => 0.9 + dn / 2000;
  const mpNode = new Map<string, NetworkNode>();
  const lpNode = new Map<string, NetworkNode>();
  const isMajor = (r: Road) => r.roadClass !== 'local';
  const junction = (map: Map<string, NetworkNode>, key: string, x: number, y: number, dn: number, cls: string) => {
    let n = map.get(key);
    if (!n) {
      const z = g(x, y) - depthOf(dn);
      n = net.addNode('GJ', 'junction', x, y, z, { elevation: r2(z), pressureClass: cls });
      map.set(key, n);
    }
    return n;
  };
  // Gate station at the east end of the main arterial.
  const arterials = layout.roads.filter((r) => r.axis === 'ew' && r.roadClass === 'arterial').sort((a, b) => a.c - b.c);
  const feed = arterials[Math.floor(arterials.length / 2)];
  const mpAttrs = (r: Road, len: number) => ({ diameter: GAS_DN[r.roadClass], length: r2(len), material: r.roadClass === 'arterial' ? 'Steel' : 'PE100', pressureClass: 'MP-A', designPressure: 0.4, installYear: rng.int(1998, 2020) });
  for (const e of graph.edges) {
    if (!isMajor(e.road)) continue;
    const [ax, ay] = nodePos(e.a, 'gas');
    const [bx, by] = nodePos(e.b, 'gas');
    const dn = GAS_DN[e.road.roadClass];
    const A = junction(mpNode, e.a.key, ax, ay, dn, 'MP-A'), B = junction(mpNode, e.b.key, bx, by, dn, 'MP-A');
    const verts = profile(g, A.x, A.y, B.x, B.y, 40, depthOf(dn));
    net.addLink('GP', 'pipe', A, B, verts, mpAttrs(e.road, polyLength([[A.x, A.y, A.z], ...verts, [B.x, B.y, B.z]])));
  }
  const feedEnd = graph.nodes.filter((n) => n.roads.includes(feed)).sort((a, b) => b.x - a.x)[0];
  const fe = mpNode.get(feedEnd.key)!;
  const src = net.addNode('GS', 'source', fe.x + 25, fe.y, g(fe.x + 25, fe.y), { name: '东区燃气门站', nameEn: 'East gas gate station', outletPressure: 0.4, pressureClass: 'HP-MP' });
  net.addLink('GP', 'pipe', src, fe, profile(g, src.x, src.y, fe.x, fe.y, 10, 1.2), { diameter: 400, length: 25, material: 'Steel', pressureClass: 'MP-A', designPressure: 0.4, installYear: 2005 });
  // Low-pressure local streets, each fed through a regulator station where it meets a main.
  const locals = layout.roads.filter((r) => r.roadClass === 'local');
  for (const road of locals) {
    const edges = graph.edges.filter((e) => e.road === road);
    if (!edges.length) continue;
    const dn = GAS_DN.local;
    const along = (n: StreetNode) => (road.axis === 'ns' ? n.y : n.x);
    const nodesOnRoad = [...new Set(edges.flatMap((e) => [e.a, e.b]))].sort((a, b) => along(a) - along(b));
    const first = nodesOnRoad[0], last = nodesOnRoad[nodesOnRoad.length - 1];
    const firstMajor = first.roads.some(isMajor), lastMajor = last.roads.some(isMajor);
    const dir = road.axis === 'ns' ? [0, 1] : [1, 0];
    const lpPos = (n: StreetNode): [number, number] => {
      const [x, y] = nodePos(n, 'gas', road);
      // Stop 8 m short of a main so low and medium pressure never share a node.
      if (n === first && firstMajor) return [x + dir[0] * 8, y + dir[1] * 8];
      if (n === last && lastMajor) return [x - dir[0] * 8, y - dir[1] * 8];
      return [x, y];
    };
    for (const e of edges) {
      const [ax, ay] = lpPos(e.a), [bx, by] = lpPos(e.b);
      const ka = e.a.roads.some(isMajor) ? `${e.a.key}@${road.id}` : e.a.key;
      const kb = e.b.roads.some(isMajor) ? `${e.b.key}@${road.id}` : e.b.key;
      const A = junction(lpNode, ka, ax, ay, dn, 'LP'), B = junction(lpNode, kb, bx, by, dn, 'LP');
      const verts = profile(g, A.x, A.y, B.x, B.y, 40, depthOf(dn));
      net.addLink('GP', 'pipe', A, B, verts, { diameter: dn, length: r2(polyLength([[A.x, A.y, A.z], ...verts, [B.x, B.y, B.z]])), material: 'PE100', pressureClass: 'LP', designPressure: 0.0025, installYear: rng.int(1995, 2020) });
    }
    const feedAt = firstMajor ? first : lastMajor ? last : undefined;
    if (!feedAt) continue;
    const mp = mpNode.get(feedAt.key);
    const lp = lpNode.get(`${feedAt.key}@${road.id}`);
    if (!mp || !lp) continue;
    // The regulator station node sits between the main and the local pipe.
    const rx = (mp.x + lp.x) / 2, ry = (mp.y + lp.y) / 2, rg = g(rx, ry);
    const reg = net.addNode('GR', 'regulator', rx, ry, rg - depthOf(dn), { elevation: r2(rg - depthOf(dn)), inletPressure: 0.4, outletPressure: 0.0025, capacity: 300, groundLevel: r2(rg) });
    net.addLink('GL', 'regulator', mp, reg, [], { diameter: dn, length: r2(Math.hypot(mp.x - rx, mp.y - ry)), pressureClass: 'MP-A/LP', material: 'Steel' });
    net.addLink('GP', 'pipe', reg, lp, [], { diameter: dn, length: r2(Math.hypot(lp.x - rx, lp.y - ry)), material: 'PE100', pressureClass: 'LP', designPressure: 0.0025, installYear: 2010 });
  }
  return net.build();
}

const COLORS: Record<PipeNetwork['kind'], Rgba> = { water: [0.18, 0.49, 0.88, 1], drainage: [0.54, 0.42, 0.24, 1], gas: [0.95, 0.71, 0.2, 1] };
const LINK_TYPE: Record<PipeNetwork['kind'], string> = { water: 'WaterPipe', drainage: 'DrainagePipe', gas: 'GasPipe' };

/** Meshes of all links and special nodes of the networks. */
function pipeFeatures(networks: PipeNetwork[], g: Ground): CityFeature[] {
  const features: CityFeature[] = [];
  for (const net of networks) {
    const nodes = new Map(net.nodes.map((n) => [n.id, n]));
    const color = COLORS[net.kind];
    for (const l of net.links) {
      const a = nodes.get(l.from)!, b = nodes.get(l.to)!;
      const dn = Number(l.attributes.diameter ?? 200);
      let path: Vec3[] = [[a.x, a.y, a.z], ...(l.vertices ?? []), [b.x, b.y, b.z]];
      if (net.kind === 'drainage') {
        // Sewer axis at invert + radius.
        path = path.map((p) => [p[0], p[1], p[2] + dn / 2000] as Vec3);
      }
      // Junctions at tank/reservoir/hydrant nodes sit above ground; risers go straight up.
      const mb = new MeshBuilder();
      addTube(mb, path, Math.max(0.05, dn / 2000), dn >= 800 ? 12 : 8, 'pipe');
      let type = LINK_TYPE[net.kind];
      if (l.kind === 'valve') {
        type = 'Valve';
        const mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2, mz = (a.z + b.z) / 2;
        addBox(mb, mx, my, mz - 0.4, 0.8, 0.8, mz + 0.5, 0, 'pipe');
        // Valve spindle box up to the surface.
        addBox(mb, mx, my, mz + 0.5, 0.3, 0.3, g(mx, my) + 0.02, 0, 'pipe');
      } else if (l.kind === 'regulator') {
        type = 'GasRegulator';
        const mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
        const gz = g(mx, my);
        addBox(mb, mx, my, Math.min(a.z, b.z), 0.3, 0.3, gz, 0, 'pipe');
        addBox(mb, mx, my, gz, 2.2, 1.4, gz + 2.2, 0, { top: 'roof', side: 'wall', bottom: 'ground' });
      }
      const attributes: Record<string, AttributeValue> = { network: net.kind, id: l.id, kind: l.kind, from: l.from, to: l.to };
      for (const [k, v] of Object.entries(l.attributes)) attributes[k] = v;
      attributes.diameter = dn;
      attributes.material = (l.attributes.material as string | undefined) ?? null;
      features.push({ id: `${net.kind}:${l.id}`, type, attributes, lods: [{ lod: '1', parts: mb.toParts({ pipe: color, wall: color, roof: color, ground: color }) }] });
    }
    for (const n of net.nodes) {
      const mb = new MeshBuilder();
      let type = '';
      const gz = g(n.x, n.y);
      if (n.kind === 'manhole') {
        type = 'Manhole';
        const r = Number(n.attributes.diameter) / 2000;
        addCylinder(mb, n.x, n.y, n.z - 0.2, Number(n.attributes.rimLevel), r, 10, { top: 'roof', side: 'wall', bottom: 'ground' });
      } else if (n.kind === 'outfall') {
        type = 'Outfall';
        addBox(mb, n.x, n.y, n.z - 0.3, 2.5, 1.5, n.z + 2, 0, { top: 'roof', side: 'wall', bottom: 'ground' });
      } else if (n.kind === 'hydrant') {
        type = 'Hydrant';
        addCylinder(mb, n.x, n.y, gz - 0.3, gz + 0.8, 0.12, 8, { top: 'roof', side: 'wall', bottom: 'ground' });
      } else if (n.kind === 'reservoir') {
        type = 'Reservoir';
        addBox(mb, n.x - 14, n.y, gz - 4, 26, 20, gz + 1.5, 0, { top: 'roof', side: 'wall', bottom: 'ground' });
      } else if (n.kind === 'tank') {
        type = 'WaterTower';
        const base = Number(n.attributes.groundLevel);
        addCylinder(mb, n.x, n.y, base - 0.5, n.z, 1.8, 10, { top: 'roof', side: 'wall', bottom: 'ground' });
        addCylinder(mb, n.x, n.y, n.z, n.z + Number(n.attributes.maxLevel) + 1, Number(n.attributes.diameter) / 2, 16, { top: 'roof', side: 'wall', bottom: 'ground' });
      } else if (n.kind === 'source') {
        type = 'GasStation';
        addBox(mb, n.x + 8, n.y, gz, 14, 10, gz + 4, 0, { top: 'roof', side: 'wall', bottom: 'ground' });
      } else if (n.kind === 'regulator') {
        continue; // drawn with its regulator link
      } else continue;
      const attributes: Record<string, AttributeValue> = { network: net.kind, id: n.id, kind: n.kind, diameter: Number(n.attributes.diameter ?? 0) || null, material: null };
      for (const [k, v] of Object.entries(n.attributes)) if (k !== 'diameter') attributes[k] = v;
      attributes.z = n.z;
      features.push({ id: `${net.kind}:${n.id}`, type, attributes, lods: [{ lod: '1', parts: mb.toParts({ pipe: color, wall: color, roof: color, ground: color }) }] });
    }
  }
  return features;
}

/** Builds the three networks and their meshes. */
export function buildNetworks(rng: Rng, crs: CoordinateTransform, layout: Layout, terrain: TerrainModel, plans: BuildingPlan[]): { networks: PipeNetwork[]; pipes: FeatureCollectionModel } {
  const g: Ground = (x, y) => demHeight(terrain.dem, x, y);
  const graph = streetGraph(layout.roads);
  const water = buildWater(rng.fork(1), g, graph, terrain, layout, plans);
  const drainage = buildDrainage(g, graph, terrain);
  const gas = buildGas(rng.fork(3), g, graph, layout);
  const networks = [water, drainage, gas];
  return { networks, pipes: { name: 'Underground utility networks (generated)', crs, features: pipeFeatures(networks, g) } };
}
