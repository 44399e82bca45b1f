/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32) so the demo city is reproducible:
 * the same seed gives the same sequence on every platform. Never uses Math.random.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Creates a generator from a numeric seed (any finite number; fractional parts are mixed in). */
  constructor(seed: number) {
    let s = (Math.floor(seed) ^ Math.floor((seed % 1) * 0x7fffffff)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Next unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A random element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** An element chosen with the given non-negative weights. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r < 0) return items[i];
    }
    return items[items.length - 1];
  }

  /** Approximately normal (mean 0, sd 1) from the sum of uniforms. */
  gauss(): number {
    return this.next() + this.next() + this.next() + this.next() - 2;
  }

  /** A new independent generator derived from this one (for sub-systems, so adding draws elsewhere does not shift them). */
  fork(salt: number): Rng {
    return new Rng((this.u32() ^ Math.imul(salt + 1, 0x27d4eb2d)) >>> 0);
  }
}

/** 16 random bytes as an IFC GlobalId: the 22-character IFC base-64 form of a 128-bit GUID. */
export function ifcGuid(rng: Rng): string {
  const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$';
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) bytes.push(rng.u32() & 0xff);
  // RFC 4122 version 4 / variant bits, as IFC tools produce.
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const enc = (v: number, n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) {
      s = chars[v % 64] + s;
      v = Math.floor(v / 64);
    }
    return s;
  };
  let out = enc(bytes[0], 2);
  for (let i = 1; i < 16; i += 3) out += enc((bytes[i] << 16) + (bytes[i + 1] << 8) + bytes[i + 2], 4);
  return out;
}
