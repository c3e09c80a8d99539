/** Public entry of chronic care: projections, classification and cohort indicators. */
export { chronicMigration } from './migration.js';
export { chronicProjector } from './projector.js';
export { chronicIndicators, monthsBefore, type ChronicIndicators } from './indicators.js';
export { chronicRoutes, type ChronicRoutesOptions } from './routes.js';
export * from './classify.js';
