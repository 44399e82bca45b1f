import { LitElement, css, html } from 'lit';

/** How a URL is played. */
export type VideoKind = 'native' | 'hls' | 'flv';

/** Picks the player for a stream URL: .m3u8 → HLS (hls.js), .flv (HTTP/WS-FLV) → mpegts.js, else the native element. */
export function videoKindOf(url: string): VideoKind {
  const path = url.split(/[?#]/)[0].toLowerCase();
  if (path.endsWith('.m3u8')) return 'hls';
  if (path.endsWith('.flv') || /^wss?:/.test(url)) return 'flv';
  return 'native';
}

/**
 * A muted, looping video for a camera stream: mp4/webm natively, HLS through hls.js, HTTP-FLV / WS-FLV (the usual
 * output of GB/T 28181 gateways) through mpegts.js. The libraries load on demand. Fires `video-error` with a message.
 */
export class TwinVideoPlayer extends LitElement {
  static override properties = { url: {} };
  static override styles = css`
    video {
      width: 100%;
      max-height: 180px;
      background: #000;
      display: block;
      border-radius: 4px;
    }
  `;
  /** Stream URL. */
  url = '';
  private attached = '';
  private teardown: (() => void) | null = null;

  /** The video element (after first render). */
  get video(): HTMLVideoElement | null {
    return this.renderRoot.querySelector('video');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.teardown?.();
    this.teardown = null;
    this.attached = '';
  }

  override updated(): void {
    if (this.url !== this.attached) void this.attach(this.url);
  }

  private fail(message: string): void {
    this.dispatchEvent(new CustomEvent('video-error', { detail: message, bubbles: true, composed: true }));
  }

  private async attach(url: string): Promise<void> {
    this.teardown?.();
    this.teardown = null;
    this.attached = url;
    const video = this.video;
    if (!video || !url) return;
    video.onerror = () => this.fail(`${url}: ${video.error?.message || `media error ${video.error?.code ?? ''}`}`);
    const kind = videoKindOf(url);
    try {
      if (kind === 'native' || (kind === 'hls' && video.canPlayType('application/vnd.apple.mpegurl'))) {
        video.src = url;
        this.teardown = () => {
          video.removeAttribute('src');
          video.load();
        };
      } else if (kind === 'hls') {
        const { default: Hls } = await import('hls.js');
        if (!Hls.isSupported()) throw new Error('HLS (Media Source Extensions) is not supported by this browser');
        const hls = new Hls();
        hls.on(Hls.Events.ERROR, (_e, data) => data.fatal && this.fail(`${url}: HLS ${data.type} ${data.details}`));
        hls.loadSource(url);
        hls.attachMedia(video);
        this.teardown = () => hls.destroy();
      } else {
        const mpegts = (await import('mpegts.js')).default;
        if (!mpegts.isSupported()) throw new Error('FLV playback (Media Source Extensions) is not supported by this browser');
        const player = mpegts.createPlayer({ type: 'flv', isLive: true, url });
        player.on(mpegts.Events.ERROR, (type: string, detail: string) => this.fail(`${url}: FLV ${type} ${detail}`));
        player.attachMediaElement(video);
        player.load();
        this.teardown = () => {
          player.destroy();
        };
      }
      if (this.attached !== url) return;
      await video.play().catch(() => {
        /* autoplay may wait for a user gesture; controls are shown */
      });
    } catch (err) {
      this.fail(`${url}: ${(err as Error).message}`);
    }
  }

  override render() {
    return html`<video data-testid="camera-video" muted playsinline autoplay loop controls></video>`;
  }
}

customElements.define('twin-video-player', TwinVideoPlayer);
