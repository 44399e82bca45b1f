import {
  Cartesian2,
  Cartesian3,
  Cartographic,
  Color,
  CustomDataSource,
  HeightReference,
  Math as CesiumMath,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
} from 'cesium';
import type { TwinViewer } from '../TwinViewer.js';
import type { AnalysisSpec } from '../../core/scene/catalog.js';
import { demGridFromBytes, validateDemHeader } from '../../core/scene/analysis.js';
import type { MassBalance } from '../../core/flood/config.js';
import { FrameStore } from './frames.js';
import { computeImpact, impactToCsv, impactToGeoJson, DEFAULT_THRESHOLDS, type FloodImpact, type ImpactThresholds } from './impact.js';
import { cellIndex } from './raster.js';
import { decodeScenario, defaultScenario, encodeScenario, parseAnalysis, prepareRun, type AnalysisData, type FloodScenario, type PreparedRun } from './scenario.js';
import type { FloodEngineKernel, FloodEnginePreference, FloodWorkerMessage, FloodWorkerRequest } from './protocol.js';
import { WaterLayer } from './WaterLayer.js';
import { buildingHighlightConditions } from './highlight.js';
import { floodT } from './strings.js';

/** Where the flood tool is. */
export type FloodStatus = 'idle' | 'loading' | 'ready' | 'running' | 'paused' | 'done' | 'error';

/** A probe: a clicked point and its time series. */
export interface FloodProbe {
  x: number;
  y: number;
  lon: number;
  lat: number;
  cell: number;
  time: number[];
  depth: number[];
  speed: number[];
}

/** Progress of the current run. */
export interface FloodRunProgress {
  time: number;
  duration: number;
  steps: number;
  wallMs: number;
  maxDepth: number;
}

const controllers = new WeakMap<TwinViewer, FloodController>();

/**
 * The flood tool of the twin: loads the scene's analysis data, prepares a scenario, runs it in a Web Worker (the
 * same engine as `twin flood`), keeps depth/speed frames for the timeline, draws the water (WaterLayer), highlights
 * flooded buildings in the city tileset, marks cut roads and entrances at risk, probes time series at a clicked
 * point and exports the impact. Fires `change` whenever something the panel shows changes.
 */
export class FloodController extends EventTarget {
  /** The tool's status. */
  status: FloodStatus = 'idle';
  /** Last error message. */
  error: string | null = null;
  /** Analysis data (after `load`). */
  data: AnalysisData | null = null;
  /** The scenario being edited / run. */
  scenario: FloodScenario = defaultScenario();
  /** The prepared run (grid, config, impact inputs). */
  run: PreparedRun | null = null;
  /** Stored frames of the run. */
  frames: FrameStore | null = null;
  /** Run progress. */
  progress: FloodRunProgress | null = null;
  /** Time (s) of the frame shown. */
  shownTime = 0;
  /** Whether new frames are shown as they arrive. */
  follow = true;
  /** Impact at the shown time (maximum depth up to that frame). */
  impact: FloodImpact | null = null;
  /** Thresholds of the impact analysis. */
  thresholds: ImpactThresholds = { ...DEFAULT_THRESHOLDS };
  /** The water layer. */
  water: WaterLayer | null = null;
  /** Probe result. */
  probe: FloodProbe | null = null;
  /** Whether clicks probe the water. */
  probing = false;
  /** Whether clicks add vertices of the area polygon. */
  drawing = false;
  /** Area polygon being drawn (local metres). */
  draft: [number, number][] = [];
  /** End-of-run figures. */
  result: { steps: number; wallMs: number; mass: MassBalance; maxDepthMm: Uint16Array } | null = null;
  /**
   * The engine of the current run: `kernel` 'webgpu' (with the adapter's description) for the WebGPU engine, else
   * 'wasm' / 'js', strip-parallel on nested workers where the page is cross-origin isolated.
   */
  engine: { parallel: boolean; workers: number; kernel: FloodEngineKernel; adapter?: string } | null = null;
  /**
   * Which engine the next run may use: 'auto' (WebGPU on a real GPU adapter, else the CPU engines), 'gpu' (WebGPU on
   * any adapter, software ones included; an error without one) or 'cpu'.
   */
  enginePreference: FloodEnginePreference = 'auto';
  /** Markers: cut roads, entrances at risk, breach, probe, area. */
  readonly markers = new CustomDataSource('flood');
  private worker: Worker | null = null;
  private loading: Promise<void> | null = null;
  private runMax: Float32Array | null = null;
  private runMaxIdx = -1;
  private handler: ScreenSpaceEventHandler | null = null;
  private changeQueued = false;

