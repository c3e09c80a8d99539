/**
 * Claims of daily runs in the database, so that a daily job runs once a day however many server
 * processes share the database: before a run, each process inserts (job, day); the insert that
 * lands first wins and the others skip that day. The row also records when the run finished and how
 * (`ok` or `failed`, never the job's data). A claimed run that dies with its process is not retried
 * by another process that day: run it by hand (`healthy-brain surveillance run`, `risk run`, …).
 */
import { hostname } from 'node:os';
import { sql } from 'kysely';
import type { Database } from '../db/index.js';
import type { DailyClaim } from './daily-scheduler.js';

/** This process, as recorded in `job_run.claimed_by`. */
export const PROCESS_ID = `${hostname()}:${process.pid}`;

/** The claim of `job` in `db` for startDailyJob's `claim` option. */
export function dailyRunClaim(db: Database, job: string, holder = PROCESS_ID): DailyClaim {
  return {
    async take(day) {
      const r = await sql<{ job: string }>`
        INSERT INTO job_run (job, day, claimed_by) VALUES (${job}, ${day}::date, ${holder})
        ON CONFLICT (job, day) DO NOTHING RETURNING job`.execute(db);
      return r.rows.length === 1;
    },
    async finish(day, outcome) {
      await sql`UPDATE job_run SET finished_at = now(), outcome = ${outcome} WHERE job = ${job} AND day = ${day}::date AND claimed_by = ${holder}`.execute(db);
    },
  };
}

/** The recorded runs of `job`, newest first (for operators and tests). */
export async function jobRuns(db: Database, job: string): Promise<{ day: string; claimedBy: string; finished: boolean; outcome: string | null }[]> {
  const r = await sql<{ day: string; claimed_by: string; finished_at: Date | null; outcome: string | null }>`
    SELECT day::text AS day, claimed_by, finished_at, outcome FROM job_run WHERE job = ${job} ORDER BY day DESC`.execute(db);
  return r.rows.map((x) => ({ day: x.day, claimedBy: x.claimed_by, finished: x.finished_at !== null, outcome: x.outcome }));
}
