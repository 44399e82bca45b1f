/**
 * Real parts for the gateway reliability tests: a Debian mosquitto broker and a PostgreSQL server started in temp
 * directories on loopback ports, and `twin gateway` child processes. Every process is tracked and killed by stopAll().
 * A missing binary skips the tests locally but FAILS them when CI=true.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { TEST_SCENE } from './gateway-helpers.js';

const procs = new Set<ChildProcess>();
const dirs: string[] = [];

/** Absolute path of an executable (PATH or the given candidates), or undefined. */
export function findBinary(name: string, candidates: string[] = []): string | undefined {
  for (const c of candidates) if (fs.existsSync(c)) return c;
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : undefined;
}

/** PostgreSQL server binaries (initdb, pg_ctl, postgres) of the newest installed Debian version. */
export function findPostgres(): string | undefined {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (fs.existsSync(path.join(base, v, 'bin', 'initdb'))) return path.join(base, v, 'bin');
  const initdb = findBinary('initdb');
  return initdb ? path.dirname(fs.realpathSync(initdb)) : undefined;
}

/**
 * Whether the tests needing `what` can run: true when present; false (skip) when missing locally; throws when
 * missing on CI (CI=true), so CI never passes by skipping.
 */
export function requireOrSkip(what: string, found: unknown): boolean {
  if (found) return true;
  if (process.env.CI === 'true') throw new Error(`${what} is not installed but CI=true: install it (see .ci/run's apt-get line)`);
  console.warn(`gateway-reliability: ${what} not installed; skipping (CI=true makes this a failure)`);
  return false;
}

/** A fresh temp directory (removed by stopAll). */
export function tmp(tag: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `gwrel-${tag}-`));
  dirs.push(d);
  return d;
}

/** A free loopback TCP port. */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

/** Waits until a TCP connection to 127.0.0.1:port succeeds. */
export async function waitPort(port: number, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what} on 127.0.0.1:${port}`);
    await sleep(50);
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function track(p: ChildProcess, tag: string, log: string[]): ChildProcess {
  procs.add(p);
  p.stdout?.on('data', (d) => log.push(`[${tag}] ${d}`));
  p.stderr?.on('data', (d) => log.push(`[${tag}!] ${d}`));
  p.once('exit', () => procs.delete(p));
  return p;
}

async function waitExit(p: ChildProcess, ms: number): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  await Promise.race([new Promise((r) => p.once('exit', r)), sleep(ms)]);
  if (p.exitCode === null && p.signalCode === null) {
    p.kill('SIGKILL');
    await new Promise((r) => p.once('exit', r));
  }
}

/** A mosquitto broker on a loopback port with persistence and a raised offline queue. */
export interface Broker {
  port: number;
  url: string;
  log: string[];
  /** Stops it (SIGTERM: mosquitto writes its persistence file) and starts it again on the same port and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts Debian mosquitto with an explicit config: 127.0.0.1 listener, persistence on, max_queued_messages 1e6. */
export async function startMosquitto(bin: string): Promise<Broker> {
  const dir = tmp('mosq');
  fs.chmodSync(dir, 0o777);
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'persistence_file broker.db',
      'autosave_interval 1',
      'max_queued_messages 1000000',
      'max_queued_bytes 0',
      'max_inflight_messages 100',
      'log_dest stdout',
      ...(process.getuid?.() === 0 ? ['user root'] : []),
      '',
    ].join('\n'),
  );
  const log: string[] = [];
  let p: ChildProcess;
  const start = async () => {
    p = track(spawn(bin, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] }), 'mosquitto', log);
    await waitPort(port, 10_000, 'mosquitto');
  };
  await start();
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    log,
    async restart() {
      p.kill('SIGTERM');
      await waitExit(p, 10_000);
      await start();
    },
    async stop() {
      p.kill('SIGTERM');
      await waitExit(p, 10_000);
    },
  };
}

/** A PostgreSQL server in a temp dir on a loopback port. */
export interface Postgres {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** initdb + pg_ctl start (as the `postgres` user when running as root), trust auth on 127.0.0.1 only. */
export async function startPostgres(binDir: string): Promise<Postgres> {
  const dir = tmp('pg');
  const data = path.join(dir, 'data');
  const port = await freePort();
  const root = process.getuid?.() === 0;
  const asUser = (cmd: string, args: string[]) => (root ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' }));
  if (root) spawnSync('chown', ['postgres', dir]);
  const init = asUser(path.join(binDir, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'twin', '--no-sync', '-E', 'UTF8']);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const st = asUser(path.join(binDir, 'pg_ctl'), ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '30', 'start']);
  if (st.status !== 0) throw new Error(`pg_ctl start failed: ${st.stderr}${st.stdout} ${fs.existsSync(path.join(dir, 'log')) ? fs.readFileSync(path.join(dir, 'log'), 'utf8') : ''}`);
  const stop = async () => {
    asUser(path.join(binDir, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
  };
  pgStops.push(stop);
  return { port, url: `postgres://twin@127.0.0.1:${port}/postgres`, stop };
}
const pgStops: (() => Promise<void>)[] = [];

