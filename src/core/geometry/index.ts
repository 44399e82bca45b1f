export * from './triangulate.js';
export * from './mesh.js';
