/**
 * Flood impact on the twin: buildings flooded (depth around their footprint above a threshold), road segments cut
 * (depth over the carriageway above a threshold), underground entrances at risk (depth above their sill), and
 * their export as GeoJSON and CSV. Pure: works on a depth array of the run grid.
 */
import { cellIndex, type FootprintCells } from './raster.js';

/** Grid geometry. */
export interface GridGeometry {
  ncols: number;
  nrows: number;
  xll: number;
  yll: number;
  cellSize: number;
}

/** A building as the impact analysis sees it. */
export interface ImpactBuilding {
  id: string;
  name: string;
  nameEn: string;
  residents: number;
  address: string;
  /** Footprint ring (local metres), for export. */
  ring: [number, number][];
  cells: FootprintCells;
}

/** A road centreline. */
export interface ImpactRoad {
  id: string;
  name: string;
  nameEn: string;
  width: number;
  points: [number, number][];
}

/** An underground entrance. */
export interface ImpactEntrance {
  id: string;
  kind: string;
  name: string;
  nameEn: string;
  /** Depth (m) above which water enters. */
  sill: number;
  x: number;
  y: number;
}

/** Thresholds (m). */
export interface ImpactThresholds {
  /** A building is flooded when the depth around it exceeds this. Default 0.15. */
  building: number;
  /** A road is cut where the depth exceeds this. Default 0.3. */
  road: number;
}

/** Default thresholds. */
export const DEFAULT_THRESHOLDS: ImpactThresholds = { building: 0.15, road: 0.3 };

/** A flooded building. */
export interface FloodedBuilding {
  id: string;
  name: string;
  nameEn: string;
  residents: number;
  address: string;
  /** Largest depth (m) around the footprint. */
  depth: number;
}

/** A cut stretch of a road. */
export interface CutSegment {
  roadId: string;
  name: string;
  nameEn: string;
  /** Polyline of the stretch (local metres). */
  points: [number, number][];
  /** Length (m). */
  length: number;
  /** Largest depth (m). */
  maxDepth: number;
}

/** An entrance with water above its sill. */
export interface EntranceAtRisk {
  id: string;
  kind: string;
  name: string;
  nameEn: string;
  depth: number;
  sill: number;
}

/** The impact at one moment (or of the maxima of a run). */
export interface FloodImpact {
  /** Model time (s) the depths are from. */
  time: number;
  thresholds: ImpactThresholds;
  buildings: FloodedBuilding[];
  roads: CutSegment[];
  entrances: EntranceAtRisk[];
  /** Sum of residents of flooded buildings. */
  residents: number;
  /** Total length of cut road (m). */
  roadLengthCut: number;
}

/** Largest depth among cells (NaN cells skipped; 0 when none). */
function maxOver(depth: ArrayLike<number>, cells: number[]): number {
  let m = 0;
  for (const i of cells) {
    const v = depth[i];
    if (v > m) m = v;
  }
  return m;
}

/**
 * Computes the impact from `depth` (m per cell of `grid`, e.g. a frame or the maximum depths of a run).
 * Buildings: depth around the footprint > thresholds.building. Roads: sampled every half cell along the centreline
 * and at ±¼ width; consecutive samples deeper than thresholds.road form one cut segment. Entrances: depth in
 * their cell > max(sill, 0).
 */
export function computeImpact(
  grid: GridGeometry,
  depth: ArrayLike<number>,
  data: { buildings: ImpactBuilding[]; roads: ImpactRoad[]; entrances: ImpactEntrance[] },
  thresholds: ImpactThresholds = DEFAULT_THRESHOLDS,
  time = 0,
): FloodImpact {
  if (depth.length !== grid.ncols * grid.nrows) throw new RangeError(`depth has ${depth.length} cells, expected ${grid.ncols * grid.nrows}`);
  const buildings: FloodedBuilding[] = [];
  for (const b of data.buildings) {
    const d = maxOver(depth, b.cells.around);
    if (d > thresholds.building) buildings.push({ id: b.id, name: b.name, nameEn: b.nameEn, residents: b.residents, address: b.address, depth: d });
  }
  buildings.sort((a, b) => b.depth - a.depth || (a.id < b.id ? -1 : 1));

  const at = (x: number, y: number) => {
    const i = cellIndex(grid, x, y);
    const v = i < 0 ? 0 : depth[i];
    return v > 0 ? v : 0;
  };
  const roads: CutSegment[] = [];
  const step = grid.cellSize / 2;
  for (const r of data.roads) {
    let cur: CutSegment | null = null;
    const close = () => {
      if (cur && cur.points.length >= 2) roads.push(cur);
      cur = null;
    };
    for (let k = 0; k + 1 < r.points.length; k++) {
      const [x0, y0] = r.points[k], [x1, y1] = r.points[k + 1];
      const len = Math.hypot(x1 - x0, y1 - y0);
      if (len === 0) continue;
      const ux = (x1 - x0) / len, uy = (y1 - y0) / len;
      const ox = (-uy * r.width) / 4, oy = (ux * r.width) / 4;
      const n = Math.max(1, Math.ceil(len / step));
      for (let s = 0; s <= n; s++) {
        const x = x0 + (ux * len * s) / n, y = y0 + (uy * len * s) / n;
        const d = Math.max(at(x, y), at(x + ox, y + oy), at(x - ox, y - oy));
        if (d > thresholds.road) {
          if (!cur) cur = { roadId: r.id, name: r.name, nameEn: r.nameEn, points: [[x, y]], length: 0, maxDepth: d };
          else {
            const c: CutSegment = cur;
            const [px, py] = c.points[c.points.length - 1];
            c.length += Math.hypot(x - px, y - py);
            c.points.push([x, y]);
            if (d > c.maxDepth) c.maxDepth = d;
          }
        } else close();
      }
    }
    close();
  }
  // Simplify: keep the ends of straight runs only.
  for (const s of roads) s.points = simplifyCollinear(s.points);
  roads.sort((a, b) => b.maxDepth - a.maxDepth);

  const entrances: EntranceAtRisk[] = [];
  for (const e of data.entrances) {
    const d = at(e.x, e.y);
    if (d > Math.max(0, e.sill)) entrances.push({ id: e.id, kind: e.kind, name: e.name, nameEn: e.nameEn, depth: d, sill: e.sill });
  }
  entrances.sort((a, b) => b.depth - a.depth);
  return {
    time,
    thresholds,
    buildings,
    roads,
    entrances,
    residents: buildings.reduce((s, b) => s + b.residents, 0),
    roadLengthCut: roads.reduce((s, r) => s + r.length, 0),
  };
}

