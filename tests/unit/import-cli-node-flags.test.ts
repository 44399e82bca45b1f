/**
 * bin/twin.mjs re-executes Node with the V8 flags of bin/node-flags.mjs for `twin import`: the flags must reach the
 * process that imports, and exit codes, output and signals must pass through the extra process unchanged.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_NODE_FLAGS, REEXEC_ENV } from '../../bin/node-flags.mjs';
import { DATA, tmpDir } from './import-helpers.js';

const TWIN = path.resolve('bin/twin.mjs');

/**
 * Runs `node --import <probe> bin/twin.mjs ...args`. The probe module appends each Node process's pid and execArgv
 * to a file as it starts (the parent and, when re-executed, the child), so the test sees which flags each one had.
 */
function runTwin(args: string[], onStart?: (lines: string[], child: ReturnType<typeof spawn>) => void, extraEnv: Record<string, string> = {}) {
  const dir = tmpDir();
  const log = path.join(dir, 'starts.jsonl');
  const probe = path.join(dir, 'probe.mjs');
  fs.writeFileSync(probe, `import fs from 'node:fs';\nfs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ pid: process.pid, execArgv: process.execArgv }) + '\\n');\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  delete env[REEXEC_ENV];
  const child = spawn(process.execPath, ['--import', probe, TWIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const starts = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);
  let timer: NodeJS.Timeout | undefined;
  if (onStart) {
    timer = setInterval(() => {
      const s = starts();
      if (s.length >= 2) {
        clearInterval(timer);
        onStart(s, child);
      }
    }, 50);
  }
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; starts: { pid: number; execArgv: string[] }[] }>((resolve) => {
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      // Give the pipes a moment to flush what the exited process wrote.
      setTimeout(() => resolve({ code, signal, stdout, stderr, starts: starts().map((l) => JSON.parse(l)) }), 100);
    });
  });
}

describe('twin import runs with its V8 flags (bin/twin.mjs re-exec)', () => {
  const flags = COMMAND_NODE_FLAGS.import;

  it('imports in a child process that has the flags, and passes its output and exit code 0 through', async () => {
    const out = tmpDir();
    const r = await runTwin(['import', path.join(DATA, 'citymodels/nl_delft/cjio_delft_1b.city.json'), '--out', out, '--json', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.starts).toHaveLength(2);
    expect(r.starts[0].execArgv).not.toContain(flags[0]);
    for (const f of flags) expect(r.starts[1].execArgv).toContain(f);
    const summary = JSON.parse(r.stdout);
    expect(summary.ok).toBe(true);
    expect(summary.objects).toEqual({ Building: 1 });
    expect(fs.existsSync(path.join(out, 'tileset.json'))).toBe(true);
  });

  it('passes exit codes 1 (nothing usable) and 2 (usage) through', async () => {
    const bad = await runTwin(['import', path.join(tmpDir(), 'missing.json'), '--out', tmpDir(), '--quiet']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/missing\.json: cannot be read/);
    const usage = await runTwin(['import']);
    expect(usage.code).toBe(2);
  });

  it('leaves a flag the user set in NODE_OPTIONS alone (no second process)', async () => {
    const name = flags[0].split('=')[0];
    const r = await runTwin(['import', '--help'], undefined, { NODE_OPTIONS: `${name}=32` });
    expect(r.code).toBe(0);
    expect(r.starts).toHaveLength(1);
    expect(r.stdout).toMatch(/twin import <input\.\.\.>/);
  });

  it('does not re-execute other commands', async () => {
    const r = await runTwin(['--help']);
    expect(r.code).toBe(0);
    expect(r.starts).toHaveLength(1);
    expect(r.stdout).toMatch(/usage: twin <command>/);
  });

  it('a signal sent to the twin process reaches the import and ends both the same way', async () => {
    // Den Haag (terrain included) runs for seconds; the signal is sent once the child has started.
    const r = await runTwin(['import', path.join(DATA, 'citymodels/nl_denhaag/DenHaag_01.json'), '--crs', 'EPSG:28992', '--out', tmpDir(), '--quiet'], (_lines, child) => {
      child.kill('SIGTERM');
    });
    expect(r.signal).toBe('SIGTERM');
    expect(r.starts).toHaveLength(2);
    const childPid = r.starts[1].pid;
    let alive = true;
    try {
      process.kill(childPid, 0);
    } catch {
      alive = false;
    }
    expect(alive).toBe(false);
  });
});
