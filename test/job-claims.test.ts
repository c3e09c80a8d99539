/**
 * Daily runs claimed in the database (src/foundation/jobs/job-claims.ts): with several server
 * processes on one database, a daily job runs once a day. PGlite, and PostgreSQL in the pg suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dailyRunClaim, jobRuns, startDailyJob } from '../src/foundation/jobs/index.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('dailyRunClaim', () => {
  it('gives each job and day to the first process that asks, and records how the run ended', async () => {
    const a = dailyRunClaim(database.db, 'rollup', 'host-a:1');
    const b = dailyRunClaim(database.db, 'rollup', 'host-b:2');
    expect(await a.take('2026-12-01')).toBe(true);
    expect(await b.take('2026-12-01')).toBe(false);
    expect(await a.take('2026-12-01')).toBe(false); // not twice in one process either
    expect(await b.take('2026-12-02')).toBe(true);
    expect(await dailyRunClaim(database.db, 'other-job', 'host-b:2').take('2026-12-01')).toBe(true);
    await a.finish('2026-12-01', 'ok');
    await a.finish('2026-12-02', 'ok'); // not a's claim: changes nothing
    await b.finish('2026-12-02', 'failed');
    expect(await jobRuns(database.db, 'rollup')).toEqual([
      { day: '2026-12-02', claimedBy: 'host-b:2', finished: true, outcome: 'failed' },
      { day: '2026-12-01', claimedBy: 'host-a:1', finished: true, outcome: 'ok' },
    ]);
  });

  it('two schedulers of one job on one database: only one runs the day, the other reports the skip', async () => {
    // A clock 300 ms before 03:00 in UTC+8 (19:00 UTC), so the timers fire in real time.
    const fire = Date.parse('2026-12-03T19:00:00Z');
    const offset = fire - 300 - Date.now();
    const clock = () => new Date(Date.now() + offset);
    const ran: string[] = [];
    const skipped: string[] = [];
    const done: Promise<void>[] = [];
    const jobs = ['p1', 'p2'].map((holder) => {
      let settle!: () => void;
      done.push(new Promise<void>((resolve) => (settle = resolve)));
      return startDailyJob({
        at: '03:00',
        clock,
        claim: dailyRunClaim(database.db, 'risk', holder),
        run: async () => {
          ran.push(holder);
          return holder;
        },
        onRun: () => settle(),
        onSkip: (day) => {
          skipped.push(`${holder} ${day}`);
          settle();
        },
      });
    });
    await Promise.all(done);
    await Promise.all(jobs.map((j) => j.stop()));
    expect(ran).toHaveLength(1);
    expect(skipped).toEqual([`${ran[0] === 'p1' ? 'p2' : 'p1'} 2026-12-04`]);
    expect(await jobRuns(database.db, 'risk')).toEqual([{ day: '2026-12-04', claimedBy: ran[0], finished: true, outcome: 'ok' }]);
  });
});
