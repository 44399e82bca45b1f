import { LitElement, css, html } from 'lit';
import type { LiveController } from '../../viewer/live/LiveController.js';
import { ALARM_COLORS, type Thresholds } from '../../core/live/thresholds.js';

const DAY = 86_400_000;

/**
 * A 24-hour line chart of one datastream drawn on a canvas: values from the gateway's history API, the warning and
 * alarm thresholds as dashed lines, and the current time. Refetches when the datastream changes or the end time
 * moves by more than 30 s.
 */
export class TwinLiveChart extends LitElement {
  static override properties = { live: { attribute: false }, ds: { type: Number }, end: { type: Number }, thresholds: { attribute: false }, unit: {}, emptyText: {}, loadingText: {} };
  static override styles = css`
    :host {
      display: block;
    }
    canvas {
      width: 100%;
      height: 110px;
      display: block;
    }
    .msg {
      font-size: 11px;
      color: #8da3bd;
      height: 14px;
    }
  `;
  /** The live controller (history source). */
  live!: LiveController;
  /** Datastream id. */
  ds = 0;
  /** End of the window (ms). */
  end = 0;
  /** Threshold lines. */
  thresholds: Thresholds | null = null;
  /** Unit label. */
  unit = '';
  /** Text without data. */
  emptyText = '';
  /** Text while loading. */
  loadingText = '';
  /** Points drawn (for tests). */
  points: { t: number; v: number }[] = [];
  private loadedFor = { ds: -1, end: 0 };
  private status: 'loading' | 'ok' | 'empty' | 'error' = 'loading';
  private errorText = '';
  private fetching = false;

  override updated(): void {
    if (!this.live || !this.ds) return;
    if (!this.fetching && (this.ds !== this.loadedFor.ds || Math.abs(this.end - this.loadedFor.end) > 30_000)) void this.load();
    this.draw();
  }

  private async load(): Promise<void> {
    const ds = this.ds;
    const end = this.end;
    this.fetching = true;
    if (ds !== this.loadedFor.ds) {
      this.status = 'loading';
      this.points = [];
    }
    try {
      const rows = await this.live.history(ds, end - DAY, end, 20_000);
      this.points = rows.filter((r) => typeof r.v === 'number').map((r) => ({ t: r.t, v: r.v as number }));
      this.status = this.points.length ? 'ok' : 'empty';
    } catch (err) {
      this.status = 'error';
      this.errorText = (err as Error).message;
    }
    this.loadedFor = { ds, end };
    this.fetching = false;
    this.setAttribute('data-points', String(this.points.length));
    this.requestUpdate();
  }

  private draw(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    if (!canvas) return;
    const w = canvas.clientWidth || 260;
    const h = canvas.clientHeight || 110;
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    if (canvas.width !== Math.round(w * dpr)) canvas.width = Math.round(w * dpr);
    if (canvas.height !== Math.round(h * dpr)) canvas.height = Math.round(h * dpr);
    const g = canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const pts = this.points;
    const t0 = this.end - DAY;
    const t1 = this.end;
    const th = this.thresholds;
    const values = pts.map((p) => p.v);
    for (const x of [th?.warning, th?.alarm]) if (x !== undefined && values.length) values.push(x);
    let lo = values.length ? Math.min(...values) : 0;
    let hi = values.length ? Math.max(...values) : 1;
    if (hi - lo < 1e-9) {
      lo -= 1;
      hi += 1;
    }
    const padL = 36;
    const padB = 14;
    const X = (t: number) => padL + ((t - t0) / (t1 - t0)) * (w - padL - 4);
    const Y = (v: number) => 4 + (1 - (v - lo) / (hi - lo)) * (h - padB - 8);
    g.font = '10px sans-serif';
    g.fillStyle = '#8da3bd';
    g.strokeStyle = 'rgba(141,163,189,0.25)';
    g.lineWidth = 1;
    for (const v of [lo, (lo + hi) / 2, hi]) {
      g.beginPath();
      g.moveTo(padL, Y(v));
      g.lineTo(w - 4, Y(v));
      g.stroke();
      g.fillText(fmt(v), 2, Y(v) + 3);
    }
    for (let k = 0; k <= 4; k++) {
      const t = t0 + (k * DAY) / 4;
      const d = new Date(t);
      g.fillText(`${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`, Math.min(w - 30, X(t) - 12), h - 2);
    }
    const dashed = (v: number | undefined, color: string) => {
      if (v === undefined) return;
      g.save();
      g.setLineDash([4, 3]);
      g.strokeStyle = color;
      g.beginPath();
      g.moveTo(padL, Y(v));
      g.lineTo(w - 4, Y(v));
      g.stroke();
      g.restore();
    };
    dashed(th?.warning, ALARM_COLORS.warning);
    dashed(th?.alarm, ALARM_COLORS.alarm);
    if (pts.length) {
      g.strokeStyle = '#19e3ff';
      g.lineWidth = 1.5;
      g.beginPath();
      pts.forEach((p, i) => (i ? g.lineTo(X(p.t), Y(p.v)) : g.moveTo(X(p.t), Y(p.v))));
      g.stroke();
      const last = pts[pts.length - 1];
      g.fillStyle = '#19e3ff';
      g.beginPath();
      g.arc(X(last.t), Y(last.v), 2.5, 0, 2 * Math.PI);
      g.fill();
    }
  }

  override render() {
    const msg = this.status === 'loading' ? this.loadingText : this.status === 'empty' ? this.emptyText : this.status === 'error' ? this.errorText : `${this.points.length} · ${this.unit}`;
    return html`<canvas role="img" aria-label=${this.unit}></canvas>
      <div class="msg" data-status=${this.status}>${msg}</div>`;
  }
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

customElements.define('twin-live-chart', TwinLiveChart);
