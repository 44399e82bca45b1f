/**
 * Bounded-memory reading of large CityJSON documents (pure TS; the caller supplies the bytes as chunks, twice).
 *
 * A CityJSON document cannot be converted object by object in one pass: "vertices" often comes after
 * "CityObjects" and is shared by all of them. So the document is scanned twice without ever being parsed whole:
 * pass 1 decodes "vertices" into a Float64Array (24 bytes per vertex) and parses the small top-level members
 * (transform, metadata, appearance, geometry-templates); pass 2 hands each CityObject's own JSON text to
 * JSON.parse and converts it at once. Peak memory ≈ vertices + one CityObject + the converted output, whatever the
 * file size (no 512 MiB string limit either).
 */
import type { CityFeature } from '../../model/feature.js';
import { FormatError } from '../json-errors.js';
import { concatBytes } from '../../bytes.js';
import { CityJsonConverter, readCityJsonHeader, type CityJsonConvertOptions, type CityJsonHeader, type DecodedVertices } from './convert.js';

/** What one scan pass reports. */
export interface ScanHandlers {
  /** A top-level member other than "CityObjects" and "vertices", as raw JSON bytes. */
  onMember?(key: string, raw: Uint8Array): void;
  /** One element of "vertices": its numbers (null/strings/non-numbers as NaN) and whether it was an array. */
  onVertex?(values: number[], isArray: boolean): void;
  /** One CityObject: its id and raw JSON bytes. */
  onCityObject?(id: string, raw: Uint8Array): void;
}

const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;

/**
 * A byte-level scanner of a CityJSON document's structure (strings, nesting, top-level keys, CityObject ids).
 * Feed chunks with {@link push}; call {@link end} after the last. It checks bracket balance, not full JSON syntax:
 * each captured value is parsed by JSON.parse, which reports its own errors.
 */
export class CityJsonScanner {
  private readonly h: ScanHandlers;
  private depth = 0;
  private stack: number[] = []; // 0 array, 1 object
  private expectKey = false;
  private inString = false;
  private escape = false;
  private keyBytes: number[] | null = null;
  private lastKey = '';
  private topKey = '';
  private section: 'none' | 'vertices' | 'objects' | 'member' = 'none';
  private tok = '';
  private tokActive = false;
  private triple: number[] | null = null;
  private vertexIsArray = true;
  private capture: { depth: number; kind: 'member' | 'object'; key: string; parts: Uint8Array[]; start: number; primitive: boolean } | null = null;
  /** Bytes consumed so far. */
  bytes = 0;

  constructor(handlers: ScanHandlers) {
    this.h = handlers;
  }

