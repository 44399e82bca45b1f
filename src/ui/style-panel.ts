import { html, css, nothing } from 'lit';
import { TwinElement, panelStyles } from './base.js';

/** Style panel: colour a layer by one of its `styleBy` attributes; the legend shows the ramp / classes. */
export class TwinStylePanel extends TwinElement {
  static override styles = [
    panelStyles,
    css`
      .body {
        padding: 8px 10px;
        display: grid;
        gap: 6px;
      }
      label {
        display: grid;
        gap: 3px;
        font-size: 12px;
      }
      .ramp {
        display: flex;
        height: 10px;
        border-radius: 3px;
        overflow: hidden;
      }
      .ramp span {
        flex: 1;
      }
    `,
  ];

  override render() {
    if (!this.twin) return nothing;
    const styleable = this.twin.layerList.filter((l) => l.status === 'loaded' && l.spec?.styleBy && Object.keys(l.spec.styleBy).length);
    if (!styleable.length) return nothing;
    return html`<div class="panel ${this.collapsed ? 'collapsed' : ''}" data-testid="style-panel">
      ${this.header(`${this.t('styleBy')}`)}
      <div class="body">
        ${styleable.map(
          (l) => html`<label>
              <span class="dim">${this.twin.i18n.text(l.name)}</span>
              <select
                data-layer=${l.id}
                @change=${(e: Event) => {
                  const v = (e.target as HTMLSelectElement).value;
                  this.twin.layers.setStyleBy(l.id, v === '' ? null : v);
                }}
              >
                <option value="" ?selected=${l.styleBy === null}>${this.t('styleNone')}</option>
                ${Object.keys(l.spec!.styleBy!).map((a) => html`<option value=${a} ?selected=${l.styleBy === a}>${a}</option>`)}
              </select>
            </label>
            ${l.styleBy && l.spec!.styleBy![l.styleBy] === 'numeric' && l.styleClasses.length
              ? html`<div class="ramp" title=${l.styleBy}>${l.styleClasses.map((c) => html`<span style="background:${c.color}"></span>`)}</div>`
              : nothing}`,
        )}
      </div>
    </div>`;
  }
}

customElements.define('twin-style-panel', TwinStylePanel);
