/** Public entry of the FHIR store module: conventions, store, bundles, routes, definitions. */
export * from './conventions.js';
export { FhirStore, accessDenied, type AccessControl, type RequestContext, type StoreOptions, type SearchResult, type WriteResult } from './store.service.js';
export { readableFor } from './scoped.repository.js';
export { orgUnitLocations } from './org-units.repository.js';
export { BundleService } from './bundle.service.js';
export { BulkAnalyzeSchedule } from './analyze-schedule.js';
export { fhirRoutes, FHIR_JSON, type FhirRoutesOptions } from './routes.js';
export { BufferedAuditWriter, insertAudit, type AuditSink, type AuditRow } from './audit.js';
export { runWithAuditSource, currentAuditSource, noteAuditRoles, type AuditSource } from './audit-source.js';
export { WriteSession, orgUnitOf, replacedIds, type Projector, type ResourceChange, type WriteGuard } from './write-session.js';
export { loadFhirDefinitions, allResourceTypes, isKnownResourceType } from './definitions.js';
export { indexResource, normalizeString } from './indexer.js';
export * as tokenTextMigration from './token-text-migration.js';
export { validateInput, isWellFormedReference } from './validate.js';
export { parseBloodPressure, parseFastingGlucose, MG_DL_PER_MMOL_L } from './plausibility.js';
export * as outcomes from './outcomes.js';
export { OperationOutcomeError } from './outcomes.js';
export type { StoredVersion } from './store.repository.js';
