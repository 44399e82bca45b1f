import type { MeshPart, SurfaceSemantic } from '../model/feature.js';
import { triangulatePolygon3D } from './triangulate.js';

/** A 3D point [x, y, z]. */
export type Vec3 = [number, number, number];
/** A 2D point [x, y]. */
export type Vec2 = [number, number];
/** RGBA colour, components 0..1. */
export type Rgba = [number, number, number, number];

/**
 * Accumulates triangles per surface semantic and turns them into MeshParts. Every `add*` helper in this module
 * writes closed, outward-facing (counter-clockwise seen from outside) surfaces into a builder.
 */
export class MeshBuilder {
  private readonly parts = new Map<SurfaceSemantic, { positions: number[]; indices: number[] }>();

  /** The part collecting triangles of one semantic (created on first use). */
  part(semantic: SurfaceSemantic): { positions: number[]; indices: number[] } {
    let p = this.parts.get(semantic);
    if (!p) {
      p = { positions: [], indices: [] };
      this.parts.set(semantic, p);
    }
    return p;
  }

  /** Adds a planar polygon ([outer, ...holes] of [x, y, z]); it faces the side its outer ring runs counter-clockwise from. */
  addPolygon(semantic: SurfaceSemantic, rings: number[][][]): void {
    const tri = triangulatePolygon3D(rings);
    if (tri.length === 0) return;
    const p = this.part(semantic);
    const base = p.positions.length / 3;
    for (const ring of rings) for (const v of ring) p.positions.push(v[0], v[1], v[2] ?? 0);
    for (const i of tri) p.indices.push(base + i);
  }

  /** Adds a planar convex polygon given as one ring (fan triangulation; faster than earcut for quads). */
  addConvex(semantic: SurfaceSemantic, ring: readonly Vec3[]): void {
    if (ring.length < 3) return;
    const p = this.part(semantic);
    const base = p.positions.length / 3;
    for (const v of ring) p.positions.push(v[0], v[1], v[2]);
    for (let i = 1; i + 1 < ring.length; i++) p.indices.push(base, base + i, base + i + 1);
  }

  /** Adds raw vertices and triangle indices (indices relative to the given vertices). */
  addRaw(semantic: SurfaceSemantic, positions: readonly number[], indices: readonly number[]): void {
    const p = this.part(semantic);
    const base = p.positions.length / 3;
    for (const v of positions) p.positions.push(v);
    for (const i of indices) p.indices.push(base + i);
  }

  /** Number of triangles added so far. */
  get triangleCount(): number {
    let n = 0;
    for (const p of this.parts.values()) n += p.indices.length / 3;
    return n;
  }

  /** True when nothing was added. */
  get isEmpty(): boolean {
    return this.triangleCount === 0;
  }

  /** The MeshParts, one per semantic in first-use order, with optional colours per semantic. */
  toParts(colors: Partial<Record<SurfaceSemantic, Rgba>> = {}): MeshPart[] {
    const out: MeshPart[] = [];
    for (const [semantic, p] of this.parts) {
      if (p.indices.length === 0) continue;
      const part: MeshPart = { semantic, positions: p.positions, indices: p.indices };
      const c = colors[semantic];
      if (c) part.color = c;
      out.push(part);
    }
    return out;
  }
}

/** Signed area of a 2D ring (positive when counter-clockwise). */
export function signedArea2D(ring: readonly Vec2[]): number {
  let a = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const p = ring[i], q = ring[(i + 1) % n];
    a += p[0] * q[1] - q[0] * p[1];
  }
  return a / 2;
}

/** The ring in counter-clockwise order (a copy). */
export function ccw(ring: readonly Vec2[]): Vec2[] {
  const r = ring.map((p) => [p[0], p[1]] as Vec2);
  return signedArea2D(r) < 0 ? r.reverse() : r;
}

/** Which faces of a prism to emit and with which semantic (null leaves the face out). */
export interface PrismSemantics {
  top?: SurfaceSemantic | null;
  side?: SurfaceSemantic;
  bottom?: SurfaceSemantic | null;
}

/**
 * Extrudes a 2D footprint (any orientation, concave allowed, optional holes) from z0 to z1: a closed prism with
 * walls, top (default 'roof') and bottom (default 'ground').
 */
