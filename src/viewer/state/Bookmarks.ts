/** A saved view: a name and the share-link hash of the state. */
export interface Bookmark {
  name: string;
  /** encodeViewState(...) output. */
  hash: string;
  /** ISO time of saving. */
  created: string;
}

/** Storage the bookmarks live in (localStorage in the browser). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * Bookmarks of views, per scene, kept in localStorage under `twin.bookmarks.<sceneId>`. A corrupt entry is
 * dropped with a console warning; the rest stay.
 */
export class Bookmarks {
  /**
   * @param store where to keep them
   * @param sceneId the scene they belong to
   */
  constructor(
    private readonly store: KeyValueStore,
    private readonly sceneId: string,
  ) {}

  private get key(): string {
    return `twin.bookmarks.${this.sceneId}`;
  }

  /** All bookmarks, oldest first. */
  list(): Bookmark[] {
    let raw: unknown;
    try {
      raw = JSON.parse(this.store.getItem(this.key) ?? '[]');
    } catch {
      console.warn(`localStorage ${this.key}: not JSON, ignoring saved bookmarks`);
      return [];
    }
    if (!Array.isArray(raw)) return [];
    return raw.filter((b): b is Bookmark => !!b && typeof b.name === 'string' && typeof b.hash === 'string');
  }

  /** Saves a bookmark (replacing one with the same name). */
  save(name: string, hash: string): Bookmark {
    const b: Bookmark = { name: name.trim() || new Date().toLocaleString(), hash, created: new Date().toISOString() };
    const all = this.list().filter((x) => x.name !== b.name);
    all.push(b);
    this.store.setItem(this.key, JSON.stringify(all));
    return b;
  }

  /** Deletes a bookmark by name. */
  remove(name: string): void {
    this.store.setItem(this.key, JSON.stringify(this.list().filter((x) => x.name !== name)));
  }
}
