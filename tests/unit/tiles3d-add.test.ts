import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTangentProjection } from '../../src/core/geo/projection.js';
import type { CityFeature, FeatureCollectionModel } from '../../src/core/model/feature.js';
import { readGlb, validateTileset, writeTileset, type TilesetProgress } from '../../src/tiling/tiles3d/index.js';
import { LAT0, LON0, boxParts, cityModel } from './tiles3d-helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tiles3d-add-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** n×n single-LoD boxes (like footprint prisms) of varied size; one very large one. */
function blocks(n: number): FeatureCollectionModel {
  const crs = new LocalTangentProjection(LON0, LAT0);
  const features: CityFeature[] = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const s = k === 7 ? 60 : 4 + ((k * 7) % 17);
      const h = 3 + ((k * 5) % 40);
      features.push({ id: `p${k}`, type: 'Building', attributes: { k }, lods: [{ lod: '1', parts: boxParts(i * 30, j * 30, 0, i * 30 + s, j * 30 + s, h) }] });
      k++;
    }
  }
  return { name: 'blocks', crs, features };
}

/** Largest extent of a box feature's finest LoD. */
function sizeOf(f: CityFeature): number {
  const p = f.lods[f.lods.length - 1].parts[0].positions;
  return Math.max(...[0, 1, 2].map((c) => Math.max(...p.filter((_, i) => i % 3 === c)) - Math.min(...p.filter((_, i) => i % 3 === c))));
}

/** Feature ids (the `id` column) of a glb, read from its property table. */
function idsOf(file: string): string[] {
  const glb = readGlb(new Uint8Array(fs.readFileSync(file)));
  const md = glb.json.extensions.EXT_structural_metadata;
  const t = md.propertyTables[0];
  const offs = t.properties.id.stringOffsets, vals = t.properties.id.values;
  const view = (bv: number) => {
    const v = glb.json.bufferViews[bv];
    return glb.bin.subarray(v.byteOffset ?? 0, (v.byteOffset ?? 0) + v.byteLength);
  };
  const o = view(offs), b = view(vals);
  const dv = new DataView(o.buffer, o.byteOffset, o.byteLength);
  return Array.from({ length: t.count }, (_, i) => new TextDecoder().decode(b.subarray(dv.getUint32(i * 4, true), dv.getUint32(i * 4 + 4, true))));
}

describe('writeTileset ADD refinement for single-LoD models', () => {
  const dir = path.join(tmp, 'blocks');
  const model = blocks(20); // 400 features, 12 triangles each
  const progress: TilesetProgress[] = [];
  let summary: Awaited<ReturnType<typeof writeTileset>>;
  beforeAll(async () => {
    summary = await writeTileset(dir, model, { className: 'building', maxFeaturesPerTile: 50, internalTriangleBudget: 600, onProgress: (p) => progress.push(p) });
  });

  it('writes every feature exactly once, largest in the coarse tiles', () => {
    const ts = JSON.parse(fs.readFileSync(path.join(dir, 'tileset.json'), 'utf8'));
    expect(summary.refine).toBe('ADD');
    expect(ts.root.refine).toBe('ADD');
    const seen = new Map<string, number>();
    const walk = (t: any, depth: number) => {
      if (t.content) for (const id of idsOf(path.join(dir, t.content.uri))) seen.set(id, (seen.get(id) ?? 0) + 1);
      for (const c of t.children ?? []) walk(c, depth + 1);
    };
    walk(ts.root, 0);
    expect(seen.size).toBe(400);
    expect([...seen.values()].every((v) => v === 1)).toBe(true);
    expect(summary.trianglesWritten).toBe(summary.triangles);
    expect(summary.triangles).toBe(400 * 12);
    expect(summary.features).toBe(400);
    // The root holds the 50 largest (600 / 12): the 60 m block among them.
    expect(idsOf(path.join(dir, ts.root.content.uri))).toContain('p7');
  });

  it("gives each tile the error of the largest feature its descendants add (0 for leaves)", () => {
    const ts = JSON.parse(fs.readFileSync(path.join(dir, 'tileset.json'), 'utf8'));
    const byId = new Map(model.features.map((f) => [f.id, f]));
    // Returns the largest size among the subtree's features.
    const check = (t: any): number => {
      const own = t.content ? Math.max(0, ...idsOf(path.join(dir, t.content.uri)).map((id) => sizeOf(byId.get(id)!))) : 0;
      const below = Math.max(0, ...(t.children ?? []).map(check));
      if (!t.children?.length) expect(t.geometricError).toBe(0);
      else expect(t.geometricError).toBeCloseTo(below, 2);
      return Math.max(own, below);
    };
    check(ts.root);
    expect(ts.geometricError).toBeGreaterThanOrEqual(ts.root.geometricError);
  });

  it('passes validateTileset and counts features of ADD tiles as full detail', async () => {
    const r = await validateTileset(dir, { skipGltfValidator: true });
    expect(r.errors).toEqual([]);
    expect(r.features).toBe(400);
    expect(r.triangles).toBe(400 * 12);
  });

  it('reports progress from 0 to every tile and feature', () => {
    expect(progress[0]).toEqual({ tilesDone: 0, tilesTotal: summary.tiles, featuresDone: 0, featuresTotal: 400 });
    expect(progress.at(-1)).toEqual({ tilesDone: summary.tiles, tilesTotal: summary.tiles, featuresDone: 400, featuresTotal: 400 });
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i].tilesDone).toBe(progress[i - 1].tilesDone + 1);
      expect(progress[i].featuresDone).toBeGreaterThanOrEqual(progress[i - 1].featuresDone);
    }
  });

  it('keeps REPLACE for multi-LoD models, and honours an explicit refine', async () => {
    const d = path.join(tmp, 'lod12');
    const s = await writeTileset(d, cityModel(12), { className: 'building', maxFeaturesPerTile: 40, internalTriangleBudget: 300 });
    expect(s.refine).toBe('REPLACE');
    expect(s.trianglesWritten).toBeGreaterThan(s.triangles);
    const d2 = path.join(tmp, 'forced');
    const s2 = await writeTileset(d2, blocks(10), { className: 'building', maxFeaturesPerTile: 20, internalTriangleBudget: 120, refine: 'REPLACE' });
    expect(s2.refine).toBe('REPLACE');
    expect(JSON.parse(fs.readFileSync(path.join(d2, 'tileset.json'), 'utf8')).root.refine).toBe('REPLACE');
    await expect(writeTileset(d2, blocks(2), { className: 'b', refine: 'MERGE' as any })).rejects.toThrow(/options\.refine 'MERGE'/);
  });
});
