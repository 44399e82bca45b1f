/** GLSL sources imported as text with Vite's `?raw` suffix. */
declare module '*.glsl?raw' {
  const source: string;
  export default source;
}