  /** The controller of a viewer (created on first use). */
  static for(twin: TwinViewer): FloodController {
    let c = controllers.get(twin);
    if (!c) {
      c = new FloodController(twin);
      controllers.set(twin, c);
    }
    return c;
  }

  /** @param twin the twin viewer */
  constructor(readonly twin: TwinViewer) {
    super();
    void twin.viewer.dataSources.add(this.markers);
  }

  /** Queues one `change` event. */
  changed(): void {
    if (this.changeQueued) return;
    this.changeQueued = true;
    queueMicrotask(() => {
      this.changeQueued = false;
      this.dispatchEvent(new Event('change'));
    });
  }

  /** The scene's analysis entry, or null when the scene has none. */
  get spec(): AnalysisSpec | null {
    return this.twin.catalog?.analysis ?? null;
  }

  /** Loads the analysis data once (DEM, footprints, roads, entrances, breach sites). Errors set status 'error'. */
  load(): Promise<void> {
    if (this.loading) return this.loading;
    this.loading = (async () => {
      const spec = this.spec;
      if (!spec) {
        this.fail(floodT(this.twin.i18n, 'floodNoData'));
        return;
      }
      this.status = 'loading';
      this.changed();
      try {
        const demUrl = this.twin.resolve(spec.dem);
        const header = validateDemHeader(await fetchJson(demUrl), spec.dem);
        const rasterUrl = new URL(header.data, demUrl).href;
        const res = await fetch(rasterUrl);
        if (!res.ok) throw new Error(`${rasterUrl}: HTTP ${res.status}`);
        const dem = demGridFromBytes(header, await res.arrayBuffer(), header.data);
        const opt = (u?: string) => (u ? fetchJson(this.twin.resolve(u)) : Promise.resolve(undefined));
        const [buildings, roads, entrances, breaches] = await Promise.all([fetchJson(this.twin.resolve(spec.buildings)), fetchJson(this.twin.resolve(spec.roads)), opt(spec.entrances), opt(spec.breaches)]);
        this.data = parseAnalysis(header, dem, { buildings, roads, entrances, breaches }, { buildings: spec.buildings, roads: spec.roads, entrances: spec.entrances ?? '', breaches: spec.breaches ?? '' });
        const keep = this.scenario;
        this.scenario = { ...defaultScenario(this.data), ...(keep.kind === 'breach' || keep.area ? keep : {}) };
        this.status = 'ready';
      } catch (err) {
        this.fail((err as Error).message);
      }
      this.changed();
    })();
    return this.loading;
  }

  private fail(message: string): void {
    this.status = 'error';
    this.error = message;
    this.twin.error(`${floodT(this.twin.i18n, 'floodError')}: ${message}`);
    this.changed();
  }

  /** Changes scenario fields (not while running). */
  setScenario(patch: Partial<FloodScenario>): void {
    this.scenario = { ...this.scenario, ...patch };
    this.twin.changed();
    this.changed();
  }

