export * from './definitions.js';
export * from './transform.js';
