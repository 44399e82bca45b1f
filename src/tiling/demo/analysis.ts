/**
 * Writes the `analysis/` folder of the demo scene: what the viewer's flood simulation needs.
 *   dem.json + dem.f32   the bare-earth DEM at 4 m (2×2 mean of the 2 m DEM), ellipsoidal heights, local metres
 *   buildings.geojson    footprints (lon/lat) with id, name, residents, address, baseHeight, height, use
 *   roads.geojson        centrelines with names and widths
 *   entrances.geojson    underground entrances (basement ramps, metro) with their sill heights
 *   breaches.geojson     candidate levee-breach points at the landward foot of the north levee
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DemoCity } from '../../core/demo/types.js';
import { buildEntrances } from '../../core/demo/entrances.js';
import { GEOID_UNDULATION, RIVER_LEVELS } from '../../core/demo/terrain.js';
import type { CityFeature } from '../../core/model/feature.js';
import { sampleBilinear, type Grid } from '../../core/grid/grid.js';
import type { AnalysisSpec } from '../../core/scene/catalog.js';
import { demBytes, type DemHeader } from '../../core/scene/analysis.js';

const r7 = (v: number) => Math.round(v * 1e7) / 1e7;
const r2 = (v: number) => Math.round(v * 100) / 100;

/** Mean of `f`×`f` blocks (NaN cells skipped; NaN where a block has no data). */
export function downsampleMean(g: Grid, f: number): Grid {
  const ncols = Math.floor(g.ncols / f), nrows = Math.floor(g.nrows / f);
  const data = new Float32Array(ncols * nrows);
  // Keep the north edge: rows are counted from the north, so drop leftover rows at the south.
  for (let r = 0; r < nrows; r++) {
    for (let c = 0; c < ncols; c++) {
      let s = 0, n = 0;
      for (let i = 0; i < f; i++) {
        for (let j = 0; j < f; j++) {
          const v = g.data[(r * f + i) * g.ncols + c * f + j];
          if (!Number.isNaN(v)) {
            s += v;
            n++;
          }
        }
      }
      data[r * ncols + c] = n ? s / n : NaN;
    }
  }
  const yll = g.yll + (g.nrows - nrows * f) * g.cellSize;
  return { ncols, nrows, xll: g.xll, yll, cellSize: g.cellSize * f, data };
}

/**
 * The outline of a flat polygon mesh (e.g. the 'ground' part of an LOD1 prism): the edges used by one triangle
 * only, chained into rings; returns the longest ring (counter-clockwise), or null when there is none.
 */
export function meshOutline(positions: number[], indices: number[]): [number, number][] | null {
  const key = (i: number) => `${Math.round(positions[i * 3] * 1000)},${Math.round(positions[i * 3 + 1] * 1000)}`;
  const pt = new Map<string, [number, number]>();
  const edges = new Map<string, [string, string]>();
  for (let t = 0; t < indices.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = indices[t + e], b = indices[t + ((e + 1) % 3)];
      const ka = key(a), kb = key(b);
      if (ka === kb) continue;
      pt.set(ka, [positions[a * 3], positions[a * 3 + 1]]);
      pt.set(kb, [positions[b * 3], positions[b * 3 + 1]]);
      const undirected = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
      if (edges.has(undirected)) edges.delete(undirected);
      else edges.set(undirected, [ka, kb]);
    }
  }
  const next = new Map<string, string>();
  for (const [a, b] of edges.values()) next.set(a, b);
  let best: string[] = [];
  const seen = new Set<string>();
  for (const start of next.keys()) {
    if (seen.has(start)) continue;
    const ring: string[] = [];
    let k: string | undefined = start;
    while (k !== undefined && !seen.has(k)) {
      seen.add(k);
      ring.push(k);
      k = next.get(k);
    }
    if (ring.length > best.length) best = ring;
  }
  if (best.length < 3) return null;
  const ring = best.map((k) => pt.get(k)!);
  let area = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x0, y0] = ring[i], [x1, y1] = ring[(i + 1) % ring.length];
    area += x0 * y1 - x1 * y0;
  }
  return area < 0 ? ring.reverse() : ring;
}

/** Footprint ring of a building from the 'ground' part of its first LoD (falls back to the x/y bounding box). */
export function footprintOf(f: CityFeature): [number, number][] | null {
  const parts = f.lods[0]?.parts ?? [];
  const ground = parts.find((p) => p.semantic === 'ground');
  if (ground) {
    const ring = meshOutline(ground.positions, ground.indices);
    if (ring) return ring;
  }
  const box = boundsXY(parts);
  if (!box) return null;
  const [minX, minY, maxX, maxY] = box;
  return [[minX, minY], [maxX, minY], [maxX, maxY], [minX, maxY]];
}

