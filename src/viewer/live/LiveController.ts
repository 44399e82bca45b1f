/**
 * The twin's live layers: sensors coloured by threshold state (clustered when far), drones (generated glTF model,
 * trail, telemetry), cameras (view frustum outline, status, video URL) — fed by the gateway's `/stream` in live mode
 * and by its history API in replay mode (state at t + observation windows, advanced locally at 1×–60×).
 * Fires `update` (throttled) when values shown change and `mode` when switching live ↔ replay.
 */
import {
  BoundingSphere,
  Cartesian3,
  Color,
  ColorMaterialProperty,
  ConstantPositionProperty,
  ConstantProperty,
  CustomDataSource,
  HeadingPitchRange,
  HeadingPitchRoll,
  Math as CesiumMath,
  Matrix4,
  PolylineCollection,
  Transforms,
  type Entity,
  type Polyline,
} from 'cesium';
import type { SceneCatalog, SiteSpec } from '../../core/scene/catalog.js';
import type { SelectionState } from '../../core/scene/viewstate.js';
import { ALARM_COLORS, ALARM_RANK, classify, thresholdsOf, type AlarmState, type Thresholds } from '../../core/live/thresholds.js';
import { ReplayClock, ReplaySeries, nextWindow } from '../../core/live/replay.js';
import { TrailBuffer } from '../../core/live/trail.js';
import { cameraSpecOf, frustumCorners, type CameraSpec } from '../../core/live/frustum.js';
import { droneModelUri } from '../../core/live/drone-model.js';
import type { ObsTuple } from '../../core/live/protocol.js';
import { StreamClient, type StreamGap, type StreamState } from './StreamClient.js';
import type { TwinViewer } from '../TwinViewer.js';
import { liveT } from './strings.js';
import { VideoProjection } from './VideoProjection.js';
import { fixedTrail, TRAIL_VERTICES } from './trailLine.js';
import type { OverlayLabel, OverlayStyle } from '../sites/LabelOverlay.js';

/**
 * At most this many sensor labels show live values: the nearest ones drawn (SiteLayer draws labels only in view and
 * within its LABEL_RANGE_M). Farther labels show the name only, so a
 * street view over hundreds of sensors neither clutters nor rebuilds hundreds of glyph runs a second.
 */
const MAX_VALUE_LABELS = 40;
/** Drone labels (name, battery, mode) on the sites' label overlay: 11 px light cyan, 24 px above the model. */
const DRONE_LABEL: OverlayStyle = { fontPx: 11, fill: '#b9f2ff', outlinePx: 3, offsetPx: 24, baseline: 'bottom', near: 300, far: 5000, farScale: 0.6, maxDistance: 6000 };
/** The panels (alarm list, sensor and drone cards) refresh at most this often from stream data (ms). */
const UPDATE_INTERVAL_MS = 1000;

/** A datastream as /api/datastreams lists it, plus what the twin derives. */
export interface DatastreamMeta {
  id: number;
  key: string;
  name: string;
  layer: 'sensor' | 'camera' | 'drone';
  property: string;
  kind: string;
  unit: string;
  siteId: string;
  thingId: number;
  lon: number;
  lat: number;
  height: number;
  /** `${siteId}` or `${siteId}/drone${n}`. */
  thingKey: string;
  thresholds: Thresholds | null;
}

/** A value shown: phenomenonTime and result. */
export interface LiveValue {
  t: number;
  result: unknown;
}

/** Drone telemetry as the simulator / a MAVLink bridge sends it. */
export interface DroneTelemetry {
  lon: number;
  lat: number;
  height: number;
  heading: number;
  pitch: number;
  roll: number;
  speed: number;
  battery: number;
  mode: string;
}

/** One row of the alarm list. */
export interface AlarmRow {
  siteId: string;
  ds: DatastreamMeta;
  value: LiveValue;
  state: AlarmState;
}

/** Selection layer id of drones. */
export const DRONES_LAYER = 'drones';

/** Replay or live. */
export type LiveMode = 'live' | 'replay';

