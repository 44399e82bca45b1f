/**
 * Screen-space clustering of map symbols, the way Cesium's EntityCluster groups them, over plain numbers: pure
 * TypeScript (no Cesium, no DOM), so the site layer recomputes it only when the view changes and tests can run it.
 */

/** The result of {@link clusterScreenPoints}: indices into the input arrays. */
export interface ScreenClusters {
  /** Groups of at least `minSize` points, each listing its seed first. */
  clusters: number[][];
  /** Points drawn on their own. */
  singles: number[];
}

/**
 * Greedy clustering in input order: each point not yet taken gathers every point not yet taken whose screen
 * position lies within `range` pixels of it on both axes (a box, like EntityCluster's expanded bounding box); a group
 * of `minSize` or more becomes a cluster and all its points are taken, otherwise only the seed is taken and drawn
 * alone (its neighbours may still seed or join a later cluster). Neighbours are found through a hash grid of
 * `range`-sized cells, so the work is linear in the number of points for an even spread.
 *
 * @param xs screen x of each point (px)
 * @param ys screen y of each point (px), same length as `xs`
 * @param range neighbourhood half-width (px, > 0)
 * @param minSize smallest group drawn as a cluster (≥ 2)
 */
export function clusterScreenPoints(xs: ArrayLike<number>, ys: ArrayLike<number>, range: number, minSize: number): ScreenClusters {
  if (xs.length !== ys.length) throw new Error(`clusterScreenPoints: xs and ys differ in length (${xs.length} vs ${ys.length})`);
  if (!(range > 0) || !Number.isFinite(range)) throw new Error(`clusterScreenPoints: range must be a positive number of pixels (got ${range})`);
  if (!Number.isInteger(minSize) || minSize < 2) throw new Error(`clusterScreenPoints: minSize must be an integer ≥ 2 (got ${minSize})`);
  const n = xs.length;
  const cellOf = (v: number) => Math.floor(v / range);
  const key = (cx: number, cy: number) => `${cx},${cy}`;
  const grid = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) throw new Error(`clusterScreenPoints: point ${i} has no finite screen position`);
    const k = key(cellOf(xs[i]), cellOf(ys[i]));
    const cell = grid.get(k);
    if (cell) cell.push(i);
    else grid.set(k, [i]);
  }
  const taken = new Uint8Array(n);
  const clusters: number[][] = [];
  const singles: number[] = [];
  const group: number[] = [];
  for (let i = 0; i < n; i++) {
    if (taken[i]) continue;
    taken[i] = 1;
    group.length = 0;
    group.push(i);
    const x = xs[i];
    const y = ys[i];
    const cx = cellOf(x);
    const cy = cellOf(y);
    for (let gx = cx - 1; gx <= cx + 1; gx++) {
      for (let gy = cy - 1; gy <= cy + 1; gy++) {
        const cell = grid.get(key(gx, gy));
        if (!cell) continue;
        for (const j of cell) {
          if (!taken[j] && Math.abs(xs[j] - x) <= range && Math.abs(ys[j] - y) <= range) group.push(j);
        }
      }
    }
    if (group.length >= minSize) {
      for (const j of group) taken[j] = 1;
      clusters.push([...group]);
    } else singles.push(i);
  }
  return { clusters, singles };
}