  /** Starts a run of the current scenario. Resolves when the worker started (not when the run ends). */
  async start(): Promise<void> {
    await this.load();
    if (!this.data) return;
    this.stop();
    let run: PreparedRun;
    try {
      run = prepareRun(this.data, this.scenario);
    } catch (err) {
      this.fail((err as Error).message);
      return;
    }
    this.error = null;
    this.run = run;
    this.frames = new FrameStore(run.grid.ncols * run.grid.nrows);
    this.runMax = null;
    this.runMaxIdx = -1;
    this.result = null;
    this.engine = null;
    this.probe = null;
    this.impact = null;
    this.follow = true;
    this.shownTime = 0;
    this.progress = { time: 0, duration: run.duration, steps: 0, wallMs: 0, maxDepth: 0 };
    this.status = 'running';
    try {
      this.water?.destroy();
      this.water = new WaterLayer(this.twin.viewer, run.grid, this.data.crs);
      this.drawScenarioMarkers();
      const worker = new Worker(new URL('./flood.worker.ts', import.meta.url), { type: 'module' });
      this.worker = worker;
      worker.onmessage = (e: MessageEvent<FloodWorkerMessage>) => this.onMessage(e.data);
      worker.onerror = (e) => this.fail(e.message || 'flood worker failed');
      const msg: FloodWorkerRequest = { type: 'start', config: run.config, duration: run.duration, frameEvery: run.frameEvery, engine: this.enginePreference };
      worker.postMessage(msg);
    } catch (err) {
      this.fail((err as Error).message);
      return;
    }
    this.twin.changed();
    this.changed();
  }

  private onMessage(m: FloodWorkerMessage): void {
    if (!this.run || !this.frames) return;
    switch (m.type) {
      case 'progress':
        this.progress = { time: m.time, duration: this.run.duration, steps: m.steps, wallMs: m.wallMs, maxDepth: m.maxDepth };
        break;
      case 'frame':
        this.frames.addQuantised({ time: m.time, depthMm: m.depthMm, speedMms: m.speedMms });
        if (this.follow) this.showTime(m.time);
        else if (this.probe) this.probeCell(this.probe.x, this.probe.y);
        break;
      case 'engine':
        this.engine = { parallel: m.parallel, workers: m.workers, kernel: m.kernel, ...(m.adapter ? { adapter: m.adapter } : {}) };
        break;
      case 'paused':
        this.status = 'paused';
        break;
      case 'done':
        this.result = { steps: m.steps, wallMs: m.wallMs, mass: m.mass, maxDepthMm: m.maxDepthMm };
        this.status = 'done';
        this.worker?.terminate();
        this.worker = null;
        this.showTime(this.follow ? m.time : this.shownTime);
        break;
      case 'error':
        this.fail(m.message);
        this.worker?.terminate();
        this.worker = null;
        break;
    }
    this.changed();
  }

  /** Pauses the running simulation. */
  pause(): void {
    if (this.status !== 'running' || !this.worker) return;
    this.worker.postMessage({ type: 'pause' } satisfies FloodWorkerRequest);
  }

  /** Resumes a paused simulation. */
  resume(): void {
    if (this.status !== 'paused' || !this.worker) return;
    this.worker.postMessage({ type: 'resume' } satisfies FloodWorkerRequest);
    this.status = 'running';
    this.changed();
  }

  /** Stops the run (frames kept). */
  stop(): void {
    if (this.worker) {
      this.worker.postMessage({ type: 'stop' } satisfies FloodWorkerRequest);
      this.worker.terminate();
      this.worker = null;
      if (this.status === 'running' || this.status === 'paused') this.status = this.frames?.length ? 'done' : 'ready';
      this.changed();
    }
  }

  /** Removes the water, markers and highlight (run data dropped). */
  clear(): void {
    this.stop();
    this.water?.destroy();
    this.water = null;
    this.run = null;
    this.frames = null;
    this.impact = null;
    this.probe = null;
    this.result = null;
    this.progress = null;
    this.markers.entities.removeAll();
    this.applyHighlight();
    if (this.data) this.status = 'ready';
    this.twin.changed();
    this.changed();
  }

