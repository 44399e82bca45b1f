/** Terrain: quantized-mesh codec, geographic tiling, RTIN meshing, height sources. Pure TypeScript. */
export * from './quantized-mesh.js';
export * from './tiling.js';
export * from './rtin.js';
export * from './source.js';
export * from './extend.js';
export * from './tile.js';
