import { html, css, nothing } from 'lit';
import { TwinElement, panelStyles } from './base.js';

/** The inspector: every property of the selected feature or site, as text (lit text bindings, never HTML). */
export class TwinInspector extends TwinElement {
  static override styles = [
    panelStyles,
    css`
      .body {
        max-height: calc(100vh - 200px);
        overflow: auto;
        padding: 6px 10px 10px;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 12px;
      }
      td {
        padding: 3px 4px;
        border-bottom: 1px solid rgba(90, 170, 255, 0.1);
        vertical-align: top;
        word-break: break-word;
      }
      td.k {
        color: var(--text-dim);
        width: 42%;
      }
      .head {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 6px;
        margin-bottom: 6px;
      }
      .id {
        color: var(--accent);
        font-weight: 600;
        word-break: break-all;
      }
    `,
  ];

  override render() {
    if (!this.twin) return nothing;
    const info = this.twin.selectionInfo();
    return html`<div class="panel ${this.collapsed ? 'collapsed' : ''}" data-testid="inspector">
      ${this.header(`${this.t('inspector')}`)}
      <div class="body">
        ${!info
          ? html`<div class="dim">${this.t('noSelection')}</div>`
          : html`<div class="head">
                <div>
                  <div class="dim">${this.t('layer')}: ${info.layerName}</div>
                  <div class="id" data-testid="selected-id">${info.selection.id}</div>
                </div>
                <button @click=${() => this.twin.select(null)} title=${this.t('clearSelection')}>✕</button>
              </div>
              ${info.properties.length
                ? html`<table data-testid="properties">
                    ${info.properties.map(([k, v]) => html`<tr data-prop=${k}><td class="k">${k}</td><td class="v">${v}</td></tr>`)}
                  </table>`
                : html`<div class="dim">${info.found ? this.t('noProperties') : this.t('loading') + '…'}</div>`}`}
      </div>
    </div>`;
  }
}

customElements.define('twin-inspector', TwinInspector);
