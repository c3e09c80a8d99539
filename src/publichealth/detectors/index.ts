/**
 * Public entry of the outbreak-detection engine (pure: no I/O, no clock, no environment).
 * Other modules import detectors only from here.
 */
export * from './types.js';
export * from './range.js';
export * from './ears.js';
export * from './cusum.js';
export * from './glrnb.js';
export * from './cidars-mpm.js';
export * from './essence-ewma.js';
export * from './essence-regression.js';
export * from './space-time-scan.js';
export * from './series-csv.js';
export * from './registry.js';
export * from './farrington.js';
export * from './farrington-flexible.js';
export { fitPoissonGlm, pearsonDispersion, predictLink, poissonDeviance, type GlmData, type PoissonGlmFit } from './glm.js';
