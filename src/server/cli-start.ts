import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, opt } from '../cli/args.js';
import { serveFile, tilesetsMiddleware } from './static.js';
import { ensureDemo } from '../tiling/demo/ensure.js';
import { createGateway, type Gateway } from './gateway/index.js';
import type { SceneCatalog } from '../core/scene/catalog.js';
import { parseVideoOptions } from './video/gateway.js';

const HELP = `twin start [--port 8080] [--host 127.0.0.1] [--scene <dir>]

Generates the demo city if missing or stale, builds the app if needed, and serves the app and all
scene directories under ./tilesets from one local server. --scene opens another scene directory
(for example one made by 'twin import --add-to', anywhere on disk) instead of the demo; a directory
outside ./tilesets is served under /tilesets/_scene/.

The live-data gateway runs on the same port (SensorThings API at /v1.1, WebSocket stream at /stream) with an
embedded MQTT broker and the built-in simulator for the scene's sensor, camera and drone sites:
  --data-dir <dir>        history store location (default .twin-data)
  --store <sqlite|memory|postgres://...>   history store (default sqlite)
  --mqtt <embedded|none|mqtt://host:port>  MQTT ingest (default embedded)
  --mqtt-port <n>         embedded broker port (default 1883; 0 = any free port)
  --no-simulate           no simulator
  --video <camera>=<file.mp4>  serve an H.264 MP4 as that camera's stream: HLS /api/video/<camera>/live.m3u8,
                          HTTP-FLV /api/video/<camera>/live.flv (repeatable; see 'twin gateway --help')
  --no-gateway            serve the app and tilesets only`;

/** Newest modification time of any file below `dir` (0 if none). */
function newestMtime(dir: string): number {
  let newest = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return newest;
}

/** Builds the app with Vite when dist/ is missing or older than the sources. */
export async function ensureAppBuilt(root: string): Promise<void> {
  const distIndex = path.join(root, 'dist', 'index.html');
  const built = fs.existsSync(distIndex) ? fs.statSync(distIndex).mtimeMs : 0;
  const sources = Math.max(
    newestMtime(path.join(root, 'src')),
    newestMtime(path.join(root, 'shaders')),
    newestMtime(path.join(root, 'public')),
    fs.statSync(path.join(root, 'index.html')).mtimeMs,
  );
  if (built >= sources) return;
  console.log('twin: building the app (vite build)...');
  const { build } = await import('vite');
  await build({ root, logLevel: 'warn' });
}

/** URL prefix under which a `--scene` directory outside ./tilesets is served. */
export const EXTERNAL_SCENE_PREFIX = '/tilesets/_scene/';

/**
 * Starts the one-port server for the built app and ./tilesets. `sceneDir`, when given and outside ./tilesets, is
 * served under {@link EXTERNAL_SCENE_PREFIX}. Resolves with the server once listening.
 */
export async function startServer(root: string, host: string, port: number, sceneDir?: string, gateway?: Gateway): Promise<http.Server> {
  const dist = path.join(root, 'dist');
  const tilesets = tilesetsMiddleware(root);
  const external = sceneDir && isOutsideTilesets(root, sceneDir) ? path.resolve(sceneDir) : undefined;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (external && url.startsWith(EXTERNAL_SCENE_PREFIX)) {
      if (!serveFile(external, url.slice(EXTERNAL_SCENE_PREFIX.length - 1), req, res)) {
        res.statusCode = 404;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(`not found: ${url}`);
      }
      return;
    }
    const app = () =>
      tilesets(req, res, () => {
        if (!serveFile(dist, url, req, res, path.join(dist, 'index.html'))) {
          res.statusCode = 404;
          res.end('not found');
        }
      });
    if (gateway) gateway.handle(req, res, app);
    else app();
  });
  server.on('upgrade', (req, socket, head) => {
    if (!gateway?.upgrade(req, socket, head)) socket.destroy();
  });
  server.on('close', () => void gateway?.close());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

function isOutsideTilesets(root: string, scene: string): boolean {
  const rel = path.relative(path.join(root, 'tilesets'), path.resolve(scene));
  return rel.startsWith('..') || path.isAbsolute(rel);
}

/**
 * The `?scene=` query for a scene directory: under ./tilesets it is served where it lies; anywhere else it is served
 * under /tilesets/_scene/. Throws when the directory has no scene.json.
 */
export function sceneQuery(scene: string | undefined, root: string): string {
  if (!scene) return '';
  const abs = path.resolve(scene);
  if (!fs.existsSync(path.join(abs, 'scene.json'))) {
    throw new Error(`--scene ${scene}: no scene.json in ${abs} (make one with 'twin import <file> --add-to ${scene}')`);
  }
  if (isOutsideTilesets(root, abs)) return `?scene=${encodeURIComponent(EXTERNAL_SCENE_PREFIX + 'scene.json')}`;
  const rel = path.relative(path.join(root, 'tilesets'), abs);
  return `?scene=${encodeURIComponent('/tilesets/' + rel.split(path.sep).join('/') + '/scene.json')}`;
}

async function serve(argv: string[], prepare: boolean): Promise<number> {
  const args = parseArgs(argv, ['help']);
  if (args.options.has('help')) {
    console.log(HELP);
    return 0;
  }
  const root = process.cwd();
  const port = Number(opt(args, 'port') ?? process.env.PORT ?? 8080);
  const host = opt(args, 'host') ?? '127.0.0.1';
  const query = sceneQuery(opt(args, 'scene'), root);
  if (prepare) {
    await ensureDemo({ quiet: false });
    await ensureAppBuilt(root);
  }
  let gateway: Gateway | undefined;
  if (opt(args, 'gateway') !== 'false' && !args.options.has('no-gateway')) {
    const sceneDir = opt(args, 'scene') ?? path.join(root, 'tilesets', 'demo');
    const scene = JSON.parse(fs.readFileSync(path.join(sceneDir, 'scene.json'), 'utf8')) as SceneCatalog;
    gateway = await createGateway({
      scene,
      dataDir: opt(args, 'data-dir') ?? path.join(root, '.twin-data'),
      store: opt(args, 'store') ?? 'sqlite',
      mqtt: opt(args, 'mqtt') ?? 'embedded',
      mqttPort: Number(opt(args, 'mqtt-port') ?? 1883),
      simulate: !args.options.has('no-simulate'),
      video: parseVideoOptions(args.options.get('video') ?? []),
    });
    console.log(
      `twin: gateway: SensorThings API at /v1.1, live stream at /stream, MQTT ${gateway.mqttPort === undefined ? opt(args, 'mqtt') : `on 127.0.0.1:${gateway.mqttPort}`}`,
    );
  }
  await startServer(root, host, port, opt(args, 'scene'), gateway);
  console.log(`twin: serving the twin at http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/${query}`);
  await new Promise(() => {});
  return 0;
}

/** `twin start`. */
export const run = (argv: string[]) => serve(argv, true);
/** `twin serve`: no builds, just serving. */
export const runServe = (argv: string[]) => serve(argv, false);
