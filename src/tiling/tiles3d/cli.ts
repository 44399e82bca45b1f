/**
 * `twin validate <dir>...`: checks 3D Tiles 1.1 tilesets written by the project (see validate.ts) and prints the
 * problems. Exit code 0 when every tileset is valid, 1 otherwise, 2 on usage errors.
 */
import { flag, parseArgs } from '../../cli/args.js';
import { validateTileset } from './validate.js';

const HELP = `twin validate <tileset-dir>... [--fast] [--json]

Validates each tileset directory (holding tileset.json): glTF-Validator on every .glb, loaders.gl parsing,
bounding-volume containment of children and content, geometric errors, content URIs, metadata tables.
  --fast   skip the Khronos glTF-Validator
  --json   print the reports as JSON`;

/** Runs `twin validate`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['fast', 'json', 'help']);
  if (flag(args, 'help')) {
    console.log(HELP);
    return 0;
  }
  if (args.positionals.length === 0) {
    console.error(HELP);
    return 2;
  }
  let ok = true;
  const reports = [];
  for (const dir of args.positionals) {
    const r = await validateTileset(dir, { skipGltfValidator: flag(args, 'fast') });
    reports.push({ dir, ...r });
    ok &&= r.valid;
    if (flag(args, 'json')) continue;
    console.log(`${r.valid ? 'OK  ' : 'FAIL'} ${dir}: ${r.tiles} tiles, ${r.contents} contents, ${r.features} features, ${r.triangles} triangles, ${r.bytes} bytes`);
    for (const e of r.errors) console.log(`  error   ${e.where}: ${e.message}`);
    for (const w of r.warnings) console.log(`  warning ${w.where}: ${w.message}`);
  }
  if (flag(args, 'json')) console.log(JSON.stringify(reports, null, 2));
  return ok ? 0 : 1;
}
