import { html, css, nothing } from 'lit';
import { TwinElement, panelStyles } from '../base.js';
import { FloodController } from '../../viewer/flood/FloodController.js';
import { floodT, type FloodStringKey } from '../../viewer/flood/strings.js';
import { chicagoStorm } from '../../viewer/flood/hyetograph.js';
import { BUILDING_DEPTH_CLASSES } from '../../viewer/flood/highlight.js';
import type { FloodScenario } from '../../viewer/flood/scenario.js';
import './flood-chart.js';

const RETURN_PERIODS = [2, 5, 10, 20, 50, 100];
const CELL_SIZES = [4, 5, 8, 10, 20];
const DEPTH_LEGEND: [string, string][] = [
  ['#99ebff', '0.01–0.15'],
  ['#33b3fa', '0.15–0.5'],
  ['#146be6', '0.5–1'],
  ['#0d33a6', '1–2'],
  ['#1a0d66', '≥ 2'],
];

const fmtMin = (s: number) => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;

/**
 * The flood panel: scenario (design storm or levee breach, resolution, area), run with progress / pause / resume in
 * a worker, timeline scrubbing and playback of the stored frames, depth legend, probe chart, and the impact lists
 * (flooded buildings with residents → fly to, roads cut, entrances at risk) with GeoJSON / CSV export.
 */
export class TwinFloodPanel extends TwinElement {
  static override properties = { ...TwinElement.properties, playing: { state: true } };
  static override styles = [
    panelStyles,
    css`
      .body {
        padding: 8px 10px;
        display: grid;
        gap: 7px;
        font-size: 12px;
      }
      .row {
        display: flex;
        align-items: center;
        gap: 6px;
        flex-wrap: wrap;
      }
      .row label {
        flex: 1;
      }
      .row input[type='number'],
      .row select {
        width: 78px;
      }
      .row input[type='range'] {
        flex: 1;
      }
      .sec {
        border-top: 1px solid var(--panel-border);
        padding-top: 6px;
        color: var(--accent);
        font-weight: 600;
      }
      progress {
        width: 100%;
        height: 8px;
        accent-color: var(--accent);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        max-height: 150px;
        overflow-y: auto;
      }
      li {
        display: flex;
        justify-content: space-between;
        gap: 6px;
        padding: 2px 4px;
        border-bottom: 1px solid rgba(90, 170, 255, 0.12);
      }
      li.click {
        cursor: pointer;
      }
      li.click:hover {
        background: var(--accent-dim);
      }
      .legend {
        display: flex;
        gap: 3px;
        flex-wrap: wrap;
      }
      .legend span {
        display: inline-flex;
        align-items: center;
        gap: 3px;
      }
      .sw {
        width: 12px;
        height: 10px;
        display: inline-block;
        border-radius: 2px;
      }
      .err {
        color: var(--danger);
      }
    `,
  ];
  /** Whether the timeline is playing. */
  playing = false;
  private controller: FloodController | null = null;
  private readonly onFloodChange = () => this.requestUpdate();
  private timer: number | undefined;

  constructor() {
    super();
    this.collapsed = true;
  }

  private get fc(): FloodController {
    if (!this.controller) {
      this.controller = FloodController.for(this.twin);
      this.controller.addEventListener('change', this.onFloodChange);
    }
    return this.controller;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controller?.removeEventListener('change', this.onFloodChange);
    this.controller = null;
    clearInterval(this.timer);
  }

  private ft(key: FloodStringKey): string {
    return floodT(this.twin.i18n, key);
  }

  private set(patch: Partial<FloodScenario>): void {
    this.fc.setScenario(patch);
  }

  private num(e: Event): number {
    return Number((e.target as HTMLInputElement).value);
  }

  private togglePlay(): void {
    const fc = this.fc;
    if (this.playing) {
      this.playing = false;
      clearInterval(this.timer);
      return;
    }
    if (!fc.frames?.length) return;
    this.playing = true;
    let idx = fc.frames.indexAt(fc.shownTime);
    if (idx >= fc.frames.length - 1) idx = -1;
    this.timer = window.setInterval(() => {
      const frames = fc.frames;
      if (!frames || idx + 1 >= frames.length) {
        this.playing = false;
        clearInterval(this.timer);
        return;
      }
      idx++;
      fc.follow = false;
      fc.showTime(frames.frames[idx].time);
    }, 400);
  }

