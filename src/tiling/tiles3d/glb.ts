/**
 * A minimal, deterministic GLB (binary glTF 2.0) writer: one buffer, buffer views aligned to 8 bytes
 * (EXT_structural_metadata asks for 8-byte aligned property-table views), JSON written in insertion order.
 */
import { concatBytes } from '../../core/bytes.js';

/** glTF bufferView target of vertex attributes. */
export const ARRAY_BUFFER = 34962;
/** glTF bufferView target of indices. */
export const ELEMENT_ARRAY_BUFFER = 34963;
/** glTF component type codes. */
export const ComponentType = { UNSIGNED_BYTE: 5121, UNSIGNED_SHORT: 5123, UNSIGNED_INT: 5125, FLOAT: 5126 } as const;

/** A glTF JSON object (the writer fills the arrays it needs). */
export type GltfJson = Record<string, unknown> & {
  asset: { version: '2.0'; generator?: string };
  bufferViews?: Record<string, unknown>[];
  accessors?: Record<string, unknown>[];
  buffers?: Record<string, unknown>[];
};

/** Collects binary chunks into the single GLB buffer and records their buffer views. */
export class GlbBuilder {
  /** The glTF JSON being built. */
  readonly json: GltfJson;
  private readonly chunks: Uint8Array[] = [];
  private byteLength = 0;

  constructor(generator = 'city-twin') {
    this.json = { asset: { version: '2.0', generator } };
  }

  /**
   * Appends bytes as a new buffer view (the bytes are referenced, not copied, until {@link toGlb}).
   * Returns the buffer view index.
   */
  addBufferView(bytes: Uint8Array, target?: number): number {
    const pad = (8 - (this.byteLength % 8)) % 8;
    if (pad) this.push(new Uint8Array(pad));
    const view: Record<string, unknown> = { buffer: 0, byteOffset: this.byteLength, byteLength: bytes.byteLength };
    if (target !== undefined) view.target = target;
    this.push(bytes);
    const views = (this.json.bufferViews ??= []);
    views.push(view);
    return views.length - 1;
  }

  /** Adds an accessor over a whole buffer view; returns its index. */
  addAccessor(accessor: {
    bufferView: number;
    componentType: number;
    count: number;
    type: 'SCALAR' | 'VEC2' | 'VEC3' | 'VEC4';
    min?: number[];
    max?: number[];
  }): number {
    const acc: Record<string, unknown> = {
      bufferView: accessor.bufferView,
      componentType: accessor.componentType,
      count: accessor.count,
      type: accessor.type,
    };
    if (accessor.min) acc.min = accessor.min;
    if (accessor.max) acc.max = accessor.max;
    const list = (this.json.accessors ??= []);
    list.push(acc);
    return list.length - 1;
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.byteLength += bytes.byteLength;
  }

  /**
   * The GLB container as a list of byte ranges to write in order (header and JSON chunk, BIN chunk header, the
   * buffer views with their padding), without copying the buffer views. They may point into scratch memory that
   * the caller reuses: write them before building the next GLB.
   */
  toParts(): { parts: Uint8Array[]; byteLength: number } {
    const binLength = Math.ceil(this.byteLength / 4) * 4;
    if (this.byteLength > 0) this.json.buffers = [{ byteLength: this.byteLength }];
    const jsonBytes = new TextEncoder().encode(JSON.stringify(this.json));
    const jsonLength = Math.ceil(jsonBytes.byteLength / 4) * 4;
    const total = 12 + 8 + jsonLength + (this.byteLength > 0 ? 8 + binLength : 0);
    const head = new Uint8Array(20 + jsonLength + (this.byteLength > 0 ? 8 : 0));
    const dv = new DataView(head.buffer);
    dv.setUint32(0, 0x46546c67, true); // "glTF"
    dv.setUint32(4, 2, true);
    dv.setUint32(8, total, true);
    dv.setUint32(12, jsonLength, true);
    dv.setUint32(16, 0x4e4f534a, true); // "JSON"
    head.set(jsonBytes, 20);
    head.fill(0x20, 20 + jsonBytes.byteLength, 20 + jsonLength);
    const parts: Uint8Array[] = [head];
    if (this.byteLength > 0) {
      dv.setUint32(20 + jsonLength, binLength, true);
      dv.setUint32(24 + jsonLength, 0x004e4942, true); // "BIN\0"
      parts.push(...this.chunks);
      if (binLength > this.byteLength) parts.push(new Uint8Array(binLength - this.byteLength));
    }
    return { parts, byteLength: total };
  }

  /** Serialises the GLB container into one array: header, JSON chunk (space padded), BIN chunk (zero padded). */
  toGlb(): Uint8Array {
    const { parts, byteLength } = this.toParts();
    return concatBytes(parts, byteLength);
  }
}
