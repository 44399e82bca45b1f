import { describe, expect, it } from 'vitest';
import { QueryError, comparator, evaluate, parseFilter, parseOrderBy, parseQueryOptions, timeBounds } from '../../src/core/sta/query.js';
import { validateObservation, datastreamOfTopic } from '../../src/core/sta/validate.js';
import { OBSERVATION_TYPES, type Datastream } from '../../src/core/sta/types.js';

const obs = { id: 5, result: 3.2, phenomenonTime: new Date('2026-11-23T10:00:00Z'), Datastream: { id: 7, name: 'River gauge Water level', properties: { layer: 'sensor' } } };
const resolve = (o: any) => (p: string[]) => p.reduce((v: any, k) => (v == null ? null : k === '@iot.id' ? v.id : v[k]), o) ?? null;
const f = (src: string, o: any = obs) => evaluate(parseFilter(src), resolve(o));

describe('STA $filter', () => {
  it('compares numbers, strings, booleans and nulls', () => {
    expect(f('result gt 3')).toBe(true);
    expect(f('result gt 3.2')).toBe(false);
    expect(f('result ge 3.2 and result le 3.2')).toBe(true);
    expect(f('result lt 0 or id eq 5')).toBe(true);
    expect(f("Datastream/name eq 'River gauge Water level'")).toBe(true);
    expect(f("Datastream/properties/layer ne 'sensor'")).toBe(false);
    expect(f('not (result gt 3)')).toBe(false);
    expect(f('missing eq null')).toBe(true);
    expect(f('missing gt 1')).toBe(false);
  });
  it('handles arithmetic, precedence and unary minus', () => {
    expect(f('result mul 10 add 1 eq 33')).toBe(true);
    expect(f('result sub 1 mul 2 gt 0')).toBe(true); // 3.2 - 2 = 1.2
    expect(f('-result lt -3')).toBe(true);
    expect(f('result div 0 eq 1')).toBe(false);
  });
  it('compares datetimes with ISO literals and date functions', () => {
    expect(f('phenomenonTime ge 2026-11-23T09:59:59Z')).toBe(true);
    expect(f('phenomenonTime lt 2026-11-23T10:00:00.000Z')).toBe(false);
    expect(f('phenomenonTime eq 2026-11-23T18:00:00+08:00')).toBe(true);
    expect(f('hour(phenomenonTime) eq 10 and year(phenomenonTime) eq 2026')).toBe(true);
  });
  it('supports the string functions', () => {
    expect(f("substringof('gauge', Datastream/name)")).toBe(true);
    expect(f("startswith(Datastream/name, 'River')")).toBe(true);
    expect(f("endswith(tolower(Datastream/name), 'level')")).toBe(true);
    expect(f("length(Datastream/name) eq 23")).toBe(true);
    expect(f("Datastream/name eq 'it''s'", { Datastream: { name: "it's" } })).toBe(true);
  });
  it('rejects malformed expressions with the position', () => {
    expect(() => parseFilter('result gt')).toThrow(QueryError);
    expect(() => parseFilter('result gt 3 )')).toThrow(/position 12/);
    expect(() => parseFilter("name eq 'open")).toThrow(/unterminated string/);
    expect(() => parseFilter('frobnicate(result)')).toThrow(/unknown function/);
    expect(() => parseFilter('result # 3')).toThrow(/unexpected character/);
    expect(() => parseFilter('')).toThrow(/empty/);
  });
  it('extracts time bounds from and-ed comparisons only', () => {
    const e = parseFilter('phenomenonTime ge 2026-01-01T00:00:00Z and phenomenonTime lt 2026-01-02T00:00:00Z and result gt 1');
    expect(timeBounds(e, 'phenomenonTime')).toEqual({ from: Date.parse('2026-01-01T00:00:00Z'), to: Date.parse('2026-01-02T00:00:00Z') - 1 });
    const o = parseFilter('phenomenonTime ge 2026-01-01T00:00:00Z or result gt 1');
    expect(timeBounds(o, 'phenomenonTime')).toEqual({ from: -Infinity, to: Infinity });
    const rev = parseFilter('2026-01-01T00:00:00Z lt phenomenonTime');
    expect(timeBounds(rev, 'phenomenonTime').from).toBe(Date.parse('2026-01-01T00:00:00Z') + 1);
  });
});

