/**
 * The server's daily detection run: at a configured time of day in China Standard Time (UTC+8, no
 * daylight saving), it runs detection for the previous day — the last complete day of reports. The
 * timer is the foundation's daily job (src/foundation/jobs).
 */
import type { Database } from '../../foundation/db/index.js';
import { chinaDate, msUntil, startDailyJob, type DailyClaim, type DailyJob } from '../../foundation/jobs/index.js';
import type { DiseaseList } from './diseases.js';
import { runSurveillance, type RunResult } from './runner.js';

export interface SchedulerOptions {
  db: Database;
  /** HH:MM in China Standard Time. */
  at: string;
  diseases?: DiseaseList;
  clock?: () => Date;
  /** Called after each run (counts only: no health data) or with the error of a failed run. */
  onRun?: (result: RunResult | null, error?: unknown) => void;
  /** The day's claim shared with other server processes (foundation/jobs dailyRunClaim): one run a day. */
  claim?: DailyClaim;
  onSkip?: (day: string) => void;
}

export type Scheduler = DailyJob;

/** Milliseconds from `now` to the next HH:MM in UTC+8 (kept here for existing callers; see foundation/jobs). */
export { msUntil };

/** The run date of a scheduled run at `now`: yesterday in UTC+8. */
export function scheduledRunDate(now: Date): string {
  return chinaDate(new Date(now.getTime() - 86_400_000));
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  const clock = options.clock ?? (() => new Date());
  return startDailyJob<RunResult>({
    at: options.at,
    clock,
    run: (now) => runSurveillance(options.db, { date: scheduledRunDate(now), diseases: options.diseases, clock }),
    onRun: options.onRun,
    claim: options.claim,
    onSkip: options.onSkip,
  });
}
