/**
 * The importer framework of `twin import`: the Importer interface, the shared context every importer gets, what an
 * importer returns, and the list of importers tried in order (format detected from the file's first bytes).
 *
 * To add a format: write `importers/<id>.ts` exporting an {@link Importer}, and add one line to {@link IMPORTERS}.
 */
import type { PipeNetwork } from '../../core/model/network.js';
import type { FeatureCollectionModel } from '../../core/model/feature.js';
import type { CoordinateTransform } from '../../core/geo/projection.js';
import type { Grid } from '../../core/grid/grid.js';
import type { LayerKind, StoreySpec } from '../../core/scene/catalog.js';
import type { ParsedArgs } from '../../cli/args.js';
import type { HeightSource } from '../../core/terrain/index.js';
import { cityJsonImporter } from './importers/cityjson.js';
import { geoJsonFootprintsImporter } from './importers/geojson.js';
import { cityGmlImporter } from './citygml.js';
import { ifcImporter } from './ifc.js';
import { demImporter } from './dem.js';
export { headText } from './sniff.js';

/** An object the importer left out, with why. */
export interface SkippedObject {
  /** Source file. */
  file: string;
  /** Object id (or a JSON pointer / line number when it has none). */
  id: string;
  /** Reason, naming the location and what was expected. */
  reason: string;
}

/** Options and services shared by all importers of one `twin import` run. */
export interface ImportContext {
  /** `--crs`: overrides (or supplies) the source CRS, e.g. "EPSG:28992", "urn:ogc:def:crs:EPSG::7415". */
  crs?: string;
  /** `--lod`: the LoD to import (e.g. "2", "2.2"); undefined = the highest in each object. */
  lod?: string;
  /** `--height-offset`: metres added to source heights instead of the default geoid undulation. */
  heightOffset?: number;
  /** `--origin lon,lat,h`: places data without georeference (or in a local engineering CRS). */
  origin?: [number, number, number];
  /** `--heading`: rotation of the local frame (° clockwise from north) used with `origin`. */
  heading: number;
  /** `--height-attr` (GeoJSON footprints): property names to read the building height from, in order. */
  heightAttrs?: string[];
  /** `--storey-height` (GeoJSON footprints): metres per storey when only a floor count is known. */
  storeyHeight?: number;
  /** `--merge <terrain dir>`: an existing terrain directory the DEM importers merge into. */
  mergeTerrain?: string;
  /** A terrain surface (e.g. from a DEM given on the same command line) that footprints are based on. */
  baseTerrain?: TerrainGrid;
  /** All parsed command-line options, for importer-specific flags. */
  args: ParsedArgs;
  /** Reports a warning (goes to the summary and stderr). */
  warn(message: string): void;
  /** Reports an object left out. */
  skip(id: string, reason: string): void;
  /** Reports progress of the current file (`done` of `total` units, e.g. bytes or objects). */
  progress(done: number, total: number, label?: string): void;
  /** Reads a whole file, gunzipping it when it is gzip. */
  readFile(file: string): Promise<Uint8Array>;
  /** Reads a file line by line (gunzipping transparently); yields lines without the newline and the byte count read so far. */
  readLines(file: string): AsyncIterable<{ line: string; lineNo: number; bytes: number }>;
}

/**
 * A terrain raster an importer produced (DEM, CityJSON TINRelief...): rows north → south (ESRI-ASCII convention).
 * The pipeline writes it with `writeTerrain(dir, source ?? demHeightSource(grid, crs))`.
 */
export interface TerrainGrid {
  grid: Grid;
  /** CRS of the grid's x/y and of its heights (toGeodetic gives ellipsoidal heights). */
  crs: CoordinateTransform;
  /** Optional ready sampler (ellipsoidal heights by lon/lat); default demHeightSource(grid, crs). */
  source?: HeightSource;
  /** Human readable description. */
  name?: string;
}

/** One tileset layer an importer produced. */
export interface ImportLayer {
  model: FeatureCollectionModel;
  /** Scene layer kind ('tileset' default; 'bim' for IFC). */
  kind?: LayerKind;
  /** 3D Tiles metadata class name ("building", "bimElement", "cityObject"...). */
  className: string;
  /** 'quadtree' (default) or 'group' (tiles by feature.group, e.g. BIM storeys). */
  tiling?: 'quadtree' | 'group';
  /** Order of the groups for 'group' tiling. */
  groupOrder?: string[];
  /** Storeys of a BIM layer. */
  storeys?: StoreySpec[];
  /** Attributes offered for "style by". */
  styleBy?: Record<string, 'numeric' | 'category'>;
  /** Suffix appended to the layer id/dir when an input gives several layers (e.g. "terrain-objects"). */
  suffix?: string;
  /**
   * Utility networks (topology: nodes joined by links) of a pipes layer, in the model's coordinates. The pipeline
   * writes them next to the tileset as `networks.json` ({ crs, networks }, the demo's format).
   */
  networks?: PipeNetwork[];
}

/** What an importer returns for one input file. */
export interface ImportOutput {
  /** Tilesets to write (may be empty for a pure DEM). */
  layers: ImportLayer[];
  /** A terrain surface to write as quantized-mesh terrain (DEM, CityJSON TINRelief...). */
  terrain?: TerrainGrid;
  /** The source CRS as understood, e.g. "EPSG:7415 (Amersfoort / RD New + NAP height); heights NAP + 43 m (default geoid undulation)". */
  sourceCrs?: string;
  /** Format details, e.g. "CityJSON 2.0". */
  format?: string;
  /**
   * Objects read per type, when it differs from the features of `layers` (e.g. CityJSON Buildings without geometry
   * of their own, whose attributes went to their BuildingParts).
   */
  objects?: Record<string, number>;
  /** Extra warnings (those given to ctx.warn need not be repeated). */
  warnings?: string[];
}

/** A file format importer. */
export interface Importer {
  /** Short id: 'cityjson', 'geojson', 'citygml', 'ifc', 'dem'. */
  id: string;
  /** One line for `twin import --help`. */
  description: string;
  /**
   * Whether this importer reads the file, judged from its first bytes (already gunzipped; up to 64 KiB) and its
   * name. Content first: the name is only a tie-breaker.
   */
  detect(head: Uint8Array, fileName: string): boolean;
  /** Imports one file. Throw only when nothing of the file can be used; otherwise skip and warn through ctx. */
  import(file: string, ctx: ImportContext): Promise<ImportOutput>;
}

/**
 * The importers, tried in order; the first whose detect() accepts the file reads it.
 * Part 2 adds 'citygml', 'ifc' and 'dem' here.
 */
export const IMPORTERS: Importer[] = [cityJsonImporter, geoJsonFootprintsImporter, cityGmlImporter, ifcImporter, demImporter];

/** Picks the importer for a file from its first bytes, or undefined. */
export function detectImporter(head: Uint8Array, fileName: string, importers: readonly Importer[] = IMPORTERS): Importer | undefined {
  return importers.find((imp) => {
    try {
      return imp.detect(head, fileName);
    } catch {
      return false;
    }
  });
}
