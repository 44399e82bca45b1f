import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cityJsonImporter } from '../../src/tiling/import/importers/cityjson.js';
import { detectImporter, IMPORTERS } from '../../src/tiling/import/registry.js';
import { sniffCityJson } from '../../src/core/formats/cityjson/index.js';
import type { CityFeature, MeshPart } from '../../src/core/model/feature.js';
import { DATA, testContext, tmpDir } from './import-helpers.js';

const CM = path.join(DATA, 'citymodels');
const DELFT = path.join(CM, 'nl_delft/cjio_delft.city.json');
const DELFT_3DFIER = path.join(CM, 'nl_delft/3dfier_testarea_output.city.json');
const DENHAAG = path.join(CM, 'nl_denhaag/DenHaag_01.json');
const ZURICH = path.join(CM, 'ch_zurich/cjio_zurich_subset_lod2.city.json');
const ROTTERDAM = path.join(CM, 'nl_rotterdam/cjio_rotterdam_subset.city.json');

type Json = Record<string, any>;
const load = (f: string): Json => JSON.parse(fs.readFileSync(f, 'utf8'));

/** Min/max z (after the transform) of every vertex an object's geometries use, straight from the source JSON. */
function sourceZRange(doc: Json, obj: Json): [number, number] {
  const t = doc.transform;
  let lo = Infinity, hi = -Infinity;
  const visit = (b: unknown) => {
    if (Array.isArray(b)) b.forEach(visit);
    else if (typeof b === 'number') {
      const z = doc.vertices[b][2] * (t?.scale[2] ?? 1) + (t?.translate[2] ?? 0);
      lo = Math.min(lo, z);
      hi = Math.max(hi, z);
    }
  };
  for (const g of obj.geometry ?? []) visit(g.boundaries);
  return [lo, hi];
}

/** Heights of the vertices a part's triangles use (untextured parts of an object share one positions array). */
function usedZ(p: MeshPart): number[] {
  return [...new Set(p.indices)].map((i) => p.positions[i * 3 + 2]);
}

function zRange(f: CityFeature): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const p of f.lods.at(-1)!.parts) for (let i = 2; i < p.positions.length; i += 3) {
    lo = Math.min(lo, p.positions[i]);
    hi = Math.max(hi, p.positions[i]);
  }
  return [lo, hi];
}

