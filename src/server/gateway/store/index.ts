/** Store selection: 'sqlite' (default, a file in dataDir), 'memory', or a postgres:// URL. */
import type { ObservationStore } from './types.js';
import { SqliteStore } from './sqlite.js';
import { MemoryStore } from './memory.js';

export type { ObservationStore, StoreInfo } from './types.js';
export { SqliteStore } from './sqlite.js';
export { MemoryStore } from './memory.js';

/** Creates (unopened) the store named by `spec`. */
export async function createStore(spec: string, dataDir: string): Promise<ObservationStore> {
  if (spec === 'sqlite') return new SqliteStore(dataDir);
  if (spec === 'memory') return new MemoryStore();
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const { PostgresStore } = await import('./postgres.js');
    return new PostgresStore(spec);
  }
  throw new Error(`gateway store: expected 'sqlite', 'memory' or a postgres:// URL, got '${spec}'`);
}
