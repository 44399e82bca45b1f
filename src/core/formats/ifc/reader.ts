import * as WebIFC from 'web-ifc';
import type { IfcAPI } from 'web-ifc';
import type { AttributeValue, CityFeature, FeatureCollectionModel, MeshPart, SurfaceSemantic } from '../../model/feature.js';
import type { CoordinateTransform } from '../../geo/projection.js';
import type { StoreySpec } from '../../scene/catalog.js';
import { LocalOriginTransform, createCrsTransform } from '../../crs/transform.js';

/**
 * IFC 2x3 / IFC4 → one FeatureCollectionModel of BIM elements through web-ifc (WASM; the caller creates and
 * `Init()`s the IfcAPI, so this module runs in Node, workers and browsers). Every IfcElement (openings and virtual
 * elements excepted) becomes a CityFeature: type = IFC class, group = storey GlobalId, attributes ifcClass, name,
 * globalId, storey, storeyName plus property sets and quantities flattened as "Pset.Prop". Positions are IFC
 * model coordinates in metres, Z up.
 */

/** Options of {@link readIfc}. */
export interface IfcReadOptions {
  /** File name used in messages. */
  fileName: string;
  /** `--origin lon,lat,h`: used when the file has no georeference, and overrides the file's when given. */
  origin?: [number, number, number];
  /** `--heading` (° clockwise from north of the model's +y axis), used with `origin`. */
  heading?: number;
  /** Metres added to heights given in a projected CRS (IfcMapConversion); default: the CRS's vertical datum default. */
  heightOffset?: number;
  /** Include IfcSpace volumes (default false: they hide the interior). */
  includeSpaces?: boolean;
  /** Progress: elements done of total. */
  onProgress?: (done: number, total: number) => void;
  /** Warnings as they happen. */
  onWarning?: (message: string) => void;
}

/** How the model was placed on the globe. */
export interface IfcGeoreference {
  kind: 'map-conversion' | 'site' | 'origin';
  /** One line for summaries. */
  description: string;
}

/** Result of {@link readIfc}. */
export interface IfcReadResult {
  model: FeatureCollectionModel;
  /** Storeys by elevation (ids = storey GlobalIds, the features' `storey` attribute / group). */
  storeys: StoreySpec[];
  /** Storey ids in elevation order (for 'group' tiling). */
  groupOrder: string[];
  /** "IFC2X3", "IFC4"... */
  schema: string;
  /** Features per IFC class. */
  counts: Record<string, number>;
  georeference: IfcGeoreference;
  /** Triangles written. */
  triangles: number;
  warnings: string[];
}

/** An error in an IFC file; the message names the file and the entity (#id) where known. */
export class IfcError extends Error {
  override name = 'IfcError';
}

/** Classes never turned into features. */
const EXCLUDED = new Set(['IfcOpeningElement', 'IfcOpeningStandardCase', 'IfcVirtualElement', 'IfcVoidingFeature']);

/** IFC class → surface semantic (default colours). */
function semanticOf(cls: string, predefined: string | undefined): SurfaceSemantic {
  if (cls.startsWith('IfcWall') || cls === 'IfcCurtainWall') return 'wall';
  if (cls === 'IfcRoof') return 'roof';
  if (cls.startsWith('IfcSlab')) return predefined === 'ROOF' ? 'roof' : 'floor';
  if (cls === 'IfcWindow' || cls === 'IfcPlate') return 'window';
  if (cls === 'IfcDoor') return 'door';
  if (cls === 'IfcCovering') return 'ceiling';
  if (/^Ifc(Pipe|Duct|Flow)/.test(cls)) return 'pipe';
  return 'generic';
}

/** Plain value of a web-ifc attribute object ({type, value} / {_representationValue}) or null. */
export function ifcValue(x: unknown): AttributeValue {
  if (x === null || x === undefined) return null;
  if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') return x;
  if (typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if ('_representationValue' in o) return ifcValue(o._representationValue);
    if ('value' in o) {
      const v = o.value;
      if (o.type === 3 && (v === 'T' || v === 'F')) return v === 'T';
      if (Array.isArray(v)) return v.map((e) => String(ifcValue(e))).join(', ');
      return ifcValue(v);
    }
  }
  return null;
}

