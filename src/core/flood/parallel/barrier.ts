/**
 * A reusable barrier for a fixed number of workers on shared memory (Atomics.wait / notify). Works in Node
 * worker_threads and in browser Web Workers (not on a browser's main thread, where Atomics.wait is forbidden).
 */

/** Int32 slots the barrier uses: [arrived, generation, aborted]. */
export const BARRIER_INTS = 3;

/** Thrown in every waiting worker when one of them called {@link Barrier.abort}. */
export class BarrierAbortedError extends Error {
  constructor() {
    super('flood workers: another worker failed; run aborted');
    this.name = 'BarrierAbortedError';
  }
}

/** Sense-counting barrier: the last of `parties` to arrive bumps the generation and wakes the others. */
export class Barrier {
  private readonly a: Int32Array;

  /**
   * @param ints three Int32 slots in a SharedArrayBuffer, zero at the start, shared by all parties.
   * @param parties number of workers that meet at the barrier.
   * @param spin polls before sleeping (a short spin pays when the other worker is a few µs behind).
   */
  constructor(ints: Int32Array, private readonly parties: number, private readonly spin = 2000) {
    if (ints.length < BARRIER_INTS) throw new Error(`Barrier: needs ${BARRIER_INTS} Int32 slots`);
    this.a = ints;
  }

  /** Waits until all parties arrived. Throws {@link BarrierAbortedError} if the run was aborted. */
  wait(): void {
    const a = this.a;
    if (Atomics.load(a, 2) !== 0) throw new BarrierAbortedError();
    const gen = Atomics.load(a, 1);
    if (Atomics.add(a, 0, 1) === this.parties - 1) {
      Atomics.store(a, 0, 0);
      Atomics.add(a, 1, 1);
      Atomics.notify(a, 1);
      return;
    }
    for (let i = 0; i < this.spin; i++) if (Atomics.load(a, 1) !== gen) return;
    while (Atomics.load(a, 1) === gen) {
      Atomics.wait(a, 1, gen, 1000);
      if (Atomics.load(a, 2) !== 0) throw new BarrierAbortedError();
    }
  }

  /** Marks the run as failed and wakes everybody (they throw {@link BarrierAbortedError}). */
  abort(): void {
    Atomics.store(this.a, 2, 1);
    Atomics.add(this.a, 1, 1);
    Atomics.notify(this.a, 1);
  }

  /** Clears an abort (all parties idle). */
  reset(): void {
    Atomics.store(this.a, 0, 0);
    Atomics.store(this.a, 2, 0);
  }
}
