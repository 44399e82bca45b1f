/** V8 flags per `twin` command (see node-flags.mjs). */
export declare const COMMAND_NODE_FLAGS: { readonly import: readonly string[] };
/** Environment variable set in the re-executed child so it never re-executes again. */
export declare const REEXEC_ENV: string;
