import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enuToEcefMatrix, geodeticToEcef } from '../../src/core/geo/ellipsoid.js';
import { LocalTangentProjection } from '../../src/core/geo/projection.js';
import type { CityFeature, FeatureCollectionModel } from '../../src/core/model/feature.js';
import {
  FLOAT64_NODATA,
  Y_UP_TO_Z_UP,
  bufferViewBytes,
  lodDeviation,
  multiply,
  nodeMatrix,
  readAccessor,
  readGlb,
  validateTileset,
  writeTileset,
  type GlbFile,
} from '../../src/tiling/tiles3d/index.js';
import { LAT0, LON0, boxParts, cityModel, gableParts, house } from './tiles3d-helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tiles3d-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Decodes property table 0 of a glb into rows, independently of the writer (spec: EXT_structural_metadata). */
function decodeTable(glb: GlbFile): Record<string, unknown>[] {
  const md = glb.json.extensions.EXT_structural_metadata;
  const table = md.propertyTables[0];
  const cls = md.schema.classes[table.class];
  const rows: Record<string, unknown>[] = Array.from({ length: table.count }, () => ({}));
  for (const [id, prop] of Object.entries<any>(table.properties)) {
    const def = cls.properties[id];
    const name = def.name ?? id;
    const bytes = bufferViewBytes(glb, prop.values);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < table.count; i++) {
      let v: unknown;
      if (def.type === 'STRING') {
        const ob = bufferViewBytes(glb, prop.stringOffsets);
        const od = new DataView(ob.buffer, ob.byteOffset, ob.byteLength);
        expect(prop.stringOffsetType).toBe('UINT32');
        v = new TextDecoder().decode(bytes.subarray(od.getUint32(i * 4, true), od.getUint32(i * 4 + 4, true)));
      } else if (def.type === 'BOOLEAN') {
        v = ((bytes[i >> 3] >> (i & 7)) & 1) === 1;
      } else {
        v = {
          UINT8: () => dv.getUint8(i),
          UINT16: () => dv.getUint16(i * 2, true),
          INT32: () => dv.getInt32(i * 4, true),
          FLOAT64: () => dv.getFloat64(i * 8, true),
        }[def.componentType as 'UINT8']();
      }
      rows[i][name] = def.noData !== undefined && v === def.noData ? null : v;
    }
  }
  return rows;
}

/** Every vertex of a glb in ECEF, with its feature id. */
function ecefVertices(glb: GlbFile, world: number[]): { p: [number, number, number]; fid: number }[] {
  const out: { p: [number, number, number]; fid: number }[] = [];
  const m = multiply(multiply(world, Y_UP_TO_Z_UP), nodeMatrix(glb.json.nodes[0]));
  for (const prim of glb.json.meshes[0].primitives) {
    const pos = readAccessor(glb, prim.attributes.POSITION).data;
    const fid = readAccessor(glb, prim.attributes._FEATURE_ID_0).data;
    for (let i = 0; i < fid.length; i++) {
      const [x, y, z] = [pos[i * 3], pos[i * 3 + 1], pos[i * 3 + 2]];
      out.push({ p: [m[0] * x + m[4] * y + m[8] * z + m[12], m[1] * x + m[5] * y + m[9] * z + m[13], m[2] * x + m[6] * y + m[10] * z + m[14]], fid: fid[i] });
    }
  }
  return out;
}

function readTileset(dir: string): any {
  return JSON.parse(fs.readFileSync(path.join(dir, 'tileset.json'), 'utf8'));
}

function allFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: false } as any).map(String).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('writeTileset quadtree', () => {
  const dir = path.join(tmp, 'city');
  let summary: Awaited<ReturnType<typeof writeTileset>>;
  const model = cityModel(24); // 576 houses, LoD1 + LoD2
  beforeAll(async () => {
    // 12 triangles per LoD1 block: internal tiles hold the 100 largest houses.
    summary = await writeTileset(dir, model, { className: 'building', maxFeaturesPerTile: 100, internalTriangleBudget: 1200 });
  });

  it('passes validateTileset: glTF-Validator, loaders.gl, volumes, errors, URIs', async () => {
    const report = await validateTileset(dir);
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.tiles).toBe(summary.tiles);
    expect(report.features).toBe(576);
    expect(report.triangles).toBe(summary.trianglesWritten);
  });

  it('summarises what it wrote', () => {
    expect(summary.features).toBe(576);
    expect(summary.triangles).toBe(576 * 16); // LoD2 gable house: roof 4, walls 10, ground 2
    expect(summary.skipped).toEqual([]);
    expect(summary.minHeight).toBeCloseTo(10, 6);
    expect(summary.maxHeight).toBeGreaterThan(40);
    const [w, s, e, n] = summary.rectangle;
    expect(w).toBeLessThan(LON0);
    expect(e).toBeGreaterThan(LON0);
    expect(s).toBeLessThan(LAT0);
    expect(n).toBeGreaterThan(LAT0);
    const files = allFiles(dir);
    const bytes = files.reduce((a, f) => a + fs.statSync(path.join(dir, f)).size, 0);
    expect(summary.bytes).toBe(bytes);
    expect(files.filter((f) => f.endsWith('.glb')).length).toBe(summary.contents);
  });

  it('has a 1.1 tileset with an ENU root transform, REPLACE refinement and honest errors', () => {
    const ts = readTileset(dir);
    expect(ts.asset).toEqual({ version: '1.1', generator: 'city-twin' });
    expect(ts.schema.classes.building).toBeDefined();
    const root = ts.root;
    const [w, s, e, n] = summary.rectangle;
    const expected = enuToEcefMatrix((w + e) / 2, (s + n) / 2, summary.minHeight);
    root.transform.forEach((v: number, i: number) => expect(v).toBeCloseTo(expected[i], 6));
    expect(root.refine).toBe('REPLACE');
    expect(root.children.length).toBeGreaterThan(1);
    const leaves: any[] = [];
    const internals: any[] = [];
    const walk = (t: any) => ((t.children?.length ? internals : leaves).push(t), (t.children ?? []).forEach(walk));
    walk(root);
    for (const l of leaves) expect(l.geometricError).toBe(0);
    // Internal tiles drop houses (up to 2+12+... m tall) and draw LoD1 blocks for gabled LoD2 roofs: error > 0.
    for (const t of internals) expect(t.geometricError).toBeGreaterThan(1);
    // The root draws the 100 largest houses; its error must cover the largest house it leaves out (its size is the
    // largest extent of its LoD2 box) and stay below the largest house.
    const sizes = model.features.map((f) => {
      const p = f.lods[1].parts[0].positions;
      const ext = [0, 1, 2].map((k) => Math.max(...p.filter((_, i) => i % 3 === k)) - Math.min(...p.filter((_, i) => i % 3 === k)));
      return Math.max(...ext);
    }).sort((a, b) => b - a);
    expect(root.geometricError).toBeGreaterThanOrEqual(sizes[100] - 0.01);
    expect(root.geometricError).toBeLessThanOrEqual(sizes[0] + 0.01);
    expect(ts.geometricError).toBeGreaterThanOrEqual(root.geometricError);
  });

  it('with the default budget, internal tiles draw every house as LoD1 and their error is the LoD1/LoD2 deviation', async () => {
    const d = path.join(tmp, 'city-full');
    await writeTileset(d, model, { className: 'building', maxFeaturesPerTile: 100 });
    const ts = readTileset(d);
    // Ridge − eave = 2 + k mod 5 ≤ 6 m; the LoD1 block stands at mid-roof, so the ridge is at most 3 m above it.
    expect(ts.root.geometricError).toBeGreaterThanOrEqual(3);
    expect(ts.root.geometricError).toBeLessThanOrEqual(3.002); // curvature of the ellipsoid over the district: micrometres
    const glb = readGlb(new Uint8Array(fs.readFileSync(path.join(d, ts.root.content.uri))));
    expect(glb.json.extensions.EXT_structural_metadata.propertyTables[0].count).toBe(576);
    // Quadtree level-1 tiles would repeat the root's LoD1 houses: the leaves hang from the root instead.
    expect(ts.root.children.length).toBeGreaterThan(4);
    for (const c of ts.root.children) expect(c.children).toBeUndefined();
    expect((await validateTileset(d, { skipGltfValidator: true })).errors).toEqual([]);
  });

  it('places vertices at their ECEF position within 1 cm', () => {
    const ts = readTileset(dir);
    // Find the leaf that holds b0 (the feature at the south-west corner) and check every one of its vertices.
    const leaves: any[] = [];
    const walk = (t: any) => (t.children?.length ? t.children.forEach(walk) : leaves.push(t));
    walk(ts.root);
    const crs = model.crs;
    let checked = 0;
    for (const leaf of leaves) {
      const glb = readGlb(new Uint8Array(fs.readFileSync(path.join(dir, leaf.content.uri))));
      const rows = decodeTable(glb);
      const k = rows.findIndex((r) => r.id === 'b0' || r.id === 'b300');
      if (k < 0) continue;
      const f = model.features.find((x) => x.id === rows[k].id)!;
      const expected = f.lods[1].parts.flatMap((p) => {
        const out: [number, number, number][] = [];
        for (let i = 0; i < p.positions.length; i += 3) out.push(geodeticToEcef(...crs.toGeodetic(p.positions[i], p.positions[i + 1], p.positions[i + 2])));
        return out;
      });
      const got = ecefVertices(glb, ts.root.transform).filter((v) => v.fid === k);
      expect(got.length).toBeGreaterThan(0);
      for (const v of got) {
        const d = Math.min(...expected.map((q) => Math.hypot(q[0] - v.p[0], q[1] - v.p[1], q[2] - v.p[2])));
        expect(d).toBeLessThan(0.01);
      }
      for (const q of expected) {
        const d = Math.min(...got.map((v) => Math.hypot(q[0] - v.p[0], q[1] - v.p[1], q[2] - v.p[2])));
        expect(d).toBeLessThan(0.01);
      }
      checked++;
    }
    expect(checked).toBe(2);
  });

  it('writes feature properties that read back, with Chinese text and nulls', () => {
    const ts = readTileset(dir);
    const props = ts.schema.classes.building.properties;
    expect(props.id.type).toBe('STRING');
    expect(props.type.type).toBe('STRING');
    expect(props.name.type).toBe('STRING');
    expect(props.height).toMatchObject({ type: 'SCALAR', componentType: 'UINT16' });
    expect(props.residents).toMatchObject({ type: 'SCALAR', componentType: 'UINT16', noData: 65535 });
    expect(props.heritage.type).toBe('BOOLEAN');
    const byId = new Map(model.features.map((f) => [f.id, f]));
    let rowsSeen = 0;
    for (const f of fs.readdirSync(path.join(dir, 'tiles'))) {
      const glb = readGlb(new Uint8Array(fs.readFileSync(path.join(dir, 'tiles', f))));
      for (const row of decodeTable(glb)) {
        const src = byId.get(row.id as string)!;
        expect(row.type).toBe('Building');
        for (const [k, v] of Object.entries(src.attributes)) expect(row[k]).toBe(v);
        rowsSeen++;
      }
    }
    expect(rowsSeen).toBeGreaterThan(576);
    expect(byId.get('b0')!.attributes.residents).toBeNull();
    expect(byId.get('b7')!.attributes.name).toBe('楼 7');
  });

  it('reads back through CesiumJS metadata classes (what Cesium3DTileFeature.getProperty uses)', async () => {
    const Cesium: any = await import('cesium');
    const glb = readGlb(new Uint8Array(fs.readFileSync(path.join(dir, 'tiles', 'r0.glb'))));
    const md = glb.json.extensions.EXT_structural_metadata;
    const schema = Cesium.MetadataSchema.fromJson(md.schema);
    const table = md.propertyTables[0];
    const bufferViews: Record<number, Uint8Array> = {};
    for (const p of Object.values<any>(table.properties)) {
      for (const bv of [p.values, p.stringOffsets]) if (bv !== undefined) bufferViews[bv] = bufferViewBytes(glb, bv).slice();
    }
    const mt = new Cesium.MetadataTable({ count: table.count, properties: table.properties, class: schema.classes[table.class], bufferViews });
    const rows = decodeTable(glb);
    for (let i = 0; i < table.count; i++) {
      expect(mt.getProperty(i, 'id')).toBe(rows[i].id);
      expect(mt.getProperty(i, 'name')).toBe(rows[i].name);
      expect(mt.getProperty(i, 'heritage')).toBe(rows[i].heritage);
      expect(mt.getProperty(i, 'residents')).toBe(rows[i].residents === null ? undefined : rows[i].residents);
    }
  });

  it('is deterministic: the same model gives the same bytes', async () => {
    const dir2 = path.join(tmp, 'city2');
    await writeTileset(dir2, cityModel(24), { className: 'building', maxFeaturesPerTile: 100, internalTriangleBudget: 1200 });
    const a = allFiles(dir), b = allFiles(dir2);
    expect(b).toEqual(a);
    for (const f of a) expect(Buffer.compare(fs.readFileSync(path.join(dir, f)), fs.readFileSync(path.join(dir2, f)))).toBe(0);
  });
});

