import { html, css, nothing } from 'lit';
import { TwinElement, panelStyles } from './base.js';
import { icon } from './icons.js';
import { SITE_COLORS } from '../viewer/sites/SiteLayer.js';
import type { TwinLayer } from '../viewer/layers/TwinLayer.js';
import { STRINGS, type StringKey } from '../viewer/i18n/strings.js';

/**
 * The layer tree: layers grouped (city, BIM, underground, user...), each with a visibility checkbox, status,
 * opacity slider, zoom-to button and legend (fixed legend from scene.json or the current style's classes).
 */
export class TwinLayerTree extends TwinElement {
  static override styles = [
    panelStyles,
    css`
      .group {
        padding: 4px 10px 2px;
        font-size: 11px;
        color: var(--text-dim);
        text-transform: uppercase;
        letter-spacing: 0.06em;
      }
      .layer {
        padding: 6px 10px;
        border-bottom: 1px solid rgba(90, 170, 255, 0.1);
      }
      .row {
        display: flex;
        align-items: center;
        gap: 6px;
      }
      .name {
        flex: 1;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .status {
        font-size: 11px;
        padding: 0 5px;
        border-radius: 3px;
      }
      .status.loading {
        color: #ffd36b;
      }
      .status.loaded {
        color: #5fe39a;
      }
      .status.failed {
        color: #fff;
        background: var(--danger);
      }
      .err {
        color: #ff9aa4;
        font-size: 11px;
        word-break: break-all;
      }
      .opacity {
        display: flex;
        align-items: center;
        gap: 6px;
        font-size: 11px;
        margin-top: 4px;
      }
      .opacity input {
        flex: 1;
      }
      .opacity span {
        white-space: nowrap;
      }
      .legend {
        display: grid;
        grid-template-columns: 12px 1fr;
        gap: 2px 6px;
        margin: 5px 0 0 22px;
        font-size: 11px;
      }
      .sw {
        width: 12px;
        height: 12px;
        border-radius: 2px;
        margin-top: 2px;
      }
      button.small {
        padding: 1px 6px;
        font-size: 11px;
      }
    `,
  ];

  override render() {
    if (!this.twin) return nothing;
    const groups = new Map<string, TwinLayer[]>();
    for (const l of this.twin.layerList) groups.set(l.group, [...(groups.get(l.group) ?? []), l]);
    return html`<div class="panel ${this.collapsed ? 'collapsed' : ''}" data-testid="layer-tree">
      ${this.header(`${this.t('layers')}`)}
      ${[...groups].map(
        ([g, layers]) => html`<div class="group">${this.groupName(g)}</div>
          ${layers.map((l) => this.renderLayer(l))}`,
      )}
      ${this.twin.catalog?.sites.length
        ? html`<div class="group">${this.t('sites')}</div>
            <div class="layer" data-layer="sites" data-status="loaded">
              <div class="row">
                <input
                  type="checkbox"
                  .checked=${this.twin.sites.dataSource.show}
                  aria-label=${this.t('sites')}
                  @change=${(e: Event) => this.twin.setSitesVisible((e.target as HTMLInputElement).checked)}
                />
                <span class="name">${this.t('sites')} (${this.twin.catalog.sites.length})</span>
              </div>
              <div class="legend">
                ${(['sensor', 'camera', 'droneport'] as const).map(
                  (k) => html`<span class="sw" style="background:${SITE_COLORS[k]};border-radius:50%"></span><span>${this.t(k)}</span>`,
                )}
              </div>
            </div>`
        : nothing}
    </div>`;
  }

  private groupName(g: string): string {
    const key = `group_${g}`;
    return key in STRINGS ? this.t(key as StringKey) : g;
  }

  private renderLayer(l: TwinLayer) {
    const legend = l.styleClasses.length
      ? l.styleClasses.map((c) => ({ color: c.color, label: c.label }))
      : (l.spec?.legend ?? []).map((e) => ({ color: e.color, label: this.twin.i18n.text(e.label) }));
    const statusKey: StringKey = l.status === 'failed' ? 'failed' : l.status === 'loading' ? 'loading' : 'loaded';
    return html`<div class="layer" data-layer=${l.id} data-status=${l.status}>
      <div class="row">
        <input
          type="checkbox"
          .checked=${l.visible}
          aria-label=${this.twin.i18n.text(l.name)}
          @change=${(e: Event) => this.twin.setLayerVisible(l.id, (e.target as HTMLInputElement).checked)}
        />
        <span class="name" title=${l.url}>${this.twin.i18n.text(l.name)}</span>
        <span class="status ${l.status}">${this.t(statusKey)}</span>
        ${l.status === 'loaded'
          ? html`<button class="small" title=${this.t('zoomTo')} @click=${() => this.twin.layers.zoomTo(l.id)}>${icon('zoom')}</button>`
          : nothing}
        ${l.group === 'user' ? html`<button class="small" title=${this.t('remove')} @click=${() => this.twin.layers.remove(l.id)}>${icon('close')}</button>` : nothing}
      </div>
      ${l.status === 'failed' && l.error ? html`<div class="err" data-testid="layer-error">${l.error}</div>` : nothing}
      ${l.status === 'loaded'
        ? html`<div class="opacity">
            <span class="dim">${this.t('opacity')}</span>
            <input
              type="range"
              min="0"
              max="1"
              step="0.05"
              .value=${String(l.opacity)}
              @input=${(e: Event) => this.twin.layers.setOpacity(l.id, Number((e.target as HTMLInputElement).value))}
            />
            <span>${Math.round(l.opacity * 100)}%</span>
          </div>`
        : nothing}
      ${legend.length && l.visible
        ? html`<div class="legend" title=${this.t('legend')}>
            ${legend.map((e) => html`<span class="sw" style="background:${safeColor(e.color)}"></span><span>${e.label}</span>`)}
          </div>`
        : nothing}
    </div>`;
  }
}

/** Only CSS colours of the forms #rgb/#rrggbb/rgb()/rgba() reach a style attribute. */
function safeColor(c: string): string {
  return /^(#[0-9a-fA-F]{3,8}|rgba?\([\d.,\s%]+\))$/.test(c) ? c : '#888';
}

customElements.define('twin-layer-tree', TwinLayerTree);
