import type { Viewer } from 'cesium';

/** The part of a Cesium scene that ViewComplete reads (structural, so tests can pass a stand-in). */
export interface ViewCompleteScene {
  globe: { show: boolean; tilesLoaded: boolean };
  primitives: { length: number; get(i: number): unknown };
  postRender: { addEventListener(f: () => void): () => void };
  requestRender(): void;
}

/**
 * Waits until the view is complete: the globe (when shown) and every shown 3D tileset have no tile left to load, on
 * several consecutive rendered frames. It is the benchmark's "all visible tiles loaded" criterion; the viewer starts
 * work that is not needed for the first complete frame (sites, search indexes, live layers) after it.
 */
export class ViewComplete {
  /** Whether nothing in view is still loading: globe (when shown) and every shown primitive with `tilesLoaded`. */
  static isComplete(scene: ViewCompleteScene): boolean {
    if (scene.globe.show && !scene.globe.tilesLoaded) return false;
    for (let i = 0; i < scene.primitives.length; i++) {
      const p = scene.primitives.get(i) as { show?: boolean; tilesLoaded?: unknown } | undefined;
      if (p && p.show !== false && typeof p.tilesLoaded === 'boolean' && !p.tilesLoaded) return false;
    }
    return true;
  }

  /**
   * Resolves once the view was complete on `frames` consecutive rendered frames, or after `timeoutMs` (never rejects).
   * @param viewer the Cesium viewer (or anything with a compatible `scene`)
   * @param frames consecutive complete frames required
   * @param timeoutMs how long to wait at most
   */
  static wait(viewer: Viewer | { scene: ViewCompleteScene }, frames = 3, timeoutMs = 120_000): Promise<void> {
    const scene = viewer.scene as unknown as ViewCompleteScene;
    return new Promise((resolve) => {
      let streak = 0;
      const finish = () => {
        remove();
        clearTimeout(timer);
        resolve();
      };
      const remove = scene.postRender.addEventListener(() => {
        streak = ViewComplete.isComplete(scene) ? streak + 1 : 0;
        if (streak >= frames) finish();
        // In request-render mode, keep frames coming until the streak is reached.
        else scene.requestRender();
      });
      const timer = setTimeout(finish, timeoutMs);
      scene.requestRender();
    });
  }
}
