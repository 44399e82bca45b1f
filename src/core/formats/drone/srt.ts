/**
 * DJI SRT reader: the subtitle track DJI drones record next to their videos, one block per second (or per frame)
 * with position, heights, speeds, attitude and camera settings. Handles the layouts seen across models:
 * - Mavic Pro / Phantom 4 (2017): `HOME(lon,lat) 2017.08.05 14:11:51` / `GPS(lon,lat,sats) BAROMETER:1.9` / `ISO:100 Shutter:60 EV: Fnum:2.2`
 * - Mavic Mini / Phantom 4 RTK: `F/2.8, SS 30.15, ISO 260, EV -1.7, GPS (lon, lat, sats), D 221.21m, H 200.70m, H.S 2.88m/s, V.S 0.00m/s, F.PRY (p°, r°, y°)`
 * - Mini 2 / Air 2S / Mavic 3 (2020+): `FrameCnt: 1 ...` / `2021-09-05 10:22:33.123` / `[iso : 100] [latitude: 22.5] [longitude: 113.9] [rel_alt: 1.2 abs_alt: 34.5]`
 * Written for this project (the `dji_srt_parser` npm package was not used: its samples are the test data here).
 * Pure TypeScript: runs in Node and the browser.
 */
import { FlightLogError, validFix, wrap360, type FlightLogIssue, type FlightTrack, type TrackPoint } from './track.js';

/** Options of parseDjiSrt. */
export interface SrtOptions {
  /**
   * UTC ms of the video's first frame, for SRT layouts without a date (Mavic Mini, P4 RTK). Without it those tracks keep
   * times relative to the video start (`absoluteTime` false).
   */
  videoStart?: number;
  /** DJI writes the aircraft's local time without a zone: minutes east of UTC to subtract (default 0 = treat as UTC). */
  utcOffsetMinutes?: number;
}

/** One SRT block's camera settings (kept in `meta.camera` for the first block). */
export interface SrtCamera {
  iso?: number;
  shutter?: string;
  fnum?: number;
  ev?: number;
}

const TIME_LINE = /^(\d{1,2}):(\d{2}):(\d{2})[,.](\d{1,3})\s*-->\s*(\d{1,2}):(\d{2}):(\d{2})[,.](\d{1,3})/;
const num = (s: string | undefined) => (s === undefined ? undefined : Number.isFinite(Number(s)) ? Number(s) : undefined);

/** Parses a DJI SRT file (bytes or text). Blocks without a position are skipped; a file with none throws FlightLogError. */
export function parseDjiSrt(input: Uint8Array | string, file: string, options: SrtOptions = {}): FlightTrack {
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  const enc = new TextEncoder();
  const byteOffset = (charPos: number) => enc.encode(text.slice(0, charPos)).length;
  if (!text.slice(0, 2000).split(/\r?\n/).some((l) => TIME_LINE.test(l.trim()))) {
    throw new FlightLogError(file, 0, 'not an SRT subtitle file: no "hh:mm:ss,mmm --> hh:mm:ss,mmm" time line in the first block');
  }
  const issues: FlightLogIssue[] = [];
  const points: TrackPoint[] = [];
  const videoTimes: number[] = [];
  let camera: SrtCamera | undefined;
  let absolute = false;
  let anyRelative = false;
  const offsetMs = (options.utcOffsetMinutes ?? 0) * 60_000;
  // Split into blocks separated by blank lines, keeping each block's character position.
  const re = /(?:^|\r?\n\r?\n)(?=\s*\d+\s*\r?\n)/g;
  const starts: number[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    starts.push(m.index + m[0].length);
    if (m[0].length === 0) re.lastIndex++;
  }
  for (let i = 0; i < starts.length; i++) {
    const at = starts[i];
    const raw = text.slice(at, i + 1 < starts.length ? starts[i + 1] : text.length);
    const lines = raw.trim().split(/\r?\n/);
    if (lines.length < 2) continue;
    const tl = TIME_LINE.exec(lines[1].trim());
    if (!tl) {
      issues.push({ offset: byteOffset(at), message: `block ${lines[0].trim()}: no time line (got '${lines[1].slice(0, 60)}')` });
      continue;
    }
    const videoMs = ((Number(tl[1]) * 60 + Number(tl[2])) * 60 + Number(tl[3])) * 1000 + Number(tl[4].padEnd(3, '0'));
    const body = lines.slice(2).join(' ').replace(/<[^>]*>/g, ' ');
    const p = parseBody(body);
    if (!p) continue;
    let t: number;
    if (p.date !== undefined) {
      t = p.date - offsetMs;
      absolute = true;
    } else {
      t = (options.videoStart ?? 0) + videoMs;
      anyRelative = true;
    }
    if (!camera && p.camera) camera = p.camera;
    const pt: TrackPoint = { t, lon: p.lon, lat: p.lat, ...p.extra };
    if (points.length && t <= points[points.length - 1].t) {
      // Several blocks in one second (a date with second resolution): spread them by their video time.
      pt.t = points[points.length - 1].t + Math.max(1, videoMs - videoTimes[videoTimes.length - 1]);
    }
    points.push(pt);
    videoTimes.push(videoMs);
  }
  if (points.length === 0) throw new FlightLogError(file, issues[0]?.offset ?? 0, `no GPS position in any of ${starts.length} SRT blocks`);
  if (absolute && anyRelative) issues.push({ offset: 0, message: 'some blocks carry a date and others do not; times are mixed' });
  return {
    file,
    format: 'dji-srt',
    points,
    absoluteTime: absolute || options.videoStart !== undefined,
    issues,
    meta: { camera, blocks: starts.length },
  };
}

