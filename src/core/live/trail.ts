/** A moving object's recent positions (a drone's trail): a bounded buffer ordered by time. Pure TypeScript. */

/** One trail point. */
export interface TrailPoint {
  /** ms since epoch. */
  t: number;
  lon: number;
  lat: number;
  height: number;
}

/** Keeps at most `maxPoints` positions not older than `maxAgeMs` before the newest. */
export class TrailBuffer {
  private pts: TrailPoint[] = [];

  /**
   * @param maxAgeMs trail length in time (default 2 minutes)
   * @param maxPoints hard cap on points (default 600 = 2 min at 5 Hz)
   */
  constructor(
    readonly maxAgeMs = 120_000,
    readonly maxPoints = 600,
  ) {}

  /** Adds a position. Out-of-order points are inserted in time order; a repeated time replaces the point. */
  push(p: TrailPoint): void {
    const a = this.pts;
    if (!a.length || p.t > a[a.length - 1].t) a.push(p);
    else {
      let i = a.length;
      while (i > 0 && a[i - 1].t > p.t) i--;
      if (i > 0 && a[i - 1].t === p.t) a[i - 1] = p;
      else a.splice(i, 0, p);
    }
    const newest = a[a.length - 1].t;
    let drop = 0;
    while (drop < a.length && a[drop].t < newest - this.maxAgeMs) drop++;
    drop = Math.max(drop, a.length - this.maxPoints);
    if (drop > 0) a.splice(0, drop);
  }

  /** Points up to time `t` (all when omitted), oldest first. */
  points(t = Number.POSITIVE_INFINITY): TrailPoint[] {
    return this.pts.filter((p) => p.t <= t && p.t >= Math.min(t, this.newest ?? t) - this.maxAgeMs);
  }

  /** Time of the newest point, or undefined when empty. */
  get newest(): number | undefined {
    return this.pts.length ? this.pts[this.pts.length - 1].t : undefined;
  }

  /** Number of points. */
  get length(): number {
    return this.pts.length;
  }

  /** Removes all points (e.g. when switching between live and replay). */
  clear(): void {
    this.pts = [];
  }
}
