/**
 * ISO base media file format (MP4) box reading and writing helpers. Pure: works on Uint8Array, no Node APIs.
 */

/** One box: its type, where it starts (in the buffer given) and where its payload starts and ends. */
export interface Box {
  /** Four-character code, e.g. 'moov'. */
  type: string;
  /** Offset of the box header in the buffer. */
  start: number;
  /** Offset of the first payload byte (after size, type and any 64-bit size). */
  payload: number;
  /** Offset just past the box. */
  end: number;
}

/** A malformed or unsupported MP4/FLV input; the message names the file and the box or field. */
export class VideoFormatError extends Error {
  override name = 'VideoFormatError';
}

/** Reads the four-character code at `o`. */
export function fourcc(b: Uint8Array, o: number): string {
  return String.fromCharCode(b[o], b[o + 1], b[o + 2], b[o + 3]);
}

/** A DataView over the same bytes as `b`. */
export function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * The boxes directly inside [from, to) of `b`. Throws VideoFormatError (prefixed by `where`) when a box size runs past
 * `to` or is smaller than its header.
 */
export function readBoxes(b: Uint8Array, from: number, to: number, where = 'mp4'): Box[] {
  const dv = viewOf(b);
  const out: Box[] = [];
  let o = from;
  while (o + 8 <= to) {
    let size = dv.getUint32(o);
    const type = fourcc(b, o + 4);
    let payload = o + 8;
    if (size === 1) {
      if (o + 16 > to) throw new VideoFormatError(`${where}: box '${type}' at byte ${o}: truncated 64-bit size`);
      size = Number(dv.getBigUint64(o + 8));
      payload = o + 16;
    } else if (size === 0) size = to - o;
    if (size < payload - o || o + size > to) {
      throw new VideoFormatError(`${where}: box '${type}' at byte ${o} has size ${size}, which runs past its parent (ends at ${to})`);
    }
    out.push({ type, start: o, payload, end: o + size });
    o += size;
  }
  return out;
}

/** The first child box of `type` inside `parent`, or undefined. */
export function child(b: Uint8Array, parent: Box, type: string, where = 'mp4'): Box | undefined {
  return readBoxes(b, parent.payload, parent.end, where).find((x) => x.type === type);
}

/** Like child(), but throws naming the missing box path. */
export function need(b: Uint8Array, parent: Box, type: string, where: string): Box {
  const c = child(b, parent, type, where);
  if (!c) throw new VideoFormatError(`${where}: '${parent.type}' has no '${type}' box`);
  return c;
}

/** A growable big-endian byte writer. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private dv = new DataView(this.buf.buffer);
  /** Bytes written so far. */
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  /** Appends an unsigned byte. */
  u8(v: number): this {
    this.room(1);
    this.dv.setUint8(this.length, v);
    this.length += 1;
    return this;
  }

  /** Appends an unsigned 16-bit integer. */
  u16(v: number): this {
    this.room(2);
    this.dv.setUint16(this.length, v);
    this.length += 2;
    return this;
  }

  /** Appends an unsigned 24-bit integer. */
  u24(v: number): this {
    return this.u8((v >>> 16) & 0xff).u16(v & 0xffff);
  }

  /** Appends an unsigned 32-bit integer. */
  u32(v: number): this {
    this.room(4);
    this.dv.setUint32(this.length, v >>> 0);
    this.length += 4;
    return this;
  }

  /** Appends a signed 32-bit integer. */
  i32(v: number): this {
    this.room(4);
    this.dv.setInt32(this.length, v);
    this.length += 4;
    return this;
  }

  /** Appends an unsigned 64-bit integer (exact up to 2^53). */
  u64(v: number): this {
    return this.u32(Math.floor(v / 2 ** 32)).u32(v % 2 ** 32);
  }

  /** Appends a big-endian IEEE double. */
  f64(v: number): this {
    this.room(8);
    this.dv.setFloat64(this.length, v);
    this.length += 8;
    return this;
  }

  /** Appends a four-character code or other ASCII text. */
  ascii(s: string): this {
    for (let i = 0; i < s.length; i++) this.u8(s.charCodeAt(i) & 0xff);
    return this;
  }

  /** Appends bytes. */
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** Appends n zero bytes. */
  zeros(n: number): this {
    this.room(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
    return this;
  }

  /** Overwrites an unsigned 32-bit integer at `at`. */
  setU32(at: number, v: number): void {
    this.dv.setUint32(at, v >>> 0);
  }

  /** The bytes written (a copy). */
  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Builds a box: size + type + payload. */
export function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  let n = 8;
  for (const p of payload) n += p.length;
  const w = new ByteWriter().u32(n).ascii(type);
  for (const p of payload) w.bytes(p);
  return w.done();
}

/** Builds a full box: size + type + version + flags + payload. */
export function fullBox(type: string, version: number, flags: number, ...payload: Uint8Array[]): Uint8Array {
  return box(type, new ByteWriter().u8(version).u24(flags).done(), ...payload);
}
