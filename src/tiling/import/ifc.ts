/**
 * `twin import` of IFC 2x3 / IFC4 (STEP .ifc, optionally gzipped) through web-ifc: one BIM layer tiled by storey
 * (`tiling: 'group'`, storeys ordered by elevation) so the viewer's storey isolate / explode / section tools work.
 */
import path from 'node:path';
import * as WebIFC from 'web-ifc';
import { readIfc, type IfcReadResult } from '../../core/formats/ifc/reader.js';
import type { ImportContext, ImportOutput, Importer } from './registry.js';
import { headText } from './sniff.js';

let apiPromise: Promise<WebIFC.IfcAPI> | null = null;

/** The process-wide web-ifc API (initialised once). */
export function ifcApi(): Promise<WebIFC.IfcAPI> {
  apiPromise ??= (async () => {
    const api = new WebIFC.IfcAPI();
    await api.Init();
    // web-ifc prints geometry problems to the console; elements without usable geometry are reported by the reader.
    try {
      api.SetLogLevel(WebIFC.LogLevel.LOG_LEVEL_OFF);
    } catch {
      // older builds have no log level
    }
    return api;
  })();
  return apiPromise;
}

/** Sniffs an IFC STEP file. */
export function sniffIfc(text: string): boolean {
  return /^\s*ISO-10303-21;/.test(text) && /FILE_SCHEMA\s*\(\s*\(\s*'IFC/i.test(text);
}

/** Reads an IFC file's bytes into a BIM model with the import context's placement options. */
export async function readIfcWithContext(bytes: Uint8Array, file: string, ctx: Pick<ImportContext, 'origin' | 'heading' | 'heightOffset' | 'warn' | 'progress'>): Promise<IfcReadResult> {
  const api = await ifcApi();
  return readIfc(api, bytes, {
    fileName: path.basename(file),
    origin: ctx.origin,
    heading: ctx.heading,
    heightOffset: ctx.heightOffset,
    onWarning: (m) => ctx.warn(m),
    onProgress: (d, t) => ctx.progress(d, t, 'elements'),
  });
}

/** The IFC importer. */
export const ifcImporter: Importer = {
  id: 'ifc',
  description: 'IFC 2x3 / IFC4 BIM models (.ifc) via web-ifc: elements with property sets, tiled by storey',
  detect(head) {
    return sniffIfc(headText(head, 4096));
  },
  async import(file, ctx) {
    ctx.progress(0, 1, 'reading');
    const bytes = await ctx.readFile(file);
    const r = await readIfcWithContext(bytes, file, ctx);
    delete r.model.warnings; // already reported through ctx.warn
    return {
      layers: [
        {
          model: r.model,
          kind: 'bim',
          className: 'bimElement',
          tiling: 'group',
          groupOrder: r.groupOrder,
          storeys: r.storeys,
          styleBy: { ifcClass: 'category', storeyName: 'category' },
        },
      ],
      sourceCrs: r.georeference.description,
      format: `${r.schema} (${r.model.features.length} elements, ${r.storeys.length} storeys)`,
    } satisfies ImportOutput;
  },
};