export function addPrism(b: MeshBuilder, ring: readonly Vec2[], z0: number, z1: number, sem: PrismSemantics = {}, holes: readonly Vec2[][] = []): void {
  const outer = ccw(ring);
  const hs = holes.map((h) => ccw(h).reverse());
  const side = sem.side ?? 'wall';
  const top = sem.top === undefined ? 'roof' : sem.top;
  const bottom = sem.bottom === undefined ? 'ground' : sem.bottom;
  for (const r of [outer, ...hs]) {
    for (let i = 0, n = r.length; i < n; i++) {
      const p = r[i], q = r[(i + 1) % n];
      b.addConvex(side, [[p[0], p[1], z0], [q[0], q[1], z0], [q[0], q[1], z1], [p[0], p[1], z1]]);
    }
  }
  if (top) b.addPolygon(top, [outer.map((p) => [p[0], p[1], z1]), ...hs.map((h) => h.map((p) => [p[0], p[1], z1]))]);
  if (bottom) b.addPolygon(bottom, [outer.map((p) => [p[0], p[1], z0]).reverse(), ...hs.map((h) => h.map((p) => [p[0], p[1], z0]).reverse())]);
}

/** The four corners (counter-clockwise) of a rectangle centred at (cx, cy), `w` along the direction `angle` (rad), `d` across. */
export function rectangle(cx: number, cy: number, w: number, d: number, angle = 0): Vec2[] {
  const c = Math.cos(angle), s = Math.sin(angle);
  const hw = w / 2, hd = d / 2;
  return [
    [-hw, -hd],
    [hw, -hd],
    [hw, hd],
    [-hw, hd],
  ].map(([x, y]) => [cx + x * c - y * s, cy + x * s + y * c] as Vec2);
}

/** A closed box: centre (cx, cy), size w × d (w along `angle`), from z0 to z1. All faces use `semantic` unless `sem` is given. */
export function addBox(b: MeshBuilder, cx: number, cy: number, z0: number, w: number, d: number, z1: number, angle = 0, sem: PrismSemantics | SurfaceSemantic = 'generic'): void {
  const s = typeof sem === 'string' ? { top: sem, side: sem, bottom: sem } : sem;
  addPrism(b, rectangle(cx, cy, w, d, angle), z0, z1, s);
}

/** A closed vertical cylinder (regular polygon prism) of radius r with `sides` sides from z0 to z1. */
export function addCylinder(b: MeshBuilder, cx: number, cy: number, z0: number, z1: number, r: number, sides = 8, sem: PrismSemantics | SurfaceSemantic = 'generic'): void {
  const s = typeof sem === 'string' ? { top: sem, side: sem, bottom: sem } : sem;
  const ring: Vec2[] = [];
  for (let i = 0; i < sides; i++) {
    const a = (2 * Math.PI * i) / sides;
    ring.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
  }
  addPrism(b, ring, z0, z1, s);
}

/**
 * A closed tube of radius r along a 3D polyline (polygonal cross-section with `sides` sides, end caps). Rings at
 * inner vertices lie in the bisecting plane so bends stay watertight. Zero-length segments are skipped; a
 * polyline shorter than 1e-6 emits nothing.
 */
