/** Shared helpers of the import-* tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ImportContext, SkippedObject } from '../../src/tiling/import/registry.js';
import { importContext } from '../../src/tiling/import/io.js';

/** The shared open-data folder (read in place). Missing data fails the tests loudly. */
export const DATA = path.resolve(process.cwd(), '../shared/data');
if (!fs.existsSync(path.join(DATA, 'MANIFEST.md'))) {
  throw new Error(`shared test data not found at ${DATA} (expected ../shared/data relative to the repository root)`);
}

/** A test import context that records warnings and skips. */
export function testContext(over: Partial<ImportContext> = {}): ImportContext & { warnings: string[]; skipped: SkippedObject[] } {
  const warnings: string[] = [];
  const skipped: SkippedObject[] = [];
  return {
    ...importContext({ warn: (m) => warnings.push(m), skip: (id, reason) => skipped.push({ file: '', id, reason }), ...over }),
    warnings,
    skipped,
  };
}

/** A fresh temporary directory. */
export function tmpDir(prefix = 'twin-import-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
