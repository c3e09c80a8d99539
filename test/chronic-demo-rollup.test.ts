/** The demo seed (`npm start` on an empty database) leaves a fresh chronic-care rollup for the cockpit. */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../src/foundation/jobs/index.js';
import { previousMonthEnd, rolledUpIndicators } from '../src/healthmgmt/index.js';
import { createStore, seedDemoDistrict } from '../src/server/index.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';

let database: TestDatabase | undefined;
afterAll(async () => {
  await database?.drop();
});

describe('demo seed', () => {
  it('refreshes the village rollup of both programmes for today and the last month end', async () => {
    database = await freshDatabase();
    const { store, audit } = createStore(database.db);
    await seedDemoDistrict(store, { residents: 300, years: 2, seed: 5, surveillanceDays: 0, riskAssessment: false });
    await store.settle();
    await audit.close();
    const today = chinaDate(new Date());
    const rows = await sql<{ condition: string; as_of: string }>`SELECT DISTINCT condition, as_of::text AS as_of FROM chronic_indicator_rollup ORDER BY 1, 2`.execute(database.db);
    expect(rows.rows).toEqual((['diabetes', 'hypertension'] as const).flatMap((condition) => [previousMonthEnd(today), today].map((as_of) => ({ condition, as_of }))));
    const district = (await sql<{ code: string }>`SELECT substr(min(village), 1, 6) AS code FROM chronic_indicator_rollup`.execute(database.db)).rows[0].code;
    const rolled = await rolledUpIndicators(database.db, { orgUnit: district, condition: 'hypertension', asOf: today });
    expect(rolled!.rows[0].registered).toBeGreaterThan(0);
  }, 600_000);
});
