/**
 * `twin flood`: runs the 2D flood engine on a DEM from the command line and writes grids, gauges and the
 * mass balance into an output folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, opt, opts } from './args.js';
import type { Grid } from '../core/grid/grid.js';
import { parseAsc, formatAsc, GridFormatError } from '../core/formats/asc.js';
import { readGeoTiffGrid, GeoTiffGridError } from '../core/formats/geotiff-grid.js';
import { parseCsvRecords, parseTimeSeriesCsv, CsvFormatError, type TimeSeries } from '../core/formats/csv.js';
import { FloodSimulation, FloodConfigError } from '../core/flood/simulation.js';
import { BOUNDARY_SIDES, type BoundaryCondition, type BoundarySide, type FloodConfig, type Gauge } from '../core/flood/config.js';

const HELP = `twin flood --dem <dem.asc|dem.tif> --manning <n|grid.asc> --duration <s> --out <dir>
           [--rain <mm/h> | --rain <hyetograph.csv: time_s,mm_per_h> | --rain <grid.asc: mm/h>]
           [--inflow <hydrograph.csv: time_s,m3_per_s> --at <x,y>]   (repeatable, paired in order)
           [--initial-level <m>] [--blocked <mask.asc|mask.tif: non-zero = building/wall>]
           [--boundary <north|south|east|west>=<closed|free|level:<m>|level:<csv time_s,level_m>>]  (repeatable)
           [--gauges <csv: name,x,y>] [--every <s>] [--gauge-every <s>]
           [--theta <0.5..1>] [--alpha <0..1>] [--timestep velocity|depth] [--quiet]

2D flood simulation: local inertial shallow water (Bates et al. 2010) with θ-weighting (de Almeida et al. 2012).
Coordinates in the DEM's units, times in s, depths in m. Writes into --out:
  gauges.csv          time_s, then one depth column per gauge
  max_depth.asc       maximum depth (m);  arrival_time.asc  first time depth ≥ 1 cm (s)
  depth_<t>.asc       depth every --every seconds (and at the end); speed_<t>.asc likewise (m/s)
  mass.json           rain_m3, inflow_m3, outflow_m3, storage_m3, relative_error`;

/** A bad argument or input file; printed without a stack trace. */
class UsageError extends Error {}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${what}: cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Reads a grid from .asc or .tif/.tiff. */
async function readGrid(file: string, what: string): Promise<Grid> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.tif' || ext === '.tiff') {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(file);
    } catch (e) {
      throw new UsageError(`${what}: cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
    return (await readGeoTiffGrid(ab, file)).grid;
  }
  return parseAsc(readText(file, what), file);
}

const isNumber = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

function num(p: ReturnType<typeof parseArgs>, name: string, required: boolean, check?: (v: number) => boolean): number | undefined {
  const s = opt(p, name);
  if (s === undefined || s === 'true') {
    if (required) throw new UsageError(`--${name} is required`);
    return undefined;
  }
  const v = Number(s);
  if (!Number.isFinite(v) || (check && !check(v))) throw new UsageError(`--${name}: invalid value '${s}'`);
  return v;
}

function parseGauges(file: string): Gauge[] {
  const recs = parseCsvRecords(readText(file, '--gauges'));
  const out: Gauge[] = [];
  recs.forEach(({ line, fields }, k) => {
    if (k === 0 && fields.length === 3 && !isNumber(fields[1])) return; // header
    if (fields.length !== 3) throw new CsvFormatError(file, line, `expected 3 columns (name,x,y), got ${fields.length}`);
    const [name, xs, ys] = fields;
    if (!name) throw new CsvFormatError(file, line, 'empty gauge name');
    if (!isNumber(xs) || !isNumber(ys)) throw new CsvFormatError(file, line, `x,y must be numbers, got '${xs}','${ys}'`);
    if (out.some((g) => g.name === name)) throw new CsvFormatError(file, line, `duplicate gauge name '${name}'`);
    out.push({ name, x: Number(xs), y: Number(ys) });
  });
  if (out.length === 0) throw new CsvFormatError(file, undefined, 'no gauges (expected rows name,x,y)');
  return out;
}

function parseBoundary(spec: string): [BoundarySide, BoundaryCondition] {
  const eq = spec.indexOf('=');
  if (eq < 0) throw new UsageError(`--boundary: expected <side>=<closed|free|level:...>, got '${spec}'`);
  const side = spec.slice(0, eq).trim() as BoundarySide;
  if (!BOUNDARY_SIDES.includes(side)) throw new UsageError(`--boundary: unknown side '${side}' (north, south, east, west)`);
  const kind = spec.slice(eq + 1).trim();
  if (kind === 'closed') return [side, { type: 'closed' }];
  if (kind === 'free') return [side, { type: 'free' }];
  if (kind.startsWith('level:')) {
    const v = kind.slice(6);
    if (isNumber(v)) return [side, { type: 'level', level: Number(v) }];
    const series: TimeSeries = parseTimeSeriesCsv(readText(v, `--boundary ${side}`), v, ['time_s', 'level_m']);
    return [side, { type: 'level', level: series }];
  }
  throw new UsageError(`--boundary ${side}: unknown condition '${kind}' (closed, free, level:<m>, level:<csv>)`);
}

/** Formats a time for file names: integer seconds when whole. */
const tName = (t: number) => (Number.isInteger(t) ? String(t) : t.toFixed(3).replace(/\.?0+$/, ''));

/** `twin flood`. Returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, ['help', 'quiet']);
  if (p.options.has('help') || argv.length === 0) {
    console.log(HELP);
    return argv.length === 0 ? 2 : 0;
  }
  try {
    return await runFlood(p);
  } catch (e) {
    if (e instanceof UsageError || e instanceof GridFormatError || e instanceof CsvFormatError || e instanceof GeoTiffGridError || e instanceof FloodConfigError) {
      console.error(`twin flood: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}

async function runFlood(p: ReturnType<typeof parseArgs>): Promise<number> {
  const known = new Set(['blocked', 'dem', 'manning', 'duration', 'out', 'rain', 'inflow', 'at', 'initial-level', 'boundary', 'gauges', 'every', 'gauge-every', 'theta', 'alpha', 'timestep', 'quiet', 'help']);
  for (const k of p.options.keys()) if (!known.has(k)) throw new UsageError(`unknown option --${k} (see twin flood --help)`);
  if (p.positionals.length) throw new UsageError(`unexpected argument '${p.positionals[0]}'`);
  const quiet = p.options.has('quiet');
  const demFile = opt(p, 'dem');
  if (!demFile || demFile === 'true') throw new UsageError('--dem is required');
  const outDir = opt(p, 'out');
  if (!outDir || outDir === 'true') throw new UsageError('--out is required');
  const manArg = opt(p, 'manning');
  if (!manArg || manArg === 'true') throw new UsageError('--manning is required (a number or a grid .asc)');
  const duration = num(p, 'duration', true, (v) => v > 0)!;
  const every = num(p, 'every', false, (v) => v > 0) ?? duration;
  const gaugeEvery = num(p, 'gauge-every', false, (v) => v > 0) ?? Math.min(every, 60);

  const dem = await readGrid(demFile, '--dem');
  const manning: number | Grid = isNumber(manArg) ? Number(manArg) : await readGrid(manArg, '--manning');

  let rain: FloodConfig['rain'];
  const rainArg = opt(p, 'rain');
  if (rainArg !== undefined) {
    if (isNumber(rainArg)) rain = Number(rainArg);
    else if (/\.(asc|tif|tiff)$/i.test(rainArg)) rain = await readGrid(rainArg, '--rain');
    else rain = parseTimeSeriesCsv(readText(rainArg, '--rain'), rainArg, ['time_s', 'mm_per_h']);
  }

  const inflowFiles = opts(p, 'inflow');
  const ats = opts(p, 'at');
  if (inflowFiles.length !== ats.length) throw new UsageError(`--inflow and --at must be paired: got ${inflowFiles.length} --inflow and ${ats.length} --at`);
  const inflows = inflowFiles.map((f, k) => {
    const xy = ats[k].split(',');
    if (xy.length !== 2 || !isNumber(xy[0]) || !isNumber(xy[1])) throw new UsageError(`--at: expected x,y, got '${ats[k]}'`);
    return { x: Number(xy[0]), y: Number(xy[1]), name: `--inflow ${f}`, hydrograph: parseTimeSeriesCsv(readText(f, '--inflow'), f, ['time_s', 'm3_per_s']) };
  });

  const boundaries: Partial<Record<BoundarySide, BoundaryCondition>> = {};
  for (const b of opts(p, 'boundary')) {
    const [side, bc] = parseBoundary(b);
    boundaries[side] = bc;
  }
  let blocked: Uint8Array | undefined;
  const blockedFile = opt(p, 'blocked');
  if (blockedFile !== undefined) {
    const mask = await readGrid(blockedFile, '--blocked');
    if (mask.ncols !== dem.ncols || mask.nrows !== dem.nrows) {
      throw new UsageError(`--blocked: ${blockedFile} is ${mask.ncols}×${mask.nrows}, the DEM is ${dem.ncols}×${dem.nrows}`);
    }
    blocked = Uint8Array.from(mask.data, (v) => (Number.isNaN(v) || v === 0 ? 0 : 1));
  }
  const gaugesFile = opt(p, 'gauges');
  const gauges = gaugesFile ? parseGauges(gaugesFile) : [];
  const timestep = opt(p, 'timestep');
  if (timestep !== undefined && timestep !== 'velocity' && timestep !== 'depth') throw new UsageError(`--timestep: 'velocity' or 'depth', got '${timestep}'`);

  const sim = new FloodSimulation({
    dem,
    manning,
    rain,
    inflows,
    initialLevel: num(p, 'initial-level', false),
    blocked,
    boundaries,
    gauges,
    theta: num(p, 'theta', false),
    alpha: num(p, 'alpha', false),
    timeStep: timestep as 'velocity' | 'depth' | undefined,
  });

  fs.mkdirSync(outDir, { recursive: true });
  const names = sim.gaugeNameList();
  const gaugeLines: string[] = [['time_s', ...names].join(',')];
  let lastGaugeTime = NaN;
  const recordGauges = () => {
    lastGaugeTime = sim.time;
    gaugeLines.push([tName(sim.time), ...sim.gaugeDepths().map((d) => d.toPrecision(6))].join(','));
  };
  const writeSnap = () => {
    const t = tName(sim.time);
    fs.writeFileSync(path.join(outDir, `depth_${t}.asc`), formatAsc(sim.depthGrid()));
    fs.writeFileSync(path.join(outDir, `speed_${t}.asc`), formatAsc(sim.velocityGrids().speed));
  };

  // Event times: gauge samples and snapshots.
  const started = Date.now();
  let lastReport = started;
  recordGauges();
  let nextGauge = gaugeEvery;
  let nextSnap = every;
  while (sim.time < duration) {
    const target = Math.min(duration, nextGauge, nextSnap);
    sim.advanceTo(target, (pr) => {
      const now = Date.now();
      if (!quiet && now - lastReport > 2000) {
        lastReport = now;
        process.stderr.write(`twin flood: t=${pr.time.toFixed(0)} s / ${duration} s (${((100 * pr.time) / duration).toFixed(1)} %), dt=${pr.dt.toFixed(3)} s, steps=${pr.steps}, max depth ${pr.maxDepth.toFixed(3)} m\n`);
      }
    });
    if (sim.time >= nextGauge - 1e-9) {
      recordGauges();
      nextGauge += gaugeEvery;
    }
    if (sim.time >= nextSnap - 1e-9) {
      writeSnap();
      nextSnap += every;
    }
  }
  if (lastGaugeTime !== sim.time) recordGauges();
  if (!fs.existsSync(path.join(outDir, `depth_${tName(sim.time)}.asc`))) writeSnap();
  fs.writeFileSync(path.join(outDir, 'gauges.csv'), gaugeLines.join('\n') + '\n');
  fs.writeFileSync(path.join(outDir, 'max_depth.asc'), formatAsc(sim.maxDepthGrid()));
  fs.writeFileSync(path.join(outDir, 'arrival_time.asc'), formatAsc(sim.arrivalGrid()));
  const mb = sim.massBalance();
  const wall = (Date.now() - started) / 1000;
  fs.writeFileSync(path.join(outDir, 'mass.json'), JSON.stringify({ ...mb, duration_s: duration, steps: sim.steps, wall_s: wall }, null, 2) + '\n');
  if (!quiet) {
    process.stderr.write(
      `twin flood: done, ${sim.steps} steps in ${wall.toFixed(1)} s; rain ${mb.rain_m3.toFixed(1)} m³, inflow ${mb.inflow_m3.toFixed(1)} m³, ` +
        `outflow ${mb.outflow_m3.toFixed(1)} m³, storage ${mb.storage_m3.toFixed(1)} m³, relative error ${mb.relative_error.toExponential(2)}\n`,
    );
  }
  return 0;
}
