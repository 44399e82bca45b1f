/**
 * `twin import` of DEM GeoTIFFs (projected or geographic, nodata → NaN) into quantized-mesh terrain, plus the
 * `--merge` support: an existing terrain directory read back as a {@link HeightSource} (quantized-mesh tiles
 * decoded and interpolated) so the new DEM wins inside its extent and the old terrain is kept outside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readGeoTiffGrid, GeoTiffGridError } from '../../core/formats/geotiff-grid.js';
import { demHeightSource, mergeHeightSources, decodeQuantizedMesh, vertexHeights, tileRectangleTms, QUANTIZED_MAX, type HeightSource, type QuantizedMesh, type Rectangle } from '../../core/terrain/index.js';
import type { Grid } from '../../core/grid/grid.js';
import type { CoordinateTransform } from '../../core/geo/projection.js';
import type { ImportContext, ImportOutput, Importer, TerrainGrid } from './registry.js';
import { chooseSourceCrs } from './source-crs.js';

/** TIFF magic: "II*\0" (little endian) or "MM\0*" (big endian), also BigTIFF (43). */
export function isTiff(b: Uint8Array): boolean {
  if (b.length < 4) return false;
  const le = b[0] === 0x49 && b[1] === 0x49 && (b[2] === 42 || b[2] === 43) && b[3] === 0;
  const be = b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && (b[3] === 42 || b[3] === 43);
  return le || be;
}

/** Reads a DEM GeoTIFF into a terrain grid; the CRS comes from the GeoKeys (or --crs / --origin). */
export async function readDemGeoTiff(file: string, bytes: Uint8Array, ctx: ImportContext): Promise<{ terrain: TerrainGrid; description: string; epsg?: string }> {
  const label = path.basename(file);
  if (!isTiff(bytes)) throw new GeoTiffGridError(label, 'not a TIFF file (no II*/MM* header)');
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let read;
  try {
    read = await readGeoTiffGrid(buf, label);
  } catch (err) {
    if (err instanceof GeoTiffGridError) throw err;
    throw new GeoTiffGridError(label, `cannot be read as a GeoTIFF (${(err as Error).message})`);
  }
  const { grid, crs } = read;
  let valid = 0;
  for (let i = 0; i < grid.data.length; i++) if (!Number.isNaN(grid.data[i])) valid++;
  if (valid === 0) throw new GeoTiffGridError(label, `all ${grid.data.length} cells are nodata (${read.nodata})`);
  const src = chooseSourceCrs(ctx, label, crs.epsg, 'GeoKeys (ProjectedCSTypeGeoKey / GeographicTypeGeoKey)');
  const t = src.transform as { heightOffsetSource?: string; geographic?: boolean };
  if (t.heightOffsetSource === 'none' && t.geographic && ctx.heightOffset === undefined) {
    ctx.warn(`${label}: heights are taken as ellipsoidal (the GeoTIFF names no vertical datum); global DEMs (SRTM, Copernicus) are above the EGM96/EGM2008 geoid: pass --height-offset <geoid undulation m>`);
  }
  const name = `${label} (${grid.ncols}×${grid.nrows} cells of ${grid.cellSize} ${src.transform.geographic ? '°' : 'm'}, ${((100 * valid) / grid.data.length).toFixed(0)}% valid)`;
  const source = terrainSourceFor(grid, src.transform, ctx.mergeTerrain, (m) => ctx.warn(`${label}: ${m}`));
  return { terrain: { source, grid, crs: src.transform, name }, description: src.description, epsg: crs.epsg };
}

/** The DEM GeoTIFF importer. */
export const demImporter: Importer = {
  id: 'dem',
  description: 'DEM GeoTIFF (.tif/.tiff; projected or geographic, nodata respected) → quantized-mesh terrain',
  detect(head, fileName) {
    return isTiff(head) || /\.tiff?$/i.test(fileName);
  },
  async import(file, ctx) {
    ctx.progress(0, 1, 'reading');
    const bytes = await ctx.readFile(file);
    const { terrain, description } = await readDemGeoTiff(file, bytes, ctx);
    ctx.progress(1, 1, 'done');
    const out: ImportOutput = { layers: [], terrain, sourceCrs: description, format: 'GeoTIFF DEM' };
    return out;
  },
};

/** The parts of a quantized-mesh layer.json read back. */
interface LayerJson {
  tiles?: string[];
  available?: { startX: number; startY: number; endX: number; endY: number }[][];
  version?: string;
}

/**
 * A HeightSource over an existing quantized-mesh terrain directory (layer.json + {z}/{x}/{y}.terrain): a sample
 * uses the deepest available tile holding the point, interpolated linearly on its triangle. The rectangle is the
 * deepest level's coverage. Tiles are decoded on first use and cached.
 */
