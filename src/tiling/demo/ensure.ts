import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

/** Source folders whose content defines the demo output; a change in any of them regenerates it. */
const INPUT_DIRS = ['src/core', 'src/tiling'];

/** Hash of the generator and tiler sources (file names and bytes, sorted). */
export function demoInputsHash(root: string): string {
  const h = crypto.createHash('sha256');
  const files: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|json|glsl)$/.test(e.name) && !/\.test\.ts$/.test(e.name)) files.push(p);
    }
  };
  INPUT_DIRS.forEach((d) => walk(path.join(root, d)));
  files.sort();
  for (const f of files) {
    h.update(path.relative(root, f));
    h.update(fs.readFileSync(f));
  }
  return h.digest('hex');
}

/** Options of ensureDemo. */
export interface EnsureDemoOptions {
  /** Project root (default: cwd). */
  root?: string;
  /** Output directory (default: <root>/tilesets/demo). */
  outDir?: string;
  /** Regenerate even if up to date. */
  force?: boolean;
  quiet?: boolean;
}

/** Generates the demo city unless tilesets/demo is complete and was built from the current sources. */
export async function ensureDemo(options: EnsureDemoOptions = {}): Promise<{ built: boolean; outDir: string }> {
  const root = options.root ?? process.cwd();
  const outDir = options.outDir ?? path.join(root, 'tilesets', 'demo');
  const stampFile = path.join(outDir, '.build-stamp');
  const hash = demoInputsHash(root);
  if (!options.force && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === hash && fs.existsSync(path.join(outDir, 'scene.json'))) {
    if (!options.quiet) console.log(`twin: demo city up to date in ${path.relative(root, outDir) || outDir}`);
    return { built: false, outDir };
  }
  const { buildDemo } = await import('./build.js');
  const t0 = Date.now();
  fs.rmSync(outDir, { recursive: true, force: true });
  await buildDemo(outDir, { quiet: options.quiet });
  fs.writeFileSync(stampFile, hash + '\n');
  if (!options.quiet) console.log(`twin: demo city generated in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${outDir}`);
  return { built: true, outDir };
}