  override render() {
    if (!this.twin || !this.twin.catalog?.analysis) return nothing;
    const fc = this.fc;
    if (!this.collapsed && fc.status === 'idle') void fc.load();
    return html`<div class="panel ${this.collapsed ? 'collapsed' : ''}" data-testid="flood-panel">
      ${this.header(this.ft('flood'))}
      <div class="body">${this.renderBody(fc)}</div>
    </div>`;
  }

  private renderBody(fc: FloodController) {
    if (fc.status === 'loading' || fc.status === 'idle') return html`<div class="dim">${this.ft('loadingData')}</div>`;
    if (!fc.data) return html`<div class="err" data-testid="flood-error">${fc.error ?? ''}</div>`;
    const busy = fc.status === 'running' || fc.status === 'paused';
    return html`${this.renderScenario(fc, busy)} ${this.renderRun(fc, busy)} ${this.renderTimeline(fc)} ${this.renderProbe(fc)} ${this.renderImpact(fc)}
    ${fc.error ? html`<div class="err" data-testid="flood-error">${fc.error}</div>` : nothing}`;
  }

  private renderScenario(fc: FloodController, busy: boolean) {
    const s = fc.scenario;
    const data = fc.data!;
    let storm = null;
    try {
      storm = s.kind === 'rain' ? chicagoStorm({ years: s.returnPeriod, durationMin: s.stormMin }) : null;
    } catch {
      storm = null;
    }
    const lang = this.twin.i18n.lang;
    return html`<div class="sec">${this.ft('scenario')}</div>
      <div class="row">
        <button data-testid="flood-kind-rain" aria-pressed=${s.kind === 'rain'} ?disabled=${busy} @click=${() => this.set({ kind: 'rain' })}>${this.ft('rain')}</button>
        <button data-testid="flood-kind-breach" aria-pressed=${s.kind === 'breach'} ?disabled=${busy || !data.breaches.length} @click=${() => this.set({ kind: 'breach' })}>${this.ft('breach')}</button>
      </div>
      ${s.kind === 'rain'
        ? html`<div class="row">
              <label>${this.ft('returnPeriod')}</label>
              <select data-testid="flood-return" ?disabled=${busy} @change=${(e: Event) => this.set({ returnPeriod: this.num(e) })}>
                ${RETURN_PERIODS.map((p) => html`<option value=${p} ?selected=${p === s.returnPeriod}>${p}</option>`)}
              </select>
            </div>
            <div class="row">
              <label>${this.ft('stormDuration')}</label>
              <input type="number" min="5" max="1440" step="5" data-testid="flood-storm" .value=${String(s.stormMin)} ?disabled=${busy} @change=${(e: Event) => this.set({ stormMin: this.num(e) })} />
            </div>
            <div class="row">
              <label>${this.ft('drainage')}</label>
              <input type="number" min="0" max="200" step="5" data-testid="flood-drainage" .value=${String(s.drainageMmH)} ?disabled=${busy} @change=${(e: Event) => this.set({ drainageMmH: this.num(e) })} />
            </div>
            ${storm
              ? html`<div class="dim" title=${storm.label}>${this.ft('stormInfo')} · ${this.ft('totalRain')} ${storm.totalMm.toFixed(1)} mm · ${this.ft('peakRain')} ${Math.round(storm.peak)} mm/h</div>
                  <twin-flood-chart
                    .series=${[{ label: this.ft('rain'), color: '#6aa6e8', unit: 'mm/h', x: storm.blockStart.map((t) => t / 60), y: storm.intensity, bars: true }]}
                    .xLabel=${'min'}
                  ></twin-flood-chart>`
              : nothing}`
        : html`<div class="row">
              <label>${this.ft('breachSite')}</label>
              <select
                data-testid="flood-breach-site"
                ?disabled=${busy}
                @change=${(e: Event) => {
                  const b = data.breaches[this.num(e)];
                  if (b) this.set({ breach: { ...s.breach, x: b.x, y: b.y } });
                }}
              >
                ${data.breaches.map((b, i) => html`<option value=${i} ?selected=${Math.hypot(b.x - s.breach.x, b.y - s.breach.y) < 1}>${lang === 'zh' ? b.name : b.nameEn}</option>`)}
              </select>
            </div>
            <div class="row">
              <label>${this.ft('peakFlow')}</label>
              <input type="number" min="1" step="10" .value=${String(s.breach.peak)} ?disabled=${busy} @change=${(e: Event) => this.set({ breach: { ...s.breach, peak: this.num(e) } })} />
            </div>
            <div class="row">
              <label>${this.ft('riseTime')}</label>
              <input type="number" min="1" step="5" .value=${String(s.breach.riseMin)} ?disabled=${busy} @change=${(e: Event) => this.set({ breach: { ...s.breach, riseMin: this.num(e) } })} />
            </div>
            <div class="row">
              <label>${this.ft('hydroDuration')}</label>
              <input type="number" min="2" step="10" .value=${String(s.breach.hydroMin)} ?disabled=${busy} @change=${(e: Event) => this.set({ breach: { ...s.breach, hydroMin: this.num(e) } })} />
            </div>`}
      <div class="row">
        <label>${this.ft('simDuration')}</label>
        <input type="number" min="1" max="1440" step="5" data-testid="flood-duration" .value=${String(s.durationMin)} ?disabled=${busy} @change=${(e: Event) => this.set({ durationMin: this.num(e) })} />
      </div>
      <div class="row">
        <label>${this.ft('cellSize')}</label>
        <select data-testid="flood-cell" ?disabled=${busy} @change=${(e: Event) => this.set({ cellSize: this.num(e) })}>
          ${CELL_SIZES.map((c) => html`<option value=${c} ?selected=${c === s.cellSize}>${c}</option>`)}
        </select>
      </div>
      <div class="row">
        <label>${this.ft('area')}: ${s.area ? this.ft('polygonArea') : this.ft('wholeDem')}</label>
        ${fc.drawing
          ? html`<button @click=${() => fc.finishArea()}>${this.ft('finishArea')} (${fc.draft.length})</button>`
          : html`<button ?disabled=${busy} @click=${() => fc.startArea()}>${this.ft('drawArea')}</button>`}
        ${s.area ? html`<button ?disabled=${busy} @click=${() => fc.clearArea()}>${this.ft('wholeDem')}</button>` : nothing}
      </div>
      ${fc.drawing ? html`<div class="dim">${this.ft('drawHint')}</div>` : nothing}`;
  }