export function addTube(b: MeshBuilder, points: readonly Vec3[], r: number, sides = 8, semantic: SurfaceSemantic = 'pipe'): void {
  const pts: Vec3[] = [];
  for (const p of points) {
    const last = pts[pts.length - 1];
    if (!last || Math.hypot(p[0] - last[0], p[1] - last[1], p[2] - last[2]) > 1e-6) pts.push([p[0], p[1], p[2]]);
  }
  if (pts.length < 2) return;
  const n = pts.length;
  const segDir: Vec3[] = [];
  for (let i = 0; i + 1 < n; i++) segDir.push(norm(sub(pts[i + 1], pts[i])));
  // A reference "side" vector carried along the polyline (parallel transport) so rings do not twist.
  let side = perpendicular(segDir[0]);
  const positions: number[] = [];
  const rings: number[][] = [];
  for (let i = 0; i < n; i++) {
    const dIn = i > 0 ? segDir[i - 1] : segDir[0];
    const dOut = i < n - 1 ? segDir[i] : segDir[n - 2];
    let dir = norm(add(dIn, dOut));
    if (!isFinite(dir[0])) dir = dOut;
    // Re-orthogonalise the side vector against this ring's normal.
    side = sub(side, scale(dir, dot(side, dir)));
    side = Math.hypot(...side) < 1e-9 ? perpendicular(dir) : norm(side);
    const up = cross(dir, side);
    // Stretch across the bend so the tube keeps its radius on both segments.
    const cosHalf = Math.max(0.3, dot(dIn, dir));
    const ring: number[] = [];
    for (let j = 0; j < sides; j++) {
      const a = (2 * Math.PI * j) / sides;
      const ca = Math.cos(a), sa = Math.sin(a);
      // Component along the bend plane is stretched by 1/cosHalf.
      const off = add(scale(side, r * ca), scale(up, r * sa));
      const bendAxis = norm(sub(dOut, dIn));
      let v = off;
      if (isFinite(bendAxis[0]) && cosHalf < 0.99999) {
        const k = dot(off, bendAxis);
        v = add(off, scale(bendAxis, k * (1 / cosHalf - 1)));
      }
      ring.push(positions.length / 3);
      positions.push(pts[i][0] + v[0], pts[i][1] + v[1], pts[i][2] + v[2]);
    }
    rings.push(ring);
  }
  const indices: number[] = [];
  for (let i = 0; i + 1 < n; i++) {
    for (let j = 0; j < sides; j++) {
      const j1 = (j + 1) % sides;
      const a = rings[i][j], bb = rings[i][j1], c = rings[i + 1][j1], d = rings[i + 1][j];
      indices.push(a, bb, c, a, c, d);
    }
  }
  b.addRaw(semantic, positions, indices);
  // Caps: the end cap runs counter-clockwise seen along +dir, the start cap the other way.
  const ringPts = (k: number) => rings[k].map((idx) => [positions[idx * 3], positions[idx * 3 + 1], positions[idx * 3 + 2]] as Vec3);
  b.addConvex(semantic, ringPts(n - 1));
  b.addConvex(semantic, ringPts(0).reverse());
}

/** Parameters of a building body on a rectangle: centre, length w along `angle` (the ridge direction), depth d. */
export interface RectSpec {
  cx: number;
  cy: number;
  w: number;
  d: number;
  angle?: number;
}

/** Roof shapes the body builder knows. */
export type RoofShape = 'flat' | 'gable' | 'hip' | 'shed' | 'barrel';

/**
 * A closed building body on a rectangle: ground at z0, walls to the eave z1, and a roof rising to `ridge`
 * (ignored for 'flat'). Gable: ridge along w, triangular gable walls. Hip: ridge shortened by d at both ends
 * (a pyramid when w ≤ d). Shed: one slope rising across d from z1 to ridge. Barrel: a segmental vault across d
 * with `segments` facets. Semantics 'ground', 'wall', 'roof'.
 */
