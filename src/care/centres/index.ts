/** Public entry of the specialised-disease centres: configuration and pathway arithmetic (pure), projector, bulk enrolment, routes. */
export * from './centres-config.js';
export * from './pathway.js';
export { buildEnrolment, readEnrolment } from './centres-fhir.js';
export { centresMigration } from './migration.js';
export { centresProjector } from './projector.js';
export { CentresService } from './centres.service.js';
export { centresRoutes, type CentresRoutesOptions } from './centres.routes.js';
export { backfillMilestones, enrolMatching, type BulkResult } from './centres-bulk.js';
export { loadCentresFile } from './centres-file.js';
export { seedDemoPathways, pathwayEvent, treatmentFor, drawMinutes, DEMO_PATHWAY_TIMES, type PathwayRandom } from './centres-demo.js';
