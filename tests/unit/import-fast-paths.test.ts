/**
 * The fast paths of the import pipeline (issue #3) give the same results as the plain ones: gathered synchronous
 * tile writes, Latin-1 decoding of ASCII input, material colours shared by value in the CityJSON reader, and the
 * flat-input triangulation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { writeParts } from '../../src/tiling/tiles3d/writer.js';
import { readFileText } from '../../src/tiling/import/io.js';
import { readCityJsonText } from '../../src/core/formats/cityjson/index.js';
import { triangulateFlat3D, triangulatePolygon3D } from '../../src/core/geometry/triangulate.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'import-fast-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('writeParts (tile contents written from scratch memory)', () => {
  it('writes the exact concatenation of more ranges than one writev takes, skipping empty ones', () => {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < 3000; i++) {
      const n = i % 7 === 0 ? 0 : (i * 37) % 61;
      const p = new Uint8Array(n);
      for (let k = 0; k < n; k++) p[k] = (i * 31 + k) & 0xff;
      parts.push(p);
      total += n;
    }
    const file = path.join(tmp, 'many.glb');
    writeParts(file, parts, total);
    const got = fs.readFileSync(file);
    expect(got.byteLength).toBe(total);
    const want = Buffer.concat(parts);
    expect(got.equals(want)).toBe(true);
  });

  it('replaces a longer existing file (truncates) and views into a shared buffer keep their offsets', () => {
    const file = path.join(tmp, 'again.glb');
    fs.writeFileSync(file, Buffer.alloc(10_000, 0x55));
    const shared = new Uint8Array(64).map((_, i) => i);
    const parts = [shared.subarray(10, 20), new Uint8Array([200, 201]), shared.subarray(0, 4)];
    writeParts(file, parts, 16);
    expect([...fs.readFileSync(file)]).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 200, 201, 0, 1, 2, 3]);
  });

  it('throws, naming the file, when the byte count does not match the parts', () => {
    const file = path.join(tmp, 'short.glb');
    expect(() => writeParts(file, [new Uint8Array(4)], 8)).toThrow(/short\.glb.*wrote 4 bytes, expected 8/);
  });
});

describe('readFileText', () => {
  it('reads ASCII, UTF-8 with a BOM and gzip to the same strings as a UTF-8 decoder', async () => {
    const ascii = '{"a": "plain \\u00e9 text", "n": [1, 2.5]}';
    const utf8 = '{"name": "Zürich – 東京"}';
    const files: [string, Buffer, string][] = [
      ['ascii.json', Buffer.from(ascii, 'utf8'), ascii],
      ['bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(utf8, 'utf8')]), utf8],
      ['utf8.json', Buffer.from(utf8, 'utf8'), utf8],
      ['ascii.json.gz', zlib.gzipSync(Buffer.from(ascii, 'utf8')), ascii],
    ];
    for (const [name, bytes, want] of files) {
      const p = path.join(tmp, name);
      fs.writeFileSync(p, bytes);
      const got = await readFileText(p);
      expect(got, name).toBe(want);
      expect(JSON.parse(got), name).toEqual(JSON.parse(want));
    }
  });
});

describe('CityJSON material colours', () => {
  it('surfaces whose materials repeat one colour share one colour array; other colours stay apart', () => {
    // Two buildings, each with its own material entries (as citygml4j writes them: one per surface), two colours.
    const square = (o: number) => [[[o, o + 1, o + 2, o + 3]]];
    const doc = {
      type: 'CityJSON',
      version: '1.1',
      transform: { scale: [1, 1, 1], translate: [0, 0, 0] },
      appearance: {
        materials: [
          { name: 'a1', diffuseColor: [0.5, 0.25, 0.125] },
          { name: 'a2', diffuseColor: [0.9, 0.9, 0.9], transparency: 0.25 },
          { name: 'b1', diffuseColor: [0.5, 0.25, 0.125] },
          { name: 'b2', diffuseColor: [0.9, 0.9, 0.9], transparency: 0.25 },
        ],
      },
      CityObjects: {
        a: {
          type: 'Building',
          geometry: [{ type: 'MultiSurface', lod: '2', boundaries: [...square(0), ...square(4)], material: { m: { values: [0, 1] } } }],
        },
        b: {
          type: 'Building',
          geometry: [{ type: 'MultiSurface', lod: '2', boundaries: [...square(8), ...square(12)], material: { m: { values: [2, 3] } } }],
        },
      },
      vertices: [
        [0, 0, 0], [10, 0, 0], [10, 10, 0], [0, 10, 0],
        [0, 0, 5], [10, 0, 5], [10, 10, 5], [0, 10, 5],
        [20, 0, 0], [30, 0, 0], [30, 10, 0], [20, 10, 0],
        [20, 0, 5], [30, 0, 5], [30, 10, 5], [20, 10, 5],
      ],
    };
    const { features } = readCityJsonText(JSON.stringify(doc), 'colours.city.json', () => ({ file: 'colours.city.json', warn: () => {}, skip: () => {} }), () => {});
    const colorsOf = (id: string) => features.find((f) => f.id === id)!.lods[0].parts.map((p) => p.color);
    const [a1, a2] = colorsOf('a');
    const [b1, b2] = colorsOf('b');
    expect(a1).toEqual([0.5, 0.25, 0.125, 1]);
    expect(a2).toEqual([0.9, 0.9, 0.9, 0.75]);
    expect(b1).toBe(a1);
    expect(b2).toBe(a2);
    expect(a1).not.toBe(a2);
  });
});

describe('triangulateFlat3D (flat surface input of the CityJSON reader)', () => {
  it('gives the same triangles as triangulatePolygon3D for polygons with holes, tilted planes and degenerate rings', () => {
    const tilt = (x: number, y: number): number[] => [84000 + x, 447000 + y * 0.8, 3 + y * 0.6 + x * 0.01];
    const cases: number[][][][] = [
      // L-shaped roof, tilted, far from the origin
      [[tilt(0, 0), tilt(10, 0), tilt(10, 4), tilt(4, 4), tilt(4, 10), tilt(0, 10)]],
      // wall with a window (hole)
      [
        [[0, 0, 0], [8, 0, 0], [8, 0, 5], [0, 0, 5]],
        [[2, 0, 1], [2, 0, 3], [4, 0, 3], [4, 0, 1]],
      ],
      // collinear (no area) and too few points
      [[[0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 3, 3]]],
      [[[0, 0, 0], [1, 0, 0]]],
    ];
    for (const rings of cases) {
      const pts = Float64Array.from(rings.flat(2));
      const flat = triangulateFlat3D(pts, rings.map((r) => r.length), rings.length);
      expect(flat).toEqual(triangulatePolygon3D(rings));
    }
    expect(triangulateFlat3D(Float64Array.from(cases[1].flat(2)), [4, 4], 2)).toHaveLength(8 * 3);
  });
});