describe('CityJSON importer on real data', () => {
  it('Delft CityJSON 2.0: 160 buildings with their ids, heights within 0.01 m, attributes kept, placed in Delft', async () => {
    const ctx = testContext();
    const out = await cityJsonImporter.import(DELFT, ctx);
    expect(out.format).toBe('CityJSON 2.0');
    expect(out.sourceCrs).toMatch(/EPSG:7415/);
    const src = load(DELFT);
    const srcBuildings = Object.entries(src.CityObjects).filter(([, o]: [string, any]) => o.type === 'Building');
    expect(srcBuildings).toHaveLength(160);
    const model = out.layers[0].model;
    const buildings = model.features.filter((f) => f.type === 'Building');
    expect(buildings).toHaveLength(160);
    expect(new Set(buildings.map((b) => b.id))).toEqual(new Set(srcBuildings.map(([id]) => id)));
    const byId = new Map(model.features.map((f) => [f.id, f]));
    for (const [id, obj] of srcBuildings) {
      const f = byId.get(id)!;
      const [slo, shi] = sourceZRange(src, obj as Json);
      const [lo, hi] = zRange(f);
      expect(Math.abs(hi - shi)).toBeLessThan(0.01);
      expect(Math.abs(lo - slo)).toBeLessThan(0.01);
      for (const [k, v] of Object.entries((obj as Json).attributes ?? {})) {
        if (v === null || typeof v !== 'object') expect(f.attributes[k]).toEqual(v);
      }
    }
    expect(out.objects).toMatchObject({ Building: 160, Road: 143, PlantCover: 126, LandUse: 81, GenericCityObject: 54, Bridge: 3, WaterBody: 3 });
    // LoD1 blocks without semantics (and without floors in this file): surfaces classified by orientation,
    // roads and plants by object type.
    const sems = new Set(buildings.flatMap((b) => b.lods[0].parts.map((p) => p.semantic)));
    expect(sems).toEqual(new Set(['roof', 'wall']));
    for (const b of buildings.slice(0, 20)) {
      const roof = b.lods[0].parts.find((q) => q.semantic === 'roof')!;
      const zs = usedZ(roof);
      expect(Math.min(...zs)).toBeGreaterThan(zRange(b)[0] + 0.5);
    }
    expect(model.features.find((f) => f.type === 'Road')!.lods[0].parts[0].semantic).toBe('road');
    expect(model.features.find((f) => f.type === 'PlantCover')!.lods[0].parts[0].semantic).toBe('vegetation');
    const p = buildings[0].lods[0].parts[0].positions;
    const [lon, lat, h] = model.crs.toGeodetic(p[0], p[1], p[2]);
    expect(lon).toBeGreaterThan(4.36);
    expect(lon).toBeLessThan(4.37);
    expect(lat).toBeGreaterThan(52.01);
    expect(lat).toBeLessThan(52.014);
    expect(h - p[2]).toBe(43); // NAP + default undulation
    expect(ctx.skipped).toEqual([]);
  });

  it('3dfier Delft output (CityJSON 1.0, CRS as OGC URN) has the same 160 building ids', async () => {
    const out = await cityJsonImporter.import(DELFT_3DFIER, testContext());
    expect(out.format).toBe('CityJSON 1.0');
    expect(out.sourceCrs).toMatch(/^EPSG:7415/);
    const ids = out.layers[0].model.features.filter((f) => f.type === 'Building').map((f) => f.id);
    const cjio = Object.entries(load(DELFT).CityObjects).filter(([, o]: [string, any]) => o.type === 'Building').map(([id]) => id);
    expect(new Set(ids)).toEqual(new Set(cjio));
    const b = out.layers[0].model.features.find((f) => f.type === 'Building')!;
    expect(typeof b.attributes.measuredHeight).toBe('number');
  });

  it('Den Haag CityJSON 0.8 needs --crs, then gives buildings, parts and a TINRelief terrain', async () => {
    await expect(cityJsonImporter.import(DENHAAG, testContext())).rejects.toThrow(/DenHaag_01\.json: \/metadata\/referenceSystem: no CRS in the file; pass --crs/);
    const ctx = testContext({ crs: 'EPSG:28992' });
    const out = await cityJsonImporter.import(DENHAAG, ctx);
    expect(out.format).toBe('CityJSON 0.8');
    expect(out.objects).toMatchObject({ Building: 844, BuildingPart: 1653, TINRelief: 1 });
    const parts = out.layers[0].model.features.filter((f) => f.type === 'BuildingPart');
    expect(parts.length).toBeGreaterThan(1500);
    // parts inherit the attributes of their geometry-less parent buildings
    expect(parts.every((p) => typeof p.attributes.parent === 'string')).toBe(true);
    // semantics and material colours
    const sem = new Set(parts.flatMap((p) => p.lods[0].parts.map((q) => q.semantic)));
    expect(sem.has('roof') && sem.has('wall') && sem.has('ground')).toBe(true);
    expect(parts.some((p) => p.lods[0].parts.some((q) => q.color))).toBe(true);
    expect(out.layers.map((l) => l.suffix)).toEqual([undefined, 'relief']);
    expect(out.terrain).toBeDefined();
    const g = out.terrain!.grid;
    const valid = Array.from(g.data).filter((v) => !Number.isNaN(v));
    // the raster covers what the TIN covers (the TIN has holes under the buildings)
    let tinArea = 0;
    for (const q of out.layers[1].model.features[0].lods[0].parts) {
      const P = q.positions;
      for (let i = 0; i < q.indices.length; i += 3) {
        const [a, b, c] = [q.indices[i] * 3, q.indices[i + 1] * 3, q.indices[i + 2] * 3];
        tinArea += Math.abs((P[b] - P[a]) * (P[c + 1] - P[a + 1]) - (P[c] - P[a]) * (P[b + 1] - P[a + 1])) / 2;
      }
    }
    expect(tinArea).toBeGreaterThan(200_000);
    expect(Math.abs(valid.length * g.cellSize ** 2 - tinArea) / tinArea).toBeLessThan(0.01);
    expect(valid.reduce((a, b) => Math.min(a, b))).toBeGreaterThan(-10);
    expect(valid.reduce((a, b) => Math.max(a, b))).toBeLessThan(40);
    // the grid covers the tile (RD X 78248-79036, Y 457604-458276)
    expect(g.xll).toBeLessThanOrEqual(78249);
    expect(g.xll + g.ncols * g.cellSize).toBeGreaterThanOrEqual(79035);
  });

  it('Zurich LV95 LoD2 (CityJSON 1.1): roof/wall semantics, LN02 + 48 m', async () => {
    const ctx = testContext();
    const out = await cityJsonImporter.import(ZURICH, ctx);
    expect(out.objects).toMatchObject({ Building: 49, BuildingPart: 161 });
    const m = out.layers[0].model;
    expect(m.features).toHaveLength(161);
    const sem = new Set(m.features.flatMap((f) => f.lods[0].parts.map((p) => p.semantic)));
    expect(sem.has('roof') && sem.has('wall')).toBe(true);
    expect(m.features[0].lods[0].lod).toBe('2');
    const p = m.features[0].lods[0].parts[0].positions;
    const [lon, lat, h] = m.crs.toGeodetic(p[0], p[1], p[2]);
    expect(lat).toBeGreaterThan(47.33);
    expect(lat).toBeLessThan(47.43);
    expect(lon).toBeGreaterThan(8.47);
    expect(lon).toBeLessThan(8.6);
    expect(h).toBeCloseTo(p[2] + 48, 9);
    expect(ctx.warnings.join('\n')).toMatch(/LN02.*\+48 m/);
  });

  it('Rotterdam: missing texture images are a warning; the one present image is used with uvs', async () => {
    const ctx = testContext({ crs: 'EPSG:7415' });
    const out = await cityJsonImporter.import(ROTTERDAM, ctx);
    const m = out.layers[0].model;
    expect(m.features).toHaveLength(16);
    expect(ctx.warnings.join('\n')).toMatch(/72 of 73 texture images missing.*appearances\/0320_7_8\.jpg/);
    expect(Object.keys(m.textures ?? {})).toEqual(['appearances/0320_4_15.jpg']);
    expect(m.textures!['appearances/0320_4_15.jpg'].mimeType).toBe('image/jpeg');
    const textured = m.features.flatMap((f) => f.lods[0].parts).filter((p) => p.texture);
    expect(textured.length).toBeGreaterThan(0);
    for (const p of textured) {
      expect(p.uvs!.length).toBe((p.positions.length / 3) * 2);
      expect(p.uvs!.every((v) => Number.isFinite(v))).toBe(true);
    }
    // untextured parts carry no dangling texture reference
    for (const p of m.features.flatMap((f) => f.lods[0].parts)) if (!p.texture) expect(p.uvs).toBeUndefined();
  });

  it('Delft as gzipped CityJSONSeq (written by the test as cjio would) imports the same objects and heights', async () => {
    const doc = load(DELFT);
    const header = { type: 'CityJSON', version: '2.0', transform: doc.transform, metadata: doc.metadata, CityObjects: {}, vertices: [] };
    const lines = [JSON.stringify(header)];
    for (const [id, obj] of Object.entries<any>(doc.CityObjects)) {
      if (obj.parents) continue;
      const ids = [id, ...(obj.children ?? [])];
      const map = new Map<number, number>();
      const vertices: number[][] = [];
      const remap = (b: any): any => (Array.isArray(b) ? b.map(remap) : (map.has(b) || (map.set(b, vertices.length), vertices.push(doc.vertices[b])), map.get(b)));
      const objs = Object.fromEntries(ids.map((k) => [k, { ...doc.CityObjects[k], geometry: (doc.CityObjects[k].geometry ?? []).map((g: any) => ({ ...g, boundaries: remap(g.boundaries) })) }]));
      lines.push(JSON.stringify({ type: 'CityJSONFeature', id, CityObjects: objs, vertices }));
    }
    const f = path.join(tmpDir(), 'delft.city.jsonl.gz');
    fs.writeFileSync(f, zlib.gzipSync(lines.join('\n') + '\n'));
    const ctx = testContext();
    const seq = await cityJsonImporter.import(f, ctx);
    const ref = await cityJsonImporter.import(DELFT, testContext());
    expect(seq.objects).toEqual(ref.objects);
    const a = new Map(seq.layers[0].model.features.map((x) => [x.id, zRange(x)]));
    for (const x of ref.layers[0].model.features) expect(a.get(x.id)).toEqual(zRange(x));
    expect(ctx.skipped).toEqual([]);
  });

  it('format is detected from content, also gzipped and under another name', async () => {
    const dir = tmpDir();
    const gz = path.join(dir, 'delft.bin');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(path.join(CM, 'nl_delft/cjio_delft_1b.city.json'))));
    const { readHead } = await import('../../src/tiling/import/io.js');
    expect(detectImporter(await readHead(gz), 'delft.bin')?.id).toBe('cityjson');
    // cjio's delft.json has "type" at the very end: detected by "CityObjects" first
    expect(detectImporter(await readHead(DELFT), 'x.json')?.id).toBe('cityjson');
    expect(IMPORTERS.find((i) => i.id === 'geojson')!.detect(await readHead(DELFT), 'x.json')).toBe(false);
    const out = await cityJsonImporter.import(gz, testContext({ crs: 'EPSG:7415' }));
    expect(out.layers[0].model.features).toHaveLength(1);
  });
});

