import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/tiling/import/cli.js';
import { validateTileset } from '../../src/tiling/tiles3d/index.js';
import type { ImportSummary } from '../../src/tiling/import/pipeline.js';
import type { SceneCatalog, SearchEntry } from '../../src/core/scene/catalog.js';
import { startServer, sceneQuery } from '../../src/server/cli-start.js';
import type { AddressInfo } from 'node:net';
import { DATA, tmpDir } from './import-helpers.js';

const DELFT = path.join(DATA, 'citymodels/nl_delft/cjio_delft.city.json');
const DELFT_FP = path.join(DATA, 'footprints/delft_bgt_pand_with_lod1_heights_EPSG28992.geojson');
const ZURICH = path.join(DATA, 'citymodels/ch_zurich/cjio_zurich_subset_lod2.city.json');

/** Runs `twin import ... --json` and returns the exit code and parsed summary. */
async function importJson(argv: string[]): Promise<{ code: number; summary: ImportSummary; stderr: string }> {
  let out = '';
  let err = '';
  const w = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (err += a.join(' ') + '\n'));
  try {
    const code = await run([...argv, '--json']);
    return { code, summary: out ? JSON.parse(out) : (undefined as unknown as ImportSummary), stderr: err };
  } finally {
    w.mockRestore();
    e.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('twin import (end to end)', () => {
  it('imports Delft CityJSON into a valid 3D Tiles tileset with a JSON summary', async () => {
    const dir = tmpDir();
    const { code, summary } = await importJson([DELFT, '--out', dir]);
    expect(code).toBe(0);
    expect(summary.ok).toBe(true);
    expect(summary.objects).toMatchObject({ Building: 160, Road: 143 });
    expect(summary.inputs[0]).toMatchObject({ importer: 'cityjson', format: 'CityJSON 2.0' });
    expect(summary.inputs[0].sourceCrs).toMatch(/EPSG:7415.*NAP height \+ 43 m/);
    const [w, s, e, n, lo, hi] = summary.bbox!;
    expect(w).toBeCloseTo(4.362, 2);
    expect(e).toBeCloseTo(4.3696, 3);
    expect(s).toBeCloseTo(52.0108, 3);
    expect(n).toBeCloseTo(52.0137, 3);
    expect(lo).toBeGreaterThan(40);
    expect(hi).toBeLessThan(62);
    expect(summary.triangles).toBeGreaterThan(30000);
    expect(summary.warnings.some((x) => /default geoid undulation \+43 m/.test(x))).toBe(true);
    expect(summary.outputs).toHaveLength(1);
    expect(summary.outputs[0]).toMatchObject({ kind: 'tileset', dir, layerId: 'cjio-delft' });
    const report = await validateTileset(dir, { skipGltfValidator: true });
    expect(report.errors).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.features).toBe(570);
    const search: SearchEntry[] = JSON.parse(fs.readFileSync(path.join(dir, 'search.json'), 'utf8'));
    expect(search).toHaveLength(570);
    expect(search.find((x) => x.id === 'b1105d28c-00ba-11e6-b420-2bdcc4ab5d7f')).toMatchObject({ layer: 'cjio-delft' });
  });

  it('--add-to creates a scene with home camera and search index, and a second import adds a layer', async () => {
    const scene = tmpDir('twin-scene-');
    const a = await importJson([DELFT_FP, '--add-to', scene, '--name', 'Delft footprints']);
    expect(a.code).toBe(0);
    const cat: SceneCatalog = JSON.parse(fs.readFileSync(path.join(scene, 'scene.json'), 'utf8'));
    expect(cat.version).toBe(1);
    expect(cat.layers).toHaveLength(1);
    expect(cat.layers[0]).toMatchObject({ id: 'delft-footprints', kind: 'tileset', url: 'delft-footprints/tileset.json', search: 'delft-footprints/search.json', group: 'imported' });
    expect(cat.layers[0].name).toEqual({ en: 'Delft footprints', zh: 'Delft footprints' });
    expect(fs.existsSync(path.join(scene, cat.layers[0].url))).toBe(true);
    const [w, s, e, n] = cat.rectangle;
    expect(w).toBeLessThan(4.366);
    expect(e).toBeGreaterThan(4.368);
    expect(cat.home.lat).toBeLessThan(s);
    expect(cat.home.lon).toBeCloseTo((w + e) / 2, 6);
    expect(cat.home.height).toBeGreaterThan(100);
    void n;
    const search: SearchEntry[] = JSON.parse(fs.readFileSync(path.join(scene, cat.layers[0].search!), 'utf8'));
    expect(search).toHaveLength(160);
    const home = cat.home;
    // second import into the same scene: a new layer, the first and the home camera stay
    const b = await importJson([ZURICH, '--add-to', scene]);
    expect(b.code).toBe(0);
    const cat2: SceneCatalog = JSON.parse(fs.readFileSync(path.join(scene, 'scene.json'), 'utf8'));
    expect(cat2.layers.map((l) => l.id)).toEqual(['delft-footprints', 'cjio-zurich-subset-lod2']);
    expect(cat2.home).toEqual(home);
    expect(cat2.rectangle[2]).toBeGreaterThan(8.5); // grown to include Zurich
    // re-importing replaces the layer instead of duplicating it
    await importJson([DELFT_FP, '--add-to', scene, '--name', 'Delft footprints']);
    const cat3: SceneCatalog = JSON.parse(fs.readFileSync(path.join(scene, 'scene.json'), 'utf8'));
    expect(cat3.layers).toHaveLength(2);
  });

  it('several inputs (gzip, content-sniffed) go to sub-directories; a bad input does not stop the others', async () => {
    const tmp = tmpDir();
    const gz = path.join(tmp, 'footprints.dat');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(DELFT_FP)));
    const junk = path.join(tmp, 'junk.city.json');
    fs.writeFileSync(junk, 'hello, not a city model');
    const out = path.join(tmp, 'out');
    const { code, summary } = await importJson([gz, junk, path.join(tmp, 'missing.json'), '--out', out]);
    expect(code).toBe(0);
    expect(summary.inputs.map((i) => i.importer)).toEqual(['geojson', null, null]);
    expect(summary.inputs[1].error).toMatch(/junk\.city\.json: format not recognised from its content/);
    expect(summary.inputs[2].error).toMatch(/missing\.json: cannot be read \(ENOENT\)/);
    expect(summary.outputs.map((o) => path.relative(out, o.dir))).toEqual(['footprints-dat']);
    expect((await validateTileset(summary.outputs[0].dir, { skipGltfValidator: true })).valid).toBe(true);
  });

  it('exit code 1 when nothing usable was produced, 2 for usage errors', async () => {
    const tmp = tmpDir();
    const junk = path.join(tmp, 'junk.json');
    fs.writeFileSync(junk, '{"type": "CityJSON", "version": "2.0", "CityObjects": {"a": {"type": "Building", "geometry": [{"type": "Solid", "lod": "1", "boundaries": [[[[0, 1, 2]]]]}]}}, "vertices": [], "metadata": {"referenceSystem": "EPSG:7415"}}');
    const r = await importJson([junk, '--out', path.join(tmp, 'o')]);
    expect(r.code).toBe(1);
    expect(r.summary.ok).toBe(false);
    expect(r.summary.skipped[0].reason).toMatch(/\/CityObjects\/a\/geometry\/0\/boundaries\/0\/0\/0\/0: vertex index 0 out of range \(the file has 0 vertices/);
    expect((await importJson([junk])).code).toBe(2);
    expect((await importJson([junk, '--out', tmp, '--origin', 'x,y'])).code).toBe(2);
    const bad = await importJson([junk, '--out', path.join(tmp, 'o2'), '--crs', 'EPSG:12345']);
    expect(bad.code).toBe(1);
    expect(bad.summary.inputs[0].error).toMatch(/EPSG:12345 is not in the built-in registry/);
  });

  it('a scene made anywhere is served by `twin start --scene <dir>` under /tilesets/_scene/', async () => {
    const scene = tmpDir('twin-scene-');
    expect(() => sceneQuery(scene, process.cwd())).toThrow(/no scene.json/);
    expect((await importJson([DELFT_FP, '--add-to', scene, '--name', 'fp'])).code).toBe(0);
    expect(sceneQuery(scene, process.cwd())).toBe('?scene=' + encodeURIComponent('/tilesets/_scene/scene.json'));
    const server = await startServer(process.cwd(), '127.0.0.1', 0, scene);
    try {
      const port = (server.address() as AddressInfo).port;
      const cat = (await (await fetch(`http://127.0.0.1:${port}/tilesets/_scene/scene.json`)).json()) as SceneCatalog;
      expect(cat.layers[0].id).toBe('fp');
      const ts = await fetch(`http://127.0.0.1:${port}/tilesets/_scene/${cat.layers[0].url}`);
      expect(ts.status).toBe(200);
      expect(((await ts.json()) as { asset: { version: string } }).asset.version).toBe('1.1');
      // no escape from the scene directory (raw request path: fetch would normalise the dots away)
      const status = await new Promise<number>((resolve, reject) =>
        http.get({ host: '127.0.0.1', port, path: '/tilesets/_scene/..%2F..%2F..%2Fetc%2Fpasswd' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject),
      );
      expect(status).toBe(404);
    } finally {
      server.close();
    }
  });

  it('footprints given with a DEM stand on that terrain (the DEM is imported first)', async () => {
    const dem = path.join(DATA, 'terrain/delft_ahn3_dtm_1m_filled_EPSG28992.tif');
    const out = path.join(tmpDir(), 'combo');
    const { code, summary } = await importJson([DELFT_FP, dem, '--out', out]);
    expect(code).toBe(0);
    expect(summary.inputs.map((i) => i.importer)).toEqual(['dem', 'geojson']);
    expect(summary.outputs.map((o) => o.kind)).toEqual(['terrain', 'tileset']);
    expect(fs.existsSync(path.join(summary.outputs[0].dir, 'layer.json'))).toBe(true);
    // the same through the importers: every footprint's base is the lowest DEM height under it
    const { demImporter } = await import('../../src/tiling/import/dem.js');
    const { geoJsonFootprintsImporter } = await import('../../src/tiling/import/importers/geojson.js');
    const { testContext } = await import('./import-helpers.js');
    const t = await demImporter.import(dem, testContext());
    const fp = await geoJsonFootprintsImporter.import(DELFT_FP, testContext({ baseTerrain: t.terrain }));
    const feats = fp.layers[0].model.features;
    expect(feats.every((f) => typeof f.attributes.baseHeight === 'number')).toBe(true);
    const bases = feats.map((f) => f.attributes.baseHeight as number);
    // AHN3 ground here lies between -0.5 and 2.3 m NAP
    expect(Math.min(...bases)).toBeGreaterThan(-0.6);
    expect(Math.max(...bases)).toBeLessThan(2.4);
    // and differs from the zmin attribute the file carries (so it really came from the DEM)
    expect(feats.some((f) => Math.abs((f.attributes.baseHeight as number) - (f.attributes['3dfier_zmin_nap_m'] as number)) > 0.05)).toBe(true);
  });

  it('a directory input imports the recognised files below it and ignores the rest (textures)', async () => {
    const out = path.join(tmpDir(), 'dir');
    const { code, summary } = await importJson([path.join(DATA, 'citymodels/nl_rotterdam'), '--crs', 'EPSG:7415', '--out', out]);
    expect(code).toBe(0);
    expect(summary.inputs.map((i) => path.basename(i.file))).toEqual(['cjio_rotterdam_subset.city.json']);
    expect(summary.outputs[0].dir).toBe(out);
    expect(summary.objects).toEqual({ Building: 16 });
    const empty = tmpDir();
    fs.writeFileSync(path.join(empty, 'a.txt'), 'nothing');
    const r = await importJson([empty, '--out', path.join(empty, 'o')]);
    expect(r.code).toBe(1);
    expect(r.summary.inputs[0].error).toMatch(/no file below this directory is in a known format/);
  });
});
