/**
 * Replay of live layers from history: a per-datastream series buffer filled from the gateway's "state at t" answer
 * plus windows of observations, and a clock that advances the replay time at 1×–60× the wall clock.
 * Pure TypeScript: no DOM, no fetch; the viewer fills the buffer and asks for values.
 */

/** One observation as the buffer keeps it. */
export interface SeriesPoint {
  /** phenomenonTime, ms since epoch. */
  t: number;
  result: unknown;
}

/** Per-datastream observations sorted by time; answers "value of ds at time t". */
export class ReplaySeries {
  private readonly series = new Map<number, SeriesPoint[]>();
  /** Data is complete (state + every observation) for times in [from, until]. */
  from = Number.POSITIVE_INFINITY;
  /** End of the time range covered by loaded windows. */
  until = Number.NEGATIVE_INFINITY;

  /** Clears everything and starts coverage at `t` with the state (latest value ≤ t) of each datastream. */
  reset(t: number, state: Iterable<{ ds: number; t: number; result: unknown }>): void {
    this.series.clear();
    for (const s of state) this.insert(s.ds, { t: s.t, result: s.result });
    this.from = t;
    this.until = t;
  }

  /**
   * Adds observations with times in (until, to] and extends coverage to `to`. Rows may come in any order and may
   * repeat rows already held (same t): duplicates are replaced, not doubled.
   */
  addWindow(to: number, rows: Iterable<{ ds: number; t: number; result: unknown }>): void {
    for (const r of rows) this.insert(r.ds, { t: r.t, result: r.result });
    if (to > this.until) this.until = to;
  }

  private insert(ds: number, p: SeriesPoint): void {
    let arr = this.series.get(ds);
    if (!arr) this.series.set(ds, (arr = []));
    const i = upperBound(arr, p.t);
    if (i > 0 && arr[i - 1].t === p.t) arr[i - 1] = p;
    else arr.splice(i, 0, p);
  }

  /** Latest observation of `ds` at or before `t` (undefined when none is held). */
  valueAt(ds: number, t: number): SeriesPoint | undefined {
    const arr = this.series.get(ds);
    if (!arr) return undefined;
    const i = upperBound(arr, t);
    return i > 0 ? arr[i - 1] : undefined;
  }

  /** Observations of `ds` with time in (t0, t1], oldest first (e.g. a drone's trail). */
  between(ds: number, t0: number, t1: number): SeriesPoint[] {
    const arr = this.series.get(ds);
    if (!arr) return [];
    return arr.slice(upperBound(arr, t0), upperBound(arr, t1));
  }

  /** Datastream ids held. */
  ids(): number[] {
    return [...this.series.keys()];
  }

  /** Whether values at `t` are fully known (inside the loaded range). */
  covers(t: number): boolean {
    return t >= this.from && t <= this.until;
  }

  /** Drops points older than `t`, keeping each datastream's latest point ≤ t (so valueAt(t) stays right). */
  prune(t: number): void {
    for (const arr of this.series.values()) {
      const i = upperBound(arr, t);
      if (i > 1) arr.splice(0, i - 1);
    }
    if (t > this.from) this.from = t;
  }

  /** Number of points held. */
  get size(): number {
    let n = 0;
    for (const a of this.series.values()) n += a.length;
    return n;
  }
}

/** First index whose t is greater than `t`. */
function upperBound(arr: SeriesPoint[], t: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid].t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Replay speeds the UI offers. */
export const REPLAY_SPEEDS = [1, 2, 5, 10, 30, 60] as const;

/** Maps wall time to replay time: t = t0 + (wall − wall0) × speed while playing; never later than `limit()`. */
export class ReplayClock {
  private t0: number;
  private wall0: number;
  private rate: number;
  private paused = false;

  /**
   * @param start replay time to start at (ms since epoch)
   * @param wallNow the wall clock now (ms)
   * @param speed 1…60
   * @param limit latest allowed replay time (e.g. () => Date.now()); the clock stops there
   */
  constructor(start: number, wallNow: number, speed = 1, private readonly limit: () => number = () => Number.POSITIVE_INFINITY) {
    this.t0 = start;
    this.wall0 = wallNow;
    this.rate = checkSpeed(speed);
  }

  /** Replay time at wall time `wallNow`. */
  time(wallNow: number): number {
    const t = this.paused ? this.t0 : this.t0 + (wallNow - this.wall0) * this.rate;
    return Math.min(t, this.limit());
  }

  /** Current speed. */
  get speed(): number {
    return this.rate;
  }

  /** Whether the clock is paused. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Changes the speed without a jump in replay time. */
  setSpeed(speed: number, wallNow: number): void {
    this.rebase(wallNow);
    this.rate = checkSpeed(speed);
  }

  /** Pauses or resumes without a jump. */
  setPaused(paused: boolean, wallNow: number): void {
    this.rebase(wallNow);
    this.paused = paused;
  }

  /** Jumps to replay time `t`. */
  seek(t: number, wallNow: number): void {
    this.t0 = t;
    this.wall0 = wallNow;
  }

  private rebase(wallNow: number): void {
    this.t0 = this.time(wallNow);
    this.wall0 = wallNow;
  }
}

function checkSpeed(s: number): number {
  if (!Number.isFinite(s) || s < 1 || s > 60) throw new Error(`replay speed must be between 1 and 60, got ${s}`);
  return s;
}

/**
 * The window of history to load next: from the end of what is covered, `max(60 s, 30 s × speed)` of replay time
 * ahead of `t`, capped at `limit` (the live edge). Returns null when nothing needs loading yet (more than half a
 * window is still ahead).
 */
export function nextWindow(series: Pick<ReplaySeries, 'until'>, t: number, speed: number, limit: number): { from: number; to: number } | null {
  const span = Math.max(60_000, 30_000 * speed);
  if (series.until >= limit) return null;
  if (series.until - t > span / 2) return null;
  const from = series.until;
  const to = Math.min(limit, Math.max(from, t) + span);
  return to > from ? { from, to } : null;
}
