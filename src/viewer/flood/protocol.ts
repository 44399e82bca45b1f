/**
 * Messages between the app and the flood worker (flood.worker.ts). Plain structured-cloneable data; frame arrays
 * are transferred, not copied.
 */
import type { FloodConfig, MassBalance } from '../../core/flood/config.js';

/**
 * Which engine a run may use: 'auto' (default) the WebGPU engine where the adapter is a real GPU (not a software
 * fallback such as SwiftShader, where the CPU engines are faster), else the CPU engines; 'gpu' the WebGPU engine on
 * any adapter (an error where there is none); 'cpu' the CPU engines (WebAssembly, strip-parallel where possible).
 */
export type FloodEnginePreference = 'auto' | 'gpu' | 'cpu';

/** The kernels a run uses: 'wasm' / 'js' (CPU engines) or 'webgpu' (src/viewer/flood/gpu). */
export type FloodEngineKernel = 'wasm' | 'js' | 'webgpu';

/** App → worker. */
export type FloodWorkerRequest =
  /** Builds the simulation and runs to `duration` s, posting a frame every `frameEvery` s of model time. */
  | { type: 'start'; config: FloodConfig; duration: number; frameEvery: number; engine?: FloodEnginePreference }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' };

/** Worker → app. */
export type FloodWorkerMessage =
  | { type: 'progress'; time: number; steps: number; dt: number; maxDepth: number; wallMs: number }
  /** A stored frame: depth (mm) and speed (mm/s) per cell, quantised to Uint16. */
  | { type: 'frame'; time: number; depthMm: Uint16Array; speedMms: Uint16Array }
  | { type: 'paused'; time: number }
  /** End of the run: maximum depth (mm) and arrival time (s, NaN = never) per cell, mass balance. */
  | { type: 'done'; time: number; steps: number; wallMs: number; maxDepthMm: Uint16Array; arrival: Float32Array; mass: MassBalance }
  | { type: 'error'; message: string }
  /**
   * The engine the run uses (sent once, before the first frame): the WebGPU engine (`kernel` 'webgpu', `adapter`
   * its description), or strip-parallel on `workers` nested workers when the page is cross-origin isolated
   * (SharedArrayBuffer), else one thread; `kernel` 'wasm' or 'js'.
   */
  | { type: 'engine'; parallel: boolean; workers: number; kernel: FloodEngineKernel; adapter?: string };
