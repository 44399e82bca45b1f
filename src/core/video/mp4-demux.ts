/**
 * MP4 demuxer: reads the sample tables of an MP4 movie (moov/trak/mdia/minf/stbl: stsd, stts, ctts, stss, stsz/stz2,
 * stsc, stco/co64) into one list of samples per track, with file offsets, decode times, composition offsets, durations
 * and keyframe flags. H.264 video (avc1/avc3 + avcC) is what the muxers use; other tracks (audio, other codecs) are
 * listed with the reason they are skipped. Pure: no Node APIs; the caller supplies the moov box's bytes.
 */
import { VideoFormatError, fourcc, need, child, readBoxes, viewOf, type Box } from './boxes.js';

/** One media sample. Times are in the track's timescale. */
export interface Mp4Sample {
  /** Byte offset in the file. */
  offset: number;
  /** Size in bytes. */
  size: number;
  /** Decode time. */
  dts: number;
  /** Decode duration. */
  duration: number;
  /** Composition (presentation) time minus decode time. */
  cts: number;
  /** Sync sample (keyframe / IDR). */
  key: boolean;
}

/** An H.264 video track ready to be remuxed. */
export interface Mp4VideoTrack {
  /** Track id (tkhd). */
  id: number;
  /** Sample entry type: 'avc1' or 'avc3'. */
  codec: string;
  /** RFC 6381 codec string, e.g. 'avc1.64001f'. */
  codecString: string;
  /** Units per second of the sample times (mdhd). */
  timescale: number;
  /** Coded size from the sample entry (pixels). */
  width: number;
  height: number;
  /** The whole sample entry box (e.g. 'avc1' with its avcC) as found in stsd: copied into fMP4 init segments. */
  sampleEntry: Uint8Array;
  /** The AVCDecoderConfigurationRecord (avcC payload): the FLV sequence header. */
  avcC: Uint8Array;
  /** Bytes per NAL unit length prefix (1, 2 or 4). */
  nalLengthSize: number;
  /** Samples in decode order. */
  samples: Mp4Sample[];
  /** Sum of sample durations (track timescale). */
  duration: number;
  /** The first edit's media time (elst), or 0: where presentation starts in the media timeline. */
  editMediaTime: number;
}

/** A track that is not remuxed, and why. */
export interface SkippedTrack {
  id: number;
  /** hdlr handler type: 'vide', 'soun', 'text', … */
  handler: string;
  /** Sample entry type, e.g. 'mp4a', 'hvc1'. */
  codec: string;
  reason: string;
}

/** The tracks of an MP4 movie. */
export interface Mp4Movie {
  /** The first H.264 video track. */
  video: Mp4VideoTrack;
  /** Every other track, each with the reason it is skipped. */
  skipped: SkippedTrack[];
}

/** The first top-level box of `type` in a whole file held in memory. */
export function findTopLevel(file: Uint8Array, type: string, where = 'mp4'): Box | undefined {
  return readBoxes(file, 0, file.length, where).find((b) => b.type === type);
}

/** Demuxes a whole MP4 file held in memory. Throws VideoFormatError naming `name` and the box at fault. */
export function demuxMp4(file: Uint8Array, name = 'mp4'): Mp4Movie {
  const moov = findTopLevel(file, 'moov', name);
  if (!moov) throw new VideoFormatError(`${name}: no 'moov' box (not an MP4 file, or a fragmented MP4 without sample tables)`);
  return demuxMoov(file.subarray(moov.start, moov.end), name);
}

/** Demuxes from the bytes of the 'moov' box alone (sample offsets still refer to the whole file). */
export function demuxMoov(moovBytes: Uint8Array, name = 'mp4'): Mp4Movie {
  const b = moovBytes;
  const [moov] = readBoxes(b, 0, b.length, name);
  if (!moov || moov.type !== 'moov') throw new VideoFormatError(`${name}: expected a 'moov' box, got '${moov?.type ?? 'nothing'}'`);
  const skipped: SkippedTrack[] = [];
  let video: Mp4VideoTrack | undefined;
  for (const trak of readBoxes(b, moov.payload, moov.end, name).filter((x) => x.type === 'trak')) {
    const t = readTrack(b, trak, name);
    if (t.kind === 'skip') skipped.push(t.track);
    else if (video) skipped.push({ id: t.track.id, handler: 'vide', codec: t.track.codec, reason: `a second video track (only track ${video.id} is remuxed)` });
    else video = t.track;
  }
  if (!video) {
    const found = skipped.map((s) => `track ${s.id} ${s.handler}/${s.codec}: ${s.reason}`).join('; ');
    throw new VideoFormatError(`${name}: no H.264 (avc1/avc3) video track${found ? ` (${found})` : ''}`);
  }
  return { video, skipped };
}

