/**
 * App entry: reads `?scene=<url>` (default /tilesets/demo/scene.json), `?lite=1` and the share-link hash, creates the
 * TwinViewer and the UI, keeps the URL hash in step with the view, and exposes `window.twin` for tests and scripting.
 */
import 'cesium/Build/Cesium/Widgets/widgets.css';
import type { Clock, Viewer } from 'cesium';
import { TwinViewer, type ReadyReport } from './viewer/TwinViewer.js';
import { langFromNavigator } from './viewer/i18n/I18n.js';
import { decodeViewState, encodeViewState, type ViewState } from './core/scene/viewstate.js';
import type { SceneCatalog } from './core/scene/catalog.js';
import type { TwinLayer } from './viewer/layers/TwinLayer.js';
import './ui/app-shell.js';
import type { FloodController } from './viewer/flood/FloodController.js';

/** What `window.twin` offers. */
export interface TwinGlobal {
  /** The Cesium viewer. */
  viewer: Viewer;
  /** The twin viewer. */
  twin: TwinViewer;
  /** The layers (live list). */
  layers: TwinLayer[];
  /** The current selection. */
  readonly selection: TwinViewer['selection'];
  /** The Cesium clock. */
  clock: Clock;
  /** The scene catalog (null until loaded). */
  readonly scene: SceneCatalog | null;
  /** The serialisable view state. */
  state(): ViewState;
  /** Applies a view state. */
  setState(s: ViewState): Promise<void>;
  /** Share-link hash body of the current state. */
  hash(): string;
  /** Resolves when terrain and the initially visible tilesets' initial tiles rendered; never rejects. */
  ready: Promise<ReadyReport>;
  /** The flood simulation tool; its code loads after the first complete view, so it is there once `ready` resolved. */
  readonly flood: FloodController;
}

declare global {
  interface Window {
    twin: TwinGlobal;
  }
}

const params = new URLSearchParams(location.search);
const sceneUrl = params.get('scene') ?? '/tilesets/demo/scene.json';
const lite = params.get('lite') === '1';
const hashLang = new URLSearchParams(location.hash.slice(1)).get('lang');
const lang = hashLang === 'zh' || hashLang === 'en' ? hashLang : langFromNavigator(navigator.language);
document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
// Lite: no backdrop blur behind the panels (the compositor would re-blur every WebGL frame on a CPU renderer).
if (lite) document.documentElement.style.setProperty('--twin-panel-blur', 'none');

const twin = new TwinViewer({ container: 'cesium', sceneUrl, lite, lang });
/** The flood tool's class: not needed for the first complete view, so its code loads once the viewer is ready. */
let Flood: typeof FloodController | null = null;
const floodLoaded: Promise<void> = twin.ready
  .then(() => import('./viewer/flood/FloodController.js'))
  .then((m) => void (Flood = m.FloodController))
  .catch((err: Error) => twin.error(`flood: ${err.message}`));
const app = document.createElement('twin-app') as HTMLElement & { twin: TwinViewer };
app.twin = twin;
document.body.appendChild(app);

window.twin = {
  viewer: twin.viewer,
  twin,
  layers: twin.layers.layers,
  get selection() {
    return twin.selection;
  },
  clock: twin.viewer.clock,
  get scene() {
    return twin.catalog;
  },
  state: () => twin.state(),
  setState: (s) => twin.setState(s),
  hash: () => encodeViewState(twin.state()),
  ready: twin.ready.then(async (report) => {
    await floodLoaded;
    return report;
  }),
  get flood() {
    if (!Flood) throw new Error('twin.flood: the flood tool loads after the first complete view; await twin.ready first');
    return Flood.for(twin);
  },
};

/** Share-link part of the flood tool (`&fl=<scenario>@<minute>`), empty without a run. */
function floodHash(): string {
  const v = Flood?.for(twin).hashValue();
  return v ? `&fl=${encodeURIComponent(v).replace(/%3A/g, ':').replace(/%40/g, '@')}` : '';
}

void (async () => {
  twin.hashExtras.push(floodHash);
  await twin.load(location.hash);
  const fl = new URLSearchParams(location.hash.slice(1)).get('fl');
  if (fl) void floodLoaded.then(() => Flood?.for(twin).applyHashValue(fl));
  // Keep the address bar's hash in step with the view, so reload / copy keeps it.
  let timer: number | undefined;
  twin.addEventListener('change', () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => {
      const h = '#' + encodeViewState(twin.state()) + twin.hashExtras.map((f) => f()).join('');
      if (h !== location.hash) history.replaceState(null, '', h);
    }, 400);
  });
  // Back/forward or a pasted link with another hash.
  window.addEventListener('hashchange', () => {
    try {
      void twin.setState(decodeViewState(location.hash, twin.defaultState()));
    } catch (err) {
      twin.error(`${twin.i18n.t('errorLink')}: ${(err as Error).message}`);
    }
  });
})();
