import { html, css, nothing } from 'lit';
import { TwinElement, panelStyles } from './base.js';

/** BIM panel: storey list (isolate), explode storeys with a gap slider, and a movable section plane. */
export class TwinBimPanel extends TwinElement {
  static override styles = [
    panelStyles,
    css`
      .body {
        padding: 8px 10px;
        display: grid;
        gap: 8px;
      }
      .storeys {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      .storeys button {
        padding: 2px 7px;
        font-size: 12px;
      }
      .row {
        display: flex;
        align-items: center;
        gap: 6px;
        font-size: 12px;
      }
      .row input[type='range'] {
        flex: 1;
      }
    `,
  ];

  override render() {
    if (!this.twin) return nothing;
    const c = this.twin.bimControllers()[0];
    const layer = c?.layer;
    if (!c || !layer || layer.status !== 'loaded' || !layer.visible) return nothing;
    const s = c.state();
    const storeys = layer.spec?.storeys ?? [];
    const top = Math.ceil(c.heightRange());
    const apply = (fn: () => void) => {
      try {
        fn();
      } catch (err) {
        this.twin.error((err as Error).message);
      }
      this.twin.changed();
    };
    return html`<div class="panel ${this.collapsed ? 'collapsed' : ''}" data-testid="bim-panel">
      ${this.header(`${this.t('bim')} · ${this.twin.i18n.text(layer.name)}`)}
      <div class="body">
        <div class="dim">${this.t('storeys')} (${this.t('isolate')})</div>
        <div class="storeys">
          <button aria-pressed=${s.storey === null} @click=${() => apply(() => c.isolate(null))}>${this.t('allStoreys')}</button>
          ${storeys.map(
            (st) => html`<button data-storey=${st.id} aria-pressed=${s.storey === st.id} title=${`${st.elevation} m`} @click=${() => apply(() => c.isolate(st.id))}>
              ${this.twin.i18n.text(st.name, st.id)}
            </button>`,
          )}
        </div>
        <div class="row">
          <span>${this.t('explode')}</span>
          <input
            type="range"
            min="0"
            max="20"
            step="0.5"
            data-testid="explode"
            .value=${String(s.explode)}
            @input=${(e: Event) => apply(() => c.explode(Number((e.target as HTMLInputElement).value)))}
          />
          <span>${s.explode} m</span>
        </div>
        <div class="row">
          <label><input type="checkbox" .checked=${s.section !== null} @change=${(e: Event) => apply(() => c.setSection((e.target as HTMLInputElement).checked ? Math.round(top / 2) : null))} /> ${this.t('section')}</label>
        </div>
        ${s.section !== null
          ? html`<div class="row">
              <span>${this.t('sectionHeight')}</span>
              <input
                type="range"
                min="0"
                max=${top}
                step="0.5"
                data-testid="section"
                .value=${String(s.section)}
                @input=${(e: Event) => apply(() => c.setSection(Number((e.target as HTMLInputElement).value)))}
              />
              <span>${s.section} m</span>
            </div>`
          : nothing}
      </div>
    </div>`;
  }
}

customElements.define('twin-bim-panel', TwinBimPanel);
