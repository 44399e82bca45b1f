/**
 * The MP4 demuxer and the fMP4 / FLV muxers on the real shared clip (H.264 768×432, 10 fps, 139.4 s, one IDR per
 * second, B-frames): sample tables, keyframes and durations; fMP4 init and media segment structure read back with an
 * independent box parser; FLV tags read back; segments cut at keyframes; the live loop's timing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demuxMp4, type Mp4Movie } from '../../src/core/video/mp4-demux.js';
import { fmp4Init, fmp4Segment, SYNC_SAMPLE_FLAGS } from '../../src/core/video/fmp4.js';
import { flvAvcFrame, flvAvcSequenceHeader, flvCompositionTime, flvHeader, flvMetadata, readFlv, FLV_SCRIPT, FLV_VIDEO } from '../../src/core/video/flv.js';
import { VideoTimeline } from '../../src/core/video/timeline.js';
import { VideoFormatError, box } from '../../src/core/video/boxes.js';
import { concatBytes as concat } from '../../src/core/bytes.js';

const CLIP = path.resolve(process.cwd(), '../shared/data/video/intel_one-by-one-person-detection.mp4');
const file = new Uint8Array(fs.readFileSync(CLIP));
const movie: Mp4Movie = demuxMp4(file, CLIP);
const v = movie.video;

/** Independent ISO BMFF walker for the assertions: { type, start, end, children? }. */
interface B {
  type: string;
  start: number;
  end: number;
  body: number;
  kids?: B[];
}
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'mvex', 'moof', 'traf', 'dinf']);
function parse(b: Uint8Array, from = 0, to = b.length): B[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: B[] = [];
  for (let o = from; o < to; ) {
    let size = dv.getUint32(o);
    let body = o + 8;
    if (size === 1) {
      size = Number(dv.getBigUint64(o + 8)); // 64-bit size (the clip's mdat has one)
      body = o + 16;
    }
    const type = new TextDecoder().decode(b.subarray(o + 4, o + 8));
    expect(size, `${type} at ${o}`).toBeGreaterThanOrEqual(body - o);
    expect(o + size, `${type} at ${o} fits its parent`).toBeLessThanOrEqual(to);
    const node: B = { type, start: o, end: o + size, body };
    if (CONTAINERS.has(type)) node.kids = parse(b, o + 8, o + size);
    out.push(node);
    o += size;
  }
  return out;
}
const find = (bs: B[], pathTypes: string): B => {
  let cur: B | undefined;
  let list = bs;
  for (const t of pathTypes.split('/')) {
    cur = list.find((x) => x.type === t);
    expect(cur, `box ${pathTypes} (${t})`).toBeTruthy();
    list = cur!.kids ?? [];
  }
  return cur!;
};

