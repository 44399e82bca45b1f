/** Byte-array helpers shared by the binary formats (CityJSONSeq chunks, MP4/FLV boxes, glb). */

/**
 * Concatenates byte arrays into a new one (`byteLength`, when the caller knows it, saves a pass). A single part is
 * returned as it is, not copied.
 */
export function concatBytes(parts: readonly Uint8Array[], byteLength?: number): Uint8Array {
  if (parts.length === 1 && (byteLength === undefined || byteLength === parts[0].byteLength)) return parts[0];
  let n = byteLength ?? 0;
  if (byteLength === undefined) for (const p of parts) n += p.byteLength;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}
