import { html, css, nothing } from 'lit';
import { panelStyles } from '../base.js';
import { LiveElement, formatTime } from './base.js';
import { REPLAY_SPEEDS } from '../../core/live/replay.js';

/** `datetime-local` value of a time in the browser's zone. */
function toLocalInput(t: number): string {
  const d = new Date(t - new Date(t).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}

/**
 * The time bar: live ↔ replay. In live mode it shows the connection and offers quick jumps back (10 min, 1 h, 24 h)
 * or any date-time; in replay it shows the replay time, play/pause, speed 1×–60× and "back to live".
 */
export class TwinTimeline extends LiveElement {
  static override styles = [
    panelStyles,
    css`
      .bar {
        display: flex;
        gap: 5px;
        align-items: center;
        padding: 3px 6px;
        font-size: 12px;
      }
      button,
      select,
      input {
        padding: 1px 6px;
        font-size: 12px;
      }
      .now {
        font-variant-numeric: tabular-nums;
        min-width: 128px;
        color: #fff;
      }
      .mode {
        font-weight: 600;
      }
      .mode.live {
        color: #3ee08f;
      }
      .mode.replay {
        color: #ffc21a;
      }
    `,
  ];
  private timer: number | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = window.setInterval(() => this.requestUpdate(), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
  }

  override render() {
    const live = this.twin?.live;
    if (!live) return nothing;
    const replay = live.mode === 'replay';
    const t = live.time();
    const back = (min: number) => void live.replayAt(Date.now() - min * 60_000);
    return html`<div class="panel bar" data-testid="timeline" data-mode=${live.mode}>
      <span class="mode ${live.mode}" data-testid="timeline-mode">${replay ? this.lt('replay') : this.lt('live')}</span>
      <span class="now" data-testid="timeline-time" data-t=${Math.round(t)}>${formatTime(t, this.twin.i18n.lang)}</span>
      ${replay
        ? html`<button data-testid="btn-pause" @click=${() => live.setPaused(!live.clock?.isPaused)}>${live.clock?.isPaused ? '▶' : '❚❚'}</button>
            <label title=${this.lt('speed')}
              ><select data-testid="speed" @change=${(e: Event) => live.setSpeed(Number((e.target as HTMLSelectElement).value))}>
                ${REPLAY_SPEEDS.map((s) => html`<option value=${s} ?selected=${s === live.speed}>${s}×</option>`)}
              </select></label
            >
            <button data-testid="btn-live" @click=${() => live.goLive()}>● ${this.lt('backToLive')}</button>`
        : html`<button data-testid="btn-back-10" @click=${() => back(10)}>−10 ${this.lt('minutesAgo')}</button>
            <button data-testid="btn-back-60" @click=${() => back(60)}>−1 h</button>
            <button data-testid="btn-back-1440" @click=${() => back(1440)}>−24 h</button>`}
      <input
        type="datetime-local"
        step="1"
        aria-label=${this.lt('replayTime')}
        data-testid="replay-input"
        max=${toLocalInput(Date.now())}
        @change=${(e: Event) => {
          const v = Date.parse((e.target as HTMLInputElement).value);
          if (Number.isFinite(v)) void live.replayAt(v);
        }}
      />
    </div>`;
  }
}

customElements.define('twin-timeline', TwinTimeline);
