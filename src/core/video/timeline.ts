/**
 * The timeline of a video track served as a stream: segments cut at keyframes (for HLS), and a live-like loop of the
 * file in wall time (a "CCTV stand-in"): the file plays round and round from a fixed epoch, so every client, playlist
 * and FLV connection sees the same picture at the same wall-clock time, with decode times that keep increasing across
 * loops. Global segment numbers N count from the epoch: N = loop × segmentCount + index. Pure: no Node APIs.
 */
import type { Mp4Sample, Mp4VideoTrack } from './mp4-demux.js';

/** One segment of the file: samples [first, end), starting with a keyframe. */
export interface VideoSegment {
  /** Index within the file (0-based). */
  index: number;
  /** First sample (a keyframe). */
  first: number;
  /** One past the last sample. */
  end: number;
  /** Decode time of the first sample relative to the loop start (track timescale). */
  start: number;
  /** Sum of the sample durations (track timescale). */
  duration: number;
}

/** A segment placed on the endless wall-time loop. */
export interface PlacedSegment {
  /** Global number (loop × segmentCount + index). */
  n: number;
  /** Which pass over the file (0-based from the epoch). */
  loop: number;
  segment: VideoSegment;
  /** tfdt of the segment: loop × loopDuration + segment.start (track timescale). */
  baseDts: number;
}

/** Default live epoch: 2020-01-01T00:00:00Z. The loop's pass 0 starts there. */
export const DEFAULT_LIVE_EPOCH_MS = Date.UTC(2020, 0, 1);

/** Segments of one track and their placement on the wall-time loop. */
export class VideoTimeline {
  /** The segments of one pass over the file. */
  readonly segments: VideoSegment[];
  /** Index of the first keyframe: samples before it (undecodable) are left out. */
  readonly firstSample: number;
  /** Duration of one pass (track timescale). */
  readonly loopDuration: number;

  /**
   * @param track the demuxed H.264 track
   * @param targetSeconds a segment ends at the first keyframe at or after this duration (HLS target ~2 s)
   * @param epochMs wall time at which pass 0 starts (live mode)
   */
  constructor(
    readonly track: Mp4VideoTrack,
    readonly targetSeconds = 2,
    readonly epochMs = DEFAULT_LIVE_EPOCH_MS,
  ) {
    const s = track.samples;
    this.firstSample = s.findIndex((x) => x.key);
    if (this.firstSample < 0) throw new Error(`video track ${track.id}: no keyframe (sync sample) at all`);
    const target = targetSeconds * track.timescale;
    const segs: VideoSegment[] = [];
    const t0 = s[this.firstSample].dts;
    let first = this.firstSample;
    for (let i = first + 1; i <= s.length; i++) {
      if (i === s.length || (s[i].key && s[i].dts - s[first].dts >= target)) {
        const end = i < s.length ? s[i].dts : s[i - 1].dts + s[i - 1].duration;
        segs.push({ index: segs.length, first, end: i, start: s[first].dts - t0, duration: end - s[first].dts });
        first = i;
      }
    }
    this.segments = segs;
    const last = segs[segs.length - 1];
    this.loopDuration = last.start + last.duration;
    if (this.loopDuration <= 0) throw new Error(`video track ${track.id}: zero duration`);
  }

  /** Seconds of one pass. */
  get loopSeconds(): number {
    return this.loopDuration / this.track.timescale;
  }

  /** The samples of a segment. */
  samplesOf(seg: VideoSegment): Mp4Sample[] {
    return this.track.samples.slice(seg.first, seg.end);
  }

  /** Places global segment number n (n ≥ 0) on the loop. */
  place(n: number): PlacedSegment {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`segment number must be an integer ≥ 0, got ${n}`);
    const count = this.segments.length;
    const loop = Math.floor(n / count);
    const segment = this.segments[n % count];
    return { n, loop, segment, baseDts: loop * this.loopDuration + segment.start };
  }

  /** Stream time (track timescale, since the epoch) at wall time `nowMs`. */
  streamTimeAt(nowMs: number): number {
    return Math.max(0, Math.floor(((nowMs - this.epochMs) / 1000) * this.track.timescale));
  }

  /** The global number of the segment playing at stream time `t` (track timescale since the epoch). */
  segmentAt(t: number): number {
    const loop = Math.floor(t / this.loopDuration);
    const within = t - loop * this.loopDuration;
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid].start <= within) lo = mid;
      else hi = mid - 1;
    }
    return loop * this.segments.length + lo;
  }

  /** Index (into track.samples) of the last keyframe at or before the within-loop time `within`. */
  keyframeAtOrBefore(within: number): number {
    const s = this.track.samples;
    const t0 = s[this.firstSample].dts;
    let k = this.firstSample;
    for (let i = this.firstSample; i < s.length && s[i].dts - t0 <= within; i++) if (s[i].key) k = i;
    return k;
  }

  /** The whole file as an HLS VOD media playlist (version 7, fMP4 with EXT-X-MAP). */
  vodPlaylist(initUri = 'init.mp4', segmentUri = (n: number) => `seg${n}.m4s`): string {
    const ts = this.track.timescale;
    const target = Math.ceil(Math.max(...this.segments.map((s) => s.duration)) / ts);
    const lines = ['#EXTM3U', '#EXT-X-VERSION:7', `#EXT-X-TARGETDURATION:${target}`, '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-INDEPENDENT-SEGMENTS', `#EXT-X-MAP:URI="${initUri}"`];
    for (const s of this.segments) lines.push(`#EXTINF:${(s.duration / ts).toFixed(3)},`, segmentUri(s.index));
    lines.push('#EXT-X-ENDLIST');
    return lines.join('\n') + '\n';
  }

  /**
   * A live (sliding window) HLS media playlist at wall time `nowMs`: the `window` segments that ended most recently,
   * the first with its EXT-X-PROGRAM-DATE-TIME. No EXT-X-ENDLIST: players reload it every target duration.
   */
  livePlaylist(nowMs: number, window = 6, initUri = 'init.mp4', segmentUri = (n: number) => `seg${n}.m4s`): string {
    const ts = this.track.timescale;
    const target = Math.ceil(Math.max(...this.segments.map((s) => s.duration)) / ts);
    const current = this.segmentAt(this.streamTimeAt(nowMs));
    const last = Math.max(0, current - 1);
    const first = Math.max(0, last - window + 1);
    const start = this.place(first);
    const lines = [
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      `#EXT-X-TARGETDURATION:${target}`,
      `#EXT-X-MEDIA-SEQUENCE:${first}`,
      '#EXT-X-INDEPENDENT-SEGMENTS',
      `#EXT-X-MAP:URI="${initUri}"`,
      `#EXT-X-PROGRAM-DATE-TIME:${new Date(this.epochMs + (start.baseDts / ts) * 1000).toISOString()}`,
    ];
    for (let n = first; n <= last; n++) {
      const p = this.place(n);
      // A new pass over the file: decode times continue (no discontinuity), the picture starts again at a keyframe.
      if (n > first && p.segment.index === 0) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(this.epochMs + (p.baseDts / ts) * 1000).toISOString()}`);
      lines.push(`#EXTINF:${(p.segment.duration / ts).toFixed(3)},`, segmentUri(n));
    }
    return lines.join('\n') + '\n';
  }
}
