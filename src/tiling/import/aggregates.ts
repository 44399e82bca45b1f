/**
 * Aggregate objects: a CityJSON Building whose BuildingParts carry the geometry, a CityGML Building with
 * consistsOfBuildingPart, an IFC container (IfcStair of IfcStairFlights, IfcRoof of IfcSlabs) have no geometry of
 * their own. They cannot be drawn or picked, so their attributes go to their parts and they are left out of the
 * tileset without a warning. An object without geometry and without parts that have geometry is a real skip.
 */
import type { CityFeature } from '../../core/model/feature.js';
import type { ImportContext } from './registry.js';

/** Most ids named in the warning about empty objects. */
const IDS_IN_WARNING = 5;

/** Attribute keys naming a feature's parent: CityJSON/CityGML `parent`, IFC `partOf` (GlobalId of the whole). */
export const PARENT_KEYS = ['parent', 'partOf'] as const;

/** Result of {@link resolveAggregates}. */
export interface AggregateResolution {
  /** Features with geometry (input order). */
  drawable: CityFeature[];
  /** Ids of objects without geometry whose parts (at any depth) have geometry: not drawn, not a problem. */
  aggregates: string[];
  /** Objects without geometry and without parts that have geometry: real skips. */
  empty: CityFeature[];
  /** Parts that received attributes from an aggregate above them. */
  inherited: number;
}

function hasGeometry(f: CityFeature): boolean {
  return f.lods.some((l) => l.parts.some((p) => p.indices.length >= 3));
}

function parentOf(f: CityFeature): string | undefined {
  for (const k of PARENT_KEYS) {
    const v = f.attributes[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

/**
 * Splits `features` into drawable ones, aggregates and empty ones. Each drawable part receives the attributes of
 * the geometry-less aggregates above it (keys it lacks; `parentType` names the nearest aggregate's type).
 */
export function resolveAggregates(features: CityFeature[]): AggregateResolution {
  const byId = new Map<string, CityFeature>();
  for (const f of features) if (!byId.has(f.id)) byId.set(f.id, f);
  const emptyIds = new Set<string>();
  for (const f of features) if (!hasGeometry(f)) emptyIds.add(f.id);
  const aggregateIds = new Set<string>();
  let inherited = 0;
  const drawable: CityFeature[] = [];
  for (const f of features) {
    if (emptyIds.has(f.id)) continue;
    drawable.push(f);
    let pid = parentOf(f);
    const seen = new Set<string>();
    let first = true;
    while (pid !== undefined && emptyIds.has(pid) && !seen.has(pid)) {
      seen.add(pid);
      aggregateIds.add(pid);
      const p = byId.get(pid)!;
      for (const [k, v] of Object.entries(p.attributes)) if (!(k in f.attributes)) f.attributes[k] = v;
      if (first) f.attributes.parentType ??= p.type;
      first = false;
      inherited++;
      pid = parentOf(p);
    }
  }
  const empty = features.filter((f) => emptyIds.has(f.id) && !aggregateIds.has(f.id));
  return { drawable, aggregates: [...aggregateIds], empty, inherited };
}

/**
 * The features of `features` that have geometry. Aggregates are left out silently (their parts received their
 * attributes); empty objects are reported with `ctx.skip` each and one summarising `ctx.warn`.
 */
export function dropGeometryless(file: string, ctx: Pick<ImportContext, 'warn' | 'skip' | 'lod'>, features: CityFeature[]): CityFeature[] {
  const r = resolveAggregates(features);
  if (r.empty.length) {
    const at = ctx.lod !== undefined ? ` at LoD ${ctx.lod}` : '';
    for (const f of r.empty) ctx.skip(f.id, `${file}: ${f.type} '${f.id}' has no geometry${at} and no parts with geometry`);
    const ids = r.empty.slice(0, IDS_IN_WARNING).map((f) => f.id).join(', ') + (r.empty.length > IDS_IN_WARNING ? ', …' : '');
    ctx.warn(`${file}: ${r.empty.length} objects have no geometry${at} and no parts with geometry; not written (${ids})`);
  }
  return r.drawable;
}
