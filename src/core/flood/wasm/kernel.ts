/**
 * The WebAssembly kernels of {@link FloodSimulation} (source: ./sweep.wat, compiled into ./sweep-wasm.ts by
 * src/server/flood/build-wasm.ts): the single-thread sweep and the row kernels of the strip-parallel step.
 *
 * Each kernel instance has a private region in a WebAssembly.Memory (header, bed, Manning n², active flags, rain
 * grid, scratch rows, boundary faces, strip halo rows) and works on the state arrays (h, h^(−1/3), qx, qy,
 * maxDepth, arrival) in the same memory. Single thread: one memory of its own. Strip-parallel: one shared memory
 * ({@link FloodSharedMemory}) with the state once and a private region per thread. The engine keeps Float32Array
 * views on the memory (it never grows, so the views stay valid).
 */
import { SWEEP_SHARED_WASM_BASE64, SWEEP_WASM_BASE64 } from './sweep-wasm.js';

/** Bytes of the parameter header at the start of a private region (layout in sweep.wat). */
const HEADER_BYTES = 256;

/** The evolving state arrays (shared between the threads of a strip-parallel run). */
export type FloodStateKey = 'h' | 'hic' | 'qx' | 'qy' | 'maxDepth' | 'arrival';

/** A shared WebAssembly.Memory laid out for a strip-parallel run (see {@link WasmSweep.allocateShared}). */
export interface FloodSharedMemory {
  /** The memory (shared: true). */
  memory: WebAssembly.Memory;
  /** Byte offsets of the state arrays. */
  state: Record<FloodStateKey, number>;
  /** Byte offset of each thread's private region (0: the main thread's view, 1…: the workers). */
  parties: number[];
}

const modules: { plain?: WebAssembly.Module | null; shared?: WebAssembly.Module | null } = {};

