import { createGrid, sampleBilinear, type Grid } from '../grid/grid.js';
import type { Rng } from './random.js';

/** Longitude/latitude (degrees) of the demo's local origin: Zhujiang New Town, Tianhe, Guangzhou. */
export const DEMO_ORIGIN = { lon: 113.32, lat: 23.12 } as const;

/**
 * Geoid undulation N assumed for the whole district (EGM2008 around Guangzhou is about −5 m to −6 m).
 * Ellipsoidal height h = orthometric height H (above mean sea level) + N, so h = H − 5.5.
 * All heights the generator returns are ellipsoidal; sea-level figures in comments are orthometric.
 */
export const GEOID_UNDULATION = -5.5;

/** The city part of the district (local metres): 2.4 km E–W × 1.8 km N–S, north of the river. */
export const DISTRICT = { minX: -1200, maxX: 1200, minY: -700, maxY: 1100 } as const;

/** Extent of the DEM (local metres): the district, the whole river and ≥ 300 m margin on every side. */
export const DEM_EXTENT = { minX: -1500, maxX: 1500, minY: -1460, maxY: 1400 } as const;

/** DEM cell size (m). */
export const DEM_CELL = 2;

/** Orthometric (above sea) levels of the river and its banks (m). */
export const RIVER_LEVELS = {
  /** Top of the natural bank, where the land meets the river. */
  bank: 7.5,
  /** Crest of the flood levees on both banks. */
  leveeCrest: 10.8,
  /** Normal water level of the Pearl River here. */
  normalWater: 2.0,
  /** River bed, 8.5 m below the bank. */
  bed: -1.0,
} as const;

/** The river's plan shape: north and south bank lines as functions of x, and levee geometry. */
export interface RiverShape {
  /** y of the north bank line at x. */
  northBank(x: number): number;
  /** y of the south bank line at x. */
  southBank(x: number): number;
  /** Distance (m) from the north bank line to the landward foot of the north levee. */
  leveeWidth: number;
  /** Inset (m) from the bank line to the normal-water shoreline. */
  shoreInset: number;
}

/** A smooth, local terrain feature (hill or depression). */
export interface TerrainBump {
  x: number;
  y: number;
  /** Height change at the centre (m, negative for a depression). */
  amplitude: number;
  /** Gaussian radius (m). */
  sigma: number;
  name: string;
}

/** Everything the DEM is built from, kept so other parts (sites, drainage, plan) can reuse it. */
export interface TerrainModel {
  dem: Grid;
  river: RiverShape;
  hill: TerrainBump;
  depressions: TerrainBump[];
}

