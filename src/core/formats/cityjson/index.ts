/**
 * CityJSON and CityJSONSeq reading (pure TS; the caller supplies text/lines and loads texture images).
 * See convert.ts for what is supported and the memory notes.
 */
import { parseJsonText, FormatError } from '../json-errors.js';
import { CityJsonConverter, readCityJsonHeader, type CityJsonConvertOptions, type CityJsonHeader } from './convert.js';
import type { CityFeature } from '../../model/feature.js';

export * from './convert.js';
export * from './stream.js';

/** What the first bytes of a file say about CityJSON: a document, a CityJSONSeq stream, or neither. */
export function sniffCityJson(head: string): 'cityjson' | 'cityjsonseq' | null {
  const s = head.replace(/^\uFEFF/, '').trimStart();
  if (!s.startsWith('{')) return null;
  const firstLine = s.split('\n', 1)[0];
  const nl = s.indexOf('\n');
  if (/"type"\s*:\s*"CityJSONFeature"/.test(s)) return 'cityjsonseq';
  if (nl > 0 && /"type"\s*:\s*"CityJSON"/.test(firstLine) && /"CityObjects"\s*:\s*\{\s*\}/.test(firstLine) && s.slice(nl + 1).trimStart().startsWith('{')) {
    return 'cityjsonseq';
  }
  if (/"type"\s*:\s*"CityJSON"/.test(s)) return 'cityjson';
  if (/^\{\s*"CityObjects"\s*:/.test(s)) return 'cityjson';
  return null;
}

/** Result of reading a whole CityJSON document. */
export interface CityJsonDocumentResult {
  header: CityJsonHeader;
  features: CityFeature[];
  converter: CityJsonConverter;
}

/**
 * Reads a CityJSON document from text. `makeOptions` receives the header (to pick the CRS and coordinate
 * conversion from its referenceSystem and the first vertex) and returns the conversion options.
 * Throws FormatError (file + line/column or JSON pointer) when nothing can be read.
 */
export function readCityJsonText(
  text: string,
  file: string,
  makeOptions: (header: CityJsonHeader, firstVertex: [number, number, number] | undefined) => CityJsonConvertOptions,
  warn: (m: string) => void,
): CityJsonDocumentResult {
  const { value, nonFinite } = parseJsonText(text, file);
  if (nonFinite > 0) warn(`${file}: ${nonFinite} bare NaN/Infinity tokens read as null; values holding them are rejected`);
  return readCityJsonValue(value, file, makeOptions, warn);
}

/** Same as {@link readCityJsonText} for an already parsed JSON value. */
export function readCityJsonValue(
  value: unknown,
  file: string,
  makeOptions: (header: CityJsonHeader, firstVertex: [number, number, number] | undefined) => CityJsonConvertOptions,
  warn: (m: string) => void,
): CityJsonDocumentResult {
  const header = readCityJsonHeader(value, file, warn);
  const doc = value as Record<string, unknown>;
  if (!Array.isArray(doc.vertices)) throw new FormatError(file, '/vertices', `missing or not an array; a CityJSON file needs "vertices": [[x, y, z], ...]`);
  const converter = new CityJsonConverter(header, makeOptions(header, firstValidVertex(doc.vertices, header)));
  // The parsed document is ours: let converted objects be collected as we go.
  const features = converter.convertChunk(doc, file, true);
  return { header, features, converter };
}

/** The first vertex of a list that is three finite numbers, after the header's transform. */
export function firstValidVertex(vertices: unknown[], header: CityJsonHeader): [number, number, number] | undefined {
  for (const v of vertices) {
    if (Array.isArray(v) && v.length >= 3 && v.slice(0, 3).every((x) => typeof x === 'number' && Number.isFinite(x))) {
      const t = header.transform;
      return t
        ? [v[0] * t.scale[0] + t.translate[0], v[1] * t.scale[1] + t.translate[1], v[2] * t.scale[2] + t.translate[2]]
        : [v[0], v[1], v[2]];
    }
  }
  return undefined;
}