/** Writes the test scene to a temp dir (for `twin gateway --scene`). */
export function sceneDir(): string {
  const d = tmp('scene');
  fs.writeFileSync(path.join(d, 'scene.json'), JSON.stringify(TEST_SCENE));
  return d;
}

/** A `node bin/twin.mjs gateway` child process. */
export interface GatewayProc {
  proc: ChildProcess;
  port: number;
  log: string[];
  /** kill -9 */
  kill9(): Promise<void>;
  /** SIGTERM and wait (the gateway writes what is pending). */
  stop(): Promise<void>;
}

/** Spawns `twin gateway` with the given extra args on a free HTTP port and waits until it serves. */
export async function spawnGateway(args: string[], port?: number): Promise<GatewayProc> {
  const httpPort = port ?? (await freePort());
  const log: string[] = [];
  const proc = track(
    spawn(process.execPath, ['bin/twin.mjs', 'gateway', '--port', String(httpPort), '--host', '127.0.0.1', '--retention-days', '0', ...args], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    }),
    'gateway',
    log,
  );
  const t0 = Date.now();
  while (!log.some((l) => l.includes('twin gateway: http://'))) {
    if (proc.exitCode !== null) throw new Error(`twin gateway exited with ${proc.exitCode}: ${log.join('')}`);
    if (Date.now() - t0 > 30_000) throw new Error(`twin gateway did not start in 30 s: ${log.join('')}`);
    await sleep(50);
  }
  return {
    proc,
    port: httpPort,
    log,
    async kill9() {
      proc.kill('SIGKILL');
      await waitExit(proc, 5000);
    },
    async stop() {
      proc.kill('SIGTERM');
      await waitExit(proc, 15_000);
    },
  };
}

/** A /stream client that records every observation tuple and can resume elsewhere. */
export class ResumingClient {
  /** [seq, ds, t, result] in arrival order, across connections. */
  readonly obs: [number, number, number, unknown][] = [];
  readonly msgs: { type: string; [k: string]: unknown }[] = [];
  private ws?: WebSocket;

  /** Highest seq received. */
  get lastSeq(): number {
    return this.obs.length ? this.obs[this.obs.length - 1][0] : 0;
  }

  /** Connects to a gateway's /stream and subscribes (resuming from the last seq seen, if any). */
  async connect(port: number): Promise<void> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/stream`);
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      this.msgs.push(m);
      if (m.type === 'obs') this.obs.push(...m.obs);
    });
    ws.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const since = this.lastSeq;
    ws.send(JSON.stringify(since > 0 ? { op: 'subscribe', since } : { op: 'subscribe', since: 0 }));
    this.ws = ws;
  }

  /** Closes the current connection. */
  close(): void {
    this.ws?.terminate();
  }

  /** Sequence numbers received more than once, and gaps (missing seqs) against the given complete list. */
  check(all: number[]): { duplicates: number; missing: number; extra: number } {
    const seen = new Map<number, number>();
    for (const o of this.obs) seen.set(o[0], (seen.get(o[0]) ?? 0) + 1);
    const duplicates = [...seen.values()].filter((n) => n > 1).length;
    const want = new Set(all);
    const missing = all.filter((s) => !seen.has(s)).length;
    const extra = [...seen.keys()].filter((s) => !want.has(s)).length;
    return { duplicates, missing, extra };
  }
}

/** Kills every process started here and removes the temp dirs. */
export async function stopAll(): Promise<void> {
  for (const p of [...procs]) {
    p.kill('SIGKILL');
    await waitExit(p, 5000);
  }
  for (const s of pgStops.splice(0)) await s().catch(() => {});
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}
