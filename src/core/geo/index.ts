export * from './ellipsoid.js';
export * from './projection.js';
