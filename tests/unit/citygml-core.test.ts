import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA } from './import-helpers.js';
import { detachedCopy, parseCityGml } from '../../src/core/formats/citygml/index.js';

// src/core runs in browsers and workers as well as Node: the CityGML parser must not need Node's Buffer.
const BLDG = path.join(DATA, 'citymodels/jp_plateau/yokosuka/udx/bldg/52397519_bldg_6697_op.gml');

describe('CityGML parser without Node globals', () => {
  it('detachedCopy keeps the text (ASCII, Japanese, astral characters)', () => {
    for (const s of ['', 'GUID_1CDBD3A1-F60E-49EB-9650-011F3F606343', '建物 横須賀市', 'a😀b', 'x'.repeat(5000)]) {
      const c = detachedCopy(s);
      expect(c).toBe(s);
    }
  });

  it('parses a PLATEAU file the same with and without globalThis.Buffer', () => {
    const text = fs.readFileSync(BLDG, 'utf8');
    const withBuffer = parseCityGml(text, { fileName: 'bldg.gml' });
    const saved = globalThis.Buffer;
    let without;
    try {
      // As in a browser or a web worker.
      (globalThis as { Buffer?: unknown }).Buffer = undefined;
      without = parseCityGml(text, { fileName: 'bldg.gml' });
    } finally {
      globalThis.Buffer = saved;
    }
    expect(without.objects.length).toBeGreaterThanOrEqual(13);
    expect(without.objects.map((o) => o.id)).toEqual(withBuffer.objects.map((o) => o.id));
    expect(JSON.stringify(without.objects.map((o) => o.attributes))).toBe(JSON.stringify(withBuffer.objects.map((o) => o.attributes)));
    // Japanese attribute text survives the copy.
    expect(JSON.stringify(without.objects.map((o) => o.attributes))).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(without.srsName).toBe(withBuffer.srsName);
  });
});