/** The live-data controller of a TwinViewer. */
export class LiveController extends EventTarget {
  /** 'live' follows the stream; 'replay' shows history at `time()`. */
  mode: LiveMode = 'live';
  /** Connection state; 'offline' when the server has no gateway. */
  connection: StreamState | 'offline' = 'closed';
  /** Datastreams by id. */
  readonly datastreams = new Map<number, DatastreamMeta>();
  /** Drone trails by thing key. */
  readonly trails = new Map<string, TrailBuffer>();
  /** History buffer of replay mode. */
  readonly series = new ReplaySeries();
  /** Replay clock (null in live mode). */
  clock: ReplayClock | null = null;
  /** Entities of drones and camera frustums. */
  readonly dataSource = new CustomDataSource('live');
  /**
   * Drone trails: one fixed-size polyline per drone ({@link TRAIL_VERTICES} vertices), rewritten at most once per
   * render (≤ 5 Hz) and only when the trail changed; each polyline's `id` is its drone entity (picking selects it).
   */
  readonly trailLines = new PolylineCollection();
  /** The stream client (null until started / without a gateway). */
  stream: StreamClient | null = null;
  /** Messages of gap markers and stream errors (newest last). */
  readonly log: { time: number; message: string }[] = [];
  /** Observations received over the stream. */
  received = 0;
  /** The projected video (视频融合), if any, and its camera site. */
  projection: { siteId: string; projection: VideoProjection } | null = null;
  private readonly latest = new Map<number, LiveValue>();
  private readonly siteDs = new Map<string, DatastreamMeta[]>();
  private readonly droneEntities = new Map<string, Entity>();
  private readonly droneLabels = new Map<string, OverlayLabel>();
  private readonly cameraEntities = new Map<string, { entity: Entity; spec: CameraSpec }>();
  private readonly shownState = new Map<string, AlarmState>();
  /** Newest trail time drawn per drone (-1: cleared). */
  private readonly shownTrail = new Map<string, number>();
  private readonly trailLine = new Map<string, Polyline>();
  private readonly droneDs = new Map<string, { telemetry?: DatastreamMeta; battery?: DatastreamMeta }>();
  private renderTimer: ReturnType<typeof setTimeout> | undefined;
  private updateTimer: ReturnType<typeof setTimeout> | undefined;
  private lastUpdate = -Infinity;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private loading: Promise<void> | null = null;
  private generation = 0;
  private pendingTime: number | null | undefined;
  private started = false;
  private isActive = true;
  private replaySpeed = 1;
  private readonly ready: Promise<void>;
  private resolveReady!: () => void;

  /** @param twin the viewer whose sites this controller animates */
  constructor(private readonly twin: TwinViewer) {
    super();
    this.ready = new Promise((r) => (this.resolveReady = r));
    void twin.viewer.dataSources.add(this.dataSource);
    twin.viewer.scene.primitives.add(this.trailLines);
    twin.i18n.addEventListener('change', () => this.render(true));
    twin.viewer.camera.moveEnd.addEventListener(() => this.updateViewport());
    // Sensors whose labels came into view show their current values.
    twin.sites.addEventListener('view', () => this.scheduleRender());
  }