/** x/y bounding box [minX, minY, maxX, maxY] of some meshes' positions (x, y, z triples); null when empty. */
export function boundsXY(parts: readonly { positions: ArrayLike<number> }[]): [number, number, number, number] | null {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const p of parts) {
    for (let i = 0; i < p.positions.length; i += 3) {
      minX = Math.min(minX, p.positions[i]);
      maxX = Math.max(maxX, p.positions[i]);
      minY = Math.min(minY, p.positions[i + 1]);
      maxY = Math.max(maxY, p.positions[i + 1]);
    }
  }
  return Number.isFinite(minX) ? [minX, minY, maxX, maxY] : null;
}

/** Writes the analysis folder into `<outDir>/analysis` and returns the catalog entry (URLs relative to scene.json). */
export function writeAnalysis(outDir: string, city: DemoCity): AnalysisSpec {
  const dir = path.join(outDir, 'analysis');
  fs.mkdirSync(dir, { recursive: true });
  const crs = city.crs;
  const ll = (x: number, y: number): [number, number] => {
    const [lon, lat] = crs.toGeodetic(x, y, 0);
    return [r7(lon), r7(lat)];
  };

  const dem = city.dem.cellSize < 4 ? downsampleMean(city.dem, Math.round(4 / city.dem.cellSize)) : city.dem;
  const header: DemHeader = {
    format: 'twin-dem-1',
    crs: crs.name,
    origin: { lon: crs.lon0, lat: crs.lat0 },
    ncols: dem.ncols,
    nrows: dem.nrows,
    xll: dem.xll,
    yll: dem.yll,
    cellSize: dem.cellSize,
    heights: 'ellipsoidal',
    data: 'dem.f32',
    riverLevel: RIVER_LEVELS.normalWater + GEOID_UNDULATION,
  };
  fs.writeFileSync(path.join(dir, 'dem.json'), JSON.stringify(header, null, 1));
  fs.writeFileSync(path.join(dir, 'dem.f32'), demBytes(dem));

  const buildings = city.buildings.features.flatMap((f) => {
    const ring = footprintOf(f);
    if (!ring) return [];
    const a = f.attributes;
    const coords = ring.map(([x, y]) => ll(x, y));
    coords.push(coords[0]);
    return [
      {
        type: 'Feature',
        id: f.id,
        properties: {
          id: f.id,
          name: a.name ?? f.id,
          nameEn: a.nameEn ?? a.name ?? f.id,
          use: a.use ?? null,
          residents: Number(a.residents ?? 0),
          address: a.address ?? null,
          baseHeight: Number(a.baseHeight ?? 0),
          height: Number(a.height ?? 0),
        },
        geometry: { type: 'Polygon', coordinates: [coords] },
      },
    ];
  });
  fs.writeFileSync(path.join(dir, 'buildings.geojson'), JSON.stringify({ type: 'FeatureCollection', features: buildings }));

  const roads = city.roads.map((r) => ({
    type: 'Feature',
    id: r.id,
    properties: { id: r.id, name: r.name.zh, nameEn: r.name.en, width: r.width, roadClass: r.roadClass },
    geometry: { type: 'LineString', coordinates: r.points.map(([x, y]) => ll(x, y)) },
  }));
  fs.writeFileSync(path.join(dir, 'roads.geojson'), JSON.stringify({ type: 'FeatureCollection', features: roads }));

  const entrances = buildEntrances(city).map((e) => ({
    type: 'Feature',
    id: e.id,
    properties: { id: e.id, kind: e.kind, name: e.name.zh, nameEn: e.name.en, sill: e.sill, ground: e.z, buildingId: e.buildingId },
    geometry: { type: 'Point', coordinates: ll(e.x, e.y) },
  }));
  fs.writeFileSync(path.join(dir, 'entrances.geojson'), JSON.stringify({ type: 'FeatureCollection', features: entrances }));

  // Breach sites: from each river gauge on the levee crest, walk landward until the ground stops falling.
  const breaches = city.sites
    .filter((s) => s.id.startsWith('S-RL-'))
    .map((s, i) => {
      let y = s.y;
      let h = sampleBilinear(city.dem, s.x, y);
      const crest = h;
      for (let k = 0; k < 120; k++) {
        const h2 = sampleBilinear(city.dem, s.x, y + 1);
        if (h2 > h - 0.01 && crest - h > 1) break;
        y += 1;
        h = h2;
      }
      y += 4;
      return {
        type: 'Feature',
        id: `BR-${i + 1}`,
        properties: { id: `BR-${i + 1}`, name: `北岸江堤决口点 ${i + 1}`, nameEn: `North levee breach site ${i + 1}`, ground: r2(sampleBilinear(city.dem, s.x, y)) },
        geometry: { type: 'Point', coordinates: ll(s.x, y) },
      };
    });
  fs.writeFileSync(path.join(dir, 'breaches.geojson'), JSON.stringify({ type: 'FeatureCollection', features: breaches }));

  return {
    dem: 'analysis/dem.json',
    buildings: 'analysis/buildings.geojson',
    roads: 'analysis/roads.geojson',
    entrances: 'analysis/entrances.geojson',
    breaches: 'analysis/breaches.geojson',
    buildingsLayer: 'city',
  };
}