/** Decodes base64 without Buffer or atob (works in every JS runtime). */
function decodeBase64(s: string): Uint8Array<ArrayBuffer> {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lut = new Uint8Array(128);
  for (let i = 0; i < A.length; i++) lut[A.charCodeAt(i)] = i;
  let len = s.length;
  while (len > 0 && s[len - 1] === '=') len--;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  for (let i = 0; i < len; i += 4) {
    const a = lut[s.charCodeAt(i)], b = lut[s.charCodeAt(i + 1)];
    const c = i + 2 < len ? lut[s.charCodeAt(i + 2)] : 0, d = i + 3 < len ? lut[s.charCodeAt(i + 3)] : 0;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    if (o < out.length) out[o++] = v >> 16;
    if (o < out.length) out[o++] = (v >> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

/** The compiled module (plain or shared-memory variant), or null where the runtime cannot compile it. Once each. */
function sweepModule(shared: boolean): WebAssembly.Module | null {
  const key = shared ? 'shared' : 'plain';
  const have = modules[key];
  if (have !== undefined) return have;
  let mod: WebAssembly.Module | null = null;
  try {
    if (typeof WebAssembly === 'object') mod = new WebAssembly.Module(decodeBase64(shared ? SWEEP_SHARED_WASM_BASE64 : SWEEP_WASM_BASE64));
  } catch {
    mod = null;
  }
  modules[key] = mod;
  return mod;
}

/** Byte offsets of named arrays from `start` (8-byte aligned), and the end. */
function layout(start: number, sizes: [string, number][]): { at: Record<string, number>; end: number } {
  const at: Record<string, number> = {};
  let off = start;
  for (const [name, bytes] of sizes) {
    at[name] = off;
    off += Math.ceil(bytes / 8) * 8;
  }
  return { at, end: off };
}

const stateSizes = (ncols: number, nrows: number): [string, number][] => {
  const n = ncols * nrows;
  return [['h', 4 * n], ['hic', 4 * n], ['qx', 4 * (ncols + 1) * nrows], ['qy', 4 * ncols * (nrows + 1)], ['maxDepth', 4 * n], ['arrival', 4 * n]];
};

const privateSizes = (ncols: number, nrows: number, withRainGrid: boolean): [string, number][] => {
  const n = ncols * nrows;
  return [
    ['header', HEADER_BYTES], ['z', 4 * n], ['n2', 4 * n], ['active', n], ['rainGrid', withRainGrid ? 4 * n : 0], ['oldRow', 4 * ncols],
    ['bW', 4 * nrows], ['bE', 4 * nrows], ['bN', 4 * ncols], ['bS', 4 * ncols],
    ['above2', 4 * ncols], ['above', 4 * ncols], ['below', 4 * ncols], ['top', 4 * ncols],
  ];
};

const PAGE = 65536;
const MAX_PAGES = 65536;

/** Per-step inputs of the kernels (the engine's prepareStep constants). */
export interface SweepStep {
  theta: number;
  w: number;
  hMin: number;
  n2c: number;
  arrivalDepth: number;
  umaxMargin: number;
  limitKeep: number;
  gdt: number;
  gdtdx: number;
  k: number;
  rainSure: number;
  rainUni: number;
  dt: number;
  t1: number;
  /** Running max |q|/h_f from the boundary faces. */
  umax: number;
  implicit: boolean;
  constN: boolean;
}

/** The arrays and entry points of the WebAssembly kernels for one ncols × nrows grid (one thread). */
export class WasmSweep {
  /** Depth per cell. */
  readonly h: Float32Array;
  /** Bed per cell. */
  readonly z: Float32Array;
  /** h^(−1/3) per cell. */
  readonly hic: Float32Array;
  /** Manning n² per cell. */
  readonly n2: Float32Array;
  /** x-face discharges. */
  readonly qx: Float32Array;
  /** y-face discharges. */
  readonly qy: Float32Array;
  /** Scratch row of old y-face values. */
  readonly oldRow: Float32Array;
  /** 1 where the cell takes part. */
  readonly active: Uint8Array;
  /** Largest depth per cell. */
  readonly maxDepth: Float32Array;
  /** Arrival time per cell. */
  readonly arrival: Float32Array;
  /** Rain per cell (m/s), when the model has a rain grid; else null. */
  readonly rainGrid: Float32Array | null;
  /** New west boundary faces. */
  readonly bW: Float32Array;
  /** New east boundary faces. */
  readonly bE: Float32Array;
  /** New north boundary faces. */
  readonly bN: Float32Array;
  /** New south boundary faces. */
  readonly bS: Float32Array;
  /** Halo rows of the strip-parallel step (in this thread's private region). */
  readonly halo: { above2: Float32Array; above: Float32Array; below: Float32Array; top: Float32Array };
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly ex: {
    sweep: () => void;
    faceRow: (r: number, withY: number, pAbove: number, pBelow: number, umax: number) => number;
    limitRow: (r: number, pTop: number) => void;
    continuityRow: (r: number, hm: number) => number;
    edgeFaceRow: (fr: number, pAbove: number, pOld: number, pBelow: number, pOut: number) => void;
  };

  private constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, ncols: number, nrows: number, withRainGrid: boolean, state: Record<string, number>, priv: number) {
    const n = ncols * nrows;
    const p = layout(priv, privateSizes(ncols, nrows, withRainGrid)).at;
    const buf = memory.buffer;
    const f32 = (at: number, len: number) => new Float32Array(buf, at, len);
    this.h = f32(state.h, n);
    this.hic = f32(state.hic, n);
    this.qx = f32(state.qx, (ncols + 1) * nrows);
    this.qy = f32(state.qy, ncols * (nrows + 1));
    this.maxDepth = f32(state.maxDepth, n);
    this.arrival = f32(state.arrival, n);
    this.z = f32(p.z, n);
    this.n2 = f32(p.n2, n);
    this.active = new Uint8Array(buf, p.active, n);
    this.rainGrid = withRainGrid ? f32(p.rainGrid, n) : null;
    this.oldRow = f32(p.oldRow, ncols);
    this.bW = f32(p.bW, nrows);
    this.bE = f32(p.bE, nrows);
    this.bN = f32(p.bN, ncols);
    this.bS = f32(p.bS, ncols);
    this.halo = { above2: f32(p.above2, ncols), above: f32(p.above, ncols), below: f32(p.below, ncols), top: f32(p.top, ncols) };
    this.i32 = new Int32Array(buf, priv, 32);
    this.f64 = new Float64Array(buf, priv + 128, 16);
    const ptr = [state.h, p.z, state.hic, p.n2, state.qx, state.qy, p.oldRow, p.active, state.maxDepth, state.arrival, p.rainGrid, p.bW, p.bE, p.bN, p.bS];
    this.i32[0] = ncols;
    this.i32[1] = nrows;
    ptr.forEach((v, j) => (this.i32[2 + j] = v));
    this.i32[19] = withRainGrid ? 1 : 0;
    const instance = new WebAssembly.Instance(module, { env: { memory, cbrt: Math.cbrt } });
    (instance.exports.init as (at: number) => void)(priv);
    this.ex = instance.exports as unknown as WasmSweep['ex'];
  }

  /**
   * The kernel for an ncols × nrows grid in a memory of its own, or null where WebAssembly is unavailable or the
   * grid does not fit in a 32-bit memory (the engine then runs its JavaScript kernels).
   */
  static create(ncols: number, nrows: number, withRainGrid: boolean): WasmSweep | null {
    const mod = sweepModule(false);
    if (!mod) return null;
    try {
      const priv = layout(0, privateSizes(ncols, nrows, withRainGrid));
      const st = layout(priv.end, stateSizes(ncols, nrows));
      const pages = Math.ceil(st.end / PAGE);
      if (pages > MAX_PAGES) return null;
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
      return new WasmSweep(mod, memory, ncols, nrows, withRainGrid, st.at, 0);
    } catch {
      return null;
    }
  }

  /**
   * A shared memory for a strip-parallel run with `parties` threads (main view + workers), or null where shared
   * WebAssembly memory is unavailable (e.g. a page that is not cross-origin isolated) or too small.
   */
  static allocateShared(ncols: number, nrows: number, withRainGrid: boolean, parties: number): FloodSharedMemory | null {
    if (!sweepModule(true)) return null;
    try {
      const st = layout(0, stateSizes(ncols, nrows));
      const starts: number[] = [];
      let end = st.end;
      for (let k = 0; k < parties; k++) {
        starts.push(end);
        end = layout(end, privateSizes(ncols, nrows, withRainGrid)).end;
      }
      const pages = Math.ceil(end / PAGE);
      if (pages > MAX_PAGES) return null;
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
      return { memory, state: st.at as Record<FloodStateKey, number>, parties: starts };
    } catch {
      return null;
    }
  }

  /** The kernel of thread `party` on a shared memory from {@link allocateShared}; throws if it cannot be built. */
  static attachShared(mem: FloodSharedMemory, party: number, ncols: number, nrows: number, withRainGrid: boolean): WasmSweep {
    const mod = sweepModule(true);
    if (!mod) throw new Error('shared WebAssembly memory is not available in this thread');
    if (!(party >= 0 && party < mem.parties.length)) throw new Error(`party ${party}: the shared memory has ${mem.parties.length}`);
    const st = layout(0, stateSizes(ncols, nrows));
    const need = layout(mem.parties[mem.parties.length - 1], privateSizes(ncols, nrows, withRainGrid)).end;
    if (mem.memory.buffer.byteLength < need || (['h', 'hic', 'qx', 'qy', 'maxDepth', 'arrival'] as const).some((k) => mem.state[k] !== st.at[k])) {
      throw new Error(`shared memory: laid out for another grid than ${ncols}×${nrows}`);
    }
    return new WasmSweep(mod, mem.memory, ncols, nrows, withRainGrid, mem.state, mem.parties[party]);
  }

  /** Whether this runtime can run the WebAssembly kernels (`shared`: on a shared memory). */
  static available(shared = false): boolean {
    return sweepModule(shared) !== null;
  }

  /** Writes the per-step constants into the header (before the row kernels of a step). */
  setStep(s: SweepStep): void {
    const f = this.f64;
    const i = this.i32;
    i[17] = s.implicit ? 1 : 0;
    i[18] = s.constN ? 1 : 0;
    f[0] = s.theta;
    f[1] = s.w;
    f[2] = s.hMin;
    f[3] = s.n2c;
    f[4] = s.arrivalDepth;
    f[5] = s.umaxMargin;
    f[6] = s.limitKeep;
    f[7] = s.gdt;
    f[8] = s.gdtdx;
    f[9] = s.k;
    f[10] = s.rainSure;
    f[11] = s.rainUni;
    f[12] = s.dt;
    f[13] = s.t1;
    f[14] = s.umax;
  }

  /** Runs one single-thread sweep (faces, limiting, continuity); returns the new max |q|/h_f and max depth. */
  run(s: SweepStep): { umax: number; hmax: number } {
    this.setStep(s);
    this.ex.sweep();
    return { umax: this.f64[14], hmax: this.f64[15] };
  }

  /** Row kernel A (see sweep.wat): `above` / `below` are views on this memory, `belowAt` an index into `below`. */
  faceRow(r: number, withY: boolean, above: Float32Array, below: Float32Array, belowAt: number, umax: number): number {
    return this.ex.faceRow(r, withY ? 1 : 0, above.byteOffset, below.byteOffset + 4 * belowAt, umax);
  }

  /** Row kernel B; `top`: the private copy of the row's north faces, or null. */
  limitRow(r: number, top: Float32Array | null): void {
    this.ex.limitRow(r, top ? top.byteOffset : 0);
  }

  /** Row kernel C; returns the running max depth. */
  continuityRow(r: number, hm: number): number {
    return this.ex.continuityRow(r, hm);
  }

  /** y-face row fr from old values into `out` (all views on this memory; `below` at index `belowAt`). */
  edgeFaceRow(fr: number, above: Float32Array, old: Float32Array, below: Float32Array, belowAt: number, out: Float32Array): void {
    this.ex.edgeFaceRow(fr, above.byteOffset, old.byteOffset, below.byteOffset + 4 * belowAt, out.byteOffset);
  }
}