/** Decimal degrees from an IfcCompoundPlaneAngleMeasure [deg, min, sec, millionths] (all carrying the sign). */
export function compoundAngle(v: unknown): number | undefined {
  const arr = (v as { value?: unknown })?.value ?? v;
  if (!Array.isArray(arr) || arr.length < 3) return undefined;
  const n = arr.map((e) => Number(ifcValue(e)));
  if (n.some((x) => !Number.isFinite(x))) return undefined;
  return n[0] + n[1] / 60 + n[2] / 3600 + (n[3] ?? 0) / 3.6e9;
}

const ref = (x: unknown): number | undefined => {
  const v = (x as { value?: unknown })?.value;
  return typeof v === 'number' ? v : undefined;
};

/**
 * IFC model coordinates (metres, Z up) → geodetic through an IfcMapConversion: E = E0 + s(x·a − y·o),
 * N = N0 + s(x·o + y·a), H = H0 + z (a, o = normalised XAxisAbscissa/Ordinate), then the target projected CRS.
 */
export class MapConversionTransform implements CoordinateTransform {
  readonly name: string;
  private readonly a: number;
  private readonly o: number;
  constructor(
    private readonly target: CoordinateTransform,
    private readonly e0: number,
    private readonly n0: number,
    private readonly h0: number,
    abscissa: number,
    ordinate: number,
    private readonly scale: number,
  ) {
    const len = Math.hypot(abscissa, ordinate) || 1;
    this.a = abscissa / len;
    this.o = ordinate / len;
    this.name = `ifc-map-conversion:${target.name}`;
  }
  toGeodetic(x: number, y: number, z: number): [number, number, number] {
    const e = this.e0 + this.scale * (x * this.a - y * this.o);
    const n = this.n0 + this.scale * (x * this.o + y * this.a);
    return this.target.toGeodetic(e, n, this.h0 + z);
  }
  fromGeodetic(lon: number, lat: number, h: number): [number, number, number] {
    const [e, n, hh] = this.target.fromGeodetic(lon, lat, h);
    const de = (e - this.e0) / this.scale, dn = (n - this.n0) / this.scale;
    return [de * this.a + dn * this.o, -de * this.o + dn * this.a, hh - this.h0];
  }
}

/** Length unit of the project in metres (SI prefix or conversion-based unit). */
function lengthUnitScale(api: IfcAPI, m: number): number {
  const prefixes: Record<string, number> = { EXA: 1e18, PETA: 1e15, TERA: 1e12, GIGA: 1e9, MEGA: 1e6, KILO: 1e3, HECTO: 100, DECA: 10, DECI: 0.1, CENTI: 0.01, MILLI: 1e-3, MICRO: 1e-6, NANO: 1e-9 };
  for (const id of api.GetLineIDsWithType(m, WebIFC.IFCUNITASSIGNMENT)) {
    const ua = api.GetLine(m, id);
    for (const u of ua.Units ?? []) {
      const uid = ref(u);
      if (uid === undefined) continue;
      const unit = api.GetLine(m, uid);
      if (ifcValue(unit.UnitType) !== 'LENGTHUNIT') continue;
      if (unit.type === WebIFC.IFCSIUNIT) {
        const p = ifcValue(unit.Prefix);
        return typeof p === 'string' ? (prefixes[p] ?? 1) : 1;
      }
      if (unit.type === WebIFC.IFCCONVERSIONBASEDUNIT) {
        const cf = ref(unit.ConversionFactor);
        if (cf !== undefined) {
          const mwu = api.GetLine(m, cf);
          const v = Number(ifcValue(mwu.ValueComponent));
          if (Number.isFinite(v) && v > 0) return v; // assumes the factor is in metres
        }
        const name = String(ifcValue(unit.Name)).toUpperCase();
        if (name.includes('FOOT')) return 0.3048;
        if (name.includes('INCH')) return 0.0254;
      }
    }
  }
  return 1;
}

