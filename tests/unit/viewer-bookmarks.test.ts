import { describe, expect, it } from 'vitest';
import { Bookmarks } from '../../src/viewer/state/Bookmarks.js';

function memoryStore() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

describe('bookmarks', () => {
  it('saves, lists, replaces by name and deletes, per scene', () => {
    const store = memoryStore();
    const a = new Bookmarks(store, 'demo');
    a.save('塔楼', 'v=1&lang=zh');
    a.save('river', 'v=1&lang=en');
    a.save('塔楼', 'v=1&lang=en&ug=1');
    expect(a.list().map((b) => [b.name, b.hash])).toEqual([
      ['river', 'v=1&lang=en'],
      ['塔楼', 'v=1&lang=en&ug=1'],
    ]);
    expect(new Bookmarks(store, 'other').list()).toEqual([]);
    a.remove('river');
    expect(a.list().map((b) => b.name)).toEqual(['塔楼']);
  });
  it('survives corrupt storage', () => {
    const store = memoryStore();
    store.setItem('twin.bookmarks.demo', '{not json');
    expect(new Bookmarks(store, 'demo').list()).toEqual([]);
  });
});
