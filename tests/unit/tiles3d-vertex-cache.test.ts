/**
 * prepareModel converts each distinct model position once per feature (importers such as CityJSON copy shared
 * vertices into every surface). What a user relies on: every copy lands on exactly the position its own conversion
 * gives, and positions that differ by less than the cache's millimetre hash stay apart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCrsTransform } from '../../src/core/crs/index.js';
import type { CityFeature, FeatureCollectionModel, MeshPart } from '../../src/core/model/feature.js';
import { prepareModel } from '../../src/tiling/tiles3d/prepare.js';
import { writeTileset } from '../../src/tiling/tiles3d/writer.js';
import { readAccessor, readGlb } from '../../src/tiling/tiles3d/glb-read.js';

/** A quad surface with its own copy of four corners. */
function quad(semantic: MeshPart['semantic'], c: number[][]): MeshPart {
  return { semantic, positions: c.flat(), indices: [0, 1, 2, 0, 2, 3] };
}

/** A box whose six faces each carry their own vertex copies (as the CityJSON reader builds them). */
function copiedBox(id: string, x: number, y: number, z: number, s: number): CityFeature {
  const p = (i: number) => [x + (i & 1 ? s : 0), y + (i & 2 ? s : 0), z + (i & 4 ? s : 0)];
  const faces = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]];
  const parts = faces.map((f, i) => quad(i === 0 ? 'ground' : i === 1 ? 'roof' : 'wall', f.map(p)));
  return { id, type: 'Building', attributes: {}, lods: [{ lod: '2', parts }] };
}

/** ENU of every vertex of a prepared model, keyed by its model position. */
function enuByPosition(model: FeatureCollectionModel): Map<string, number[][]> {
  const p = prepareModel(model);
  const out = new Map<string, number[][]>();
  for (const f of p.features) {
    const src = model.features[f.index].lods[0].parts;
    f.lods[0].parts.forEach((part, i) => {
      const pos = src[i].positions;
      for (let v = 0; v < pos.length; v += 3) {
        const key = `${pos[v]},${pos[v + 1]},${pos[v + 2]}`;
        const list = out.get(key) ?? [];
        list.push([part.enu[v], part.enu[v + 1], part.enu[v + 2]]);
        out.set(key, list);
      }
    });
  }
  return out;
}

describe('prepareModel: repeated vertex positions', () => {
  const crs = createCrsTransform('EPSG:7415');

  it('gives every copy of a position the same values as a model that holds it once', () => {
    const features = [copiedBox('a', 85000.123, 447500.456, 1.5, 10), copiedBox('b', 85010.123, 447500.456, 1.5, 10)];
    const model: FeatureCollectionModel = { name: 'm', crs, features };
    const all = enuByPosition(model);
    // 8 + 8 corners, 4 shared between the two boxes.
    expect(all.size).toBe(12);
    // The same tileset frame with one triangle per distinct position: each converted on its own.
    const single = [...all.keys()].map((k, i) => {
      const c = k.split(',').map(Number);
      return { id: `v${i}`, type: 'Building', attributes: {}, lods: [{ lod: '2', parts: [{ semantic: 'wall' as const, positions: [...c, ...c, ...c], indices: [0, 1, 2] }] }] };
    });
    const own = enuByPosition({ name: 'm', crs, features: single });
    for (const [key, copies] of all) {
      expect(copies.length).toBeGreaterThanOrEqual(3);
      for (const c of copies) expect(c).toEqual(own.get(key)![0]);
    }
  });

  it('keeps positions apart that share a millimetre', () => {
    // 60 vertices within one millimetre (one hash bucket), 1e-5 m apart in x: every one keeps its own value.
    const positions: number[] = [];
    const indices: number[] = [];
    for (let i = 0; i < 60; i++) positions.push(85000.1234 + i * 1e-5, 447500.2, 3);
    positions.push(85001, 447501, 3, 85000, 447501, 3);
    for (let i = 0; i < 59; i++) indices.push(i, 60, 61);
    const model: FeatureCollectionModel = { name: 'm', crs, features: [{ id: 'f', type: 'Building', attributes: {}, lods: [{ lod: '1', parts: [{ semantic: 'roof', positions, indices }] }] }] };
    const enu = prepareModel(model).features[0].lods[0].parts[0].enu;
    for (let i = 1; i < 60; i++) {
      const de = enu[i * 3] - enu[(i - 1) * 3];
      expect(de).toBeGreaterThan(0.9e-5);
      expect(de).toBeLessThan(1.1e-5);
      expect(Math.abs(enu[i * 3 + 1] - enu[(i - 1) * 3 + 1])).toBeLessThan(1e-6);
    }
  });
});