/** Drops interior points of collinear runs. */
function simplifyCollinear(pts: [number, number][]): [number, number][] {
  if (pts.length <= 2) return pts;
  const out: [number, number][] = [pts[0]];
  for (let i = 1; i < pts.length - 1; i++) {
    const [ax, ay] = out[out.length - 1], [bx, by] = pts[i], [cx, cy] = pts[i + 1];
    if (Math.abs((bx - ax) * (cy - ay) - (by - ay) * (cx - ax)) > 1e-6) out.push(pts[i]);
  }
  out.push(pts[pts.length - 1]);
  return out;
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * The impact as a GeoJSON FeatureCollection (RFC 7946, lon/lat via `toLonLat`): flooded buildings (Polygon),
 * cut road segments (LineString) and entrances at risk (Point), each with `category`, id, names and depths.
 */
export function impactToGeoJson(
  impact: FloodImpact,
  data: { buildings: ImpactBuilding[]; entrances: ImpactEntrance[] },
  toLonLat: (x: number, y: number) => [number, number],
  scenario: Record<string, string | number> = {},
): { type: 'FeatureCollection'; properties: Record<string, unknown>; features: unknown[] } {
  const rings = new Map(data.buildings.map((b) => [b.id, b.ring]));
  const pos = new Map(data.entrances.map((e) => [e.id, [e.x, e.y] as [number, number]]));
  const ll = (p: [number, number]) => toLonLat(p[0], p[1]).map((v) => Math.round(v * 1e7) / 1e7);
  const features: unknown[] = [];
  for (const b of impact.buildings) {
    const ring = rings.get(b.id) ?? [];
    const coords = ring.map(ll);
    if (coords.length) coords.push(coords[0]);
    features.push({
      type: 'Feature',
      id: b.id,
      properties: { category: 'building', id: b.id, name: b.name, nameEn: b.nameEn, residents: b.residents, address: b.address, depth_m: r3(b.depth) },
      geometry: { type: 'Polygon', coordinates: [coords] },
    });
  }
  impact.roads.forEach((s, k) =>
    features.push({
      type: 'Feature',
      id: `${s.roadId}#${k + 1}`,
      properties: { category: 'road', id: s.roadId, name: s.name, nameEn: s.nameEn, length_m: Math.round(s.length * 10) / 10, depth_m: r3(s.maxDepth) },
      geometry: { type: 'LineString', coordinates: s.points.map(ll) },
    }),
  );
  for (const e of impact.entrances) {
    features.push({
      type: 'Feature',
      id: e.id,
      properties: { category: 'entrance', id: e.id, kind: e.kind, name: e.name, nameEn: e.nameEn, sill_m: e.sill, depth_m: r3(e.depth) },
      geometry: { type: 'Point', coordinates: ll(pos.get(e.id) ?? [0, 0]) },
    });
  }
  return {
    type: 'FeatureCollection',
    properties: {
      ...scenario,
      time_s: impact.time,
      building_threshold_m: impact.thresholds.building,
      road_threshold_m: impact.thresholds.road,
      flooded_buildings: impact.buildings.length,
      residents_affected: impact.residents,
      road_length_cut_m: Math.round(impact.roadLengthCut),
      entrances_at_risk: impact.entrances.length,
    },
    features,
  };
}

/** Quotes a CSV field when needed (RFC 4180). */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The impact as CSV: category,id,name,name_en,depth_m,residents,length_m,sill_m,address (one row per item). */
export function impactToCsv(impact: FloodImpact): string {
  const rows: (string | number)[][] = [['category', 'id', 'name', 'name_en', 'depth_m', 'residents', 'length_m', 'sill_m', 'address']];
  for (const b of impact.buildings) rows.push(['building', b.id, b.name, b.nameEn, r3(b.depth), b.residents, '', '', b.address]);
  for (const s of impact.roads) rows.push(['road', s.roadId, s.name, s.nameEn, r3(s.maxDepth), '', Math.round(s.length * 10) / 10, '', '']);
  for (const e of impact.entrances) rows.push(['entrance', e.id, e.name, e.nameEn, r3(e.depth), '', '', e.sill, '']);
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}