describe('MP4 demuxer on the shared clip', () => {
  it('reads the H.264 track: codec, size, timescale, 1394 samples, 140 keyframes, 139.4 s', () => {
    expect(v.codec).toBe('avc1');
    expect(v.codecString).toBe('avc1.4d401f'); // Main profile, level 3.1
    expect([v.width, v.height]).toEqual([768, 432]);
    expect(v.nalLengthSize).toBe(4);
    expect(v.samples.length).toBe(1394);
    expect(v.samples.filter((s) => s.key).length).toBe(140);
    expect(v.duration / v.timescale).toBeCloseTo(139.4, 6);
    expect(movie.skipped).toEqual([]); // the clip has no audio track
    // 10 fps: every decode duration is 0.1 s, and decode times add up.
    for (let i = 0; i < v.samples.length; i++) {
      expect(v.samples[i].duration).toBe(v.timescale / 10);
      if (i) expect(v.samples[i].dts).toBe(v.samples[i - 1].dts + v.samples[i - 1].duration);
    }
    // Keyframes every 10 frames (1 s GOP), the first sample is one.
    expect(v.samples.map((s, i) => (s.key ? i : -1)).filter((i) => i >= 0).slice(0, 4)).toEqual([0, 10, 20, 30]);
    // B-frames: composition offsets vary; presentation order is a permutation of decode order within the clip.
    expect(new Set(v.samples.map((s) => s.cts)).size).toBeGreaterThan(1);
    const pts = v.samples.map((s) => s.dts + s.cts).sort((a, b) => a - b);
    expect(new Set(pts).size).toBe(v.samples.length);
    expect(v.editMediaTime).toBe(pts[0]);
  });

  it('places every sample inside mdat, back to back, and each starts with a valid NAL unit length', () => {
    const mdat = parse(file).find((x) => x.type === 'mdat')!;
    let total = 0;
    for (const s of v.samples) {
      expect(s.offset).toBeGreaterThanOrEqual(mdat.body);
      expect(s.offset + s.size).toBeLessThanOrEqual(mdat.end);
      const len = new DataView(file.buffer, file.byteOffset + s.offset, 4).getUint32(0);
      expect(len + 4).toBeLessThanOrEqual(s.size);
      total += s.size;
    }
    expect(total).toBe(mdat.end - mdat.body);
    // The first keyframe holds an IDR slice (NAL type 5).
    const first = v.samples[0];
    const types: number[] = [];
    for (let o = first.offset; o < first.offset + first.size; ) {
      const len = new DataView(file.buffer, file.byteOffset + o, 4).getUint32(0);
      types.push(file[o + 4] & 0x1f);
      o += 4 + len;
    }
    expect(types).toContain(5);
  });

  it('rejects what is not an H.264 MP4, naming the file and the problem', () => {
    expect(() => demuxMp4(new TextEncoder().encode('hello world, not a movie'), 'notes.txt')).toThrow(/notes\.txt/);
    expect(() => demuxMp4(box('ftyp', new TextEncoder().encode('isom')), 'empty.mp4')).toThrow(VideoFormatError);
    expect(() => demuxMp4(box('ftyp', new TextEncoder().encode('isom')), 'empty.mp4')).toThrow(/empty\.mp4: no 'moov' box/);
    // Truncated moov: a box size past its parent.
    const moov = parse(file).find((x) => x.type === 'moov')!;
    const cut = file.slice(0, moov.start + 200);
    expect(() => demuxMp4(cut, 'cut.mp4')).toThrow(/cut\.mp4: box 'moov' at byte \d+ has size/);
  });
});

describe('segments cut at keyframes', () => {
  const tl = new VideoTimeline(v, 2);
  it('starts every segment with a keyframe and covers every sample once', () => {
    expect(tl.segments.length).toBe(70);
    let next = 0;
    for (const s of tl.segments) {
      expect(s.first).toBe(next);
      expect(v.samples[s.first].key).toBe(true);
      next = s.end;
    }
    expect(next).toBe(v.samples.length);
    expect(tl.loopSeconds).toBeCloseTo(139.4, 6);
  });

  it('writes a VOD playlist with EXT-X-MAP whose EXTINF durations add up to the clip', () => {
    const m3u8 = tl.vodPlaylist();
    expect(m3u8.startsWith('#EXTM3U\n')).toBe(true);
    expect(m3u8).toContain('#EXT-X-MAP:URI="init.mp4"');
    expect(m3u8).toContain('#EXT-X-ENDLIST');
    const durations = [...m3u8.matchAll(/#EXTINF:([\d.]+),\nseg(\d+)\.m4s/g)];
    expect(durations.map((d) => Number(d[2]))).toEqual(tl.segments.map((s) => s.index));
    expect(durations.reduce((a, d) => a + Number(d[1]), 0)).toBeCloseTo(139.4, 2);
    const target = Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(m3u8)![1]);
    for (const d of durations) expect(Number(d[1])).toBeLessThanOrEqual(target);
  });

  it('loops in wall time: the live playlist slides, sequence numbers and decode times keep increasing across passes', () => {
    const epoch = Date.UTC(2026, 0, 1);
    const live = new VideoTimeline(v, 2, epoch);
    const seqAt = (ms: number) => Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(live.livePlaylist(epoch + ms, 6))![1]);
    expect(seqAt(20_000)).toBe(4); // segments 4..9 ended by 20 s
    expect(seqAt(22_000)).toBe(5);
    const p = live.livePlaylist(epoch + 150_000, 6); // 10.6 s into the second pass
    const ns = [...p.matchAll(/seg(\d+)\.m4s/g)].map((m) => Number(m[1]));
    expect(ns).toEqual([69, 70, 71, 72, 73, 74]);
    expect(p).not.toContain('#EXT-X-ENDLIST');
    const a = live.place(69);
    const b = live.place(70);
    expect(b.segment.index).toBe(0);
    expect(b.loop).toBe(1);
    expect(b.baseDts).toBe(a.baseDts + a.segment.duration);
    // The wall time stamped on the first segment of the window.
    expect(p).toContain(`#EXT-X-PROGRAM-DATE-TIME:${new Date(epoch + 69 * 2000).toISOString()}`);
  });
});

