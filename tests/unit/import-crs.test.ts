import { describe, expect, it } from 'vitest';
import { createCrsTransform, parseCrsReference, resolveCrs, CrsError, LocalOriginTransform, modelFrameFor } from '../../src/core/crs/index.js';

describe('CRS references', () => {
  it('parses EPSG codes, OGC URNs, URLs and compound forms', () => {
    expect(parseCrsReference('EPSG:28992')).toMatchObject({ horizontal: 'EPSG:28992', vertical: undefined });
    expect(parseCrsReference('epsg:2056')).toMatchObject({ horizontal: 'EPSG:2056' });
    expect(parseCrsReference('urn:ogc:def:crs:EPSG::7415')).toMatchObject({ horizontal: 'EPSG:28992', vertical: 'EPSG:5709', compound: 'EPSG:7415' });
    expect(parseCrsReference('urn:ogc:def:crs:EPSG:6.18.3:28992')).toMatchObject({ horizontal: 'EPSG:28992' });
    expect(parseCrsReference('urn:x-ogc:def:crs:EPSG:28992')).toMatchObject({ horizontal: 'EPSG:28992' });
    expect(parseCrsReference('https://www.opengis.net/def/crs/EPSG/0/7415')).toMatchObject({ horizontal: 'EPSG:28992', vertical: 'EPSG:5709' });
    expect(parseCrsReference('http://www.opengis.net/def/crs/EPSG/0/2056')).toMatchObject({ horizontal: 'EPSG:2056' });
    expect(parseCrsReference('EPSG:28992+5709')).toMatchObject({ horizontal: 'EPSG:28992', vertical: 'EPSG:5709' });
    expect(parseCrsReference('urn:ogc:def:crs,crs:EPSG::28992,crs:EPSG::5709')).toMatchObject({ horizontal: 'EPSG:28992', vertical: 'EPSG:5709' });
    expect(parseCrsReference('EPSG:6697')).toMatchObject({ horizontal: 'EPSG:6668', vertical: 'EPSG:6695' });
    expect(parseCrsReference('urn:ogc:def:crs:OGC:1.3:CRS84')).toMatchObject({ horizontal: 'EPSG:4326', crs84: true });
  });

  it('rejects unknown references with a clear message', () => {
    expect(() => parseCrsReference('RD New')).toThrow(CrsError);
    expect(() => parseCrsReference('RD New')).toThrow(/"RD New".*EPSG:xxxx/);
    expect(() => resolveCrs('EPSG:99999')).toThrow(/EPSG:99999 is not in the built-in registry \(known: .*28992/);
    expect(() => resolveCrs('EPSG:28992+1234')).toThrow(/vertical CRS EPSG:1234/);
  });
});

describe('CRS transforms at known points', () => {
  it('RD New 155000, 463000 (Amersfoort) is 52.1552 N 5.3872 E, and back within 1 mm', () => {
    const t = createCrsTransform('EPSG:28992', { heightOffset: 0 });
    const [lon, lat, h] = t.toGeodetic(155000, 463000, 10);
    expect(lat).toBeCloseTo(52.15517, 4);
    expect(lon).toBeCloseTo(5.38720, 4);
    expect(h).toBe(10);
    const [x, y] = t.fromGeodetic(lon, lat, 0);
    expect(Math.abs(x - 155000)).toBeLessThan(0.001);
    expect(Math.abs(y - 463000)).toBeLessThan(0.001);
  });

  it('Delft TU campus in RD lies at 52.0 N 4.37 E', () => {
    const [lon, lat] = createCrsTransform('EPSG:7415').toGeodetic(85000, 447500, 0);
    expect(lat).toBeCloseTo(52.0114, 3);
    expect(lon).toBeCloseTo(4.3676, 3);
  });

  it('LV95 origin 2600000, 1200000 is Bern (46.9511 N 7.4386 E)', () => {
    const [lon, lat] = createCrsTransform('EPSG:2056').toGeodetic(2600000, 1200000, 0);
    expect(lat).toBeCloseTo(46.95108, 4);
    expect(lon).toBeCloseTo(7.43863, 4);
  });

  it('UTM and CGCS2000 Gauss-Krüger central meridians map to their longitude', () => {
    expect(createCrsTransform('EPSG:32631').toGeodetic(500000, 0, 0)[0]).toBeCloseTo(3, 9);
    expect(createCrsTransform('EPSG:32750').toGeodetic(500000, 10000000, 0)).toEqual([expect.closeTo(117, 9), expect.closeTo(0, 9), 0]);
    expect(createCrsTransform('EPSG:4547').toGeodetic(500000, 2560000, 0)[0]).toBeCloseTo(114, 9);
    expect(createCrsTransform('EPSG:4548').toGeodetic(500000, 3000000, 0)[0]).toBeCloseTo(117, 9);
    // zone-prefixed 3-degree zone 38 (EPSG:4526): false easting 38 500 000, CM 114 E
    expect(createCrsTransform('EPSG:4526').toGeodetic(38500000, 2560000, 0)[0]).toBeCloseTo(114, 9);
    const [lon, lat] = createCrsTransform('EPSG:3857').toGeodetic(12613000, 2646000, 0);
    expect(lon).toBeCloseTo(113.305, 2);
    expect(lat).toBeCloseTo(23.1, 1);
  });

  it('lat/lon authority axis order (JGD2011 / PLATEAU) vs east-north', () => {
    const gml = createCrsTransform('EPSG:6697', { axisOrder: 'authority' });
    const [lon, lat, h] = gml.toGeodetic(35.26, 139.74, 10);
    expect([lon, lat]).toEqual([expect.closeTo(139.74, 7), expect.closeTo(35.26, 7)]);
    expect(h).toBe(10 + 37); // TP + default geoid undulation
    expect(gml.fromGeodetic(139.74, 35.26, 47).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([35.26, 139.74, 10]);
    const en = createCrsTransform('EPSG:6697');
    expect(en.toGeodetic(139.74, 35.26, 0)[0]).toBeCloseTo(139.74, 7);
  });

  it('vertical datums: default geoid undulation per CRS, overridden by --height-offset', () => {
    const nap = createCrsTransform('urn:ogc:def:crs:EPSG::7415');
    expect(nap.heightOffset).toBe(43);
    expect(nap.heightOffsetSource).toBe('geoid-default');
    expect(nap.toGeodetic(85000, 447500, 2)[2]).toBe(45);
    expect(nap.warnings.join()).toMatch(/NAP.*\+43 m.*--height-offset/);
    expect(nap.describe()).toMatch(/EPSG:7415.*NAP height \+ 43 m/);
    const rd2d = createCrsTransform('EPSG:28992');
    expect(rd2d.heightOffset).toBe(43); // NAP assumed for RD New
    expect(rd2d.warnings.join()).toMatch(/assumed for EPSG:28992/);
    expect(createCrsTransform('EPSG:2056').heightOffset).toBe(48);
    expect(createCrsTransform('EPSG:2056+5729').heightOffset).toBe(48);
    const user = createCrsTransform('EPSG:7415', { heightOffset: 42.5 });
    expect(user.toGeodetic(85000, 447500, 2)[2]).toBe(44.5);
    expect(user.heightOffsetSource).toBe('user');
    expect(createCrsTransform('EPSG:4326').heightOffset).toBe(0);
    expect(createCrsTransform('EPSG:32650').warnings.join()).toMatch(/taken as ellipsoidal/);
  });

  it('local origin frame: heading rotates the model clockwise from north', () => {
    const t = new LocalOriginTransform(113.32, 23.12, 10, 90);
    const [lon, lat, h] = t.toGeodetic(0, 100, 5); // model +y → east
    expect(lon).toBeGreaterThan(113.32);
    expect(lat).toBeCloseTo(23.12, 7);
    expect(h).toBe(15);
    const back = t.fromGeodetic(lon, lat, h);
    expect(back[0]).toBeCloseTo(0, 6);
    expect(back[1]).toBeCloseTo(100, 6);
    expect(back[2]).toBeCloseTo(5, 9);
    expect(() => new LocalOriginTransform(200, 0)).toThrow(/outside/);
  });

  it('geographic sources get a metric local frame; projected ones keep their coordinates', () => {
    const rd = createCrsTransform('EPSG:7415');
    expect(modelFrameFor(rd, 85000, 447500).identity).toBe(true);
    const wgs = createCrsTransform('EPSG:4326');
    const f = modelFrameFor(wgs, 4.3676, 52.0114);
    const [x, y] = f.convert(4.3676 + 0.001, 52.0114, 0);
    expect(x).toBeGreaterThan(60);
    expect(x).toBeLessThan(75); // 0.001° of longitude at 52° N ≈ 68.6 m
    expect(Math.abs(y)).toBeLessThan(0.01);
    const g = f.crs.toGeodetic(x, y, 0);
    expect(g[0]).toBeCloseTo(4.3686, 9);
  });
});
