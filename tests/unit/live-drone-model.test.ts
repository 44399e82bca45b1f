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

  it('is one primitive (one draw call per drone) carrying body and nose colours as vertex colours', () => {
    const g = droneGltf([0.1, 0.2, 0.3, 1], [0.9, 0.4, 0.1, 1]) as { meshes: { primitives: { attributes: Record<string, number> }[] }[]; accessors: { bufferView: number; count: number }[]; bufferViews: { byteOffset: number; byteLength: number }[]; buffers: { uri: string }[] };
    expect(g.meshes[0].primitives).toHaveLength(1);
    const acc = g.accessors[g.meshes[0].primitives[0].attributes.COLOR_0];
    const view = g.bufferViews[acc.bufferView];
    const bytes = Uint8Array.from(atob(g.buffers[0].uri.split(',')[1]), (c) => c.charCodeAt(0));
    const rgba = new Float32Array(bytes.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    const colours = new Set<string>();
    for (let i = 0; i < acc.count; i++) colours.add([...rgba.subarray(i * 4, i * 4 + 3)].map((x) => x.toFixed(2)).join(','));
    expect([...colours].sort()).toEqual(['0.10,0.20,0.30', '0.90,0.40,0.10']);
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
