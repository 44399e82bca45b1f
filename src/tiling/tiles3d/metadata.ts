/**
 * Per-feature metadata for EXT_structural_metadata: one schema class inferred from the attribute values of all
 * features of a tileset, and binary property tables per tile.
 *
 * Typing rule (per attribute key, over every written feature; a missing key counts as null):
 * - only booleans → BOOLEAN, a feature without the key reading false (property sets of BIM elements are absent on
 *   other element classes); booleans with explicit nulls → SCALAR UINT8 (1 true, 0 false, noData 255), since
 *   3D Tiles forbids noData on BOOLEAN and an explicit null must not turn into false;
 * - only integers → SCALAR UINT16 when in 0..65535 (65534 when nulls need 65535 as noData), else INT32 when it fits
 *   (noData −2147483648), else FLOAT64;
 * - other numbers → SCALAR FLOAT64 (noData −1.7976931348623157e308 when nulls occur);
 * - anything with a string, or mixed kinds, or only nulls → STRING (numbers/booleans written as text; null → "" and
 *   noData "").
 * Property ids must match `^[a-zA-Z_][a-zA-Z0-9_]*$`: keys that do not are sanitised ("Pset.Prop" → "Pset_Prop",
 * "名称" → "_u540d_u79f0") and the original key is kept as the property's `name`.
 * Columns `id` and `type` always come from CityFeature.id/type; an attribute called `id`/`type` that merely repeats
 * them is dropped, one that differs is written as `attr_id`/`attr_type`.
 */
import type { AttributeValue, CityFeature } from '../../core/model/feature.js';
import type { GlbBuilder } from './glb.js';

/** Schema property/class id pattern of 3D Tiles metadata. */
export const METADATA_ID = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** noData of nullable FLOAT64 columns. */
export const FLOAT64_NODATA = -1.7976931348623157e308;
/** noData of nullable INT32 columns. */
export const INT32_NODATA = -2147483648;

/** One column of the metadata class. */
export interface PropertyColumn {
  /** Schema property id. */
  id: string;
  /** The attribute key (or "id"/"type" for the reserved columns). */
  key: string;
  /** Where values come from. */
  source: 'id' | 'type' | 'attr';
  type: 'STRING' | 'SCALAR' | 'BOOLEAN';
  componentType?: 'FLOAT64' | 'INT32' | 'UINT16' | 'UINT8';
  /** Present when some feature has no value. */
  noData?: string | number;
  /** UINT8 column that stores booleans with nulls. */
  booleanAsUint8?: boolean;
}

/** The inferred metadata class and its schema JSON. */
export interface MetadataSchemaInfo {
  className: string;
  columns: PropertyColumn[];
  /** The `schema` object written into tileset.json and every glb. */
  schema: Record<string, unknown>;
}

interface KeyStats {
  key: string;
  str: number;
  num: number;
  bool: number;
  present: number;
  /** Features that have the key with a null value. */
  nulls: number;
  allInt: boolean;
  min: number;
  max: number;
  /** For reserved keys: whether some value differs from the feature's own id/type. */
  differs: boolean;
}

/** Turns any attribute key into a valid metadata id (see module doc). */
export function sanitizePropertyId(key: string): string {
  let s = '';
  for (const ch of key) {
    if (/[A-Za-z0-9_]/.test(ch)) s += ch;
    else if (ch === '.' || ch === ' ' || ch === '-' || ch === ':' || ch === '/') s += '_';
    else s += `_u${ch.codePointAt(0)!.toString(16)}`;
  }
  if (s === '' || /^[0-9]/.test(s)) s = '_' + s;
  return s;
}

function valueKind(v: unknown): 'null' | 'string' | 'number' | 'boolean' {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  return 'string';
}

