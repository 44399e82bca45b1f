/** What the browser benches share: in-page scripts (tiles complete, frame intervals), browser CPU time, statistics. */
import fs from 'node:fs';

/**
 * CPU time (ms) used so far by every process below this one (the browser's renderer, GPU and other processes), from
 * /proc; null where /proc is not available. Unlike frame intervals it measures work done, not time waited for a core,
 * so it holds up on a loaded machine. `cmdlineIncludes` keeps only processes whose command line contains it (e.g.
 * `--type=gpu-process`: with software WebGL, SwiftShader runs every draw there).
 */
export function browserCpuMs(cmdlineIncludes?: string): number | null {
  const byPid = browserCpuByPid(cmdlineIncludes);
  if (!byPid) return null;
  let total = 0;
  for (const ms of byPid.values()) total += ms;
  return total;
}

/**
 * CPU time (ms) used so far by each process below this one, by pid, from /proc (optionally only those whose command
 * line contains `cmdlineIncludes`); null where /proc is not available. Pair two snapshots with {@link cpuDeltaMs}:
 * unlike {@link browserCpuMs}, processes that ended in between (e.g. the renderer of a closed browser context) do not
 * make the difference negative.
 */
export function browserCpuByPid(cmdlineIncludes?: string): Map<number, number> | null {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return null;
  }
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const e of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(e), Number(f[1]));
      if (cmdlineIncludes !== undefined && !fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(cmdlineIncludes)) continue;
      cpu.set(Number(e), ((Number(f[11]) + Number(f[12])) * 1000) / 100); // USER_HZ = 100 on Linux
    } catch {
      /* the process ended meanwhile */
    }
  }
  const out = new Map<number, number>();
  for (const [pid, ms] of cpu) {
    let p: number | undefined = parent.get(pid);
    while (p !== undefined && p > 1 && p !== process.pid) p = parent.get(p);
    if (p === process.pid) out.set(pid, ms);
  }
  return out;
}

/** CPU ms used between two {@link browserCpuByPid} snapshots by the processes alive at the second; null without /proc. */
export function cpuDeltaMs(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/**
 * In-page script `(timeoutMs) => Promise<number>`: waits for the viewer (`window.twin.viewer`, or a bare page's
 * `window.viewer`), then resolves with performance.now() once the globe and every shown tileset report loaded on 3
 * consecutive rendered frames. Turns continuous rendering on.
 */
export const WAIT_COMPLETE = `(async (timeoutMs) => {
  const t0 = performance.now();
  for (;;) {
    const v = window.twin?.viewer ?? window.viewer;
    if (v) break;
    if (performance.now() - t0 > timeoutMs) throw new Error('no viewer');
    await new Promise((r) => setTimeout(r, 50));
  }
  const viewer = window.twin?.viewer ?? window.viewer;
  viewer.scene.requestRenderMode = false;
  return await new Promise((resolve, reject) => {
    let streak = 0;
    const timer = setTimeout(() => { remove(); reject(new Error('tiles never completed')); }, timeoutMs);
    const remove = viewer.scene.postRender.addEventListener(() => {
      const scene = viewer.scene;
      const surface = scene.globe._surface;
      let ok = scene.globe.tilesLoaded && surface && surface._tilesToRender.length > 0;
      for (let i = 0; i < scene.primitives.length && ok; i++) {
        const p = scene.primitives.get(i);
        if (p && p.show && typeof p.tilesLoaded === 'boolean') ok = p.tilesLoaded;
      }
      streak = ok ? streak + 1 : 0;
      if (streak >= 3) { clearTimeout(timer); remove(); resolve(performance.now()); }
    });
  });
})`;

/** In-page script `(n) => Promise<number[]>`: the intervals (ms) between n + 1 rendered frames, continuous rendering. */
export const FRAME_INTERVALS = `(async (n) => {
  const viewer = window.twin?.viewer ?? window.viewer;
  viewer.scene.requestRenderMode = false;
  const times = [];
  await new Promise((resolve) => {
    const remove = viewer.scene.postRender.addEventListener(() => {
      times.push(performance.now());
      if (times.length > n) { remove(); resolve(); }
    });
  });
  return times.slice(1).map((t, i) => t - times[i]);
})`;

/** The p-quantile (0..1, nearest rank below) of xs; NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  const a = [...xs].sort((x, y) => x - y);
  return a.length ? a[Math.min(a.length - 1, Math.floor(a.length * p))] : NaN;
}

/** The median of xs (the mean of the middle two for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length === 0 ? NaN : a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}
