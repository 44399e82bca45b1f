import type { SceneCatalog } from '../../core/scene/catalog.js';

/** Checks the parts of scene.json the viewer relies on; throws naming the URL and field. */
export function validateCatalog(raw: unknown, url: string): SceneCatalog {
  const c = raw as Partial<SceneCatalog>;
  if (!c || typeof c !== 'object') throw new Error(`${url}: not a JSON object`);
  if (c.version !== 1) throw new Error(`${url}: version must be 1 (got ${String(c.version)})`);
  if (typeof c.id !== 'string') throw new Error(`${url}: id missing`);
  const h = c.home;
  if (!h || !['lon', 'lat', 'height', 'heading', 'pitch', 'roll'].every((k) => typeof (h as unknown as Record<string, unknown>)[k] === 'number')) {
    throw new Error(`${url}: home must have numeric lon, lat, height, heading, pitch, roll`);
  }
  if (!Array.isArray(c.layers)) throw new Error(`${url}: layers must be an array`);
  const ids = new Set<string>();
  const kinds = ['tileset', 'bim', 'pipes', 'geojson'];
  c.layers.forEach((l, i) => {
    if (!l || typeof l.id !== 'string' || !l.id) throw new Error(`${url}: layers[${i}].id must be a non-empty string`);
    if (typeof l.url !== 'string' || !l.url) throw new Error(`${url}: layers[${i}].url must be a non-empty string`);
    if (!kinds.includes(l.kind)) throw new Error(`${url}: layers[${i}].kind must be one of ${kinds.join(', ')} (got ${String(l.kind)})`);
    if (ids.has(l.id)) throw new Error(`${url}: layers[${i}].id '${l.id}' is used twice`);
    if (l.name === undefined || typeof l.name !== 'object') throw new Error(`${url}: layers[${i}].name must be { en, zh }`);
    if (l.kind === 'bim' && l.storeys !== undefined && !Array.isArray(l.storeys)) throw new Error(`${url}: layers[${i}].storeys must be an array`);
    ids.add(l.id);
  });
  if (c.imagery !== undefined && !Array.isArray(c.imagery)) throw new Error(`${url}: imagery must be an array`);
  (c.imagery ?? []).forEach((im, i) => {
    if (!im || typeof im.url !== 'string') throw new Error(`${url}: imagery[${i}].url must be a string`);
  });
  return { ...c, imagery: Array.isArray(c.imagery) ? c.imagery : [], sites: Array.isArray(c.sites) ? c.sites : [] } as SceneCatalog;
}
