/** Public entry of the master patient index: the pure engine, and batch dedupe of NDJSON files. */
export * from './pure/index.js';
export * from './patient-source.js';
export * from './batch.js';