  /** Scans the next chunk. */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const b = chunk[i];
      if (this.inString) {
        if (this.escape) {
          this.escape = false;
          if (this.keyBytes) this.keyBytes.push(b);
        } else if (b === 0x5c) {
          this.escape = true;
          if (this.keyBytes) this.keyBytes.push(b);
        } else if (b === 0x22) {
          this.inString = false;
          if (this.keyBytes) {
            this.lastKey = decodeKey(this.keyBytes);
            this.keyBytes = null;
            if (this.depth === 1) this.topKey = this.lastKey;
          } else if (this.capture && this.capture.primitive && this.depth === this.capture.depth) {
            this.endCapture(chunk, i + 1);
          } else if (this.section === 'vertices' && this.depth >= 2) {
            this.tokActive = true;
            this.tok = 'x'; // a string where a number belongs
          }
        } else if (this.keyBytes) this.keyBytes.push(b);
        continue;
      }
      if (WS[b]) continue;
      switch (b) {
        case 0x22: // "
          if (this.stack[this.depth - 1] === 1 && this.expectKey) {
            this.expectKey = false;
            this.inString = true;
            this.keyBytes = this.depth <= 2 ? [] : null;
          } else {
            this.valueStart(chunk, i, true);
            this.inString = true;
          }
          break;
        case 0x7b: // {
        case 0x5b: // [
          this.valueStart(chunk, i, false);
          if (this.section === 'vertices' && this.depth === 2 && b === 0x5b) {
            this.triple = [];
            this.vertexIsArray = true;
          }
          this.stack[this.depth] = b === 0x7b ? 1 : 0;
          this.depth++;
          this.expectKey = b === 0x7b;
          break;
        case 0x7d: // }
        case 0x5d: // ]
          this.finishToken(chunk, i);
          if (this.depth === 0) throw new Error(`unbalanced '${String.fromCharCode(b)}' at byte ${this.bytes + i}`);
          if ((this.stack[this.depth - 1] === 1) !== (b === 0x7d)) throw new Error(`mismatched '${String.fromCharCode(b)}' at byte ${this.bytes + i}`);
          this.depth--;
          this.expectKey = false;
          if (this.section === 'vertices') {
            if (this.depth === 2 && this.triple) {
              this.h.onVertex?.(this.triple, this.vertexIsArray);
              this.triple = null;
            } else if (this.depth === 1) this.section = 'none';
          } else if (this.section === 'objects' && this.depth === 1) this.section = 'none';
          if (this.capture && !this.capture.primitive && this.depth === this.capture.depth) this.endCapture(chunk, i + 1);
          if (this.section === 'member' && this.depth === 1 && !this.capture) this.section = 'none';
          break;
        case 0x3a: // :
          break;
        case 0x2c: // ,
          this.finishToken(chunk, i);
          if (this.stack[this.depth - 1] === 1) this.expectKey = true;
          break;
        default:
          if (!this.tokActive) {
            this.valueStart(chunk, i, true);
            this.tokActive = true;
            this.tok = '';
          }
          if (this.section === 'vertices' && this.h.onVertex) this.tok += String.fromCharCode(b);
      }
    }
    if (this.capture) {
      this.capture.parts.push(chunk.slice(this.capture.start));
      this.capture.start = 0;
    }
    this.bytes += n;
  }

  /** Checks that the document was complete. */
  end(): void {
    if (this.inString || this.depth !== 0) throw new Error(`unexpected end of file (${this.depth} unclosed brackets${this.inString ? ', inside a string' : ''})`);
  }

  private valueStart(chunk: Uint8Array, i: number, primitive: boolean): void {
    if (this.depth === 1) {
      if (this.topKey === 'vertices') {
        this.section = 'vertices';
      } else if (this.topKey === 'CityObjects') {
        this.section = 'objects';
      } else {
        this.section = 'member';
        if (this.h.onMember) this.capture = { depth: 1, kind: 'member', key: this.topKey, parts: [], start: i, primitive };
      }
    } else if (this.depth === 2 && this.section === 'objects' && this.h.onCityObject) {
      this.capture = { depth: 2, kind: 'object', key: this.lastKey, parts: [], start: i, primitive };
    } else if (this.depth === 2 && this.section === 'vertices' && primitive) {
      // a vertex that is not an array
      this.triple = [];
      this.vertexIsArray = false;
    }
  }

  private finishToken(chunk: Uint8Array, i: number): void {
    if (this.tokActive) {
      this.tokActive = false;
      if (this.section === 'vertices' && this.triple) {
        const v = this.tok === 'x' ? NaN : Number(this.tok);
        this.triple.push(Number.isFinite(v) ? v : NaN);
        if (!this.vertexIsArray && this.depth === 2) {
          this.h.onVertex?.(this.triple, false);
          this.triple = null;
        }
      }
      this.tok = '';
      if (this.capture && this.capture.primitive && this.depth === this.capture.depth) this.endCapture(chunk, i);
    }
  }

  private endCapture(chunk: Uint8Array, end: number): void {
    const c = this.capture!;
    c.parts.push(chunk.slice(c.start, end));
    this.capture = null;
    const raw = concatBytes(c.parts);
    if (c.kind === 'member') {
      this.h.onMember?.(c.key, raw);
      this.section = 'none';
    } else this.h.onCityObject?.(c.key, raw);
  }
}

function decodeKey(bytes: number[]): string {
  const s = new TextDecoder().decode(new Uint8Array(bytes));
  if (!s.includes('\\')) return s;
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
}

/** Result of {@link readCityJsonStream}. */
export interface CityJsonStreamResult {
  header: CityJsonHeader;
  features: CityFeature[];
  converter: CityJsonConverter;
  vertexCount: number;
}

/**
 * Reads a CityJSON document in two streaming passes (see the module comment). `chunks()` must return the document's
 * bytes from the start each time it is called. `makeOptions` receives the header and the first valid vertex (after
 * the transform). Throws FormatError naming the file for an incomplete document or missing members; a CityObject
 * whose JSON does not parse is skipped with its pointer.
 */
