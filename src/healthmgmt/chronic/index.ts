/** Public entry of chronic care: projections, classification, registry, follow-ups, work lists and cohort indicators. */
export { chronicMigration } from './migration.js';
export { chronicRegistryMigration } from './registry-migration.js';
export { chronicRollupMigration } from './rollup-migration.js';
export { loadFollowUpRules, parseFollowUpRules } from './rules-file.js';
export { chronicProjector, createChronicProjector } from './projector.js';
export { chronicIndicators, type ChronicIndicators } from './indicators.js';
export { adherenceIndicators, type AdherenceIndicators } from './adherence-indicators.js';
export { refreshIndicatorRollup, rolledUpIndicators, rollupFresh, refreshChronicRollups, previousMonthEnd, ROLLUP_MAX_AGE_HOURS, type RollupRunSummary } from './indicator-rollup.js';
export { chronicRoutes, type ChronicRoutesOptions } from './routes.js';
export { registrySummary, worklist, type RegistrySummary, type WorklistRow, type WorklistName } from './worklist.repository.js';
export { chronicCareRoutes, type ChronicCareRoutesOptions } from './care.routes.js';
export { recordFollowUp, type FollowUpResult } from './follow-up.service.js';
export { parseFollowUp, type FollowUpInput } from './follow-up-input.js';
export { refreshRegistry, registration, type RegistryBasis } from './registry.js';
export * from './follow-up-rules.js';
export * from './registry-sources.js';
export * from './classify.js';
export { ATC_PATTERN, ADHERENCE_DRUGS, SERVICE_DRUGS, PROTOCOL_DRUGS, type ProtocolDrug, type ProtocolProgramme } from './protocol-drugs.js';
