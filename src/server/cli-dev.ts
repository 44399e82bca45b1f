import { ensureDemo } from '../tiling/demo/ensure.js';

/** `twin dev`: generates the demo if needed, then runs Vite's dev server (hot reload; tilesets from ./tilesets). */
export async function run(argv: string[]): Promise<number> {
  await ensureDemo({ quiet: false });
  const { createServer } = await import('vite');
  const server = await createServer({ server: { host: '127.0.0.1', port: 5173 }, clearScreen: false });
  await server.listen();
  server.printUrls();
  void argv;
  await new Promise(() => {});
  return 0;
}
