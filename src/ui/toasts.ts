import { html, css, nothing } from 'lit';
import { TwinElement, panelStyles } from './base.js';
import type { Toast } from '../viewer/TwinViewer.js';

/** How long a toast stays (ms); errors stay longer. */
const TTL = { info: 4000, error: 12000 };

/** The toast / error area: recent messages, errors in red, each closable. */
export class TwinToasts extends TwinElement {
  static override styles = [
    panelStyles,
    css`
      .list {
        display: grid;
        gap: 6px;
      }
      .toast {
        padding: 8px 28px 8px 10px;
        position: relative;
        max-width: 420px;
        word-break: break-word;
      }
      .toast.error {
        border-color: var(--danger);
        box-shadow: 0 0 0 1px rgba(255, 93, 108, 0.35), 0 4px 18px rgba(0, 0, 0, 0.45);
      }
      .toast.error::before {
        content: '⚠ ';
        color: var(--danger);
      }
      .x {
        position: absolute;
        right: 4px;
        top: 4px;
        padding: 0 5px;
        font-size: 11px;
      }
    `,
  ];
  private dismissed = new Set<Toast>();
  private timer: number | undefined;

  override render() {
    if (!this.twin) return nothing;
    const now = performance.now();
    const live = this.twin.toasts.filter((t) => !this.dismissed.has(t) && now - t.time < TTL[t.kind]).slice(-5);
    clearTimeout(this.timer);
    if (live.length) this.timer = window.setTimeout(() => this.requestUpdate(), 1000);
    return html`<div class="list" data-testid="toasts" role="status" aria-live="polite">
      ${live.map(
        (t) => html`<div class="panel toast ${t.kind}" data-kind=${t.kind}>
          ${t.message}
          <button class="x" @click=${() => (this.dismissed.add(t), this.requestUpdate())}>✕</button>
        </div>`,
      )}
    </div>`;
  }
}

customElements.define('twin-toasts', TwinToasts);
