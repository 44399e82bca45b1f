/** Messages between {@link ParallelFloodSimulation} and its strip workers (plain, structured-cloneable data). */
import type { FloodConfig, FloodScalars, FloodStateBuffers } from '../config.js';

/** Main → worker: build the strip's engine on the shared buffers. */
export interface InitMessage {
  type: 'init';
  config: FloodConfig;
  buffers: FloodStateBuffers;
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
  | { type: 'done'; index: number; scalars: FloodScalars }
  | { type: 'error'; index: number; message: string };

/** Byte offset of the Float64 reduction slots in the control buffer. */
export const SLOTS_OFFSET = 16;

/** Size of the control buffer for `count` workers. */
export const controlBytes = (count: number): number => SLOTS_OFFSET + 16 * count;
