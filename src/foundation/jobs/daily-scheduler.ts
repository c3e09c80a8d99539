/**
 * A job run once a day at a fixed time of day in China Standard Time (UTC+8, no daylight saving;
 * GB/T 7408-2005 / ISO 8601 local time with offset +08:00). Generic: the surveillance detection run and
 * the risk-assessment run are both started with `startDailyJob`.
 *
 * One process, one timer: the timer is unref'd (it never keeps the process alive), a run that is still
 * going when the next time comes is not started twice (the next timer is armed only after a run ends),
 * and `stop()` clears the timer and waits for a run in progress. Several server processes each run the
 * job; the jobs using it are idempotent (see docs/scaling.md for the job-queue plan).
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

export interface DailyJobOptions<T> {
  /** HH:MM in China Standard Time (UTC+8). */
  at: string;
  /** The job; `now` is the clock's time when the timer fired. */
  run: (now: Date) => Promise<T>;
  clock?: () => Date;
  /** Called with the job's result after each run, or with null and the error of a failed run. */
  onRun?: (result: T | null, error?: unknown) => void;
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
        let result: T;
        try {
          result = await options.run(clock());
        } catch (err) {
          report(true, err);
          return;
        }
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
