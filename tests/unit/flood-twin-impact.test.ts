import { describe, expect, it } from 'vitest';
import { computeImpact, csvField, impactToCsv, impactToGeoJson, type ImpactBuilding } from '../../src/viewer/flood/impact.js';
import { rasterizeFootprints } from '../../src/viewer/flood/raster.js';
import { buildingHighlightConditions } from '../../src/viewer/flood/highlight.js';

// 20 × 10 cells of 2 m, origin (0, 0). Row 0 is north (y 18..20).
const grid = { ncols: 20, nrows: 10, xll: 0, yll: 0, cellSize: 2 };
const rings: [number, number][][] = [
  [[4, 4], [8, 4], [8, 8], [4, 8]], // A, west
  [[28, 4], [32, 4], [32, 8], [28, 8]], // B, east
];
const { cells } = rasterizeFootprints(grid, rings);
const buildings: ImpactBuilding[] = [
  { id: 'A', name: '甲楼', nameEn: 'Block A', residents: 120, address: '广州市, 某路1号', ring: rings[0], cells: cells[0] },
  { id: 'B', name: '乙楼', nameEn: 'Block B', residents: 40, address: '某路2号', ring: rings[1], cells: cells[1] },
];
const roads = [{ id: 'R1', name: '临江大道', nameEn: 'Linjiang Avenue', width: 4, points: [[0, 15], [40, 15]] as [number, number][] }];
const entrances = [
  { id: 'M1', kind: 'metro', name: '地铁A口', nameEn: 'Metro A', sill: 0.45, x: 11, y: 11 },
  { id: 'P1', kind: 'parking', name: '车库', nameEn: 'Car park', sill: 0.15, x: 35, y: 11 },
];
const data = { buildings, roads, entrances };

/** Depth field: west half 0.4 m, east half 0.05 m, the road row band (y 14..16) 0.5 m for x < 20. */
function field(): Float32Array {
  const d = new Float32Array(200);
  for (let r = 0; r < 10; r++) {
    for (let c = 0; c < 20; c++) {
      const x = c * 2 + 1, y = 20 - (r * 2 + 1);
      d[r * 20 + c] = x < 20 ? 0.4 : 0.05;
      if (y > 14 && y < 16 && x < 20) d[r * 20 + c] = 0.5;
    }
  }
  return d;
}

describe('flood impact', () => {
  it('lists buildings with depth around the footprint above the threshold, with residents', () => {
    const imp = computeImpact(grid, field(), data, { building: 0.15, road: 0.3 }, 600);
    expect(imp.time).toBe(600);
    expect(imp.buildings.map((b) => b.id)).toEqual(['A']);
    expect(imp.buildings[0].depth).toBeCloseTo(0.4, 6);
    expect(imp.residents).toBe(120);
    // A higher threshold floods nothing; a lower one both.
    expect(computeImpact(grid, field(), data, { building: 0.45, road: 0.3 }).buildings).toHaveLength(0);
    expect(computeImpact(grid, field(), data, { building: 0.01, road: 0.3 }).buildings.map((b) => b.id)).toEqual(['A', 'B']);
  });

  it('cuts the flooded stretch of a road and measures its length', () => {
    const imp = computeImpact(grid, field(), data);
    expect(imp.roads).toHaveLength(1);
    const s = imp.roads[0];
    expect(s.roadId).toBe('R1');
    expect(s.maxDepth).toBeCloseTo(0.5, 6);
    // Deep for x < 20: samples every 1 m from 0 to 19.
    expect(s.points[0][0]).toBeCloseTo(0, 6);
    expect(s.points[s.points.length - 1][0]).toBeCloseTo(19, 6);
    expect(s.length).toBeCloseTo(19, 6);
    expect(s.points).toHaveLength(2); // collinear points dropped
    expect(imp.roadLengthCut).toBeCloseTo(19, 6);
    // Dry road: nothing cut.
    expect(computeImpact(grid, new Float32Array(200), data).roads).toHaveLength(0);
  });

  it('flags entrances whose depth exceeds their sill', () => {
    const imp = computeImpact(grid, field(), data);
    expect(imp.entrances).toEqual([]); // metro sill 0.45 > 0.4; car park 0.05 < 0.15
    const d = field().fill(0.5);
    const all = computeImpact(grid, d, data).entrances.map((e) => e.id).sort();
    expect(all).toEqual(['M1', 'P1']);
  });

  it('rejects a depth array of the wrong size', () => {
    expect(() => computeImpact(grid, new Float32Array(5), data)).toThrow(/expected 200/);
  });

  it('exports GeoJSON features with categories and closed rings, and CSV with quoting', () => {
    const d = field().fill(0.5);
    const imp = computeImpact(grid, d, data, undefined, 1200);
    const gj = impactToGeoJson(imp, data, (x, y) => [113 + x * 1e-5, 23 + y * 1e-5], { scenario: 'rain:100:60:90:5:0' });
    expect(gj.type).toBe('FeatureCollection');
    const feats = gj.features as { properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }[];
    expect(feats.filter((f) => f.properties.category === 'building')).toHaveLength(2);
    expect(feats.filter((f) => f.properties.category === 'road').length).toBeGreaterThan(0);
    expect(feats.filter((f) => f.properties.category === 'entrance')).toHaveLength(2);
    const poly = feats.find((f) => f.properties.id === 'A')!.geometry.coordinates as number[][][];
    expect(poly[0][0]).toEqual(poly[0][poly[0].length - 1]);
    expect(poly[0][0]).toEqual([113.00004, 23.00004]);
    expect(gj.properties.residents_affected).toBe(160);
    expect(gj.properties.scenario).toBe('rain:100:60:90:5:0');
    const csv = impactToCsv(imp);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('category,id,name,name_en,depth_m,residents,length_m,sill_m,address');
    expect(lines.find((l) => l.startsWith('building,A,'))).toContain('"广州市, 某路1号"');
    expect(lines.filter((l) => l.startsWith('entrance,'))).toHaveLength(2);
    expect(csvField('a"b')).toBe('"a""b"');
  });
});

