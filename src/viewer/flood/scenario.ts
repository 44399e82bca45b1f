/**
 * Flood scenarios on the twin and how they become an engine configuration: the scene's analysis data (DEM,
 * footprints, roads, entrances, breach sites) parsed into local metres, the DEM resampled to the run resolution
 * (optionally cropped to a drawn polygon), buildings rasterised into the blocked mask, rain as a Chicago design
 * storm or a levee breach as a point inflow. Pure: no DOM, no Cesium.
 */
import { LocalTangentProjection } from '../../core/geo/projection.js';
import type { Grid } from '../../core/grid/grid.js';
import type { FloodConfig } from '../../core/flood/config.js';
import { AnalysisFormatError, type DemHeader } from '../../core/scene/analysis.js';
import { breachHydrograph, chicagoStorm, stepSeries, type DesignStorm } from './hyetograph.js';
import { cellIndex, pointInRing, rasterizeFootprints, resampleGrid, type Ring } from './raster.js';
import type { ImpactBuilding, ImpactEntrance, ImpactRoad } from './impact.js';

/** A candidate levee-breach site. */
export interface BreachSite {
  id: string;
  name: string;
  nameEn: string;
  x: number;
  y: number;
}

/** The scene's analysis data in the DEM's local metres. */
export interface AnalysisData {
  header: DemHeader;
  crs: LocalTangentProjection;
  dem: Grid;
  buildings: { id: string; name: string; nameEn: string; residents: number; address: string; ring: Ring }[];
  roads: ImpactRoad[];
  entrances: ImpactEntrance[];
  breaches: BreachSite[];
}

/** What the user picked. */
export interface FloodScenario {
  /** 'rain': design storm on every cell; 'breach': point inflow at a levee breach. */
  kind: 'rain' | 'breach';
  /** Run resolution (m). */
  cellSize: number;
  /** Simulated time (min). */
  durationMin: number;
  /** Rain: return period (years). */
  returnPeriod: number;
  /** Rain: storm duration (min). */
  stormMin: number;
  /** Breach: site (local metres) and hydrograph (peak m³/s, rise min, total min). */
  breach: { x: number; y: number; peak: number; riseMin: number; hydroMin: number };
  /** Optional area polygon (local metres): cells outside are left out. */
  area: Ring | null;
  /** Minutes of model time between stored frames. */
  frameEveryMin: number;
  /** Manning's n of the surface. */
  manning: number;
  /**
   * Start with the river at its normal level. Off by default: the district lies behind levees higher than its
   * ground, so river water takes no part in rain flooding, and its 3 m depth would cut the time step threefold.
   */
  riverWater: boolean;
  /** Rain: intensity the sewers carry away (mm/h), subtracted from every block of the storm. 0 = sewers blocked. */
  drainageMmH: number;
}

/** Default scenario: 100-year 1 h storm on the whole DEM at 5 m, 90 min simulated, a frame every 2 min. */
export function defaultScenario(data?: Pick<AnalysisData, 'breaches'>): FloodScenario {
  const b = data?.breaches[Math.floor((data.breaches.length - 1) / 2)];
  return {
    kind: 'rain',
    cellSize: 5,
    durationMin: 90,
    returnPeriod: 100,
    stormMin: 60,
    breach: { x: b?.x ?? 0, y: b?.y ?? 0, peak: 300, riseMin: 20, hydroMin: 120 },
    area: null,
    frameEveryMin: 2,
    manning: 0.035,
    riverWater: false,
    drainageMmH: 0,
  };
}

