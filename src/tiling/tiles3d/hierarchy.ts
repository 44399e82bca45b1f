/**
 * Tile trees of the writer.
 *
 * Geometric error rule (metres): a tile's `geometricError` is the largest geometric difference between its
 * content and the full detail it stands for (all features of its subtree at their finest LoD):
 * - a feature left out of the tile counts with its size (largest extent of its finest-LoD bounding box), since
 *   everything of it is missing;
 * - a feature drawn at a coarser LoD counts with its LoD deviation (see lod-error.ts);
 * - a tile's error is never below its children's; leaves hold full detail and have error 0.
 * The tileset's `geometricError` (error when nothing is drawn) is the diagonal of the root bounding box.
 *
 * 'quadtree': the features' centres are split at the midpoint of their extent into four quadrants until a tile has
 * at most `maxFeaturesPerTile` features (leaf, finest LoD). An internal tile draws the largest features of its
 * subtree at their coarsest LoD, largest first, until the next one would exceed `internalTriangleBudget` triangles,
 * and is REPLACEd by its children. A child that would draw the same coarse features as its parent (both hold every
 * feature of their subtree) is left out and its children hang from the parent instead.
 * 'quadtree' with ADD refinement (models whose features all have one LoD: pipes, footprints, IFC): nothing is
 * written twice. A tile with more than `maxFeaturesPerTile` features keeps the largest ones (largest first, within
 * `internalTriangleBudget` triangles) at full detail as its own content; the rest are split into quadrants as its
 * children, which add to it. Its error is the size of the largest feature its descendants add; leaves have error 0.
 * 'group': the root has no content (ADD); it has one child per group value (groupOrder first, then the other
 * values sorted, then features without group). A group child with too many features becomes a quadtree subtree.
 */
import type { TileItem } from './content.js';
import { lodDeviation } from './lod-error.js';
import { emptyBounds, unionBounds, type Bounds, type PreparedFeature } from './prepare.js';

/** A tile of the tree before it is written. */
export interface TileNode {
  /** Short unique name, also the content file name ("r", "r0", "r03", "g2"...). */
  address: string;
  level: number;
  /** Content items; absent for tiles without content. */
  items?: TileItem[];
  /** Bounds of the content. */
  contentBounds?: Bounds;
  /** Bounds of content and all children. */
  bounds: Bounds;
  geometricError: number;
  refine?: 'ADD' | 'REPLACE';
  /** Column-major 4×4, relative to the parent. */
  transform?: number[];
  extras?: Record<string, unknown>;
  /** Internal tile whose coarse content holds every feature of its subtree. */
  complete?: boolean;
  children: TileNode[];
}

/** Parameters of tree building. */
export interface TreeOptions {
  maxFeaturesPerTile: number;
  /** Most triangles in the coarse content of an internal tile. */
  internalTriangleBudget: number;
  maxDepth: number;
  /**
   * 'REPLACE' (default): internal tiles hold a coarse rendition that children replace. 'ADD': internal tiles hold
   * some features at full detail and children add the others (for single-LoD models).
   */
  refine?: 'ADD' | 'REPLACE';
}

/** Identity transform: group tiles carry it so a viewer can move a group (e.g. explode storeys). */
export const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

function itemBounds(items: TileItem[]): Bounds {
  const b = emptyBounds();
  for (const it of items) unionBounds(b, it.lod.bounds);
  return b;
}

function leaf(features: PreparedFeature[], level: number, address: string): TileNode {
  const items = features.map((f) => ({ feature: f, lod: f.lods[f.lods.length - 1] }));
  const cb = itemBounds(items);
  return { address, level, items, contentBounds: cb, bounds: Float64Array.from(cb), geometricError: 0, children: [] };
}

/** LoD deviation of a feature's coarsest vs finest LoD, cached on the feature. */
function deviationOf(f: PreparedFeature): number {
  if (f.lodDeviation === undefined) f.lodDeviation = lodDeviation(f.lods[0], f.lods[f.lods.length - 1]);
  return f.lodDeviation;
}

/** Builds a quadtree over `features` (sorted by input index). */
export function buildQuadtree(
  features: PreparedFeature[],
  opts: TreeOptions,
  level = 0,
  address = 'r',
  childPrefix = address,
): TileNode {
  if (features.length <= opts.maxFeaturesPerTile || level >= opts.maxDepth) return leaf(features, level, address);
  if (opts.refine === 'ADD') return additiveTile(features, opts, level, address, childPrefix);
  const children = splitQuadrants(features, opts, level, address, childPrefix);
  if (!children) return leaf(features, level, address);
  // Coarse content: the largest features, at their coarsest LoD.
  const bySize = [...features].sort((a, b) => b.size - a.size || a.index - b.index);
  const keep = keepCount(bySize, opts.internalTriangleBudget, 0);
  const kept = bySize.slice(0, keep).sort((a, b) => a.index - b.index);
  let error = 0;
  for (let i = keep; i < bySize.length; i++) error = Math.max(error, bySize[i].size);
  for (const f of kept) if (f.lods.length > 1) error = Math.max(error, deviationOf(f));
  for (const c of children) error = Math.max(error, c.geometricError);
  const items = kept.map((f) => ({ feature: f, lod: f.lods[0] }));
  const cb = itemBounds(items);
  const bounds = Float64Array.from(cb);
  for (const c of children) unionBounds(bounds, c.bounds);
  // When this tile already draws every feature of its subtree at the coarsest LoD, a child that does the same
  // would repeat this content: its children take its place.
  const complete = keep === features.length;
  const kids = complete ? children.flatMap((c) => (c.complete && c.children.length ? c.children : [c])) : children;
  return { address, level, items, contentBounds: cb, bounds, geometricError: error, refine: 'REPLACE', complete, children: kids };
}