/** Reads an IFC file into a BIM model. Throws {@link IfcError} when nothing can be used. */
export function readIfc(api: IfcAPI, bytes: Uint8Array, options: IfcReadOptions): IfcReadResult {
  const file = options.fileName;
  const warnings: string[] = [];
  const warn = (msg: string) => {
    warnings.push(msg);
    options.onWarning?.(msg);
  };
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 64));
  if (!/^\s*ISO-10303-21;/.test(head)) {
    throw new IfcError(`${file}: not an IFC STEP file (it does not start with "ISO-10303-21;")`);
  }
  let m: number;
  try {
    m = api.OpenModel(bytes, { COORDINATE_TO_ORIGIN: false });
  } catch (err) {
    throw new IfcError(`${file}: web-ifc could not open the file: ${(err as Error).message}`);
  }
  if (m < 0) throw new IfcError(`${file}: web-ifc could not open the file`);
  try {
    return readOpenModel(api, m, options, warn, warnings);
  } finally {
    api.CloseModel(m);
  }
}

function readOpenModel(api: IfcAPI, m: number, options: IfcReadOptions, warn: (s: string) => void, warnings: string[]): IfcReadResult {
  const file = options.fileName;
  const schema = api.GetModelSchema(m);
  const unit = lengthUnitScale(api, m);

  // Elements.
  const elementIds = [...api.GetLineIDsWithType(m, WebIFC.IFCELEMENT, true)];
  if (options.includeSpaces) elementIds.push(...api.GetLineIDsWithType(m, WebIFC.IFCSPACE));
  if (elementIds.length === 0 && api.GetLineIDsWithType(m, WebIFC.IFCPROJECT).size() === 0) {
    throw new IfcError(`${file}: no IfcProject and no IfcElement found: the file is empty or not IFC (schema "${schema}")`);
  }

  // Spatial structure: element → container, container → parent (aggregates).
  const container = new Map<number, number>();
  for (const id of api.GetLineIDsWithType(m, WebIFC.IFCRELCONTAINEDINSPATIALSTRUCTURE)) {
    const rel = api.GetLine(m, id);
    const s = ref(rel.RelatingStructure);
    if (s === undefined) {
      warn(`${file}: #${id} IfcRelContainedInSpatialStructure has no RelatingStructure; ignored`);
      continue;
    }
    for (const e of rel.RelatedElements ?? []) {
      const eid = ref(e);
      if (eid !== undefined) container.set(eid, s);
    }
  }
  const parentOf = new Map<number, number>();
  for (const id of api.GetLineIDsWithType(m, WebIFC.IFCRELAGGREGATES)) {
    const rel = api.GetLine(m, id);
    const p = ref(rel.RelatingObject);
    if (p === undefined) continue;
    for (const e of rel.RelatedObjects ?? []) {
      const eid = ref(e);
      if (eid !== undefined) parentOf.set(eid, p);
    }
  }
  const storeyIds = new Set<number>(api.GetLineIDsWithType(m, WebIFC.IFCBUILDINGSTOREY));
  const storeyOf = (id: number): number | undefined => {
    let cur: number | undefined = id;
    for (let guard = 0; cur !== undefined && guard < 64; guard++) {
      if (storeyIds.has(cur)) return cur;
      cur = container.get(cur) ?? parentOf.get(cur);
    }
    return undefined;
  };

  // Property sets and quantities.
  const psets = new Map<number, Record<string, AttributeValue>>();
  const psetCache = new Map<number, Record<string, AttributeValue>>();
  const readPset = (pid: number): Record<string, AttributeValue> => {
    const cached = psetCache.get(pid);
    if (cached) return cached;
    const out: Record<string, AttributeValue> = {};
    const p = api.GetLine(m, pid);
    const pname = String(ifcValue(p.Name) ?? `#${pid}`);
    for (const h of p.HasProperties ?? p.Quantities ?? []) {
      const hid = ref(h);
      if (hid === undefined) continue;
      const prop = api.GetLine(m, hid);
      const name = ifcValue(prop.Name);
      if (name === null) continue;
      let v: AttributeValue = null;
      if ('NominalValue' in prop) v = ifcValue(prop.NominalValue);
      else {
        for (const k of ['LengthValue', 'AreaValue', 'VolumeValue', 'CountValue', 'WeightValue', 'TimeValue']) {
          if (k in prop && prop[k] != null) {
            v = ifcValue(prop[k]);
            break;
          }
        }
      }
      if (v !== null) out[`${pname}.${name}`] = v;
    }
    psetCache.set(pid, out);
    return out;
  };
  for (const id of api.GetLineIDsWithType(m, WebIFC.IFCRELDEFINESBYPROPERTIES)) {
    try {
      const rel = api.GetLine(m, id);
      const pid = ref(rel.RelatingPropertyDefinition);
      if (pid === undefined) continue;
      const props = readPset(pid);
      for (const o of rel.RelatedObjects ?? []) {
        const oid = ref(o);
        if (oid === undefined) continue;
        psets.set(oid, Object.assign(psets.get(oid) ?? {}, props));
      }
    } catch (err) {
      warn(`${file}: #${id} IfcRelDefinesByProperties could not be read (${(err as Error).message}); its properties are left out`);
    }
  }

  // Type objects: their property sets apply to every occurrence (occurrence values win), and their name is kept.
  const typeOf = new Map<number, { name: AttributeValue; props: Record<string, AttributeValue> }>();
  for (const id of api.GetLineIDsWithType(m, WebIFC.IFCRELDEFINESBYTYPE)) {
    try {
      const rel = api.GetLine(m, id);
      const tid = ref(rel.RelatingType);
      if (tid === undefined) continue;
      const t = api.GetLine(m, tid);
      const props: Record<string, AttributeValue> = {};
      for (const ps of t.HasPropertySets ?? []) {
        const pid = ref(ps);
        if (pid !== undefined) Object.assign(props, readPset(pid));
      }
      const info = { name: ifcValue(t.Name), props };
      for (const o of rel.RelatedObjects ?? []) {
        const oid = ref(o);
        if (oid !== undefined) typeOf.set(oid, info);
      }
    } catch (err) {
      warn(`${file}: #${id} IfcRelDefinesByType could not be read (${(err as Error).message}); its type properties are left out`);
    }
  }

  // Geometry: every product's placed meshes, converted from web-ifc's Y-up world to IFC Z-up.
  const meshes = new Map<number, MeshPart[]>();
  let triangles = 0;
  const wanted = new Set(elementIds);
  api.StreamAllMeshes(m, (mesh) => {
    if (!wanted.has(mesh.expressID)) return;
    const parts = new Map<string, MeshPart>();
    try {
      for (let i = 0; i < mesh.geometries.size(); i++) {
        const pg = mesh.geometries.get(i);
        const g = api.GetGeometry(m, pg.geometryExpressID);
        try {
          const v = api.GetVertexArray(g.GetVertexData(), g.GetVertexDataSize());
          const ix = api.GetIndexArray(g.GetIndexData(), g.GetIndexDataSize());
          const c = pg.color;
          const key = `${c.x},${c.y},${c.z},${c.w}`;
          let part = parts.get(key);
          if (!part) {
            part = { semantic: 'generic', positions: [], indices: [], color: [c.x, c.y, c.z, c.w] };
            parts.set(key, part);
          }
          const t = pg.flatTransformation;
          const base = part.positions.length / 3;
          for (let k = 0; k < v.length; k += 6) {
            const x = v[k], y = v[k + 1], z = v[k + 2];
            const X = t[0] * x + t[4] * y + t[8] * z + t[12];
            const Y = t[1] * x + t[5] * y + t[9] * z + t[13];
            const Z = t[2] * x + t[6] * y + t[10] * z + t[14];
            part.positions.push(X, -Z, Y);
          }
          for (let k = 0; k < ix.length; k++) part.indices.push(base + ix[k]);
          triangles += ix.length / 3;
        } finally {
          g.delete();
        }
      }
    } catch (err) {
      warn(`${file}: #${mesh.expressID} geometry could not be read (${(err as Error).message}); the element is kept without geometry`);
      return;
    }
    const nonEmpty = [...parts.values()].filter((p) => p.indices.length > 0);
    const good = nonEmpty.filter((p) => p.positions.every(Number.isFinite));
    if (good.length < nonEmpty.length) warn(`${file}: #${mesh.expressID} has ${nonEmpty.length - good.length} geometry pieces with non-finite coordinates; left out`);
    meshes.set(mesh.expressID, good);
  });

  // Storeys.
  const storeyInfo = new Map<number, { gid: string; name: string; elevation: number; top: number }>();
  for (const sid of storeyIds) {
    const s = api.GetLine(m, sid);
    let elevation = Number(ifcValue(s.Elevation));
    if (!Number.isFinite(elevation)) {
      const pl = ref(s.ObjectPlacement);
      elevation = pl !== undefined ? worldTranslation(api, m, pl)[2] : 0;
    } else elevation *= unit;
    storeyInfo.set(sid, { gid: String(ifcValue(s.GlobalId) ?? `#${sid}`), name: String(ifcValue(s.Name) ?? ifcValue(s.LongName) ?? `Storey #${sid}`), elevation, top: -Infinity });
  }

  // Features.
  const features: CityFeature[] = [];
  const counts: Record<string, number> = {};
  let done = 0;
  for (const id of elementIds) {
    done++;
    if (done % 200 === 0) options.onProgress?.(done, elementIds.length);
    let line: Record<string, unknown>;
    let cls: string;
    try {
      line = api.GetLine(m, id);
      cls = api.GetNameFromTypeCode(line.type as number);
    } catch (err) {
      warn(`${file}: #${id} could not be read (${(err as Error).message}); skipped`);
      continue;
    }
    if (EXCLUDED.has(cls)) continue;
    const sid = storeyOf(id);
    const st = sid !== undefined ? storeyInfo.get(sid) : undefined;
    const predefined = ifcValue(line.PredefinedType);
    const semantic = semanticOf(cls, typeof predefined === 'string' ? predefined : undefined);
    const parts = (meshes.get(id) ?? []).map((p) => ({ ...p, semantic }));
    if (st) {
      for (const p of parts) for (let k = 2; k < p.positions.length; k += 3) if (p.positions[k] > st.top) st.top = p.positions[k];
    }
    const globalId = String(ifcValue(line.GlobalId) ?? `#${id}`);
    const attributes: Record<string, AttributeValue> = {
      ifcClass: cls,
      name: ifcValue(line.Name),
      globalId,
      expressId: id,
      storey: st?.gid ?? null,
      storeyName: st?.name ?? null,
    };
    const ot = ifcValue(line.ObjectType);
    if (ot !== null) attributes.objectType = ot;
    const tag = ifcValue(line.Tag);
    if (tag !== null) attributes.tag = tag;
    if (typeof predefined === 'string') attributes.predefinedType = predefined;
    // Parts of an aggregate (the panes and frame members of an IfcWindow, the slabs of an IfcRoof) name it.
    const whole = parentOf.get(id);
    if (whole !== undefined && !storeyIds.has(whole)) {
      try {
        const wl = api.GetLine(m, whole);
        attributes.partOf = String(ifcValue(wl.GlobalId) ?? `#${whole}`);
        attributes.partOfClass = api.GetNameFromTypeCode(wl.type as number);
      } catch {
        // a dangling reference: the element simply has no parent
      }
    }
    const type = typeOf.get(id);
    if (type) {
      if (type.name !== null) attributes.typeName = type.name;
      Object.assign(attributes, type.props);
    }
    Object.assign(attributes, psets.get(id));
    counts[cls] = (counts[cls] ?? 0) + 1;
    const f: CityFeature = { id: globalId, type: cls, attributes, lods: parts.length ? [{ lod: 'bim', parts }] : [] };
    if (st) f.group = st.gid;
    features.push(f);
  }
  options.onProgress?.(elementIds.length, elementIds.length);
  if (features.length === 0) throw new IfcError(`${file}: no building elements (IfcElement subtypes) found`);
  const unassigned = features.filter((f) => f.group === undefined).length;
  if (unassigned) warn(`${file}: ${unassigned} elements are in no IfcBuildingStorey (group "unassigned")`);
  for (const f of features) if (f.group === undefined) f.group = 'unassigned';

  const sorted = [...storeyInfo.values()].sort((a, b) => a.elevation - b.elevation);
  const storeys: StoreySpec[] = sorted.map((s, i) => {
    const next = sorted[i + 1];
    const height = next ? next.elevation - s.elevation : Number.isFinite(s.top) && s.top > s.elevation ? s.top - s.elevation : 3;
    return { id: s.gid, name: { en: s.name, zh: s.name }, elevation: round3(s.elevation), height: round3(Math.max(height, 0.01)) };
  });
  if (unassigned) storeys.push({ id: 'unassigned', name: { en: 'Not in a storey', zh: '未分层' }, elevation: sorted.length ? round3(sorted[0].elevation) : 0, height: 0 });

  const { crs, georeference } = georeferenceOf(api, m, options, unit, warn);
  const model: FeatureCollectionModel = { name: file, crs, features, warnings };
  return { model, storeys, groupOrder: storeys.map((s) => s.id), schema, counts, georeference, triangles, warnings };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** Translation of a placement in IFC Z-up world coordinates. */
function worldTranslation(api: IfcAPI, m: number, placementId: number): [number, number, number] {
  try {
    const t = api.GetWorldTransformMatrix(m, placementId);
    return [t[12], -t[14], t[13]];
  } catch {
    return [0, 0, 0];
  }
}

function georeferenceOf(
  api: IfcAPI,
  m: number,
  options: IfcReadOptions,
  unit: number,
  warn: (s: string) => void,
): { crs: CoordinateTransform; georeference: IfcGeoreference } {
  const file = options.fileName;
  // IfcMapConversion (IFC4).
  const mapConv = (WebIFC as unknown as Record<string, number>).IFCMAPCONVERSION;
  const conv = mapConv ? [...api.GetLineIDsWithType(m, mapConv)] : [];
  let fileGeoref: { crs: CoordinateTransform; georeference: IfcGeoreference } | undefined;
  if (conv.length) {
    const id = conv[0];
    const mc = api.GetLine(m, id);
    const tid = ref(mc.TargetCRS);
    const target = tid !== undefined ? api.GetLine(m, tid) : undefined;
    const crsName = target ? String(ifcValue(target.Name) ?? '') : '';
    try {
      const targetCrs = createCrsTransform(crsName, { heightOffset: options.heightOffset });
      const num = (x: unknown, d: number) => {
        const raw = ifcValue(x);
        const v = raw === null || raw === '' ? NaN : Number(raw);
        return Number.isFinite(v) ? v : d;
      };
      const t = new MapConversionTransform(
        targetCrs,
        num(mc.Eastings, 0),
        num(mc.Northings, 0),
        num(mc.OrthogonalHeight, 0),
        num(mc.XAxisAbscissa, 1),
        num(mc.XAxisOrdinate, 0),
        num(mc.Scale, 1) || 1,
      );
      fileGeoref = { crs: t, georeference: { kind: 'map-conversion', description: `IfcMapConversion #${id} to ${targetCrs.describe()}` } };
    } catch (err) {
      warn(`${file}: #${id} IfcMapConversion: target CRS "${crsName}" (#${tid ?? '?'}) cannot be used (${(err as Error).message}); trying IfcSite`);
    }
  }
  if (!fileGeoref) {
    const sites = [...api.GetLineIDsWithType(m, WebIFC.IFCSITE)];
    for (const sid of sites) {
      const s = api.GetLine(m, sid);
      const lat = compoundAngle(s.RefLatitude);
      const lon = compoundAngle(s.RefLongitude);
      if (lat === undefined || lon === undefined) continue;
      if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
        warn(`${file}: #${sid} IfcSite RefLatitude/RefLongitude ${lat},${lon} are out of range; ignored`);
        continue;
      }
      const elev = Number(ifcValue(s.RefElevation));
      const h = (Number.isFinite(elev) ? elev * unit : 0) + (options.heightOffset ?? 0);
      if (options.heightOffset === undefined && !options.origin) {
        warn(`${file}: #${sid} IfcSite RefElevation ${Number.isFinite(elev) ? elev * unit : 0} m is taken as ellipsoidal height; it is usually above sea level: pass --height-offset <geoid undulation m> to lift it`);
      }
      const north = trueNorthHeading(api, m);
      // The reference point is the site's placement origin.
      const pl = ref(s.ObjectPlacement);
      const [ox, oy, oz] = pl !== undefined ? worldTranslation(api, m, pl) : [0, 0, 0];
      const local = new LocalOriginTransform(lon, lat, h, north);
      const crs: CoordinateTransform = ox === 0 && oy === 0 && oz === 0 ? local : shifted(local, ox, oy, oz);
      fileGeoref = {
        crs,
        georeference: {
          kind: 'site',
          description: `IfcSite #${sid} RefLatitude ${lat.toFixed(6)}, RefLongitude ${lon.toFixed(6)}, RefElevation ${h.toFixed(2)} m, true north ${north.toFixed(2)}°${options.heightOffset ? ` (height offset ${options.heightOffset} m)` : ''}`,
        },
      };
      break;
    }
    if (!fileGeoref && !options.origin) {
      const where = sites.length ? `IfcSite #${sites[0]} has no RefLatitude/RefLongitude` : 'the file has no IfcSite';
      throw new IfcError(`${file}: no georeference: no IfcMapConversion and ${where}; pass --origin lon,lat,h [--heading deg] to place the model`);
    }
  }
  if (options.origin) {
    const [lon, lat, h] = options.origin;
    const heading = options.heading ?? 0;
    if (fileGeoref) warn(`${file}: --origin overrides the file's georeference (${fileGeoref.georeference.description})`);
    else warn(`${file}: no georeference in the file (no IfcMapConversion, no IfcSite RefLatitude/RefLongitude); placed by --origin ${lon},${lat},${h} --heading ${heading}`);
    return {
      crs: new LocalOriginTransform(lon, lat, h, heading),
      georeference: { kind: 'origin', description: `--origin ${lon},${lat},${h} --heading ${heading}` },
    };
  }
  return fileGeoref!;
}

