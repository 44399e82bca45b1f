/**
 * SensorThings (OData) query options: `$filter` parsing and evaluation, `$orderby`, `$top`, `$skip`, `$count`, `$select`.
 * Pure: the evaluator reads entity values through a resolver, so the same filter runs on any entity shape.
 */

/** A parsed $filter expression. */
export type Expr =
  | { type: 'lit'; value: number | string | boolean | null }
  | { type: 'time'; ms: number; text: string }
  | { type: 'path'; path: string[] }
  | { type: 'bin'; op: BinOp; left: Expr; right: Expr }
  | { type: 'not'; expr: Expr }
  | { type: 'neg'; expr: Expr }
  | { type: 'call'; name: string; args: Expr[] };

/** Binary operators of $filter. */
export type BinOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'and' | 'or' | 'add' | 'sub' | 'mul' | 'div' | 'mod';

/** A query option error; `option` names the offending option (e.g. "$filter"). */
export class QueryError extends Error {
  /** The query option at fault. */
  readonly option: string;
  constructor(option: string, message: string) {
    super(`${option}: ${message}`);
    this.option = option;
  }
}

type Tok =
  | { k: 'num'; v: number; p: number }
  | { k: 'str'; v: string; p: number }
  | { k: 'time'; v: number; text: string; p: number }
  | { k: 'id'; v: string; p: number }
  | { k: 'punc'; v: '(' | ')' | ',' | '-'; p: number };

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})/;

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ k: 'punc', v: c, p: i });
      i++;
      continue;
    }
    if (c === "'") {
      let s = '';
      let j = i + 1;
      for (;;) {
        if (j >= src.length) throw new QueryError('$filter', `unterminated string starting at ${i}`);
        if (src[j] === "'") {
          if (src[j + 1] === "'") {
            s += "'";
            j += 2;
            continue;
          }
          break;
        }
        s += src[j++];
      }
      out.push({ k: 'str', v: s, p: i });
      i = j + 1;
      continue;
    }
    const iso = ISO_RE.exec(src.slice(i));
    if (iso) {
      const ms = Date.parse(iso[0]);
      if (!Number.isFinite(ms)) throw new QueryError('$filter', `bad datetime '${iso[0]}' at ${i}`);
      out.push({ k: 'time', v: ms, text: iso[0], p: i });
      i += iso[0].length;
      continue;
    }
    const num = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ k: 'num', v: Number(num[0]), p: i });
      i += num[0].length;
      continue;
    }
    if (c === '-') {
      out.push({ k: 'punc', v: '-', p: i });
      i++;
      continue;
    }
    const id = /^[A-Za-z_@$][A-Za-z0-9_.@$/]*/.exec(src.slice(i));
    if (id) {
      out.push({ k: 'id', v: id[0], p: i });
      i += id[0].length;
      continue;
    }
    throw new QueryError('$filter', `unexpected character '${c}' at ${i}`);
  }
  return out;
}

const CMP = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCS: Record<string, [number, number]> = {
  substringof: [2, 2],
  contains: [2, 2],
  startswith: [2, 2],
  endswith: [2, 2],
  length: [1, 1],
  indexof: [2, 2],
  substring: [2, 3],
  tolower: [1, 1],
  toupper: [1, 1],
  trim: [1, 1],
  concat: [2, 2],
  year: [1, 1],
  month: [1, 1],
  day: [1, 1],
  hour: [1, 1],
  minute: [1, 1],
  second: [1, 1],
  now: [0, 0],
  round: [1, 1],
  floor: [1, 1],
  ceiling: [1, 1],
  'geo.distance': [2, 2],
  'st_within': [2, 2],
};

