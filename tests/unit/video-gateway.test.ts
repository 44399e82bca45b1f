/**
 * The video gateway over HTTP with the real shared clip: the source list, HLS (VOD and live) playlists, init and media
 * segments, live and file HTTP-FLV, uploads that persist across restarts, and clear errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTmp, startGateway, tmpDir, type Running } from './gateway-helpers.js';
import { demuxMp4 } from '../../src/core/video/mp4-demux.js';
import { fmp4Init } from '../../src/core/video/fmp4.js';
import { readBoxes } from '../../src/core/video/boxes.js';
import { readFlv, FLV_VIDEO } from '../../src/core/video/flv.js';
import { parseVideoOptions } from '../../src/server/video/gateway.js';

const CLIP = path.resolve(process.cwd(), '../shared/data/video/intel_one-by-one-person-detection.mp4');
const clip = new Uint8Array(fs.readFileSync(CLIP));
const track = demuxMp4(clip, CLIP).video;

let gw: Running;
let dataDir: string;

beforeAll(async () => {
  dataDir = tmpDir('video');
  gw = await startGateway({ dataDir, store: 'memory', mqtt: 'none', video: { 'CAM-01': CLIP } });
});

afterAll(async () => {
  await gw?.stop();
  cleanupTmp();
});

const bytes = async (url: string) => {
  const r = await fetch(gw.base + url);
  return { status: r.status, type: r.headers.get('content-type'), body: new Uint8Array(await r.arrayBuffer()) };
};

/** Reads an HTTP-FLV stream for `ms` milliseconds (or to its end), then aborts. */
async function readStream(url: string, ms: number): Promise<{ data: Uint8Array; ended: boolean; type: string | null }> {
  const ctl = new AbortController();
  const r = await fetch(gw.base + url, { signal: ctl.signal });
  const reader = r.body!.getReader();
  const chunks: Uint8Array[] = [];
  let ended = false;
  const timer = setTimeout(() => ctl.abort(), ms);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      chunks.push(value);
    }
  } catch {
    /* aborted */
  }
  clearTimeout(timer);
  return { data: new Uint8Array(Buffer.concat(chunks)), ended, type: r.headers.get('content-type') };
}

