/**
 * The server's daily detection run: at a configured time of day in China Standard Time (UTC+8, no
 * daylight saving), it runs detection for the previous day — the last complete day of reports.
 */
import type { Database } from '../../foundation/db/index.js';
import { shanghaiDate } from './case-report.js';
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
}

export interface Scheduler {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Milliseconds from `now` to the next HH:MM in UTC+8 (a full day when it is exactly now). */
export function msUntil(at: string, now: Date): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!m) throw new RangeError(`time of day must be HH:MM, got ${at}`);
  const offset = 8 * 3_600_000;
  const local = now.getTime() + offset;
  const dayStart = Math.floor(local / 86_400_000) * 86_400_000;
  let next = dayStart + (Number(m[1]) * 60 + Number(m[2])) * 60_000;
  if (next <= local) next += 86_400_000;
  return next - local;
}

/** The run date of a scheduled run at `now`: yesterday in UTC+8. */
export function scheduledRunDate(now: Date): string {
  return shanghaiDate(new Date(now.getTime() - 86_400_000));
}

export function startScheduler(options: SchedulerOptions): Scheduler {
  const clock = options.clock ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runSurveillance(options.db, { date: scheduledRunDate(clock()), diseases: options.diseases, clock })
        .then((r) => options.onRun?.(r))
        .catch((err: unknown) => options.onRun?.(null, err))
        .finally(arm);
    }, msUntil(options.at, clock()));
    timer.unref();
  };
  arm();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