/** A small valid CityJSON 2.0 document with two buildings (unit cube-ish solids) in RD New. */
function smallDoc(): Json {
  const cube = (o: number) => [[[[o + 0, o + 3, o + 2, o + 1]], [[o + 4, o + 5, o + 6, o + 7]], [[o + 0, o + 1, o + 5, o + 4]], [[o + 1, o + 2, o + 6, o + 5]], [[o + 2, o + 3, o + 7, o + 6]], [[o + 3, o + 0, o + 4, o + 7]]]];
  const verts: number[][] = [];
  for (const ox of [0, 20000]) for (const z of [0, 10000]) for (const [x, y] of [[0, 0], [10000, 0], [10000, 10000], [0, 10000]]) verts.push([x + ox, y, z]);
  return {
    type: 'CityJSON',
    version: '2.0',
    transform: { scale: [0.001, 0.001, 0.001], translate: [85000, 447500, 0] },
    metadata: { referenceSystem: 'https://www.opengis.net/def/crs/EPSG/0/7415' },
    CityObjects: {
      b1: { type: 'Building', attributes: { name: 'one', nested: { a: 1, b: { c: 'x' } }, list: [1, 2] }, geometry: [{ type: 'Solid', lod: '1', boundaries: cube(0) }] },
      b2: { type: 'Building', geometry: [{ type: 'Solid', lod: '1', boundaries: cube(8) }] },
    },
    vertices: verts,
  };
}