type TrackResult = { kind: 'video'; track: Mp4VideoTrack } | { kind: 'skip'; track: SkippedTrack };

function readTrack(b: Uint8Array, trak: Box, name: string): TrackResult {
  const dv = viewOf(b);
  const tkhd = need(b, trak, 'tkhd', `${name}: trak`);
  const id = dv.getUint32(tkhd.payload + (b[tkhd.payload] === 1 ? 20 : 12));
  const where = `${name}: track ${id}`;
  const mdia = need(b, trak, 'mdia', where);
  const mdhd = need(b, mdia, 'mdhd', where);
  const timescale = dv.getUint32(mdhd.payload + (b[mdhd.payload] === 1 ? 20 : 12));
  const hdlr = need(b, mdia, 'hdlr', where);
  const handler = fourcc(b, hdlr.payload + 8);
  const minf = need(b, mdia, 'minf', where);
  const stbl = need(b, minf, 'stbl', `${where}: minf`);
  const stsd = need(b, stbl, 'stsd', `${where}: stbl`);
  const entries = readBoxes(b, stsd.payload + 8, stsd.end, `${where}: stsd`);
  const entry = entries[0];
  const codec = entry?.type ?? 'none';
  if (handler !== 'vide') {
    const reason = handler === 'soun' ? 'audio is not remuxed: the gateway serves video only' : `'${handler}' tracks are not remuxed`;
    return { kind: 'skip', track: { id, handler, codec, reason } };
  }
  if (codec !== 'avc1' && codec !== 'avc3') {
    return { kind: 'skip', track: { id, handler, codec, reason: `codec '${codec}' is not supported (H.264 avc1/avc3 only)` } };
  }
  if (!timescale) throw new VideoFormatError(`${where}: mdhd timescale is 0`);
  const width = dv.getUint16(entry.payload + 24);
  const height = dv.getUint16(entry.payload + 26);
  const avcCBox = readBoxes(b, entry.payload + 78, entry.end, `${where}: ${codec}`).find((x) => x.type === 'avcC');
  if (!avcCBox) throw new VideoFormatError(`${where}: '${codec}' sample entry has no 'avcC' box`);
  const avcC = b.slice(avcCBox.payload, avcCBox.end);
  if (avcC.length < 7 || avcC[0] !== 1) throw new VideoFormatError(`${where}: avcC: unsupported configurationVersion ${avcC[0]} or too short (${avcC.length} bytes)`);
  const hex = (x: number) => x.toString(16).padStart(2, '0');
  const samples = readSamples(b, stbl, where);
  let duration = 0;
  for (const s of samples) duration += s.duration;
  let editMediaTime = 0;
  const edts = child(b, trak, 'edts', where);
  const elst = edts && child(b, edts, 'elst', where);
  if (elst) {
    const v1 = b[elst.payload] === 1;
    const n = dv.getUint32(elst.payload + 4);
    for (let i = 0, o = elst.payload + 8; i < n; i++, o += v1 ? 20 : 12) {
      const mt = v1 ? Number(dv.getBigInt64(o + 8)) : dv.getInt32(o + 4);
      if (mt >= 0) {
        editMediaTime = mt;
        break;
      }
    }
  }
  return {
    kind: 'video',
    track: {
      id,
      codec,
      codecString: `${codec}.${hex(avcC[1])}${hex(avcC[2])}${hex(avcC[3])}`,
      timescale,
      width,
      height,
      sampleEntry: b.slice(entry.start, entry.end),
      avcC,
      nalLengthSize: (avcC[4] & 3) + 1,
      samples,
      duration,
      editMediaTime,
    },
  };
}

