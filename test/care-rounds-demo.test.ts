/**
 * The demo district's mobile rounds (src/care/rounds/rounds-demo.ts): on the data's last day two
 * township teams take their round plan and sync the visits they record, so the coverage indicator
 * counts planned, visited and captured-on-round residents, and a replay of the day adds nothing.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDemoRounds } from '../src/care/index.js';
import { roundCoverage } from '../src/care/rounds/rounds-coverage.js';
import { parseFollowUp, recordFollowUp, refillReminders, worklist } from '../src/healthmgmt/index.js';
import { createStore, seedDemoDistrict } from '../src/server/index.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';

let database: TestDatabase | undefined;
afterAll(async () => {
  await database?.drop();
});

describe('demo rounds', () => {
  it('seeds round plans and synced visits that the round coverage counts', async () => {
    database = await freshDatabase();
    const { store, audit } = createStore(database.db);
    await seedDemoDistrict(store, { residents: 300, years: 1, seed: 11, surveillanceDays: 0, riskAssessment: false });
    const plans = await sql<{ team: string; day: string; n: number }>`SELECT team, plan_date::text AS day, count(*)::int AS n FROM care_round_plan GROUP BY 1, 2 ORDER BY 1`.execute(database.db);
    expect(plans.rows.length).toBeGreaterThanOrEqual(1);
    const day = plans.rows[0].day;
    const synced = await sql<{ n: number; patients: number; onPlan: number }>`
      SELECT count(*)::int AS n, count(DISTINCT s.patient_id)::int AS patients,
        count(*) FILTER (WHERE s.visit_date = ${day}::date AND EXISTS (SELECT 1 FROM care_round_plan p WHERE p.resident_id = s.resident_id AND p.plan_date = s.visit_date))::int AS "onPlan"
      FROM care_round_sync s`.execute(database.db);
    const { n, patients, onPlan } = synced.rows[0];
    expect(n).toBeGreaterThan(0);
    expect(patients).toBe(n); // one visit per resident
    expect(onPlan).toBe(n); // each on the plan's day, of a resident the plan listed
    // Round coverage counts them: planned residents of the teams, visited and captured on the round.
    const coverage = await roundCoverage(database.db, { orgUnit: plans.rows[0].team.slice(0, 6), from: `${day.slice(0, 7)}-01`, to: day });
    expect(coverage.reduce((s, r) => s + r.planned, 0)).toBe(plans.rows.reduce((s, r) => s + r.n, 0));
    expect(coverage.reduce((s, r) => s + r.capturedOnRound, 0)).toBe(n);
    for (const r of coverage) expect(r.visited).toBeGreaterThanOrEqual(r.capturedOnRound);
    // The same rounds again: the plans are remembered once (no duplicate plan rows), the new client ids are new visits.
    const again = await seedDemoRounds(store, { worklist, refillReminders, parseFollowUp, recordFollowUp }, day);
    expect(again.plans).toBe(plans.rows.length);
    const after = await sql<{ plans: number; synced: number }>`SELECT (SELECT count(*) FROM care_round_plan)::int AS plans, (SELECT count(*) FROM care_round_sync)::int AS synced`.execute(database.db);
    expect(after.rows[0].plans).toBe(plans.rows.reduce((s, r) => s + r.n, 0));
    expect(after.rows[0].synced).toBe(n + again.visits);
    await store.settle();
    await audit.close();
  }, 600_000);
});
