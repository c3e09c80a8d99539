/** Public entry of the mobile doctors' rounds: round plans, offline-capture sync, round coverage (docs/care.md). */
export { roundsMigration } from './migration.js';
export { roundsRoutes, type RoundsRoutesOptions } from './rounds.routes.js';
export { RoundsService, type RoundSources } from './rounds.service.js';
export { seedDemoRounds } from './rounds-demo.js';
export type { RoundPlan, PlanVillage, PlanResident, PlanItem } from './round-plan.js';
export type { SyncRecord, SyncResult } from './round-sync.js';
