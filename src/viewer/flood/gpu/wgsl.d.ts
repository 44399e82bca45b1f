/** WGSL sources imported as text with Vite's `?raw` suffix. */
declare module '*.wgsl?raw' {
  const source: string;
  export default source;
}
