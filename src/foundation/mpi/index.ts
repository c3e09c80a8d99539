/** Public entry of the master patient index: the pure engine, and batch dedupe of NDJSON files. */
export * from './pure/index.js';
export * from './patient-source.js';
export * from './batch.js';
export { createMpiProjector, ModelCache, recordFlags, safeRecord, REALTIME_ACTOR, type MpiProjectorOptions } from './mpi.projector.js';
export {
  BROAD_BLOCKING_RULES,
  cappedBlockingKeys,
  DEFAULT_BROAD_BLOCK_SIZE,
  hashBlockingKey,
  hashedBlockingKeys,
  mergeCappedKeys,
  type CappedKey,
  type RealtimeCaps,
} from './block-key-hash.js';
export { MpiService, linkedPatientIds, matchGrade, MATCH_GRADE_URL, type MatchGrade, type MpiServiceOptions, type Steward } from './mpi.service.js';
export { mpiFhirRoutes, mpiRoutes, type MpiCaller, type MpiFhirRoutesOptions, type MpiRoutesOptions } from './mpi.routes.js';
export { linkStore, BATCH_ACTOR, type StoreLinkOptions, type StoreLinkResult } from './store-link.js';
