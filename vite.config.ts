import { defineConfig } from 'vite';
import { viteStaticCopy } from 'vite-plugin-static-copy';
import { ISOLATION_HEADERS, tilesetsMiddleware } from './src/server/static.js';

const cesiumSource = 'node_modules/cesium/Build/Cesium';
const cesiumBaseUrl = 'cesiumStatic';

/** The app: one page, Cesium's static assets copied beside it, tilesets served from ./tilesets in dev. */
export default defineConfig({
  define: { CESIUM_BASE_URL: JSON.stringify(`/${cesiumBaseUrl}`) },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 8000,
    target: 'es2022',
    // The app, the bare-CesiumJS page `npm run bench` compares it with, and the WebGPU flood engine's test/bench page.
    rollupOptions: { input: { main: 'index.html', bare: 'bench/bare/index.html', floodGpu: 'bench/flood-gpu/index.html' } },
  },
  worker: { format: 'es' },
  // Cross-origin isolation (SharedArrayBuffer for the flood engine's workers), as `twin serve` sends it.
  server: { headers: { ...ISOLATION_HEADERS } },
  preview: { headers: { ...ISOLATION_HEADERS } },
  plugins: [
    viteStaticCopy({
      targets: ['ThirdParty', 'Workers', 'Assets', 'Widgets'].map((d) => ({ src: `${cesiumSource}/${d}`, dest: cesiumBaseUrl })),
    }),
    {
      name: 'twin-tilesets',
      configureServer(server) {
        server.middlewares.use(tilesetsMiddleware(process.cwd()));
      },
      configurePreviewServer(server) {
        server.middlewares.use(tilesetsMiddleware(process.cwd()));
      },
    },
  ],
});