describe('STA $orderby, $top, $skip, $count', () => {
  it('sorts by several keys with directions, nulls first', () => {
    const items = [
      { id: 1, result: 2, name: 'b' },
      { id: 2, result: 1, name: 'a' },
      { id: 3, result: 2, name: 'a' },
      { id: 4, result: null, name: 'c' },
    ];
    const sorted = [...items].sort(comparator(parseOrderBy('result desc, name'), resolve));
    expect(sorted.map((x) => x.id)).toEqual([3, 1, 2, 4]);
    const asc = [...items].sort(comparator(parseOrderBy('result'), resolve));
    expect(asc[0].id).toBe(4);
  });
  it('parses query options and rejects bad values naming the option', () => {
    const q = parseQueryOptions(new URLSearchParams('$top=5&$skip=10&$count=true&$orderby=phenomenonTime desc&$filter=result gt 1'));
    expect(q).toMatchObject({ top: 5, skip: 10, count: true, orderBy: [{ path: ['phenomenonTime'], desc: true }] });
    expect(parseQueryOptions(new URLSearchParams('$top=999999')).top).toBe(10000);
    expect(() => parseQueryOptions(new URLSearchParams('$top=-1'))).toThrow(/\$top/);
    expect(() => parseQueryOptions(new URLSearchParams('$count=yes'))).toThrow(/\$count/);
    expect(() => parseQueryOptions(new URLSearchParams('$orderby=result sideways'))).toThrow(/\$orderby/);
    expect(() => parseQueryOptions(new URLSearchParams('$frob=1'))).toThrow(/\$frob/);
    const ex = parseQueryOptions(new URLSearchParams("$expand=Thing,Observations($top=1;$orderby=phenomenonTime desc;$filter=name eq 'a;b')"));
    expect(ex.expand[0]).toEqual({ nav: 'Thing' });
    expect(ex.expand[1].nav).toBe('Observations');
    expect(ex.expand[1].options).toMatchObject({ top: 1, orderBy: [{ path: ['phenomenonTime'], desc: true }] });
    expect(ex.expand[1].options!.filter).toBeDefined();
    expect(() => parseQueryOptions(new URLSearchParams('$expand=Observations($top=x)'))).toThrow(/\$top/);
  });
});

describe('observation validation', () => {
  const ds = (kind: Datastream['kind']): Datastream => ({
    id: 7,
    key: 's/x',
    name: 'x',
    description: '',
    observationType: OBSERVATION_TYPES[kind],
    kind,
    unitOfMeasurement: { name: '', symbol: '', definition: '' },
    thingId: 1,
    sensorId: 1,
    observedPropertyId: 1,
    position: [0, 0, 0],
    properties: {},
  });
  const lookup = (id: number) => (id === 7 ? ds('measurement') : id === 8 ? ds('complex') : undefined);
  const now = Date.parse('2026-11-23T10:00:00Z');
  const v = (p: unknown, topic: number | null = 7) => validateObservation(typeof p === 'string' ? p : JSON.stringify(p), topic, lookup, now);
  it('accepts a measurement and defaults phenomenonTime to now', () => {
    expect(v({ result: 1.5 })).toEqual({ ok: true, obs: { ds: 7, t: now, result: 1.5 } });
    expect(v({ result: 2, phenomenonTime: '2026-11-23T09:00:00Z' })).toMatchObject({ ok: true, obs: { t: now - 3600_000 } });
    expect(v({ result: 2, Datastream: { '@iot.id': 7 } }, null)).toMatchObject({ ok: true });
  });
  it('rejects each kind of bad payload with a reason', () => {
    expect(v('{"result": 1')).toMatchObject({ ok: false, code: 'bad-json' });
    expect(v('{"result": NaN}')).toMatchObject({ ok: false, code: 'bad-json' });
    expect(v('[1,2]')).toMatchObject({ ok: false, code: 'not-object' });
    expect(v({ result: '3' })).toMatchObject({ ok: false, code: 'bad-result' });
    expect(v({ value: 3 })).toMatchObject({ ok: false, code: 'bad-result' });
    expect(v({ result: 3 }, 99)).toMatchObject({ ok: false, code: 'unknown-datastream' });
    expect(v({ result: 3, Datastream: { '@iot.id': 8 } }, 7)).toMatchObject({ ok: false, code: 'unknown-datastream' });
    expect(v({ result: 3, phenomenonTime: 'yesterday' })).toMatchObject({ ok: false, code: 'bad-time' });
    expect(v({ result: 3, phenomenonTime: '2027-11-23T10:00:00Z' })).toMatchObject({ ok: false, code: 'bad-time' });
    expect(v({ result: 'x'.repeat(20000) })).toMatchObject({ ok: false, code: 'oversized' });
    expect(v({ result: 1 }, 8)).toMatchObject({ ok: false, code: 'bad-result' });
    expect(v({ result: { lon: 1, lat: 2 } }, 8)).toMatchObject({ ok: true });
  });
  it('reads datastream ids from STA MQTT topics', () => {
    expect(datastreamOfTopic('v1.1/Datastreams(42)/Observations')).toBe(42);
    expect(datastreamOfTopic('v1.1/Observations')).toBeNull();
    expect(datastreamOfTopic('v1.1/Datastreams(x)/Observations')).toBeUndefined();
    expect(datastreamOfTopic('sensors/1')).toBeUndefined();
  });
});
