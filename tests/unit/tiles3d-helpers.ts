/** Synthetic models for the tiles3d tests: boxes and gabled houses at known places. */
import { LocalTangentProjection } from '../../src/core/geo/projection.js';
import type { AttributeValue, CityFeature, FeatureCollectionModel, MeshPart } from '../../src/core/model/feature.js';

/** Origin of the test models (Guangzhou). */
export const LON0 = 113.32;
export const LAT0 = 23.12;

/** A closed box from (x0,y0,z0) to (x1,y1,z1) as roof/wall/ground parts (CCW from outside). */
export function boxParts(x0: number, y0: number, z0: number, x1: number, y1: number, z1: number): MeshPart[] {
  const positions = [x0, y0, z0, x1, y0, z0, x1, y1, z0, x0, y1, z0, x0, y0, z1, x1, y0, z1, x1, y1, z1, x0, y1, z1];
  return [
    { semantic: 'roof', positions, indices: [4, 5, 6, 4, 6, 7] },
    { semantic: 'wall', positions, indices: [0, 1, 5, 0, 5, 4, 1, 2, 6, 1, 6, 5, 2, 3, 7, 2, 7, 6, 3, 0, 4, 3, 4, 7] },
    { semantic: 'ground', positions, indices: [0, 2, 1, 0, 3, 2] },
  ];
}

/** A gabled house: walls to z1, ridge along x at mid y, height z2. */
export function gableParts(x0: number, y0: number, z0: number, x1: number, y1: number, z1: number, z2: number): MeshPart[] {
  const ym = (y0 + y1) / 2;
  const positions = [
    x0, y0, z0, x1, y0, z0, x1, y1, z0, x0, y1, z0, x0, y0, z1, x1, y0, z1, x1, y1, z1, x0, y1, z1, x0, ym, z2, x1, ym, z2,
  ];
  return [
    { semantic: 'roof', positions, indices: [4, 5, 9, 4, 9, 8, 6, 7, 8, 6, 8, 9] },
    {
      semantic: 'wall',
      positions,
      indices: [0, 1, 5, 0, 5, 4, 1, 2, 6, 1, 6, 5, 2, 3, 7, 2, 7, 6, 3, 0, 4, 3, 4, 7, 7, 4, 8, 5, 6, 9],
    },
    { semantic: 'ground', positions, indices: [0, 2, 1, 0, 3, 2] },
  ];
}

/** A building feature with LoD1 (block at mean roof height) and LoD2 (gabled). */
export function house(id: string, x: number, y: number, size: number, eave: number, ridge: number, attributes: Record<string, AttributeValue>, group?: string): CityFeature {
  const base = 10;
  return {
    id,
    type: 'Building',
    attributes,
    lods: [
      { lod: '1', parts: boxParts(x, y, base, x + size, y + size, base + (eave + ridge) / 2) },
      { lod: '2', parts: gableParts(x, y, base, x + size, y + size, base + eave, base + ridge) },
    ],
    group,
  };
}

/** A grid of n×n houses, 30 m apart, with varied attributes. */
export function cityModel(n: number): FeatureCollectionModel {
  const crs = new LocalTangentProjection(LON0, LAT0);
  const features: CityFeature[] = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const size = 8 + ((k * 7) % 13);
      const eave = 6 + ((k * 5) % 30);
      features.push(
        house(`b${k}`, i * 30 - n * 15, j * 30 - n * 15, size, eave, eave + 2 + (k % 5), {
          name: `楼 ${k}`,
          height: eave + 2 + (k % 5),
          floors: Math.round(eave / 3),
          yearBuilt: 1950 + (k % 70),
          residents: k % 9 === 0 ? null : k * 3,
          heritage: k % 4 === 0,
        }),
      );
      k++;
    }
  }
  return { name: `grid${n}`, crs, features };
}
