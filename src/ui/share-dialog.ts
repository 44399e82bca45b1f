import { html, css, nothing } from 'lit';
import { TwinElement, panelStyles } from './base.js';

/** Share dialog: the link of the current view (camera, layers, style, selection, BIM, language), with a copy button. */
export class TwinShareDialog extends TwinElement {
  static override styles = [
    panelStyles,
    css`
      .body {
        padding: 10px;
        display: grid;
        gap: 8px;
      }
      textarea {
        width: 100%;
        box-sizing: border-box;
        height: 90px;
        background: rgba(5, 12, 22, 0.85);
        color: var(--text);
        border: 1px solid var(--panel-border);
        border-radius: 4px;
        font: 11px monospace;
        resize: vertical;
      }
    `,
  ];

  override render() {
    if (!this.twin) return nothing;
    const url = this.twin.shareUrl();
    return html`<div class="panel" data-testid="share-dialog">
      <h3>${this.t('linkReady')}</h3>
      <div class="body">
        <textarea readonly data-testid="share-url" .value=${url} @focus=${(e: Event) => (e.target as HTMLTextAreaElement).select()}></textarea>
        <button @click=${() => this.copy(url)}>${this.t('share')}</button>
      </div>
    </div>`;
  }

  private async copy(url: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(url);
      this.twin.toast('info', this.t('linkCopied'));
    } catch {
      this.renderRoot.querySelector('textarea')?.select();
    }
  }
}

customElements.define('twin-share-dialog', TwinShareDialog);