function readSamples(b: Uint8Array, stbl: Box, where: string): Mp4Sample[] {
  const dv = viewOf(b);
  const w = `${where}: stbl`;
  // Sizes.
  let sizes: number[];
  const stsz = child(b, stbl, 'stsz', w);
  const stz2 = child(b, stbl, 'stz2', w);
  if (stsz) {
    const fixed = dv.getUint32(stsz.payload + 4);
    const n = dv.getUint32(stsz.payload + 8);
    if (!fixed && stsz.payload + 12 + 4 * n > stsz.end) throw new VideoFormatError(`${w}: stsz: ${n} entries do not fit in the box`);
    sizes = Array.from({ length: n }, (_, i) => (fixed ? fixed : dv.getUint32(stsz.payload + 12 + 4 * i)));
  } else if (stz2) {
    const field = b[stz2.payload + 7];
    const n = dv.getUint32(stz2.payload + 8);
    const o = stz2.payload + 12;
    sizes = Array.from({ length: n }, (_, i) =>
      field === 16 ? dv.getUint16(o + 2 * i) : field === 8 ? b[o + i] : (b[o + (i >> 1)] >> (i & 1 ? 0 : 4)) & 15,
    );
  } else throw new VideoFormatError(`${w} has no 'stsz' or 'stz2' box`);
  const count = sizes.length;
  // Decode times.
  const stts = need(b, stbl, 'stts', w);
  const durations: number[] = [];
  {
    const n = dv.getUint32(stts.payload + 4);
    for (let i = 0, o = stts.payload + 8; i < n; i++, o += 8) {
      const c = dv.getUint32(o);
      const d = dv.getUint32(o + 4);
      for (let k = 0; k < c && durations.length < count; k++) durations.push(d);
    }
    if (durations.length < count) throw new VideoFormatError(`${w}: stts covers ${durations.length} samples, stsz has ${count}`);
  }
  // Composition offsets.
  const cts = new Array<number>(count).fill(0);
  const ctts = child(b, stbl, 'ctts', w);
  if (ctts) {
    const n = dv.getUint32(ctts.payload + 4);
    let s = 0;
    for (let i = 0, o = ctts.payload + 8; i < n; i++, o += 8) {
      const c = dv.getUint32(o);
      // Version 1 offsets are signed; version 0 ones are unsigned, but writers put negative ones there too: read both
      // as signed (an unsigned offset ≥ 2^31 ticks would be absurd).
      const off = dv.getInt32(o + 4);
      for (let k = 0; k < c && s < count; k++) cts[s++] = off;
    }
  }
  // Keyframes.
  const stss = child(b, stbl, 'stss', w);
  let key: boolean[];
  if (stss) {
    key = new Array<boolean>(count).fill(false);
    const n = dv.getUint32(stss.payload + 4);
    for (let i = 0; i < n; i++) {
      const k = dv.getUint32(stss.payload + 8 + 4 * i);
      if (k < 1 || k > count) throw new VideoFormatError(`${w}: stss entry ${i} names sample ${k}, outside 1..${count}`);
      key[k - 1] = true;
    }
  } else key = new Array<boolean>(count).fill(true);
  // Chunk offsets.
  const stco = child(b, stbl, 'stco', w);
  const co64 = child(b, stbl, 'co64', w);
  const chunks: number[] = [];
  if (stco) {
    const n = dv.getUint32(stco.payload + 4);
    for (let i = 0; i < n; i++) chunks.push(dv.getUint32(stco.payload + 8 + 4 * i));
  } else if (co64) {
    const n = dv.getUint32(co64.payload + 4);
    for (let i = 0; i < n; i++) chunks.push(Number(dv.getBigUint64(co64.payload + 8 + 8 * i)));
  } else throw new VideoFormatError(`${w} has no 'stco' or 'co64' box`);
  // Samples to chunks.
  const stsc = need(b, stbl, 'stsc', w);
  const runs: { first: number; per: number }[] = [];
  {
    const n = dv.getUint32(stsc.payload + 4);
    for (let i = 0, o = stsc.payload + 8; i < n; i++, o += 12) runs.push({ first: dv.getUint32(o), per: dv.getUint32(o + 4) });
    if (!runs.length && count) throw new VideoFormatError(`${w}: stsc is empty but there are ${count} samples`);
  }
  const out: Mp4Sample[] = [];
  let s = 0;
  let dts = 0;
  for (let r = 0; r < runs.length && s < count; r++) {
    const lastChunk = r + 1 < runs.length ? runs[r + 1].first - 1 : chunks.length;
    for (let c = runs[r].first; c <= lastChunk && s < count; c++) {
      if (c < 1 || c > chunks.length) throw new VideoFormatError(`${w}: stsc names chunk ${c}, but stco/co64 has ${chunks.length}`);
      let off = chunks[c - 1];
      for (let k = 0; k < runs[r].per && s < count; k++, s++) {
        out.push({ offset: off, size: sizes[s], dts, duration: durations[s], cts: cts[s], key: key[s] });
        off += sizes[s];
        dts += durations[s];
      }
    }
  }
  if (out.length !== count) throw new VideoFormatError(`${w}: stsc/stco place ${out.length} samples, stsz has ${count}`);
  return out;
}
