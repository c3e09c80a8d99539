/**
 * The intervention-effect figures of GET /api/indicators/risk (before/after counts for BP, fasting
 * glucose and PDC after completed Tasks; per town, team and model) on a hand-built district: the rows
 * are written straight into the projections the indicator reads, and every expected figure is worked
 * out by hand in the comments. PGlite, or PostgreSQL with TEST_DATABASE_URL.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdcBeforeAfter, riskIndicators, type RiskIndicators } from '../src/healthmgmt/index.js';
import { fhirFetch, startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
const T1 = '330109001001'; // town 330109001, team A
const T2 = '330109002001'; // town 330109002, team B
const A = 'CareTeam/A';
const B = 'CareTeam/B';

type TaskRow = [id: string, resident: string, org: string, owner: string, code: string, reason: string, status: string, authored: string, completed: string | null];
const TASKS: TaskRow[] = [
  // BP. r1: two completed BP Tasks, the later one (completed 03-10) counts.
  ['t5', 'r1', T1, A, 'bp-control-visit', 'bp-uncontrolled-lr', 'completed', '2025-01-10', '2025-01-20'],
  ['t1', 'r1', T1, A, 'bp-control-visit', 'bp-uncontrolled-lr', 'completed', '2025-03-01', '2025-03-10'],
  ['t2', 'r2', T1, A, 'follow-up-2w', 'bp-uncontrolled', 'completed', '2025-03-01', '2025-03-05'],
  ['t3', 'r3', T2, B, 'referral', 'bp-uncontrolled-twice', 'completed', '2025-05-20', '2025-06-01'],
  ['t4', 'r4', T2, B, 'bp-control-visit', 'bp-uncontrolled-lr', 'requested', '2025-06-01', null],
  // Glucose.
  ['g1', 'r5', T1, A, 'ogtt', 'cdrs', 'completed', '2025-04-01', '2025-04-10'],
  ['g2', 'r6', T1, A, 'follow-up-2w', 'glucose-uncontrolled', 'completed', '2025-05-01', '2025-05-05'],
  ['g3', 'r7', T2, B, 'urgent-referral', 'urgent-glucose-high', 'completed', '2025-07-01', '2025-07-02'],
  // Refill calls; p3's 90 days after completion end after 2025-12-31, so it is not measured.
  ['p1', 'r8', T1, A, 'refill-call', 'missed-refill', 'completed', '2025-04-01', '2025-04-03'],
  ['p2', 'r9', T1, A, 'refill-call', 'missed-refill', 'completed', '2025-06-01', '2025-06-02'],
  ['p3', 'r10', T2, B, 'refill-call', 'missed-refill', 'completed', '2025-11-01', '2025-11-02'],
];
// [resident, date, sbp, dbp, plausible]
const BP: [string, string, number, number, boolean][] = [
  ['r1', '2025-01-05', 160, 100, true],
  ['r1', '2025-02-20', 150, 95, true], // last on or before t1's authored date: uncontrolled
  ['r1', '2025-04-01', 130, 80, true], // first after t1's completion: controlled
  ['r1', '2025-05-01', 150, 95, true], // later: ignored
  ['r2', '2025-02-25', 138, 88, true], // before: controlled
  ['r2', '2025-03-20', 120, 70, false], // implausible: ignored
  ['r2', '2025-04-01', 145, 92, true], // after: uncontrolled
  ['r3', '2025-06-10', 132, 82, true], // after only (no reading before)
];
// [resident, date, fasting glucose mmol/L]
const GLUCOSE: [string, string, number][] = [
  ['r5', '2025-04-20', 7.8], // after only, ≥ 7.0
  ['r6', '2025-04-28', 8.5], // before, ≥ 7.0
  ['r6', '2025-06-01', 6.5], // after, < 7.0
  ['r7', '2025-07-01', 17.2], // on the authored day (counts as before); nothing after
];
// [resident, date, days' supply] — all one drug, amlodipine (ATC C08CA01).
const FILLS: [string, string, number][] = [
  // r8 before [01-01, 03-31] (90 d): 01-01 ×30 + 02-15 ×30 → 60 covered / 90 = 0.667. After [04-04, 07-02]: 3 × 30 → 90/90 = 1.
  ['r8', '2025-01-01', 30], ['r8', '2025-02-15', 30], ['r8', '2025-04-04', 30], ['r8', '2025-05-04', 30], ['r8', '2025-06-03', 30],
  // r9 before [03-03, 05-31]: 03-03 ×45 + 04-17 ×45 → 90/90 = 1. After [06-03, 08-31]: 06-03 ×30, 07-03 ×30, 08-17 ×15 → 75/90 = 0.833.
  ['r9', '2025-03-03', 45], ['r9', '2025-04-17', 45], ['r9', '2025-06-03', 30], ['r9', '2025-07-03', 30], ['r9', '2025-08-17', 15],
  ['r10', '2025-09-01', 30], ['r10', '2025-10-01', 30],
];

// [resident, ICD-10, onset]: r1 stroke 2025-06-15 (after t1's completion 03-10), r2 MI 2024-12-01 (in the year
// before t2, authored 03-01), r3 hypertension (not an event), r5 stroke 2026-06-01 (more than 365 days after 2025-04-10).
const CONDITIONS: [string, string, string][] = [
  ['r1', 'I63.9', '2025-06-15'],
  ['r2', 'I21.0', '2024-12-01'],
  ['r3', 'I10', '2025-07-01'],
  ['r5', 'I61.0', '2026-06-01'],
];

beforeAll(async () => {
  server = await startTestServer();
  const db = server.database.db;
  for (const [id, resident, org, owner, code, reason, status, authored, completed] of TASKS) {
    await sql`INSERT INTO proj_risk_task (resource_id, resident_id, org_unit, owner, code, reason, status, authored, completed)
      VALUES (${id}, ${resident}, ${org}, ${owner}, ${code}, ${reason}, ${status}, ${authored}, ${completed})`.execute(db);
  }
  for (const [i, [resident, date, sbp, dbp, plausible]] of BP.entries()) {
    await sql`INSERT INTO proj_bp (resource_id, resident_id, org_unit, effective, sbp, dbp, plausible) VALUES (${`bp${i}`}, ${resident}, ${T1}, ${date}, ${sbp}, ${dbp}, ${plausible})`.execute(db);
  }
  for (const [i, [resident, date, mmol]] of GLUCOSE.entries()) {
    await sql`INSERT INTO proj_glucose (resource_id, resident_id, org_unit, effective, mmol_l, plausible) VALUES (${`gl${i}`}, ${resident}, ${T1}, ${date}, ${mmol}, true)`.execute(db);
  }
  for (const [i, [resident, date, days]] of FILLS.entries()) {
    await sql`INSERT INTO proj_dispense (resource_id, resident_id, org_unit, handed_over, drug, drug_class, days_supply) VALUES (${`md${i}`}, ${resident}, ${T1}, ${date}, 'C08CA01', 'C08CA', ${days})`.execute(db);
  }
  const assessments: [string, string, string, string, string][] = [
    ['ra1', 'r1', T1, 'bp-uncontrolled-lr', 'high'],
    ['ra2', 'r5', T1, 'cdrs', 'high'],
    ['ra3', 'r11', T2, 'china-par', 'low'],
  ];
  // Stroke / MI Conditions through the FHIR API (the event measure reads the store's search indexes).
  for (const [resident, code, onset] of CONDITIONS) {
    const patient = await fhirFetch(`${server.fhir}/Patient/${resident}`, { method: 'PUT', body: { resourceType: 'Patient', id: resident, gender: 'male', birthDate: '1960-01-01' } });
    expect(patient.status).toBeLessThan(300);
    const condition = await fhirFetch(`${server.fhir}/Condition/c-${resident}`, {
      method: 'PUT',
      body: {
        resourceType: 'Condition', id: `c-${resident}`, subject: { reference: `Patient/${resident}` }, onsetDateTime: onset,
        clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
        code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code }] },
      },
    });
    expect(condition.status).toBeLessThan(300);
  }
  for (const [id, resident, org, model, stratum] of assessments) {
    await sql`INSERT INTO proj_risk_assessment (resource_id, resident_id, org_unit, model, occurrence, stratum) VALUES (${id}, ${resident}, ${org}, ${model}, '2025-02-28', ${stratum})`.execute(db);
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

async function indicators(by: string): Promise<{ status: number; rows: RiskIndicators[]; body: unknown }> {
  const res = await fetch(`${server.url}/api/indicators/risk?orgUnit=330109&from=2025-01-01&to=2025-12-31&by=${by}`, { headers: { authorization: `Bearer ${server.token}` } });
  const body = (await res.json()) as { rows: RiskIndicators[] };
  return { status: res.status, rows: body.rows, body };
}

describe('PDC before and after a refill call (pure)', () => {
  it('follows the hand count of r8 and r9', () => {
    const fills = (who: string) => FILLS.filter(([r]) => r === who).map(([patient, date, daysSupply]) => ({ patient, drug: 'C08CA01', drugClass: 'C08CA', date, daysSupply }));
    const r8 = pdcBeforeAfter(fills('r8'), '2025-04-01', '2025-04-03');
    expect(r8.before).toBeCloseTo(60 / 90, 10);
    expect(r8.after).toBe(1);
    const r9 = pdcBeforeAfter(fills('r9'), '2025-06-01', '2025-06-02');
    expect(r9.before).toBe(1);
    expect(r9.after).toBeCloseTo(75 / 90, 10);
    // One fill in a window gives no PDC (PQA needs two).
    expect(pdcBeforeAfter(fills('r8').slice(0, 1), '2025-04-01', '2025-04-03').before).toBeNull();
  });
});

describe('GET /api/indicators/risk: before/after effect', () => {
  it('per town: BP, glucose and PDC counts as worked out by hand, labelled as not a controlled comparison', async () => {
    const { status, rows } = await indicators('town');
    expect(status).toBe(200);
    const [town1, town2] = rows;
    expect(rows.map((r) => r.orgUnit)).toEqual(['330109001', '330109002']);
    expect(town1.effect.design).toMatch(/before\/after counts.*not a controlled comparison/);
    // BP, town 1: r1 (150/95 → 130/80) and r2 (138/88 → 145/92): both followed up and paired.
    expect(town1.effect.bp).toEqual({ residents: 2, followedUp: 2, goalAfter: 1, paired: 2, pairedGoalBefore: 1, pairedGoalAfter: 1 });
    expect([town1.bpFollowedUp, town1.bpControlledAfter]).toEqual([2, 1]);
    // Glucose, town 1: r5 (after only, 7.8) and r6 (8.5 → 6.5).
    expect(town1.effect.glucose).toEqual({ residents: 2, followedUp: 2, goalAfter: 1, paired: 1, pairedGoalBefore: 0, pairedGoalAfter: 1 });
    // PDC, town 1: r8 0.667 → 1, r9 1 → 0.833; means (0.667 + 1) / 2 = 0.833 and (1 + 0.833) / 2 = 0.917.
    expect(town1.effect.pdc).toEqual({ residents: 2, paired: 2, pairedAdherentBefore: 1, pairedAdherentAfter: 2, pairedMeanBefore: 0.833, pairedMeanAfter: 0.917 });
    // Town 2: r3 followed up after only (132/82); r7 not followed up; r10's window has not ended; r4's Task is open.
    expect(town2.effect.bp).toEqual({ residents: 1, followedUp: 1, goalAfter: 1, paired: 0, pairedGoalBefore: 0, pairedGoalAfter: 0 });
    expect(town2.effect.glucose).toEqual({ residents: 1, followedUp: 0, goalAfter: 0, paired: 0, pairedGoalBefore: 0, pairedGoalAfter: 0 });
    expect(town2.effect.pdc.residents).toBe(0);
    expect(town2.effect.pdc.pairedMeanBefore).toBeNull();
    expect([town1.residentsWithIntervention, town2.residentsWithIntervention]).toEqual([6, 4]);
  });

  it('per team: the same figures under the owners', async () => {
    const { rows } = await indicators('team');
    expect(rows.map((r) => r.orgUnit)).toEqual([A, B]);
    expect(rows[0].effect.bp.paired).toBe(2);
    expect(rows[0].effect.pdc.paired).toBe(2);
    expect(rows[1].effect.bp.followedUp).toBe(1);
  });

  it('per model: Tasks by the model that raised them (triggers together), assessments by model', async () => {
    const { status, rows } = await indicators('model');
    expect(status).toBe(200);
    expect(rows.map((r) => r.model)).toEqual(['bp-uncontrolled-lr', 'cdrs', 'china-par', 'guideline-triggers']);
    const [lr, cdrs, par, triggers] = rows;
    expect(rows.every((r) => r.orgUnit === '330109')).toBe(true);
    // Learned model: t5, t1 (r1) and the open t4 (r4).
    expect({ tasks: lr.tasks, open: lr.open, completed: lr.completed, residents: lr.residentsWithIntervention, assessed: lr.residentsAssessed, high: lr.highRisk }).toEqual({ tasks: 3, open: 1, completed: 2, residents: 2, assessed: 1, high: 1 });
    expect(lr.effect.bp).toEqual({ residents: 1, followedUp: 1, goalAfter: 1, paired: 1, pairedGoalBefore: 0, pairedGoalAfter: 1 });
    // CDRS: the OGTT of r5.
    expect(cdrs.tasks).toBe(1);
    expect(cdrs.effect.glucose).toEqual({ residents: 1, followedUp: 1, goalAfter: 0, paired: 0, pairedGoalBefore: 0, pairedGoalAfter: 0 });
    // China-PAR: one low-risk assessment, no Task.
    expect({ tasks: par.tasks, assessed: par.residentsAssessed, high: par.highRisk }).toEqual({ tasks: 0, assessed: 1, high: 0 });
    // Guideline triggers: t2, t3, g2, g3, p1, p2, p3.
    expect(triggers.tasks).toBe(7);
    expect(triggers.effect.bp).toEqual({ residents: 2, followedUp: 2, goalAfter: 1, paired: 1, pairedGoalBefore: 1, pairedGoalAfter: 0 });
    expect(triggers.effect.glucose).toEqual({ residents: 2, followedUp: 1, goalAfter: 1, paired: 1, pairedGoalBefore: 0, pairedGoalAfter: 1 });
    expect(triggers.effect.pdc.paired).toBe(2);
  });

  it('the function gives the route\'s figures, and a period that ends before the PDC windows measures no PDC', async () => {
    const direct = await riskIndicators(server.database.db, { orgUnit: '330109', from: '2025-01-01', to: '2025-12-31' });
    expect(direct[0].effect.pdc.paired).toBe(2);
    expect(direct[0].effect.bp.residents).toBe(3);
    // to = 2025-07-01: r8's window (to 07-02) has not ended; r9's Task (06-01) is in the period but unmeasurable.
    const early = await riskIndicators(server.database.db, { orgUnit: '330109', from: '2025-01-01', to: '2025-07-01' });
    expect(early[0].effect.pdc.residents).toBe(0);
  });

  it('events: stroke/MI in the year before the Task and the year after completion, only once that year has ended', async () => {
    const owners = await sql<{ id: string; resident_id: string | null }>`SELECT id, resident_id FROM fhir_resource WHERE resource_type = 'Condition' ORDER BY id`.execute(server.database.db);
    expect(owners.rows.map((r) => r.resident_id)).toEqual(['r1', 'r2', 'r3', 'r5']);
    // to = 2026-12-31: every 2025 completion has its 365 days. Town 1: r1, r2, r5, r6, r8, r9 → r2 before, r1 after.
    const [town1, town2] = await riskIndicators(server.database.db, { orgUnit: '330109', from: '2025-01-01', to: '2026-12-31', groupLength: 9 });
    expect(town1.effect.events).toEqual({ residents: 6, before: 1, after: 1 });
    // Town 2: r3 (hypertension only), r7, r10; r4's Task is open.
    expect(town2.effect.events).toEqual({ residents: 3, before: 0, after: 0 });
    // to = 2025-12-31: no completion is a year old yet.
    const { rows } = await indicators('town');
    expect(rows[0].effect.events).toEqual({ residents: 0, before: 0, after: 0 });
  });

  it('rejects an unknown grouping with a 400 naming the field', async () => {
    const { status, body } = await indicators('drug');
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toMatch(/by must be self, town, village, team or model/);
  });
});
