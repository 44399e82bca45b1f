/**
 * Options and results of the 3D Tiles 1.1 writer.
 */

/** How features are arranged into tiles. */
export type TilingScheme = 'quadtree' | 'group';

/** Options of {@link writeTileset}. */
export interface TilesetOptions {
  /**
   * Name of the one metadata class of the tileset (EXT_structural_metadata), e.g. "building". Must match
   * `^[a-zA-Z_][a-zA-Z0-9_]*$`.
   */
  className: string;
  /**
   * "quadtree" (default): split the features' extent until a leaf holds at most `maxFeaturesPerTile` features;
   * internal tiles hold a coarser rendition (REPLACE) or the largest features (ADD; see `refine`).
   * "group": one child tile per `CityFeature.group` value (e.g. BIM storeys), each with its own content.
   */
  tiling?: TilingScheme;
  /** Group values in the order their tiles should appear ("group" tiling); other values follow sorted. */
  groupOrder?: string[];
  /** Most features in one quadtree leaf. Default 200. */
  maxFeaturesPerTile?: number;
  /**
   * Most triangles in the coarse content of an internal quadtree tile: it draws the largest features of its subtree
   * at their coarsest LoD until this budget is spent. Default 20,000.
   */
  internalTriangleBudget?: number;
  /** Deepest quadtree level (root = 0). Default 12. */
  maxDepth?: number;
  /**
   * Render every material double-sided (for imported data with unreliable winding). Default false: only
   * translucent materials are double-sided.
   */
  doubleSided?: boolean;
  /**
   * Refinement of quadtree tiles. 'auto' (default): 'ADD' when every feature has a single LoD (pipes, footprints,
   * IFC: coarse tiles hold the largest features at full detail, children add the rest, nothing is written twice),
   * else 'REPLACE' (internal tiles hold the coarsest LoD of the largest features, children replace them).
   */
  refine?: 'auto' | 'ADD' | 'REPLACE';
  /**
   * Called after each tile is written (and once at the start with zeros): tiles and features done of their totals.
   * Features count once, in the tile that draws them at full detail.
   */
  onProgress?: (progress: TilesetProgress) => void;
  /** Free text stored as the tileset's `asset.tilesetVersion`. */
  tilesetVersion?: string;
}

/** Progress of {@link writeTileset}. */
export interface TilesetProgress {
  /** Tiles written so far (with or without content). */
  tilesDone: number;
  /** Tiles of the tree. */
  tilesTotal: number;
  /** Features written at full detail so far. */
  featuresDone: number;
  /** Features that will be written. */
  featuresTotal: number;
}

/** What {@link writeTileset} wrote. */
export interface TilesetSummary {
  /** Number of tiles in tileset.json (with or without content). */
  tiles: number;
  /** Number of tiles that have a .glb content. */
  contents: number;
  /** Features written (features without geometry are not counted; see `skipped`). */
  features: number;
  /** Triangles of the full-detail rendition (every feature at its finest LoD). */
  triangles: number;
  /** Triangles written over all tiles, coarse renditions included. */
  trianglesWritten: number;
  /** Bytes written: every .glb plus tileset.json. */
  bytes: number;
  /** [west, south, east, north] in degrees of every written vertex. */
  rectangle: [number, number, number, number];
  /** Lowest ellipsoidal height of any written vertex (m). */
  minHeight: number;
  /** Highest ellipsoidal height of any written vertex (m). */
  maxHeight: number;
  /** Refinement of the quadtree tiles ('ADD' for single-LoD models with refine 'auto'). */
  refine: 'ADD' | 'REPLACE';
  /** Deepest tile level (root = 0). */
  depth: number;
  /** `geometricError` of the tileset (m). */
  geometricError: number;
  /** Ids of features left out (no geometry or invalid geometry); the reason is in `warnings`. */
  skipped: string[];
  /** Problems that did not stop the writer (missing textures, skipped features...). */
  warnings: string[];
  /** Path of the written tileset.json. */
  tilesetPath: string;
}