/** Checks a scenario; throws RangeError naming the field. */
export function validateScenario(s: FloodScenario): void {
  const bad = (f: string, v: unknown) => {
    throw new RangeError(`scenario.${f}: invalid value ${JSON.stringify(v)}`);
  };
  if (s.kind !== 'rain' && s.kind !== 'breach') bad('kind', s.kind);
  if (!(s.cellSize >= 1 && s.cellSize <= 100)) bad('cellSize', s.cellSize);
  if (!(s.durationMin > 0 && s.durationMin <= 24 * 60)) bad('durationMin', s.durationMin);
  if (!(s.frameEveryMin > 0)) bad('frameEveryMin', s.frameEveryMin);
  if (!(s.manning > 0 && s.manning < 1)) bad('manning', s.manning);
  if (s.kind === 'rain') {
    if (!(s.returnPeriod >= 1 && s.returnPeriod <= 1000)) bad('returnPeriod', s.returnPeriod);
    if (!(s.stormMin > 0)) bad('stormMin', s.stormMin);
    if (!(s.drainageMmH >= 0)) bad('drainageMmH', s.drainageMmH);
  } else {
    if (!Number.isFinite(s.breach.x) || !Number.isFinite(s.breach.y)) bad('breach', s.breach);
    if (!(s.breach.peak > 0)) bad('breach.peak', s.breach.peak);
    if (!(s.breach.riseMin > 0 && s.breach.hydroMin > s.breach.riseMin)) bad('breach.riseMin', s.breach.riseMin);
  }
  if (s.area && s.area.length < 3) bad('area', s.area);
}

type Json = Record<string, unknown>;

function features(v: unknown, file: string): Json[] {
  const fc = v as Json;
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new AnalysisFormatError(`${file}: not a GeoJSON FeatureCollection`);
  return fc.features as Json[];
}

function props(f: Json, file: string, k: number): Json {
  const p = f.properties as Json | null;
  if (!p || typeof p !== 'object') throw new AnalysisFormatError(`${file}: features[${k}].properties missing`);
  return p;
}

function coordsOf(f: Json, type: string, file: string, k: number): unknown {
  const g = f.geometry as Json | null;
  if (!g || g.type !== type || !Array.isArray(g.coordinates)) throw new AnalysisFormatError(`${file}: features[${k}].geometry must be a ${type}`);
  return g.coordinates;
}

function lonLat(p: unknown, file: string, k: number): [number, number] {
  if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
    throw new AnalysisFormatError(`${file}: features[${k}] has a bad coordinate ${JSON.stringify(p)}`);
  }
  return [p[0], p[1]];
}

/**
 * Parses the analysis files (already fetched: header, DEM grid, GeoJSON objects) into local metres of the DEM.
 * Throws {@link AnalysisFormatError} naming the file and feature on bad input.
 */
export function parseAnalysis(
  header: DemHeader,
  dem: Grid,
  files: { buildings: unknown; roads: unknown; entrances?: unknown; breaches?: unknown },
  names: { buildings: string; roads: string; entrances: string; breaches: string },
): AnalysisData {
  const crs = new LocalTangentProjection(header.origin.lon, header.origin.lat);
  const loc = (p: [number, number]): [number, number] => {
    const [x, y] = crs.fromGeodetic(p[0], p[1], 0);
    return [x, y];
  };
  const str = (v: unknown, d = '') => (v === undefined || v === null ? d : String(v));
  const buildings = features(files.buildings, names.buildings).map((f, k) => {
    const p = props(f, names.buildings, k);
    const rings = coordsOf(f, 'Polygon', names.buildings, k) as unknown[];
    if (!Array.isArray(rings[0]) || (rings[0] as unknown[]).length < 4) throw new AnalysisFormatError(`${names.buildings}: features[${k}] has no outer ring`);
    const ring = (rings[0] as unknown[]).map((c) => loc(lonLat(c, names.buildings, k)));
    ring.pop(); // closing point
    const id = str(p.id ?? f.id);
    if (!id) throw new AnalysisFormatError(`${names.buildings}: features[${k}].properties.id missing`);
    return { id, name: str(p.name, id), nameEn: str(p.nameEn, str(p.name, id)), residents: Number(p.residents ?? 0) || 0, address: str(p.address), ring };
  });
  const roads: ImpactRoad[] = features(files.roads, names.roads).map((f, k) => {
    const p = props(f, names.roads, k);
    const pts = (coordsOf(f, 'LineString', names.roads, k) as unknown[]).map((c) => loc(lonLat(c, names.roads, k)));
    const width = Number(p.width);
    if (!(width > 0)) throw new AnalysisFormatError(`${names.roads}: features[${k}].properties.width must be a positive number`);
    return { id: str(p.id ?? f.id, `road-${k}`), name: str(p.name), nameEn: str(p.nameEn, str(p.name)), width, points: pts };
  });
  const entrances: ImpactEntrance[] = files.entrances
    ? features(files.entrances, names.entrances).map((f, k) => {
        const p = props(f, names.entrances, k);
        const [x, y] = loc(lonLat(coordsOf(f, 'Point', names.entrances, k), names.entrances, k));
        const sill = Number(p.sill ?? 0);
        if (!Number.isFinite(sill)) throw new AnalysisFormatError(`${names.entrances}: features[${k}].properties.sill must be a number`);
        return { id: str(p.id ?? f.id, `entrance-${k}`), kind: str(p.kind, 'entrance'), name: str(p.name), nameEn: str(p.nameEn, str(p.name)), sill, x, y };
      })
    : [];
  const breaches: BreachSite[] = files.breaches
    ? features(files.breaches, names.breaches).map((f, k) => {
        const p = props(f, names.breaches, k);
        const [x, y] = loc(lonLat(coordsOf(f, 'Point', names.breaches, k), names.breaches, k));
        return { id: str(p.id ?? f.id, `breach-${k}`), name: str(p.name), nameEn: str(p.nameEn, str(p.name)), x, y };
      })
    : [];
  return { header, crs, dem, buildings, roads, entrances, breaches };
}