function parseBody(b: string): { lon: number; lat: number; date?: number; camera?: SrtCamera; extra: Partial<TrackPoint> } | undefined {
  const extra: Partial<TrackPoint> = {};
  let lon: number | undefined;
  let lat: number | undefined;
  // Layout 1/2: GPS(lon, lat, n) or GPS (lon, lat, n)
  const gps = /GPS\s*\(\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*(?:,\s*(-?[\d.]+)\s*m?)?\s*\)/i.exec(b);
  if (gps) {
    lon = Number(gps[1]);
    lat = Number(gps[2]);
  }
  // Layout 3: [latitude: x] [longitude: y] (also [latitude : x])
  const la = /\blatitude\s*:\s*(-?[\d.]+)/i.exec(b);
  const lo = /\blongitude\s*:\s*(-?[\d.]+)/i.exec(b);
  if (lon === undefined && la && lo) {
    lat = Number(la[1]);
    lon = Number(lo[1]);
  }
  if (lon === undefined || lat === undefined || !validFix(lon, lat)) return undefined;
  const h = /(?:^|[\s,])H\s+(-?[\d.]+)\s*m\b/.exec(b) ?? /BAROMETER\s*:\s*(-?[\d.]+)/i.exec(b) ?? /rel_alt\s*:\s*(-?[\d.]+)/i.exec(b);
  if (h) extra.altRelative = Number(h[1]);
  const abs = /abs_alt\s*:\s*(-?[\d.]+)/i.exec(b);
  if (abs) extra.altMsl = Number(abs[1]);
  const hs = /H\.S\s+(-?[\d.]+)\s*m\/s/.exec(b);
  if (hs) extra.speed = Number(hs[1]);
  const vs = /V\.S\s+(-?[\d.]+)\s*m\/s/.exec(b);
  if (vs) extra.climb = Number(vs[1]);
  const pry = /F\.PRY\s*\(\s*(-?[\d.]+)°?\s*,\s*(-?[\d.]+)°?\s*,\s*(-?[\d.]+)°?\s*\)/.exec(b);
  if (pry) {
    extra.pitch = Number(pry[1]);
    extra.roll = Number(pry[2]);
    extra.heading = wrap360(Number(pry[3]));
  }
  const yaw = /\bdrone_yaw\s*:\s*(-?[\d.]+)/i.exec(b);
  if (yaw && extra.heading === undefined) extra.heading = wrap360(Number(yaw[1]));
  let date: number | undefined;
  const d = /(\d{4})[.-](\d{2})[.-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,:](\d{1,3}))?/.exec(b);
  if (d) date = Date.UTC(+d[1], +d[2] - 1, +d[3], +d[4], +d[5], +d[6], Number((d[7] ?? '0').padEnd(3, '0')));
  const camera: SrtCamera = {};
  const iso = /\biso\s*:?\s*(\d+)/i.exec(b);
  if (iso) camera.iso = Number(iso[1]);
  const ss = /(?:\bSS|shutter)\s*:?\s*([\d./]+)/i.exec(b);
  if (ss) camera.shutter = ss[1];
  const fn = /F\/([\d.]+)/.exec(b) ?? /fnum\s*:\s*([\d.]+)/i.exec(b);
  if (fn) camera.fnum = /fnum/i.test(fn[0]) && Number(fn[1]) > 50 ? Number(fn[1]) / 100 : Number(fn[1]);
  const ev = /\bEV\s*:?\s*(-?[\d.]+)/i.exec(b);
  if (ev) camera.ev = num(ev[1]);
  return { lon, lat, date, camera: Object.keys(camera).length ? camera : undefined, extra };
}
