/**
 * A camera's video source backed by an MP4 file (H.264): reads only the moov box and the sample bytes each segment
 * needs, demuxes with src/core/video and remuxes on request to fMP4 (HLS) or FLV without re-encoding.
 */
import fs from 'node:fs/promises';
import { VideoFormatError } from '../../core/video/boxes.js';
import { demuxMoov, type Mp4Movie, type Mp4Sample } from '../../core/video/mp4-demux.js';
import { fmp4Init, fmp4Segment } from '../../core/video/fmp4.js';
import { VideoTimeline, type VideoSegment } from '../../core/video/timeline.js';

/** Bytes of one segment's samples, and where each sample starts in them. */
export interface SegmentData {
  samples: Mp4Sample[];
  /** The samples' bytes, concatenated in decode order. */
  data: Uint8Array;
  /** Start of each sample in `data`. */
  starts: number[];
}

/** Largest moov box read (bytes): a two-hour 60 fps file has a moov of a few MB. */
const MAX_MOOV = 64 * 1024 * 1024;

/** An MP4 file served as a stream. Create with `Mp4FileSource.open`. */
export class Mp4FileSource {
  /** The fMP4 init segment (ftyp + moov). */
  readonly init: Uint8Array;
  /** Segments and the wall-time loop. */
  readonly timeline: VideoTimeline;
  private readonly cache = new Map<number, Promise<SegmentData>>();

  private constructor(
    /** Camera (site) id. */
    readonly id: string,
    /** Path of the MP4 file. */
    readonly file: string,
    /** The demuxed movie (video track and the tracks left out). */
    readonly movie: Mp4Movie,
    private readonly handle: fs.FileHandle,
    epochMs: number,
  ) {
    this.timeline = new VideoTimeline(movie.video, 2, epochMs);
    this.init = fmp4Init(movie.video);
  }

  /**
   * Opens and demuxes `file`. Throws an Error naming the camera and the file when it cannot be read or is not an MP4
   * with an H.264 track. `epochMs` is when pass 0 of the live loop starts (default: now).
   */
  static async open(id: string, file: string, epochMs = Math.floor(Date.now() / 1000) * 1000): Promise<Mp4FileSource> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, 'r');
    } catch (err) {
      throw new Error(`video ${id}: cannot open ${file}: ${(err as Error).message}`);
    }
    try {
      const moov = await readMoov(handle, file);
      return new Mp4FileSource(id, file, demuxMoov(moov, file), handle, epochMs);
    } catch (err) {
      await handle.close();
      throw new Error(`video ${id}: ${(err as Error).message}`);
    }
  }

  /** The bytes of one segment's samples (cached: the last 16 segments). */
  segmentData(seg: VideoSegment): Promise<SegmentData> {
    let p = this.cache.get(seg.index);
    if (!p) {
      p = this.readSamples(this.timeline.samplesOf(seg));
      p.catch(() => this.cache.delete(seg.index));
      this.cache.set(seg.index, p);
      if (this.cache.size > 16) this.cache.delete(this.cache.keys().next().value!);
    }
    return p;
  }

  /** The fMP4 media segment with global number n (HLS `seg<n>.m4s`; n ≥ segment count is a later pass of the loop). */
  async mediaSegment(n: number): Promise<Uint8Array> {
    const placed = this.timeline.place(n);
    const { samples, data } = await this.segmentData(placed.segment);
    return fmp4Segment(this.movie.video, n + 1, samples, data, placed.baseDts);
  }

  private async readSamples(samples: Mp4Sample[]): Promise<SegmentData> {
    let total = 0;
    let lo = Infinity;
    let hi = 0;
    for (const s of samples) {
      total += s.size;
      lo = Math.min(lo, s.offset);
      hi = Math.max(hi, s.offset + s.size);
    }
    const data = new Uint8Array(total);
    const starts: number[] = [];
    if (hi - lo <= total * 2 + 65536) {
      // Usually contiguous (one track, or little interleaving): one read.
      const span = await this.read(lo, hi - lo);
      let o = 0;
      for (const s of samples) {
        starts.push(o);
        data.set(span.subarray(s.offset - lo, s.offset - lo + s.size), o);
        o += s.size;
      }
    } else {
      let o = 0;
      for (const s of samples) {
        starts.push(o);
        data.set(await this.read(s.offset, s.size), o);
        o += s.size;
      }
    }
    return { samples, data, starts };
  }

  private async read(at: number, n: number): Promise<Uint8Array> {
    const buf = new Uint8Array(n);
    const { bytesRead } = await this.handle.read(buf, 0, n, at);
    if (bytesRead !== n) throw new VideoFormatError(`${this.file}: sample data at byte ${at} (+${n}) runs past the end of the file`);
    return buf;
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.handle.close().catch(() => {});
  }
}

/** Reads the moov box of an MP4 file by walking the top-level box headers (moov may come before or after mdat). */
async function readMoov(h: fs.FileHandle, file: string): Promise<Uint8Array> {
  const size = (await h.stat()).size;
  const head = new Uint8Array(16);
  let o = 0;
  while (o + 8 <= size) {
    await h.read(head, 0, 16, o);
    const dv = new DataView(head.buffer);
    let boxSize = dv.getUint32(0);
    const type = String.fromCharCode(...head.subarray(4, 8));
    if (o === 0 && type !== 'ftyp' && !['free', 'skip', 'wide', 'mdat', 'pdin', 'uuid', 'styp'].includes(type)) {
      throw new VideoFormatError(`${file}: not an MP4 file (first box '${type.replace(/[^\x20-\x7e]/g, '?')}')`);
    }
    if (boxSize === 1) boxSize = Number(dv.getBigUint64(8));
    else if (boxSize === 0) boxSize = size - o;
    if (boxSize < 8 || o + boxSize > size) throw new VideoFormatError(`${file}: top-level box '${type}' at byte ${o} has size ${boxSize}, past the end of the file (${size} bytes)`);
    if (type === 'moov') {
      if (boxSize > MAX_MOOV) throw new VideoFormatError(`${file}: moov box of ${boxSize} bytes is larger than ${MAX_MOOV}`);
      const moov = new Uint8Array(boxSize);
      await h.read(moov, 0, boxSize, o);
      return moov;
    }
    o += boxSize;
  }
  throw new VideoFormatError(`${file}: no 'moov' box (not an MP4 file, or a fragmented MP4 without sample tables)`);
}