export function terrainDirHeightSource(dir: string): HeightSource {
  const layerPath = path.join(dir, 'layer.json');
  let layer: LayerJson;
  try {
    layer = JSON.parse(fs.readFileSync(layerPath, 'utf8')) as LayerJson;
  } catch (err) {
    throw new Error(`--merge ${dir}: cannot read ${layerPath} (${(err as Error).message})`);
  }
  const avail = layer.available;
  if (!Array.isArray(avail) || avail.length === 0) throw new Error(`--merge ${dir}: layer.json has no "available" tile ranges`);
  const template = (layer.tiles?.[0] ?? '{z}/{x}/{y}.terrain').replace(/\?.*$/, '');
  const deepest = avail.length - 1;
  let rect: Rectangle | null = null;
  for (const r of avail[deepest]) {
    const a = tileRectangleTms(deepest, r.startX, r.startY), b = tileRectangleTms(deepest, r.endX, r.endY);
    const rr: Rectangle = [a[0], a[1], b[2], b[3]];
    rect = rect ? [Math.min(rect[0], rr[0]), Math.min(rect[1], rr[1]), Math.max(rect[2], rr[2]), Math.max(rect[3], rr[3])] : rr;
  }
  if (!rect) throw new Error(`--merge ${dir}: layer.json lists no tiles at level ${deepest}`);
  const cache = new Map<string, { mesh: QuantizedMesh; h: Float64Array } | null>();
  const load = (z: number, x: number, y: number) => {
    const key = `${z}/${x}/${y}`;
    if (cache.has(key)) return cache.get(key)!;
    let v: { mesh: QuantizedMesh; h: Float64Array } | null = null;
    try {
      const p = path.join(dir, template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y)));
      const mesh = decodeQuantizedMesh(new Uint8Array(fs.readFileSync(p)));
      v = { mesh, h: vertexHeights(mesh) };
    } catch {
      v = null;
    }
    cache.set(key, v);
    return v;
  };
  const isAvailable = (z: number, x: number, y: number) => (avail[z] ?? []).some((r) => x >= r.startX && x <= r.endX && y >= r.startY && y <= r.endY);
  return {
    rectangle: rect,
    resolution: ((180 / 2 ** deepest) * 111_132) / 64,
    sample(lon: number, lat: number): number {
      for (let z = deepest; z >= 0; z--) {
        const size = 180 / 2 ** z;
        const x = Math.min(2 ** (z + 1) - 1, Math.floor((lon + 180) / size));
        const y = Math.min(2 ** z - 1, Math.floor((lat + 90) / size));
        if (!isAvailable(z, x, y)) continue;
        const t = load(z, x, y);
        if (!t) continue;
        const [w, s] = tileRectangleTms(z, x, y);
        const u = ((lon - w) / size) * QUANTIZED_MAX, v = ((lat - s) / size) * QUANTIZED_MAX;
        const h = sampleMesh(t.mesh, t.h, u, v);
        if (Number.isFinite(h)) return h;
      }
      return NaN;
    },
  };
}

/** Height at (u, v) (quantized units) on a decoded tile, NaN when no triangle holds it. */
function sampleMesh(mesh: QuantizedMesh, h: Float64Array, u: number, v: number): number {
  const { indices } = mesh;
  const U = mesh.u, V = mesh.v;
  for (let i = 0; i < indices.length; i += 3) {
    const a = indices[i], b = indices[i + 1], c = indices[i + 2];
    const ax = U[a], ay = V[a], bx = U[b], by = V[b], cx = U[c], cy = V[c];
    if (u < Math.min(ax, bx, cx) - 1e-6 || u > Math.max(ax, bx, cx) + 1e-6 || v < Math.min(ay, by, cy) - 1e-6 || v > Math.max(ay, by, cy) + 1e-6) continue;
    const d = (by - cy) * (ax - cx) + (cx - bx) * (ay - cy);
    if (d === 0) continue;
    const l1 = ((by - cy) * (u - cx) + (cx - bx) * (v - cy)) / d;
    const l2 = ((cy - ay) * (u - cx) + (ax - cx) * (v - cy)) / d;
    const l3 = 1 - l1 - l2;
    if (l1 >= -1e-9 && l2 >= -1e-9 && l3 >= -1e-9) return l1 * h[a] + l2 * h[b] + l3 * h[c];
  }
  return NaN;
}

/**
 * The HeightSource to write for an imported terrain grid: the grid itself, merged over an existing terrain
 * directory when `mergeDir` is given (the grid wins inside its extent). Refuses (warns and does not merge) when the
 * two are far apart, since the merged rectangle would need tiles across the gap.
 */
export function terrainSourceFor(grid: Grid, crs: CoordinateTransform, mergeDir?: string, warn?: (m: string) => void): HeightSource {
  const dem = demHeightSource(grid, crs);
  return mergeDir ? mergeOverTerrainDir(dem, mergeDir, warn) : dem;
}

/** `dem` over the terrain directory `mergeDir` (dem wins where it has data); unmerged, with a warning, when far apart. */
export function mergeOverTerrainDir(dem: HeightSource, mergeDir: string, warn?: (m: string) => void): HeightSource {
  const old = terrainDirHeightSource(mergeDir);
  const [w1, s1, e1, n1] = dem.rectangle, [w2, s2, e2, n2] = old.rectangle;
  const union = (Math.max(e1, e2) - Math.min(w1, w2)) * (Math.max(n1, n2) - Math.min(s1, s2));
  const sum = (e1 - w1) * (n1 - s1) + (e2 - w2) * (n2 - s2);
  if (union > 16 * sum) {
    warn?.(`--merge ${mergeDir}: the existing terrain [${old.rectangle.map((v) => v.toFixed(3)).join(', ')}] is far from the new one [${dem.rectangle.map((v) => v.toFixed(3)).join(', ')}]; not merged`);
    return dem;
  }
  return mergeHeightSources(dem, old);
}
