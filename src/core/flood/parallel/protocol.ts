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
  /** Barrier ints (Int32 × BARRIER_INTS) then per-worker [hmax, umax] Float64 slots at byte 16. */
  control: SharedArrayBuffer;
  /** This worker's index (0 keeps the boundary books). */
  index: number;
  /** Number of workers. */
  count: number;
  /** First row of the strip. */
  r0: number;
  /** One past the last row of the strip. */
  r1: number;
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

/** Byte offset of the Float64 reduction slots in the control buffer. */
export const SLOTS_OFFSET = 16;

/** Size of the control buffer for `count` workers. */
export const controlBytes = (count: number): number => SLOTS_OFFSET + 16 * count;