describe('writeTileset group tiling', () => {
  it('makes one child per group in groupOrder, then other groups, then features without group', async () => {
    const crs = new LocalTangentProjection(LON0, LAT0);
    const features: CityFeature[] = [];
    const groups = ['F3', 'B1', 'F1', 'F2', 'Roof', undefined];
    for (let i = 0; i < 24; i++) {
      const g = groups[i % groups.length];
      features.push({ id: `e${i}`, type: 'IfcWall', group: g, attributes: { storey: g ?? null, 'Pset_WallCommon.IsExternal': i % 2 === 0 }, lods: [{ lod: 'bim', parts: boxParts(i, 0, 3 * i, i + 0.5, 4, 3 * i + 3) }] });
    }
    const dir = path.join(tmp, 'bim');
    const s = await writeTileset(dir, { name: 'bim', crs, features }, { className: 'bimElement', tiling: 'group', groupOrder: ['B1', 'F1', 'F2', 'F3', 'F4'] });
    expect(s.features).toBe(24);
    const ts = readTileset(dir);
    const order = ts.root.children.map((c: any) => c.extras.group);
    expect(order).toEqual(['B1', 'F1', 'F2', 'F3', 'Roof', null]);
    expect(ts.extras.groups).toEqual(order);
    expect(ts.root.refine).toBe('ADD');
    expect(ts.root.content).toBeUndefined();
    for (const c of ts.root.children) {
      expect(c.transform).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
      expect(c.geometricError).toBe(0);
      const rows = decodeTable(readGlb(new Uint8Array(fs.readFileSync(path.join(dir, c.content.uri)))));
      expect(rows.length).toBe(4);
      for (const r of rows) expect(r.storey).toBe(c.extras.group === null ? null : c.extras.group);
      for (const r of rows) expect(r['Pset_WallCommon.IsExternal']).toBe(Number((r.id as string).slice(1)) % 2 === 0);
    }
    expect(ts.schema.classes.bimElement.properties.Pset_WallCommon_IsExternal.name).toBe('Pset_WallCommon.IsExternal');
    const report = await validateTileset(dir);
    expect(report.errors).toEqual([]);
  });
});

