import path from 'node:path';
import { parseArgs, opt, flag } from '../../cli/args.js';
import { ensureDemo } from './ensure.js';

const HELP = `twin demo [--out tilesets/demo] [--force] [--quiet]

Generates the built-in demo city (Guangzhou, beside the Pearl River) as 3D Tiles 1.1 (city, bim, pipes),
quantized-mesh terrain, ground imagery and scene.json. Skipped when the output is up to date.`;

/** `twin demo`. */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['force', 'quiet', 'help']);
  if (flag(args, 'help')) {
    console.log(HELP);
    return 0;
  }
  const out = opt(args, 'out');
  await ensureDemo({ outDir: out ? path.resolve(out) : undefined, force: flag(args, 'force'), quiet: flag(args, 'quiet') });
  return 0;
}
