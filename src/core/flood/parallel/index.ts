/** Strip-parallel flood engine (workers on shared memory); platform adapters: src/server/flood/parallel-node.ts (Node), src/viewer/flood/parallel/parallel-web.ts (browser). */
export * from './barrier.js';
export * from './parallel.js';
export * from './protocol.js';
export * from './worker-core.js';