async function importText(text: string, name = 'bad.city.json', over = {}) {
  const dir = tmpDir();
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  const ctx = testContext(over);
  return { ctx, file: f, run: () => cityJsonImporter.import(f, ctx) };
}

describe('CityJSON importer on malformed and special input', () => {
  it('sniffs documents and CityJSONSeq streams', () => {
    expect(sniffCityJson('{"type":"CityJSON","version":"2.0","CityObjects":{"a":{}}}')).toBe('cityjson');
    expect(sniffCityJson('{"CityObjects":{"b1":{"type":"Building"}}, "vertices": []')).toBe('cityjson');
    expect(sniffCityJson('{"type":"CityJSON","version":"2.0","CityObjects":{},"vertices":[]}\n{"type":"CityJSONFeature","id":"a"}')).toBe('cityjsonseq');
    expect(sniffCityJson('{"type":"CityJSON","version":"2.0","CityObjects":{},"vertices":[]}\n')).toBe('cityjson');
    expect(sniffCityJson('{"type":"FeatureCollection","features":[]}')).toBeNull();
    expect(sniffCityJson('ISO-10303-21;')).toBeNull();
  });

  it('a valid small document imports with flattened attributes', async () => {
    const { run } = await importText(JSON.stringify(smallDoc()));
    const out = await run();
    const [b1, b2] = out.layers[0].model.features;
    expect(b1.attributes).toMatchObject({ name: 'one', 'nested.a': 1, 'nested.b.c': 'x', list: '[1,2]' });
    expect(b2.lods[0].parts.reduce((n, p) => n + p.indices.length / 3, 0)).toBe(12);
  });

  it('bad JSON names the file, line and column', async () => {
    const { run, file } = await importText('{\n  "type": "CityJSON",\n  "version": "2.0",\n  "CityObjects": {,}\n}');
    await expect(run()).rejects.toThrow(`${file}: invalid JSON at line 4, column 19`);
  });

  it('vertex index out of range skips that object with a JSON pointer; the rest imports', async () => {
    const doc = smallDoc();
    doc.CityObjects.b2.geometry[0].boundaries[0][2][0][3] = 99;
    const { run, ctx, file } = await importText(JSON.stringify(doc));
    const out = await run();
    expect(out.layers[0].model.features.map((f) => f.id)).toEqual(['b1']);
    expect(ctx.skipped).toHaveLength(1);
    expect(ctx.skipped[0].id).toBe('b2');
    expect(ctx.skipped[0].reason).toBe(`${file}: /CityObjects/b2/geometry/0/boundaries/0/2/0/3: vertex index 99 out of range (the file has 16 vertices, 0..15)`);
  });

  it('NaN vertices (bare NaN tokens as Python writes them) skip only the objects using them', async () => {
    const text = JSON.stringify(smallDoc()).replace('[20000,10000,10000]', '[20000,10000,NaN]');
    const { run, ctx } = await importText(text);
    const out = await run();
    expect(out.layers[0].model.features.map((f) => f.id)).toEqual(['b1']);
    expect(ctx.skipped[0].reason).toMatch(/\/CityObjects\/b2\/geometry\/0\/boundaries\/0\/\d\/0\/\d: vertex 15 \(\/vertices\/15\) is not three finite numbers: got \[20000,10000,NaN\/null\]/);
    expect(ctx.warnings.join('\n')).toMatch(/1 bare NaN\/Infinity tokens read as null/);
  });

  it('missing "vertices" is an error naming /vertices', async () => {
    const doc = smallDoc();
    delete doc.vertices;
    const { run, file } = await importText(JSON.stringify(doc));
    await expect(run()).rejects.toThrow(`${file}: /vertices: missing or not an array`);
  });

  it('too deep nesting and wrong types skip the object with what was expected', async () => {
    const doc = smallDoc();
    doc.CityObjects.b1.geometry[0] = { type: 'MultiSurface', lod: '1', boundaries: [[[[0, 1, 2]]]] };
    doc.CityObjects.b2.geometry[0].boundaries = 'abc';
    doc.CityObjects.b3 = { type: 'Building', attributes: 'not an object' };
    doc.CityObjects.b4 = { type: 7 };
    const { run, ctx } = await importText(JSON.stringify(doc));
    const out = await run();
    expect(out.layers).toHaveLength(0);
    const r = Object.fromEntries(ctx.skipped.map((s) => [s.id, s.reason.replace(/^.*?: /, '')]));
    expect(r.b1).toBe('/CityObjects/b1/geometry/0/boundaries/0/0/0: expected a vertex index (integer), got an array: nested too deeply for this geometry type');
    expect(r.b2).toBe('/CityObjects/b2/geometry/0/boundaries: expected an array, got string "abc"');
    expect(r.b3).toBe('/CityObjects/b3/attributes: expected an object, got string "not an object"');
    expect(r.b4).toBe('/CityObjects/b4/type: expected the CityObject type as a string, got number 7');
  });

  it('without semantics, building surfaces are classified by orientation; an up-facing bottom face is ground', async () => {
    const doc = smallDoc();
    // flip b2's bottom face (index 0) so its normal points up
    doc.CityObjects.b2.geometry[0].boundaries[0][0][0].reverse();
    const out = await (await importText(JSON.stringify(doc))).run();
    for (const f of out.layers[0].model.features) {
      const parts = Object.fromEntries(f.lods[0].parts.map((p) => [p.semantic, p]));
      expect(Object.keys(parts).sort()).toEqual(['ground', 'roof', 'wall']);
      expect(usedZ(parts.roof).every((z) => z === 10)).toBe(true);
      expect(usedZ(parts.ground).every((z) => z === 0)).toBe(true);
      expect(parts.wall.indices.length / 3).toBe(8);
      // The parts share one positions array holding each of the box's 8 corners once (the tiler converts each once).
      expect(parts.roof.positions).toBe(parts.wall.positions);
      expect(parts.ground.positions).toBe(parts.wall.positions);
      expect(parts.wall.positions.length).toBe(8 * 3);
    }
  });

  it('LoD choice: highest by default, --lod picks another', async () => {
    const doc = smallDoc();
    const g = doc.CityObjects.b1.geometry[0];
    doc.CityObjects.b1.geometry = [g, { ...g, lod: '2.2', semantics: { surfaces: [{ type: 'GroundSurface' }, { type: 'RoofSurface' }, { type: 'WallSurface' }], values: [[0, 1, 2, 2, 2, 2]] } }];
    const hi = await (await importText(JSON.stringify(doc))).run();
    const b1 = hi.layers[0].model.features[0];
    expect(b1.lods[0].lod).toBe('2.2');
    expect(b1.lods[0].parts.map((p) => p.semantic).sort()).toEqual(['ground', 'roof', 'wall']);
    const lo = await (await importText(JSON.stringify(doc), 'x.city.json', { lod: '1' })).run();
    expect(lo.layers[0].model.features[0].lods[0].lod).toBe('1');
    const t = await importText(JSON.stringify(doc), 'y.city.json', { lod: '2' });
    const two = await t.run();
    expect(two.layers[0].model.features[0].lods[0].lod).toBe('2.2');
    // b2 has no LoD 2: it falls back to its highest (1), with a warning
    expect(two.layers[0].model.features[1].lods[0].lod).toBe('1');
    expect(t.ctx.warnings.join('\n')).toMatch(/1 objects have no LoD 2 geometry; their highest LoD was imported instead/);
  });

  it('--origin places a CityJSON without CRS (local metres) on the globe; --crs overrides the file with a warning', async () => {
    const doc = smallDoc();
    delete doc.metadata;
    doc.transform.translate = [0, 0, 0];
    const t = await importText(JSON.stringify(doc), 'local.city.json', { origin: [113.32, 23.12, 10], heading: 0 });
    const out = await t.run();
    const m = out.layers[0].model;
    expect(out.sourceCrs).toMatch(/local metres placed at 113.32, 23.12, 10 m/);
    const [lon, lat, h] = m.crs.toGeodetic(0, 0, 0);
    expect([lon, lat, h]).toEqual([113.32, 23.12, 10]);
    const east = m.crs.toGeodetic(10, 0, 0);
    expect(east[0]).toBeGreaterThan(113.32);
    const o = await importText(JSON.stringify(smallDoc()), 'o.city.json', { crs: 'EPSG:28992', heightOffset: 0 });
    const r = await o.run();
    expect(r.sourceCrs).toMatch(/^EPSG:28992.*--height-offset/);
    expect(o.ctx.warnings.join()).toMatch(/--crs EPSG:28992 overrides the file's CRS https:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/7415/);
    expect(r.layers[0].model.crs.toGeodetic(85000, 447500, 5)[2]).toBe(5);
  });

  it('GeometryInstance places template geometry at its reference point', async () => {
    const doc = smallDoc();
    doc['geometry-templates'] = {
      templates: [{ type: 'MultiSurface', lod: '1', boundaries: [[[0, 1, 2]]] }],
      'vertices-templates': [[0, 0, 0], [1, 0, 0], [0, 1, 0]],
    };
    doc.CityObjects.tree = { type: 'SolitaryVegetationObject', geometry: [{ type: 'GeometryInstance', template: 0, boundaries: [1], transformationMatrix: [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 5, 0, 0, 0, 1] }] };
    const out = await (await importText(JSON.stringify(doc))).run();
    const tree = out.layers[0].model.features.find((f) => f.id === 'tree')!;
    const pos = tree.lods[0].parts[0].positions;
    // reference vertex 1 = (85010, 447500, 0); template (1,0,0) scaled ×2 → +2 m east; z translated +5
    expect(pos.slice(0, 9).map((v) => Math.round(v * 1000) / 1000)).toEqual([85010, 447500, 5, 85012, 447500, 5, 85010, 447502, 5]);
    expect(tree.lods[0].parts[0].semantic).toBe('vegetation');
  });

  it('CityJSONSeq is read line by line; a bad line is skipped with its line number', async () => {
    const doc = smallDoc();
    const header = { type: 'CityJSON', version: '2.0', transform: doc.transform, metadata: doc.metadata, CityObjects: {}, vertices: [] };
    const f1 = { type: 'CityJSONFeature', id: 'b1', CityObjects: { b1: doc.CityObjects.b1 }, vertices: doc.vertices.slice(0, 8) };
    const f2 = { type: 'CityJSONFeature', id: 'b2', CityObjects: { b2: { ...doc.CityObjects.b2, geometry: [{ type: 'Solid', lod: '1', boundaries: JSON.parse(JSON.stringify(doc.CityObjects.b1.geometry[0].boundaries)) }] } }, vertices: doc.vertices.slice(8) };
    const lines = [JSON.stringify(header), JSON.stringify(f1), '{"type": "CityJSONFeature", oops}', JSON.stringify(f2), ''];
    const { run, ctx, file } = await importText(lines.join('\n'), 'seq.city.jsonl');
    const out = await run();
    expect(out.layers[0].model.features.map((f) => f.id)).toEqual(['b1', 'b2']);
    expect(ctx.skipped).toHaveLength(1);
    expect(ctx.skipped[0].id).toBe('line 3');
    expect(ctx.skipped[0].reason).toMatch(`${file}: invalid JSON at line 3, column 29: `);
    // each feature's vertices are its own: b2 lies 20 m east of b1
    const x0 = (id: string) => out.layers[0].model.features.find((f) => f.id === id)!.lods[0].parts[0].positions[0];
    expect(Math.round(x0('b2') - x0('b1'))).toBe(20);
  });

  it('streaming mode (--stream; automatic for big files) gives the same result with bounded memory', async () => {
    const streamArgs = { positionals: [], options: new Map([['stream', ['true']]]) };
    for (const [file, crs] of [[DELFT, undefined], [DENHAAG, 'EPSG:28992'], [ZURICH, undefined], [ROTTERDAM, 'EPSG:7415']] as const) {
      const a = testContext({ crs });
      const b = testContext({ crs, args: streamArgs });
      const whole = await cityJsonImporter.import(file, a);
      const streamed = await cityJsonImporter.import(file, b);
      expect(streamed.objects).toEqual(whole.objects);
      expect(streamed.layers.map((l) => l.model.features.length)).toEqual(whole.layers.map((l) => l.model.features.length));
      const A = whole.layers[0].model.features, B = streamed.layers[0].model.features;
      for (let i = 0; i < A.length; i += 7) {
        expect(B[i].id).toBe(A[i].id);
        expect(B[i].attributes).toEqual(A[i].attributes);
        expect(B[i].lods).toEqual(A[i].lods);
      }
      expect(b.warnings).toEqual(a.warnings);
      expect(Object.keys(streamed.layers[0].model.textures ?? {})).toEqual(Object.keys(whole.layers[0].model.textures ?? {}));
      if (whole.terrain) expect(streamed.terrain!.grid.data).toEqual(whole.terrain.grid.data);
    }
    // malformed input in streaming mode: bad vertex and a broken object are skipped with pointers; truncation fails
    const doc = smallDoc();
    doc.CityObjects.b2.geometry[0].boundaries[0][2][0][3] = 99;
    const text = JSON.stringify(doc).replace('[20000,10000,10000]', '[20000,"x",10000]');
    const t = await importText(text, 's.city.json', { args: streamArgs });
    const out = await t.run();
    expect(out.layers[0].model.features.map((f) => f.id)).toEqual(['b1']);
    expect(t.ctx.skipped[0].reason).toMatch(/\/CityObjects\/b2\/geometry\/0\/boundaries\/0\/\d\/0\/\d: (vertex index 99 out of range|vertex 15)/);
    expect(t.ctx.warnings.join()).toMatch(/1 of 16 vertices are not three finite numbers \(first: \/vertices\/15\)/);
    const cut = await importText(JSON.stringify(smallDoc()).slice(0, 300), 'cut.city.json', { args: streamArgs });
    await expect(cut.run()).rejects.toThrow(/cut\.city\.json: not a complete JSON document: unexpected end of file/);
  });
});
