/** 2D flood engine (local inertial shallow water): config types, the simulation class and its strip-parallel runner (platform adapters: src/server/flood/parallel-node.ts for Node, src/viewer/flood/parallel/parallel-web.ts for the browser). */
export * from './config.js';
export * from './simulation.js';
export * from './parallel/index.js';
