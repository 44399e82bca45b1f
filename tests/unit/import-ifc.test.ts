import fs from 'node:fs';
import path from 'node:path';
import * as WebIFC from 'web-ifc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA, testContext, tmpDir as makeTmpDir } from './import-helpers.js';
import { ifcApi, ifcImporter, readIfcWithContext } from '../../src/tiling/import/ifc.js';
import { detectImporter } from '../../src/tiling/import/registry.js';
import { readHead } from '../../src/tiling/import/io.js';
import { IfcError, compoundAngle, readIfc } from '../../src/core/formats/ifc/reader.js';
import { createCrsTransform } from '../../src/core/crs/index.js';

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

const BIM = path.join(DATA, 'bim');
const MODELS = ['AC20-FZK-Haus.ifc', 'IfcOpenHouse_IFC4.ifc', 'Office_A_20110811.ifc', 'duplex.ifc'];

let api: WebIFC.IfcAPI;
beforeAll(async () => {
  api = await ifcApi();
});

/** Elements per IFC class as web-ifc itself counts them (exact class, not inherited). */
function webIfcCount(bytes: Uint8Array, cls: string): number {
  const m = api.OpenModel(bytes);
  try {
    return api.GetLineIDsWithType(m, api.GetTypeCodeFromName(cls.toUpperCase())).size();
  } finally {
    api.CloseModel(m);
  }
}

/** Every IfcElement subtype instance except openings / virtual elements, by web-ifc. */
function webIfcElementTotal(bytes: Uint8Array): number {
  const m = api.OpenModel(bytes);
  try {
    const all = [...api.GetLineIDsWithType(m, WebIFC.IFCELEMENT, true)];
    const skip = new Set([WebIFC.IFCOPENINGELEMENT, WebIFC.IFCVIRTUALELEMENT, (WebIFC as unknown as Record<string, number>).IFCOPENINGSTANDARDCASE]);
    return all.filter((id) => !skip.has(api.GetLineType(m, id))).length;
  } finally {
    api.CloseModel(m);
  }
}

