import { html, css, nothing } from 'lit';
import { TwinElement, panelStyles } from './base.js';
import { icon } from './icons.js';
import './add-layer-dialog.js';
import './bookmarks-dialog.js';
import './share-dialog.js';

/** Which dialog the toolbar has open. */
type Dialog = 'none' | 'add' | 'bookmarks' | 'share';

/** The toolbar: home, underground mode, share link, bookmarks, add layer and the language switch. */
export class TwinToolbar extends TwinElement {
  static override properties = { ...TwinElement.properties, dialog: { state: true } };
  static override styles = [
    panelStyles,
    css`
      .bar {
        display: flex;
        gap: 6px;
        padding: 6px;
        align-items: center;
      }
      .title {
        font-weight: 600;
        color: #fff;
        padding: 0 8px 0 4px;
        white-space: nowrap;
      }
      .title small {
        color: var(--text-dim);
        font-weight: 400;
        margin-left: 6px;
      }
      @media (max-width: 1100px) {
        .label,
        .title small {
          display: none;
        }
      }
      .dialog {
        position: absolute;
        right: 0;
        top: calc(100% + 6px);
        width: 360px;
      }
    `,
  ];
  /** Open dialog. */
  dialog: Dialog = 'none';

  private toggle(d: Dialog): void {
    this.dialog = this.dialog === d ? 'none' : d;
  }

  override render() {
    if (!this.twin) return nothing;
    const close = () => (this.dialog = 'none');
    return html`<div style="position:relative">
      <div class="panel bar" data-testid="toolbar">
        <span class="title" data-testid="app-title"
          >${this.t('appTitle')}${this.twin.catalog ? html`<small>${this.twin.i18n.text(this.twin.catalog.title)}</small>` : nothing}</span
        >
        <button data-testid="btn-home" title=${this.t('home')} @click=${() => this.twin.home()}>${icon('home')}<span class="label"> ${this.t('home')}</span></button>
        <button data-testid="btn-underground" title=${this.t('underground')} aria-pressed=${this.twin.underground} @click=${() => this.twin.setUnderground(!this.twin.underground)}>
          ${icon('underground')}<span class="label"> ${this.t('underground')}</span>
        </button>
        <button data-testid="btn-share" title=${this.t('share')} aria-pressed=${this.dialog === 'share'} @click=${() => this.toggle('share')}>${icon('share')}<span class="label"> ${this.t('share')}</span></button>
        <button data-testid="btn-bookmarks" title=${this.t('bookmarks')} aria-pressed=${this.dialog === 'bookmarks'} @click=${() => this.toggle('bookmarks')}>${icon('bookmark')}<span class="label"> ${this.t('bookmarks')}</span></button>
        <button data-testid="btn-add-layer" title=${this.t('addLayer')} aria-pressed=${this.dialog === 'add'} @click=${() => this.toggle('add')}>${icon('add')}<span class="label"> ${this.t('addLayer')}</span></button>
        <button
          data-testid="btn-lang"
          title=${this.t('languageTitle')}
          @click=${() => this.twin.i18n.setLang(this.twin.i18n.lang === 'zh' ? 'en' : 'zh')}
        >
          ${icon('globe')} ${this.t('language')}
        </button>
      </div>
      <div class="dialog">
        ${this.dialog === 'add' ? html`<twin-add-layer-dialog .twin=${this.twin} @close=${close}></twin-add-layer-dialog>` : nothing}
        ${this.dialog === 'bookmarks' ? html`<twin-bookmarks-dialog .twin=${this.twin} @close=${close}></twin-bookmarks-dialog>` : nothing}
        ${this.dialog === 'share' ? html`<twin-share-dialog .twin=${this.twin} @close=${close}></twin-share-dialog>` : nothing}
      </div>
    </div>`;
  }
}

customElements.define('twin-toolbar', TwinToolbar);
