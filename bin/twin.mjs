#!/usr/bin/env node
// The `twin` command. Runs the TypeScript sources directly through tsx, so no build step stands between
// `npm install` and `npx twin ...`.
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { COMMAND_NODE_FLAGS, REEXEC_ENV } from './node-flags.mjs';

const argv = process.argv.slice(2);
const wanted = Object.hasOwn(COMMAND_NODE_FLAGS, argv[0] ?? '') ? COMMAND_NODE_FLAGS[argv[0]] : [];
// A flag the user already gave (on the command line or in NODE_OPTIONS, any value) is left as they set it.
const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].map((f) => f.split('=')[0].replace(/_/g, '-'));
const missing = wanted.filter((f) => !given.includes(f.split('=')[0]));

if (missing.length > 0 && process.env[REEXEC_ENV] !== '1') {
  // Some commands need V8 flags that cannot be set once Node runs (bin/node-flags.mjs): run Node again with them,
  // passing stdio, the exit code and signals through.
  const child = spawn(process.execPath, [...process.execArgv, ...missing, fileURLToPath(import.meta.url), ...argv], {
    stdio: 'inherit',
    env: { ...process.env, [REEXEC_ENV]: '1' },
  });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'].filter((s) => process.platform === 'win32' || s !== 'SIGBREAK');
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const s of signals) process.on(s, forward);
  child.on('error', (err) => {
    console.error(`twin: could not start node (${err.message})`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of signals) process.off(s, forward);
    if (signal) process.kill(process.pid, signal); // die of the same signal, as a shell expects
    else process.exit(code ?? 1);
  });
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const here = path.dirname(fileURLToPath(import.meta.url));
  const { main } = await import(pathToFileURL(path.join(here, '..', 'src', 'cli', 'main.ts')).href);
  process.exitCode = await main(argv);
}
