import { html, css, nothing } from 'lit';
import { panelStyles } from '../base.js';
import { LiveElement, formatTime } from './base.js';
import { ALARM_COLORS, classify } from '../../core/live/thresholds.js';
import { DRONES_LAYER, formatNumber, type DroneTelemetry } from '../../viewer/live/LiveController.js';
import './live-chart.js';
import './video-player.js';

/**
 * The live-monitoring panel: connection state, the alarm list (click flies to the sensor), and the details of the
 * selected live thing — a sensor's value, unit, time, state and 24 h chart; a drone's telemetry; a camera's video
 * (or a view from its pose when it has no stream).
 */
export class TwinLivePanel extends LiveElement {
  static override styles = [
    panelStyles,
    css`
      .panel {
        margin-top: 8px;
      }
      .body {
        padding: 6px 10px 8px;
      }
      .conn {
        font-size: 11px;
        padding: 1px 6px;
        border-radius: 8px;
        border: 1px solid currentColor;
        letter-spacing: 0;
        text-transform: none;
      }
      .conn[data-state='live'] {
        color: #3ee08f;
      }
      .conn[data-state='reconnecting'],
      .conn[data-state='replaying'],
      .conn[data-state='connecting'] {
        color: #ffc21a;
      }
      .conn[data-state='closed'],
      .conn[data-state='offline'] {
        color: #8da3bd;
      }
      .alarms {
        list-style: none;
        margin: 0;
        padding: 0;
        max-height: 120px;
        overflow-y: auto;
      }
      .alarms li {
        display: flex;
        gap: 6px;
        align-items: center;
        cursor: pointer;
        padding: 2px 0;
      }
      .alarms li:hover {
        color: #fff;
      }
      .dot {
        width: 9px;
        height: 9px;
        border-radius: 50%;
        flex: none;
      }
      .grow {
        flex: 1;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .card {
        border-top: 1px solid var(--panel-border);
        margin-top: 6px;
        padding-top: 6px;
      }
      .big {
        font-size: 20px;
        font-weight: 600;
        color: #fff;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 12px;
      }
      td {
        padding: 1px 2px;
      }
      td:first-child {
        color: var(--text-dim);
      }
      .sub {
        font-size: 11px;
        color: var(--text-dim);
        margin: 4px 0 2px;
      }
    `,
  ];

  override render() {
    const live = this.twin?.live;
    if (!live) return nothing;
    const conn = live.mode === 'replay' ? 'closed' : live.connection;
    const connText = live.mode === 'replay' ? this.lt('replay') : this.lt(`conn_${live.connection}`);
    const alarms = live.alarms();
    return html`<div class="panel ${this.collapsed ? 'collapsed' : ''}" data-testid="live-panel">
      <h3 role="button" tabindex="0" @click=${() => (this.collapsed = !this.collapsed)}>
        <span>${this.lt('liveData')}</span>
        <span class="conn" data-testid="live-conn" data-state=${live.mode === 'replay' ? 'replay' : live.connection} data-conn=${conn}>${connText}</span>
      </h3>
      <div class="body">
        <div class="sub">${this.lt('alarms')} (${alarms.length})</div>
        ${alarms.length
          ? html`<ul class="alarms" data-testid="alarm-list">
              ${alarms.map(
                (a) => html`<li data-site=${a.siteId} data-state=${a.state} @click=${() => live.flyTo({ layer: 'sites', id: a.siteId })}>
                  <span class="dot" style="background:${ALARM_COLORS[a.state]}"></span>
                  <span class="grow">${this.twin.i18n.text(this.twin.sites.get(a.siteId)?.name, a.siteId)}</span>
                  <span>${formatNumber(a.value.result)} ${a.ds.unit}</span>
                </li>`,
              )}
            </ul>`
          : html`<div class="dim" data-testid="alarm-list-empty">${this.lt('noAlarms')}</div>`}
        ${this.detail()}
      </div>
    </div>`;
  }

