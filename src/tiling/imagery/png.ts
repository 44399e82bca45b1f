/**
 * A minimal, fast PNG encoder for 8-bit RGBA images (filter "sub" on every row, zlib RLE strategy), which suits
 * flat-coloured map tiles. Output is deterministic. Decoders (browsers, pngjs) read it as any PNG.
 */
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}

let scratch: Buffer | undefined;

/** Encodes `rgba` (width · height · 4 bytes, rows top to bottom) as a PNG file. */
export function encodePngRgba(rgba: Uint8Array, width: number, height: number): Buffer {
  if (rgba.length !== width * height * 4) throw new Error(`encodePngRgba: expected ${width * height * 4} bytes, got ${rgba.length}`);
  const stride = width * 4;
  const size = (stride + 1) * height;
  if (!scratch || scratch.length < size) scratch = Buffer.alloc(size);
  const raw = scratch.subarray(0, size);
  for (let y = 0; y < height; y++) {
    const o = y * (stride + 1);
    const s = y * stride;
    raw[o] = 1; // filter: sub
    for (let i = 0; i < 4 && i < stride; i++) raw[o + 1 + i] = rgba[s + i];
    for (let i = 4; i < stride; i++) raw[o + 1 + i] = (rgba[s + i] - rgba[s + i - 4]) & 0xff;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const idat = zlib.deflateSync(raw, { level: 6, strategy: zlib.constants.Z_RLE });
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}
