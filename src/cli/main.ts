/**
 * `twin` command dispatcher. Each command lives in its capability's folder and exports
 * `run(argv): Promise<number>` (the exit code); it is imported only when used, so `twin flood` never loads the tiler.
 */
type CommandModule = { run(argv: string[]): Promise<number> };

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  start: { summary: 'build the demo if needed, build the app if needed, serve both on one port', load: () => import('../server/cli-start.js') },
  serve: { summary: 'serve the built app and tilesets (deployment)', load: () => import('../server/cli-start.js').then((m) => ({ run: m.runServe })) },
  gateway: { summary: 'the live-data gateway alone: SensorThings API, MQTT ingest, history store, WebSocket stream', load: () => import('../server/gateway/cli.js') },
  dev: { summary: 'Vite dev server with hot reload, tilesets served from ./tilesets', load: () => import('../server/cli-dev.js') },
  demo: { summary: 'generate the demo city into tilesets/demo (skipped when up to date)', load: () => import('../tiling/demo/cli.js') },
  import: { summary: 'import CityJSON / CityGML / GeoJSON footprints / IFC / DEM into 3D Tiles and terrain', load: () => import('../tiling/import/cli.js') },
  validate: { summary: 'validate 3D Tiles tilesets (tileset.json structure, glTF validator, loaders.gl)', load: () => import('../tiling/tiles3d/cli.js') },
  flood: { summary: '2D flood simulation (local inertial shallow water) on a DEM', load: () => import('./flood.js') },
  bench: { summary: 'benchmarks: app vs bare CesiumJS, engines; prints ratios', load: () => import('./bench.js') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `usage: twin <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n'twin <command> --help' for a command's options.`;
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const cmd = commands[name];
  if (!cmd) {
    console.error(`twin: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  let mod: CommandModule;
  try {
    mod = await cmd.load();
  } catch (err) {
    console.error(`twin ${name}: this command is not available in this build (${(err as Error).message})`);
    return 2;
  }
  try {
    return await mod.run(rest);
  } catch (err) {
    console.error(`twin ${name}: ${(err as Error).stack ?? err}`);
    return 1;
  }
}
