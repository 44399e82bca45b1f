/**
 * `twin import`: real city data (CityJSON, CityJSONSeq, GeoJSON footprints, and through the same framework CityGML,
 * IFC and DEM GeoTIFF) → 3D Tiles tilesets / terrain, optionally added to a scene.
 */
import { parseArgs, opt, opts, flag } from '../../cli/args.js';
import { IMPORTERS } from './registry.js';
import { runImport, type ImportSummary } from './pipeline.js';
import { KNOWN_CRS_SUMMARY } from '../../core/crs/index.js';
import { WarningFilter } from './warnings.js';

const HELP = `twin import <input...> --out <dir> [options]

Inputs are files or directories (every recognised file below a directory). Formats are recognised from the
file content (gzip is read transparently):
${IMPORTERS.map((i) => `  ${i.id.padEnd(9)} ${i.description}`).join('\n')}

Options:
  --out <dir>            output directory (one input: the tileset itself; several: one sub-directory each)
  --crs <ref>            source CRS when the file has none or to override it: EPSG:7415,
                         urn:ogc:def:crs:EPSG::7415, https://www.opengis.net/def/crs/EPSG/0/7415, EPSG:28992+5709
  --lod <n>              LoD to import (e.g. 1, 2, 2.2); default: the highest of each object
  --height-offset <m>    metres added to source heights to reach the WGS84 ellipsoid; default: the vertical
                         datum's approximate geoid undulation (NAP +43, LN02/LHN95 +48, TP +37), else 0
  --origin <lon,lat,h>   place data without georeference (local metres) at this point
  --heading <deg>        rotation of that local frame, clockwise from north (default 0)
  --height-attr <names>  GeoJSON footprints: comma-separated height properties to try (default: height,
                         measuredHeight, building:height, 3dfier_height_m, ...)
  --storey-height <m>    GeoJSON footprints: metres per floor when only a floor count is known (default 3.0)
  --add-to <scene dir>   create/update that directory's scene.json with the new layer(s) and search index
  --name <layer name>    layer name (and id) in the scene
  --merge <terrain dir>  DEM: merge into an existing terrain directory
  --stream               CityJSON: read the document in two bounded-memory passes (automatic above 128 MB)
  --json                 print the summary as JSON on stdout
  --quiet                no progress bar

Known CRSs: ${KNOWN_CRS_SUMMARY}.
Exit code: 0 when something usable was written (skipped objects are listed in the summary), 1 when nothing was,
2 for usage errors.`;

/** Parses "lon,lat[,h]". */
function parseOrigin(s: string): [number, number, number] {
  const v = s.split(',').map((x) => Number(x.trim()));
  if ((v.length !== 2 && v.length !== 3) || v.some((x) => !Number.isFinite(x))) throw new Error(`--origin "${s}": expected lon,lat[,h] in degrees and metres`);
  return [v[0], v[1], v[2] ?? 0];
}

function num(name: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const v = Number(s);
  if (!Number.isFinite(v)) throw new Error(`--${name} "${s}": expected a number`);
  return v;
}

/** A one-line progress bar on stderr (TTY only). */
function progressBar(enabled: boolean) {
  let last = 0;
  let shown = false;
  return {
    update(file: string, done: number, total: number, label?: string) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 80 && done < total) return;
      last = now;
      const f = total > 0 ? Math.max(0, Math.min(1, done / total)) : 0;
      const w = 24;
      const bar = '█'.repeat(Math.round(f * w)).padEnd(w, '░');
      const name = file.length > 40 ? '…' + file.slice(-39) : file;
      process.stderr.write(`\r\x1b[2K${bar} ${(f * 100).toFixed(0).padStart(3)}% ${name}${label ? ' — ' + label : ''}`);
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

/** `twin import`. */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['json', 'help', 'quiet', 'stream']);
  if (args.options.has('help') || argv.length === 0) {
    console.log(HELP);
    return argv.length === 0 ? 2 : 0;
  }
  const json = flag(args, 'json');
  const bar = progressBar(!json && !flag(args, 'quiet') && process.stderr.isTTY === true);
  let summary: ImportSummary;
  // Repeated warnings of one kind: the first few are printed, the rest counted (the --json summary has them all).
  const shownWarnings = new WarningFilter();
  try {
    const heightAttr = opts(args, 'height-attr').flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
    const storey = num('storey-height', opt(args, 'storey-height'));
    if (storey !== undefined && !(storey > 0)) throw new Error(`--storey-height ${storey}: must be positive`);
    summary = await runImport({
      inputs: args.positionals,
      out: opt(args, 'out'),
      crs: opt(args, 'crs'),
      lod: opt(args, 'lod'),
      heightOffset: num('height-offset', opt(args, 'height-offset')),
      origin: opt(args, 'origin') ? parseOrigin(opt(args, 'origin')!) : undefined,
      heading: num('heading', opt(args, 'heading')) ?? 0,
      addTo: opt(args, 'add-to'),
      name: opt(args, 'name'),
      merge: opt(args, 'merge'),
      heightAttrs: heightAttr.length ? heightAttr : undefined,
      storeyHeight: storey,
      args,
      onWarn: json
        ? undefined
        : (m) => {
            if (shownWarnings.add(m) === undefined) return;
            bar.clear();
            process.stderr.write(`warning: ${m}\n`);
          },
      onProgress: (file, d, t, l) => bar.update(file, d, t, l),
    });
  } catch (err) {
    bar.clear();
    console.error(`twin import: ${(err as Error).message}`);
    return 2;
  }
  bar.clear();
  if (!json) for (const line of shownWarnings.digest()) process.stderr.write(`warning: ${line}\n`);
  if (json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  else printSummary(summary);
  return summary.ok ? 0 : 1;
}

function printSummary(s: ImportSummary): void {
  for (const i of s.inputs) {
    console.log(`${i.file}: ${i.error ? 'FAILED — ' + i.error : `${i.format ?? i.importer}`}`);
    if (i.error) continue;
    if (i.sourceCrs) console.log(`  CRS: ${i.sourceCrs}`);
    const objs = Object.entries(i.objects).map(([k, v]) => `${v} ${k}`).join(', ');
    console.log(`  objects: ${objs || 'none'}; ${i.triangles} triangles`);
    if (i.bbox) console.log(`  WGS84 bbox: ${i.bbox.slice(0, 4).join(', ')}; heights ${i.bbox[4]}–${i.bbox[5]} m (ellipsoidal)`);
  }
  for (const o of s.outputs) {
    console.log(`wrote ${o.kind} "${o.layerId}" → ${o.path}${o.tiles !== undefined ? ` (${o.tiles} tiles${o.triangles !== undefined ? `, ${o.triangles} triangles` : ''})` : ''}`);
    if (o.networks) console.log(`  networks → ${o.networks.path} (${o.networks.networks} networks, ${o.networks.nodes} nodes, ${o.networks.links} links)`);
  }
  if (s.skipped.length) {
    console.log(`skipped ${s.skipped.length} objects:`);
    for (const k of s.skipped.slice(0, 10)) console.log(`  ${k.id}: ${k.reason}`);
    if (s.skipped.length > 10) console.log(`  … (${s.skipped.length - 10} more; --json lists all)`);
  }
  if (s.warnings.length) console.log(`${s.warnings.length} warnings (shown above)`);
  if (s.scene) console.log(`scene: ${s.scene}`);
  console.log(s.ok ? `done in ${s.seconds.toFixed(1)} s` : 'nothing usable was produced');
}