/** Everything a run needs: engine config, grid, impact inputs and the storm / hydrograph for display. */
export interface PreparedRun {
  scenario: FloodScenario;
  /** The run grid (bed, NaN outside the area). */
  grid: Grid;
  config: FloodConfig;
  /** Seconds of model time to run. */
  duration: number;
  /** Seconds of model time between frames. */
  frameEvery: number;
  buildings: ImpactBuilding[];
  roads: ImpactRoad[];
  entrances: ImpactEntrance[];
  /** Blocked cells (buildings). */
  blocked: Uint8Array;
  /** The design storm (rain scenarios). */
  storm: DesignStorm | null;
  /** Breach inflow cell (breach scenarios). */
  breachCell: number;
}

/**
 * Builds a run: resamples the DEM (cropped to the area's bounding box, cells outside the polygon NaN), rasterises
 * footprints into `blocked`, and sets rain or the breach inflow. The river starts at its normal level
 * (`header.riverLevel`) when `scenario.riverWater`; the sides are closed walls (the district drains to the river inside the domain).
 */
export function prepareRun(data: AnalysisData, scenario: FloodScenario): PreparedRun {
  validateScenario(scenario);
  let bbox: [number, number, number, number] | undefined;
  if (scenario.area) {
    const xs = scenario.area.map((p) => p[0]), ys = scenario.area.map((p) => p[1]);
    bbox = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  }
  const grid = resampleGrid(data.dem, scenario.cellSize, bbox);
  if (scenario.area) {
    const { ncols, nrows, xll, yll, cellSize } = grid;
    for (let r = 0; r < nrows; r++) {
      const y = yll + (nrows - r - 0.5) * cellSize;
      for (let c = 0; c < ncols; c++) if (!pointInRing(xll + (c + 0.5) * cellSize, y, scenario.area)) grid.data[r * ncols + c] = NaN;
    }
  }
  const { mask, cells } = rasterizeFootprints(grid, data.buildings.map((b) => b.ring));
  // Keep only the buildings inside the grid.
  const gx1 = grid.xll + grid.ncols * grid.cellSize, gy1 = grid.yll + grid.nrows * grid.cellSize;
  const buildings: ImpactBuilding[] = [];
  data.buildings.forEach((b, k) => {
    if (cells[k].covered.length || cells[k].around.length) {
      const inside = b.ring.some(([x, y]) => x >= grid.xll && x <= gx1 && y >= grid.yll && y <= gy1);
      if (inside) buildings.push({ ...b, cells: cells[k] });
    }
  });
  // Buildings over no-data cells do not matter; nothing else to clean.
  const duration = scenario.durationMin * 60;
  const frameEvery = Math.min(duration, scenario.frameEveryMin * 60);
  const config: FloodConfig = {
    dem: grid,
    manning: scenario.manning,
    blocked: mask,
    initialLevel: scenario.riverWater ? data.header.riverLevel : undefined,
    boundaries: { north: { type: 'closed' }, south: { type: 'closed' }, east: { type: 'closed' }, west: { type: 'closed' } },
  };
  let storm: DesignStorm | null = null;
  let breachCell = -1;
  if (scenario.kind === 'rain') {
    storm = chicagoStorm({ years: scenario.returnPeriod, durationMin: scenario.stormMin });
    const loss = scenario.drainageMmH;
    config.rain = loss > 0 ? stepSeries(storm.blockSeconds, storm.intensity.map((i) => Math.max(0, i - loss))) : storm.series;
  } else {
    const { x, y } = scenario.breach;
    breachCell = nearestActive(grid, mask, x, y);
    if (breachCell < 0) throw new RangeError(`scenario.breach: (${x.toFixed(1)}, ${y.toFixed(1)}) is outside the run area`);
    const cx = grid.xll + ((breachCell % grid.ncols) + 0.5) * grid.cellSize;
    const cy = grid.yll + (grid.nrows - Math.floor(breachCell / grid.ncols) - 0.5) * grid.cellSize;
    config.inflows = [{ x: cx, y: cy, name: 'breach', hydrograph: breachHydrograph(scenario.breach.peak, scenario.breach.riseMin, scenario.breach.hydroMin) }];
  }
  const inGrid = (x: number, y: number) => cellIndex(grid, x, y) >= 0;
  return {
    scenario,
    grid,
    config,
    duration,
    frameEvery,
    buildings,
    roads: data.roads.filter((r) => r.points.some(([x, y]) => inGrid(x, y))),
    entrances: data.entrances.filter((e) => inGrid(e.x, e.y)),
    blocked: mask,
    storm,
    breachCell,
  };
}

