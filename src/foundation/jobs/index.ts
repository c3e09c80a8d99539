/** Public entry of background jobs: the daily timer at HH:MM China Standard Time. */
export { startDailyJob, msUntil, chinaDate, TIME_OF_DAY, type DailyJob, type DailyJobOptions } from './daily-scheduler.js';
