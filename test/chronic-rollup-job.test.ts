/**
 * The chronic-care village rollup as the server runs it: the nightly job (HB_CHRONIC_ROLLUP_AT)
 * refreshes today's and the last month end's rollups of both programmes with every indicator
 * (cohort, overdue, PDC ≥ 80 %), GET /api/indicators/chronic says which as-of date and computation
 * it serves, and falls back to live when the rollup is stale or missing. Also: a district's own
 * follow-up rules (HB_CHRONIC_RULES) drive the registry the server keeps.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_UNIT_EXTENSION } from '../src/foundation/fhir/index.js';
import { jobRuns } from '../src/foundation/jobs/index.js';
import { parseFollowUpRules } from '../src/healthmgmt/index.js';
import { buildApp, loadConfig, type App } from '../src/server/index.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';
import { fhirFetch, userToken } from './helpers/server.js';

// The servers' clock runs in real time from 02:59:57 China Standard Time on 1 January 2026 (set
// again when the data is written), so the 03:00 job of the second app fires 3 s after it is built.
const START = Date.parse('2025-12-31T18:59:57Z');
let offset = START - Date.now();
const clock = () => new Date(Date.now() + offset);
const TODAY = '2026-01-01';
const VILLAGE_A = '330109001001';
const VILLAGE_B = '330109002001';

let database: TestDatabase;
let app: App;
let job: App;
let url: string;
let token: string;
const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
  fhirFetch(`${url}${path}`, { ...init, token, headers: init.body !== undefined ? { 'content-type': 'application/json' } : {} });
const post = async (resource: Record<string, unknown>) => {
  const res = await fhirFetch(`${url}/fhir/${resource.resourceType as string}`, { method: 'POST', body: resource, token });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
};
const patient = (village: string, birthDate: string) => ({ resourceType: 'Patient', birthDate, gender: 'male', extension: [{ url: ORG_UNIT_EXTENSION, valueCode: village }] });
const diagnosis = (p: string, code: string) => ({
  resourceType: 'Condition',
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
  code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code }] },
  subject: { reference: `Patient/${p}` },
  onsetDateTime: '2025-01-15',
});
const dispense = (p: string, day: string, days: number) => ({
  resourceType: 'MedicationDispense',
  status: 'completed',
  medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'C08CA01' }] },
  subject: { reference: `Patient/${p}` },
  whenHandedOver: day,
  daysSupply: { value: days, unit: 'd', system: 'http://unitsofmeasure.org', code: 'd' },
});
const ids: Record<string, string> = {};

beforeAll(async () => {
  database = await freshDatabase();
  // A district that rechecks an uncontrolled reading within 7 days instead of 14.
  app = await buildApp({ db: database.db, logLevel: 'silent', clock, accessTokenSeconds: 3600, chronicRollupAt: 'off', chronicRules: parseFollowUpRules({ recheckDays: 7 }, 'district.json') });
  url = await app.app.listen({ port: 0, host: '127.0.0.1' });
  token = (await userToken({ app, url }, 'rollup-clinician', 'clinician', null)).token;
  ids.a = await post(patient(VILLAGE_A, '1975-01-01'));
  ids.b = await post(patient(VILLAGE_A, '1960-01-01'));
  ids.c = await post(patient(VILLAGE_B, '1950-01-01'));
  for (const p of [ids.a, ids.b, ids.c]) await post(diagnosis(p, 'I10'));
  await post(diagnosis(ids.c, 'E11.9'));
  // a: two fills covering the period well (PDC ≥ 0.8); b: two fills far apart (PDC < 0.8).
  await post(dispense(ids.a, '2025-10-01', 84));
  await post(dispense(ids.a, '2025-12-20', 84));
  await post(dispense(ids.b, '2025-02-01', 28));
  await post(dispense(ids.b, '2025-12-01', 28));
  const f = await api('/api/chronic/follow-ups', { method: 'POST', body: { patient: ids.a, date: '2025-12-30', bp: { systolic: 150, diastolic: 95 } } });
  expect(f.status).toBe(201);
  ids.followUp = f.body.registry[0].nextDue;
  // A second server process on the same database runs the nightly job (it claims the day in job_run first).
  offset = START - Date.now();
  job = await buildApp({ db: database.db, logLevel: 'silent', clock, chronicRollupAt: '03:00' });
  expect(await sql`SELECT 1 FROM chronic_indicator_rollup`.execute(database.db)).toMatchObject({ rows: [] });
  // Wait for the 03:00 run (both dates, both programmes).
  for (let i = 0; i < 480; i++) {
    const n = await sql<{ n: number }>`SELECT count(DISTINCT (condition, as_of))::int AS n FROM chronic_indicator_rollup`.execute(database.db);
    const claimed = await jobRuns(database.db, 'chronic-rollup');
    if (n.rows[0].n === 4 && claimed[0]?.finished) break;
    await new Promise((r) => setTimeout(r, 250));
  }
}, 180_000);
afterAll(async () => {
  await job?.close();
  await app?.close();
  await database?.drop();
});

describe('nightly chronic rollup (HB_CHRONIC_ROLLUP_AT)', () => {
  it('the job claimed its day once, in the process that ran it, and recorded that it finished', async () => {
    expect(await jobRuns(database.db, 'chronic-rollup')).toEqual([{ day: TODAY, claimedBy: expect.any(String), finished: true, outcome: 'ok' }]);
  });

  it('refreshed today and the last month end for both programmes, and the endpoint serves it with its as-of date', async () => {
    const rows = await sql<{ condition: string; as_of: string; villages: number }>`
      SELECT condition, as_of::text AS as_of, count(*)::int AS villages FROM chronic_indicator_rollup GROUP BY 1, 2 ORDER BY 1, 2`.execute(database.db);
    expect(rows.rows).toEqual([
      // Village A has no diabetes patient, but its residents are served by the (one) medication service.
      { condition: 'diabetes', as_of: '2025-12-31', villages: 2 },
      { condition: 'diabetes', as_of: TODAY, villages: 2 },
      { condition: 'hypertension', as_of: '2025-12-31', villages: 2 },
      { condition: 'hypertension', as_of: TODAY, villages: 2 },
    ]);
    const served = await api('/api/indicators/chronic?condition=hypertension&orgUnit=330109&by=village');
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ source: 'rollup', asOf: TODAY, stale: false });
    expect(Date.parse(served.body.computedAt)).toBeGreaterThanOrEqual(Date.parse('2025-12-31T19:00:00Z'));
    const live = await api('/api/indicators/chronic?condition=hypertension&orgUnit=330109&by=village&source=live');
    expect(live.body).toMatchObject({ source: 'live', asOf: TODAY });
    expect(served.body.rows).toEqual(live.body.rows);
    const a = served.body.rows.find((r: { orgUnit: string }) => r.orgUnit === VILLAGE_A);
    // PDC ≥ 80 % and the medication service are in the rollup: a adherent, b not; both served.
    expect(a).toMatchObject({ registered: 2, medicationService: 2, pdcWithFills: 2, pdcMeasured: 2, pdcAdherent: 1, pdcRate: 0.5 });
    // b was never followed up: overdue since registration (the registry's count).
    expect(a.overdue).toBe(1);
  });

  it('falls back to live when the rollup is stale or missing, and says so', async () => {
    await sql`UPDATE chronic_indicator_rollup SET computed_at = computed_at - interval '2 days' WHERE condition = 'hypertension' AND as_of = ${TODAY}`.execute(database.db);
    const stale = await api(`/api/indicators/chronic?condition=hypertension&orgUnit=330109&asOf=${TODAY}`);
    expect(stale.body).toMatchObject({ source: 'live', asOf: TODAY, rollup: { stale: true } });
    const forced = await api(`/api/indicators/chronic?condition=hypertension&orgUnit=330109&asOf=${TODAY}&source=rollup`);
    expect(forced.body).toMatchObject({ source: 'rollup', stale: true });
    expect(forced.body.rows).toEqual(stale.body.rows);
    await sql`DELETE FROM chronic_indicator_rollup WHERE condition = 'hypertension' AND as_of = ${TODAY}`.execute(database.db);
    const missing = await api(`/api/indicators/chronic?condition=hypertension&orgUnit=330109&asOf=${TODAY}`);
    expect(missing.body).toMatchObject({ source: 'live', asOf: TODAY, rollup: 'missing' });
    // The month end was computed after that day ended: fresh for good.
    const monthEnd = await api('/api/indicators/chronic?condition=hypertension&orgUnit=330109&asOf=2025-12-31');
    expect(monthEnd.body).toMatchObject({ source: 'rollup', asOf: '2025-12-31', stale: false });
  });
});

describe('district follow-up rules (HB_CHRONIC_RULES)', () => {
  it('the registry rechecks an uncontrolled reading after the district’s 7 days, not the national 14', () => {
    expect(ids.followUp).toBe('2026-01-06');
  });

  it('reads HB_CHRONIC_ROLLUP_AT (default 03:00, or off) and HB_CHRONIC_RULES', () => {
    expect(loadConfig({}).chronicRollupAt).toBe('03:00');
    expect(loadConfig({ HB_CHRONIC_ROLLUP_AT: 'off' }).chronicRollupAt).toBe('off');
    expect(() => loadConfig({ HB_CHRONIC_ROLLUP_AT: '3:00' })).toThrow(/^invalid configuration: chronicRollupAt: must be HH:MM or off$/);
    expect(loadConfig({ HB_CHRONIC_RULES: '/etc/hb/rules.json' }).chronicRules).toBe('/etc/hb/rules.json');
  });
});

describe('follow-up form items over HTTP', () => {
  it('stores symptoms and self-reported adherence as Observations of the follow-up Encounter', async () => {
    const res = await api('/api/chronic/follow-ups', { method: 'POST', body: { patient: ids.c, date: '2025-12-31', conditions: ['diabetes'], glucose: { value: 6.2 }, symptoms: ['polyuria', 'blurred-vision'], adherence: 'intermittent' } });
    expect(res.status).toBe(201);
    expect(res.body.observations).toHaveLength(3);
    const stored = await Promise.all(res.body.observations.map(async (id: string) => (await fhirFetch(`${url}/fhir/Observation/${id}`, { token })).body));
    const symptoms = stored.find((o) => o.code.coding[0].code === 'symptoms');
    expect(symptoms.encounter.reference).toBe(`Encounter/${res.body.encounter}`);
    expect(symptoms.component.map((c: { code: { coding: { code: string }[] } }) => c.code.coding[0].code)).toEqual(['polyuria', 'blurred-vision']);
    const adherence = stored.find((o) => o.code.coding[0].code === 'medication-adherence');
    expect(adherence.valueCodeableConcept.coding[0]).toMatchObject({ code: 'intermittent', display: '间断' });
  });

  it('refuses an unknown symptom with a 400 naming it, and writes nothing', async () => {
    const before = (await fhirFetch(`${url}/fhir/Encounter?subject=Patient/${ids.b}&_summary=count`, { token })).body.total;
    expect(before).toBeTypeOf('number');
    const res = await api('/api/chronic/follow-ups', { method: 'POST', body: { patient: ids.b, date: '2025-12-31', bp: { systolic: 130, diastolic: 80 }, symptoms: ['fever'], adherence: 'regular' } });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['symptoms[0]']);
    expect((await fhirFetch(`${url}/fhir/Encounter?subject=Patient/${ids.b}&_summary=count`, { token })).body.total).toBe(before);
  });
});
