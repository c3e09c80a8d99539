/**
 * Surveillance over a simulated district: the case projection and its counts agree with a direct
 * reading of the FHIR resources (per disease × village × report day, and late reports), and daily
 * detection runs over the largest injected outbreak raise a signal for it inside its window.
 */
import type { Condition, Encounter, Patient, Resource } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchImporter } from '../src/foundation/ingest/index.js';
import { countsByUnit, runSurveillance } from '../src/publichealth/index.js';
import { createStore } from '../src/server/modules.js';
import { DISEASES, simulateDistrict } from '../src/simulate/index.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';

let database: TestDatabase;
const resources: Resource[] = [];
const outbreaks: { disease: string; area: string; start: string; end: string; extra_cases: number }[] = [];

beforeAll(async () => {
  database = await freshDatabase();
  const { store, audit } = createStore(database.db);
  const importer = new BatchImporter(store, { actor: 'test' }, { batchSize: 500 });
  await simulateDistrict(
    { residents: 600, years: 2, seed: 5, startDate: '2024-01-01', outbreaks: 4, district: { towns: 2, villages: 6, townshipCentres: 2, villageClinics: 6 } },
    {
      resource: async (r) => {
        resources.push(r);
        await importer.add(r, r.id as string);
      },
      truth: (table, row) => {
        if (table === 'outbreaks') outbreaks.push(row as unknown as (typeof outbreaks)[number]);
      },
    },
  );
  expect((await importer.finish()).rejected).toBe(0);
  await store.settle();
  await audit.close();
}, 600_000);
afterAll(async () => {
  await database?.drop();
});

const orgOf = (p: Patient) => p.extension?.find((e) => e.url.endsWith('/org-unit'))?.valueCode ?? '';
const keyOf = new Map(DISEASES.map((d) => [d.icd10, d.key]));

describe('case projection over a simulated district', () => {
  it('counts the same cases per disease × village × report day as a direct reading of the Conditions', async () => {
    const villageOf = new Map(resources.filter((r): r is Patient => r.resourceType === 'Patient').map((p) => [p.id as string, orgOf(p)]));
    const expected = new Map<string, number>();
    for (const c of resources.filter((r): r is Condition => r.resourceType === 'Condition')) {
      if (!c.category?.some((cc) => cc.coding?.some((x) => x.code === 'notifiable'))) continue;
      const disease = keyOf.get(c.code?.coding?.[0]?.code ?? '') as string;
      const village = villageOf.get(c.subject?.reference?.split('/')[1] ?? '') as string;
      const k = `${disease}|${village}|${(c.recordedDate ?? '').slice(0, 10)}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    expect(expected.size).toBeGreaterThan(20);
    const got = new Map<string, number>();
    for (const disease of new Set(keyOf.values())) {
      for (const r of await countsByUnit(database.db, { disease, groupLength: 12, from: '2024-01-01', to: '2025-12-31' })) got.set(`${disease}|${r.unit}|${r.day}`, r.n);
    }
    expect(got).toEqual(expected);
  });

  it('flags exactly the reports recorded more than 24 hours after the diagnosis encounter', async () => {
    const start = new Map(resources.filter((r): r is Encounter => r.resourceType === 'Encounter').map((e) => [e.id as string, Date.parse(e.period?.start ?? '')]));
    const late = resources
      .filter((r): r is Condition => r.resourceType === 'Condition' && !!r.category?.some((cc) => cc.coding?.some((x) => x.code === 'notifiable')))
      .filter((c) => Date.parse(c.recordedDate ?? '') - (start.get(c.encounter?.reference?.split('/')[1] ?? '') ?? NaN) > 24 * 3_600_000)
      .map((c) => c.id as string)
      .sort();
    expect(late.length).toBeGreaterThan(0); // the simulator reports ~5 % late
    const rows = await sql<{ resource_id: string }>`SELECT resource_id FROM proj_case WHERE kind = 'case' AND late ORDER BY resource_id`.execute(database.db);
    expect(rows.rows.map((r) => r.resource_id)).toEqual(late);
  });

  it('signals the largest injected outbreak inside its window, in its village or town', async () => {
    const o = [...outbreaks].sort((a, b) => b.extra_cases - a.extra_cases)[0];
    expect(o.extra_cases).toBeGreaterThanOrEqual(5);
    const found: string[] = [];
    for (let t = Date.parse(`${o.start}T00:00:00Z`); t <= Date.parse(`${o.end}T00:00:00Z`) && found.length === 0; t += 86_400_000) {
      const date = new Date(t).toISOString().slice(0, 10);
      await runSurveillance(database.db, { date });
      const s = await sql<{ org_unit: string; level: string; method: string }>`
        SELECT org_unit, level, method FROM surv_signal WHERE disease = ${o.disease} AND run_date = ${date}::date AND ${o.area} LIKE org_unit || '%'`.execute(database.db);
      found.push(...s.rows.map((r) => `${date} ${r.level} ${r.method}`));
    }
    expect(found.length).toBeGreaterThan(0);
  }, 300_000);
});