/** The active cell (data, not blocked) nearest to (x, y) within 10 cells, or −1. */
export function nearestActive(grid: Grid, blocked: Uint8Array, x: number, y: number): number {
  const i0 = cellIndex(grid, x, y);
  if (i0 < 0) return -1;
  const r0 = Math.floor(i0 / grid.ncols), c0 = i0 % grid.ncols;
  let best = -1, bd = Infinity;
  for (let dr = -10; dr <= 10; dr++) {
    for (let dc = -10; dc <= 10; dc++) {
      const r = r0 + dr, c = c0 + dc;
      if (r < 0 || c < 0 || r >= grid.nrows || c >= grid.ncols) continue;
      const i = r * grid.ncols + c;
      if (blocked[i] || Number.isNaN(grid.data[i])) continue;
      const d = dr * dr + dc * dc;
      if (d < bd) {
        bd = d;
        best = i;
      }
    }
  }
  return best;
}

/** Encodes a scenario for the share link, e.g. `rain:100:60:90:5:0` (P, storm min, run min, cell m, sewer mm/h) or `breach:x:y:peak:rise:total:90:5`. */
export function encodeScenario(s: FloodScenario): string {
  return s.kind === 'rain'
    ? ['rain', s.returnPeriod, s.stormMin, s.durationMin, s.cellSize, s.drainageMmH].join(':')
    : ['breach', Math.round(s.breach.x), Math.round(s.breach.y), s.breach.peak, s.breach.riseMin, s.breach.hydroMin, s.durationMin, s.cellSize].join(':');
}

/** Decodes {@link encodeScenario} over `base`; throws RangeError naming the problem. */
export function decodeScenario(text: string, base: FloodScenario): FloodScenario {
  const p = text.split(':');
  const n = p.slice(1).map(Number);
  if (n.some((v) => !Number.isFinite(v))) throw new RangeError(`flood scenario '${text}': every field after the kind must be a number`);
  let s: FloodScenario;
  if (p[0] === 'rain' && (n.length === 4 || n.length === 5)) {
    s = { ...base, kind: 'rain', returnPeriod: n[0], stormMin: n[1], durationMin: n[2], cellSize: n[3], drainageMmH: n[4] ?? 0 };
  }
  else if (p[0] === 'breach' && n.length === 7) {
    s = { ...base, kind: 'breach', breach: { x: n[0], y: n[1], peak: n[2], riseMin: n[3], hydroMin: n[4] }, durationMin: n[5], cellSize: n[6] };
  } else throw new RangeError(`flood scenario '${text}': expected rain:P:storm:duration:cell[:drainage] or breach:x:y:peak:rise:total:duration:cell`);
  validateScenario(s);
  return s;
}