export function addRoofedBody(b: MeshBuilder, rect: RectSpec, z0: number, z1: number, shape: RoofShape, ridge: number, segments = 6): void {
  const { cx, cy, w, d } = rect;
  const angle = rect.angle ?? 0;
  const c = Math.cos(angle), s = Math.sin(angle);
  const T = (x: number, y: number, z: number): Vec3 => [cx + x * c - y * s, cy + x * s + y * c, z];
  const hw = w / 2, hd = d / 2;
  const rise = ridge - z1;
  if (shape === 'flat' || !(rise > 1e-3)) {
    addPrism(b, rectangle(cx, cy, w, d, angle), z0, shape === 'flat' ? z1 : Math.max(z1, ridge));
    return;
  }
  // Ground.
  b.addConvex('ground', [T(-hw, -hd, z0), T(-hw, hd, z0), T(hw, hd, z0), T(hw, -hd, z0)]);
  if (shape === 'gable') {
    b.addConvex('wall', [T(-hw, -hd, z0), T(hw, -hd, z0), T(hw, -hd, z1), T(-hw, -hd, z1)]);
    b.addConvex('wall', [T(hw, hd, z0), T(-hw, hd, z0), T(-hw, hd, z1), T(hw, hd, z1)]);
    b.addConvex('wall', [T(hw, -hd, z0), T(hw, hd, z0), T(hw, hd, z1), T(hw, 0, ridge), T(hw, -hd, z1)]);
    b.addConvex('wall', [T(-hw, hd, z0), T(-hw, -hd, z0), T(-hw, -hd, z1), T(-hw, 0, ridge), T(-hw, hd, z1)]);
    b.addConvex('roof', [T(-hw, -hd, z1), T(hw, -hd, z1), T(hw, 0, ridge), T(-hw, 0, ridge)]);
    b.addConvex('roof', [T(hw, hd, z1), T(-hw, hd, z1), T(-hw, 0, ridge), T(hw, 0, ridge)]);
    return;
  }
  if (shape === 'shed') {
    // Low side at -d/2 (z1), high side at +d/2 (ridge).
    b.addConvex('wall', [T(-hw, -hd, z0), T(hw, -hd, z0), T(hw, -hd, z1), T(-hw, -hd, z1)]);
    b.addConvex('wall', [T(hw, hd, z0), T(-hw, hd, z0), T(-hw, hd, ridge), T(hw, hd, ridge)]);
    b.addConvex('wall', [T(hw, -hd, z0), T(hw, hd, z0), T(hw, hd, ridge), T(hw, -hd, z1)]);
    b.addConvex('wall', [T(-hw, hd, z0), T(-hw, -hd, z0), T(-hw, -hd, z1), T(-hw, hd, ridge)]);
    b.addConvex('roof', [T(-hw, -hd, z1), T(hw, -hd, z1), T(hw, hd, ridge), T(-hw, hd, ridge)]);
    return;
  }
  // Walls up to the eave on all four sides (hip and barrel).
  if (shape === 'hip') {
    b.addConvex('wall', [T(-hw, -hd, z0), T(hw, -hd, z0), T(hw, -hd, z1), T(-hw, -hd, z1)]);
    b.addConvex('wall', [T(hw, -hd, z0), T(hw, hd, z0), T(hw, hd, z1), T(hw, -hd, z1)]);
    b.addConvex('wall', [T(hw, hd, z0), T(-hw, hd, z0), T(-hw, hd, z1), T(hw, hd, z1)]);
    b.addConvex('wall', [T(-hw, hd, z0), T(-hw, -hd, z0), T(-hw, -hd, z1), T(-hw, hd, z1)]);
    const rl = Math.max(0, hw - hd); // half ridge length
    if (rl < 1e-6) {
      const apex = T(0, 0, ridge);
      b.addConvex('roof', [T(-hw, -hd, z1), T(hw, -hd, z1), apex]);
      b.addConvex('roof', [T(hw, -hd, z1), T(hw, hd, z1), apex]);
      b.addConvex('roof', [T(hw, hd, z1), T(-hw, hd, z1), apex]);
      b.addConvex('roof', [T(-hw, hd, z1), T(-hw, -hd, z1), apex]);
    } else {
      b.addConvex('roof', [T(-hw, -hd, z1), T(hw, -hd, z1), T(rl, 0, ridge), T(-rl, 0, ridge)]);
      b.addConvex('roof', [T(hw, hd, z1), T(-hw, hd, z1), T(-rl, 0, ridge), T(rl, 0, ridge)]);
      b.addConvex('roof', [T(hw, -hd, z1), T(hw, hd, z1), T(rl, 0, ridge)]);
      b.addConvex('roof', [T(-hw, hd, z1), T(-hw, -hd, z1), T(-rl, 0, ridge)]);
    }
    return;
  }
  // Barrel vault across d: arc from (-hd, z1) over (0, ridge) to (hd, z1).
  const arc: [number, number][] = [];
  // Circle through the three points: radius R = (hd² + rise²) / (2 rise), centre at z = ridge - R.
  const R = (hd * hd + rise * rise) / (2 * rise);
  const zc = ridge - R;
  const a0 = Math.asin(Math.min(1, hd / R));
  for (let k = 0; k <= segments; k++) {
    const a = -a0 + (2 * a0 * k) / segments;
    arc.push(k === 0 ? [-hd, z1] : k === segments ? [hd, z1] : [R * Math.sin(a), zc + R * Math.cos(a)]);
  }
  b.addConvex('wall', [T(-hw, -hd, z0), T(hw, -hd, z0), T(hw, -hd, z1), T(-hw, -hd, z1)]);
  b.addConvex('wall', [T(hw, hd, z0), T(-hw, hd, z0), T(-hw, hd, z1), T(hw, hd, z1)]);
  // End walls: rectangle plus the arc, convex.
  b.addConvex('wall', [T(hw, -hd, z0), T(hw, hd, z0), ...arc.slice().reverse().map(([y, z]) => T(hw, y, z))]);
  b.addConvex('wall', [T(-hw, hd, z0), T(-hw, -hd, z0), ...arc.map(([y, z]) => T(-hw, y, z))]);
  for (let k = 0; k < segments; k++) {
    const [y0, za] = arc[k], [y1, zb] = arc[k + 1];
    b.addConvex('roof', [T(-hw, y0, za), T(hw, y0, za), T(hw, y1, zb), T(-hw, y1, zb)]);
  }
}