describe('IFC import (web-ifc)', () => {
  it.each(MODELS)('%s: element counts per IFC class equal web-ifc’s own counts', async (name) => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(BIM, name)));
    const ctx = testContext({ origin: name.startsWith('IfcOpenHouse') ? [8.4, 49.1, 100] : undefined });
    const r = await readIfcWithContext(bytes, name, ctx);
    const classes = Object.keys(r.counts);
    expect(classes.length).toBeGreaterThan(3);
    for (const cls of classes) expect([cls, r.counts[cls]]).toEqual([cls, webIfcCount(bytes, cls)]);
    expect(r.model.features.length).toBe(webIfcElementTotal(bytes));
    // Every element: type = class, ids, storey group among the storeys, flattened attributes.
    const storeyIds = new Set(r.storeys.map((s) => s.id));
    for (const f of r.model.features) {
      expect(f.type).toBe(f.attributes.ifcClass);
      expect(f.id).toBe(f.attributes.globalId);
      expect(f.id).toMatch(/^[0-9A-Za-z_$]{22}$/);
      expect(storeyIds.has(f.group!)).toBe(true);
      expect(f.attributes.storey === null ? 'unassigned' : f.attributes.storey).toBe(f.group);
    }
    expect(new Set(r.model.features.map((f) => f.id)).size).toBe(r.model.features.length);
    expect(r.groupOrder).toEqual(r.storeys.map((s) => s.id));
    const elevations = r.storeys.filter((s) => s.id !== 'unassigned').map((s) => s.elevation);
    expect([...elevations].sort((a, b) => a - b)).toEqual(elevations);
    expect(r.triangles).toBeGreaterThan(500);
  });

  it('AC20-FZK-Haus: placed at its IfcSite lat/lon, two storeys, property sets flattened', async () => {
    const ctx = testContext();
    const out = await ifcImporter.import(path.join(BIM, 'AC20-FZK-Haus.ifc'), ctx);
    expect(out.layers).toHaveLength(1);
    const layer = out.layers[0];
    expect(layer).toMatchObject({ kind: 'bim', tiling: 'group', className: 'bimElement' });
    expect(layer.storeys!.map((s) => [s.name.en, s.elevation])).toEqual([
      ['Erdgeschoss', 0],
      ['Dachgeschoss', 2.7],
    ]);
    expect(layer.storeys![0].height).toBeCloseTo(2.7, 6);
    expect(layer.groupOrder).toEqual(layer.storeys!.map((s) => s.id));
    const model = layer.model;
    // 49° 6' 1.566" N, 8° 26' 11.540" E: the model origin (site placement) lands there.
    const [lon0, lat0, h0] = model.crs.toGeodetic(0, 0, 0);
    expect(lat0).toBeCloseTo(49.1004, 4);
    expect(lon0).toBeCloseTo(8.4365, 4);
    expect(h0).toBeCloseTo(110, 6);
    // All vertices within a few tens of metres of it (the house is 12 m × 10 m).
    let maxD = 0;
    for (const f of model.features) {
      for (const p of f.lods[0]?.parts ?? []) {
        for (let i = 0; i < p.positions.length; i += 3) {
          const [lon, lat] = model.crs.toGeodetic(p.positions[i], p.positions[i + 1], p.positions[i + 2]);
          maxD = Math.max(maxD, Math.hypot((lon - 8.4365) * 111_320 * Math.cos((49.1 * Math.PI) / 180), (lat - 49.1004) * 111_132));
        }
      }
    }
    expect(maxD).toBeLessThan(40);
    const wall = model.features.find((f) => f.attributes.name === 'Wand-Int-ERDG-4')!;
    expect(wall.type).toBe('IfcWallStandardCase');
    expect(wall.attributes.storeyName).toBe('Erdgeschoss');
    expect(wall.attributes['Pset_WallCommon.ThermalTransmittance']).toBe(1.5);
    expect(wall.lods[0].parts[0].semantic).toBe('wall');
    expect(out.sourceCrs).toContain('IfcSite #389');
    expect(ctx.warnings).toEqual([expect.stringMatching(/#389 IfcSite RefElevation 110 m is taken as ellipsoidal height.*--height-offset/)]);
    // --height-offset lifts it.
    const lifted = await ifcImporter.import(path.join(BIM, 'AC20-FZK-Haus.ifc'), testContext({ heightOffset: 47.5 }));
    expect(lifted.layers[0].model.crs.toGeodetic(0, 0, 0)[2]).toBeCloseTo(157.5, 6);
  });

  it('IfcOpenHouse (no lat/lon): a clear error without --origin; with it a warning and the origin is honoured', async () => {
    const file = path.join(BIM, 'IfcOpenHouse_IFC4.ifc');
    await expect(ifcImporter.import(file, testContext())).rejects.toThrow(
      /IfcOpenHouse_IFC4\.ifc: no georeference: no IfcMapConversion and IfcSite #\d+ has no RefLatitude\/RefLongitude; pass --origin lon,lat,h/,
    );
    const ctx = testContext({ origin: [113.3245, 23.1291, 12], heading: 30 });
    const out = await ifcImporter.import(file, ctx);
    expect(ctx.warnings.some((m) => /no georeference in the file .*placed by --origin 113\.3245,23\.1291,12 --heading 30/.test(m))).toBe(true);
    // Window panes and frame members name their window.
    const windows = out.layers[0].model.features.filter((f) => f.type === 'IfcWindow');
    expect(windows).toHaveLength(5);
    const panes = out.layers[0].model.features.filter((f) => f.type === 'IfcPlate');
    expect(panes.every((p) => p.attributes.partOfClass === 'IfcWindow' && windows.some((w) => w.id === p.attributes.partOf))).toBe(true);
    const crs = out.layers[0].model.crs;
    const [lon, lat, h] = crs.toGeodetic(0, 0, 0);
    expect([lon, lat, h]).toEqual([113.3245, 23.1291, 12]);
    // Heading 30°: the model's +y axis points 30° east of north.
    const [lon1, lat1] = crs.toGeodetic(0, 100, 0);
    const east = (lon1 - lon) * 111_320 * Math.cos((lat * Math.PI) / 180), north = (lat1 - lat) * 110_574;
    expect((Math.atan2(east, north) * 180) / Math.PI).toBeCloseTo(30, 0);
  });

  it('an IFC without IfcSite and garbage bytes give clear messages', async () => {
    const text = fs.readFileSync(path.join(BIM, 'IfcOpenHouse_IFC4.ifc'), 'latin1');
    const noSite = text
      .split('\n')
      .filter((l) => !/=\s*IFCSITE\(/.test(l))
      .join('\n');
    expect(noSite.length).toBeLessThan(text.length);
    expect(() => readIfc(api, new TextEncoder().encode(noSite), { fileName: 'nosite.ifc' })).toThrowError(
      /nosite\.ifc: no georeference: no IfcMapConversion and the file has no IfcSite; pass --origin/,
    );
    const placed = readIfc(api, new TextEncoder().encode(noSite), { fileName: 'nosite.ifc', origin: [4.37, 52.01, 0] });
    expect(placed.model.features.length).toBeGreaterThan(10);
    expect(() => readIfc(api, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), { fileName: 'junk.ifc' })).toThrowError(IfcError);
    expect(() => readIfc(api, new Uint8Array([1, 2, 3]), { fileName: 'junk.ifc' })).toThrowError(/junk\.ifc: not an IFC STEP file/);
    const dir = tmpDir();
    const f = path.join(dir, 'empty.ifc');
    fs.writeFileSync(f, "ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('IFC4'));\nENDSEC;\nDATA;\nENDSEC;\nEND-ISO-10303-21;\n");
    await expect(ifcImporter.import(f, testContext({ origin: [0, 0, 0] }))).rejects.toThrow(/empty\.ifc: no IfcProject and no IfcElement found/);
  });

  it('IfcMapConversion + IfcProjectedCRS place the model in the target CRS (rotation, false origin)', () => {
    const text = fs.readFileSync(path.join(BIM, 'IfcOpenHouse_IFC4.ifc'), 'latin1');
    const extra = "#90001=IFCPROJECTEDCRS('EPSG:28992','Amersfoort / RD New',$,$,$,$,$);\n#90002=IFCMAPCONVERSION(#11,#90001,84900.,447500.,1.5,0.,1.,$);\n";
    const withMap = text.replace('ENDSEC;\nEND-ISO-10303-21;', `${extra}ENDSEC;\nEND-ISO-10303-21;`);
    expect(withMap.length).toBeGreaterThan(text.length);
    const r = readIfc(api, new TextEncoder().encode(withMap), { fileName: 'map.ifc' });
    expect(r.georeference.kind).toBe('map-conversion');
    expect(r.georeference.description).toMatch(/IfcMapConversion #90002 to EPSG:28992/);
    const rd = createCrsTransform('EPSG:28992');
    // Origin → (84900, 447500), height 1.5 m NAP + 43; x axis rotated to grid north (abscissa 0, ordinate 1).
    const o = r.model.crs.toGeodetic(0, 0, 0), want = rd.toGeodetic(84900, 447500, 1.5);
    expect(o[0]).toBeCloseTo(want[0], 9);
    expect(o[1]).toBeCloseTo(want[1], 9);
    expect(o[2]).toBeCloseTo(44.5, 6);
    const x10 = r.model.crs.toGeodetic(10, 0, 0), wantX = rd.toGeodetic(84900, 447510, 1.5);
    expect(x10[0]).toBeCloseTo(wantX[0], 9);
    expect(x10[1]).toBeCloseTo(wantX[1], 9);
    const back = r.model.crs.fromGeodetic(...x10);
    expect(back[0]).toBeCloseTo(10, 2); // proj4 RD inverse round trip: sub-millimetre
    expect(back[1]).toBeCloseTo(0, 2);
  });

  it('reads compound plane angles and is detected from content', async () => {
    expect(compoundAngle({ value: [49, 6, 1, 566000] })).toBeCloseTo(49 + 6 / 60 + 1.566 / 3600, 10);
    expect(compoundAngle([-71, -3, -35, -194702])).toBeCloseTo(-(71 + 3 / 60 + 35.194702 / 3600), 10);
    expect(compoundAngle(null)).toBeUndefined();
    const head = await readHead(path.join(BIM, 'duplex.ifc'));
    expect(detectImporter(head, 'model.bin')?.id).toBe('ifc');
  });
});
