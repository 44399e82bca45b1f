/**
 * Fragmented MP4 (ISO BMFF / CMAF-style) muxer for one H.264 track: an init segment (ftyp + moov with mvex/trex and
 * empty sample tables) and media segments (moof with mfhd/traf/tfhd/tfdt/trun, then mdat). The sample entry (avc1 +
 * avcC) is copied from the source file, so nothing is re-encoded. Pure: no Node APIs.
 */
import { ByteWriter, box, fullBox } from './boxes.js';
import type { Mp4Sample, Mp4VideoTrack } from './mp4-demux.js';

const MATRIX = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];

/** trun sample_flags of a sync sample: sample_depends_on = 2 (depends on no other sample). */
export const SYNC_SAMPLE_FLAGS = 0x02000000;
/** trun sample_flags of a non-sync sample: sample_depends_on = 1, sample_is_non_sync_sample = 1. */
export const NON_SYNC_SAMPLE_FLAGS = 0x01010000;

/** The init segment (ftyp + moov) for a track. */
export function fmp4Init(track: Mp4VideoTrack): Uint8Array {
  const w = () => new ByteWriter();
  const ftyp = box('ftyp', w().ascii('iso6').u32(0).ascii('iso6').ascii('isom').ascii('avc1').ascii('mp41').ascii('cmfc').done());
  const mvhd = fullBox('mvhd', 0, 0, w().u32(0).u32(0).u32(1000).u32(0).u32(0x00010000).u16(0x0100).zeros(10).done(), matrix(), w().zeros(24).u32(track.id + 1).done());
  const tkhd = fullBox(
    'tkhd',
    0,
    3, // enabled | in movie
    w().u32(0).u32(0).u32(track.id).u32(0).u32(0).zeros(8).u16(0).u16(0).u16(0).u16(0).done(),
    matrix(),
    w().u32(track.width * 65536).u32(track.height * 65536).done(),
  );
  const mdhd = fullBox('mdhd', 0, 0, w().u32(0).u32(0).u32(track.timescale).u32(0).u16(0x55c4).u16(0).done()); // 'und'
  const hdlr = fullBox('hdlr', 0, 0, w().u32(0).ascii('vide').zeros(12).ascii('VideoHandler').u8(0).done());
  const vmhd = fullBox('vmhd', 0, 1, w().zeros(8).done());
  const dinf = box('dinf', fullBox('dref', 0, 0, w().u32(1).done(), fullBox('url ', 0, 1)));
  const empty = (type: string) => fullBox(type, 0, 0, w().u32(0).done());
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, w().u32(1).done(), track.sampleEntry),
    empty('stts'),
    empty('stsc'),
    fullBox('stsz', 0, 0, w().u32(0).u32(0).done()),
    empty('stco'),
  );
  const mdia = box('mdia', mdhd, hdlr, box('minf', vmhd, dinf, stbl));
  const mvex = box('mvex', fullBox('trex', 0, 0, w().u32(track.id).u32(1).u32(0).u32(0).u32(0).done()));
  return new ByteWriter().bytes(ftyp).bytes(box('moov', mvhd, box('trak', tkhd, mdia), mvex)).done();
}

function matrix(): Uint8Array {
  const w = new ByteWriter();
  for (const m of MATRIX) w.u32(m);
  return w.done();
}

/**
 * One media segment: moof (sequence number `sequence`, tfdt = `baseDts` in the track timescale, a version-1 trun with
 * per-sample duration, size, flags and signed composition offset) followed by mdat holding `data`, the samples' bytes
 * concatenated in order. Throws when the data length differs from the sum of the sample sizes.
 */
export function fmp4Segment(track: Mp4VideoTrack, sequence: number, samples: readonly Mp4Sample[], data: Uint8Array, baseDts: number): Uint8Array {
  let total = 0;
  for (const s of samples) total += s.size;
  if (total !== data.length) throw new Error(`fmp4Segment: sample sizes sum to ${total} bytes but ${data.length} bytes of data were given`);
  const n = samples.length;
  const trunSize = 12 + 8 + 16 * n;
  const trafSize = 8 + 16 + 20 + trunSize;
  const moofSize = 8 + 16 + trafSize;
  const w = new ByteWriter();
  w.u32(moofSize).ascii('moof');
  w.u32(16).ascii('mfhd').u32(0).u32(sequence);
  w.u32(trafSize).ascii('traf');
  w.u32(16).ascii('tfhd').u8(0).u24(0x020000).u32(track.id); // default-base-is-moof
  w.u32(20).ascii('tfdt').u8(1).u24(0).u64(baseDts);
  // data-offset | sample-duration | sample-size | sample-flags | sample-composition-time-offset
  w.u32(trunSize).ascii('trun').u8(1).u24(0x000f01).u32(n).i32(moofSize + 8);
  for (const s of samples) w.u32(s.duration).u32(s.size).u32(s.key ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS).i32(s.cts);
  if (w.length !== moofSize) throw new Error(`fmp4Segment: moof is ${w.length} bytes, expected ${moofSize}`);
  w.u32(8 + data.length).ascii('mdat').bytes(data);
  return w.done();
}
