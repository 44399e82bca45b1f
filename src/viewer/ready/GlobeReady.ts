import type { Viewer } from 'cesium';

/**
 * Waits until the globe has rendered with its tiles loaded. `globe.tilesLoaded` is already true before the first frame
 * queued any tile, so this also requires that tile loading was seen (tileLoadProgressEvent > 0) or that enough frames
 * passed, and then that `tilesLoaded` held for several consecutive rendered frames.
 */
export class GlobeReady {
  /**
   * Resolves with null when loaded, or with an error text after `timeoutMs` (never rejects).
   * @param viewer the Cesium viewer
   * @param timeoutMs how long to wait at most
   */
  static wait(viewer: Viewer, timeoutMs = 120_000): Promise<string | null> {
    const scene = viewer.scene;
    const globe = scene.globe;
    return new Promise((resolve) => {
      let sawQueue = false;
      let frames = 0;
      let stable = 0;
      const removeProgress = globe.tileLoadProgressEvent.addEventListener((queued: number) => {
        if (queued > 0) sawQueue = true;
      });
      const finish = (err: string | null) => {
        removeProgress();
        removeRender();
        clearTimeout(timer);
        resolve(err);
      };
      const removeRender = scene.postRender.addEventListener(() => {
        frames++;
        if (!(sawQueue || frames > 60)) return;
        stable = globe.tilesLoaded ? stable + 1 : 0;
        if (stable >= 3) finish(null);
      });
      const timer = setTimeout(() => finish(`globe tiles not loaded after ${timeoutMs / 1000} s`), timeoutMs);
    });
  }
}
