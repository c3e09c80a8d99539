/** Public entry of background jobs: the daily timer at HH:MM China Standard Time. */
export { startDailyJob, msUntil, chinaDate, TIME_OF_DAY, type DailyClaim, type DailyJob, type DailyJobOptions } from './daily-scheduler.js';
export { dailyRunClaim, jobRuns, PROCESS_ID } from './job-claims.js';
