import { LitElement, css, html, svg, nothing } from 'lit';

/** One line (or bar set) of a chart. */
export interface ChartSeries {
  label: string;
  color: string;
  /** x values (e.g. minutes). */
  x: number[];
  /** y values. */
  y: number[];
  /** Unit shown on its axis. */
  unit: string;
  /** Draw as bars (e.g. a hyetograph). */
  bars?: boolean;
}

/** Nice upper bound of an axis. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

/**
 * A small SVG chart: one or two series over a shared x axis, the first on the left axis, the second on the right
 * (each scaled to its own maximum). An optional vertical marker shows the current time.
 */
export class FloodChart extends LitElement {
  static override properties = { series: { attribute: false }, marker: { type: Number }, xLabel: { type: String } };
  static override styles = css`
    :host {
      display: block;
      font: 10px sans-serif;
      color: #8da3bd;
    }
    svg {
      width: 100%;
      height: 110px;
      display: block;
    }
    .legend {
      display: flex;
      gap: 10px;
      justify-content: center;
    }
    .sw {
      display: inline-block;
      width: 10px;
      height: 3px;
      vertical-align: middle;
      margin-right: 3px;
    }
  `;
  /** Series (1 or 2). */
  series: ChartSeries[] = [];
  /** x of the marker line, or NaN. */
  marker = NaN;
  /** Label of the x axis. */
  xLabel = '';

  override render() {
    const s = this.series.filter((v) => v.x.length);
    if (!s.length) return nothing;
    const W = 260, H = 110, L = 30, R = s.length > 1 ? 30 : 8, T = 6, B = 18;
    const xs = s.flatMap((v) => v.x);
    const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1e-9);
    const X = (x: number) => L + ((x - x0) / (x1 - x0 || 1)) * (W - L - R);
    const axes = s.map((v) => niceMax(Math.max(...v.y, 0)));
    const Y = (y: number, k: number) => H - B - (y / axes[k]) * (H - T - B);
    return html`<svg viewBox="0 0 ${W} ${H}" role="img">
        <rect x=${L} y=${T} width=${W - L - R} height=${H - T - B} fill="none" stroke="rgba(141,163,189,.35)" />
        ${s.map((v, k) => {
          if (v.bars) {
            const bw = Math.max(1, (W - L - R) / v.x.length - 0.5);
            return v.x.map((x, i) => svg`<rect x=${X(x)} y=${Y(v.y[i], k)} width=${bw} height=${H - B - Y(v.y[i], k)} fill=${v.color} />`);
          }
          return svg`<polyline fill="none" stroke=${v.color} stroke-width="1.6" points=${v.x.map((x, i) => `${X(x).toFixed(1)},${Y(v.y[i], k).toFixed(1)}`).join(' ')} />`;
        })}
        ${Number.isFinite(this.marker) ? svg`<line x1=${X(this.marker)} x2=${X(this.marker)} y1=${T} y2=${H - B} stroke="#ffd400" stroke-dasharray="3 2" />` : nothing}
        <text x=${L - 3} y=${T + 8} text-anchor="end" fill=${s[0].color}>${axes[0]}</text>
        <text x=${L - 3} y=${H - B} text-anchor="end">0</text>
        ${s[1] ? svg`<text x=${W - R + 3} y=${T + 8} fill=${s[1].color}>${axes[1]}</text>` : nothing}
        <text x=${L} y=${H - 4}>${Math.round(x0)}</text>
        <text x=${W - R} y=${H - 4} text-anchor="end">${Math.round(x1)} ${this.xLabel}</text>
      </svg>
      <div class="legend">${s.map((v) => html`<span><span class="sw" style="background:${v.color}"></span>${v.label} (${v.unit})</span>`)}</div>`;
  }
}

customElements.define('twin-flood-chart', FloodChart);