describe('fMP4 muxer', () => {
  const tl = new VideoTimeline(v, 2);
  it('writes an init segment: ftyp, moov with mvhd, trak (avc1 + the source avcC) and mvex/trex, no samples', () => {
    const init = fmp4Init(v);
    const top = parse(init);
    expect(top.map((x) => x.type)).toEqual(['ftyp', 'moov']);
    const moov = find(top, 'moov');
    expect(moov.kids!.map((x) => x.type)).toEqual(['mvhd', 'trak', 'mvex']);
    const stbl = find(top, 'moov/trak/mdia/minf/stbl');
    expect(stbl.kids!.map((x) => x.type)).toEqual(['stsd', 'stts', 'stsc', 'stsz', 'stco']);
    const stsd = find(top, 'moov/trak/mdia/minf/stbl/stsd');
    const entry = init.subarray(stsd.body + 8, stsd.end);
    expect(Buffer.from(entry).equals(Buffer.from(v.sampleEntry))).toBe(true);
    const dv = new DataView(init.buffer);
    const mdhd = find(top, 'moov/trak/mdia/mdhd');
    expect(dv.getUint32(mdhd.body + 12)).toBe(v.timescale);
    const trex = find(top, 'moov/mvex/trex');
    expect(dv.getUint32(trex.body + 4)).toBe(v.id);
    const tkhd = find(top, 'moov/trak/tkhd');
    expect(dv.getUint32(tkhd.body + 76) / 65536).toBe(768);
    expect(dv.getUint32(tkhd.body + 80) / 65536).toBe(432);
  });

  /** Reads a media segment back: sequence, tfdt, trun samples and the mdat payload. */
  function readSegment(seg: Uint8Array) {
    const top = parse(seg);
    expect(top.map((x) => x.type)).toEqual(['moof', 'mdat']);
    const dv = new DataView(seg.buffer, seg.byteOffset, seg.byteLength);
    const mfhd = find(top, 'moof/mfhd');
    const tfhd = find(top, 'moof/traf/tfhd');
    const tfdt = find(top, 'moof/traf/tfdt');
    const trun = find(top, 'moof/traf/trun');
    expect(dv.getUint32(tfhd.body) & 0xffffff).toBe(0x020000); // default-base-is-moof
    expect(seg[tfdt.body]).toBe(1);
    const flags = dv.getUint32(trun.body) & 0xffffff;
    expect(flags).toBe(0xf01);
    const n = dv.getUint32(trun.body + 4);
    const dataOffset = dv.getInt32(trun.body + 8);
    const samples = Array.from({ length: n }, (_, i) => {
      const o = trun.body + 12 + 16 * i;
      return { duration: dv.getUint32(o), size: dv.getUint32(o + 4), flags: dv.getUint32(o + 8), cts: dv.getInt32(o + 12) };
    });
    const mdat = top[1];
    return { seq: dv.getUint32(mfhd.body + 4), tfdt: Number(dv.getBigUint64(tfdt.body + 4)), samples, dataOffset, mdat, moofStart: top[0].start };
  }

  it('writes media segments whose trun sizes sum to the mdat size, with the source bytes, keyframe flags and monotonic tfdt', () => {
    let prevEnd = -1;
    for (const s of tl.segments) {
      const placed = tl.place(s.index);
      const samples = tl.samplesOf(s);
      const data = concat(samples.map((x) => file.subarray(x.offset, x.offset + x.size)));
      const seg = fmp4Segment(v, s.index + 1, samples, data, placed.baseDts);
      const r = readSegment(seg);
      expect(r.seq).toBe(s.index + 1);
      expect(r.samples.reduce((a, x) => a + x.size, 0)).toBe(r.mdat.end - r.mdat.body);
      expect(r.moofStart + r.dataOffset).toBe(r.mdat.body);
      expect(Buffer.from(seg.subarray(r.mdat.body)).equals(Buffer.from(data))).toBe(true);
      expect(r.samples[0].flags).toBe(SYNC_SAMPLE_FLAGS);
      expect(r.samples.map((x) => x.cts)).toEqual(samples.map((x) => x.cts));
      if (prevEnd >= 0) expect(r.tfdt).toBe(prevEnd);
      prevEnd = r.tfdt + r.samples.reduce((a, x) => a + x.duration, 0);
    }
    expect(prevEnd).toBe(v.duration);
    // The next pass continues where the file ended.
    const next = tl.place(tl.segments.length);
    expect(next.baseDts).toBe(v.duration);
  });

  it('refuses data that does not match the sample sizes', () => {
    const s = tl.segments[0];
    expect(() => fmp4Segment(v, 1, tl.samplesOf(s), new Uint8Array(10), 0)).toThrow(/sample sizes sum to \d+ bytes but 10/);
  });
});

