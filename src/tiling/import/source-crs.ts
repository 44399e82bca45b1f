/**
 * Picks the source CRS of an input from `--crs`, the file's own CRS, or `--origin`, and reports what was assumed.
 * Shared by all importers.
 */
import type { CoordinateTransform } from '../../core/geo/projection.js';
import { createCrsTransform, LocalOriginTransform, parseCrsReference, type CrsTransformOptions } from '../../core/crs/index.js';
import { FormatError } from '../../core/formats/json-errors.js';
import type { ImportContext } from './registry.js';

/** The chosen source transform and a one-line description for the summary. */
export interface SourceCrs {
  transform: CoordinateTransform & { geographic?: boolean };
  description: string;
}

/**
 * Resolves the source CRS: `ctx.crs` (overrides the file's, with a warning when they differ), else `fileCrs`, else
 * `ctx.origin` (a local frame in metres), else throws a FormatError telling the user to pass --crs or --origin.
 * The CRS transform's height assumptions (default geoid undulation...) are sent to ctx.warn.
 */
export function chooseSourceCrs(
  ctx: ImportContext,
  file: string,
  fileCrs: string | undefined,
  where: string,
  options: Pick<CrsTransformOptions, 'axisOrder'> = {},
): SourceCrs {
  let ref = ctx.crs ?? fileCrs;
  if (ctx.crs && fileCrs) {
    let same = false;
    try {
      const a = parseCrsReference(ctx.crs), b = parseCrsReference(fileCrs);
      same = a.horizontal === b.horizontal && a.vertical === b.vertical;
    } catch {
      same = false;
    }
    if (!same) ctx.warn(`${file}: --crs ${ctx.crs} overrides the file's CRS ${fileCrs}`);
  }
  if (ref) {
    if (ctx.origin) ctx.warn(`${file}: --origin ignored because the data has a CRS (${ref})`);
    let t;
    try {
      t = createCrsTransform(ref, { ...options, heightOffset: ctx.heightOffset });
    } catch (err) {
      const src = ctx.crs ? '--crs' : where;
      throw new FormatError(file, ctx.crs ? '' : where, `${(err as Error).message}${ctx.crs ? '' : '; pass --crs EPSG:xxxx to override'} (${src})`);
    }
    for (const w of t.warnings) ctx.warn(`${file}: ${w}`);
    return { transform: t, description: t.describe() };
  }
  if (ctx.origin) {
    const [lon, lat, h] = ctx.origin;
    const t = new LocalOriginTransform(lon, lat, h + (ctx.heightOffset ?? 0), ctx.heading);
    ref = t.name;
    return {
      transform: t,
      description: `local metres placed at ${lon}, ${lat}, ${h} m (heading ${ctx.heading}°)${ctx.heightOffset ? `, heights + ${ctx.heightOffset} m` : ''}`,
    };
  }
  throw new FormatError(
    file,
    where,
    'no CRS in the file; pass --crs EPSG:xxxx (e.g. EPSG:7415 for Dutch RD New + NAP data) or place local coordinates with --origin lon,lat,h',
  );
}