/**
 * Offsets a counter-clockwise ring inward by t with mitred corners (exact for convex and orthogonal polygons whose
 * edges are longer than the offset).
 */
export function insetRing(ring: Vec2[], t: number): Vec2[] {
  const n = ring.length;
  const out: Vec2[] = [];
  for (let i = 0; i < n; i++) {
    const p = ring[(i + n - 1) % n], c = ring[i], q = ring[(i + 1) % n];
    const e1 = norm2([c[0] - p[0], c[1] - p[1]]), e2 = norm2([q[0] - c[0], q[1] - c[1]]);
    // Inward normals of a CCW ring point left of the edge.
    const n1: Vec2 = [-e1[1], e1[0]], n2: Vec2 = [-e2[1], e2[0]];
    const k = 1 + n1[0] * n2[0] + n1[1] * n2[1];
    out.push([c[0] + (t * (n1[0] + n2[0])) / k, c[1] + (t * (n1[1] + n2[1])) / k]);
  }
  return out;
}
const norm2 = (v: Vec2): Vec2 => {
  const l = Math.hypot(v[0], v[1]);
  return [v[0] / l, v[1] / l];
};

/**
 * A closed flat-roofed body with a parapet: outer walls z0 → zRoof + parapet, a coping of width `thickness`, inner
 * parapet faces down to the roof recessed at zRoof. Semantics 'wall', 'roof', 'ground'.
 */
export function addParapetBody(b: MeshBuilder, ring: Vec2[], z0: number, zRoof: number, parapet: number, thickness = 0.4): void {
  const outer = ccw(ring);
  const inner = insetRing(outer, thickness);
  const top = zRoof + parapet;
  for (let i = 0, n = outer.length; i < n; i++) {
    const p = outer[i], q = outer[(i + 1) % n];
    b.addConvex('wall', [[p[0], p[1], z0], [q[0], q[1], z0], [q[0], q[1], top], [p[0], p[1], top]]);
    const pi = inner[i], qi = inner[(i + 1) % n];
    // Inner face of the parapet looks inward (towards the roof).
    b.addConvex('wall', [[qi[0], qi[1], zRoof], [pi[0], pi[1], zRoof], [pi[0], pi[1], top], [qi[0], qi[1], top]]);
    // Parapet coping.
    b.addConvex('roof', [[p[0], p[1], top], [q[0], q[1], top], [qi[0], qi[1], top], [pi[0], pi[1], top]]);
  }
  b.addPolygon('roof', [inner.map((p) => [p[0], p[1], zRoof])]);
  b.addPolygon('ground', [outer.map((p) => [p[0], p[1], z0]).reverse()]);
}

/** Vector helpers. */
function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}
function scale(a: Vec3, k: number): Vec3 {
  return [a[0] * k, a[1] * k, a[2] * k];
}
function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
function norm(a: Vec3): Vec3 {
  const l = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / l, a[1] / l, a[2] / l];
}
/** A unit vector perpendicular to d, horizontal when d is not vertical. */
function perpendicular(d: Vec3): Vec3 {
  const h = cross(d, [0, 0, 1]);
  return Math.hypot(...h) > 1e-6 ? norm(h) : norm(cross(d, [1, 0, 0]));
}
