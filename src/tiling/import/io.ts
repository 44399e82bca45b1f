/**
 * File access for the importers: gzip is handled transparently everywhere (detected by its magic bytes 1f 8b, not
 * by the extension).
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { isAscii } from 'node:buffer';
import type { ImportContext } from './registry.js';

/** Whether bytes start with the gzip magic. */
export const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Reads up to `n` leading bytes of a file, gunzipped when the file is gzip. */
export async function readHead(file: string, n = 65536): Promise<Uint8Array> {
  // Synchronous open/read: one small read is cheaper than two thread-pool round trips (which cost milliseconds on a
  // loaded machine, a sizeable part of importing a small file).
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const bytesRead = fs.readSync(fd, buf, 0, n, 0);
    const raw = buf.subarray(0, bytesRead);
    if (!isGzip(raw)) return new Uint8Array(raw);
  } finally {
    fs.closeSync(fd);
  }
  // gzip: inflate only as much as needed.
  const chunks: Buffer[] = [];
  let total = 0;
  const stream = fs.createReadStream(file).pipe(zlib.createGunzip());
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= n) break;
    }
  } catch {
    // a truncated gzip still gives what was inflated so far
  } finally {
    stream.destroy();
  }
  return new Uint8Array(Buffer.concat(chunks).subarray(0, n));
}

/** Reads a whole file, gunzipped when it is gzip. */
export async function readFileBytes(file: string): Promise<Uint8Array> {
  // One synchronous read (the whole file is needed before anything else can happen; fs.promises.readFile reads in
  // 512 KiB thread-pool round trips).
  const raw = fs.readFileSync(file);
  if (!isGzip(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = await new Promise<Buffer>((resolve, reject) => zlib.gunzip(raw, (err, res) => (err ? reject(new Error(`${file}: not a valid gzip stream (${err.message})`)) : resolve(res))));
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Reads a file as UTF-8 text (gunzipped when gzip; a leading BOM is dropped). */
export async function readFileText(file: string): Promise<string> {
  const bytes = await readFileBytes(file);
  // Pure ASCII (most city models: non-ASCII text is usually \u-escaped) decodes as Latin-1 to the same string,
  // 3–10× faster than UTF-8 decoding, and gives a one-byte string that JSON.parse reads faster too.
  if (isAscii(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

/**
 * Reads a file line by line (gunzipped when gzip), with the raw bytes consumed so far for progress.
 * Memory stays bounded by the longest line.
 */
export async function* readLines(file: string): AsyncIterable<{ line: string; lineNo: number; bytes: number }> {
  const fd = await fs.promises.open(file, 'r');
  const head = Buffer.alloc(2);
  try {
    await fd.read(head, 0, 2, 0);
  } finally {
    await fd.close();
  }
  let bytes = 0;
  const raw = fs.createReadStream(file);
  raw.on('data', (c) => (bytes += c.length));
  const input: Readable = isGzip(head) ? raw.pipe(zlib.createGunzip()) : raw;
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of rl) {
      lineNo++;
      yield { line: lineNo === 1 ? line.replace(/^\uFEFF/, '') : line, lineNo, bytes };
    }
  } finally {
    rl.close();
    raw.destroy();
  }
}

/** Size of a file in bytes (0 when it cannot be read). */
export function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** Whether a file starts with the gzip magic. */
export function isGzipFile(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const b = Buffer.alloc(2);
      fs.readSync(fd, b, 0, 2, 0);
      return isGzip(b);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** The bytes of a file as a stream of chunks (gunzipped when gzip); memory bounded by the chunk size. */
export async function* readChunks(file: string, chunkSize = 1 << 20): AsyncIterable<Uint8Array> {
  const raw = fs.createReadStream(file, { highWaterMark: chunkSize });
  const input: Readable = isGzipFile(file) ? raw.pipe(zlib.createGunzip({ chunkSize: 1 << 16 })) : raw;
  try {
    for await (const c of input as AsyncIterable<Buffer>) yield c;
  } finally {
    raw.destroy();
  }
}

/**
 * An import context with the defaults of a plain run (heading 0, no options, warnings/skips/progress ignored, files
 * read with readFileBytes/readLines); `over` replaces any of them.
 */
export function importContext(over: Partial<ImportContext> = {}): ImportContext {
  return {
    heading: 0,
    args: { positionals: [], options: new Map() },
    warn: () => {},
    skip: () => {},
    progress: () => {},
    readFile: readFileBytes,
    readLines,
    ...over,
  };
}
