/**
 * The video gateway, like the media servers cities put in front of their cameras (ZLMediaKit, SRS): each camera whose
 * source is an MP4 file (H.264) is served, remuxed on the fly without re-encoding, as
 *   GET  /api/video                              → [{id, file, codec, width, height, fps, seconds, segments, urls, skipped}]
 *   GET  /api/video/<camera>/index.m3u8          → HLS VOD playlist (fMP4 segments cut at keyframes, EXT-X-MAP)
 *   GET  /api/video/<camera>/live.m3u8           → HLS live playlist: a sliding window over the file looped in wall time
 *   GET  /api/video/<camera>/init.mp4            → fMP4 init segment (ftyp + moov/mvex)
 *   GET  /api/video/<camera>/seg<N>.m4s          → fMP4 media segment N (moof + mdat); N ≥ count is a later loop pass
 *   GET  /api/video/<camera>/live.flv            → HTTP-FLV, live: starts at the current GOP, paced in wall time, loops
 *   GET  /api/video/<camera>/file.flv            → HTTP-FLV of the whole file once, unpaced
 *   PUT  /api/video/<camera>   (body: an MP4)    → stores the file in <dataDir>/video/<camera>.mp4 and serves it
 * Sources come from the gateway's `video` option (`--video CAM-01=clip.mp4`) and from earlier uploads in the data dir.
 * Audio and other non-H.264 tracks are left out, and listed with the reason in /api/video.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readBody, sendJson } from '../gateway/sta/api.js';
import { FlvSession } from './flv-session.js';
import { Mp4FileSource } from './source.js';

/** Largest upload accepted by PUT /api/video/<camera> (bytes). */
export const MAX_VIDEO_UPLOAD = 512 * 1024 * 1024;

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The stream URLs of a camera served by the gateway (relative to the gateway's origin). */
export function videoUrls(id: string): { hls: string; hlsLive: string; flv: string; flvFile: string } {
  const base = `/api/video/${encodeURIComponent(id)}`;
  return { hls: `${base}/index.m3u8`, hlsLive: `${base}/live.m3u8`, flv: `${base}/live.flv`, flvFile: `${base}/file.flv` };
}

/** Serves camera video sources under /api/video. */
export class VideoGateway {
  private readonly sources = new Map<string, Mp4FileSource>();
  private readonly sessions = new Set<FlvSession>();

  /** @param uploadDir where PUT uploads are stored (and read back at start by `loadUploads`) */
  constructor(private readonly uploadDir: string) {}

  /** Camera ids with a source. */
  ids(): string[] {
    return [...this.sources.keys()];
  }

  /** The source of a camera, if any. */
  source(id: string): Mp4FileSource | undefined {
    return this.sources.get(id);
  }

  /** Number of open HTTP-FLV connections. */
  get flvClients(): number {
    return this.sessions.size;
  }

  /** Serves `file` as camera `id` (replacing an earlier source). Throws naming the camera and file on bad input. */
  async add(id: string, file: string): Promise<Mp4FileSource> {
    if (!ID.test(id)) throw new Error(`video: camera id '${id}' must be 1–64 letters, digits, '_', '.' or '-'`);
    const src = await Mp4FileSource.open(id, file);
    await this.sources.get(id)?.close();
    this.sources.set(id, src);
    for (const s of src.movie.skipped) console.warn(`video ${id}: ${file}: track ${s.id} (${s.handler}/${s.codec}) skipped: ${s.reason}`);
    return src;
  }

  /** Registers the files uploaded by earlier runs (<uploadDir>/<camera>.mp4); a bad one is reported and skipped. */
  async loadUploads(except: readonly string[] = []): Promise<void> {
    if (!fs.existsSync(this.uploadDir)) return;
    for (const f of fs.readdirSync(this.uploadDir)) {
      const id = f.replace(/\.mp4$/, '');
      if (!f.endsWith('.mp4') || except.includes(id) || !ID.test(id)) continue;
      await this.add(id, path.join(this.uploadDir, f)).catch((err) => console.warn(`video: ${(err as Error).message}`));
    }
  }

  /** A summary of every source (the /api/video answer). */
  list(): unknown[] {
    return [...this.sources.values()].map((s) => {
      const v = s.movie.video;
      return {
        id: s.id,
        file: path.basename(s.file),
        codec: v.codecString,
        width: v.width,
        height: v.height,
        fps: Math.round((v.samples.length / (v.duration / v.timescale)) * 1000) / 1000,
        seconds: s.timeline.loopSeconds,
        samples: v.samples.length,
        keyframes: v.samples.filter((x) => x.key).length,
        segments: s.timeline.segments.length,
        urls: videoUrls(s.id),
        skipped: s.movie.skipped,
      };
    });
  }

  /** Handles /api/video...; resolves false for other paths. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean); // ['api', 'video', id?, file?]
    if (parts[0] !== 'api' || parts[1] !== 'video' || parts.length > 4) return false;
    try {
      if (parts.length === 2) {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, '/api/video supports GET only');
        sendJson(res, 200, this.list());
        return true;
      }
      const id = decodeURIComponent(parts[2]);
      if (parts.length === 3) {
        if (req.method !== 'PUT' && req.method !== 'POST') throw new HttpError(405, `/api/video/${id}: PUT an MP4 file as the body, or GET /api/video/${id}/index.m3u8 | live.m3u8 | live.flv`);
        await this.upload(id, req, res);
        return true;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `${url.pathname} supports GET only`);
      const src = this.sources.get(id);
      if (!src) throw new HttpError(404, `no video source for camera '${id}' (start the gateway with --video ${id}=<file.mp4>, or PUT the file to /api/video/${id}); sources: ${this.ids().join(', ') || 'none'}`);
      const name = parts[3];
      const seg = /^seg(\d{1,15})\.m4s$/.exec(name);
      if (name === 'index.m3u8') send(res, 'application/vnd.apple.mpegurl', src.timeline.vodPlaylist(), 'no-cache', req);
      else if (name === 'live.m3u8') send(res, 'application/vnd.apple.mpegurl', src.timeline.livePlaylist(Date.now()), 'no-cache', req);
      else if (name === 'init.mp4') send(res, 'video/mp4', src.init, 'max-age=60', req);
      else if (seg) send(res, 'video/iso.segment', await src.mediaSegment(Number(seg[1])), 'max-age=60', req);
      else if (name === 'live.flv' || name === 'file.flv') {
        if (req.method === 'HEAD') {
          res.writeHead(200, { 'Content-Type': 'video/x-flv' }).end();
          return true;
        }
        const session: FlvSession = new FlvSession(src, res, name === 'live.flv', () => this.sessions.delete(session));
        this.sessions.add(session);
      } else throw new HttpError(404, `${url.pathname}: expected index.m3u8, live.m3u8, init.mp4, seg<N>.m4s, live.flv or file.flv`);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : err instanceof RangeError ? 404 : 500;
      if (!res.headersSent) sendJson(res, status, { code: status, type: 'error', message: (err as Error).message });
      else res.end();
    }
    return true;
  }

  private async upload(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!ID.test(id)) throw new HttpError(400, `camera id '${id}' must be 1–64 letters, digits, '_', '.' or '-'`);
    const body = await readBody(req, MAX_VIDEO_UPLOAD);
    fs.mkdirSync(this.uploadDir, { recursive: true });
    const file = path.join(this.uploadDir, `${id}.mp4`);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, body);
    let src: Mp4FileSource;
    try {
      src = await Mp4FileSource.open(id, tmp);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw new HttpError(422, `uploaded file: ${(err as Error).message.replace(tmp, `${id}.mp4`)}`);
    }
    await src.close();
    fs.renameSync(tmp, file);
    await this.add(id, file);
    sendJson(res, 201, this.list().find((x) => (x as { id: string }).id === id));
  }

  /** Ends every FLV connection and closes the files. */
  async close(): Promise<void> {
    for (const s of [...this.sessions]) s.stop();
    for (const s of this.sources.values()) await s.close();
    this.sources.clear();
  }
}

function send(res: ServerResponse, type: string, body: string | Uint8Array, cache: string, req: IncomingMessage): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': String(bytes.length), 'Cache-Control': cache });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

/**
 * Parses `--video` values (`<camera>=<file.mp4>`, repeatable) into the gateway's `video` option. Throws naming the
 * value that is malformed or whose file does not exist.
 */
export function parseVideoOptions(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const id = v.slice(0, eq);
    const file = v.slice(eq + 1);
    if (eq <= 0 || !file || !ID.test(id)) throw new Error(`--video: expected <camera-id>=<file.mp4> (e.g. CAM-01=clip.mp4), got '${v}'`);
    if (!fs.existsSync(file)) throw new Error(`--video ${id}: no such file: ${file}`);
    out[id] = path.resolve(file);
  }
  return out;
}
