import { html, css, nothing } from 'lit';
import { TwinElement, panelStyles } from './base.js';
import type { SearchHit } from '../viewer/search/searchIndex.js';

/** The search box: name / id / address over the layers' search indexes; choosing a result flies there and selects it. */
export class TwinSearchBox extends TwinElement {
  static override properties = { ...TwinElement.properties, query: { state: true }, open: { state: true } };
  static override styles = [
    panelStyles,
    css`
      .box {
        display: flex;
        gap: 6px;
        padding: 6px;
      }
      input {
        flex: 1;
        min-width: 0;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0 0 4px;
        max-height: 300px;
        overflow: auto;
      }
      li {
        padding: 5px 10px;
        cursor: pointer;
        border-top: 1px solid rgba(90, 170, 255, 0.1);
      }
      li:hover,
      li:focus {
        background: var(--accent-dim);
        outline: none;
      }
      .sub {
        font-size: 11px;
        color: var(--text-dim);
      }
      .none {
        padding: 6px 10px;
      }
    `,
  ];
  /** Current query text. */
  query = '';
  /** Whether the results list is open. */
  open = false;

  override render() {
    if (!this.twin) return nothing;
    const hits: SearchHit[] = this.open ? this.twin.search(this.query, 20) : [];
    return html`<div class="panel" data-testid="search">
      <div class="box">
        <input
          type="search"
          data-testid="search-input"
          .value=${this.query}
          placeholder=${this.t('searchPlaceholder')}
          aria-label=${this.t('search')}
          @input=${(e: Event) => {
            this.query = (e.target as HTMLInputElement).value;
            this.open = true;
          }}
          @keydown=${(e: KeyboardEvent) => {
            if (e.key === 'Enter' && hits[0]) this.choose(hits[0]);
            if (e.key === 'Escape') this.open = false;
          }}
        />
      </div>
      ${this.open && this.query.trim()
        ? hits.length
          ? html`<ul data-testid="search-results">
              ${hits.map(
                (h) => html`<li
                  tabindex="0"
                  data-id=${h.entry.id}
                  @click=${() => this.choose(h)}
                  @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.choose(h)}
                >
                  <div>${h.entry.name}</div>
                  <div class="sub">${h.entry.id}${h.entry.address ? ' · ' + h.entry.address : ''}</div>
                </li>`,
              )}
            </ul>`
          : html`<div class="none dim">${this.t('noResults')}</div>`
        : nothing}
    </div>`;
  }

  private choose(h: SearchHit): void {
    this.open = false;
    this.query = h.entry.name;
    void this.twin.flyToEntry(h.entry);
  }
}

customElements.define('twin-search-box', TwinSearchBox);
