/**
 * Warning digests for `twin import`: repeated warnings of one kind (the same message up to ids, numbers and
 * quoted names) are shown as the first few plus a count and the first ids; the `--json` summary keeps them all.
 */

/** Warnings of one kind shown in full before the rest are only counted. */
export const SHOWN_PER_KIND = 3;

/** Ids named in a digest line. */
export const IDS_PER_DIGEST = 5;

/** The kind of a warning: the message with quoted text, ids, GUIDs and numbers blanked. */
export function warningKind(message: string): string {
  return message
    .replace(/'[^']*'|"[^"]*"|‘[^’]*’/g, "'…'")
    .replace(/\b(GUID_)?[0-9A-Fa-f]{8}-[0-9A-Fa-f-]{27}\b/g, '#')
    .replace(/#\d+/g, '#')
    .replace(/\b[0-9A-Za-z_$]{22}\b/g, (m) => (/\d/.test(m) && /[A-Za-z]/.test(m) ? '#' : m)) // IFC GlobalIds
    .replace(/-?\d+(\.\d+)?/g, '#');
}

/** The id a warning is about: its first quoted text or GUID, else undefined. */
export function warningId(message: string): string | undefined {
  const q = /'([^']+)'|"([^"]+)"/.exec(message);
  if (q) return q[1] ?? q[2];
  const g = /\b(GUID_)?[0-9A-Fa-f]{8}-[0-9A-Fa-f-]{27}\b/.exec(message);
  return g?.[0];
}

/** One kind of repeated warning. */
export interface WarningDigest {
  /** The first message of the kind. */
  example: string;
  /** How many messages of the kind. */
  count: number;
  /** Ids named by the messages (first {@link IDS_PER_DIGEST}). */
  ids: string[];
}

/**
 * Streams warnings: `add` returns the message when it should be shown now (the first {@link SHOWN_PER_KIND} of
 * its kind), else undefined; `digest` lists the kinds that had more, for a closing line each.
 */
export class WarningFilter {
  private readonly kinds = new Map<string, WarningDigest>();

  constructor(private readonly shownPerKind = SHOWN_PER_KIND) {}

  /** Records a warning; returns it when it is to be shown. */
  add(message: string): string | undefined {
    const k = warningKind(message);
    let d = this.kinds.get(k);
    if (!d) this.kinds.set(k, (d = { example: message, count: 0, ids: [] }));
    d.count++;
    if (d.count <= this.shownPerKind) return message;
    const id = warningId(message);
    if (id !== undefined && d.ids.length < IDS_PER_DIGEST) d.ids.push(id);
    return undefined;
  }

  /** Lines for the kinds whose further warnings were held back. */
  digest(): string[] {
    const out: string[] = [];
    for (const d of this.kinds.values()) {
      const more = d.count - this.shownPerKind;
      if (more <= 0) continue;
      const ids = d.ids.length ? ` (${d.ids.join(', ')}${more > d.ids.length ? ', …' : ''})` : '';
      out.push(`… ${more} more like "${shorten(d.example, 120)}"${ids}; --json lists all`);
    }
    return out;
  }
}

function shorten(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

/** Summarises a list of warnings: at most {@link SHOWN_PER_KIND} per kind, then one digest line per kind. */
export function summarizeWarnings(messages: readonly string[], shownPerKind = SHOWN_PER_KIND): string[] {
  const f = new WarningFilter(shownPerKind);
  const out: string[] = [];
  for (const m of messages) {
    const shown = f.add(m);
    if (shown !== undefined) out.push(shown);
  }
  return [...out, ...f.digest()];
}