  private renderRun(fc: FloodController, busy: boolean) {
    const p = fc.progress;
    const statusKey: Partial<Record<string, FloodStringKey>> = { running: 'running', paused: 'paused', done: 'done' };
    const sk = statusKey[fc.status];
    return html`<div class="row">
        ${busy
          ? html`${fc.status === 'running'
                ? html`<button data-testid="flood-pause" @click=${() => fc.pause()}>${this.ft('pause')}</button>`
                : html`<button data-testid="flood-resume" @click=${() => fc.resume()}>${this.ft('resume')}</button>`}
              <button data-testid="flood-stop" @click=${() => fc.stop()}>${this.ft('stop')}</button>`
          : html`<button data-testid="flood-run" class="on" @click=${() => void fc.start()}>${this.ft('run')}</button>`}
        ${fc.run && !busy ? html`<button data-testid="flood-clear" @click=${() => fc.clear()}>${this.ft('clear')}</button>` : nothing}
      </div>
      ${p
        ? html`<progress data-testid="flood-progress" max=${p.duration} .value=${p.time}></progress>
            <div class="dim" data-testid="flood-status">
              ${sk ? this.ft(sk) : ''} ${fmtMin(p.time)} / ${fmtMin(p.duration)} · ${p.steps} steps · ${(p.wallMs / 1000).toFixed(1)} s
              ${fc.run ? html` · ${fc.run.grid.ncols}×${fc.run.grid.nrows} ${this.ft('cells')}` : nothing}
              ${fc.result ? html` · ${this.ft('massError')} ${(fc.result.mass.relative_error * 100).toExponential(1)} %` : nothing}
            </div>`
        : nothing}`;
  }

  private renderTimeline(fc: FloodController) {
    const frames = fc.frames;
    if (!frames?.length) return nothing;
    const end = frames.endTime;
    return html`<div class="row">
        <button data-testid="flood-play" aria-pressed=${this.playing} @click=${() => this.togglePlay()}>${this.playing ? '❚❚' : '▶'}</button>
        <input
          type="range"
          data-testid="flood-time"
          min="0"
          max=${end}
          step=${fc.run?.frameEvery ?? 60}
          .value=${String(fc.shownTime)}
          @input=${(e: Event) => fc.scrub(this.num(e))}
        />
        <span>${fmtMin(fc.shownTime)}</span>
      </div>
      <div class="legend">
        <span class="dim">${this.ft('legendDepth')}</span>
        ${DEPTH_LEGEND.map(([c, l]) => html`<span><span class="sw" style="background:${c}"></span>${l}</span>`)}
      </div>`;
  }

