/** Node adapter: strip workers as worker_threads (TypeScript sources run through tsx, built .js directly). */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { FloodConfig } from '../../core/flood/config.js';
import { ParallelFloodSimulation, type FloodWorkerFactory } from '../../core/flood/parallel/parallel.js';

/** A factory of worker_threads strip workers. */
export function nodeFloodWorkers(): FloodWorkerFactory {
  const ts = import.meta.url.endsWith('.ts');
  const entry = new URL(ts ? './parallel-worker-node.ts' : './parallel-worker-node.js', import.meta.url);
  // From TypeScript sources (tsx, vitest) the worker first registers tsx's loader, then imports the entry.
  const tsxApi = ts ? pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href : '';
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return () => {
    const w = ts ? new Worker(boot, { eval: true }) : new Worker(entry);
    return {
      postMessage: (m) => w.postMessage(m),
      onMessage: (cb) => w.on('message', cb),
      onError: (cb) => {
        w.on('error', cb);
        w.on('exit', (code) => {
          if (code !== 0) cb(new Error(`exited with code ${code}`));
        });
      },
      terminate: () => w.terminate(),
    };
  };
}

/** Builds a {@link ParallelFloodSimulation} on `workers` worker_threads (default 2). */
export function createNodeParallelFlood(config: FloodConfig, workers = 2): Promise<ParallelFloodSimulation> {
  return ParallelFloodSimulation.create(config, { workers, spawn: nodeFloodWorkers() });
}
