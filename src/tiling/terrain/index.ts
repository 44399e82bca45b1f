/**
 * Quantized-mesh terrain writer: a {@link HeightSource} → `layer.json` + `{z}/{x}/{y}.terrain` (uncompressed,
 * TMS y from the south) in Cesium's geographic tiling scheme, with oct-encoded vertex normals.
 *
 * Levels 0..worldLevels cover the whole globe (so CesiumTerrainProvider works everywhere); deeper levels cover
 * the source plus the fade margin down to the level whose tiles are about half the fade distance (the ramp is smooth:
 * a few tiles across it hold it within their error), and only the source's own tiles below that (Cesium refines a
 * missing child from its parent). Every tile's mesh stays within Cesium's geometric error of its level.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  buildTerrainTile,
  encodeQuantizedMesh,
  extendHeightSource,
  levelGeometricError,
  tileRangeTms,
  tileRectangleTms,
  tilesX,
  tilesY,
  type HeightSource,
  type Rectangle,
  type TileRange,
} from '../../core/terrain/index.js';
import { WriteQueue } from './write-queue.js';

export { demHeightSource, mergeHeightSources, extendHeightSource } from '../../core/terrain/index.js';
export type { HeightSource, DemHeightSourceOptions, TerrainSurface } from '../../core/terrain/index.js';

/** Options of {@link writeTerrain}. */
export interface WriteTerrainOptions {
  /** Deepest level; default: the level whose sample spacing matches the source resolution. */
  maxLevel?: number;
  /** Levels 0..worldLevels are written for the whole globe (default 3: 170 small tiles). */
  worldLevels?: number;
  /** Distance (m) over which heights fade to 0 outside the source (default 1000). */
  fadeDistance?: number;
  /** Cells per tile side, a power of two (default 64). */
  gridSize?: number;
  /** Version string put in the tile URLs as ?v= (default "1.0.0"). */
  version?: string;
  /** Name of the layer in layer.json. */
  name?: string;
  /** Attribution text in layer.json. */
  attribution?: string;
}

/** Tiles written at one level. */
export interface TerrainLevelSummary extends TileRange {
  /** Tiles written at this level. */
  tiles: number;
  /** Bytes of those tiles. */
  bytes: number;
  /** Triangles of those tiles. */
  triangles: number;
  /** Largest RTIN error bound (m) kept at this level. */
  maxError: number;
}

/** What {@link writeTerrain} wrote. */
export interface TerrainSummary {
  /** Tiles written. */
  tiles: number;
  /** Coarsest level (always 0). */
  minLevel: number;
  /** Deepest level. */
  maxLevel: number;
  /** Total bytes of tiles and layer.json. */
  bytes: number;
  /** Triangles of all tiles. */
  triangles: number;
  /** Vertices of all tiles. */
  vertices: number;
  /** The source's rectangle [w, s, e, n] degrees. */
  rectangle: Rectangle;
  /** Per-level ranges and figures. */
  levels: TerrainLevelSummary[];
  /** Wall time in milliseconds. */
  ms: number;
}

/** Tiles deeper than this are upsampled by Cesium honestly from a leaf tile meshed to this level's error. */
const UPSAMPLE_SAFE_LEVEL = 7;

/**
 * The deepest level whose tiles (180° / 2^level of latitude) are at least half `fadeDistance` metres: down to it the
 * tiles cover the fade margin too; deeper ones cover the source only.
 */
export function fadeMarginMaxLevel(fadeDistance: number): number {
  const metresPerDegLat = 111_132;
  return Math.max(0, Math.floor(Math.log2((2 * 180 * metresPerDegLat) / fadeDistance)));
}

/** The level whose sample spacing (180° / 2^level / gridSize of latitude) best matches `resolution` metres. */
export function defaultMaxLevel(resolution: number, gridSize = 64): number {
  const metresPerDegLat = 111_132;
  const l = Math.log2((180 * metresPerDegLat) / (gridSize * Math.max(resolution, 1e-3)));
  return Math.max(0, Math.min(22, Math.round(l)));
}