/** Heading (° clockwise from north) of the model's +y axis from the context's TrueNorth (model direction of north). */
function trueNorthHeading(api: IfcAPI, m: number): number {
  for (const id of api.GetLineIDsWithType(m, WebIFC.IFCGEOMETRICREPRESENTATIONCONTEXT)) {
    const c = api.GetLine(m, id);
    const tn = ref(c.TrueNorth);
    if (tn === undefined) continue;
    const d = api.GetLine(m, tn);
    const r = (d.DirectionRatios ?? []).map((x: unknown) => Number(ifcValue(x)));
    if (r.length >= 2 && Number.isFinite(r[0]) && Number.isFinite(r[1]) && (r[0] !== 0 || r[1] !== 0)) {
      return (Math.atan2(-r[0], r[1]) * 180) / Math.PI;
    }
  }
  return 0;
}

/** A transform whose origin sits at (ox, oy, oz) of the model (the site placement). */
function shifted(t: CoordinateTransform, ox: number, oy: number, oz: number): CoordinateTransform {
  return {
    name: `${t.name}-shift(${ox},${oy},${oz})`,
    toGeodetic: (x, y, z) => t.toGeodetic(x - ox, y - oy, z - oz),
    fromGeodetic: (lon, lat, h) => {
      const [x, y, z] = t.fromGeodetic(lon, lat, h);
      return [x + ox, y + oy, z + oz];
    },
  };
}
