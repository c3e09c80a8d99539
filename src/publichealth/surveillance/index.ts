/** Public entry of infectious-disease surveillance on the platform: case reports, counts, runs, signals. */
export * from './diseases.js';
export { classifyCondition, instantOf, shanghaiDate, ASSERTED_DATE_EXTENSION, type CaseRow } from './case-report.js';
export { surveillanceMigration } from './migration.js';
export { caseProjector, createCaseProjector } from './projector.js';
export { rebuildCaseProjection } from './rebuild.js';
export { countsByUnit, caseLineList, timeliness, firstCaseDay, type CaseLine, type TimelinessRow, type UnitDayCount } from './cases.repository.js';
export { detectSeries, type SeriesVerdict } from './detect-series.js';
export { runSurveillance, isRunDate, type RunOptions, type RunResult } from './runner.js';
export { startScheduler, msUntil, scheduledRunDate, type Scheduler, type SchedulerOptions } from './scheduler.js';
export { SignalService, aggregateScope, mayInvestigate } from './signals.service.js';
export { listSignals, getSignal, signalEvents, type Signal, type SignalEvent, type SignalFilter } from './signals.repository.js';
export { surveillanceRoutes, isoWeekLabel, type SurveillanceRoutesOptions } from './routes.js';
export { surveillanceEventRoutes, type EventRoutesOptions } from './events.routes.js';
export * from './workflow.js';