/** Writes a quantized-mesh terrain tileset into `outDir` (created; level folders of an earlier run are replaced). */
export async function writeTerrain(outDir: string, source: HeightSource, options: WriteTerrainOptions = {}): Promise<TerrainSummary> {
  const t0 = Date.now();
  const gridSize = options.gridSize ?? 64;
  const maxLevel = options.maxLevel ?? defaultMaxLevel(source.resolution, gridSize);
  const worldLevels = Math.min(options.worldLevels ?? 3, maxLevel);
  if (!Number.isInteger(maxLevel) || maxLevel < 0 || maxLevel > 24) throw new Error(`writeTerrain: maxLevel must be an integer 0..24, got ${maxLevel}`);
  if (!Number.isInteger(worldLevels) || worldLevels < 0) throw new Error(`writeTerrain: worldLevels must be an integer ≥ 0, got ${options.worldLevels}`);
  const surface = extendHeightSource(source, { fadeDistance: options.fadeDistance });
  const height = (lon: number, lat: number) => surface.sample(lon, lat);

  const marginLevels = fadeMarginMaxLevel(surface.fadeDistance);
  const ranges: TileRange[] = [];
  for (let level = 0; level <= maxLevel; level++) {
    const r =
      level <= worldLevels
        ? { level, startX: 0, startY: 0, endX: tilesX(level) - 1, endY: tilesY(level) - 1 }
        : tileRangeTms(level <= marginLevels ? surface.rectangle : surface.sourceRectangle, level);
    if (!r) throw new Error(`writeTerrain: no tile at level ${level} intersects the source rectangle`);
    ranges.push(r);
  }
  const inRange = (r: TileRange | undefined, x: number, y: number) =>
    !!r && x >= r.startX && x <= r.endX && y >= r.startY && y <= r.endY;

  fs.mkdirSync(outDir, { recursive: true });
  // Stale tiles of an earlier run would not be listed in layer.json: remove level folders first.
  for (const entry of fs.readdirSync(outDir)) {
    if (/^\d+$/.test(entry)) fs.rmSync(path.join(outDir, entry), { recursive: true, force: true });
  }
  const queue = new WriteQueue();
  const levels: TerrainLevelSummary[] = [];
  let tiles = 0, bytes = 0, triangles = 0, vertices = 0;
  for (const r of ranges) {
    const L = r.level;
    const child = ranges[L + 1];
    const lv: TerrainLevelSummary = { ...r, tiles: 0, bytes: 0, triangles: 0, maxError: 0 };
    for (let x = r.startX; x <= r.endX; x++) {
      const dir = path.join(outDir, String(L), String(x));
      fs.mkdirSync(dir, { recursive: true });
      for (let y = r.startY; y <= r.endY; y++) {
        // A tile whose children are not all written is upsampled by Cesium: mesh it finely enough for that.
        const allChildren =
          inRange(child, 2 * x, 2 * y) && inRange(child, 2 * x + 1, 2 * y) && inRange(child, 2 * x, 2 * y + 1) && inRange(child, 2 * x + 1, 2 * y + 1);
        const maxError = allChildren ? levelGeometricError(L) : levelGeometricError(Math.max(L, UPSAMPLE_SAFE_LEVEL));
        const checkPoints = surface.checkPoints(tileRectangleTms(L, x, y));
        const built = buildTerrainTile(height, L, x, y, { gridSize, maxError, checkPoints });
        const data = encodeQuantizedMesh(built.mesh);
        await queue.write(path.join(dir, `${y}.terrain`), data);
        lv.tiles++;
        lv.bytes += data.length;
        lv.triangles += built.mesh.indices.length / 3;
        lv.maxError = Math.max(lv.maxError, built.error);
        vertices += built.mesh.u.length;
      }
    }
    levels.push(lv);
    tiles += lv.tiles;
    bytes += lv.bytes;
    triangles += lv.triangles;
  }
  await queue.flush();
  const layer = {
    tilejson: '2.1.0',
    name: options.name ?? 'terrain',
    description: `Quantized-mesh terrain, levels 0–${maxLevel}; source ${source.resolution.toFixed(2)} m, fading to 0 m over ${surface.fadeDistance} m outside it.`,
    version: options.version ?? '1.0.0',
    format: 'quantized-mesh-1.0',
    attribution: options.attribution ?? '',
    scheme: 'tms',
    tiles: ['{z}/{x}/{y}.terrain?v={version}'],
    projection: 'EPSG:4326',
    bounds: [-180, -90, 180, 90],
    minzoom: 0,
    maxzoom: maxLevel,
    extensions: ['octvertexnormals'],
    available: ranges.map((r) => [{ startX: r.startX, startY: r.startY, endX: r.endX, endY: r.endY }]),
  };
  const layerJson = JSON.stringify(layer, null, 1);
  fs.writeFileSync(path.join(outDir, 'layer.json'), layerJson);
  bytes += Buffer.byteLength(layerJson);
  return {
    tiles,
    minLevel: 0,
    maxLevel,
    bytes,
    triangles,
    vertices,
    rectangle: surface.sourceRectangle,
    levels,
    ms: Date.now() - t0,
  };
}