  /** Shows the frame at model time `t` (the last frame at or before it), recomputing the impact. */
  showTime(t: number): void {
    const frames = this.frames;
    const run = this.run;
    if (!frames || !run || !frames.length) return;
    const idx = frames.indexAt(t);
    const f = frames.frames[idx];
    this.shownTime = f.time;
    this.water?.setFrame(f.depthMm, f.speedMms, run.blocked);
    // Maximum depth up to this frame (exact engine maxima at the end of a finished run).
    const n = frames.cells;
    let max: Float32Array;
    if (this.result && idx === frames.length - 1) {
      max = new Float32Array(n);
      for (let i = 0; i < n; i++) max[i] = this.result.maxDepthMm[i] / 1000;
    } else {
      if (!this.runMax || idx < this.runMaxIdx) {
        this.runMax = new Float32Array(n);
        this.runMaxIdx = -1;
      }
      const m = this.runMax;
      for (let k = this.runMaxIdx + 1; k <= idx; k++) {
        const d = frames.frames[k].depthMm;
        for (let i = 0; i < n; i++) {
          const v = d[i] / 1000;
          if (v > m[i]) m[i] = v;
        }
      }
      this.runMaxIdx = idx;
      max = m;
    }
    this.impact = computeImpact(run.grid, max, run, this.thresholds, f.time);
    this.drawImpactMarkers();
    this.applyHighlight();
    if (this.probe) this.probeCell(this.probe.x, this.probe.y);
    this.twin.changed();
    this.changed();
  }

  /** Scrubs to a time (stops following new frames unless it is the newest). */
  scrub(t: number): void {
    this.follow = !!this.frames && t >= this.frames.endTime && this.status !== 'done';
    this.showTime(t);
  }

  /** Changes the thresholds and recomputes the impact. */
  setThresholds(t: Partial<ImpactThresholds>): void {
    this.thresholds = { ...this.thresholds, ...t };
    this.runMaxIdx = -1;
    this.runMax = null;
    this.showTime(this.shownTime);
  }

  /** Colours flooded buildings in the buildings layer by depth (via the layer's extra style conditions). */
  private applyHighlight(): void {
    const layerId = this.spec?.buildingsLayer ?? 'city';
    const layer = this.twin.layers.get(layerId) as (ReturnType<TwinViewer['layers']['get']> & { extraConditions?: [string, string][] }) | undefined;
    if (!layer) return;
    const conds = this.impact ? buildingHighlightConditions(layer.idProperty, this.impact.buildings) : [];
    const prev = layer.extraConditions ?? [];
    if (JSON.stringify(prev) === JSON.stringify(conds)) return;
    layer.extraConditions = conds;
    this.twin.layers.restyle(layer);
  }

  private lonLat(x: number, y: number): [number, number] {
    const [lon, lat] = this.data!.crs.toGeodetic(x, y, 0);
    return [lon, lat];
  }

  private drawScenarioMarkers(): void {
    this.markers.entities.removeAll();
    const s = this.scenario;
    if (s.kind === 'breach') {
      const [lon, lat] = this.lonLat(s.breach.x, s.breach.y);
      this.markers.entities.add({
        id: 'flood:breach',
        position: Cartesian3.fromDegrees(lon, lat),
        point: { pixelSize: 12, color: Color.fromCssColorString('#ff3b30'), outlineColor: Color.WHITE, outlineWidth: 2, heightReference: HeightReference.CLAMP_TO_GROUND, disableDepthTestDistance: Number.POSITIVE_INFINITY },
      });
    }
    if (s.area) this.drawArea(s.area, 'flood:area');
  }

  private drawArea(ring: [number, number][], id: string): void {
    this.markers.entities.removeById(id);
    if (ring.length < 2) return;
    const pts = [...ring, ring[0]].flatMap(([x, y]) => this.lonLat(x, y));
    this.markers.entities.add({ id, polyline: { positions: Cartesian3.fromDegreesArray(pts), width: 2, clampToGround: true, material: Color.fromCssColorString('#ffd400') } });
  }

