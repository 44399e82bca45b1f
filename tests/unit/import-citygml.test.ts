import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA, testContext, tmpDir as makeTmpDir } from './import-helpers.js';
import { importCityGml, readCityGmlFile, cityGmlImporter } from '../../src/tiling/import/citygml.js';
import { detectImporter } from '../../src/tiling/import/registry.js';
import { readHead } from '../../src/tiling/import/io.js';
import { CityGmlError, TinSampler, buildCityGmlModels, parseCityGml } from '../../src/core/formats/citygml/index.js';
import { createCrsTransform, modelFrameFor } from '../../src/core/crs/index.js';
import type { CityFeature, FeatureCollectionModel } from '../../src/core/model/feature.js';
import type { PipeNetwork } from '../../src/core/model/network.js';
import { LocalTangentProjection } from '../../src/core/geo/projection.js';
import { runImport } from '../../src/tiling/import/pipeline.js';

/** Temporary directories made by this file, removed after its tests. */
const made: string[] = [];
const tmpDir = (prefix?: string): string => {
  const d = makeTmpDir(prefix);
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

const PLATEAU = path.join(DATA, 'citymodels/jp_plateau');
const BLDG = path.join(PLATEAU, 'yokosuka/udx/bldg/52397519_bldg_6697_op.gml');
const DEM = path.join(PLATEAU, 'yokosuka/udx/dem/523965_dem_6697_05_op.gml');
const FLD = path.join(PLATEAU, 'numazu/udx/fld/52385721_fld_6697_l1_op.gml');
const WATER = path.join(PLATEAU, 'chiba_unf_sample/udx/unf/water_53403039_unf_6697.gml');
const SEWER = path.join(PLATEAU, 'chiba_unf_sample/udx/unf/sewer_53403039_unf_6697.gml');
const DENHAAG = path.join(DATA, 'citymodels/nl_denhaag/DenHaag_01.citygml.xml.gz');

/** gml:ids of the elements named `tag` in a GML text (independent of the parser). */
function idsOf(text: string, tag: string): string[] {
  return [...text.matchAll(new RegExp(`<${tag} gml:id="([^"]+)"`, 'g'))].map((m) => m[1]);
}

/** Geodetic bbox of every vertex of a model. */
function geoBox(model: FeatureCollectionModel): [number, number, number, number, number, number] {
  const b: [number, number, number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity, Infinity, -Infinity];
  for (const f of model.features) {
    for (const l of f.lods) {
      for (const p of l.parts) {
        for (let i = 0; i < p.positions.length; i += 3) {
          const [lon, lat, h] = model.crs.toGeodetic(p.positions[i], p.positions[i + 1], p.positions[i + 2]);
          b[0] = Math.min(b[0], lon);
          b[1] = Math.min(b[1], lat);
          b[2] = Math.max(b[2], lon);
          b[3] = Math.max(b[3], lat);
          b[4] = Math.min(b[4], h);
          b[5] = Math.max(b[5], h);
        }
      }
    }
  }
  return b;
}

describe('CityGML import: PLATEAU buildings (Yokosuka 52397519)', () => {
  it('imports the 13 buildings (+2 parts) with their gml:ids, placed at 35.26 N 139.74 E', async () => {
    const ctx = testContext();
    const out = await importCityGml(BLDG, ctx);
    expect(out.format).toBe('CityGML 2.0');
    expect(out.layers).toHaveLength(1);
    const model = out.layers[0].model;
    const text = fs.readFileSync(BLDG, 'utf8');
    const buildings = model.features.filter((f) => f.type === 'Building');
    expect(buildings.map((f) => f.id).sort()).toEqual(idsOf(text, 'bldg:Building').sort());
    expect(buildings).toHaveLength(13);
    const parts = model.features.filter((f) => f.type === 'BuildingPart');
    expect(parts.map((f) => f.id).sort()).toEqual(idsOf(text, 'bldg:BuildingPart').sort());
    for (const p of parts) expect(buildings.map((b) => b.id)).toContain(p.attributes.parent);
    const [w, s, e, n, hmin, hmax] = geoBox(model);
    expect(w).toBeGreaterThan(139.737);
    expect(e).toBeLessThan(139.741);
    expect(s).toBeGreaterThan(35.258);
    expect(n).toBeLessThan(35.262);
    // TP heights + the default 37 m JGD2011 geoid undulation.
    expect(hmin).toBeGreaterThan(37);
    expect(hmax).toBeLessThan(37 + 25);
    expect(ctx.warnings.some((m) => m.includes('+37 m'))).toBe(true);
    expect(ctx.skipped).toEqual([]);
  });

  it('flattens gen: and uro: (i-UR) attributes, keeps LoD1 solids and LoD2 semantic surfaces with textures', async () => {
    const out = await importCityGml(BLDG, testContext());
    const model = out.layers[0].model;
    const museum = model.features.find((f) => f.id === 'bldg_787d830e-2534-410a-8a2a-a531efeb2533')!;
    expect(museum.attributes).toMatchObject({
      name: '横須賀美術館',
      総建物階数: 1,
      measuredHeight: 6,
      usage: '422',
      'BuildingIDAttribute.buildingID': '14201-bldg-110968',
      'BuildingDetailAttribute.totalFloorArea': 42.4879,
    });
    const all = model.features;
    const tsunami = all.filter((f) => Object.keys(f.attributes).some((k) => k.startsWith('BuildingTsunamiRiskAttribute.')));
    const landslide = all.filter((f) => Object.keys(f.attributes).some((k) => k.startsWith('BuildingLandSlideRiskAttribute.')));
    expect(tsunami).toHaveLength(7);
    // 10 landslide risk records on 9 objects: part bldg_a9dcefad… carries two (the second keyed "_2").
    expect(landslide).toHaveLength(9);
    const twice = all.find((f) => f.id === 'bldg_a9dcefad-63a0-4fa0-b666-84125640e7a4')!;
    expect(Object.keys(twice.attributes).filter((k) => k.startsWith('BuildingLandSlideRiskAttribute_2.')).length).toBeGreaterThan(0);
    expect(all.some((f) => Object.keys(f.attributes).some((k) => /^KeyValuePairAttribute(_\d+)?\.\d+$/.test(k)))).toBe(true);
    // LoD1 solid (classified by normals) and LoD2 thematic surfaces.
    expect(museum.lods.map((l) => l.lod)).toEqual(['1', '2']);
    const lod2 = museum.lods[1].parts.map((p) => p.semantic).sort();
    expect(lod2).toEqual(['ground', 'roof', 'wall']);
    for (const l of museum.lods) for (const p of l.parts) expect(p.indices.length).toBeGreaterThan(0);
    // Textures: the three appearance images are read and used with one u,v pair per vertex.
    expect(Object.keys(model.textures ?? {}).sort()).toEqual([
      '52397519_bldg_6697_appearance/14201-bldg-110968-1.jpg',
      '52397519_bldg_6697_appearance/14201-bldg-156842-1.jpg',
      '52397519_bldg_6697_appearance/14201-bldg-158971-1.jpg',
    ]);
    const textured = all.flatMap((f) => f.lods.flatMap((l) => l.parts)).filter((p) => p.texture);
    expect(textured.length).toBeGreaterThanOrEqual(3);
    for (const p of textured) {
      expect(p.uvs!.length).toBe((p.positions.length / 3) * 2);
      expect(p.uvs!.every((v) => v >= -0.01 && v <= 1.01)).toBe(true);
    }
    // --lod 1 keeps only LoD1.
    const lod1 = await importCityGml(BLDG, { ...testContext(), lod: '1' });
    expect(lod1.layers[0].model.features.every((f) => f.lods.every((l) => l.lod === '1'))).toBe(true);
    // --lod 2: buildings without LoD2 fall back to LoD1, with a warning counting them.
    const ctx2 = testContext({ lod: '2' });
    const lod2only = await importCityGml(BLDG, ctx2);
    const withGeom = lod2only.layers[0].model.features.filter((f) => f.lods.length);
    expect(withGeom.every((f) => f.lods.length === 1)).toBe(true);
    const n1 = withGeom.filter((f) => f.lods[0].lod === '1').length;
    expect(n1).toBeGreaterThan(0);
    expect(withGeom.filter((f) => f.lods[0].lod === '2').length).toBeGreaterThan(0);
    expect(ctx2.warnings).toContain(`52397519_bldg_6697_op.gml: ${n1} objects have no LoD 2 geometry; the nearest LoD (highest below, else lowest) was imported instead`);
  });

  it('a missing texture image is a warning; the surfaces import untextured', async () => {
    const dir = tmpDir();
    const copy = path.join(dir, path.basename(BLDG));
    fs.copyFileSync(BLDG, copy); // without its appearance folder
    const ctx = testContext();
    const out = await importCityGml(copy, ctx);
    expect(out.layers[0].model.features.filter((f) => f.type === 'Building')).toHaveLength(13);
    expect(out.layers[0].model.textures).toBeUndefined();
    const missing = ctx.warnings.filter((m) => /texture .*14201-bldg-\d+-1\.jpg was not found/.test(m));
    expect(missing).toHaveLength(3);
    expect(out.layers[0].model.features.every((f) => f.lods.every((l) => l.parts.every((p) => !p.texture && !p.uvs)))).toBe(true);
  });

  it('is detected from its content and registered', async () => {
    const head = await readHead(BLDG);
    expect(cityGmlImporter.detect(head, 'x.dat')).toBe(true);
    expect(detectImporter(head, 'x.gml')?.id).toBe('citygml');
    expect(detectImporter(await readHead(DENHAAG), 'x.gz')?.id).toBe('citygml');
  });
});

describe('CityGML import: PLATEAU DEM TINRelief', () => {
  it('reproduces the TIN heights at its vertices (terrain source) and rasterises it to a grid', async () => {
    const ctx = testContext();
    const out = await importCityGml(DEM, ctx);
    expect(out.layers).toEqual([]);
    const t = out.terrain!;
    expect(t.grid.ncols * t.grid.nrows).toBeGreaterThan(1000);
    // Independent reading of the vertices: lat lon h triples of every posList.
    const text = fs.readFileSync(DEM, 'utf8');
    const values = [...text.matchAll(/<gml:posList>([^<]+)</g)].flatMap((m) => m[1].trim().split(/\s+/).map(Number));
    expect(values.length).toBe(1066 * 4 * 3);
    let exact = 0, n = 0;
    for (let i = 0; i < values.length; i += 3) {
      const h = t.source!.sample(values[i + 1], values[i]);
      n++;
      if (Math.abs(h - (values[i + 2] + 37)) < 1e-3) exact++;
    }
    // All but the few T-junction vertices of the crop (a vertex on another triangle's edge) are exact.
    expect(exact / n).toBeGreaterThan(0.99);
    // The grid holds the TIN at cell centres: check it against the exact TIN sampler.
    const g = t.grid;
    let checked = 0, same = 0;
    for (let r = 0; r < g.nrows; r += 7) {
      for (let c = 0; c < g.ncols; c += 5) {
        const v = g.data[r * g.ncols + c];
        const x = g.xll + (c + 0.5) * g.cellSize, y = g.yll + (g.nrows - r - 0.5) * g.cellSize;
        const [lon, lat] = t.crs.toGeodetic(x, y, 0);
        const exactZ = t.source!.sample(lon, lat);
        if (Number.isNaN(v) || Number.isNaN(exactZ)) continue;
        checked++;
        if (Math.abs(v - exactZ) < 1e-3) same++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
    // Cells centred on a near-vertical sliver's edge may take the other (higher) triangle.
    expect(same / checked).toBeGreaterThan(0.98);
    // The raw TIN: 1066 triangles through the builder, sampled exactly at a corner.
    const doc = await readCityGmlFile(DEM);
    const src = createCrsTransform(doc.srsName!, { axisOrder: 'authority' });
    const frame = modelFrameFor(src, values[0], values[1]);
    const tin = buildCityGmlModels(doc, { frame }).tin!;
    expect(tin.triangles.length).toBe(1066 * 9);
    const sampler = new TinSampler(tin.triangles);
    const [x0, y0, z0] = frame.convert(values[0], values[1], values[2]);
    expect(sampler.sample(x0, y0)).toBeCloseTo(z0, 6);
  });
});

describe('CityGML import: PLATEAU utility network (unf) and flood risk (fld)', () => {
  it('water: 3 WaterPipe, 2 Handhole, 2 Appurtenance as a pipes layer with its network', async () => {
    const out = await importCityGml(WATER, testContext());
    expect(out.layers).toHaveLength(1);
    const layer = out.layers[0];
    expect(layer.kind).toBe('pipes');
    const f = layer.model.features;
    const count = (t: string) => f.filter((x) => x.type === t).length;
    expect([count('WaterPipe'), count('Handhole'), count('Appurtenance')]).toEqual([3, 2, 2]);
    expect(f.every((x) => x.attributes.network === 'water')).toBe(true);
    expect(f.every((x) => x.lods.length > 0 && x.lods[0].parts[0].semantic === 'pipe')).toBe(true);
    const pipe = f.find((x) => x.type === 'WaterPipe')!;
    expect(pipe.attributes.depth).toBe(1.3);
    const [w, s, e, n] = geoBox(layer.model);
    expect([w, e].every((v) => v > 140.119 && v < 140.1198)).toBe(true);
    expect([s, n].every((v) => v > 35.6095 && v < 35.6099)).toBe(true);
  });

  it('sewer: 3 SewerPipe with their diameters (mm) and 3 Manhole; the network joins pipes end to end', async () => {
    const text = fs.readFileSync(SEWER, 'utf8');
    const outer = [...text.matchAll(/<uro:outerDiamiter uom="mm">([\d.]+)</g)].map((m) => Number(m[1]));
    expect(outer).toEqual([318.5, 318.5]);
    const doc = await readCityGmlFile(SEWER);
    const src = createCrsTransform(doc.srsName!, { axisOrder: 'authority' });
    const models = buildCityGmlModels(doc, { frame: modelFrameFor(src, 35.6096, 140.1194) });
    const pipes = models.pipes!.features.filter((x) => x.type === 'SewerPipe');
    expect(pipes).toHaveLength(3);
    expect(models.pipes!.features.filter((x) => x.type === 'Manhole')).toHaveLength(3);
    expect(pipes.map((p) => p.attributes.diameter ?? null).sort()).toEqual([318.5, 318.5, null]);
    expect(pipes.every((p) => p.attributes.network === 'drainage')).toBe(true);
    const net = models.networks.find((x) => x.kind === 'drainage')!;
    expect(net.links).toHaveLength(3);
    expect(net.links.filter((l) => l.attributes.diameter === 318.5)).toHaveLength(2);
    // Three pipes in a chain: 4 distinct nodes, the inner two shared by two links.
    const degree = new Map<string, number>();
    for (const l of net.links) for (const id of [l.from, l.to]) degree.set(id, (degree.get(id) ?? 0) + 1);
    expect([...degree.values()].sort()).toEqual([1, 1, 2, 2]);
    // The third manhole has only LoD2 surfaces (no point): a node at their top centre, away from the pipe ends.
    expect(net.nodes).toHaveLength(5);
    const alone = net.nodes.filter((x) => !degree.has(x.id));
    expect(alone.map((x) => [x.id, x.kind, x.attributes.position])).toEqual([['unf_38387ef9-49a1-4411-aded-aaf65baec929', 'manhole', 'top centre of its surfaces (no point geometry)']]);
  });

  it('writes each unf file\'s network topology as networks.json next to its pipes tileset', async () => {
    const dir = tmpDir();
    const summary = await runImport({ inputs: [WATER, SEWER], out: dir });
    expect(summary.ok).toBe(true);
    const byFile = (name: string) => summary.outputs.find((o) => o.dir.includes(name))!;
    for (const [file, name, kind, nodeType, count] of [
      [WATER, 'water', 'water', 'uro:Handhole', 6],
      [SEWER, 'sewer', 'drainage', 'uro:Manhole', 5],
    ] as const) {
      const o = byFile(name);
      expect(o.networks).toMatchObject({ path: path.join(o.dir, 'networks.json'), networks: 1, nodes: count, links: 3 });
      const written = JSON.parse(fs.readFileSync(o.networks!.path, 'utf8')) as { crs: string; networks: PipeNetwork[] };
      expect(written.networks).toHaveLength(1);
      const net = written.networks[0];
      expect(net.kind).toBe(kind);
      // Every pipe of the file is a link, keeping its gml:id; every link joins two nodes of the network.
      const text = fs.readFileSync(file, 'utf8');
      const pipeIds = idsOf(text, kind === 'water' ? 'uro:WaterPipe' : 'uro:SewerPipe');
      expect(net.links.map((l) => l.id).sort()).toEqual(pipeIds.sort());
      const nodeIds = new Set(net.nodes.map((n) => n.id));
      expect(nodeIds.size).toBe(net.nodes.length);
      for (const l of net.links) expect(nodeIds.has(l.from) && nodeIds.has(l.to) && l.from !== l.to).toBe(true);
      // Structures standing on line ends (manholes, handholes) are nodes under their own gml:id.
      for (const id of idsOf(text, nodeType)) expect(nodeIds.has(id)).toBe(true);
      // Coordinates are in the pipes layer's model frame, named by crs: back on the globe they lie at the pipes.
      const m = /^local:([\d.]+),([\d.]+)$/.exec(written.crs)!;
      expect(m).not.toBeNull();
      const frame = new LocalTangentProjection(Number(m[1]), Number(m[2]));
      const [w, s, e, n] = summary.inputs.find((i) => i.file === file)!.bbox!;
      for (const node of net.nodes) {
        const [lon, lat] = frame.toGeodetic(node.x, node.y, node.z);
        expect(lon).toBeGreaterThan(w - 1e-5);
        expect(lon).toBeLessThan(e + 1e-5);
        expect(lat).toBeGreaterThan(s - 1e-5);
        expect(lat).toBeLessThan(n + 1e-5);
      }
    }
    // Layers without topology get no networks.json.
    const city = await runImport({ inputs: [FLD], out: tmpDir() });
    expect(city.outputs[0].networks).toBeUndefined();
    expect(fs.existsSync(path.join(city.outputs[0].dir, 'networks.json'))).toBe(false);
  });

  it('fld: the 3 flood-risk water bodies form their own layer with the risk attributes', async () => {
    const out = await importCityGml(FLD, testContext());
    expect(out.layers).toHaveLength(1);
    const layer = out.layers[0];
    expect(layer.suffix).toBe('flood');
    const f = layer.model.features;
    expect(f.map((x) => x.id).sort()).toEqual(idsOf(fs.readFileSync(FLD, 'utf8'), 'wtr:WaterBody').sort());
    for (const x of f) {
      expect(x.attributes['WaterBodyRiverFloodingRiskAttribute.scale']).toBe('L1');
      expect(typeof x.attributes['WaterBodyRiverFloodingRiskAttribute.rankOrg']).toBe('string');
      expect(x.lods[0].parts[0].semantic).toBe('water');
    }
    expect(Object.keys(layer.styleBy ?? {})).toContain('WaterBodyRiverFloodingRiskAttribute.rankOrg');
  });
});

describe('CityGML: pipes given only as centre lines', () => {
  it('become tubes of their diameter along the line (CityGML 2.0, projected CRS, gml:pos)', () => {
    const gml = `<?xml version="1.0"?>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:gml="http://www.opengis.net/gml" xmlns:uro="https://www.geospatial.jp/iur/uro/3.0">
  <gml:boundedBy><gml:Envelope srsName="EPSG:28992" srsDimension="3"><gml:lowerCorner>85000 447000 -2</gml:lowerCorner><gml:upperCorner>85010 447000 -2</gml:upperCorner></gml:Envelope></gml:boundedBy>
  <core:cityObjectMember>
    <uro:WaterPipe gml:id="wp1">
      <uro:lod0Geometry><gml:LineString><gml:pos>85000 447000 -2</gml:pos><gml:pos>85010 447000 -2</gml:pos></gml:LineString></uro:lod0Geometry>
      <uro:outerDiameter uom="mm">400</uro:outerDiameter>
    </uro:WaterPipe>
  </core:cityObjectMember>
</core:CityModel>`;
    const doc = parseCityGml(gml, { fileName: 'pipe.gml' });
    const src = createCrsTransform(doc.srsName!);
    const m = buildCityGmlModels(doc, { frame: modelFrameFor(src, 85000, 447000) });
    const f = m.pipes!.features[0];
    expect(f.id).toBe('wp1');
    expect(f.attributes).toMatchObject({ diameter: 400, network: 'water' });
    const p = f.lods[0].parts[0];
    expect(p.semantic).toBe('pipe');
    // Every tube vertex lies 0.2 m from the axis (y = 447000, z = -2) within the segment.
    for (let i = 0; i < p.positions.length; i += 3) {
      const r = Math.hypot(p.positions[i + 1] - 447000, p.positions[i + 2] + 2);
      expect(r).toBeGreaterThan(0.19);
      expect(r).toBeLessThan(0.21);
      expect(p.positions[i]).toBeGreaterThanOrEqual(85000 - 1e-6);
      expect(p.positions[i]).toBeLessThanOrEqual(85010 + 1e-6);
    }
    expect(m.networks[0].links[0]).toMatchObject({ id: 'wp1', attributes: { diameter: 400, length: 10 } });
  });
});

describe('CityGML import: Den Haag (CityGML 1.0, gzipped, 24 MB unpacked)', () => {
  it('streams 844 buildings, 1653 parts and the TIN with bounded memory', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const h0 = process.memoryUsage().heapUsed;
    let peak = h0;
    const ctx = testContext({
      progress: () => {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      },
    });
    const out = await importCityGml(DENHAAG, ctx);
    expect(out.format).toBe('CityGML 1.0');
    const f: CityFeature[] = out.layers[0].model.features;
    expect(f.filter((x) => x.type === 'Building')).toHaveLength(844);
    expect(f.filter((x) => x.type === 'BuildingPart')).toHaveLength(1653);
    expect(f[0].id).toBe('GUID_1CDBD3A1-F60E-49EB-9650-011F3F606343');
    // X3DMaterial colours reach the mesh parts.
    expect(f[0].lods[0].parts.every((p) => p.color !== undefined)).toBe(true);
    expect(out.terrain!.name).toContain('5595 triangles');
    const [w, s, e, n] = geoBox(out.layers[0].model);
    expect(w).toBeGreaterThan(4.266);
    expect(e).toBeLessThan(4.2785);
    expect(s).toBeGreaterThan(52.101);
    expect(n).toBeLessThan(52.108);
    // Streaming: the heap never holds the 24 MB text (let alone a DOM, ~10× that); the bounds cover the model itself.
    gc();
    const kept = process.memoryUsage().heapUsed - h0;
    console.log(`Den Haag: peak heapUsed growth while streaming ${((peak - h0) / 1e6).toFixed(1)} MB, kept after import ${(kept / 1e6).toFixed(1)} MB (XML 23.9 MB)`);
    expect(peak - h0).toBeLessThan(80e6);
    expect(kept).toBeLessThan(60e6);
  });
});

describe('CityGML import: bad input', () => {
  const text = fs.readFileSync(BLDG, 'utf8');

  it('truncated XML: an error naming file:line:column and the element; objects read before it are kept', () => {
    const cut = text.indexOf('<bldg:Building gml:id=', text.indexOf('<bldg:Building gml:id=') + 10);
    const cut5 = text.indexOf('<gml:posList>', text.indexOf('<bldg:Building gml:id=', cut + 10) + 10) + 30;
    const truncated = text.slice(0, cut5);
    const warnings: string[] = [];
    const doc = parseCityGml(truncated, { fileName: 'trunc.gml', onWarning: (m) => warnings.push(m) });
    expect(doc.objects.filter((o) => o.type === 'Building')).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^trunc\.gml:\d+:\d+: XML error: .*in <gml:posList> of Building gml:id=bldg_[\w-]+/);
    expect(warnings[0]).toContain('is incomplete and skipped');
    expect(() => parseCityGml(truncated, { fileName: 'trunc.gml', strict: true })).toThrowError(CityGmlError);
    try {
      parseCityGml(truncated, { fileName: 'trunc.gml', strict: true });
    } catch (err) {
      const e = err as CityGmlError;
      expect(e.line).toBe(truncated.split('\n').length);
      expect(e.message).toMatch(/^trunc\.gml:\d+:\d+: /);
    }
    // Nothing readable at all: an error.
    expect(() => parseCityGml(text.slice(0, 3000), { fileName: 'head.gml' })).toThrowError(/head\.gml:\d+:\d+: XML error/);
    // Malformed markup in the middle is located too.
    const at = text.lastIndexOf('</bldg:measuredHeight>');
    const broken = text.slice(0, at) + '</bldg:measured>' + text.slice(at + '</bldg:measuredHeight>'.length);
    const w2: string[] = [];
    const lineNo = text.slice(0, at).split('\n').length;
    parseCityGml(broken, { fileName: 'b.gml', onWarning: (m) => w2.push(m) });
    expect(w2[0]).toMatch(new RegExp(`^b\\.gml:${lineNo}:\\d+: XML error: unexpected close tag`));
  });

  it('a broken object (bad coordinates) is skipped with file:line:column and element; the rest imports', async () => {
    const firstPos = text.indexOf('<gml:posList>') + '<gml:posList>'.length;
    const bad = text.slice(0, firstPos) + 'abc ' + text.slice(firstPos);
    const odd = text.replace(/(<gml:posList>)([^<]*?) ([^ <]+)(<\/gml:posList>)/, '$1$2$4'); // drops one value
    const skipped: string[] = [];
    const doc = parseCityGml(bad, { fileName: 'bad.gml', onSkip: (_id, r) => skipped.push(r) });
    expect(doc.objects.filter((o) => o.type === 'Building')).toHaveLength(12);
    const line = text.slice(0, firstPos).split('\n').length;
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatch(/^bad\.gml:\d+:\d+: Building gml:id=bldg_787d830e-2534-410a-8a2a-a531efeb2533 skipped: <gml:posList> at line (\d+) holds a value that is not a number/);
    expect(skipped[0]).toContain(`at line ${line}`);
    const doc2 = parseCityGml(odd, { fileName: 'odd.gml' });
    expect(doc2.objects.filter((o) => o.type === 'Building')).toHaveLength(12);
    expect(doc2.warnings[0]).toMatch(/odd\.gml:\d+:\d+: Building gml:id=\S+ skipped: <gml:posList> at line \d+ has \d+ values, not a multiple of srsDimension 3/);
    // Through the importer: skipped objects are reported with ctx.skip.
    const dir = tmpDir();
    const file = path.join(dir, 'bad.gml.gz');
    fs.writeFileSync(file, zlib.gzipSync(bad));
    const ctx = testContext();
    const out = await importCityGml(file, ctx);
    expect(out.layers[0].model.features.filter((f) => f.type === 'Building')).toHaveLength(12);
    expect(ctx.skipped.map((s) => s.id)).toEqual(['bldg_787d830e-2534-410a-8a2a-a531efeb2533']);
  });

  it('a file without srsName needs --crs, which is honoured', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'nocrs.gml');
    fs.writeFileSync(file, fs.readFileSync(FLD, 'utf8').replace(/ srsName="[^"]*"/g, ''));
    await expect(importCityGml(file, testContext())).rejects.toThrow(/no CRS in the file; pass --crs/);
    const out = await importCityGml(file, testContext({ crs: 'EPSG:6697' }));
    expect(out.layers[0].model.features).toHaveLength(3);
  });
});

