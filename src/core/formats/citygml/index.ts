/** CityGML 1.0 / 2.0 (PLATEAU i-UR flavour) reading: streaming parser, model builder, TIN sampling. */
export * from './types.js';
export * from './parser.js';
export * from './build.js';
export * from './tin.js';