describe('writeTileset input handling', () => {
  const crs = new LocalTangentProjection(LON0, LAT0);

  it('skips a feature without geometry and a malformed one, naming them, and keeps the rest', async () => {
    const features: CityFeature[] = [
      house('ok1', 0, 0, 10, 6, 9, { name: 'a' }),
      { id: 'attr-only', type: 'Building', attributes: { name: 'no geometry' }, lods: [] },
      { id: 'broken', type: 'Building', attributes: {}, lods: [{ lod: '1', parts: [{ semantic: 'wall', positions: [0, 0, 0, 1, 0, 0, 1, 1, 0], indices: [0, 1, 7] }] }] },
      house('ok2', 50, 0, 10, 6, 9, { name: 'b' }),
    ];
    const dir = path.join(tmp, 'partial');
    const s = await writeTileset(dir, { name: 'partial', crs, features }, { className: 'building' });
    expect(s.features).toBe(2);
    expect(s.skipped).toEqual(['attr-only', 'broken']);
    expect(s.warnings.join('\n')).toMatch(/attr-only.*no geometry/);
    expect(s.warnings.join('\n')).toMatch(/broken.*lods\[0\]\.parts\[0\]: indices\[2\] = 7 is out of range/);
    expect((await validateTileset(dir)).errors).toEqual([]);
  });

  it('rejects an empty model and a bad class name with a clear error', async () => {
    await expect(writeTileset(path.join(tmp, 'empty'), { name: 'nothing', crs, features: [] }, { className: 'x' })).rejects.toThrow(/model 'nothing'.*no features/);
    const onlyEmpty: FeatureCollectionModel = { name: 'hollow', crs, features: [{ id: 'a', type: 'T', attributes: {}, lods: [{ lod: '1', parts: [] }] }] };
    await expect(writeTileset(path.join(tmp, 'empty2'), onlyEmpty, { className: 'x' })).rejects.toThrow(/none of its 1 features has drawable geometry/);
    await expect(writeTileset(path.join(tmp, 'bad'), cityModel(1), { className: 'my class' })).rejects.toThrow(/className 'my class'/);
  });

  it('embeds textures, warns about missing ones, and blends only translucent parts', async () => {
    const png = new PNG({ width: 4, height: 4 });
    png.data.fill(200);
    const data = new Uint8Array(PNG.sync.write(png));
    const textured = boxParts(0, 0, 0, 10, 10, 10).map((p) => ({ ...p, uvs: Array.from({ length: 16 }, (_, i) => (i % 3) / 2), texture: p.semantic === 'wall' ? 'facade' : 'gone' }));
    const glass = boxParts(20, 0, 0, 30, 10, 10).map((p) => ({ ...p, color: [0.2, 0.5, 0.8, 0.4] as [number, number, number, number] }));
    const model: FeatureCollectionModel = {
      name: 'tex',
      crs,
      textures: { facade: { mimeType: 'image/png', data } },
      features: [
        { id: 't', type: 'Building', attributes: { v: 1.5 }, lods: [{ lod: '2', parts: textured }] },
        { id: 'g', type: 'Building', attributes: { v: null }, lods: [{ lod: '2', parts: glass }] },
      ],
    };
    const dir = path.join(tmp, 'tex');
    const s = await writeTileset(dir, model, { className: 'building' });
    expect(s.warnings.join('\n')).toMatch(/texture 'gone'.*not in model\.textures/);
    const glb = readGlb(new Uint8Array(fs.readFileSync(path.join(dir, 'tiles', 'r.glb'))));
    expect(glb.json.images.length).toBe(1);
    expect(glb.json.images[0].mimeType).toBe('image/png');
    expect(bufferViewBytes(glb, glb.json.images[0].bufferView)).toEqual(data);
    const texturedPrims = glb.json.meshes[0].primitives.filter((p: any) => p.attributes.TEXCOORD_0 !== undefined);
    expect(texturedPrims.length).toBe(1);
    expect(glb.json.materials[texturedPrims[0].material].pbrMetallicRoughness.baseColorTexture).toEqual({ index: 0 });
    const blend = glb.json.materials.filter((m: any) => m.alphaMode === 'BLEND');
    expect(blend.length).toBe(3); // glass roof, wall, ground
    for (const m of blend) expect(m.pbrMetallicRoughness.baseColorFactor[3]).toBe(0.4);
    expect(glb.json.materials.filter((m: any) => m.alphaMode !== undefined).length).toBe(3);
    const ts = readTileset(dir);
    expect(ts.schema.classes.building.properties.v).toMatchObject({ componentType: 'FLOAT64', noData: FLOAT64_NODATA });
    expect(decodeTable(glb).map((r) => r.v)).toEqual([1.5, null]);
    expect((await validateTileset(dir)).errors).toEqual([]);
  });
});

