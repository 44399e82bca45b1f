import { LitElement, css, html } from 'lit';
import type { TwinViewer } from '../viewer/TwinViewer.js';

/** Shared look of the panels: dark translucent operations-centre style. */
export const panelStyles = css`
  :host {
    --accent: #19e3ff;
    --accent-dim: rgba(25, 227, 255, 0.18);
    --panel-bg: rgba(10, 18, 30, 0.84);
    --panel-border: rgba(90, 170, 255, 0.28);
    --text: #d8e6f5;
    --text-dim: #8da3bd;
    --danger: #ff5d6c;
    color: var(--text);
    font: 13px/1.45 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif;
  }
  .panel {
    background: var(--panel-bg);
    border: 1px solid var(--panel-border);
    border-radius: 6px;
    box-shadow: 0 4px 18px rgba(0, 0, 0, 0.45);
    backdrop-filter: var(--twin-panel-blur, blur(6px));
  }
  h3 {
    display: flex;
    align-items: center;
    justify-content: space-between;
    cursor: pointer;
    user-select: none;
    margin: 0;
    padding: 8px 10px;
    font-size: 12px;
    font-weight: 600;
    letter-spacing: 0.08em;
    text-transform: uppercase;
    color: var(--accent);
    border-bottom: 1px solid var(--panel-border);
  }
  button {
    background: rgba(25, 60, 95, 0.7);
    color: var(--text);
    border: 1px solid var(--panel-border);
    border-radius: 4px;
    padding: 4px 9px;
    font: inherit;
    cursor: pointer;
  }
  button:hover {
    border-color: var(--accent);
  }
  button.on,
  button[aria-pressed='true'] {
    background: var(--accent-dim);
    border-color: var(--accent);
    color: #fff;
  }
  input,
  select {
    background: rgba(5, 12, 22, 0.85);
    color: var(--text);
    border: 1px solid var(--panel-border);
    border-radius: 4px;
    padding: 4px 6px;
    font: inherit;
  }
  input[type='range'] {
    padding: 0;
    accent-color: var(--accent);
  }
  .dim {
    color: var(--text-dim);
  }
  .chevron {
    font-size: 10px;
    color: var(--text-dim);
    transition: transform 0.15s;
  }
  .collapsed .chevron {
    transform: rotate(-90deg);
  }
  .collapsed > :not(h3) {
    display: none !important;
  }
`;

/**
 * Base of the app's components: holds the TwinViewer and re-renders when it or the UI language changes.
 */
export class TwinElement extends LitElement {
  static override properties = { twin: { attribute: false }, collapsed: { state: true } };
  /** The viewer this component shows and drives. */
  twin!: TwinViewer;
  /** Whether the panel is folded to its title bar. */
  collapsed = false;
  private bound: TwinViewer | null = null;
  private readonly onChange = () => this.requestUpdate();

  override connectedCallback(): void {
    super.connectedCallback();
    this.bind();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unbind();
  }

  override willUpdate(): void {
    if (this.twin !== this.bound) this.bind();
  }

  private bind(): void {
    this.unbind();
    if (!this.twin) return;
    this.bound = this.twin;
    this.twin.addEventListener('change', this.onChange);
    this.twin.i18n.addEventListener('change', this.onChange);
  }

  private unbind(): void {
    if (!this.bound) return;
    this.bound.removeEventListener('change', this.onChange);
    this.bound.i18n.removeEventListener('change', this.onChange);
    this.bound = null;
  }

  /** A panel title bar that folds / unfolds the panel (the panel element gets class "collapsed"). */
  protected header(title: string) {
    return html`<h3
      role="button"
      tabindex="0"
      aria-expanded=${!this.collapsed}
      @click=${() => (this.collapsed = !this.collapsed)}
      @keydown=${(e: KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && (this.collapsed = !this.collapsed)}
    >
      <span>${title}</span><span class="chevron">▼</span>
    </h3>`;
  }

  /** Shortcut for the UI string lookup. */
  protected t(key: Parameters<TwinViewer['i18n']['t']>[0]): string {
    return this.twin.i18n.t(key);
  }
}
