/**
 * Public entry of smart public health: the pure outbreak detectors (detectors/), case aggregation
 * (aggregation/) and surveillance on the platform (surveillance/: case reports, runs, signals).
 */
export * from './detectors/index.js';
export * from './aggregation/index.js';
export * from './surveillance/index.js';
