import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, opt } from './args.js';

/** One measured figure of a benchmark, reported against its baseline from the same run. */
export interface BenchRow {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  /** The baseline's value measured in the same run (e.g. bare CesiumJS), if any. */
  baseline?: number;
  /** value / baseline */
  ratio?: number;
  /** The target, as text (e.g. "≤ 1.10× bare Cesium"). */
  target?: string;
  /** Whether the target was met, if there is one. */
  pass?: boolean;
}

/** A benchmark module in bench/*.bench.ts exports this. */
export interface BenchModule {
  /** Short description. */
  title: string;
  run(options: { root: string; quick: boolean }): Promise<BenchRow[]>;
}

const HELP = `twin bench [--only <name>] [--quick] [--json <file>]

Runs every bench/*.bench.ts in one process and prints each measured figure next to its same-run baseline
and the ratio. --only runs the named bench file(s) (comma-separated, without .bench.ts).`;

/** `twin bench`. */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['quick', 'help']);
  if (args.options.has('help')) {
    console.log(HELP);
    return 0;
  }
  const root = process.cwd();
  const dir = path.join(root, 'bench');
  const only = opt(args, 'only')?.split(',');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => !only || only.includes(f.replace(/\.bench\.ts$/, '')))
    .sort();
  const rows: BenchRow[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as BenchModule;
    console.log(`\n== ${f.replace(/\.bench\.ts$/, '')}: ${mod.title}`);
    const got = await mod.run({ root, quick: args.options.has('quick') });
    printRows(got);
    rows.push(...got);
  }
  const jsonOut = opt(args, 'json');
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(rows, null, 2));
  return 0;
}

/** Prints rows as an aligned table. */
export function printRows(rows: BenchRow[]): void {
  const fmt = (v: number | undefined) => (v === undefined ? '' : Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(4));
  for (const r of rows) {
    const parts = [r.metric.padEnd(44), `${fmt(r.value)} ${r.unit}`.padEnd(20)];
    if (r.baseline !== undefined) parts.push(`baseline ${fmt(r.baseline)} ${r.unit}`.padEnd(26), `ratio ${fmt(r.ratio)}`.padEnd(14));
    if (r.target) parts.push(`target ${r.target}${r.pass === undefined ? '' : r.pass ? ' ✓' : ' ✗'}`);
    console.log('  ' + parts.join(' '));
  }
}
