/** CPU-time accounting of the browser processes a benchmark launched (Linux /proc), shared by the browser benches. */
import fs from 'node:fs';

/**
 * CPU time (ms) used so far by every process below this one (the browser's renderer, GPU and other processes), from
 * /proc; null where /proc is not available. Unlike frame intervals it measures work done, not time waited for a core,
 * so it holds up on a loaded machine.
 */
export function browserCpuMs(): number | null {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return null;
  }
  const hz = 100; // USER_HZ on Linux
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const e of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(e), Number(f[1]));
      cpu.set(Number(e), ((Number(f[11]) + Number(f[12])) * 1000) / hz);
    } catch {
      /* the process ended meanwhile */
    }
  }
  let total = 0;
  for (const [pid, ms] of cpu) {
    let p: number | undefined = parent.get(pid);
    while (p !== undefined && p > 1 && p !== process.pid) p = parent.get(p);
    if (p === process.pid) total += ms;
  }
  return total;
}

