/** Node adapter of the strip worker: the entry of a worker_threads Worker. */
import { parentPort } from 'node:worker_threads';
import { createFloodWorker } from '../../core/flood/parallel/worker-core.js';
import type { ToWorker } from '../../core/flood/parallel/protocol.js';

if (!parentPort) throw new Error('worker-node.ts must run in a worker_threads Worker');
const port = parentPort;
const handle = createFloodWorker((m) => port.postMessage(m));
port.on('message', (m: ToWorker) => handle(m));
