export * from './feature.js';
export * from './network.js';
