import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateTileset, writeTileset } from '../../src/tiling/tiles3d/index.js';
import { cityModel } from './tiles3d-helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tiles3d-validate-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const good = path.join(tmp, 'good');

/** Copies the good tileset, lets `mutate` break it, validates the copy. */
async function broken(name: string, mutate: (ts: any, dir: string) => void) {
  const dir = path.join(tmp, name);
  fs.cpSync(good, dir, { recursive: true });
  const ts = JSON.parse(fs.readFileSync(path.join(dir, 'tileset.json'), 'utf8'));
  mutate(ts, dir);
  fs.writeFileSync(path.join(dir, 'tileset.json'), JSON.stringify(ts));
  return validateTileset(dir, { skipGltfValidator: name !== 'corrupt-glb' });
}

describe('validateTileset catches broken tilesets', () => {
  beforeAll(async () => {
    await writeTileset(good, cityModel(12), { className: 'building', maxFeaturesPerTile: 40 });
    const r = await validateTileset(good);
    expect(r.errors).toEqual([]);
  });

  it('a child volume outside its parent', async () => {
    const r = await broken('child-out', (ts) => {
      ts.root.children[0].boundingVolume.box[0] += 500;
    });
    expect(r.valid).toBe(false);
    expect(r.errors.some((e) => e.where === 'tileset.json root.children[0]' && /is not inside its parent/.test(e.message))).toBe(true);
  });

  it('content vertices outside the tile volume', async () => {
    const r = await broken('shrunk', (ts) => {
      const leaf = ts.root.children[0].children?.[0] ?? ts.root.children[0];
      for (const i of [3, 7, 11]) leaf.boundingVolume.box[i] *= 0.5;
      delete leaf.content.boundingVolume;
    });
    expect(r.errors.some((e) => /vertices lie outside/.test(e.message))).toBe(true);
  });

  it('a geometric error that grows downward, a wrong version, a missing content', async () => {
    const r = await broken('misc', (ts, dir) => {
      ts.asset.version = '1.0';
      ts.root.children[1].geometricError = ts.root.geometricError + 10;
      fs.rmSync(path.join(dir, ts.root.children[2].content.uri));
    });
    const text = r.errors.map((e) => `${e.where}: ${e.message}`).join('\n');
    expect(text).toMatch(/asset\.version.*expected "1\.1"/);
    expect(text).toMatch(/children\[1\]: geometricError .* is larger than its parent's/);
    expect(text).toMatch(/children\[2\]: content\.uri .* does not exist/);
  });

  it('a corrupt glb (glTF-Validator)', async () => {
    const r = await broken('corrupt-glb', (ts, dir) => {
      const file = path.join(dir, ts.root.content.uri);
      const bytes = fs.readFileSync(file);
      const text = bytes.toString('latin1');
      // Point the first POSITION accessor past its buffer view, same length so the GLB stays readable.
      const at = text.indexOf('"count":');
      const digits = /"count":(\d+)/.exec(text.slice(at))![1];
      bytes.write(`"count":${'9'.repeat(digits.length)}`, at, 'latin1');
      fs.writeFileSync(file, bytes);
    });
    expect(r.valid).toBe(false);
    expect(r.errors.some((e) => /glTF-Validator/.test(e.message))).toBe(true);
  });
});
