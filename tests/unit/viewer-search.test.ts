import { describe, expect, it } from 'vitest';
import { SearchIndex } from '../../src/viewer/search/searchIndex.js';

const entries = [
  { id: 'B0001', name: '天河商务大厦', address: '广州市天河区珠江新城华夏路 8 号', layer: 'city', lon: 113.32, lat: 23.12, height: 120 },
  { id: 'B0002', name: 'Riverside Tower', address: '18 Linjiang Road', layer: 'city', lon: 113.321, lat: 23.121, height: 80 },
  { id: 'B0010', name: '花城小学', layer: 'city', lon: 113.322, lat: 23.122, height: 20 },
];

describe('search index', () => {
  const idx = new SearchIndex();
  idx.add(entries, 'city/search.json');

  it('finds by Chinese name substring', () => {
    expect(idx.search('商务').map((h) => h.entry.id)).toEqual(['B0001']);
  });
  it('is case- and width-insensitive', () => {
    expect(idx.search('riverSIDE')[0].entry.id).toBe('B0002');
    expect(idx.search('ｂ０００２')[0].entry.id).toBe('B0002');
  });
  it('finds by address and by id, exact id first', () => {
    expect(idx.search('华夏路')[0]).toMatchObject({ field: 'address', entry: { id: 'B0001' } });
    expect(idx.search('b0001').map((h) => h.entry.id)[0]).toBe('B0001');
    expect(idx.search('B00').map((h) => h.entry.id)).toEqual(['B0001', 'B0002', 'B0010']);
  });
  it('returns nothing for an empty query', () => {
    expect(idx.search('  ')).toEqual([]);
  });
  it('rejects a bad index naming the entry and field, adding nothing', () => {
    const j = new SearchIndex();
    expect(() => j.add([entries[0], { id: 'X', name: 'x', layer: 'city', lon: 'a', lat: 1, height: 1 }], 'bad.json')).toThrow('bad.json[1].lon');
    expect(j.size).toBe(0);
    expect(() => j.add({}, 'bad.json')).toThrow(/JSON array/);
  });
});
