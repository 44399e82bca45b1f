/**
 * Feature search over the layers' search indexes (SearchEntry[] JSON): substring, case-insensitive, width-insensitive
 * (NFKC, so full-width Ｂ matches B), works for Chinese. Pure: no Cesium, no DOM.
 */
import type { SearchEntry } from '../../core/scene/catalog.js';

/** Normalises text for matching: NFKC, lower case, collapsed whitespace. */
export function normalizeSearchText(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** A search hit: the entry, which field matched and a rank (lower is better). */
export interface SearchHit {
  entry: SearchEntry;
  field: 'id' | 'name' | 'address';
  rank: number;
}

interface Indexed {
  entry: SearchEntry;
  id: string;
  name: string;
  address: string;
}

/** An in-memory search index over the entries of one or more layers. */
export class SearchIndex {
  private readonly items: Indexed[] = [];

  /** Number of entries indexed. */
  get size(): number {
    return this.items.length;
  }

  /**
   * Adds the entries of a search index file. Validates each entry and throws naming `source` and the index of the first
   * bad entry (nothing is added then).
   */
  add(entries: unknown, source: string): void {
    if (!Array.isArray(entries)) throw new Error(`${source}: search index must be a JSON array of entries`);
    const ok: Indexed[] = [];
    entries.forEach((e, i) => {
      const r = e as Partial<SearchEntry>;
      if (!r || typeof r !== 'object') throw new Error(`${source}[${i}]: not an object`);
      if (typeof r.id !== 'string' || !r.id) throw new Error(`${source}[${i}].id: missing or not a string`);
      if (typeof r.name !== 'string') throw new Error(`${source}[${i}].name: missing or not a string`);
      if (typeof r.layer !== 'string') throw new Error(`${source}[${i}].layer: missing or not a string`);
      for (const k of ['lon', 'lat', 'height'] as const) {
        if (typeof r[k] !== 'number' || !Number.isFinite(r[k])) throw new Error(`${source}[${i}].${k}: not a finite number`);
      }
      const entry = r as SearchEntry;
      ok.push({
        entry,
        id: normalizeSearchText(entry.id),
        name: normalizeSearchText(entry.name),
        address: normalizeSearchText(entry.address ?? ''),
      });
    });
    this.items.push(...ok);
  }

  /** All entries, in index order. */
  entries(): SearchEntry[] {
    return this.items.map((x) => x.entry);
  }

  /** Removes every entry of a layer. */
  removeLayer(layer: string): void {
    for (let i = this.items.length - 1; i >= 0; i--) if (this.items[i].entry.layer === layer) this.items.splice(i, 1);
  }

  /** Finds an entry by exact id (and layer, if given). */
  byId(id: string, layer?: string): SearchEntry | undefined {
    return this.items.find((x) => x.entry.id === id && (layer === undefined || x.entry.layer === layer))?.entry;
  }

  /**
   * Searches id, name and address. Ranking: exact id, then name prefix, id prefix, name substring, id substring,
   * address substring; ties keep index order. An empty query returns nothing.
   */
  search(query: string, limit = 20): SearchHit[] {
    const q = normalizeSearchText(query);
    if (!q) return [];
    const hits: SearchHit[] = [];
    this.items.forEach((x, order) => {
      let rank = -1;
      let field: SearchHit['field'] = 'name';
      if (x.id === q) [rank, field] = [0, 'id'];
      else if (x.name.startsWith(q)) [rank, field] = [1, 'name'];
      else if (x.id.startsWith(q)) [rank, field] = [2, 'id'];
      else if (x.name.includes(q)) [rank, field] = [3, 'name'];
      else if (x.id.includes(q)) [rank, field] = [4, 'id'];
      else if (x.address.includes(q)) [rank, field] = [5, 'address'];
      if (rank >= 0) hits.push({ entry: x.entry, field, rank: rank * 1e7 + order });
    });
    hits.sort((a, b) => a.rank - b.rank);
    return hits.slice(0, limit).map((h) => ({ ...h, rank: Math.floor(h.rank / 1e7) }));
  }
}