/** Parses a $filter expression; throws QueryError naming the position of the first error. */
export function parseFilter(src: string): Expr {
  const toks = tokenize(src);
  let i = 0;
  const peek = () => toks[i];
  const isId = (v: string) => peek()?.k === 'id' && (peek() as { v: string }).v === v;
  const fail = (msg: string): never => {
    const t = peek();
    throw new QueryError('$filter', `${msg} at ${t ? `position ${t.p}` : 'end of input'}`);
  };
  const expectPunc = (v: string) => {
    const t = peek();
    if (!t || t.k !== 'punc' || t.v !== v) fail(`expected '${v}'`);
    i++;
  };
  const parseOr = (): Expr => {
    let l = parseAnd();
    while (isId('or')) {
      i++;
      l = { type: 'bin', op: 'or', left: l, right: parseAnd() };
    }
    return l;
  };
  const parseAnd = (): Expr => {
    let l = parseNot();
    while (isId('and')) {
      i++;
      l = { type: 'bin', op: 'and', left: l, right: parseNot() };
    }
    return l;
  };
  const parseNot = (): Expr => {
    if (isId('not')) {
      i++;
      return { type: 'not', expr: parseNot() };
    }
    return parseCmp();
  };
  const parseCmp = (): Expr => {
    const l = parseAdd();
    const t = peek();
    if (t && t.k === 'id' && CMP.has(t.v)) {
      i++;
      return { type: 'bin', op: t.v as BinOp, left: l, right: parseAdd() };
    }
    return l;
  };
  const parseAdd = (): Expr => {
    let l = parseMul();
    while (isId('add') || isId('sub')) {
      const op = (toks[i++] as { v: string }).v as BinOp;
      l = { type: 'bin', op, left: l, right: parseMul() };
    }
    return l;
  };
  const parseMul = (): Expr => {
    let l = parseUnary();
    while (isId('mul') || isId('div') || isId('mod')) {
      const op = (toks[i++] as { v: string }).v as BinOp;
      l = { type: 'bin', op, left: l, right: parseUnary() };
    }
    return l;
  };
  const parseUnary = (): Expr => {
    const t = peek();
    if (t && t.k === 'punc' && t.v === '-') {
      i++;
      return { type: 'neg', expr: parseUnary() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): Expr => {
    const t = peek();
    if (!t) return fail('expected a value');
    if (t.k === 'num') {
      i++;
      return { type: 'lit', value: t.v };
    }
    if (t.k === 'str') {
      i++;
      return { type: 'lit', value: t.v };
    }
    if (t.k === 'time') {
      i++;
      return { type: 'time', ms: t.v, text: t.text };
    }
    if (t.k === 'punc') {
      if (t.v !== '(') return fail(`unexpected '${t.v}'`);
      i++;
      const e = parseOr();
      expectPunc(')');
      return e;
    }
    i++;
    const name = t.v;
    if (name === 'true' || name === 'false') return { type: 'lit', value: name === 'true' };
    if (name === 'null') return { type: 'lit', value: null };
    const nx = peek();
    if (nx && nx.k === 'punc' && nx.v === '(') {
      const fname = name.toLowerCase();
      const arity = FUNCS[fname];
      if (!arity) throw new QueryError('$filter', `unknown function '${name}' at position ${t.p}`);
      i++;
      const args: Expr[] = [];
      if (!(peek()?.k === 'punc' && (peek() as { v: string }).v === ')')) {
        args.push(parseOr());
        while (peek()?.k === 'punc' && (peek() as { v: string }).v === ',') {
          i++;
          args.push(parseOr());
        }
      }
      expectPunc(')');
      if (args.length < arity[0] || args.length > arity[1]) {
        throw new QueryError('$filter', `${name}() takes ${arity[0]}${arity[1] !== arity[0] ? `–${arity[1]}` : ''} arguments, got ${args.length}`);
      }
      return { type: 'call', name: fname, args };
    }
    if (CMP.has(name) || ['and', 'or', 'not', 'add', 'sub', 'mul', 'div', 'mod'].includes(name)) {
      throw new QueryError('$filter', `unexpected operator '${name}' at position ${t.p}`);
    }
    return { type: 'path', path: name.split('/') };
  };
  if (toks.length === 0) throw new QueryError('$filter', 'empty expression');
  const e = parseOr();
  if (i < toks.length) fail('unexpected token');
  return e;
}

/** Reads an entity's value at a path (e.g. ["result"], ["Datastream","id"], ["properties","kind"]). */
export type Resolver = (path: string[]) => unknown;

/** Converts a value to ms since epoch when it is a time (Date, ISO string); otherwise undefined. */
function asTime(v: unknown): number | undefined {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string' && ISO_RE.test(v)) {
    const ms = Date.parse(v);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

function compare(a: unknown, b: unknown): number | undefined {
  if (a === null || a === undefined || b === null || b === undefined) return undefined;
  if (a instanceof Date || b instanceof Date || (typeof a === 'number' && typeof b === 'string') || (typeof a === 'string' && typeof b === 'number')) {
    const ta = typeof a === 'number' ? a : asTime(a);
    const tb = typeof b === 'number' ? b : asTime(b);
    if (ta === undefined || tb === undefined) return undefined;
    return ta - tb;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return undefined;
}

function toDate(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  const t = typeof v === 'number' ? v : asTime(v);
  return t === undefined ? undefined : new Date(t);
}

/** Great-circle distance in degrees between two GeoJSON points (OData geo.distance on geographic coordinates). */
function geoDistance(a: unknown, b: unknown): number | undefined {
  const pa = pointOf(a);
  const pb = pointOf(b);
  if (!pa || !pb) return undefined;
  return Math.hypot(pa[0] - pb[0], pa[1] - pb[1]);
}

function pointOf(v: unknown): [number, number] | undefined {
  if (typeof v === 'string') {
    const m = /^(?:geography|geometry)?'?POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)/i.exec(v);
    return m ? [Number(m[1]), Number(m[2])] : undefined;
  }
  if (v && typeof v === 'object') {
    const o = v as { type?: string; coordinates?: unknown; location?: unknown };
    if (o.type === 'Point' && Array.isArray(o.coordinates)) return [Number(o.coordinates[0]), Number(o.coordinates[1])];
    if (o.location) return pointOf(o.location);
  }
  return undefined;
}

/** Evaluates a parsed expression against an entity via its resolver. */
export function evaluate(e: Expr, get: Resolver): unknown {
  switch (e.type) {
    case 'lit':
      return e.value;
    case 'time':
      return new Date(e.ms);
    case 'path':
      return get(e.path);
    case 'not':
      return !truthy(evaluate(e.expr, get));
    case 'neg': {
      const v = evaluate(e.expr, get);
      return typeof v === 'number' ? -v : null;
    }
    case 'bin': {
      if (e.op === 'and') return truthy(evaluate(e.left, get)) && truthy(evaluate(e.right, get));
      if (e.op === 'or') return truthy(evaluate(e.left, get)) || truthy(evaluate(e.right, get));
      const a = evaluate(e.left, get);
      const b = evaluate(e.right, get);
      switch (e.op) {
        case 'eq':
        case 'ne': {
          let eq: boolean;
          if (a === null || a === undefined || b === null || b === undefined) eq = (a ?? null) === (b ?? null);
          else eq = compare(a, b) === 0;
          return e.op === 'eq' ? eq : !eq;
        }
        case 'gt':
        case 'ge':
        case 'lt':
        case 'le': {
          const c = compare(a, b);
          if (c === undefined || Number.isNaN(c)) return false;
          return e.op === 'gt' ? c > 0 : e.op === 'ge' ? c >= 0 : e.op === 'lt' ? c < 0 : c <= 0;
        }
        default: {
          if (typeof a !== 'number' || typeof b !== 'number') return null;
          switch (e.op) {
            case 'add':
              return a + b;
            case 'sub':
              return a - b;
            case 'mul':
              return a * b;
            case 'div':
              return b === 0 ? null : a / b;
            case 'mod':
              return b === 0 ? null : a % b;
          }
        }
      }
      return null;
    }
    case 'call':
      return call(e.name, e.args.map((x) => evaluate(x, get)));
  }
}

function call(name: string, a: unknown[]): unknown {
  const s = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? undefined : String(v));
  switch (name) {
    case 'substringof': {
      const x = s(a[0]);
      const y = s(a[1]);
      return x !== undefined && y !== undefined && y.includes(x);
    }
    case 'contains': {
      const x = s(a[0]);
      const y = s(a[1]);
      return x !== undefined && y !== undefined && x.includes(y);
    }
    case 'startswith': {
      const x = s(a[0]);
      const y = s(a[1]);
      return x !== undefined && y !== undefined && x.startsWith(y);
    }
    case 'endswith': {
      const x = s(a[0]);
      const y = s(a[1]);
      return x !== undefined && y !== undefined && x.endsWith(y);
    }
    case 'length':
      return s(a[0])?.length ?? null;
    case 'indexof': {
      const x = s(a[0]);
      const y = s(a[1]);
      return x === undefined || y === undefined ? null : x.indexOf(y);
    }
    case 'substring': {
      const x = s(a[0]);
      if (x === undefined || typeof a[1] !== 'number') return null;
      return a.length > 2 && typeof a[2] === 'number' ? x.substr(a[1], a[2]) : x.substring(a[1]);
    }
    case 'tolower':
      return s(a[0])?.toLowerCase() ?? null;
    case 'toupper':
      return s(a[0])?.toUpperCase() ?? null;
    case 'trim':
      return s(a[0])?.trim() ?? null;
    case 'concat':
      return s(a[0]) === undefined || s(a[1]) === undefined ? null : s(a[0])! + s(a[1])!;
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
    case 'minute':
    case 'second': {
      const d = toDate(a[0]);
      if (!d) return null;
      return name === 'year'
        ? d.getUTCFullYear()
        : name === 'month'
          ? d.getUTCMonth() + 1
          : name === 'day'
            ? d.getUTCDate()
            : name === 'hour'
              ? d.getUTCHours()
              : name === 'minute'
                ? d.getUTCMinutes()
                : d.getUTCSeconds();
    }
    case 'now':
      return new Date();
    case 'round':
      return typeof a[0] === 'number' ? Math.round(a[0]) : null;
    case 'floor':
      return typeof a[0] === 'number' ? Math.floor(a[0]) : null;
    case 'ceiling':
      return typeof a[0] === 'number' ? Math.ceil(a[0]) : null;
    case 'geo.distance':
      return geoDistance(a[0], a[1]) ?? null;
    case 'st_within':
      return withinPolygon(a[0], a[1]);
  }
  return null;
}

function withinPolygon(p: unknown, poly: unknown): boolean {
  const pt = pointOf(p);
  let ring: [number, number][] | undefined;
  if (typeof poly === 'string') {
    const m = /POLYGON\s*\(\(([^)]*)\)/i.exec(poly);
    if (m) ring = m[1].split(',').map((pair) => pair.trim().split(/\s+/).map(Number) as [number, number]);
  }
  if (!pt || !ring) return false;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > pt[1] !== yj > pt[1] && pt[0] < ((xj - xi) * (pt[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a filter result counts as true. */
export function truthy(v: unknown): boolean {
  return v === true;
}

/** One $orderby key. */
export interface OrderKey {
  path: string[];
  desc: boolean;
}

/** Parses `$orderby=phenomenonTime desc,id`. */
export function parseOrderBy(src: string): OrderKey[] {
  const keys: OrderKey[] = [];
  for (const part of src.split(',')) {
    const bits = part.trim().split(/\s+/);
    if (!bits[0] || bits.length > 2 || !/^[A-Za-z_@][A-Za-z0-9_./@]*$/.test(bits[0])) {
      throw new QueryError('$orderby', `bad sort key '${part.trim()}'`);
    }
    const dir = (bits[1] ?? 'asc').toLowerCase();
    if (dir !== 'asc' && dir !== 'desc') throw new QueryError('$orderby', `direction must be asc or desc, got '${bits[1]}'`);
    keys.push({ path: bits[0].split('/'), desc: dir === 'desc' });
  }
  return keys;
}

/** Returns a comparator sorting entities by the order keys (nulls first, as OData does). */
export function comparator<T>(keys: OrderKey[], resolve: (item: T) => Resolver): (a: T, b: T) => number {
  return (a, b) => {
    const ra = resolve(a);
    const rb = resolve(b);
    for (const k of keys) {
      const va = ra(k.path);
      const vb = rb(k.path);
      let c: number;
      if (va === null || va === undefined) c = vb === null || vb === undefined ? 0 : -1;
      else if (vb === null || vb === undefined) c = 1;
      else c = compare(va, vb) ?? 0;
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  };
}

/** Parsed query options of one request. */
export interface QueryOptions {
  top: number;
  skip: number;
  count: boolean;
  filter?: Expr;
  orderBy: OrderKey[];
  select?: string[];
  /** Navigation properties to expand (one level), each with its own nested options (`Observations($top=1)`). */
  expand: ExpandItem[];
}

/** One `$expand` item. */
export interface ExpandItem {
  nav: string;
  /** Nested options in parentheses, if any. */
  options?: QueryOptions;
}

/** Splits `s` at `sep` outside parentheses and quotes. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (const ch of s) {
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    if (ch === sep && depth === 0 && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

/** Parses `$expand=Thing,Observations($top=1;$orderby=phenomenonTime desc)`. */
export function parseExpand(src: string, limits: QueryLimits): ExpandItem[] {
  return splitTop(src, ',').map((item) => {
    const m = /^([A-Za-z]+)(?:\((.*)\))?$/s.exec(item);
    if (!m) throw new QueryError('$expand', `bad item '${item}'`);
    if (m[2] === undefined) return { nav: m[1] };
    const params = new URLSearchParams();
    for (const pair of splitTop(m[2], ';')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new QueryError('$expand', `bad nested option '${pair}' in ${m[1]}(...)`);
      params.append(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
    return { nav: m[1], options: parseQueryOptions(params, limits) };
  });
}

/** Limits for query options. */
export interface QueryLimits {
  defaultTop: number;
  maxTop: number;
}

/** Parses the query options of a URL's search params; unknown `$` options are an error. */
export function parseQueryOptions(params: URLSearchParams, limits: QueryLimits = { defaultTop: 100, maxTop: 10000 }): QueryOptions {
  const known = new Set(['$top', '$skip', '$count', '$filter', '$orderby', '$select', '$expand', '$resultFormat']);
  for (const k of params.keys()) if (k.startsWith('$') && !known.has(k)) throw new QueryError(k, 'unsupported query option');
  const int = (name: string, dflt: number): number => {
    const v = params.get(name);
    if (v === null) return dflt;
    if (!/^\d+$/.test(v.trim())) throw new QueryError(name, `must be a non-negative integer, got '${v}'`);
    return Number(v);
  };
  const top = Math.min(int('$top', limits.defaultTop), limits.maxTop);
  const skip = int('$skip', 0);
  const countRaw = params.get('$count');
  if (countRaw !== null && countRaw !== 'true' && countRaw !== 'false') throw new QueryError('$count', `must be true or false, got '${countRaw}'`);
  const f = params.get('$filter');
  const o = params.get('$orderby');
  const sel = params.get('$select');
  const exp = params.get('$expand');
  return {
    top,
    skip,
    count: countRaw === 'true',
    filter: f !== null ? parseFilter(f) : undefined,
    orderBy: o !== null ? parseOrderBy(o) : [],
    select: sel !== null ? sel.split(',').map((x) => x.trim()).filter(Boolean) : undefined,
    expand: exp !== null ? parseExpand(exp, limits) : [],
  };
}

/** Time bounds [from, to] (ms, inclusive) implied by top-level `and`ed comparisons of `path` with datetime literals. */
export function timeBounds(e: Expr | undefined, path: string): { from: number; to: number } {
  let from = -Infinity;
  let to = Infinity;
  const visit = (x: Expr) => {
    if (x.type === 'bin' && x.op === 'and') {
      visit(x.left);
      visit(x.right);
      return;
    }
    if (x.type !== 'bin' || !['gt', 'ge', 'lt', 'le', 'eq'].includes(x.op)) return;
    let op = x.op;
    let p = x.left;
    let v = x.right;
    if (p.type !== 'path') {
      [p, v] = [v, p];
      op = op === 'gt' ? 'lt' : op === 'lt' ? 'gt' : op === 'ge' ? 'le' : op === 'le' ? 'ge' : op;
    }
    if (p.type !== 'path' || p.path.join('/') !== path || v.type !== 'time') return;
    if (op === 'gt' || op === 'ge' || op === 'eq') from = Math.max(from, op === 'gt' ? v.ms + 1 : v.ms);
    if (op === 'lt' || op === 'le' || op === 'eq') to = Math.min(to, op === 'lt' ? v.ms - 1 : v.ms);
  };
  if (e) visit(e);
  return { from, to };
}
