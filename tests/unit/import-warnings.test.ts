import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CityFeature } from '../../src/core/model/feature.js';
import { resolveAggregates } from '../../src/tiling/import/aggregates.js';
import { runImport } from '../../src/tiling/import/pipeline.js';
import { WarningFilter, summarizeWarnings, warningKind } from '../../src/tiling/import/warnings.js';
import { DATA, tmpDir } from './import-helpers.js';

const box = (x: number): CityFeature['lods'] => [{ lod: '2', parts: [{ semantic: 'wall', positions: [x, 0, 0, x + 1, 0, 0, x, 1, 0], indices: [0, 1, 2] }] }];

describe('aggregate objects', () => {
  it('drops geometry-less aggregates whose parts have geometry, passing their attributes down', () => {
    const features: CityFeature[] = [
      { id: 'B', type: 'Building', attributes: { year: 1900, name: 'whole' }, lods: [] },
      { id: 'P1', type: 'BuildingPart', attributes: { parent: 'B', name: 'part' }, lods: box(0) },
      { id: 'S', type: 'IfcStair', attributes: { globalId: 'S', tag: 't' }, lods: [] },
      { id: 'F', type: 'IfcStairFlight', attributes: { partOf: 'S' }, lods: box(2) },
      { id: 'E', type: 'Building', attributes: {}, lods: [{ lod: '2', parts: [] }] },
    ];
    const r = resolveAggregates(features);
    expect(r.drawable.map((f) => f.id)).toEqual(['P1', 'F']);
    expect(r.aggregates.sort()).toEqual(['B', 'S']);
    expect(r.empty.map((f) => f.id)).toEqual(['E']);
    expect(r.drawable[0].attributes).toMatchObject({ year: 1900, name: 'part', parentType: 'Building' });
    expect(r.drawable[1].attributes).toMatchObject({ tag: 't', parentType: 'IfcStair' });
  });

  it('imports Zurich (Buildings with BuildingParts) and Den Haag CityGML without a no-geometry warning', async () => {
    for (const f of ['citymodels/ch_zurich/cjio_zurich_subset_lod2.city.json', 'citymodels/nl_denhaag/DenHaag_01.citygml.xml.gz']) {
      const s = await runImport({ inputs: [path.join(DATA, f)], out: tmpDir() });
      expect(s.ok).toBe(true);
      expect(s.warnings.filter((w) => /no geometry/.test(w))).toEqual([]);
      expect(s.skipped).toEqual([]);
      expect(s.objects.Building).toBeGreaterThan(40);
    }
  }, 60_000);
});

describe('warning digests', () => {
  const many = Array.from({ length: 40 }, (_, i) => `a.gml: tiles: feature 'id${i}' (features[${i * 3}]) has no geometry: not written`);

  it('treats messages differing in ids and numbers as one kind', () => {
    expect(warningKind(many[0])).toBe(warningKind(many[39]));
    expect(warningKind(many[0])).not.toBe(warningKind('a.gml: texture x.png was not found'));
  });

  it('shows the first three of a kind, then one line with the count and the first ids', () => {
    const other = 'a.gml: heights lifted by +43 m';
    const out = summarizeWarnings([other, ...many]);
    expect(out.slice(0, 4)).toEqual([other, many[0], many[1], many[2]]);
    expect(out).toHaveLength(5);
    expect(out[4]).toMatch(/^… 37 more like "a\.gml: tiles: feature 'id0'.*" \(id3, id4, id5, id6, id7, …\); --json lists all$/);
    const f = new WarningFilter();
    expect(f.add(other)).toBe(other);
    expect(f.digest()).toEqual([]);
  });
});
