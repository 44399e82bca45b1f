import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTmp, getJson, startGateway, tmpDir, type Running } from './gateway-helpers.js';

let g: Running;
const T0 = Date.parse('2026-11-20T00:00:00Z');
const iso = (t: number) => new Date(t).toISOString();
let river: number;
let press: number;

beforeAll(async () => {
  g = await startGateway({ dataDir: tmpDir('sta'), mqtt: 'none' });
  const ids = new Map([...g.gw.model.datastreams.values()].map((d) => [d.key, d.id]));
  river = ids.get('river-1/waterLevel')!;
  press = ids.get('press-1/pressure')!;
  // 100 river levels one minute apart (value = i / 10), 50 pressures.
  for (let i = 0; i < 100; i++) g.gw.pipeline.submitValid({ ds: river, t: T0 + i * 60_000, result: i / 10 });
  for (let i = 0; i < 50; i++) g.gw.pipeline.submitValid({ ds: press, t: T0 + i * 60_000 + 1, result: 300 + i });
  await g.gw.flush();
});
afterAll(async () => {
  await g?.stop();
  cleanupTmp();
});

describe('SensorThings API', () => {
  it('serves the service root and the entity sets with @iot links', async () => {
    const root = await getJson(`${g.base}/v1.1`);
    expect(root.status).toBe(200);
    expect(root.body.value.map((x: any) => x.name)).toContain('Datastreams');
    const things = await getJson(`${g.base}/v1.1/Things?$count=true`);
    expect(things.body['@iot.count']).toBe(10);
    const t1 = things.body.value[0];
    expect(t1['@iot.id']).toBe(1);
    expect(t1['@iot.selfLink']).toBe(`${g.base}/v1.1/Things(1)`);
    expect(t1['Datastreams@iot.navigationLink']).toBe(`${g.base}/v1.1/Things(1)/Datastreams`);
    const ds = await getJson(`${g.base}/v1.1/Things(1)/Datastreams`);
    expect(ds.body.value).toHaveLength(1);
    expect(ds.body.value[0].unitOfMeasurement.symbol).toBe('m');
    const loc = await getJson(`${g.base}/v1.1/Things(1)/Locations`);
    expect(loc.body.value[0].location).toEqual({ type: 'Point', coordinates: [113.325, 23.115, 10] });
    const thing = await getJson(`${g.base}/v1.1/Datastreams(${river})/Thing`);
    expect(thing.body.name).toBe('River gauge east');
    const name = await getJson(`${g.base}/v1.1/Datastreams(${river})/name`);
    expect(name.body).toEqual({ name: 'River gauge east Water level' });
    const exp = await getJson(`${g.base}/v1.1/Datastreams(${river})?$expand=Thing,ObservedProperty&$select=name,Thing`);
    expect(exp.body.Thing.name).toBe('River gauge east');
    expect(exp.body.ObservedProperty.name).toBe('Water level');
    expect(exp.body.description).toBeUndefined();
  });

  it('filters, orders and pages Observations of a datastream', async () => {
    const u = `${g.base}/v1.1/Datastreams(${river})/Observations`;
    const top = await getJson(`${u}?$top=5&$orderby=phenomenonTime desc&$count=true`);
    expect(top.body['@iot.count']).toBe(100);
    expect(top.body.value.map((o: any) => o.result)).toEqual([9.9, 9.8, 9.7, 9.6, 9.5]);
    expect(top.body.value[0].phenomenonTime).toBe(iso(T0 + 99 * 60_000));
    expect(top.body['@iot.nextLink']).toContain('%24skip=5');
    const next = await getJson(top.body['@iot.nextLink']);
    expect(next.body.value[0].result).toBe(9.4);
    const win = await getJson(`${u}?$filter=${encodeURIComponent(`phenomenonTime ge ${iso(T0 + 10 * 60_000)} and phenomenonTime lt ${iso(T0 + 20 * 60_000)}`)}&$count=true`);
    expect(win.body['@iot.count']).toBe(10);
    expect(win.body.value[0].result).toBe(1);
    expect(win.body['@iot.nextLink']).toBeUndefined();
    const byResult = await getJson(`${u}?$filter=${encodeURIComponent('result gt 5 and result le 5.3')}&$orderby=result desc&$count=true`);
    expect(byResult.body['@iot.count']).toBe(3);
    expect(byResult.body.value.map((o: any) => o.result)).toEqual([5.3, 5.2, 5.1]);
    // Latest value through $expand with nested options, on a single entity and on a collection.
    const latest = await getJson(`${g.base}/v1.1/Datastreams(${river})?$expand=${encodeURIComponent('Observations($top=2;$orderby=phenomenonTime desc;$select=result)')}`);
    expect(latest.body.Observations).toEqual([{ result: 9.9 }, { result: 9.8 }]);
    const all = await getJson(`${g.base}/v1.1/Things(1)/Datastreams?$expand=${encodeURIComponent("Observations($filter=result lt 0.15)")}`);
    expect(all.body.value[0].Observations.map((o: any) => o.result)).toEqual([0, 0.1]);
    const one = await getJson(`${g.base}/v1.1/Observations(${top.body.value[0]['@iot.id']})/Datastream`);
    expect(one.body['@iot.id']).toBe(river);
  });

  it('queries all Observations with navigation filters', async () => {
    const r = await getJson(`${g.base}/v1.1/Observations?$filter=${encodeURIComponent(`Datastream/id eq ${press} and result ge 340`)}&$count=true&$top=3`);
    expect(r.body['@iot.count']).toBe(10);
    expect(r.body.value.map((o: any) => o.result)).toEqual([340, 341, 342]);
    const n = await getJson(`${g.base}/v1.1/Observations?$filter=${encodeURIComponent("Datastream/Thing/name eq 'Pressure P1'")}&$count=true&$top=0`);
    expect(n.body['@iot.count']).toBe(50);
  });

  it('answers bad requests with 400/404 and a message naming the problem', async () => {
    const bad = await getJson(`${g.base}/v1.1/Observations?$filter=${encodeURIComponent('result gt')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/\$filter/);
    expect((await getJson(`${g.base}/v1.1/Datastreams(9999)`)).status).toBe(404);
    expect((await getJson(`${g.base}/v1.1/Gizmos`)).status).toBe(404);
    expect((await getJson(`${g.base}/v1.1/Things?$top=x`)).body.message).toMatch(/\$top/);
  });

  it('creates observations by POST and rejects bad ones (counted)', async () => {
    const before = g.gw.pipeline.stats().rejected;
    const ok = await fetch(`${g.base}/v1.1/Datastreams(${press})/Observations`, { method: 'POST', body: JSON.stringify({ result: 333, phenomenonTime: iso(T0 + 3) }) });
    expect(ok.status).toBe(201);
    const body = await ok.json();
    expect(body.result).toBe(333);
    expect(ok.headers.get('location')).toBe(body['@iot.selfLink']);
    const bad = await fetch(`${g.base}/v1.1/Observations`, { method: 'POST', body: '{"result": "high", "Datastream": {"@iot.id": ' + press + '}}' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/number/);
    const errs = await getJson(`${g.base}/api/ingest-errors`);
    expect(errs.body.rejected).toBe(before + 1);
    expect(errs.body.recent.at(-1)).toMatchObject({ code: 'bad-result', topic: '/v1.1/Observations' });
  });

  it('serves history ranges and the state at a moment for replay', async () => {
    const h = await getJson(`${g.base}/api/history?datastream=${river}&from=${iso(T0 + 30 * 60_000)}&to=${iso(T0 + 32 * 60_000)}`);
    expect(h.body.observations.map((o: any) => o[2])).toEqual([3, 3.1, 3.2]);
    const s = await getJson(`${g.base}/api/state?t=${iso(T0 + 45 * 60_000 + 30_000)}`);
    const byDs = new Map(s.body.state.map((x: any) => [x.ds, x.result]));
    expect(byDs.get(river)).toBe(4.5);
    expect(byDs.get(press)).toBe(345);
    const late = await getJson(`${g.base}/api/state?t=${T0 + 99 * 60_000}`);
    expect(new Map(late.body.state.map((x: any) => [x.ds, x.result])).get(press)).toBe(349);
    expect((await getJson(`${g.base}/api/history?datastream=424242`)).status).toBe(400);
    expect((await getJson(`${g.base}/api/state?t=noon`)).body.message).toMatch(/'t'/);
  });
});
