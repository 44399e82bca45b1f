import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Content types of the files the twin serves. */
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.geojson': 'application/geo+json',
  '.glb': 'model/gltf-binary',
  '.gltf': 'model/gltf+json',
  '.b3dm': 'application/octet-stream',
  '.subtree': 'application/octet-stream',
  '.terrain': 'application/vnd.quantized-mesh',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.mp4': 'video/mp4',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

type Next = (err?: unknown) => void;

/**
 * Cross-origin isolation, so that the page gets SharedArrayBuffer (the flood tool's parallel engine). COEP
 * 'credentialless' (not 'require-corp') keeps cross-origin images and tiles a user adds loadable: no-cors requests
 * go without credentials instead of needing a Cross-Origin-Resource-Policy header. Sent with every served file
 * (app, workers, tilesets); vite.config.ts sends the same in dev and preview.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'credentialless',
};

/**
 * Serves a file below `root` for the URL path `urlPath`, refusing paths that escape root.
 * Returns false when there is no such file (so the caller can fall through).
 */
export function serveFile(root: string, urlPath: string, req: IncomingMessage, res: ServerResponse, spaFallback?: string): boolean {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    res.statusCode = 400;
    res.end('bad URL encoding');
    return true;
  }
  const abs = path.resolve(root, '.' + path.posix.normalize('/' + rel));
  if (!abs.startsWith(path.resolve(root))) {
    res.statusCode = 403;
    res.end('forbidden');
    return true;
  }
  let file = abs;
  let st = statOrNull(file);
  if (st?.isDirectory()) {
    file = path.join(file, 'index.html');
    st = statOrNull(file);
  }
  if (!st?.isFile()) {
    if (!spaFallback) return false;
    file = spaFallback;
    st = statOrNull(file);
    if (!st) return false;
  }
  const ext = path.extname(file).toLowerCase();
  res.setHeader('Content-Type', MIME[ext] ?? 'application/octet-stream');
  res.setHeader('Content-Length', String(st.size));
  res.setHeader('Last-Modified', st.mtime.toUTCString());
  res.setHeader('Cache-Control', ext === '.html' ? 'no-cache' : 'public, max-age=60');
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
  if (req.headers['if-modified-since'] && new Date(req.headers['if-modified-since']).getTime() >= Math.floor(st.mtimeMs / 1000) * 1000) {
    res.statusCode = 304;
    res.end();
    return true;
  }
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  fs.createReadStream(file).pipe(res);
  return true;
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

/** Connect-style middleware serving `<projectRoot>/tilesets` under `/tilesets/`. */
export function tilesetsMiddleware(projectRoot: string) {
  const root = path.join(projectRoot, 'tilesets');
  return (req: IncomingMessage, res: ServerResponse, next: Next) => {
    const url = req.url ?? '/';
    if (!url.startsWith('/tilesets/')) return next();
    if (!serveFile(root, url.slice('/tilesets'.length), req, res)) {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end(`not found: ${url}`);
    }
  };
}
