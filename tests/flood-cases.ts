/**
 * Flood validation geometry shared by the unit tests (tests/unit/flood-validation.test.ts) and the WebGPU test page
 * (bench/flood-gpu/page.ts), so both engines are checked against the same case.
 *
 * After the UK Environment Agency 2D benchmark Test 1, "Flooding a disconnected water body" (Néelz & Pender
 * 2010/2013, report SC080035): a 700 m strip; from the west boundary the bed rises over a sill (crest 10.25 m) into
 * a depression. The boundary level rises from 9.7 m to 10.35 m, holds, and falls back to 9.7 m; the pond fills over
 * the sill and drains back until it is level with the crest. The benchmark's own DEM is not distributed with this
 * project, so the geometry is a simplified 1D profile with the same levels.
 */
export const EA_TEST1 = {
  /** Sill crest (m): where the pond ends. */
  crest: 10.25,
  /** Initial water level outside the sill (m); the depression starts dry. */
  initialLevel: 9.7,
  /** West boundary level hydrograph: times (s) and levels (m). */
  boundary: { t: [0, 3600, 6 * 3600, 8 * 3600], level: [9.7, 10.35, 10.35, 9.7] },
  /** Bed elevation (m) at x metres from the west boundary. */
  bed(x: number): number {
    const crest = EA_TEST1.crest;
    if (x < 100) return 9.5;
    if (x < 300) return 9.5 + ((x - 100) / 200) * (crest - 9.5);
    if (x < 310) return crest;
    if (x < 400) return crest - ((x - 310) / 90) * (crest - 9.75);
    if (x < 600) return 9.75;
    return 9.75 + ((x - 600) / 100) * 1.0;
  },
  /** Initial depth (m) at x: water at the initial level west of the sill only. */
  initialDepth(x: number): number {
    return x < 300 ? Math.max(0, EA_TEST1.initialLevel - EA_TEST1.bed(x)) : 0;
  },
};