/** The box of {@link copiedBox} with its faces sharing one positions array of its 8 corners (as the CityJSON reader builds untextured parts). */
function sharedBox(id: string, x: number, y: number, z: number, s: number): CityFeature {
  const positions: number[] = [];
  for (let i = 0; i < 8; i++) positions.push(x + (i & 1 ? s : 0), y + (i & 2 ? s : 0), z + (i & 4 ? s : 0));
  const faces = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]];
  const parts: MeshPart[] = faces.map((f, i) => ({ semantic: i === 0 ? 'ground' : i === 1 ? 'roof' : 'wall', positions, indices: [f[0], f[1], f[2], f[0], f[2], f[3]] }));
  return { id, type: 'Building', attributes: {}, lods: [{ lod: '2', parts }] };
}

/** World positions (node translation + POSITION) of every triangle corner of every tile, in file order. */
function tileTriangles(dir: string): number[] {
  const out: number[] = [];
  for (const f of fs.readdirSync(path.join(dir, 'tiles')).sort()) {
    const glb = readGlb(fs.readFileSync(path.join(dir, 'tiles', f)));
    const t = glb.json.nodes[0].translation as number[];
    for (const pr of glb.json.meshes?.[0]?.primitives ?? []) {
      const pos = readAccessor(glb, pr.attributes.POSITION).data, idx = readAccessor(glb, pr.indices).data;
      for (const i of idx) out.push(t[0] + pos[i * 3], t[1] + pos[i * 3 + 1], t[2] + pos[i * 3 + 2]);
    }
  }
  return out;
}

describe('prepareModel and writeTileset: parts sharing one positions array', () => {
  const crs = createCrsTransform('EPSG:7415');

  it('give the same triangles as parts with their own copies, converting the shared array once', async () => {
    const copied: FeatureCollectionModel = { name: 'm', crs, features: [copiedBox('a', 85000.123, 447500.456, 1.5, 10), copiedBox('b', 85010.123, 447500.456, 1.5, 10)] };
    const shared: FeatureCollectionModel = { name: 'm', crs, features: [sharedBox('a', 85000.123, 447500.456, 1.5, 10), sharedBox('b', 85010.123, 447500.456, 1.5, 10)] };
    const ps = prepareModel(shared), pc = prepareModel(copied);
    // One ENU array per feature, used by all six faces.
    for (const f of ps.features) expect(new Set(f.lods[0].parts.map((p) => p.enu)).size).toBe(1);
    expect(ps.features[0].lods[0].parts[0].enu.length).toBe(8 * 3);
    expect([...ps.features[0].bounds]).toEqual([...pc.features[0].bounds]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twin-shared-'));
    try {
      const a = await writeTileset(path.join(dir, 'copied'), copied, { className: 'building' });
      const b = await writeTileset(path.join(dir, 'shared'), shared, { className: 'building' });
      expect(b.triangles).toBe(a.triangles);
      expect(b.triangles).toBe(24);
      const ta = tileTriangles(path.join(dir, 'copied')), tb = tileTriangles(path.join(dir, 'shared'));
      expect(tb.length).toBe(ta.length);
      for (let i = 0; i < ta.length; i++) expect(Math.abs(tb[i] - ta[i])).toBeLessThan(1e-4);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