export async function readCityJsonStream(
  chunks: () => AsyncIterable<Uint8Array>,
  file: string,
  makeOptions: (header: CityJsonHeader, firstVertex: [number, number, number] | undefined) => CityJsonConvertOptions,
  warn: (m: string) => void,
  onProgress?: (pass: 1 | 2, bytes: number) => void,
): Promise<CityJsonStreamResult> {
  // Pass 1: members and vertices.
  const members: Record<string, unknown> = {};
  let raw = new Float64Array(3 * 65536);
  let count = 0;
  const why = new Map<number, string>();
  let sawObjects = false;
  const decoder = new TextDecoder();
  const pass = async (n: 1 | 2, h: ScanHandlers) => {
    const sc = new CityJsonScanner(h);
    try {
      for await (const c of chunks()) {
        sc.push(c);
        onProgress?.(n, sc.bytes);
      }
      sc.end();
    } catch (err) {
      throw new FormatError(file, '', `not a complete JSON document: ${(err as Error).message}`);
    }
  };
  await pass(1, {
    onMember(key, bytes) {
      try {
        members[key] = JSON.parse(decoder.decode(bytes));
      } catch (err) {
        throw new FormatError(file, `/${key}`, `invalid JSON: ${(err as Error).message}`);
      }
    },
    onVertex(values, isArray) {
      if (3 * (count + 1) > raw.length) {
        const grown = new Float64Array(raw.length * 2);
        grown.set(raw);
        raw = grown;
      }
      const ok = isArray && values.length >= 3 && Number.isFinite(values[0]) && Number.isFinite(values[1]) && Number.isFinite(values[2]);
      if (!ok) {
        why.set(count, isArray ? `got [${values.map((v) => (Number.isNaN(v) ? 'NaN/null' : v)).join(',')}]` : 'expected [x, y, z]');
        raw[3 * count] = raw[3 * count + 1] = raw[3 * count + 2] = NaN;
      } else {
        raw[3 * count] = values[0];
        raw[3 * count + 1] = values[1];
        raw[3 * count + 2] = values[2];
      }
      count++;
    },
    onCityObject() {
      sawObjects = true;
    },
  });
  const header = readCityJsonHeader(members, file, warn);
  const t = header.transform;
  if (t) {
    for (let i = 0; i < count; i++) {
      raw[3 * i] = raw[3 * i] * t.scale[0] + t.translate[0];
      raw[3 * i + 1] = raw[3 * i + 1] * t.scale[1] + t.translate[1];
      raw[3 * i + 2] = raw[3 * i + 2] * t.scale[2] + t.translate[2];
    }
  }
  if (why.size > 0) warn(`${file}: ${why.size} of ${count} vertices are not three finite numbers (first: /vertices/${why.keys().next().value}); objects using them are skipped`);
  let first: [number, number, number] | undefined;
  for (let i = 0; i < count; i++) {
    if (!why.has(i)) {
      first = [raw[3 * i], raw[3 * i + 1], raw[3 * i + 2]];
      break;
    }
  }
  if (count === 0 && sawObjects) throw new FormatError(file, '/vertices', 'missing or empty; a CityJSON file needs "vertices": [[x, y, z], ...]');
  const verts: DecodedVertices = { xyz: raw.subarray(0, 3 * count), count, why };
  const converter = new CityJsonConverter(header, makeOptions(header, first));
  const features: CityFeature[] = [];
  // Pass 2: CityObjects one at a time.
  await pass(2, {
    onCityObject(id, bytes) {
      let obj: unknown;
      try {
        obj = JSON.parse(decoder.decode(bytes));
      } catch (err) {
        converter.reportSkip(id, `${file}: /CityObjects/${id.replace(/~/g, '~0').replace(/\//g, '~1')}: invalid JSON: ${(err as Error).message}`);
        return;
      }
      for (const f of converter.convertObjects({ [id]: obj }, verts, members.appearance, file)) features.push(f);
    },
  });
  if (!sawObjects) throw new FormatError(file, '/CityObjects', 'missing or empty; a CityJSON file needs "CityObjects": {id: {...}}');
  return { header, features, converter, vertexCount: count };
}
