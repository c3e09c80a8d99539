/**
 * Public entry of the MPI's pure engine: identifiers (GB 11643), names and pinyin, phones,
 * comparators, blocking, the Fellegi–Sunter model and feature extraction from FHIR Patients.
 * No I/O, no clock, no process.env.
 */
export * from './resident-id.js';
export * from './names.js';
export * from './phone.js';
export * from './comparators.js';
export * from './blocking.js';
export * from './fellegi-sunter.js';
export * from './patient-features.js';
export * from './record-comparison.js';
export * from './mpi-model.js';
export { mulberry32, drawIndex } from '../../random.js';
export { COMPOUND_SURNAMES, COMMON_SURNAMES, PINYIN_SYLLABLES, TRADITIONAL_TO_SIMPLIFIED } from './name-data.js';
export * from './clustering.js';
export * from './pairwise-metrics.js';
export * from './batch-dedupe.js';
export * from './sound-alike.js';
export * from './model-json.js';
export * from './incremental-link.js';