  private detail() {
    const sel = this.twin.selection;
    const live = this.twin.live;
    if (!sel) return nothing;
    if (sel.layer === DRONES_LAYER) return this.droneCard(sel.id);
    if (sel.layer !== 'sites') return nothing;
    const site = this.twin.sites.get(sel.id);
    if (!site) return nothing;
    const name = this.twin.i18n.text(site.name, site.id);
    if (site.kind === 'sensor') {
      const d = live.datastreamsOf(site.id).find((x) => x.layer === 'sensor');
      if (!d) return nothing;
      const v = live.current(d.id);
      const state = classify(v?.result, d.thresholds);
      return html`<div class="card" data-testid="sensor-card" data-site=${site.id}>
        <div>${name} <span class="dim">${site.id}</span></div>
        <div>
          <span class="big" data-testid="sensor-value">${v ? formatNumber(v.result) : '—'}</span>
          <span data-testid="sensor-unit">${d.unit}</span>
          <span class="conn" data-testid="sensor-state" data-state=${state} style="color:${ALARM_COLORS[state]}">${this.lt(`state_${state}`)}</span>
        </div>
        <table>
          <tr><td>${this.lt('time')}</td><td data-testid="sensor-time">${v ? formatTime(v.t, this.twin.i18n.lang) : '—'}</td></tr>
          ${d.thresholds ? html`<tr><td>${this.lt('thresholds')}</td><td>${d.thresholds.warning ?? '—'} / ${d.thresholds.alarm ?? '—'} ${d.unit} ${d.thresholds.direction === 'below' ? '↓' : '↑'}</td></tr>` : nothing}
        </table>
        <div class="sub">${this.lt('chart24h')}</div>
        <twin-live-chart
          data-testid="sensor-chart"
          .live=${live}
          .ds=${d.id}
          .end=${Math.round(live.time() / 10_000) * 10_000}
          .thresholds=${d.thresholds}
          .unit=${d.unit}
          .emptyText=${this.lt('chartEmpty')}
          .loadingText=${this.lt('chartLoading')}
        ></twin-live-chart>
      </div>`;
    }
    if (site.kind === 'camera') {
      const d = live.datastreamsOf(site.id)[0];
      const status = d ? String(live.current(d.id)?.result ?? '—') : '—';
      const url = site.properties.streamUrl ? String(site.properties.streamUrl) : '';
      return html`<div class="card" data-testid="camera-card" data-site=${site.id}>
        <div>${name} <span class="dim">${site.id}</span></div>
        <table>
          <tr>
            <td>${this.lt('cameraStatus')}</td>
            <td data-testid="camera-status" data-status=${status}>
              ${status === 'recording' || status === 'online' || status === 'offline' ? this.lt(`cam_${status}`) : status}
            </td>
          </tr>
        </table>
        ${url
          ? html`<twin-video-player .url=${url} @video-error=${(e: CustomEvent<string>) => this.twin.error(`${this.lt('videoError')}: ${e.detail}`)}></twin-video-player>`
          : html`<div class="dim">${this.lt('noStream')}</div>`}
        <button data-testid="camera-preview" @click=${() => live.previewCamera(site.id)}>${this.lt('previewView')}</button>
        ${url
          ? html`<button
              data-testid="camera-project"
              aria-pressed=${live.projection?.siteId === site.id}
              @click=${() => this.toggleProjection(site.id)}
            >
              ${this.lt('projectVideo')}
            </button>`
          : nothing}
      </div>`;
    }
    if (site.kind === 'droneport') {
      const drones = live.drones().filter((k) => k.startsWith(site.id + '/'));
      return html`<div class="card">
        <div>${name}</div>
        ${drones.map((k) => html`<button @click=${() => live.flyTo({ layer: DRONES_LAYER, id: k })}>${this.lt('drone')} ${k.split('/').pop()}</button> `)}
      </div>`;
    }
    return nothing;
  }

  private toggleProjection(siteId: string): void {
    const live = this.twin.live;
    if (live.projection?.siteId === siteId) return live.projectVideo(null);
    const player = this.renderRoot.querySelector('twin-video-player') as (HTMLElement & { video: HTMLVideoElement | null }) | null;
    try {
      live.projectVideo(siteId, player?.video ?? null);
    } catch (err) {
      this.twin.error((err as Error).message);
    }
  }

  override updated(): void {
    // The projected video is this panel's <video>: stop projecting when the camera is no longer shown.
    const live = this.twin?.live;
    const sel = this.twin?.selection;
    if (live?.projection && !(sel?.layer === 'sites' && sel.id === live.projection.siteId)) live.projectVideo(null);
  }

  private droneCard(key: string) {
    const live = this.twin.live;
    const { telemetry, battery } = live.droneStreams(key);
    const v = telemetry ? (live.current(telemetry.id)?.result as DroneTelemetry | undefined) : undefined;
    const when = telemetry ? live.current(telemetry.id)?.t : undefined;
    const bat = battery ? live.current(battery.id)?.result : v?.battery;
    return html`<div class="card" data-testid="drone-panel" data-drone=${key}>
      <div>${this.lt('drone')} <b>${key}</b></div>
      ${v
        ? html`<table>
            <tr><td>${this.lt('flightMode')}</td><td data-testid="drone-mode">${v.mode}</td></tr>
            <tr><td>${this.lt('battery')}</td><td data-testid="drone-battery">${formatNumber(bat)} %</td></tr>
            <tr><td>${this.lt('speedMs')}</td><td>${formatNumber(v.speed)} m/s</td></tr>
            <tr><td>${this.lt('altitude')}</td><td>${formatNumber(v.height)} m</td></tr>
            <tr><td>${this.lt('attitude')}</td><td>${formatNumber(v.heading)}° / ${formatNumber(v.pitch)}° / ${formatNumber(v.roll)}°</td></tr>
            <tr><td>${this.lt('position')}</td><td>${v.lon.toFixed(6)}, ${v.lat.toFixed(6)}</td></tr>
            <tr><td>${this.lt('time')}</td><td>${when ? formatTime(when, this.twin.i18n.lang) : '—'}</td></tr>
          </table>`
        : html`<div class="dim">${this.lt('state_unknown')}</div>`}
      <button @click=${() => live.flyTo({ layer: DRONES_LAYER, id: key })}>${this.lt('follow')}</button>
    </div>`;
  }
}

customElements.define('twin-live-panel', TwinLivePanel);