/**
 * How many of `bySize` (largest first) fit in `budget` triangles of LoD `lodIndex` (0 = coarsest, -1 = finest);
 * at least one.
 */
function keepCount(bySize: readonly PreparedFeature[], budget: number, lodIndex: number): number {
  let keep = 0;
  for (let sum = 0; keep < bySize.length; keep++) {
    const lods = bySize[keep].lods;
    const t = lods[lodIndex < 0 ? lods.length + lodIndex : lodIndex].triangles;
    if (keep > 0 && sum + t > budget) break;
    sum += t;
  }
  return keep;
}

/**
 * An ADD-refined tile: the largest features at full detail (within the triangle budget) as content, the others in
 * quadrant children that add to it. Error: the largest feature the children add (0 when nothing is left).
 */
function additiveTile(features: PreparedFeature[], opts: TreeOptions, level: number, address: string, childPrefix: string): TileNode {
  const bySize = [...features].sort((a, b) => b.size - a.size || a.index - b.index);
  const keep = keepCount(bySize, opts.internalTriangleBudget, -1);
  if (keep === bySize.length) return leaf(features, level, address);
  const rest = bySize.slice(keep).sort((a, b) => a.index - b.index);
  const kept = bySize.slice(0, keep).sort((a, b) => a.index - b.index);
  // Few enough left for one tile: a single leaf child; else quadrants of what is left.
  const children = rest.length <= opts.maxFeaturesPerTile || level + 1 >= opts.maxDepth
    ? [leaf(rest, level + 1, `${childPrefix}0`)]
    : (splitQuadrants(rest, opts, level, address, childPrefix) ?? [leaf(rest, level + 1, `${childPrefix}0`)]);
  const items = kept.map((f) => ({ feature: f, lod: f.lods[f.lods.length - 1] }));
  const cb = itemBounds(items);
  const bounds = Float64Array.from(cb);
  for (const c of children) unionBounds(bounds, c.bounds);
  // bySize[keep] is the largest feature left to the children.
  return { address, level, items, contentBounds: cb, bounds, geometricError: bySize[keep].size, refine: 'ADD', children };
}

/**
 * Splits `features` by their centres into quadrants (shrinking towards the occupied one when all fall in one) and
 * builds a subtree per non-empty quadrant; undefined when they cannot be split (all at one point).
 */
function splitQuadrants(features: PreparedFeature[], opts: TreeOptions, level: number, address: string, childPrefix: string): TileNode[] | undefined {
  void address;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const f of features) {
    if (f.cx < x0) x0 = f.cx;
    if (f.cx > x1) x1 = f.cx;
    if (f.cy < y0) y0 = f.cy;
    if (f.cy > y1) y1 = f.cy;
  }
  let quads: PreparedFeature[][] = [];
  for (let attempt = 0; ; attempt++) {
    const mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
    quads = [[], [], [], []];
    for (const f of features) quads[(f.cx >= mx ? 1 : 0) + (f.cy >= my ? 2 : 0)].push(f);
    const nonEmpty = quads.filter((q) => q.length > 0);
    if (nonEmpty.length > 1) break;
    // All centres in one quadrant: shrink to it and try again (no tile is made for the empty split).
    if (attempt >= 48 || x1 - x0 + (y1 - y0) < 1e-6) return undefined;
    const q = quads.findIndex((l) => l.length > 0);
    if (q & 1) x0 = mx; else x1 = mx;
    if (q & 2) y0 = my; else y1 = my;
  }
  const children: TileNode[] = [];
  quads.forEach((q, i) => {
    if (q.length) children.push(buildQuadtree(q, opts, level + 1, `${childPrefix}${i}`));
  });
  return children;
}

/** Builds the 'group' tree: content-less root, one child (or quadtree subtree) per group. */
export function buildGroupTree(features: PreparedFeature[], groupOrder: readonly string[], opts: TreeOptions): TileNode {
  const byGroup = new Map<string, PreparedFeature[]>();
  const none: PreparedFeature[] = [];
  for (const f of features) {
    const g = f.feature.group;
    if (g === undefined || g === null || g === '') none.push(f);
    else {
      let l = byGroup.get(g);
      if (!l) byGroup.set(g, (l = []));
      l.push(f);
    }
  }
  const ordered = groupOrder.filter((g, i) => byGroup.has(g) && groupOrder.indexOf(g) === i);
  const rest = [...byGroup.keys()].filter((g) => !groupOrder.includes(g)).sort();
  const children: TileNode[] = [];
  const add = (list: PreparedFeature[], group: string | null) => {
    const i = children.length;
    const sub = buildQuadtree(list, opts, 1, `g${i}`, `g${i}_`);
    // Viewers may change this transform at run time (e.g. lift storeys apart to "explode" a building).
    sub.transform = IDENTITY;
    sub.extras = { group };
    children.push(sub);
  };
  for (const g of [...ordered, ...rest]) add(byGroup.get(g)!, g);
  if (none.length) add(none, null);
  const bounds = emptyBounds();
  for (const c of children) unionBounds(bounds, c.bounds);
  let error = 0;
  for (const c of children) error = Math.max(error, c.geometricError);
  // The root draws nothing: the error is that of drawing nothing, the extent of everything.
  const diag = Math.hypot(bounds[3] - bounds[0], bounds[4] - bounds[1], bounds[5] - bounds[2]);
  return { address: 'root', level: 0, bounds, geometricError: Math.max(error, diag), refine: 'ADD', children };
}

/** Calls `fn` on every node, parents before children. */
export function walk(node: TileNode, fn: (n: TileNode) => void): void {
  fn(node);
  for (const c of node.children) walk(c, fn);
}
