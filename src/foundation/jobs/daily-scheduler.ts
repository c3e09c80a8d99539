/**
 * A job run once a day at a fixed time of day in China Standard Time (UTC+8, no daylight saving;
 * GB/T 7408-2005 / ISO 8601 local time with offset +08:00). Generic: the surveillance detection run and
 * the risk-assessment run are both started with `startDailyJob`.
 *
 * One process, one timer: the timer is unref'd (it never keeps the process alive), a run that is still
 * going when the next time comes is not started twice (the next timer is armed only after a run ends),
 * and `stop()` clears the timer and waits for a run in progress. With a `claim` (job-claims.ts: a row
 * per job and day in the database), several server processes on one database run the job once a day:
 * the process whose claim lands first runs it, the others skip that day.
 */

/** HH:MM, 00:00–23:59. */
export const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** Milliseconds from `now` to the next HH:MM in UTC+8 (a full day when it is exactly now). */
export function msUntil(at: string, now: Date): number {
  const m = TIME_OF_DAY.exec(at);
  if (!m) throw new RangeError(`time of day must be HH:MM, got ${at}`);
  const local = now.getTime() + OFFSET_MS;
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  let next = dayStart + (Number(m[1]) * 60 + Number(m[2])) * 60_000;
  if (next <= local) next += DAY_MS;
  return next - local;
}

/** The calendar date (YYYY-MM-DD) of `t` in UTC+8. */
export function chinaDate(t: Date): string {
  return new Date(t.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** A once-a-day claim shared by the processes that run a job (job-claims.ts). */
export interface DailyClaim {
  /** True when this process may run the job for `day` (YYYY-MM-DD, UTC+8); false when another has. */
  take(day: string): Promise<boolean>;
  /** Records that the run of `day` ended. */
  finish(day: string, outcome: 'ok' | 'failed'): Promise<void>;
}

export interface DailyJobOptions<T> {
  /** HH:MM in China Standard Time (UTC+8). */
  at: string;
  /** The job; `now` is the clock's time when the timer fired. */
  run: (now: Date) => Promise<T>;
  clock?: () => Date;
  /** Called with the job's result after each run, or with null and the error of a failed run. */
  onRun?: (result: T | null, error?: unknown) => void;
  /** Taken before each run for the day the timer fired (UTC+8); a day another process holds is skipped. */
  claim?: DailyClaim;
  /** Called when a day is skipped because another process holds its claim. */
  onSkip?: (day: string) => void;
}

export interface DailyJob {
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Starts the daily timer; throws a RangeError now (not at the first run) when `at` is not HH:MM. */
export function startDailyJob<T>(options: DailyJobOptions<T>): DailyJob {
  const clock = options.clock ?? (() => new Date());
  msUntil(options.at, clock());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  /** A throwing callback must not stop the timer nor reject `running`. */
  const report = (failed: boolean, value: unknown) => {
    try {
      if (failed) options.onRun?.(null, value);
      else options.onRun?.(value as T);
    } catch {
      /* the callback only reports */
    }
  };
  const arm = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = (async () => {
        const now = clock();
        const day = chinaDate(now);
        let result: T;
        try {
          if (options.claim && !(await options.claim.take(day))) {
            options.onSkip?.(day);
            return;
          }
          result = await options.run(now);
        } catch (err) {
          await options.claim?.finish(day, 'failed').catch(() => undefined);
          report(true, err);
          return;
        }
        await options.claim?.finish(day, 'ok').catch(() => undefined);
        report(false, result);
      })().finally(arm);
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
