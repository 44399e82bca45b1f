import { describe, expect, it } from 'vitest';
import { ViewComplete, type ViewCompleteScene } from '../../src/viewer/ready/ViewComplete.js';

/** A stand-in scene: `frame()` runs the postRender listeners like one rendered frame. */
function fakeScene(tilesets: { show: boolean; tilesLoaded: boolean }[], globeLoaded = true) {
  const listeners = new Set<() => void>();
  let renderRequests = 0;
  const scene: ViewCompleteScene & { frame(): void; listeners: Set<() => void>; renderRequests(): number } = {
    globe: { show: true, tilesLoaded: globeLoaded },
    primitives: { length: tilesets.length + 1, get: (i: number) => (i === 0 ? { show: true } : tilesets[i - 1]) },
    postRender: {
      addEventListener(f: () => void) {
        listeners.add(f);
        return () => listeners.delete(f);
      },
    },
    requestRender: () => void renderRequests++,
    frame: () => [...listeners].forEach((f) => f()),
    listeners,
    renderRequests: () => renderRequests,
  };
  return scene;
}

describe('ViewComplete', () => {
  it('is complete only when the shown globe and every shown tileset have loaded', () => {
    const city = { show: true, tilesLoaded: true };
    const pipes = { show: false, tilesLoaded: false };
    const scene = fakeScene([city, pipes]);
    expect(ViewComplete.isComplete(scene)).toBe(true); // a hidden tileset does not count
    city.tilesLoaded = false;
    expect(ViewComplete.isComplete(scene)).toBe(false);
    city.tilesLoaded = true;
    scene.globe.tilesLoaded = false;
    expect(ViewComplete.isComplete(scene)).toBe(false);
    scene.globe.show = false; // a hidden globe does not count either
    expect(ViewComplete.isComplete(scene)).toBe(true);
  });

  it('resolves after N consecutive complete frames, restarting the count when loading resumes', async () => {
    const city = { show: true, tilesLoaded: true };
    const scene = fakeScene([city]);
    let done = false;
    const p = ViewComplete.wait({ scene }, 3).then(() => (done = true));
    scene.frame();
    scene.frame();
    city.tilesLoaded = false; // a new tile was requested: the streak starts again
    scene.frame();
    city.tilesLoaded = true;
    scene.frame();
    scene.frame();
    await Promise.resolve();
    expect(done).toBe(false);
    expect(scene.renderRequests()).toBeGreaterThan(0); // keeps frames coming in request-render mode
    scene.frame();
    await p;
    expect(done).toBe(true);
    expect(scene.listeners.size).toBe(0); // the listener is removed
  });

  it('resolves after the timeout when the view never completes', async () => {
    const scene = fakeScene([{ show: true, tilesLoaded: false }]);
    const t0 = Date.now();
    await ViewComplete.wait({ scene }, 3, 50);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
    expect(scene.listeners.size).toBe(0);
  });
});