/** Infers the metadata class of a set of features (see the module doc for the rule). */
export function inferSchema(features: readonly CityFeature[], className: string): MetadataSchemaInfo {
  if (!METADATA_ID.test(className)) {
    throw new Error(`writeTileset: options.className '${className}' is not a valid metadata id (^[a-zA-Z_][a-zA-Z0-9_]*$)`);
  }
  const stats = new Map<string, KeyStats>();
  for (const f of features) {
    const attrs = f.attributes ?? {};
    for (const key of Object.keys(attrs)) {
      let s = stats.get(key);
      if (!s) {
        s = { key, str: 0, num: 0, bool: 0, present: 0, nulls: 0, allInt: true, min: Infinity, max: -Infinity, differs: false };
        stats.set(key, s);
      }
      const v = attrs[key] as unknown;
      switch (valueKind(v)) {
        case 'null':
          s.nulls++;
          break;
        case 'number': {
          const n = v as number;
          s.num++;
          s.present++;
          if (!Number.isInteger(n)) s.allInt = false;
          if (n < s.min) s.min = n;
          if (n > s.max) s.max = n;
          break;
        }
        case 'boolean':
          s.bool++;
          s.present++;
          break;
        default:
          s.str++;
          s.present++;
      }
      if ((key === 'id' || key === 'type') && v !== null && v !== undefined && String(v) !== (key === 'id' ? f.id : f.type)) {
        s.differs = true;
      }
    }
  }
  const columns: PropertyColumn[] = [
    { id: 'id', key: 'id', source: 'id', type: 'STRING' },
    { id: 'type', key: 'type', source: 'type', type: 'STRING' },
  ];
  const used = new Set(['id', 'type']);
  const total = features.length;
  for (const s of stats.values()) {
    if ((s.key === 'id' || s.key === 'type') && !s.differs) continue;
    let id = s.key === 'id' || s.key === 'type' ? `attr_${s.key}` : sanitizePropertyId(s.key);
    if (used.has(id)) {
      let i = 2;
      while (used.has(`${id}_${i}`)) i++;
      id = `${id}_${i}`;
    }
    used.add(id);
    const nullable = s.present < total;
    const col: PropertyColumn = { id, key: s.key, source: 'attr', type: 'STRING' };
    if (s.present > 0 && s.bool === s.present) {
      if (s.nulls > 0) {
        Object.assign(col, { type: 'SCALAR', componentType: 'UINT8', noData: 255, booleanAsUint8: true });
      } else col.type = 'BOOLEAN';
    } else if (s.present > 0 && s.num === s.present) {
      col.type = 'SCALAR';
      if (s.allInt && s.min >= 0 && s.max <= (nullable ? 65534 : 65535)) {
        col.componentType = 'UINT16';
        if (nullable) col.noData = 65535;
      } else if (s.allInt && s.min > INT32_NODATA && s.max <= 2147483647) {
        col.componentType = 'INT32';
        if (nullable) col.noData = INT32_NODATA;
      } else {
        col.componentType = 'FLOAT64';
        if (nullable) col.noData = FLOAT64_NODATA;
      }
    } else if (nullable) {
      col.noData = '';
    }
    columns.push(col);
  }
  const properties: Record<string, unknown> = {};
  for (const c of columns) {
    const p: Record<string, unknown> = {};
    if (c.id !== c.key) p.name = c.key;
    if (c.source === 'id') p.description = 'Feature id';
    if (c.source === 'type') p.description = 'Feature type';
    if (c.booleanAsUint8) p.description = 'Boolean: 1 true, 0 false, 255 no value';
    p.type = c.type;
    if (c.componentType) p.componentType = c.componentType;
    if (c.noData !== undefined) p.noData = c.noData;
    properties[c.id] = p;
  }
  const schema = { id: `city_twin_${className}`, classes: { [className]: { name: className, properties } } };
  return { className, columns, schema };
}

