/**
 * Storage of depth / speed frames of a flood run, for scrubbing the timeline and probing time series.
 * Frames are quantised to millimetres (depth) and mm/s (speed) in Uint16 arrays: half the memory of Float32 and
 * exact to 0.5 mm (values above 65.535 saturate). Pure: no DOM.
 */

/** Largest value a quantised frame holds (m or m/s). */
export const FRAME_MAX = 65.535;

/** One stored frame. */
export interface Frame {
  /** Model time (s). */
  time: number;
  /** Depth per cell in mm. */
  depthMm: Uint16Array;
  /** Speed per cell in mm/s. */
  speedMms: Uint16Array;
}

const quantise = (src: ArrayLike<number>, out: Uint16Array) => {
  for (let i = 0; i < out.length; i++) {
    const v = src[i];
    out[i] = v > 0 ? (v >= FRAME_MAX ? 65535 : Math.round(v * 1000)) : 0; // NaN and negatives → 0
  }
  return out;
};

/** Frames in time order for one grid of `cells` cells. */
export class FrameStore {
  /** Frames, time ascending. */
  readonly frames: Frame[] = [];

  /** @param cells cells per frame (ncols·nrows) */
  constructor(readonly cells: number) {}

  /** Adds a frame from float depths (m) and speeds (m/s); times must increase. */
  add(time: number, depth: ArrayLike<number>, speed: ArrayLike<number>): Frame {
    if (depth.length !== this.cells || speed.length !== this.cells) throw new RangeError(`frame at ${time} s: ${depth.length}/${speed.length} values, expected ${this.cells}`);
    const last = this.frames[this.frames.length - 1];
    if (last && !(time > last.time)) throw new RangeError(`frame at ${time} s is not after the last frame (${last.time} s)`);
    const f = { time, depthMm: quantise(depth, new Uint16Array(this.cells)), speedMms: quantise(speed, new Uint16Array(this.cells)) };
    this.frames.push(f);
    return f;
  }

  /** Adds an already quantised frame (from a worker). */
  addQuantised(f: Frame): void {
    if (f.depthMm.length !== this.cells || f.speedMms.length !== this.cells) throw new RangeError(`frame at ${f.time} s has the wrong size`);
    const last = this.frames[this.frames.length - 1];
    if (last && !(f.time > last.time)) throw new RangeError(`frame at ${f.time} s is not after the last frame (${last.time} s)`);
    this.frames.push(f);
  }

  /** Number of frames. */
  get length(): number {
    return this.frames.length;
  }

  /** Time of the last frame (0 when empty). */
  get endTime(): number {
    return this.frames.length ? this.frames[this.frames.length - 1].time : 0;
  }

  /** Index of the frame shown at `time`: the last frame at or before it (0 before the first). −1 when empty. */
  indexAt(time: number): number {
    const fr = this.frames;
    if (!fr.length) return -1;
    let lo = 0, hi = fr.length - 1;
    if (time >= fr[hi].time) return hi;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (fr[mid].time <= time) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The frame shown at `time`, or null when empty. */
  frameAt(time: number): Frame | null {
    const i = this.indexAt(time);
    return i < 0 ? null : this.frames[i];
  }

  /** Depth (m) and speed (m/s) of one cell over all frames. */
  series(cell: number): { time: number[]; depth: number[]; speed: number[] } {
    if (!(cell >= 0 && cell < this.cells)) throw new RangeError(`cell ${cell} outside the grid (0..${this.cells - 1})`);
    return {
      time: this.frames.map((f) => f.time),
      depth: this.frames.map((f) => f.depthMm[cell] / 1000),
      speed: this.frames.map((f) => f.speedMms[cell] / 1000),
    };
  }

  /** Bytes held. */
  get bytes(): number {
    return this.frames.length * this.cells * 4;
  }

  /** Drops every frame. */
  clear(): void {
    this.frames.length = 0;
  }
}
