/** Messages between {@link ParallelFloodSimulation} and its strip workers (plain, structured-cloneable data). */
import type { FloodConfig, FloodScalars, FloodStateBuffers } from '../config.js';
import type { FloodSharedMemory } from '../wasm/kernel.js';

/** Main → worker: build the strip's engine on the shared buffers. */
export interface InitMessage {
  type: 'init';
  config: FloodConfig;
  /** The state on SharedArrayBuffers (JavaScript row kernels), or … */
  buffers?: FloodStateBuffers;
  /** … the shared WebAssembly memory (WebAssembly row kernels; this worker's private region is party index + 1). */
  memory?: FloodSharedMemory;
  /**
   * Barrier ints (Int32 × BARRIER_INTS), the strip claim counter (Int32 at CLAIM_INT), then per-strip [hmax, umax]
   * Float64 slots at byte SLOTS_OFFSET, then the Float64 scalars of the step ({@link SCALAR_SLOTS}).
   */
  control: SharedArrayBuffer;
  /** This worker's index. */
  index: number;
  /** Number of workers. */
  count: number;
  /**
   * Row boundaries of the strips (strips + 1 values). As many strips as workers: worker w runs strip w every step
   * (static). More strips than workers (shared WebAssembly memory only): every step each worker claims strips from
   * the claim counter until none is left (dynamic), so a worker that another process slows down takes fewer.
   * Strip 0 keeps the boundary books.
   */
  bounds: number[];
}

/** Main → worker: step until simulated time `until` or `maxSteps` steps (all workers get the same). */
export interface RunMessage {
  type: 'run';
  until: number;
  maxSteps: number;
}

/** Main → worker: take these scalars (after the main thread restored a snapshot into the shared buffers). */
export interface SetScalarsMessage {
  type: 'setScalars';
  scalars: FloodScalars;
}

/** Any message to a worker. */
export type ToWorker = InitMessage | RunMessage | SetScalarsMessage;

/** Worker → main. */
export type FromWorker =
  | { type: 'ready'; index: number }
  | { type: 'done'; index: number; scalars: FloodScalars; timing?: StripTiming }
  | { type: 'error'; index: number; message: string };

/** Wall time (ms) a worker spent in the last run: stepping its strip, and waiting at the barriers for the others. */
export interface StripTiming {
  /** Phases 1 and 2 and the reduction. */
  workMs: number;
  /** Inside Barrier.wait (spinning or sleeping until the slowest strip arrives). */
  waitMs: number;
  /** Steps taken. */
  steps: number;
}

/** Int32 index of the strip claim counter in the control buffer (after the barrier's ints). */
export const CLAIM_INT = 3;

/** Byte offset of the Float64 reduction slots in the control buffer. */
export const SLOTS_OFFSET = 16;

/** Float64 scalars after the strip slots: time, steps, dt, books (rain, pointIn, boundaryIn, out, initial). */
export const SCALAR_SLOTS = 8;

/** Size of the control buffer for `strips` strips. */
export const controlBytes = (strips: number): number => SLOTS_OFFSET + 16 * strips + 8 * SCALAR_SLOTS;