/** The value of a column for a feature (null when missing). */
function columnValue(c: PropertyColumn, f: CityFeature): AttributeValue {
  if (c.source === 'id') return f.id;
  if (c.source === 'type') return f.type;
  const v = f.attributes?.[c.key] as unknown;
  return v === undefined ? null : (v as AttributeValue);
}

/** UTF-8 scratch for string columns, grown as needed and reused from table to table (no array per value). */
let textScratch = Buffer.allocUnsafe(1 << 16);

/**
 * Writes `text` as UTF-8 into `out` at `at` (room for 3 bytes per code unit is the caller's); returns the end. Short
 * ASCII text (ids, types, dates, most attribute values) is copied by a plain loop: a native Buffer.write call per
 * value cost about 5 % of writing Den Haag's tiles. Same bytes either way.
 */
function encodeUtf8(text: string, out: Buffer, at: number): number {
  const n = text.length;
  if (n > 64) return at + out.write(text, at, 'utf8');
  let j = at;
  for (let k = 0; k < n; k++) {
    const ch = text.charCodeAt(k);
    if (ch > 0x7f) return at + out.write(text, at, 'utf8');
    out[j++] = ch;
  }
  return j;
}

/**
 * Writes the property table of `features` (row i = feature id i of the tile) into the builder's buffer; returns the
 * EXT_structural_metadata property table JSON. Only columns whose key occurs in some of these features are written
 * (plus `id` and `type`).
 */
export function writePropertyTable(
  builder: GlbBuilder,
  info: MetadataSchemaInfo,
  features: readonly CityFeature[],
): Record<string, unknown> {
  const count = features.length;
  const properties: Record<string, unknown> = {};
  for (const c of info.columns) {
    if (c.source === 'attr' && !features.some((f) => f.attributes && c.key in f.attributes)) continue;
    if (c.type === 'STRING') {
      const offsets = new Uint32Array(count + 1);
      let total = 0;
      for (let i = 0; i < count; i++) {
        const v = columnValue(c, features[i]);
        const text = v === null ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
        // UTF-8 takes at most 3 bytes per UTF-16 code unit.
        if (total + text.length * 3 > textScratch.length) {
          const grown = Buffer.allocUnsafe(Math.max(textScratch.length * 2, total + text.length * 3));
          textScratch.copy(grown, 0, 0, total);
          textScratch = grown;
        }
        offsets[i] = total;
        total = encodeUtf8(text, textScratch, total);
      }
      offsets[count] = total;
      // A buffer view may not be empty: a column of empty strings still gets one (unreferenced) byte.
      const values = new Uint8Array(Math.max(1, total));
      values.set(textScratch.subarray(0, total));
      properties[c.id] = {
        values: builder.addBufferView(values),
        stringOffsets: builder.addBufferView(new Uint8Array(offsets.buffer)),
        stringOffsetType: 'UINT32',
      };
    } else if (c.type === 'BOOLEAN') {
      const bits = new Uint8Array(Math.max(1, Math.ceil(count / 8)));
      for (let i = 0; i < count; i++) if (columnValue(c, features[i]) === true) bits[i >> 3] |= 1 << (i & 7);
      properties[c.id] = { values: builder.addBufferView(bits) };
    } else {
      let arr: Uint8Array | Uint16Array | Int32Array | Float64Array;
      switch (c.componentType) {
        case 'UINT8':
          arr = new Uint8Array(count);
          break;
        case 'UINT16':
          arr = new Uint16Array(count);
          break;
        case 'INT32':
          arr = new Int32Array(count);
          break;
        default:
          arr = new Float64Array(count);
      }
      for (let i = 0; i < count; i++) {
        const v = columnValue(c, features[i]);
        if (v === null) arr[i] = c.noData as number;
        else if (c.booleanAsUint8) arr[i] = v === true ? 1 : 0;
        else arr[i] = v as number;
      }
      properties[c.id] = { values: builder.addBufferView(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength)) };
    }
  }
  return { class: info.className, count, properties };
}