  private drawImpactMarkers(): void {
    const ents = this.markers.entities;
    for (const e of [...ents.values]) if (String(e.id).startsWith('flood:road:') || String(e.id).startsWith('flood:entrance:')) ents.remove(e);
    const imp = this.impact;
    if (!imp || !this.data) return;
    imp.roads.forEach((s, k) => {
      ents.add({
        id: `flood:road:${k}`,
        polyline: { positions: Cartesian3.fromDegreesArray(s.points.flatMap(([x, y]) => this.lonLat(x, y))), width: 5, clampToGround: true, material: Color.fromCssColorString('#ff3b30').withAlpha(0.9) },
      });
    });
    const byId = new Map(this.run?.entrances.map((e) => [e.id, e]));
    for (const e of imp.entrances) {
      const src = byId.get(e.id);
      if (!src) continue;
      const [lon, lat] = this.lonLat(src.x, src.y);
      ents.add({
        id: `flood:entrance:${e.id}`,
        position: Cartesian3.fromDegrees(lon, lat),
        point: { pixelSize: 11, color: Color.fromCssColorString('#ff9500'), outlineColor: Color.BLACK, outlineWidth: 2, heightReference: HeightReference.CLAMP_TO_GROUND, disableDepthTestDistance: Number.POSITIVE_INFINITY },
      });
    }
  }

  /** Probes depth and speed over the stored frames at local (x, y). Returns null outside the grid. */
  probeCell(x: number, y: number): FloodProbe | null {
    if (!this.run || !this.frames || !this.data) return null;
    const cell = cellIndex(this.run.grid, x, y);
    if (cell < 0) return null;
    const [lon, lat] = this.lonLat(x, y);
    this.probe = { x, y, lon, lat, cell, ...this.frames.series(cell) };
    this.markers.entities.removeById('flood:probe');
    this.markers.entities.add({
      id: 'flood:probe',
      position: Cartesian3.fromDegrees(lon, lat),
      point: { pixelSize: 10, color: Color.fromCssColorString('#19e3ff'), outlineColor: Color.WHITE, outlineWidth: 2, heightReference: HeightReference.CLAMP_TO_GROUND, disableDepthTestDistance: Number.POSITIVE_INFINITY },
    });
    this.changed();
    return this.probe;
  }

  /** Probes at geographic coordinates. */
  probeLonLat(lon: number, lat: number): FloodProbe | null {
    if (!this.data) return null;
    const [x, y] = this.data.crs.fromGeodetic(lon, lat, 0);
    return this.probeCell(x, y);
  }

  /** Turns click-to-probe on or off. */
  setProbing(on: boolean): void {
    this.probing = on;
    if (on) this.drawing = false;
    this.updateHandler();
    this.changed();
  }

  /** Starts drawing an area polygon (clicks add vertices; `finishArea` closes it). */
  startArea(): void {
    this.drawing = true;
    this.probing = false;
    this.draft = [];
    this.markers.entities.removeById('flood:area');
    this.updateHandler();
    this.changed();
  }

  /** Closes the drawn polygon and uses it as the run area (needs ≥ 3 points). */
  finishArea(): void {
    this.drawing = false;
    this.updateHandler();
    if (this.draft.length >= 3) this.setScenario({ area: [...this.draft] });
    this.drawArea(this.draft.length >= 3 ? this.draft : [], 'flood:area');
    this.draft = [];
    this.changed();
  }

  /** Uses the whole DEM again. */
  clearArea(): void {
    this.drawing = false;
    this.draft = [];
    this.markers.entities.removeById('flood:area');
    this.updateHandler();
    this.setScenario({ area: null });
  }

  private updateHandler(): void {
    const want = this.probing || this.drawing;
    if (want && !this.handler) {
      this.handler = new ScreenSpaceEventHandler(this.twin.viewer.scene.canvas);
      this.handler.setInputAction((e: { position: Cartesian2 }) => this.onClick(e.position), ScreenSpaceEventType.LEFT_CLICK);
    } else if (!want && this.handler) {
      this.handler.destroy();
      this.handler = null;
    }
  }

  private onClick(pos: Cartesian2): void {
    const scene = this.twin.viewer.scene;
    const ray = scene.camera.getPickRay(pos);
    const p = ray ? scene.globe.pick(ray, scene) : undefined;
    if (!p || !this.data) return;
    const c = Cartographic.fromCartesian(p);
    const lon = CesiumMath.toDegrees(c.longitude), lat = CesiumMath.toDegrees(c.latitude);
    if (this.probing) this.probeLonLat(lon, lat);
    else if (this.drawing) {
      const [x, y] = this.data.crs.fromGeodetic(lon, lat, 0);
      this.draft.push([x, y]);
      this.drawArea(this.draft, 'flood:area');
      this.changed();
    }
  }

