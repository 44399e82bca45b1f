/**
 * `twin import --add-to <scene dir>`: creates or updates the directory's scene.json (SceneCatalog) with the imported
 * layers (URLs relative to scene.json), their search indexes and terrain; a new scene gets a home camera and
 * rectangle framing the data.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LayerSpec, SceneCatalog } from '../../core/scene/catalog.js';

/** One thing to register in the scene. Paths in `layer` are relative to `dir`. */
export interface SceneAddition {
  /** Directory of the output (tileset or terrain). */
  dir: string;
  /** The layer, with url/search relative to `dir`. */
  layer?: LayerSpec;
  /** True for a terrain output (layer.json in `dir`). */
  terrain?: boolean;
  /** [west, south, east, north] degrees of the layer. */
  rectangle?: [number, number, number, number];
  /** Highest ellipsoidal height (m). */
  maxHeight?: number;
}

/** A camera looking north at a rectangle from the south, high enough to frame it. */
export function homeFor(rect: [number, number, number, number], topHeight = 0): SceneCatalog['home'] {
  const [w, s, e, n] = rect;
  const metresNS = (n - s) * 111_320;
  const metresEW = (e - w) * 111_320 * Math.cos(((s + n) / 2) * (Math.PI / 180));
  const size = Math.max(metresNS, metresEW, 100);
  return {
    lon: (w + e) / 2,
    lat: s - ((n - s) * 0.9 + (size * 0.2) / 111_320),
    height: Math.round(topHeight + size * 0.8 + 150),
    heading: 0,
    pitch: -35,
    roll: 0,
  };
}

/**
 * Adds (or replaces, by layer id) layers in `<sceneDir>/scene.json`, creating the file when missing.
 * Throws naming the file when an existing scene.json is not valid JSON or not a scene catalog.
 * Returns the scene.json path.
 */
export function addLayersToScene(sceneDir: string, additions: SceneAddition[], title: string): string {
  fs.mkdirSync(sceneDir, { recursive: true });
  const file = path.join(sceneDir, 'scene.json');
  let scene: SceneCatalog | undefined;
  if (fs.existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file}: not valid JSON (${(err as Error).message}); fix or remove it`);
    }
    const p = parsed as Partial<SceneCatalog>;
    if (typeof parsed !== 'object' || parsed === null || p.version !== 1 || !Array.isArray(p.layers)) {
      throw new Error(`${file}: not a scene catalog (expected "version": 1 and a "layers" array)`);
    }
    scene = parsed as SceneCatalog;
    scene.imagery ??= [];
    scene.sites ??= [];
  }
  const rel = (dir: string, f: string) => {
    const r = path.relative(sceneDir, path.join(dir, f)).split(path.sep).join('/');
    return r;
  };
  let rect: [number, number, number, number] | undefined;
  let top = 0;
  for (const a of additions) {
    if (a.rectangle) {
      rect = rect ? [Math.min(rect[0], a.rectangle[0]), Math.min(rect[1], a.rectangle[1]), Math.max(rect[2], a.rectangle[2]), Math.max(rect[3], a.rectangle[3])] : [...a.rectangle];
      top = Math.max(top, a.maxHeight ?? 0);
    }
  }
  if (!scene) {
    const r = rect ?? [-180, -90, 180, 90];
    scene = {
      version: 1,
      id: path.basename(path.resolve(sceneDir)),
      title: { en: title, zh: title },
      home: homeFor(r, top),
      rectangle: r,
      imagery: [],
      layers: [],
      sites: [],
      attribution: 'Imported with twin import; see the source data for its licence.',
    };
  } else if (rect) {
    const r = scene.rectangle;
    scene.rectangle = [Math.min(r[0], rect[0]), Math.min(r[1], rect[1]), Math.max(r[2], rect[2]), Math.max(r[3], rect[3])];
  }
  for (const a of additions) {
    if (a.terrain) {
      const u = rel(a.dir, '');
      scene.terrain = { url: u ? `${u}/` : './' };
    }
    if (a.layer) {
      const layer: LayerSpec = { ...a.layer, url: rel(a.dir, a.layer.url) };
      if (layer.search) layer.search = rel(a.dir, layer.search);
      const i = scene.layers.findIndex((l) => l.id === layer.id);
      if (i >= 0) scene.layers[i] = layer;
      else scene.layers.push(layer);
    }
  }
  fs.writeFileSync(file, JSON.stringify(scene, null, 2));
  return file;
}
