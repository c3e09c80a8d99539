/** Public entry of village-clinic visits: input, FHIR mapping, projector, service, routes, demo. */
export { parseVisit, type VisitInput, type VisitOutcomeKind } from './visit-input.js';
export { buildVisit, readVisitOutcome, VISIT_OUTCOME_EXTENSION } from './visit-fhir.js';
export { visitsMigration } from './migration.js';
export { visitsProjector } from './projector.js';
export { VisitService } from './visit.service.js';
export { visitRoutes, type VisitRoutesOptions } from './visits.routes.js';
export { seedDemoVisits } from './visits-demo.js';
