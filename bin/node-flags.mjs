// V8 flags that some `twin` commands run with. bin/twin.mjs re-executes Node once with them (before loading anything
// else); the import benchmark measures with the same flags. Plain JavaScript so it loads before tsx is registered.

/**
 * Flags per command. `import`: a 64 MiB young-generation semi-space (Node's default is 16 MiB). A whole CityJSON
 * document parses into a large tree of small, live objects; with the default the scavenger copies that tree (and the
 * meshes built from it) again and again before promoting it. Measured on Den Haag (3.1 MB): about 30 % less time
 * importing. The semi-space only grows that far while the import allocates that much; memory stays bounded by the
 * data. Re-measured (Den Haag, warm CPU time, one process per setting): 32 MiB ≈ 1.4× slower than 64; 128 MiB no
 * faster than 64 within noise, so 64 stays.
 */
export const COMMAND_NODE_FLAGS = {
  import: ['--max-semi-space-size=64'],
};

/** Environment variable set in the re-executed child so it never re-executes again. */
export const REEXEC_ENV = 'TWIN_NODE_FLAGS_APPLIED';
