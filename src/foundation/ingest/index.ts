/** Public entry of bulk ingest: NDJSON import. */
export { BatchImporter, importResources, parseLine, residentKey, type ImportOptions, type ImportProblem, type ImportStats } from './importer.js';
export { ndjsonFiles, readNdjson, DEPENDENCY_ORDER, type SourceLine } from './ndjson-source.js';
export { ImportJobs, type ImportJobOwner, type ImportJobStatus, type ImportJobView, type ImportJobsOptions } from './import-jobs.js';
export { importRoutes, NDJSON_TYPES, type ImportRoutesOptions } from './import.routes.js';