describe('rasteriseTin (TINRelief → terrain grid)', () => {
  it('gives every cell centre inside a triangle that triangle\'s plane height (the highest where they overlap), NaN elsewhere', async () => {
    const { rasteriseTin } = await import('../../src/core/formats/tin-raster.js');
    let seed = 11;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    // Random (overlapping, thin, sliver) triangles plus ones with horizontal and vertical edges.
    const tris: number[] = [0, 0, 1, 10, 0, 2, 5, 10, 3, 0, 10, 1, 10, 10, 2, 5, 0, 3, 20, 0, 4, 20, 8, 5, 28, 0, 6];
    for (let i = 0; i < 400; i++) {
      const x = rnd() * 60, y = rnd() * 40;
      tris.push(x, y, rnd() * 9, x + rnd() * 12 - 6, y + rnd() * 12 - 6, rnd() * 9, x + rnd() * 30 - 15, y + rnd() * 0.8, rnd() * 9);
    }
    for (const cellSize of [0.5, 1.3]) {
      const g = rasteriseTin(tris, { cellSize });
      const top = g.yll + g.nrows * g.cellSize;
      let inside = 0;
      for (let r = 0; r < g.nrows; r++) {
        for (let c = 0; c < g.ncols; c++) {
          const x = g.xll + (c + 0.5) * g.cellSize, y = top - (r + 0.5) * g.cellSize;
          // Brute force over every triangle, with the same barycentric tolerance as the rasteriser.
          let want = NaN;
          for (let t = 0; t < tris.length; t += 9) {
            const [x0, y0, z0, x1, y1, z1, x2, y2, z2] = tris.slice(t, t + 9);
            const det = (y1 - y2) * (x0 - x2) + (x2 - x1) * (y0 - y2);
            if (!(Math.abs(det) > 1e-12)) continue;
            const l0 = ((y1 - y2) * (x - x2) + (x2 - x1) * (y - y2)) / det;
            const l1 = ((y2 - y0) * (x - x2) + (x0 - x2) * (y - y2)) / det;
            const l2 = 1 - l0 - l1;
            if (l0 < -1e-9 || l1 < -1e-9 || l2 < -1e-9) continue;
            const z = l0 * z0 + l1 * z1 + l2 * z2;
            if (Number.isNaN(want) || z > want) want = z;
          }
          const got = g.data[r * g.ncols + c];
          if (Number.isNaN(want)) expect(got).toBeNaN();
          else {
            inside++;
            expect(got).toBe(Math.fround(want));
          }
        }
      }
      expect(inside).toBeGreaterThan(100);
    }
  });
});