const smoothstep = (e0: number, e1: number, x: number): number => {
  const t = Math.max(0, Math.min(1, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/** Makes the river shape of a seed: the north bank wanders ±20 m around y = −700, width 300–370 m. */
export function makeRiver(rng: Rng): RiverShape {
  const p1 = rng.range(0, 6.28), p2 = rng.range(0, 6.28), p3 = rng.range(0, 6.28);
  const northBank = (x: number) => DISTRICT.minY + 12 * Math.sin((2 * Math.PI * x) / 2100 + p1) + 6 * Math.sin((2 * Math.PI * x) / 900 + p2) - 8;
  const width = (x: number) => 335 + 35 * Math.sin((2 * Math.PI * x) / 2700 + p3);
  return { northBank, southBank: (x) => northBank(x) - width(x), leveeWidth: 36, shoreInset: 18 };
}

/**
 * Generates the DEM (2 m cells, ellipsoidal heights): ground 7.5–11.5 m above sea rising to the north, gentle
 * noise, a ~50 m hill in the north-west corner, a few depressions below the levee crest, the Pearl River channel
 * (bed 8.5 m below the bank) with levees on both banks. Hills, noise and depressions fade out within 200 m of the
 * DEM edge so its border matches the surrounding plain.
 */
export function generateTerrain(rng: Rng, depressionCentres: [number, number][]): TerrainModel {
  const river = makeRiver(rng);
  const hill: TerrainBump = { x: -1080 + rng.range(-15, 15), y: 960 + rng.range(-20, 20), amplitude: 42 + rng.range(0, 6), sigma: 160, name: 'hill' };
  const depressions: TerrainBump[] = depressionCentres.map(([x, y], i) => ({ x, y, amplitude: -(2.6 + rng.range(0, 0.8)), sigma: 55 + rng.range(0, 20), name: `depression-${i + 1}` }));
  const waves: { kx: number; ky: number; ph: number; amp: number }[] = [];
  for (let i = 0; i < 6; i++) {
    const wl = rng.range(280, 950);
    const dir = rng.range(0, Math.PI);
    waves.push({ kx: (2 * Math.PI * Math.cos(dir)) / wl, ky: (2 * Math.PI * Math.sin(dir)) / wl, ph: rng.range(0, 6.28), amp: rng.range(0.12, 0.3) });
  }
  const { minX, maxX, minY, maxY } = DEM_EXTENT;
  const ncols = Math.round((maxX - minX) / DEM_CELL);
  const nrows = Math.round((maxY - minY) / DEM_CELL);
  const dem = createGrid(ncols, nrows, minX, minY, DEM_CELL, 0);
  const xs = new Float64Array(ncols), nb = new Float64Array(ncols), sb = new Float64Array(ncols), edgeX = new Float64Array(ncols);
  for (let c = 0; c < ncols; c++) {
    const x = minX + (c + 0.5) * DEM_CELL;
    xs[c] = x;
    nb[c] = river.northBank(x);
    sb[c] = river.southBank(x);
    edgeX[c] = smoothstep(0, 200, Math.min(x - minX, maxX - x));
  }
  const L = RIVER_LEVELS;
  const lw = river.leveeWidth;
  const bumps = [hill, ...depressions];
  // Separable factors: sin(kx·x + ky·y + φ) = sin(kx·x + φ)·cos(ky·y) + cos(kx·x + φ)·sin(ky·y), and a Gaussian
  // bump is exp(−dx²/σ²)·exp(−dy²/σ²), so per cell only products remain.
  const nw = waves.length, nbump = bumps.length;
  const wSinX = new Float64Array(nw * ncols), wCosX = new Float64Array(nw * ncols);
  const bX = new Float64Array(nbump * ncols);
  for (let c = 0; c < ncols; c++) {
    for (let k = 0; k < nw; k++) {
      const a = waves[k].kx * xs[c] + waves[k].ph;
      wSinX[k * ncols + c] = waves[k].amp * Math.sin(a);
      wCosX[k * ncols + c] = waves[k].amp * Math.cos(a);
    }
    for (let k = 0; k < nbump; k++) {
      const dx = (xs[c] - bumps[k].x) / bumps[k].sigma;
      bX[k * ncols + c] = dx * dx < 16 ? bumps[k].amplitude * Math.exp(-dx * dx) : 0;
    }
  }
  const wSinY = new Float64Array(nw), wCosY = new Float64Array(nw), bY = new Float64Array(nbump);
  for (let r = 0; r < nrows; r++) {
    const y = maxY - (r + 0.5) * DEM_CELL;
    const edgeY = smoothstep(0, 200, Math.min(y - minY, maxY - y));
    for (let k = 0; k < nw; k++) {
      wSinY[k] = Math.sin(waves[k].ky * y);
      wCosY[k] = Math.cos(waves[k].ky * y);
    }
    for (let k = 0; k < nbump; k++) {
      const dy = (y - bumps[k].y) / bumps[k].sigma;
      bY[k] = dy * dy < 16 ? Math.exp(-dy * dy) : 0;
    }
    for (let c = 0; c < ncols; c++) {
      const eN = y - nb[c]; // > 0 north of the north bank
      const eS = sb[c] - y; // > 0 south of the south bank
      let h: number;
      if (eN < 0 && eS < 0) {
        // In the channel: slopes of ~45 m down to the bed.
        const d = Math.min(-eN, -eS);
        h = L.bank - (L.bank - L.bed) * smoothstep(0, 45, d);
      } else {
        const e = eN >= 0 ? eN : eS;
        const fade = edgeX[c] * edgeY;
        // Plain rising gently to the north (south bank stays flat).
        const trend = eN >= 0 ? 3.9 * smoothstep(-650, 1150, y) : 0.4;
        let noise = 0;
        for (let k = 0; k < nw; k++) noise += wSinX[k * ncols + c] * wCosY[k] + wCosX[k * ncols + c] * wSinY[k];
        let bump = 0;
        for (let k = 0; k < nbump; k++) bump += bX[k * ncols + c] * bY[k];
        const landward = smoothstep(lw, lw + 90, e);
        const ground = L.bank + 0.3 + trend + (noise + bump) * fade * landward;
        // Levee: 12 m slopes (about 1:2.5), crest from 12 m to 24 m off the bank line.
        const levee = L.bank + (L.leveeCrest - L.bank) * smoothstep(0, 12, e) * (1 - smoothstep(lw - 12, lw, e));
        h = Math.max(ground * smoothstep(0, 8, e) + L.bank * (1 - smoothstep(0, 8, e)), levee);
      }
      dem.data[r * ncols + c] = h + GEOID_UNDULATION;
    }
  }
  return { dem, river, hill, depressions };
}

/** DEM height (ellipsoidal) at (x, y), bilinear. */
export function demHeight(dem: Grid, x: number, y: number): number {
  return sampleBilinear(dem, x, y);
}

/**
 * The lowest DEM height under a polygon footprint: bilinear samples at its vertices, along its edges every ≤ 1 m
 * and on a 1 m lattice inside it. This is the building base the generator uses.
 */
export function minDemUnder(dem: Grid, ring: readonly [number, number][]): number {
  let min = Infinity;
  const n = ring.length;
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const p = ring[i], q = ring[(i + 1) % n];
    const len = Math.hypot(q[0] - p[0], q[1] - p[1]);
    const steps = Math.max(1, Math.ceil(len));
    for (let k = 0; k < steps; k++) {
      const t = k / steps;
      min = Math.min(min, sampleBilinear(dem, p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t));
    }
    minX = Math.min(minX, p[0]);
    maxX = Math.max(maxX, p[0]);
    minY = Math.min(minY, p[1]);
    maxY = Math.max(maxY, p[1]);
  }
  // Interior: a 1 m lattice, row by row between the ring's crossings (even-odd rule).
  const xsCross: number[] = [];
  for (let y = Math.ceil(minY); y <= maxY; y += 1) {
    xsCross.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const [xi, yi] = ring[i], [xj, yj] = ring[j];
      if (yi > y !== yj > y) xsCross.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
    }
    xsCross.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xsCross.length; k += 2) {
      for (let x = Math.ceil(xsCross[k]); x <= xsCross[k + 1]; x += 1) min = Math.min(min, sampleBilinear(dem, x, y));
    }
  }
  return min;
}

/** Even-odd point-in-polygon test. */
export function pointInRing(x: number, y: number, ring: readonly [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