describe('FLV muxer', () => {
  it('writes header, onMetaData, the AVC sequence header from avcC and one tag per sample with composition time', () => {
    const ts = v.timescale;
    const parts = [flvHeader(), flvMetadata({ width: v.width, height: v.height, framerate: 10, videocodecid: 7 }), flvAvcSequenceHeader(v.avcC)];
    for (const s of v.samples) parts.push(flvAvcFrame(s.key, (s.dts / ts) * 1000, (s.cts / ts) * 1000, file.subarray(s.offset, s.offset + s.size)));
    const flv = readFlv(concat(parts), 'clip.flv');
    expect(flv.hasVideo).toBe(true);
    expect(flv.hasAudio).toBe(false);
    expect(flv.trailing).toBe(0);
    expect(flv.tags[0].type).toBe(FLV_SCRIPT);
    expect(new TextDecoder().decode(flv.tags[0].data.subarray(3, 13))).toBe('onMetaData');
    const seqHdr = flv.tags[1];
    expect(seqHdr.type).toBe(FLV_VIDEO);
    expect([seqHdr.data[0], seqHdr.data[1]]).toEqual([0x17, 0]);
    expect(Buffer.from(seqHdr.data.subarray(5)).equals(Buffer.from(v.avcC))).toBe(true);
    const frames = flv.tags.slice(2);
    expect(frames.length).toBe(v.samples.length);
    let prev = -1;
    frames.forEach((t, i) => {
      const s = v.samples[i];
      expect(t.type).toBe(FLV_VIDEO);
      expect(t.data[0] >> 4).toBe(s.key ? 1 : 2);
      expect(t.data[0] & 15).toBe(7);
      expect(t.data[1]).toBe(1);
      expect(t.timestamp).toBe(Math.round((s.dts / ts) * 1000));
      expect(t.timestamp).toBeGreaterThan(prev);
      prev = t.timestamp;
      expect(flvCompositionTime(t.data)).toBe(Math.round((s.cts / ts) * 1000));
      expect(t.data.length - 5).toBe(s.size);
    });
    expect(frames.at(-1)!.timestamp).toBe(139_300);
  });

  it('encodes negative composition times and 32-bit timestamps', () => {
    const f = readFlv(concat([flvHeader(), flvAvcFrame(false, 2 ** 24 + 5, -40, new Uint8Array(3))]));
    expect(f.tags[0].timestamp).toBe(2 ** 24 + 5);
    expect(flvCompositionTime(f.tags[0].data)).toBe(-40);
  });

  it('rejects a broken stream naming the offset', () => {
    const good = concat([flvHeader(), flvAvcSequenceHeader(v.avcC)]);
    const bad = good.slice();
    bad[bad.length - 1] ^= 0xff;
    expect(() => readFlv(bad, 'cam.flv')).toThrow(/cam\.flv: tag at byte 13: PreviousTagSize/);
    expect(() => readFlv(new Uint8Array(20), 'x.flv')).toThrow(/x\.flv: not an FLV stream/);
  });
});
