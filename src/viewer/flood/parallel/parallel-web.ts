/** Browser adapter: strip workers as module Web Workers (the page must be cross-origin isolated for SharedArrayBuffer). */
import type { FloodConfig } from '../../../core/flood/config.js';
import { ParallelFloodSimulation, type FloodWorkerFactory } from '../../../core/flood/parallel/parallel.js';
import type { FromWorker } from '../../../core/flood/parallel/protocol.js';

/** A factory of Web Worker strip workers (Vite bundles worker-web.ts through the `new URL` pattern). */
export function webFloodWorkers(): FloodWorkerFactory {
  return () => {
    const w = new Worker(new URL('./parallel-worker-web.ts', import.meta.url), { type: 'module' });
    return {
      postMessage: (m) => w.postMessage(m),
      onMessage: (cb) => w.addEventListener('message', (e: MessageEvent<FromWorker>) => cb(e.data)),
      onError: (cb) => w.addEventListener('error', (e: ErrorEvent) => cb(new Error(e.message || 'worker error'))),
      terminate: () => w.terminate(),
    };
  };
}

/** Builds a {@link ParallelFloodSimulation} on `workers` Web Workers (default: 2). */
export function createWebParallelFlood(config: FloodConfig, workers = 2): Promise<ParallelFloodSimulation> {
  return ParallelFloodSimulation.create(config, { workers, spawn: webFloodWorkers() });
}