  private renderProbe(fc: FloodController) {
    if (!fc.frames?.length) return nothing;
    const p = fc.probe;
    return html`<div class="row">
        <button data-testid="flood-probe" aria-pressed=${fc.probing} @click=${() => fc.setProbing(!fc.probing)}>${this.ft('probe')}</button>
        ${fc.probing && !p ? html`<span class="dim">${this.ft('probeHint')}</span>` : nothing}
      </div>
      ${p
        ? html`<div class="dim">${p.lon.toFixed(5)}, ${p.lat.toFixed(5)}</div>
            <twin-flood-chart
              data-testid="flood-probe-chart"
              .series=${[
                { label: this.ft('depth'), color: '#33b3fa', unit: 'm', x: p.time.map((t) => t / 60), y: p.depth },
                { label: this.ft('speed'), color: '#ffb020', unit: 'm/s', x: p.time.map((t) => t / 60), y: p.speed },
              ]}
              .marker=${fc.shownTime / 60}
              .xLabel=${'min'}
            ></twin-flood-chart>`
        : nothing}`;
  }

  private renderImpact(fc: FloodController) {
    const imp = fc.impact;
    if (!imp) return nothing;
    const zh = this.twin.i18n.lang === 'zh';
    const kindKey = (k: string): FloodStringKey | null => (k === 'metro' || k === 'basement' || k === 'parking' ? k : null);
    return html`<div class="sec">${this.ft('impact')} · ${fmtMin(imp.time)} <span class="dim">(${this.ft('maxSoFar')})</span></div>
      <div class="row">
        <label>${this.ft('buildingThreshold')}</label>
        <input type="number" min="0" step="0.05" .value=${String(fc.thresholds.building)} @change=${(e: Event) => fc.setThresholds({ building: this.num(e) })} />
      </div>
      <div class="row">
        <label>${this.ft('roadThreshold')}</label>
        <input type="number" min="0" step="0.05" .value=${String(fc.thresholds.road)} @change=${(e: Event) => fc.setThresholds({ road: this.num(e) })} />
      </div>
      <div class="legend">
        ${BUILDING_DEPTH_CLASSES.map((c) => html`<span><span class="sw" style="background:${c.color}"></span>≥ ${c.min || fc.thresholds.building} m</span>`)}
      </div>
      <div data-testid="flood-buildings-count">${this.ft('floodedBuildings')}: <b>${imp.buildings.length}</b> · ${imp.residents} ${this.ft('residents')}</div>
      <ul data-testid="flood-buildings">
        ${imp.buildings.slice(0, 200).map(
          (b) => html`<li class="click" data-id=${b.id} title=${b.address} @click=${() => void fc.flyToBuilding(b.id)}>
            <span>${zh ? b.name : b.nameEn}</span><span>${b.depth.toFixed(2)} m · ${b.residents}</span>
          </li>`,
        )}
      </ul>
      <div data-testid="flood-roads-count">${this.ft('roadsCut')}: <b>${imp.roads.length}</b> · ${Math.round(imp.roadLengthCut)} m</div>
      <ul data-testid="flood-roads">
        ${imp.roads.slice(0, 100).map((r) => html`<li><span>${zh ? r.name : r.nameEn}</span><span>${Math.round(r.length)} m · ${r.maxDepth.toFixed(2)} m</span></li>`)}
      </ul>
      <div data-testid="flood-entrances-count">${this.ft('entrancesAtRisk')}: <b>${imp.entrances.length}</b></div>
      <ul data-testid="flood-entrances">
        ${imp.entrances.map((e) => {
          const k = kindKey(e.kind);
          return html`<li><span>${k ? `[${this.ft(k)}] ` : ''}${zh ? e.name : e.nameEn}</span><span>${e.depth.toFixed(2)} m (${this.ft('sill')} ${e.sill} m)</span></li>`;
        })}
      </ul>
      <div class="row">
        <button data-testid="flood-export-geojson" @click=${() => fc.download('geojson')}>${this.ft('exportGeoJson')}</button>
        <button data-testid="flood-export-csv" @click=${() => fc.download('csv')}>${this.ft('exportCsv')}</button>
      </div>`;
  }
}

customElements.define('twin-flood-panel', TwinFloodPanel);
