/** Public entry of bulk ingest: NDJSON import. */
export { BatchImporter, importResources, parseLine, type ImportOptions, type ImportProblem, type ImportStats } from './importer.js';
export { ndjsonFiles, readNdjson, DEPENDENCY_ORDER, type SourceLine } from './ndjson-source.js';
