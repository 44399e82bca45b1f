/** Helpers for content sniffing (shared by the importers' detect()). */

/** The first bytes as text (invalid UTF-8 replaced, a BOM dropped) for sniffing. */
export function headText(head: Uint8Array, max = 65536): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, max)).replace(/^\uFEFF/, '');
}
