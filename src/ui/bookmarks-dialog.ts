import { html, css, nothing } from 'lit';
import { TwinElement, panelStyles } from './base.js';
import { decodeViewState } from '../core/scene/viewstate.js';

/** Bookmarks: save the current view (kept in localStorage), open or delete saved ones. */
export class TwinBookmarksDialog extends TwinElement {
  static override styles = [
    panelStyles,
    css`
      .body {
        padding: 10px;
        display: grid;
        gap: 8px;
      }
      .row {
        display: flex;
        gap: 6px;
        align-items: center;
      }
      .row input {
        flex: 1;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li {
        display: flex;
        gap: 6px;
        align-items: center;
        padding: 4px 0;
        border-top: 1px solid rgba(90, 170, 255, 0.1);
      }
      li span {
        flex: 1;
      }
    `,
  ];

  override render() {
    if (!this.twin?.bookmarks) return nothing;
    const list = this.twin.bookmarks.list();
    return html`<div class="panel" data-testid="bookmarks-dialog">
      <h3>${this.t('bookmarks')}</h3>
      <div class="body">
        <div class="row">
          <input id="bm-name" placeholder=${this.t('bookmarkName')} data-testid="bookmark-name" />
          <button data-testid="bookmark-save" @click=${this.save}>${this.t('saveBookmark')}</button>
        </div>
        ${list.length
          ? html`<ul>
              ${list.map(
                (b) => html`<li data-bookmark=${b.name}>
                  <span>${b.name}</span>
                  <button @click=${() => this.open(b.hash)}>${this.t('open')}</button>
                  <button @click=${() => (this.twin.bookmarks!.remove(b.name), this.requestUpdate())}>${this.t('delete')}</button>
                </li>`,
              )}
            </ul>`
          : html`<div class="dim">${this.t('noBookmarks')}</div>`}
      </div>
    </div>`;
  }

  private save(): void {
    const input = this.renderRoot.querySelector<HTMLInputElement>('#bm-name');
    const hash = this.twin.shareUrl().split('#')[1] ?? '';
    this.twin.bookmarks!.save(input?.value ?? '', hash);
    if (input) input.value = '';
    this.requestUpdate();
  }

  private open(hash: string): void {
    try {
      void this.twin.setState(decodeViewState(hash, this.twin.defaultState()));
    } catch (err) {
      this.twin.error(`${this.t('errorLink')}: ${(err as Error).message}`);
    }
  }
}

customElements.define('twin-bookmarks-dialog', TwinBookmarksDialog);