  /** Resolves once the datastream list is loaded (or known to be unavailable). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Loads the datastream list, draws cameras and drones, enables clustering and connects the stream. Never throws. */
  async start(catalog: SceneCatalog): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      const res = await fetch(new URL('/api/datastreams', location.href));
      if (!res.ok) throw new Error(`/api/datastreams: HTTP ${res.status}`);
      const list = (await res.json()) as Omit<DatastreamMeta, 'thingKey' | 'thresholds'>[];
      if (!Array.isArray(list)) throw new Error('/api/datastreams: expected an array');
      for (const d of list) {
        const site = this.twin.sites.get(d.siteId);
        let thresholds: Thresholds | null = null;
        try {
          thresholds = d.layer === 'sensor' && site ? thresholdsOf(site.properties, d.property) : null;
        } catch (err) {
          this.twin.error(`${this.t('liveError')}: ${d.siteId}: ${(err as Error).message}`);
        }
        const meta: DatastreamMeta = { ...d, thingKey: d.key.split('/').slice(0, -1).join('/'), thresholds };
        this.datastreams.set(meta.id, meta);
        const arr = this.siteDs.get(meta.siteId) ?? [];
        arr.push(meta);
        this.siteDs.set(meta.siteId, arr);
      }
    } catch (err) {
      this.connection = 'offline';
      this.twin.toast('info', `${this.t('liveOffline')}: ${(err as Error).message}`);
      this.resolveReady();
      this.emit('update');
      return;
    }
    this.buildCameras(catalog.sites);
    await this.adoptGatewayVideo();
    this.buildDrones();
    this.enableClustering();
    this.stream = new StreamClient(
      { url: new URL('/stream', location.href).href.replace(/^http/, 'ws') },
      {
        onObservations: (obs) => this.onObservations(obs),
        onGap: (g) => this.onGap(g),
        onState: (s) => {
          this.connection = s;
          this.emit('update');
        },
        onError: (m) => this.addLog(m),
      },
    );
    this.resolveReady();
    if (this.pendingTime != null) {
      const t = this.pendingTime;
      this.pendingTime = undefined;
      void this.replayAt(t);
    } else {
      this.stream.start(this.subscription());
      this.startPolling();
    }
    this.emit('update');
  }

  private t(key: Parameters<typeof liveT>[1]): string {
    return liveT(this.twin.i18n, key);
  }

  private emit(type: 'update' | 'mode'): void {
    this.dispatchEvent(new Event(type));
  }

  private addLog(message: string): void {
    this.log.push({ time: Date.now(), message });
    if (this.log.length > 50) this.log.shift();
    this.emit('update');
  }

  // ------------------------------------------------------------------ subscription

  private subscription(): { layers: string[]; bbox?: [number, number, number, number] } {
    const bbox = this.viewportBbox();
    return bbox ? { layers: ['sensor', 'camera', 'drone'], bbox } : { layers: ['sensor', 'camera', 'drone'] };
  }

  /** The view rectangle padded by 25 % (degrees), or undefined when the view sees the horizon / the whole scene. */
  viewportBbox(): [number, number, number, number] | undefined {
    const r = this.twin.viewer.camera.computeViewRectangle();
    if (!r) return undefined;
    const w = CesiumMath.toDegrees(r.west);
    const s = CesiumMath.toDegrees(r.south);
    const e = CesiumMath.toDegrees(r.east);
    const n = CesiumMath.toDegrees(r.north);
    if (e - w > 5 || n - s > 5 || e < w) return undefined;
    const px = (e - w) * 0.25;
    const py = (n - s) * 0.25;
    return [w - px, s - py, e + px, n + py];
  }

  private updateViewport(): void {
    if (this.mode === 'live' && this.stream?.running) this.stream.update(this.subscription());
  }

  /**
   * Things outside the viewport bbox are refreshed from /api/state every 15 s, so the alarm list stays city-wide
   * and drones out of view do not freeze.
   */
  private startPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = setInterval(() => void this.pollState(), 15_000);
  }

  private async pollState(): Promise<void> {
    if (this.mode !== 'live') return;
    const ids = [...this.datastreams.keys()];
    if (!ids.length) return;
    try {
      const state = await this.fetchState(Date.now(), ids);
      if (this.mode !== 'live') return;
      for (const s of state) {
        this.setLatest(s.ds, { t: s.t, result: s.result });
        const meta = this.datastreams.get(s.ds);
        if (meta?.property === 'droneTelemetry') this.pushTrail(meta.thingKey, s.t, s.result);
      }
      this.scheduleRender();
    } catch {
      /* the stream state shows connectivity */
    }
  }

  // ------------------------------------------------------------------ live data

  private onObservations(obs: ObsTuple[]): void {
    this.received += obs.length;
    for (const [, ds, t, result] of obs) {
      const meta = this.datastreams.get(ds);
      if (!meta) continue;
      this.setLatest(ds, { t, result });
      if (meta.property === 'droneTelemetry') this.pushTrail(meta.thingKey, t, result);
    }
    this.scheduleRender();
  }

  private setLatest(ds: number, v: LiveValue): void {
    const cur = this.latest.get(ds);
    // Late (back-filled) observations carry a new seq but an old time: they are history, not the current value.
    if (!cur || v.t >= cur.t) this.latest.set(ds, v);
  }

  private pushTrail(thingKey: string, t: number, result: unknown): void {
    const r = result as Partial<DroneTelemetry> | null;
    if (!r || typeof r.lon !== 'number' || typeof r.lat !== 'number' || typeof r.height !== 'number') return;
    let trail = this.trails.get(thingKey);
    if (!trail) this.trails.set(thingKey, (trail = new TrailBuffer()));
    trail.push({ t, lon: r.lon, lat: r.lat, height: r.height });
  }

  private onGap(g: StreamGap): void {
    const msg =
      g.reason === 'coalesced'
        ? `${this.t('gapCoalesced')} (${g.dropped ?? 0})`
        : g.reason === 'pruned'
          ? `${this.t('gapPruned')} seq ${g.from}–${g.to}`
          : `${this.t('gapReset')} seq ${g.from}`;
    this.addLog(msg);
    this.twin.toast('info', msg);
  }

  // ------------------------------------------------------------------ values

  /** The time shown: now in live mode, the replay time in replay mode. */
  time(): number {
    return this.mode === 'replay' && this.clock ? this.clock.time(Date.now()) : Date.now();
  }

  /** The value of a datastream shown now (live latest, or history at the replay time). */
  current(ds: number): LiveValue | undefined {
    if (this.mode === 'replay') return this.series.valueAt(ds, this.time());
    return this.latest.get(ds);
  }

  /** The datastreams of a site (sensors: one; drone ports: telemetry + battery per drone; cameras: status). */
  datastreamsOf(siteId: string): DatastreamMeta[] {
    return this.siteDs.get(siteId) ?? [];
  }

  /** Datastreams of a drone (thing key). */
  droneStreams(thingKey: string): { telemetry?: DatastreamMeta; battery?: DatastreamMeta } {
    let out = this.droneDs.get(thingKey);
    if (!out) {
      out = {};
      for (const d of this.datastreams.values()) {
        if (d.thingKey !== thingKey) continue;
        if (d.property === 'droneTelemetry') out.telemetry = d;
        else if (d.property === 'battery') out.battery = d;
      }
      // Cached once the datastream list is loaded (it does not change afterwards).
      if (this.datastreams.size) this.droneDs.set(thingKey, out);
    }
    return out;
  }

  /** Thing keys of the drones. */
  drones(): string[] {
    return [...this.droneEntities.keys()];
  }

  /** State of a sensor site's (first) datastream. */
  stateOf(siteId: string): AlarmState {
    const d = this.datastreamsOf(siteId).find((x) => x.layer === 'sensor');
    if (!d) return 'unknown';
    return classify(this.current(d.id)?.result, d.thresholds);
  }

  /** Sensors in warning or alarm, worst first. */
  alarms(): AlarmRow[] {
    const rows: AlarmRow[] = [];
    for (const d of this.datastreams.values()) {
      if (d.layer !== 'sensor') continue;
      const value = this.current(d.id);
      const state = classify(value?.result, d.thresholds);
      if (value && (state === 'warning' || state === 'alarm')) rows.push({ siteId: d.siteId, ds: d, value, state });
    }
    return rows.sort((a, b) => ALARM_RANK[b.state] - ALARM_RANK[a.state] || a.siteId.localeCompare(b.siteId));
  }

  /** Fetches observations of a datastream in [from, to] (for charts). */
  async history(ds: number, from: number, to: number, limit = 20_000): Promise<{ t: number; v: unknown }[]> {
    const u = new URL('/api/history', location.href);
    u.searchParams.set('datastream', String(ds));
    u.searchParams.set('from', String(Math.floor(from)));
    u.searchParams.set('to', String(Math.ceil(to)));
    u.searchParams.set('limit', String(limit));
    const res = await fetch(u);
    const body = (await res.json()) as { observations?: [number, number, unknown][]; message?: string };
    if (!res.ok || !Array.isArray(body.observations)) throw new Error(`/api/history: ${body.message ?? `HTTP ${res.status}`}`);
    return body.observations.map(([, t, v]) => ({ t, v }));
  }

  private async fetchState(t: number, ids?: number[]): Promise<{ ds: number; t: number; result: unknown }[]> {
    const u = new URL('/api/state', location.href);
    u.searchParams.set('t', String(Math.floor(t)));
    if (ids) u.searchParams.set('datastreams', ids.join(','));
    const res = await fetch(u);
    const body = (await res.json()) as { state?: { ds: number; t: string; result: unknown }[]; message?: string };
    if (!res.ok || !Array.isArray(body.state)) throw new Error(`/api/state: ${body.message ?? `HTTP ${res.status}`}`);
    return body.state.map((s) => ({ ds: s.ds, t: Date.parse(s.t), result: s.result }));
  }

  // ------------------------------------------------------------------ replay

  /** Current replay speed (also kept in live mode for the next replay). */
  get speed(): number {
    return this.clock?.speed ?? this.replaySpeed;
  }

  /**
   * Switches to replay at time `t` (ms since epoch; clamped to now): stops the stream (keeping its resume cursor),
   * loads the state at t and a first window of observations, then advances locally (or stays at t when `paused`).
   * Resolves when the first values at t are shown.
   */
  async replayAt(t: number, speed = this.speed, paused = false): Promise<void> {
    if (!this.stream) {
      this.pendingTime = t;
      return;
    }
    const gen = ++this.generation;
    t = Math.min(t, Date.now());
    this.replaySpeed = speed;
    const wasLive = this.mode === 'live';
    this.mode = 'replay';
    this.stream.stop();
    clearInterval(this.pollTimer);
    this.clock = new ReplayClock(t, Date.now(), speed, () => Date.now());
    this.clock.setPaused(true, Date.now());
    if (wasLive) this.emit('mode');
    this.twin.changed();
    try {
      const state = await this.fetchState(t);
      if (gen !== this.generation) return;
      this.series.reset(t, state);
      await this.loadWindow(gen);
    } catch (err) {
      if (gen === this.generation) this.twin.error(`${this.t('replayError')}: ${(err as Error).message}`);
    }
    if (gen !== this.generation) return;
    for (const tr of this.trails.values()) tr.clear();
    this.clock.seek(t, Date.now());
    this.clock.setPaused(paused, Date.now());
    clearInterval(this.tickTimer);
    this.tickTimer = setInterval(() => this.tick(gen), 250);
    this.render(true);
  }

  private async loadWindow(gen: number): Promise<void> {
    const w = nextWindow(this.series, this.time(), this.speed, Date.now());
    if (!w) return;
    const ids = [...this.datastreams.keys()];
    const results = await Promise.all(ids.map((id) => this.history(id, w.from, w.to, 100_000).then((rows) => rows.map((r) => ({ ds: id, t: r.t, result: r.v })))));
    if (gen !== this.generation) return;
    this.series.addWindow(w.to, results.flat());
    this.series.prune(this.time() - 130_000);
  }

  private tick(gen: number): void {
    if (gen !== this.generation || this.mode !== 'replay') return;
    if (!this.loading && nextWindow(this.series, this.time(), this.speed, Date.now())) {
      this.loading = this.loadWindow(gen)
        .catch((err) => this.addLog(`${this.t('replayError')}: ${(err as Error).message}`))
        .finally(() => (this.loading = null));
    }
    this.render(false);
  }

  /** Changes the replay speed (1–60). */
  setSpeed(speed: number): void {
    this.replaySpeed = speed;
    this.clock?.setSpeed(speed, Date.now());
    this.emit('update');
  }

  /** Pauses / resumes the replay. */
  setPaused(paused: boolean): void {
    this.clock?.setPaused(paused, Date.now());
    this.emit('update');
  }

  /** Back to live: the stream resumes from the last seq it saw (the gateway replays what was missed), no gap. */
  goLive(): void {
    this.pendingTime = undefined;
    if (this.mode === 'live') return;
    this.generation++;
    clearInterval(this.tickTimer);
    this.mode = 'live';
    this.clock = null;
    this.series.reset(Date.now(), []);
    for (const tr of this.trails.values()) tr.clear();
    this.stream?.start(this.subscription());
    this.startPolling();
    this.emit('mode');
    this.twin.changed();
    this.render(true);
  }

  /** Applies the share link's time: a number = replay at that time, null = live. */
  applyTime(time: number | null): void {
    if (!this.stream) {
      this.pendingTime = time;
      return;
    }
    if (time == null) this.goLive();
    else if (this.mode !== 'replay' || Math.abs(this.time() - time) > 1000) void this.replayAt(time);
  }

  /** The share link's time: null in live mode, the replay time (whole seconds) otherwise. */
  shareTime(): number | null {
    if (this.mode !== 'replay') return this.pendingTime ?? null;
    return Math.round(this.time() / 1000) * 1000;
  }

  // ------------------------------------------------------------------ drawing

  private scheduleRender(): void {
    if (this.renderTimer !== undefined) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      if (this.mode === 'live' && this.isActive) this.render(false);
    }, 200);
  }

  /**
   * Updates sensor colours (SiteLayer redraws a point only when its colour changed) and value labels (only for the
   * sensors whose labels are drawn, and only when the text changed), drone poses, labels and trails, camera colours;
   * fires `update`.
   */
  render(force: boolean): void {
    const sites = this.twin.sites;
    const drawn = new Map<string, number>();
    for (const l of sites.labelledSites()) drawn.set(l.siteId, l.dist2);
    const labels: { siteId: string; name: string; value: string; dist2: number }[] = [];
    for (const [siteId, list] of this.siteDs) {
      const d = list[0];
      const spec = sites.get(siteId);
      if (!spec) continue;
      if (d.layer === 'sensor') {
        const v = this.current(d.id);
        const state = classify(v?.result, d.thresholds);
        // The state's rank colours a cluster by its worst sensor.
        sites.setColor(siteId, ALARM_COLORS[state], ALARM_RANK[state]);
        // A label not drawn keeps its text until it is: rebuilding its glyphs every second would be wasted work.
        const dist2 = drawn.get(siteId);
        if (!force && dist2 === undefined) continue;
        const name = this.twin.i18n.text(spec.name, spec.id);
        labels.push({ siteId, name, value: v ? `\n${formatNumber(v.result)} ${d.unit}` : '', dist2: dist2 ?? Infinity });
      } else if (d.layer === 'camera') {
        const status = String(this.current(d.id)?.result ?? '');
        const cam = this.cameraEntities.get(siteId);
        const offline = status === 'offline' ? 'unknown' : 'normal';
        if (cam?.entity.polyline && (force || this.shownState.get(`cam:${siteId}`) !== offline)) {
          this.shownState.set(`cam:${siteId}`, offline);
          cam.entity.polyline.material = new ColorMaterialProperty(Color.fromCssColorString(offline === 'unknown' ? '#8da3bd' : '#ffb020'));
        }
      }
    }
    labels.sort((a, b) => a.dist2 - b.dist2);
    labels.forEach((l, i) => sites.setLabelText(l.siteId, i < MAX_VALUE_LABELS && l.dist2 !== Infinity ? l.name + l.value : l.name));
    let movedLabels = false;
    for (const [key, entity] of this.droneEntities) {
      this.updateTrail(key, force);
      const { telemetry } = this.droneStreams(key);
      const cur = telemetry ? this.current(telemetry.id) : undefined;
      const v = cur?.result as DroneTelemetry | undefined;
      if (!v || typeof v.lon !== 'number') continue;
      if (!force && this.shownTrail.get(`pose:${key}`) === cur!.t) continue;
      this.shownTrail.set(`pose:${key}`, cur!.t);
      const pos = Cartesian3.fromDegrees(v.lon, v.lat, v.height);
      (entity.position as ConstantPositionProperty).setValue(pos);
      entity.orientation = new ConstantProperty(
        Transforms.headingPitchRollQuaternion(pos, new HeadingPitchRoll(CesiumMath.toRadians(v.heading - 90), CesiumMath.toRadians(v.pitch), CesiumMath.toRadians(v.roll))),
      );
      const label = this.droneLabels.get(key);
      if (label) {
        Cartesian3.clone(pos, label.position);
        label.text = `${key.split('/').pop()} ${Math.round(v.battery)}% ${v.mode}`;
        movedLabels = true;
      }
    }
    if (movedLabels) this.twin.sites.labels.invalidate();
    this.twin.viewer.scene.requestRender();
    if (force) this.emit('update');
    else this.emitThrottled();
  }

  /** Fires `update` at most once per UPDATE_INTERVAL_MS (the panels need no more), trailing the last call. */
  private emitThrottled(): void {
    const now = performance.now();
    const wait = this.lastUpdate + UPDATE_INTERVAL_MS - now;
    if (wait <= 0) {
      clearTimeout(this.updateTimer);
      this.updateTimer = undefined;
      this.lastUpdate = now;
      this.emit('update');
    } else if (this.updateTimer === undefined) {
      this.updateTimer = setTimeout(() => {
        this.updateTimer = undefined;
        this.lastUpdate = performance.now();
        this.emit('update');
      }, wait);
    }
  }

  /** Rewrites a drone's trail polyline when its newest point changed (or when forced). */
  private updateTrail(key: string, force: boolean): void {
    const line = this.trailLine.get(key);
    if (!line) return;
    let pts: { t: number; lon: number; lat: number; height: number }[];
    if (this.mode === 'replay') {
      const ds = this.droneStreams(key).telemetry;
      const t = this.time();
      pts = ds
        ? this.series
            .between(ds.id, t - 120_000, t)
            .map((p) => ({ ...(p.result as DroneTelemetry), t: p.t }))
            .filter((r) => r && typeof r.lon === 'number')
        : [];
    } else pts = this.trails.get(key)?.points() ?? [];
    const newest = pts.length >= 2 ? pts[pts.length - 1].t : -1;
    if (!force && this.shownTrail.get(key) === newest) return;
    this.shownTrail.set(key, newest);
    const fixed = fixedTrail(pts, TRAIL_VERTICES);
    line.show = fixed.length > 0;
    if (!fixed.length) return;
    // Reuse the polyline's own position array: same length, so Cesium only rewrites the vertex positions.
    const positions = line.positions.length === TRAIL_VERTICES ? line.positions : fixed.map(() => new Cartesian3());
    for (let i = 0; i < fixed.length; i++) Cartesian3.fromDegrees(fixed[i].lon, fixed[i].lat, fixed[i].height, undefined, positions[i]);
    line.positions = positions;
  }

  /** The drawn trail of a drone: its polyline's vertices (empty when it has no trail yet). */
  trailVertices(key: string): Cartesian3[] {
    const line = this.trailLine.get(key);
    return line && line.show ? line.positions : [];
  }

  private buildDrones(): void {
    const uri = droneModelUri();
    for (const d of this.datastreams.values()) {
      if (d.property !== 'droneTelemetry' || this.droneEntities.has(d.thingKey)) continue;
      const key = d.thingKey;
      const entity = this.dataSource.entities.add({
        id: `drone:${key}`,
        position: new ConstantPositionProperty(Cartesian3.fromDegrees(d.lon, d.lat, d.height)),
        model: { uri, minimumPixelSize: 40, maximumScale: 400 },
      });
      this.droneEntities.set(key, entity);
      this.droneLabels.set(key, { position: Cartesian3.fromDegrees(d.lon, d.lat, d.height), text: key, pick: entity });
      const line = this.trailLines.add({ positions: [], width: 2, show: false, id: entity });
      // Opaque: a translucent trail would switch on the scene's order-independent translucency passes every frame.
      line.material.uniforms.color = Color.fromCssColorString('#19e3ff');
      this.trailLine.set(key, line);
    }
    this.twin.sites.labels.setGroup('drones', DRONE_LABEL, [...this.droneLabels.values()]);
  }

  private buildCameras(sites: SiteSpec[]): void {
    for (const s of sites) {
      if (s.kind !== 'camera') continue;
      let spec: CameraSpec;
      try {
        spec = cameraSpecOf(s.id, s.properties);
      } catch (err) {
        this.twin.error(`${this.t('liveError')}: ${(err as Error).message}`);
        continue;
      }
      const enu = Transforms.eastNorthUpToFixedFrame(Cartesian3.fromDegrees(s.lon, s.lat, s.height));
      const apex = Cartesian3.fromDegrees(s.lon, s.lat, s.height);
      const c = frustumCorners(spec).map((v) => Matrix4.multiplyByPoint(enu, new Cartesian3(v[0], v[1], v[2]), new Cartesian3()));
      const entity = this.dataSource.entities.add({
        id: `camfov:${s.id}`,
        polyline: { positions: [c[0], c[1], c[2], c[3], c[0], apex, c[1], c[2], apex, c[3]], width: 1.5, material: Color.fromCssColorString('#ffb020') },
      });
      this.cameraEntities.set(s.id, { entity, spec });
    }
  }

  /**
   * Cameras whose scene.json site has no `streamUrl` play the gateway's own stream when it serves one for them
   * (`twin start --video CAM-01=file.mp4`, or an upload to /api/video/CAM-01): its live HLS playlist. A gateway
   * without /api/video, or an error, leaves the cameras as they are (no stream: the twin renders the camera's view).
   */
  private async adoptGatewayVideo(): Promise<void> {
    try {
      const res = await fetch(new URL('/api/video', location.href));
      if (!res.ok) return;
      const list = (await res.json()) as { id?: unknown; urls?: { hlsLive?: unknown } }[];
      if (!Array.isArray(list)) return;
      for (const v of list) {
        const site = typeof v.id === 'string' ? this.twin.sites.get(v.id) : undefined;
        const url = v.urls?.hlsLive;
        if (site?.kind === 'camera' && !site.properties.streamUrl && typeof url === 'string') site.properties.streamUrl = url;
      }
    } catch (err) {
      this.addLog(`/api/video: ${(err as Error).message}`);
    }
  }

  /** The pose spec of a camera site (undefined when it has none or it is invalid). */
  cameraSpec(siteId: string): CameraSpec | undefined {
    return this.cameraEntities.get(siteId)?.spec;
  }

  /** Sets a camera's video URL at runtime (mp4/webm, HLS .m3u8 or HTTP-FLV .flv). */
  setCameraStream(siteId: string, url: string | null): void {
    const s = this.twin.sites.get(siteId);
    if (!s || s.kind !== 'camera') throw new Error(`setCameraStream: '${siteId}' is not a camera site`);
    s.properties.streamUrl = url;
    this.emit('update');
    this.twin.changed();
  }

  /**
   * Projects a playing video onto the scene from a camera's pose (null stops). Throws when the site is not a camera
   * with a valid pose.
   */
  projectVideo(siteId: string | null, video: HTMLVideoElement | null = null): void {
    this.projection?.projection.destroy();
    this.projection = null;
    if (siteId && video) {
      const s = this.twin.sites.get(siteId);
      const spec = this.cameraSpec(siteId);
      if (!s || !spec) throw new Error(`projectVideo: '${siteId}' is not a camera with a valid pose`);
      this.projection = { siteId, projection: new VideoProjection(this.twin.viewer, { lon: s.lon, lat: s.lat, height: s.height, spec }, video) };
    }
    this.twin.viewer.scene.requestRender();
    this.emit('update');
  }

  /** Puts the main view at a camera's pose (its own rendering of what the camera sees). */
  previewCamera(siteId: string): void {
    const s = this.twin.sites.get(siteId);
    const spec = this.cameraSpec(siteId);
    if (!s || !spec) return;
    this.twin.viewer.camera.flyTo({
      destination: Cartesian3.fromDegrees(s.lon, s.lat, s.height),
      orientation: { heading: CesiumMath.toRadians(spec.heading), pitch: CesiumMath.toRadians(spec.pitch), roll: 0 },
      duration: 1.2,
    });
  }

  /** Sensors are grouped when close on screen; a cluster takes the colour of its worst state (see render). */
  private enableClustering(): void {
    this.twin.sites.clustering = true;
  }

  /**
   * Picking hook of TwinViewer: a drone → its selection; a camera frustum → the camera site; a cluster → zooms in
   * (returns 'handled'); anything else → undefined.
   */
  pick(picked: unknown): SelectionState | 'handled' | undefined {
    const id = (picked as { id?: unknown } | undefined)?.id;
    const cluster = this.twin.sites.clusterOf(id);
    if (cluster) {
      const pos = cluster.positions as Cartesian3[];
      if (pos.length) {
        const sphere = BoundingSphere.fromPoints(pos);
        this.twin.viewer.camera.flyToBoundingSphere(sphere, { offset: new HeadingPitchRange(0, CesiumMath.toRadians(-45), Math.max(300, sphere.radius * 3)), duration: 1 });
      }
      return 'handled';
    }
    const eid = (id as Entity | undefined)?.id;
    if (typeof eid !== 'string') return undefined;
    if (eid.startsWith('drone:')) return { layer: DRONES_LAYER, id: eid.slice(6) };
    if (eid.startsWith('camfov:')) return { layer: 'sites', id: eid.slice(7) };
    return undefined;
  }

  /** Inspector layer name and rows of a drone selection (null for other selections). */
  selectionProperties(sel: SelectionState): { layerName: string; properties: [string, string][] } | null {
    if (sel.layer !== DRONES_LAYER) return null;
    const { telemetry, battery } = this.droneStreams(sel.id);
    const v = telemetry ? this.current(telemetry.id) : undefined;
    const rows: [string, string][] = [['id', sel.id]];
    if (v && v.result && typeof v.result === 'object') {
      for (const [k, x] of Object.entries(v.result)) rows.push([k, k === 'lon' || k === 'lat' ? String(x) : formatNumber(x)]);
    }
    const b = battery ? this.current(battery.id) : undefined;
    if (b && !rows.some((r) => r[0] === 'battery')) rows.push(['battery', formatNumber(b.result)]);
    if (v) rows.push(['time', new Date(v.t).toISOString()]);
    return { layerName: this.t('drone'), properties: rows };
  }

  /** Flies to a site (or drone) and selects it. */
  flyTo(sel: SelectionState): void {
    let lon: number, lat: number, height: number;
    if (sel.layer === DRONES_LAYER) {
      const tel = this.droneStreams(sel.id).telemetry;
      const v = tel ? (this.current(tel.id)?.result as DroneTelemetry | undefined) : undefined;
      if (!tel) return;
      [lon, lat, height] = v ? [v.lon, v.lat, v.height] : [tel.lon, tel.lat, tel.height];
    } else {
      const s = this.twin.sites.get(sel.id);
      if (!s) return;
      [lon, lat, height] = [s.lon, s.lat, s.height];
    }
    this.twin.select(sel);
    this.twin.viewer.camera.flyToBoundingSphere(new BoundingSphere(Cartesian3.fromDegrees(lon, lat, height), 20), {
      offset: new HeadingPitchRange(0, CesiumMath.toRadians(-40), 350),
      duration: 1.2,
    });
  }

  /** Whether the live layers are shown and fed (see setActive). */
  get active(): boolean {
    return this.isActive;
  }

  /**
   * Switches the live layers off (false: the stream closes keeping its resume cursor, polling stops, sensors, drones
   * and camera frustums are hidden) or back on (true: shown again, the stream resumes from the last seq it saw).
   */
  setActive(active: boolean): void {
    if (active === this.isActive) return;
    this.isActive = active;
    this.dataSource.show = active;
    this.trailLines.show = active;
    this.twin.sites.labels.setGroupVisible('drones', active);
    this.twin.sites.setVisible(active);
    if (this.mode === 'live' && this.stream) {
      if (active) {
        this.stream.start(this.subscription());
        this.startPolling();
      } else {
        this.stream.stop();
        clearInterval(this.pollTimer);
      }
    }
    if (active) this.render(true);
    this.twin.viewer.scene.requestRender();
    this.emit('update');
  }

  /** Stops timers and the stream. */
  destroy(): void {
    this.generation++;
    clearInterval(this.tickTimer);
    clearInterval(this.pollTimer);
    clearTimeout(this.renderTimer);
    clearTimeout(this.updateTimer);
    this.stream?.stop();
    this.projectVideo(null);
  }
}

/** Formats a value for labels and panels. */
export function formatNumber(v: unknown): string {
  if (typeof v === 'number') return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
  if (v === null || v === undefined) return '—';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
