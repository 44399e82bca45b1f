/**
 * Configuration types of the 2D flood engine ({@link FloodSimulation}). Plain data: a config can be posted
 * to a Web Worker as-is (typed arrays are structured-cloneable).
 */
import type { Grid } from '../grid/grid.js';
import type { TimeSeries } from '../formats/csv.js';

/** A side of the grid. North = row 0. */
export type BoundarySide = 'north' | 'south' | 'east' | 'west';

/** All four sides, in a fixed order. */
export const BOUNDARY_SIDES: readonly BoundarySide[] = ['north', 'south', 'east', 'west'];

/**
 * Boundary condition of one side.
 * - closed: a wall (no flux).
 * - free: outflow only, at normal depth for the local slope (bed or water surface, whichever is steeper,
 *   or the given `slope`), never more than critical flow h·√(g·h); critical flow where no slope falls outward.
 * - level: a water level outside the side (constant number or a hydrograph in metres); water flows in or out
 *   by the same local-inertial momentum equation as inside.
 */
export type BoundaryCondition =
  | { type: 'closed' }
  | { type: 'free'; slope?: number }
  | { type: 'level'; level: number | TimeSeries };

/** A point inflow (e.g. a culvert, a breach, a sewer overflow) at map coordinates. */
export interface PointInflow {
  /** X in the DEM's units. */
  x: number;
  /** Y in the DEM's units. */
  y: number;
  /** Discharge hydrograph: time in s, m³/s. */
  hydrograph: TimeSeries;
  /** Optional label for messages. */
  name?: string;
}

/** A gauge: a named point whose depth is sampled. */
export interface Gauge {
  name: string;
  x: number;
  y: number;
}

/** Which adaptive time step to use. */
export type TimeStepRule =
  /** Δt = α·√θ·Δx / (max|u| + √(g·h_max)): velocity-aware, stable for thin fast sheet flow (default). */
  | 'velocity'
  /** Δt = α·√θ·Δx / √(g·h_max): the plain rule of Bates et al. (2010) (with θ = 1 exactly theirs). */
  | 'depth';

/** Everything a {@link FloodSimulation} needs. */
export interface FloodConfig {
  /** Bed elevation (m). NaN cells are outside the domain (walls). Cells must be square. */
  dem: Grid;
  /** Manning's n (s/m^(1/3)): one value or a grid aligned with the DEM. */
  manning: number | Grid;
  /**
   * Rain in mm/h: a constant, a hyetograph (time s → mm/h, linear between points) or a grid aligned with the DEM
   * (constant in time). Falls on every active cell; not on blocked cells.
   */
  rain?: number | TimeSeries | Grid;
  /** Point inflow hydrographs. */
  inflows?: PointInflow[];
  /** Initial water surface level (m): depth = max(0, level − bed). */
  initialLevel?: number;
  /** Initial depth grid (m), added after `initialLevel`. */
  initialDepth?: Grid;
  /** Blocked cells (buildings): 1 = wall. Same size as the DEM (row-major, row 0 = north). */
  blocked?: Uint8Array;
  /** Boundary conditions per side; closed where not given. */
  boundaries?: Partial<Record<BoundarySide, BoundaryCondition>>;
  /** θ of de Almeida et al. (2012), 0.5 ≤ θ ≤ 1 (θ ≤ 0.9 recommended). Default 0.7. */
  theta?: number;
  /** Courant-like α of the time step. Default 0.7. */
  alpha?: number;
  /** Time-step rule. Default 'velocity'. */
  timeStep?: TimeStepRule;
  /**
   * Manning friction: 'implicit' (default: solves q'·(1 + c|q'|) = B exactly, one square root per face; stays
   * stable in thin fast sheet flow on steep beds) or 'semi-implicit' (Bates et al. 2010: the old |q| in the
   * denominator).
   */
  friction?: 'semi-implicit' | 'implicit';
  /** Largest time step (s). Default 5. */
  maxDt?: number;
  /** Faces with flow depth below this (m) carry no flux. Default 1e-5. */
  minFlowDepth?: number;
  /** Depth (m) at which a cell counts as flooded for the time of arrival. Default 0.01. */
  arrivalDepth?: number;
  /** Gravity (m/s²). Default 9.81. */
  gravity?: number;
  /** Start time (s). Default 0. */
  startTime?: number;
  /** Gauges to sample with {@link FloodSimulation.gaugeDepths}. */
  gauges?: Gauge[];
  /**
   * Kernels: 'auto' (default: WebAssembly where the runtime has it, else JavaScript), 'wasm' (a
   * {@link FloodConfigError} where WebAssembly is missing) or 'js'. Both give the same result bit for bit.
   * Strip-parallel runs: WebAssembly row kernels on one shared WebAssembly memory, or with 'js' (or without shared
   * WebAssembly memory) JavaScript row kernels on SharedArrayBuffers.
   */
  kernel?: FloodKernel;
}

