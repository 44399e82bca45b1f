import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './tests/browser/chromium.js';

/** Port of the test server (the built app + ./tilesets, served by `twin serve`). */
const PORT = Number(process.env.TWIN_TEST_PORT ?? 4173);

/**
 * Browser tests: Debian Chromium with software WebGL (SwiftShader), one worker, small viewport, lite rendering.
 * The web server builds the app with Vite and serves it with `twin serve`; `npm test` generates tilesets/demo first.
 */
export default defineConfig({
  testDir: 'tests/browser',
  workers: 1,
  fullyParallel: false,
  // One retry on CI: SwiftShader on a loaded 2-core machine can stall a frame; a real failure fails twice.
  retries: process.env.CI ? 1 : 0,
  timeout: 240_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 800, height: 600 },
    locale: 'zh-CN',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `npx vite build --logLevel warn && node bin/twin.mjs serve --port ${PORT} --mqtt-port 0 --data-dir .twin-data/test`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