describe('video gateway (/api/video)', () => {
  it('lists the camera source with its codec, size, frame rate, segments and URLs', async () => {
    const list = (await (await fetch(`${gw.base}/api/video`)).json()) as Record<string, unknown>[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id: 'CAM-01',
      file: path.basename(CLIP),
      codec: 'avc1.4d401f',
      width: 768,
      height: 432,
      fps: 10,
      samples: 1394,
      keyframes: 140,
      segments: 70,
      skipped: [],
      urls: { hls: '/api/video/CAM-01/index.m3u8', hlsLive: '/api/video/CAM-01/live.m3u8', flv: '/api/video/CAM-01/live.flv' },
    });
  });

  it('serves the HLS VOD playlist, the init segment and media segments holding the source samples', async () => {
    const pl = await bytes('/api/video/CAM-01/index.m3u8');
    expect(pl.status).toBe(200);
    expect(pl.type).toBe('application/vnd.apple.mpegurl');
    const text = new TextDecoder().decode(pl.body);
    const segs = [...text.matchAll(/^(seg\d+\.m4s)$/gm)].map((m) => m[1]);
    expect(segs).toHaveLength(70);
    const init = await bytes('/api/video/CAM-01/init.mp4');
    expect(init.type).toBe('video/mp4');
    expect(Buffer.from(init.body).equals(Buffer.from(fmp4Init(track)))).toBe(true);
    // Segment 1 = samples 20..39 of the file, byte for byte, after its moof.
    const s1 = await bytes(`/api/video/CAM-01/${segs[1]}`);
    expect(s1.status).toBe(200);
    const [moof, mdat] = readBoxes(s1.body, 0, s1.body.length);
    expect([moof.type, mdat.type]).toEqual(['moof', 'mdat']);
    const expected = Buffer.concat(track.samples.slice(20, 40).map((s) => clip.subarray(s.offset, s.offset + s.size)));
    expect(Buffer.from(s1.body.subarray(mdat.payload, mdat.end)).equals(expected)).toBe(true);
  });

  it('serves a live playlist that slides over the looped file; its segments are fetchable', async () => {
    const pl = new TextDecoder().decode((await bytes('/api/video/CAM-01/live.m3u8')).body);
    expect(pl).toContain('#EXT-X-MAP:URI="init.mp4"');
    expect(pl).not.toContain('#EXT-X-ENDLIST');
    expect(pl).toMatch(/#EXT-X-PROGRAM-DATE-TIME:\d{4}-/);
    const names = [...pl.matchAll(/^(seg\d+\.m4s)$/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThanOrEqual(1);
    const last = await bytes(`/api/video/CAM-01/${names.at(-1)}`);
    expect(last.status).toBe(200);
    // A segment of the second pass (70 = first segment again) decodes after the end of the first.
    const s70 = await bytes('/api/video/CAM-01/seg70.m4s');
    const traf = readBoxes(s70.body, 8, readBoxes(s70.body, 0, s70.body.length)[0].end).find((b) => b.type === 'traf')!;
    const tfdt = readBoxes(s70.body, traf.payload, traf.end).find((b) => b.type === 'tfdt')!;
    expect(Number(new DataView(s70.body.buffer).getBigUint64(tfdt.payload + 4))).toBe(track.duration);
  });

  it('streams live HTTP-FLV from the current keyframe, paced in wall time', async () => {
    const { data, type, ended } = await readStream('/api/video/CAM-01/live.flv', 1500);
    expect(type).toBe('video/x-flv');
    expect(ended).toBe(false);
    const flv = readFlv(data, 'live.flv');
    const video = flv.tags.filter((t) => t.type === FLV_VIDEO);
    expect(video[0].data[1]).toBe(0); // AVC sequence header first
    const frames = video.slice(1);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames[0].data[0] >> 4).toBe(1); // starts on a keyframe
    expect(frames[0].timestamp).toBe(0);
    for (let i = 1; i < frames.length; i++) expect(frames[i].timestamp).toBeGreaterThan(frames[i - 1].timestamp);
    // Paced: after 1.5 s at most the current GOP (≤ 1 s) plus ~1.8 s of frames, nowhere near the 1394 of the file.
    expect(frames.length).toBeLessThan(100);
  });

  it('sends the whole file as FLV once at file.flv: one tag per sample', async () => {
    const { data, ended } = await readStream('/api/video/CAM-01/file.flv', 60_000);
    expect(ended).toBe(true);
    const flv = readFlv(data, 'file.flv');
    expect(flv.trailing).toBe(0);
    const frames = flv.tags.filter((t) => t.type === FLV_VIDEO).slice(1);
    expect(frames).toHaveLength(1394);
    expect(frames.filter((t) => t.data[0] >> 4 === 1)).toHaveLength(140);
    expect(frames.at(-1)!.timestamp).toBe(139_300);
  });

  it('answers clear errors: unknown camera, unknown file, a segment number that is not one', async () => {
    const r = await fetch(`${gw.base}/api/video/CAM-99/index.m3u8`);
    expect(r.status).toBe(404);
    expect((await r.json()).message).toMatch(/no video source for camera 'CAM-99'.*sources: CAM-01/);
    expect((await fetch(`${gw.base}/api/video/CAM-01/movie.avi`)).status).toBe(404);
    expect((await fetch(`${gw.base}/api/video/CAM-01/seg-1.m4s`)).status).toBe(404);
    expect(() => parseVideoOptions(['CAM-01'])).toThrow(/--video: expected <camera-id>=<file.mp4>/);
    expect(() => parseVideoOptions(['CAM-01=/nope/clip.mp4'])).toThrow(/--video CAM-01: no such file: \/nope\/clip\.mp4/);
  });

  it('accepts an uploaded MP4 (PUT), rejects a non-MP4, and serves uploads again after a restart', async () => {
    const bad = await fetch(`${gw.base}/api/video/CAM-02`, { method: 'PUT', body: new TextEncoder().encode('not a video at all') });
    expect(bad.status).toBe(422);
    expect((await bad.json()).message).toMatch(/uploaded file: video CAM-02: .*not an MP4 file/);
    const ok = await fetch(`${gw.base}/api/video/CAM-02`, { method: 'PUT', body: clip });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ id: 'CAM-02', samples: 1394 });
    expect(fs.existsSync(path.join(dataDir, 'video', 'CAM-02.mp4'))).toBe(true);
    await gw.stop();
    gw = await startGateway({ dataDir, store: 'memory', mqtt: 'none' });
    const list = (await (await fetch(`${gw.base}/api/video`)).json()) as { id: string }[];
    expect(list.map((x) => x.id)).toEqual(['CAM-02']);
    expect((await bytes('/api/video/CAM-02/seg0.m4s')).status).toBe(200);
  });
});