describe('writeTileset metadata typing and big meshes', () => {
  const crs = new LocalTangentProjection(LON0, LAT0);

  it('types booleans: absent key → false in a BOOLEAN column, explicit null → UINT8 with noData', async () => {
    const mk = (id: string, x: number, attributes: CityFeature['attributes']): CityFeature => ({ id, type: 'IfcColumn', attributes, lods: [{ lod: 'bim', parts: boxParts(x, 0, 0, x + 1, 1, 3) }] });
    const dir = path.join(tmp, 'bools');
    await writeTileset(dir, { name: 'bools', crs, features: [mk('a', 0, { LoadBearing: true, flag: true, big: 70000, neg: -3 }), mk('b', 2, { flag: null, big: 1.25 }), mk('c', 4, { LoadBearing: false, flag: false, neg: 5 })] }, { className: 'element' });
    const ts = readTileset(dir);
    const props = ts.schema.classes.element.properties;
    expect(props.LoadBearing).toEqual({ type: 'BOOLEAN' });
    expect(props.flag).toMatchObject({ type: 'SCALAR', componentType: 'UINT8', noData: 255 });
    expect(props.big).toMatchObject({ type: 'SCALAR', componentType: 'FLOAT64' });
    expect(props.neg).toMatchObject({ type: 'SCALAR', componentType: 'INT32', noData: -2147483648 });
    const rows = decodeTable(readGlb(new Uint8Array(fs.readFileSync(path.join(dir, ts.root.content.uri)))));
    expect(rows.map((r) => r.LoadBearing)).toEqual([true, false, false]);
    expect(rows.map((r) => r.flag)).toEqual([1, null, 0]);
    expect(rows.map((r) => r.big)).toEqual([70000, 1.25, null]);
    expect(rows.map((r) => r.neg)).toEqual([-3, null, 5]);
  });

  it('writes 32-bit indices for a mesh of more than 65,535 vertices', async () => {
    // A 260×260-quad terrain-like sheet with a bump every cell: no two triangles share a plane.
    const n = 260;
    const positions: number[] = [];
    const indices: number[] = [];
    for (let j = 0; j <= n; j++) for (let i = 0; i <= n; i++) positions.push(i, j, ((i * 7 + j * 13) % 5) * 0.1);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const a = j * (n + 1) + i;
        indices.push(a, a + 1, a + n + 2, a, a + n + 2, a + n + 1);
      }
    }
    const dir = path.join(tmp, 'big');
    const s = await writeTileset(dir, { name: 'big', crs, features: [{ id: 'sheet', type: 'Terrain', attributes: {}, lods: [{ lod: '1', parts: [{ semantic: 'terrain', positions, indices }] }] }] }, { className: 'surface' });
    expect(s.triangles).toBe(2 * n * n);
    const glb = readGlb(new Uint8Array(fs.readFileSync(path.join(dir, 'tiles', 'r.glb'))));
    const prim = glb.json.meshes[0].primitives[0];
    expect(glb.json.accessors[prim.attributes.POSITION].count).toBeGreaterThan(65535);
    expect(glb.json.accessors[prim.indices].componentType).toBe(5125);
    const report = await validateTileset(dir);
    expect(report.errors).toEqual([]);
    expect(report.triangles).toBe(2 * n * n);
  });
});

describe('lodDeviation', () => {
  it('measures an LoD1 block against an LoD2 gabled roof', async () => {
    // Block top at 12 (mean of eave 10 and ridge 14): the ridge lies 2 m above the block; the block's top corners
    // lie 2 m above the eave, 2·cos(atan(4/5)) = 1.56 m from the sloped roof. The larger, 2 m, is the deviation.
    const model: FeatureCollectionModel = {
      name: 'one',
      crs: new LocalTangentProjection(LON0, LAT0),
      features: [{ id: 'h', type: 'Building', attributes: {}, lods: [{ lod: '1', parts: boxParts(0, 0, 0, 10, 10, 12) }, { lod: '2', parts: gableParts(0, 0, 0, 10, 10, 10, 14) }] }],
    };
    const { prepareModel } = await import('../../src/tiling/tiles3d/prepare.js');
    const p = prepareModel(model);
    const [f] = p.features;
    expect(lodDeviation(f.lods[0], f.lods[1])).toBeCloseTo(2, 3);
    expect(lodDeviation(f.lods[1], f.lods[1])).toBe(0);
  });
});
