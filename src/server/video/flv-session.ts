/**
 * One HTTP-FLV connection. Live mode behaves like a media server's camera stream: it starts with the GOP that is
 * playing now on the wall-time loop (sent at once, like ZLMediaKit's GOP cache), then sends each frame when its time
 * comes, looping the file for as long as the client stays connected. File mode sends the whole file once, unpaced.
 * Timestamps start at 0 for each connection; a slow client is throttled by the socket's backpressure.
 */
import type { ServerResponse } from 'node:http';
import { flvAvcFrame, flvAvcSequenceHeader, flvHeader, flvMetadata } from '../../core/video/flv.js';
import type { Mp4FileSource } from './source.js';

/** How far ahead of its wall time a frame may be sent (ms). */
const LEAD_MS = 300;

/** A running FLV connection; `stop()` ends it. */
export class FlvSession {
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Video tags written so far. */
  frames = 0;

  /**
   * @param source the camera's source
   * @param res the response to stream into (headers are written here)
   * @param live pace in wall time and loop (true), or send the file once as fast as the socket takes it (false)
   * @param onEnd called once when the session ends (client gone, file done or stop())
   */
  constructor(
    private readonly source: Mp4FileSource,
    private readonly res: ServerResponse,
    private readonly live: boolean,
    private readonly onEnd: () => void = () => {},
  ) {
    const v = source.movie.video;
    res.writeHead(200, { 'Content-Type': 'video/x-flv', 'Cache-Control': 'no-cache', Connection: 'close' });
    res.write(flvHeader(true, false));
    res.write(
      flvMetadata({
        width: v.width,
        height: v.height,
        framerate: v.samples.length / (v.duration / v.timescale),
        videocodecid: 7,
        duration: live ? 0 : v.duration / v.timescale,
        encoder: 'city-twin video gateway (remuxed from MP4)',
      }),
    );
    res.write(flvAvcSequenceHeader(v.avcC));
    res.on('close', () => this.stop());
    void this.run().catch((err) => {
      console.warn(`video ${source.id}: FLV stream stopped: ${(err as Error).message}`);
      this.stop();
    });
  }

  private async run(): Promise<void> {
    const tl = this.source.timeline;
    const v = this.source.movie.video;
    const ts = v.timescale;
    const s = v.samples;
    const t0 = s[tl.firstSample].dts;
    const startWall = Date.now();
    // Position on the loop now; start from the keyframe at or before it.
    const now = this.live ? tl.streamTimeAt(startWall) : 0;
    let loop = Math.floor(now / tl.loopDuration);
    const k = tl.keyframeAtOrBefore(now - loop * tl.loopDuration);
    const origin = loop * tl.loopDuration + (s[k].dts - t0); // stream time of FLV timestamp 0
    let seg = tl.segments.findIndex((g) => k >= g.first && k < g.end);
    let i = k;
    while (!this.stopped) {
      const g = tl.segments[seg];
      const { data, starts } = await this.source.segmentData(g);
      for (; i < g.end && !this.stopped; i++) {
        const st = loop * tl.loopDuration + (s[i].dts - t0); // stream time of this sample's decode
        const dtsMs = ((st - origin) / ts) * 1000;
        if (this.live) {
          const dueWall = startWall + ((st - now) / ts) * 1000;
          const wait = dueWall - LEAD_MS - Date.now();
          if (wait > 0) await this.sleep(wait);
          if (this.stopped) return;
        }
        const at = starts[i - g.first];
        const tag = flvAvcFrame(s[i].key, dtsMs, ((s[i].cts) / ts) * 1000, data.subarray(at, at + s[i].size));
        this.frames++;
        if (!this.res.write(tag)) await this.drained();
      }
      if (this.stopped) return;
      seg++;
      if (seg >= tl.segments.length) {
        if (!this.live) {
          this.res.end();
          this.stop();
          return;
        }
        seg = 0;
        loop++;
      }
      i = tl.segments[seg].first;
    }
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done).off('close', done);
        resolve();
      };
      this.res.on('drain', done).on('close', done);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => {
      this.timer = setTimeout(r, ms);
    });
  }

  /** Ends the connection. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.res.writableEnded) this.res.end();
    this.onEnd();
  }
}
