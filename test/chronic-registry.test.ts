/**
 * The hypertension / diabetes registry end to end: registration from a diagnosis, follow-ups
 * recorded in one call, statuses and next-due dates per the BPHS Standard 2017 rules, work lists
 * scoped to the caller, call outcomes, implausible input refused, and the medication service
 * (stock, dispensing, refill reminders).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILY_DOCTOR_TEAM_EXTENSION, ORG_UNIT_EXTENSION } from '../src/foundation/fhir/index.js';
import { NATIONAL_RULES, addDays, patientStatus, type Reading } from '../src/healthmgmt/index.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';

const TODAY = '2025-06-30';
const VILLAGE_A = '330109001001';
const VILLAGE_B = '330109002001';
let server: TestServer;
const ids: Record<string, string> = {};
let vdA: string;

const api = (path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) =>
  fhirFetch(`${server.url}${path}`, { ...init, headers: init.body !== undefined ? { 'content-type': 'application/json' } : {} });
const post = async (resource: Record<string, unknown>) => {
  const res = await fhirFetch(`${server.fhir}/${resource.resourceType as string}`, { method: 'POST', body: resource });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const patient = (village: string, birthDate: string, team?: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  birthDate,
  gender: 'female',
  extension: [{ url: ORG_UNIT_EXTENSION, valueCode: village }, ...(team ? [{ url: FAMILY_DOCTOR_TEAM_EXTENSION, valueReference: { reference: `CareTeam/${team}` } }] : [])],
  ...extra,
});
const hypertension = (p: string, onset: string) => ({
  resourceType: 'Condition',
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
  code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I10' }] },
  subject: { reference: `Patient/${p}` },
  onsetDateTime: onset,
});
const registry = async (p: string) => (await api(`/api/chronic/registry/${p}`)).body.rows as { condition: string; status: string; nextDue: string; control: string; referral: boolean; urgent: boolean; basis: string; episode: string | null; consecutiveUncontrolled: number }[];
const followUp = (body: Record<string, unknown>) => api('/api/chronic/follow-ups', { method: 'POST', body });

beforeAll(async () => {
  server = await startTestServer({ clock: () => new Date(`${TODAY}T04:00:00Z`) });
  ids.team = await post({ resourceType: 'CareTeam', name: '家庭医生团队 A' });
  ids.org = await post({ resourceType: 'Organization', name: '村卫生室 A' });
  ids.a = await post(patient(VILLAGE_A, '1950-03-01', ids.team)); // 75: target < 150/90
  ids.b = await post(patient(VILLAGE_A, '1980-05-05', ids.team)); // 45: target < 140/90
  ids.c = await post(patient(VILLAGE_B, '1970-01-01'));
  ids.dead = await post(patient(VILLAGE_A, '1940-01-01', undefined, { deceasedDateTime: '2025-05-01' }));
  for (const p of [ids.a, ids.b, ids.c, ids.dead]) await post(hypertension(p, '2025-01-15'));
  vdA = (await userToken(server, 'vd-chronic-a', 'village-doctor', VILLAGE_A)).token;
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('registry', () => {
  it('registers residents from their diagnosis; never followed up → overdue, dead → dead', async () => {
    const [a] = await registry(ids.a);
    expect(a).toMatchObject({ condition: 'hypertension', basis: 'diagnosis', control: 'unknown', nextDue: '2025-01-15', status: 'overdue' });
    expect((await registry(ids.dead))[0].status).toBe('dead');
  });

  it('records a follow-up in one call: Encounter, BP, EpisodeOfCare, registry updated at once (65+ target)', async () => {
    const res = await followUp({ patient: ids.a, date: '2025-06-20', bp: { systolic: 145, diastolic: 85 }, facility: ids.org, nextDate: '2025-08-01' });
    expect(res.status).toBe(201);
    expect(res.body.observations).toHaveLength(1);
    expect(res.body.episodes).toHaveLength(1);
    const row = res.body.registry[0];
    // 145/85 is controlled at 75 (< 150/90, national standard) and the planned date is earlier than 91 days.
    expect(row).toMatchObject({ control: 'controlled', status: 'controlled', nextDue: '2025-08-01', episode: res.body.episodes[0] });
    const obs = await fhirFetch(`${server.fhir}/Observation?subject=Patient/${ids.a}`);
    expect(obs.body.entry).toHaveLength(1);
    const enc = await fhirFetch(`${server.fhir}/Encounter/${res.body.encounter}`);
    expect(enc.body.episodeOfCare[0].reference).toBe(`EpisodeOfCare/${res.body.episodes[0]}`);
    // A second follow-up reuses the enrolment.
    const again = await followUp({ patient: ids.a, date: '2025-06-25', bp: { systolic: 130, diastolic: 80 } });
    expect(again.body.episodes).toHaveLength(0);
  });

  it('first uncontrolled → 2 weeks; two in a row → referral; urgent → urgent list', async () => {
    const first = await followUp({ patient: ids.b, date: '2025-06-01', bp: { systolic: 145, diastolic: 85 } });
    expect(first.body.registry[0]).toMatchObject({ control: 'uncontrolled', consecutiveUncontrolled: 1, referral: false, nextDue: '2025-06-15', status: 'overdue' });
    const second = await followUp({ patient: ids.b, date: '2025-06-15', bp: { systolic: 150, diastolic: 92 } });
    expect(second.body.registry[0]).toMatchObject({ consecutiveUncontrolled: 2, referral: true, nextDue: '2025-06-29' });
    const third = await followUp({ patient: ids.b, date: '2025-06-28', bp: { systolic: 186, diastolic: 100 } });
    expect(third.body.registry[0]).toMatchObject({ urgent: true, referral: true, nextDue: '2025-07-12', status: 'uncontrolled' });
    const urgent = await api('/api/chronic/worklists/urgent');
    expect(urgent.body.rows.map((r: { resident: string }) => r.resident)).toEqual([ids.b]);
    expect(urgent.body.rows[0].urgentReason).toBe('SBP ≥ 180');
  });

  it('refuses implausible values with a 400 naming the field, and writes nothing', async () => {
    const before = (await fhirFetch(`${server.fhir}/Encounter?_summary=count`)).body.total;
    const bp = await followUp({ patient: ids.c, date: '2025-06-20', bp: { systolic: 300, diastolic: 20 } });
    expect(bp.status).toBe(400);
    expect(bp.body.resourceType).toBe('OperationOutcome');
    expect(bp.body.issue[0].expression).toEqual(['bp.diastolic']);
    const glucose = await followUp({ patient: ids.c, date: '2025-06-20', glucose: { value: 126 } });
    expect(glucose.status).toBe(400);
    expect(glucose.body.issue[0].expression).toEqual(['glucose.value']);
    expect(glucose.body.issue[0].details.text).toMatch(/mg\/dL/);
    const future = await followUp({ patient: ids.c, date: '2025-07-20' });
    expect(future.body.issue[0].expression).toEqual(['date']);
    const longRx = await followUp({ patient: ids.c, date: '2025-06-20', medicines: [{ atc: 'C08CA01', daysSupply: 120 }] });
    expect(longRx.body.issue[0].expression).toEqual(['medicines[0].daysSupply']);
    expect((await fhirFetch(`${server.fhir}/Encounter?_summary=count`)).body.total).toBe(before);
  });

  it('the SQL status agrees with the pure rules for every registry row', async () => {
    for (const p of [ids.a, ids.b, ids.c, ids.dead]) {
      for (const row of (await api(`/api/chronic/registry/${p}`)).body.rows) {
        const lastReading: Reading | null = row.lastReading ?? (row.lastFollowUp ? null : null);
        const expected = patientStatus({ lastFollowUp: row.lastFollowUp, lastReading, control: row.control, nextDue: row.nextDue }, { deceased: p === ids.dead ? '2025-05-01' : null, since: row.since }, TODAY, NATIONAL_RULES);
        expect(row.status).toBe(expected);
      }
    }
  });
});

describe('work lists', () => {
  it('are scoped to the caller: a village doctor sees only their village', async () => {
    const all = await api('/api/chronic/worklists/overdue');
    const residents = all.body.rows.map((r: { resident: string }) => r.resident);
    expect(residents).toContain(ids.c);
    expect(residents).not.toContain(ids.dead);
    const mine = await api('/api/chronic/worklists/overdue', { token: vdA });
    expect(mine.status).toBe(200);
    expect(mine.body.rows.every((r: { orgUnit: string }) => r.orgUnit.startsWith(VILLAGE_A))).toBe(true);
    expect(mine.body.rows.map((r: { resident: string }) => r.resident)).not.toContain(ids.c);
    // Asking for another village returns nothing rather than someone else's patients.
    const other = await api(`/api/chronic/worklists/overdue?orgUnit=${VILLAGE_B}`, { token: vdA });
    expect(other.body.total).toBe(0);
    expect((await api('/api/chronic/worklists/overdue', { token: null })).status).toBe(401);
  });

  it('filter by team, list due this week, paginate', async () => {
    const team = await api(`/api/chronic/worklists/due?team=${ids.team}`);
    expect(team.status).toBe(200);
    for (const r of team.body.rows) {
      expect(r.careTeam).toBe(ids.team);
      expect(r.nextDue >= TODAY && r.nextDue <= addDays(TODAY, 6)).toBe(true);
    }
    const page1 = await api('/api/chronic/worklists/overdue?_count=1');
    expect(page1.body.rows).toHaveLength(1);
    expect(page1.body.total).toBeGreaterThanOrEqual(1);
    expect((await api('/api/chronic/worklists/soon')).status).toBe(400);
  });

  it('call outcomes: removed with a reason leaves the overdue list and is audited; call later hides until the date', async () => {
    const before = (await api('/api/chronic/worklists/overdue')).body.rows.map((r: { resident: string }) => r.resident);
    expect(before).toContain(ids.c);
    const bad = await api('/api/chronic/calls', { method: 'POST', body: { patient: ids.c, outcome: 'removed' } });
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].expression).toEqual(['reason']);
    const later = await api('/api/chronic/calls', { method: 'POST', body: { patient: ids.c, outcome: 'call-later', callAgain: '2025-07-03' } });
    expect(later.status).toBe(201);
    expect((await api('/api/chronic/worklists/overdue')).body.rows.map((r: { resident: string }) => r.resident)).not.toContain(ids.c);
    const removed = await api('/api/chronic/calls', { method: 'POST', body: { patient: ids.c, outcome: 'removed', reason: 'moved', note: 'moved to Hangzhou' } });
    expect(removed.status).toBe(201);
    expect(removed.body.registry[0].lastCall).toMatchObject({ outcome: 'removed', reason: 'moved: moved to Hangzhou' });
    const audit = await server.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'chronic-call').execute();
    expect(audit.map((a) => a.resource_id)).toEqual([ids.c, ids.c]);
    // A village doctor cannot record calls for a patient outside their village.
    expect((await api('/api/chronic/calls', { method: 'POST', body: { patient: ids.c, outcome: 'agreed' }, token: vdA })).status).toBe(403);
  });
});

describe('medication service', () => {
  it('long prescription, stock, dispense (not before the prescription), refill reminder', async () => {
    const fu = await followUp({ patient: ids.a, date: '2025-06-26', medicines: [{ atc: 'C08CA01', name: '苯磺酸氨氯地平片 5mg', daysSupply: 84, refills: 2, perDay: 1 }] });
    expect(fu.status).toBe(201);
    const rx = fu.body.medicationRequests[0] as string;
    const none = await api('/api/chronic/dispenses', { method: 'POST', body: { prescription: rx, facility: ids.org, date: '2025-06-26', quantity: 28 } });
    expect(none.status).toBe(409);
    expect(none.body.issue[0].expression).toEqual(['quantity']);
    expect((await api('/api/chronic/stock', { method: 'POST', body: { facility: ids.org, drug: 'C08CA01', quantity: 50 } })).status).toBe(201);
    const early = await api('/api/chronic/dispenses', { method: 'POST', body: { prescription: rx, facility: ids.org, date: '2025-06-20', quantity: 28 } });
    expect(early.status).toBe(400);
    expect(early.body.issue[0].expression).toEqual(['date']);
    const ok = await api('/api/chronic/dispenses', { method: 'POST', body: { prescription: rx, facility: ids.org, date: '2025-06-26', quantity: 28 } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ fills: 1, fillsAllowed: 3, stockLeft: 22, refillDue: '2025-07-24' });
    const stock = await api(`/api/chronic/stock?facility=${ids.org}`);
    expect(stock.body.rows).toEqual([expect.objectContaining({ drug: 'C08CA01', quantity: 22 })]);
    // A second dispense of 28 exceeds the stock left: refused, and nothing is written.
    const short = await api('/api/chronic/dispenses', { method: 'POST', body: { prescription: rx, facility: ids.org, date: '2025-06-27', quantity: 28 } });
    expect(short.status).toBe(409);
    expect((await fhirFetch(`${server.fhir}/MedicationDispense?_summary=count`)).body.total).toBe(1);
    const soon = await api('/api/chronic/refills?within=30');
    expect(soon.body.rows).toEqual([expect.objectContaining({ resident: ids.a, prescription: rx, kind: 'refill', fills: 1, due: '2025-07-24' })]);
    expect((await api('/api/chronic/refills?within=7')).body.total).toBe(0);
  });

  it('flags a dispense written directly through FHIR before its prescription', async () => {
    const rx = await post({
      resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: { reference: `Patient/${ids.b}` }, authoredOn: '2025-06-10',
      medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'C09CA01' }] }, dispenseRequest: { expectedSupplyDuration: { value: 28, unit: 'days', system: 'http://unitsofmeasure.org', code: 'd' } },
    });
    const d = await post({
      resourceType: 'MedicationDispense', status: 'completed', subject: { reference: `Patient/${ids.b}` }, authorizingPrescription: [{ reference: `MedicationRequest/${rx}` }],
      medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'C09CA01' }] }, daysSupply: { value: 28 }, whenHandedOver: '2025-06-01',
    });
    const row = await server.database.db.selectFrom('proj_dispense' as never).selectAll().where('resource_id' as never, '=', d as never).executeTakeFirst() as { flag: string | null };
    expect(row.flag).toBe('before-prescription');
  });

  it("the registry answer carries the resident's PDC per programme (PQA, last 12 months)", async () => {
    const dispense = (code: string, day: string, days: number) =>
      post({ resourceType: 'MedicationDispense', status: 'completed', subject: { reference: `Patient/${ids.c}` }, medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code }] }, daysSupply: { value: days }, whenHandedOver: day });
    await dispense('C08CA01', '2025-03-01', 30);
    await dispense('C08CA01', '2025-04-15', 30);
    await dispense('C08CA01', '2024-05-01', 90); // before the period: not counted
    const body = (await api(`/api/chronic/registry/${ids.c}`)).body;
    // Index 2025-03-01 → 2025-06-30 is 122 days; 60 covered.
    expect(body.adherence).toEqual([{ condition: 'hypertension', from: '2024-07-01', to: TODAY, fills: 2, pdc: 60 / 122, mpr: 60 / 122, adherent: false, drugClass: 'C08CA' }]);
    const earlier = (await api(`/api/chronic/registry/${ids.c}?asOf=2025-04-30`)).body;
    // Period (2024-04-30, 2025-04-30] now holds the 2024-05-01 fill: index 2024-05-01 → 365 days; 90 + 30 + 16 covered.
    expect(earlier.adherence[0]).toMatchObject({ to: '2025-04-30', fills: 3, pdc: 136 / 365, adherent: false });
    expect((await api(`/api/chronic/registry/${ids.c}?asOf=2025-13-01`)).status).toBe(400);
  });
});

describe('aggregates for the cockpit', () => {
  it('work-list counts per org unit, and the village rollup served with its time', async () => {
    const counts = await api('/api/indicators/chronic/worklists?condition=hypertension&orgUnit=330109&by=village');
    expect(counts.status).toBe(200);
    const a = counts.body.rows.find((r: { orgUnit: string }) => r.orgUnit === VILLAGE_A);
    expect(a.registered).toBe(3);
    expect(a.dead).toBe(1);
    expect(a.urgent).toBe(1);
    expect(a.controlled + a.uncontrolled + a.overdue + a.lost + a.dead).toBe(a.registered);
    // A village doctor may not see another village's aggregates.
    expect((await api(`/api/indicators/chronic/worklists?orgUnit=${VILLAGE_B}`, { token: vdA })).status).toBe(403);
    // asOf: the same registry judged on another day — the default is today, half a year on the living
    // residents who are not lost are all overdue, a malformed date is 400.
    const same = await api(`/api/indicators/chronic/worklists?condition=hypertension&orgUnit=330109&by=village&asOf=${TODAY}`);
    expect(same.body.rows).toEqual(counts.body.rows);
    const later = (await api('/api/indicators/chronic/worklists?condition=hypertension&orgUnit=330109&by=village&asOf=2025-12-31')).body.rows.find((r: { orgUnit: string }) => r.orgUnit === VILLAGE_A);
    expect(later).toMatchObject({ today: '2025-12-31', registered: 3, dead: 1, controlled: 0, uncontrolled: 0, overdue: 2 });
    expect((await api('/api/indicators/chronic/worklists?condition=hypertension&orgUnit=330109&asOf=2025-02-30x')).status).toBe(400);

    const live = await api(`/api/indicators/chronic?condition=hypertension&orgUnit=330109&asOf=${TODAY}`);
    expect(live.body.source).toBe('live');
    expect((await api(`/api/indicators/chronic?condition=hypertension&orgUnit=330109&asOf=${TODAY}&source=rollup`)).status).toBe(400);
    const refresh = await api(`/api/indicators/chronic/rollup?condition=hypertension&orgUnit=330109&asOf=${TODAY}`, { method: 'POST', body: {} });
    expect(refresh.status).toBe(201);
    expect(refresh.body.villages).toBe(2);
    const rolled = await api(`/api/indicators/chronic?condition=hypertension&orgUnit=330109&asOf=${TODAY}`);
    expect(rolled.body).toMatchObject({ source: 'rollup', computedAt: `${TODAY}T04:00:00.000Z` });
    expect(rolled.body.rows).toEqual(live.body.rows);
  });
});
