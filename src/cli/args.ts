/**
 * Minimal argument parser for the `twin` commands: `--name value`, `--name=value`, boolean `--flag`,
 * repeatable options collected in order, and positionals.
 */
export interface ParsedArgs {
  positionals: string[];
  /** Every option's values in the order given (a flag with no value gets "true"). */
  options: Map<string, string[]>;
}

/** Parses argv. `flags` names boolean options that never take a value. */
export function parseArgs(argv: string[], flags: readonly string[] = []): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string[]>();
  const add = (k: string, v: string) => options.set(k, [...(options.get(k) ?? []), v]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        add(a.slice(2, eq), a.slice(eq + 1));
      } else {
        const key = a.slice(2);
        const next = argv[i + 1];
        if (flags.includes(key) || next === undefined || (next.startsWith('--') && next.length > 2)) add(key, 'true');
        else {
          add(key, next);
          i++;
        }
      }
    } else positionals.push(a);
  }
  return { positionals, options };
}

/** Last value of an option, or undefined. */
export const opt = (p: ParsedArgs, k: string): string | undefined => p.options.get(k)?.at(-1);
/** All values of a repeatable option. */
export const opts = (p: ParsedArgs, k: string): string[] => p.options.get(k) ?? [];
/** Whether a boolean flag was given. */
export const flag = (p: ParsedArgs, k: string): boolean => p.options.has(k) && opt(p, k) !== 'false';