  /** Scenario label for exports. */
  private scenarioProps(): Record<string, string | number> {
    const s = this.run?.scenario ?? this.scenario;
    const props: Record<string, string | number> = { scenario: encodeScenario(s), cell_size_m: s.cellSize, duration_min: s.durationMin };
    if (this.run?.storm) props.storm = this.run.storm.label;
    return props;
  }

  /** The impact at the shown time as GeoJSON text (null when there is none). */
  exportGeoJson(): string | null {
    if (!this.impact || !this.run || !this.data) return null;
    return JSON.stringify(impactToGeoJson(this.impact, this.run, (x, y) => this.lonLat(x, y), this.scenarioProps()));
  }

  /** The impact at the shown time as CSV text (null when there is none). */
  exportCsv(): string | null {
    return this.impact ? impactToCsv(this.impact) : null;
  }

  /** Downloads the impact as a file ('geojson' or 'csv'). Returns the text downloaded. */
  download(kind: 'geojson' | 'csv'): string | null {
    const text = kind === 'geojson' ? this.exportGeoJson() : this.exportCsv();
    if (text === null) return null;
    const blob = new Blob([kind === 'csv' ? '\ufeff' + text : text], { type: kind === 'geojson' ? 'application/geo+json' : 'text/csv;charset=utf-8' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `flood-impact-${Math.round(this.shownTime / 60)}min.${kind}`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    return text;
  }

  /** Flies to a flooded building (by the search index entry of its id) and selects it. */
  async flyToBuilding(id: string): Promise<void> {
    const layer = this.spec?.buildingsLayer ?? 'city';
    const hit = this.twin.search(id, 50).find((h) => h.entry.id === id && h.entry.layer === layer);
    if (hit) return this.twin.flyToEntry(hit.entry);
    const b = this.run?.buildings.find((x) => x.id === id);
    if (!b || !this.data) return;
    const cx = b.ring.reduce((s, p) => s + p[0], 0) / b.ring.length, cy = b.ring.reduce((s, p) => s + p[1], 0) / b.ring.length;
    const [lon, lat] = this.lonLat(cx, cy);
    return this.twin.flyToEntry({ id, name: b.name, layer, lon, lat, height: 40 });
  }

  /** Share-link value: scenario and shown time (`<scenario>@<minutes>`), or null without a run. */
  hashValue(): string | null {
    if (!this.run) return null;
    return `${encodeScenario(this.run.scenario)}@${Math.round(this.shownTime / 60)}`;
  }

  /** Applies a share-link value: sets the scenario, runs it and shows the given minute when it is reached. */
  async applyHashValue(v: string): Promise<void> {
    const [sc, min] = v.split('@');
    await this.load();
    if (!this.data) return;
    try {
      this.scenario = decodeScenario(sc, this.scenario);
    } catch (err) {
      this.twin.error(`${this.twin.i18n.t('errorLink')}: ${(err as Error).message}`);
      return;
    }
    const target = Number(min) * 60;
    await this.start();
    if (Number.isFinite(target) && target < (this.run?.duration ?? 0)) {
      const onChange = () => {
        if (this.frames && this.frames.endTime >= target) {
          this.removeEventListener('change', onChange);
          this.follow = false;
          this.showTime(target);
        }
      };
      this.addEventListener('change', onChange);
    }
  }

  /** Window position of the centre of the run grid (for tests / framing). */
  centre(): [number, number] | null {
    if (!this.run || !this.data) return null;
    const g = this.run.grid;
    return this.lonLat(g.xll + (g.ncols * g.cellSize) / 2, g.yll + (g.nrows * g.cellSize) / 2);
  }
}

async function fetchJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  try {
    return await res.json();
  } catch (err) {
    throw new Error(`${url}: not valid JSON (${(err as Error).message})`);
  }
}