describe('building highlight style', () => {
  it('builds one regExp condition per depth class, deepest first, escaping ids', () => {
    const conds = buildingHighlightConditions('id', [
      { id: 'GZ-1', depth: 1.2 },
      { id: 'GZ-2', depth: 0.7 },
      { id: 'GZ.3', depth: 0.2 },
    ]);
    expect(conds).toHaveLength(3);
    expect(conds[0][0]).toContain('GZ-1');
    expect(conds[0][0]).not.toContain('GZ-2');
    expect(conds[1][0]).toContain('GZ-2');
    expect(conds[2][0]).toContain('GZ\\\\.3'); // regex-escaped dot, then style-literal escaped backslash
    expect(conds[0][0].startsWith("regExp('^(")).toBe(true);
    expect(buildingHighlightConditions('id', [])).toEqual([]);
  });
});

describe('flooded-building conditions in the layer style', () => {
  it('are evaluated by Cesium after the selection and before the default colour', async () => {
    const { Cesium3DTileStyle, Color } = await import('cesium');
    const { buildStyleJson } = await import('../../src/viewer/styling/styleJson.js');
    const json = buildStyleJson({
      idProperty: 'id',
      opacity: 1,
      colorBy: null,
      selectedId: 'SEL',
      hiddenIds: [],
      isolate: null,
      extraConditions: buildingHighlightConditions('id', [
        { id: 'GZ-TH-00001', depth: 1.5 },
        { id: 'GZ-TH-00002', depth: 0.2 },
        { id: 'SEL', depth: 0.3 },
      ]),
    })!;
    const style = new Cesium3DTileStyle(json);
    const get = (id: string) => (n: string) => (n === 'id' ? id : undefined);
    const feature = (id: string) => ({ getProperty: get(id), getPropertyInherited: get(id) });
    const colorOf = (id: string) => (style.color as unknown as { evaluateColor(f: unknown, r: InstanceType<typeof Color>): InstanceType<typeof Color> }).evaluateColor(feature(id), new Color());
    expect(colorOf('GZ-TH-00001').toCssHexString()).toBe('#7a0019');
    expect(colorOf('GZ-TH-00002').toCssHexString()).toBe('#fc8d59');
    expect(colorOf('SEL').toCssHexString()).toBe('#ff2fd0'); // selection wins
    expect(colorOf('GZ-TH-000011').toCssHexString()).toBe('#ffffff'); // whole-id match only
  });
});
