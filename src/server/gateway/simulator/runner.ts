/** Drives the pure simulator in real time and feeds its observations into the ingest pipeline. */
import { Simulator, type SimStream } from '../../../core/sim/simulator.js';
import type { IngestPipeline } from '../ingest/pipeline.js';

/** A running simulator. */
export interface SimulatorRunner {
  /** Observations submitted so far. */
  readonly submitted: () => number;
  stop(): void;
}

/** Steps the simulator every `tickMs` (default 200 ms, the drones' 5 Hz) with the wall clock. */
export function startSimulator(pipeline: IngestPipeline, streams: SimStream[], seed: number, tickMs = 200): SimulatorRunner {
  const sim = new Simulator(streams, { seed }, Date.now() - 1);
  let n = 0;
  const tick = () => {
    for (const o of sim.step(Date.now())) {
      pipeline.submitValid(o);
      n++;
    }
  };
  tick();
  const timer = setInterval(tick, tickMs);
  timer.unref();
  return { submitted: () => n, stop: () => clearInterval(timer) };
}
