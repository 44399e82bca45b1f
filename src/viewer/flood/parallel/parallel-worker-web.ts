/**
 * Browser adapter of the strip worker: the entry of a module Web Worker, e.g.
 * `new Worker(new URL('./parallel-worker-web.js', import.meta.url), { type: 'module' })`. SharedArrayBuffer needs a
 * cross-origin-isolated page (COOP: same-origin, COEP: require-corp or credentialless; the app server sends the
 * latter, see src/server/static.ts).
 */
import { createFloodWorker } from '../../../core/flood/parallel/worker-core.js';
import type { ToWorker } from '../../../core/flood/parallel/protocol.js';

const scope = self as unknown as { postMessage(m: unknown): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };
const handle = createFloodWorker((m) => scope.postMessage(m));
scope.onmessage = (e) => handle(e.data);