/** The single-thread kernel of a {@link FloodSimulation}, see {@link FloodConfig.kernel}. */
export type FloodKernel = 'auto' | 'wasm' | 'js';

/** Running mass balance (m³). */
export interface MassBalance {
  /** Rain that fell on active cells. */
  rain_m3: number;
  /** Point inflows plus inflow through level boundaries. */
  inflow_m3: number;
  /** Point-inflow part of inflow_m3. */
  point_inflow_m3: number;
  /** Boundary part of inflow_m3. */
  boundary_inflow_m3: number;
  /** Outflow through free and level boundaries. */
  outflow_m3: number;
  /** Water initially in the domain. */
  initial_storage_m3: number;
  /** Water now in the domain. */
  storage_m3: number;
  /** storage − (initial + rain + inflow − outflow). */
  error_m3: number;
  /** error / (initial + rain + inflow), 0 when nothing entered. */
  relative_error: number;
}

/** Progress report passed to callbacks. */
export interface FloodProgress {
  /** Simulated time (s). */
  time: number;
  /** Steps taken. */
  steps: number;
  /** Last time step (s). */
  dt: number;
  /** Deepest cell now (m). */
  maxDepth: number;
}

/** A copy of the full state, enough to resume exactly (pause/resume, worker hand-over). */
export interface FloodSnapshot {
  time: number;
  steps: number;
  dt: number;
  /** Depth per cell (m). */
  h: Float32Array;
  /** Unit-width discharge on x-faces (m²/s), (ncols+1)·nrows, positive eastward. */
  qx: Float32Array;
  /** Unit-width discharge on y-faces (m²/s), ncols·(nrows+1), positive southward (increasing row). */
  qy: Float32Array;
  maxDepth: Float32Array;
  arrival: Float32Array;
  umax: number;
  mass: { rain: number; pointIn: number; boundaryIn: number; out: number; initial: number };
}

/** Backing buffers of the evolving state (Float32 each); SharedArrayBuffers for strip-parallel runs. */
export interface FloodStateBuffers {
  /** Depth per cell. */
  h: ArrayBufferLike;
  /** h^(−1/3) per cell (kept by the engine). */
  hic: ArrayBufferLike;
  /** x-face discharges, (ncols+1)·nrows. */
  qx: ArrayBufferLike;
  /** y-face discharges, ncols·(nrows+1). */
  qy: ArrayBufferLike;
  /** Largest depth per cell. */
  maxDepth: ArrayBufferLike;
  /** Arrival time per cell. */
  arrival: ArrayBufferLike;
}

/** The scalar part of a simulation's state (clock, maxima, mass books in m³). */
export interface FloodScalars {
  time: number;
  steps: number;
  dt: number;
  umax: number;
  hmax: number;
  mass: { rain: number; pointIn: number; boundaryIn: number; out: number; initial: number };
}
