/** Public entry of chronic care: projections, classification, registry, follow-ups, work lists and cohort indicators. */
export { chronicMigration } from './migration.js';
export { chronicRegistryMigration } from './registry-migration.js';
export { chronicProjector, createChronicProjector } from './projector.js';
export { chronicIndicators, monthsBefore, type ChronicIndicators } from './indicators.js';
export { adherenceIndicators, type AdherenceIndicators } from './adherence-indicators.js';
export { refreshIndicatorRollup, rolledUpIndicators } from './indicator-rollup.js';
export { chronicRoutes, type ChronicRoutesOptions } from './routes.js';
export { registrySummary, worklist, type RegistrySummary, type WorklistRow, type WorklistName } from './worklist.repository.js';
export { chronicCareRoutes, type ChronicCareRoutesOptions } from './care.routes.js';
export { refreshRegistry, registration, type RegistryBasis } from './registry.js';
export * from './follow-up-rules.js';
export * from './registry-sources.js';
export * from './classify.js';
