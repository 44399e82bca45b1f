/** Types of the parts of the Khronos glTF-Validator npm package that the tiles3d validator uses. */
declare module 'gltf-validator' {
  /** Validates a glTF/GLB held in memory; resolves to the validator's JSON report. */
  export function validateBytes(data: Uint8Array, options?: Record<string, unknown>): Promise<any>;
}
