/**
 * FLV (HTTP-FLV) muxing and reading for H.264 video: the file header, an onMetaData script tag (AMF0), the AVC sequence
 * header (the avcC record) and one video tag per sample (frame type, AVCPacketType 1, signed 24-bit composition time,
 * the length-prefixed NAL units as stored in the MP4). Timestamps are milliseconds. Pure: no Node APIs.
 */
import { ByteWriter, VideoFormatError, viewOf } from './boxes.js';

/** FLV tag types. */
export const FLV_AUDIO = 8;
export const FLV_VIDEO = 9;
export const FLV_SCRIPT = 18;

/** The 9-byte FLV header plus PreviousTagSize0. */
export function flvHeader(hasVideo = true, hasAudio = false): Uint8Array {
  return new ByteWriter()
    .ascii('FLV')
    .u8(1)
    .u8((hasAudio ? 4 : 0) | (hasVideo ? 1 : 0))
    .u32(9)
    .u32(0)
    .done();
}

/** One tag with its trailing PreviousTagSize. `timestamp` in ms (32-bit, extended byte included). */
export function flvTag(type: number, timestamp: number, data: Uint8Array): Uint8Array {
  const ts = Math.max(0, Math.round(timestamp)) >>> 0;
  return new ByteWriter()
    .u8(type)
    .u24(data.length)
    .u24(ts & 0xffffff)
    .u8((ts >>> 24) & 0xff)
    .u24(0)
    .bytes(data)
    .u32(11 + data.length)
    .done();
}

/** The onMetaData script tag (AMF0 string + ECMA array of numbers, booleans and strings). */
export function flvMetadata(meta: Record<string, number | boolean | string>): Uint8Array {
  const w = new ByteWriter();
  const str = (s: string) => {
    const b = new TextEncoder().encode(s);
    w.u16(b.length).bytes(b);
  };
  w.u8(2);
  str('onMetaData');
  const entries = Object.entries(meta);
  w.u8(8).u32(entries.length);
  for (const [k, v] of entries) {
    str(k);
    if (typeof v === 'number') w.u8(0).f64(v);
    else if (typeof v === 'boolean') w.u8(1).u8(v ? 1 : 0);
    else {
      w.u8(2);
      str(v);
    }
  }
  w.u16(0).u8(9);
  return flvTag(FLV_SCRIPT, 0, w.done());
}

/** The AVC sequence header tag: keyframe, codec 7 (AVC), AVCPacketType 0, composition time 0, the avcC record. */
export function flvAvcSequenceHeader(avcC: Uint8Array, timestamp = 0): Uint8Array {
  return flvTag(FLV_VIDEO, timestamp, new ByteWriter().u8(0x17).u8(0).u24(0).bytes(avcC).done());
}

/**
 * One H.264 frame tag: frame type 1 (key) or 2 (inter), AVCPacketType 1, composition time `ctsMs` (PTS − DTS, signed
 * 24-bit), then the sample's NAL units (length-prefixed, as in the MP4).
 */
export function flvAvcFrame(key: boolean, dtsMs: number, ctsMs: number, nalus: Uint8Array): Uint8Array {
  const cts = Math.round(ctsMs) & 0xffffff;
  return flvTag(FLV_VIDEO, dtsMs, new ByteWriter().u8(key ? 0x17 : 0x27).u8(1).u24(cts).bytes(nalus).done());
}

/** A tag read back by readFlv. */
export interface FlvTag {
  type: number;
  /** Milliseconds. */
  timestamp: number;
  /** Offset of the tag header in the input. */
  offset: number;
  /** The tag body. */
  data: Uint8Array;
}

/** A parsed FLV stream. */
export interface FlvFile {
  version: number;
  hasAudio: boolean;
  hasVideo: boolean;
  tags: FlvTag[];
  /** Bytes after the last whole tag (a stream cut mid-tag). */
  trailing: number;
}

/**
 * Reads an FLV stream: header, then tags, checking every PreviousTagSize. A truncated final tag is allowed (an HTTP-FLV
 * stream read for a while); anything else malformed throws VideoFormatError naming `name` and the byte offset.
 */
export function readFlv(b: Uint8Array, name = 'flv'): FlvFile {
  const dv = viewOf(b);
  if (b.length < 13 || b[0] !== 0x46 || b[1] !== 0x4c || b[2] !== 0x56) throw new VideoFormatError(`${name}: not an FLV stream (no 'FLV' signature)`);
  const headerSize = dv.getUint32(5);
  if (dv.getUint32(headerSize) !== 0) throw new VideoFormatError(`${name}: PreviousTagSize0 is not 0`);
  const tags: FlvTag[] = [];
  let o = headerSize + 4;
  while (o + 11 <= b.length) {
    const size = (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
    if (o + 11 + size + 4 > b.length) break;
    const ts = ((b[o + 4] << 16) | (b[o + 5] << 8) | b[o + 6]) + b[o + 7] * 2 ** 24;
    const prev = dv.getUint32(o + 11 + size);
    if (prev !== 11 + size) throw new VideoFormatError(`${name}: tag at byte ${o}: PreviousTagSize ${prev}, expected ${11 + size}`);
    tags.push({ type: b[o] & 0x1f, timestamp: ts, offset: o, data: b.subarray(o + 11, o + 11 + size) });
    o += 11 + size + 4;
  }
  return { version: b[3], hasAudio: (b[4] & 4) !== 0, hasVideo: (b[4] & 1) !== 0, tags, trailing: b.length - o };
}

/** The signed 24-bit composition time of an AVC video tag body. */
export function flvCompositionTime(data: Uint8Array): number {
  const v = (data[2] << 16) | (data[3] << 8) | data[4];
  return v & 0x800000 ? v - 0x1000000 : v;
}
