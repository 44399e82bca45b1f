import { html, css, nothing } from 'lit';
import { TwinElement, panelStyles } from './base.js';
import './toolbar.js';
import './search-box.js';
import './layer-tree.js';
import './style-panel.js';
import './bim-panel.js';
import './inspector.js';
import './toasts.js';
import './live/live-panel.js';
import './live/timeline.js';

/**
 * The app shell laid over the Cesium canvas: toolbar (top), search and layer/style/BIM panels (left), inspector
 * (right), toasts (bottom). Panels capture pointer events; the rest of the screen goes to the globe.
 */
export class TwinApp extends TwinElement {
  private floodPanelRequested = false;

  static override styles = [
    panelStyles,
    css`
      :host {
        position: absolute;
        inset: 0;
        pointer-events: none;
        display: block;
      }
      .top {
        position: absolute;
        top: 8px;
        right: 8px;
        pointer-events: auto;
        z-index: 2;
      }
      .left {
        position: absolute;
        top: 8px;
        left: 8px;
        width: 280px;
        bottom: 40px;
        display: flex;
        flex-direction: column;
        gap: 8px;
        overflow-y: auto;
        pointer-events: none;
      }
      .left > * {
        pointer-events: auto;
      }
      .right {
        position: absolute;
        top: 60px;
        right: 8px;
        width: 300px;
        max-height: calc(100% - 104px);
        overflow-y: auto;
        pointer-events: auto;
      }
      .bottom {
        position: absolute;
        bottom: 30px;
        left: 50%;
        transform: translateX(-50%);
        pointer-events: auto;
      }
      .timeline {
        position: absolute;
        bottom: 2px;
        right: 8px;
        pointer-events: auto;
      }
      @media (max-width: 900px) {
        .left {
          width: 230px;
        }
        .right {
          width: 240px;
          top: 96px;
          max-height: calc(100% - 140px);
        }
      }
    `,
  ];

  override willUpdate(): void {
    super.willUpdate();
    // The flood panel (and the flood tool behind it) is not needed for the first complete view: its code loads once
    // the view is ready; <twin-flood-panel> below upgrades then (lit keeps the `twin` set on it meanwhile).
    if (this.twin && !this.floodPanelRequested) {
      this.floodPanelRequested = true;
      const twin = this.twin;
      void twin.ready.then(() => import('./flood/flood-panel.js')).catch((err: Error) => twin.error(`flood: ${err.message}`));
    }
  }

  override render() {
    if (!this.twin) return nothing;
    return html`
      <div class="left">
        <twin-search-box .twin=${this.twin}></twin-search-box>
        <twin-layer-tree .twin=${this.twin}></twin-layer-tree>
        <twin-style-panel .twin=${this.twin}></twin-style-panel>
        <twin-bim-panel .twin=${this.twin}></twin-bim-panel>
        <twin-flood-panel .twin=${this.twin}></twin-flood-panel>
      </div>
      <div class="top"><twin-toolbar .twin=${this.twin}></twin-toolbar></div>
      <div class="right"><twin-inspector .twin=${this.twin}></twin-inspector><twin-live-panel .twin=${this.twin}></twin-live-panel></div>
      <div class="timeline"><twin-timeline .twin=${this.twin}></twin-timeline></div>
      <div class="bottom"><twin-toasts .twin=${this.twin}></twin-toasts></div>
    `;
  }
}

customElements.define('twin-app', TwinApp);
