/**
 * 3D Tiles 1.1 writer: FeatureCollectionModel → tileset.json + glb contents with EXT_mesh_features and
 * EXT_structural_metadata, and a validator for what it writes.
 */
export { writeTileset, boxOf, CONTENT_DIR, DEFAULT_MAX_FEATURES_PER_TILE, DEFAULT_INTERNAL_TRIANGLE_BUDGET } from './writer.js';
export type { TilesetOptions, TilesetProgress, TilesetSummary, TilingScheme } from './types.js';
export { inferSchema, sanitizePropertyId, FLOAT64_NODATA, INT32_NODATA } from './metadata.js';
export type { MetadataSchemaInfo, PropertyColumn } from './metadata.js';
export { SEMANTIC_COLORS, materialFactor, srgbToLinear } from './materials.js';
export { lodDeviation, pointTriangleDistSq } from './lod-error.js';
export { validateTileset } from './validate.js';
export type { ValidationReport, ValidationIssue, ValidateOptions } from './validate.js';
export { readGlb, readAccessor, bufferViewBytes, forEachPosition, nodeMatrix, multiply, Y_UP_TO_Z_UP } from './glb-read.js';
export type { GlbFile } from './glb-read.js';
