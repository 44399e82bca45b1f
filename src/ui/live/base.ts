import { TwinElement } from '../base.js';
import { liveT, type LiveStringKey } from '../../viewer/live/strings.js';

/** Base of the live panels: re-renders on the TwinViewer's changes and on the live controller's updates. */
export class LiveElement extends TwinElement {
  private liveBound: EventTarget | null = null;
  private readonly onLive = () => this.requestUpdate();

  override connectedCallback(): void {
    super.connectedCallback();
    this.bindLive();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unbindLive();
  }

  override willUpdate(): void {
    super.willUpdate();
    if (this.twin?.live !== this.liveBound) this.bindLive();
  }

  private bindLive(): void {
    this.unbindLive();
    const live = this.twin?.live;
    if (!live) return;
    this.liveBound = live;
    live.addEventListener('update', this.onLive);
    live.addEventListener('mode', this.onLive);
  }

  private unbindLive(): void {
    this.liveBound?.removeEventListener('update', this.onLive);
    this.liveBound?.removeEventListener('mode', this.onLive);
    this.liveBound = null;
  }

  /** A live-layer string in the current language. */
  protected lt(key: LiveStringKey): string {
    return liveT(this.twin.i18n, key);
  }
}

/** Formats a time for panels: local date-time, seconds. */
export function formatTime(t: number, lang: 'zh' | 'en'): string {
  return new Date(t).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
}
