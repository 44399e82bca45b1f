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

/** What is decoding the stream: the browser's own player, hls.js or mpegts.js (both feed Media Source Extensions). */
export type VideoEngine = 'native' | 'hls.js' | 'mpegts.js';

/**
 * A muted, looping video for a camera stream: mp4/webm natively, HLS through hls.js (the browser's own HLS player only
 * where Media Source Extensions are missing, e.g. iOS Safari), HTTP-FLV / WS-FLV (the usual output of GB/T 28181
 * gateways such as ZLMediaKit and of the twin's own video gateway, /api/video) through mpegts.js. The libraries load on
 * demand. Fires `video-error` with a message; the engine in use is `engine` and the video's `data-engine` attribute.
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
  /** The engine playing the current URL (undefined before it is attached). */
  engine: VideoEngine | undefined;
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
    this.engine = undefined;
    const native = () => {
      video.src = url;
      this.teardown = () => {
        video.removeAttribute('src');
        video.load();
      };
      return 'native' as const;
    };
    try {
      if (kind === 'native') this.setEngine(video, native());
      else if (kind === 'hls') {
        const { default: Hls } = await import('hls.js');
        if (this.attached !== url) return;
        if (!Hls.isSupported()) {
          if (!video.canPlayType('application/vnd.apple.mpegurl')) throw new Error('HLS is not supported by this browser (no Media Source Extensions, no native HLS)');
          this.setEngine(video, native());
          return void (await video.play().catch(() => {}));
        }
        const hls = new Hls();
        this.setEngine(video, 'hls.js');
        hls.on(Hls.Events.ERROR, (_e, data) => data.fatal && this.fail(`${url}: HLS ${data.type} ${data.details}`));
        hls.loadSource(url);
        hls.attachMedia(video);
        this.teardown = () => hls.destroy();
      } else {
        const mpegts = (await import('mpegts.js')).default;
        if (this.attached !== url) return;
        if (!mpegts.isSupported()) throw new Error('FLV playback (Media Source Extensions) is not supported by this browser');
        const player = mpegts.createPlayer({ type: 'flv', isLive: true, url });
        this.setEngine(video, 'mpegts.js');
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

  private setEngine(video: HTMLVideoElement, engine: VideoEngine): void {
    this.engine = engine;
    video.dataset.engine = engine;
  }

  override render() {
    return html`<video data-testid="camera-video" muted playsinline autoplay loop controls></video>`;
  }
}

customElements.define('twin-video-player', TwinVideoPlayer);
