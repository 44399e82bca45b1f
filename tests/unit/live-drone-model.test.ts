import { describe, expect, it } from 'vitest';
import { droneGltf, droneModelUri } from '../../src/core/live/drone-model.js';

describe('generated drone model', () => {
  it('is a valid glTF 2.0 asset (Khronos glTF-Validator: no errors)', async () => {
    const { validateBytes } = await import('gltf-validator');
    const bytes = new TextEncoder().encode(JSON.stringify(droneGltf()));
    const report = await validateBytes(bytes, { uri: 'drone.gltf', externalResourceFunction: () => Promise.reject(new Error('no external resources')) });
    expect(report.issues.numErrors, JSON.stringify(report.issues.messages.slice(0, 5))).toBe(0);
    expect(report.info.totalTriangleCount).toBe(8 * 12);
  });

  it('is about a metre across with the nose towards +Z, and fits in a data URI', () => {
    const g = droneGltf() as { accessors: { min?: number[]; max?: number[] }[] };
    const pos = g.accessors.filter((a) => a.min && a.max);
    const max = [0, 1, 2].map((i) => Math.max(...pos.map((a) => a.max![i])));
    const min = [0, 1, 2].map((i) => Math.min(...pos.map((a) => a.min![i])));
    expect(max[0] - min[0]).toBeGreaterThan(1);
    expect(max[0] - min[0]).toBeLessThan(2);
    expect(max[2]).toBeGreaterThan(-min[2] - 1e-9);
    const uri = droneModelUri();
    expect(uri.startsWith('data:model/gltf+json;base64,')).toBe(true);
    expect(JSON.parse(atob(uri.split(',')[1])).asset.version).toBe('2.0');
  });
});
