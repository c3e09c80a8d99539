/**
 * Mobile doctors' rounds over the HTTP API (issue 10): the round plan of a team (villages and
 * residents due, ordered, under each caller's scope), and the offline-sync test the issue asks for —
 * visits recorded "offline" (a batch built on the device), synced, replayed twice (no duplicate, the
 * same results), replayed after a conflicting edit (same client id, other payload: 409, the first
 * stays), a different visit of the same patient by someone else meanwhile (both kept), and every
 * record accounted for in every answer. PGlite, and PostgreSQL with TEST_DATABASE_URL.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_UNIT_EXTENSION, ORG_UNIT_LEVEL_SYSTEM, ORG_UNIT_SYSTEM } from '../src/foundation/fhir/index.js';
import { INTERVENTION_SYSTEM } from '../src/healthmgmt/index.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';

const TOWN_1 = '330109001';
const VILLAGE_A = '330109001001';
const VILLAGE_B = '330109001002';
const VILLAGE_C = '330109002001';
const NOW = new Date('2025-06-20T02:00:00Z');
const TODAY = '2025-06-20';

let server: TestServer;
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};

const api = (path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
  fhirFetch(`${server.url}${path}`, { ...init, token, headers: init.body !== undefined ? { 'content-type': 'application/json' } : {} });
const post = async (resource: Record<string, unknown>) => {
  const res = await fhirFetch(`${server.fhir}/${resource.resourceType as string}`, { method: 'POST', body: resource });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const location = (code: string, name: string, level: string) => ({ resourceType: 'Location', name, status: 'active', identifier: [{ system: ORG_UNIT_SYSTEM, value: code }], type: [{ coding: [{ system: ORG_UNIT_LEVEL_SYSTEM, code: level }] }] });
const patient = (village: string) => ({ resourceType: 'Patient', gender: 'female', birthDate: '1960-02-01', extension: [{ url: ORG_UNIT_EXTENSION, valueCode: village }] });
const followUp = async (patientId: string, body: Record<string, unknown>) => {
  const res = await api('/api/chronic/follow-ups', server.token, { method: 'POST', body: { patient: patientId, conditions: ['hypertension'], ...body } });
  expect(res.status).toBe(201);
};
const encounters = async (patientId: string) => (await fhirFetch(`${server.fhir}/Encounter?subject=Patient/${patientId}&_summary=count`)).body.total as number;
const syncRows = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM care_round_sync`.execute(server.app.store.db)).rows[0].n);
const sync = (token: string, records: unknown[]) => api('/api/care/rounds/sync', token, { method: 'POST', body: { records } });
/** A visit as the device queues it: its own UUID and the time it was recorded. */
const visit = (patientId: string, bp: { systolic: number; diastolic: number }, recordedAt = '2025-06-20T01:30:00+08:00') => ({
  clientId: randomUUID(),
  recordedAt,
  patient: patientId,
  followUp: { date: TODAY, bp, nextDate: '2025-09-18' },
});
/** Every record sent has exactly one result, in order, under its own client id. */
const accounted = (records: { clientId: string }[], body: { results: { index: number; clientId: string | null; status: string }[]; counts: Record<string, number> }) => {
  expect(body.results.map((r) => r.index)).toEqual(records.map((_, i) => i));
  expect(body.results.map((r) => r.clientId)).toEqual(records.map((r) => r.clientId));
  expect(body.counts.created + body.counts.duplicate + body.counts.rejected).toBe(records.length);
};

beforeAll(async () => {
  server = await startTestServer({ clock: () => NOW });
  await post(location(TOWN_1, '一镇', 'town'));
  await post(location(VILLAGE_A, '甲村', 'village'));
  await post(location(VILLAGE_B, '乙村', 'village'));
  for (const [key, village] of [['overdue', VILLAGE_A], ['urgent', VILLAGE_A], ['due', VILLAGE_B], ['refill', VILLAGE_B], ['otherTown', VILLAGE_C]] as const) ids[key] = await post(patient(village));
  // Uncontrolled on 1 March: next follow-up within 14 days (BPHS §2.3(2)) → overdue on 20 June.
  await followUp(ids.overdue, { date: '2025-03-01', bp: { systolic: 150, diastolic: 95 } });
  // In the urgent-referral range on 15 June.
  await followUp(ids.urgent, { date: '2025-06-15', bp: { systolic: 185, diastolic: 112 } });
  // Controlled on 22 March: next due 91 days later, 21 June (due this week).
  await followUp(ids.due, { date: '2025-03-22', bp: { systolic: 128, diastolic: 80 } });
  // Controlled on 1 May with a long prescription never handed over: a refill is due, no follow-up.
  await followUp(ids.refill, { date: '2025-05-01', bp: { systolic: 126, diastolic: 78 }, medicines: [{ atc: 'C08CA01', name: '苯磺酸氨氯地平片 5mg', daysSupply: 56, refills: 1, perDay: 1 }] });
  await followUp(ids.otherTown, { date: '2025-03-01', bp: { systolic: 150, diastolic: 95 } });
  ids.task = await post({ resourceType: 'Task', status: 'requested', intent: 'plan', priority: 'routine', code: { coding: [{ system: INTERVENTION_SYSTEM, code: 'statin-counselling' }] }, for: { reference: `Patient/${ids.due}` }, authoredOn: '2025-06-10', restriction: { period: { end: '2025-07-10' } } });
  tokens.township = (await userToken(server, 'fd-round-town', 'family-doctor', TOWN_1)).token;
  tokens.vdA = (await userToken(server, 'vd-round-a', 'village-doctor', VILLAGE_A)).token;
  tokens.vdB = (await userToken(server, 'vd-round-b', 'village-doctor', VILLAGE_B)).token;
  tokens.admin = (await userToken(server, 'bureau-round', 'district-admin', '330109')).token;
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('round plan', () => {
  it("plans the township doctor's own township: villages by urgent + overdue residents, residents urgent → overdue → due → refill", async () => {
    const res = await api(`/api/care/rounds/plan?date=${TODAY}`, tokens.township);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ team: TOWN_1, date: TODAY, truncated: false });
    expect(res.body.villages.map((v: { orgUnit: string; name: string }) => [v.orgUnit, v.name])).toEqual([[VILLAGE_A, '甲村'], [VILLAGE_B, '乙村']]);
    const [a, b] = res.body.villages;
    expect(a.residents.map((r: { resident: string; priority: string }) => [r.resident, r.priority])).toEqual([[ids.urgent, 'urgent'], [ids.overdue, 'overdue']]);
    expect(b.residents.map((r: { resident: string; priority: string }) => [r.resident, r.priority])).toEqual([[ids.due, 'due'], [ids.refill, 'refill']]);
    expect(a.counts).toEqual({ residents: 2, urgent: 1, overdue: 1, due: 0, riskTasks: 0, refills: 0 });
    expect(b.counts).toEqual({ residents: 2, urgent: 0, overdue: 0, due: 1, riskTasks: 1, refills: 1 });
    expect(b.residents[0].items).toEqual([{ kind: 'due', condition: 'hypertension', nextDue: '2025-06-21' }, { kind: 'risk-task', task: ids.task, code: 'statin-counselling', reason: null, due: '2025-07-10' }]);
    expect(a.residents[1].items[0]).toMatchObject({ kind: 'overdue', nextDue: '2025-03-15', daysOverdue: 97 });
    expect(b.residents[1]).toMatchObject({ conditions: ['hypertension'], items: [{ kind: 'refill', drug: 'C08CA01', due: '2025-05-01', refill: 'refill' }] });
    expect(res.body.totals).toEqual({ villages: 2, residents: 4, urgent: 1, overdue: 1, due: 1, riskTasks: 1, refills: 1 });
    // The other township's overdue resident is not in this team's plan.
    expect(JSON.stringify(res.body)).not.toContain(ids.otherTown);
  });

  it("limits a village doctor to their village, in SQL: their own team by default, 403 for the township", async () => {
    const own = await api(`/api/care/rounds/plan?date=${TODAY}`, tokens.vdB);
    expect(own.status).toBe(200);
    expect(own.body.team).toBe(VILLAGE_B);
    expect(own.body.villages.map((v: { orgUnit: string }) => v.orgUnit)).toEqual([VILLAGE_B]);
    const town = await api(`/api/care/rounds/plan?team=${TOWN_1}&date=${TODAY}`, tokens.vdB);
    expect(town.status).toBe(403);
    expect(town.body.resourceType).toBe('OperationOutcome');
  });

  it('refuses bad input with the field named, and roles that read no patients', async () => {
    const badTeam = await api('/api/care/rounds/plan?team=33', tokens.township);
    expect(badTeam.status).toBe(400);
    expect(badTeam.body.issue[0].expression).toEqual(['team']);
    const badDate = await api(`/api/care/rounds/plan?team=${TOWN_1}&date=20-06-2025`, tokens.township);
    expect(badDate.status).toBe(400);
    expect(badDate.body.issue[0].expression).toEqual(['date']);
    const noTeam = await api('/api/care/rounds/plan', tokens.admin);
    expect(noTeam.status).toBe(400);
    const admin = await api(`/api/care/rounds/plan?team=${TOWN_1}`, tokens.admin);
    expect(admin.status).toBe(403);
    expect((await api('/api/care/rounds/plan', '')).status).toBe(401);
  });
});

describe('offline capture sync', () => {
  const batch: ReturnType<typeof visit>[] = [];
  let first: { results: Record<string, unknown>[] };

  it('records the visits of a batch built offline, one result per record, and rejects a bad one without writing it', async () => {
    batch.push(visit(ids.overdue, { systolic: 138, diastolic: 85 }), visit(ids.due, { systolic: 128, diastolic: 79 }), visit(ids.urgent, { systolic: 300, diastolic: 20 }));
    const before = { overdue: await encounters(ids.overdue), due: await encounters(ids.due), urgent: await encounters(ids.urgent) };
    const res = await sync(tokens.township, batch);
    expect(res.status).toBe(200);
    accounted(batch, res.body);
    expect(res.body.counts).toEqual({ created: 2, duplicate: 0, rejected: 1 });
    expect(res.body.results[0]).toMatchObject({ status: 'created', patient: ids.overdue, recordedAt: '2025-06-19T17:30:00.000Z', receivedAt: NOW.toISOString() });
    expect(res.body.results[2]).toMatchObject({ status: 'rejected', httpStatus: 400, retry: false });
    expect(res.body.results[2].outcome.issue[0].expression).toEqual(['records[2].followUp.bp.diastolic']);
    expect({ overdue: await encounters(ids.overdue), due: await encounters(ids.due), urgent: await encounters(ids.urgent) }).toEqual({ overdue: before.overdue + 1, due: before.due + 1, urgent: before.urgent });
    expect(await syncRows()).toBe(2);
    first = res.body;
    // The registry moved with the record: the overdue resident is followed up today and off the overdue list.
    const registry = await api(`/api/chronic/registry/${ids.overdue}`, tokens.township);
    expect(registry.body.rows[0]).toMatchObject({ lastFollowUp: TODAY, nextDue: '2025-09-18' });
    const plan = await api(`/api/care/rounds/plan?date=${TODAY}`, tokens.township);
    expect(JSON.stringify(plan.body)).not.toContain(ids.overdue);
  });

  it('replays the same batch twice: duplicates with the same results, nothing new written', async () => {
    const counts = { overdue: await encounters(ids.overdue), due: await encounters(ids.due), observations: (await fhirFetch(`${server.fhir}/Observation?_summary=count`)).body.total };
    for (let i = 0; i < 2; i++) {
      const res = await sync(tokens.township, batch);
      expect(res.status).toBe(200);
      accounted(batch, res.body);
      expect(res.body.counts).toEqual({ created: 0, duplicate: 2, rejected: 1 });
      for (const k of [0, 1]) expect(res.body.results[k]).toEqual({ ...first.results[k], status: 'duplicate' });
      expect(res.body.results[2]).toEqual(first.results[2]);
    }
    expect({ overdue: await encounters(ids.overdue), due: await encounters(ids.due), observations: (await fhirFetch(`${server.fhir}/Observation?_summary=count`)).body.total }).toEqual(counts);
    expect(await syncRows()).toBe(2);
  });

  it('after a conflicting edit (same client id, other payload) answers 409 and keeps the first; a different visit by someone else meanwhile is kept too', async () => {
    const original = first.results[0] as { encounter: string; observations: string[] };
    // Meanwhile the village doctor records another visit of the same patient on their own device.
    const theirs = visit(ids.overdue, { systolic: 132, diastolic: 84 }, '2025-06-20T09:00:00+08:00');
    const other = await sync(tokens.vdA, [theirs]);
    expect(other.body.counts).toEqual({ created: 1, duplicate: 0, rejected: 0 });
    const before = await encounters(ids.overdue);
    // The first device edited its queued record after it had synced, and sends it again under the same id; and a new visit.
    const edited = { ...batch[0], followUp: { ...batch[0].followUp, bp: { systolic: 142, diastolic: 88 } } };
    const another = visit(ids.overdue, { systolic: 135, diastolic: 82 }, '2025-06-20T10:00:00+08:00');
    const res = await sync(tokens.township, [edited, another]);
    accounted([edited, another], res.body);
    expect(res.body.results[0]).toMatchObject({ status: 'rejected', httpStatus: 409, retry: false });
    expect(res.body.results[0].outcome.issue[0]).toMatchObject({ code: 'conflict', expression: ['records[0].clientId'] });
    expect(res.body.results[1].status).toBe('created');
    expect(await encounters(ids.overdue)).toBe(before + 1);
    // The first record is intact: its BP reading still says 138/85.
    const bp = await fhirFetch(`${server.fhir}/Observation/${original.observations[0]}`);
    expect(bp.body.component.map((c: { valueQuantity: { value: number } }) => c.valueQuantity.value)).toEqual([138, 85]);
    expect((await fhirFetch(`${server.fhir}/Encounter/${original.encounter}`)).body.meta.versionId).toBe('1');
    // Another user sending the first device's record (same id, same payload) is a conflict, not a duplicate.
    const stolen = await sync(tokens.vdA, [batch[0]]);
    expect(stolen.body.results[0]).toMatchObject({ status: 'rejected', httpStatus: 409 });
    // Every visit of the patient from the three devices is there: the first, the other user's, the new one.
    const all = await fhirFetch(`${server.fhir}/Observation?subject=Patient/${ids.overdue}&date=${TODAY}`);
    const readings = all.body.entry.map((e: { resource: { component: { valueQuantity: { value: number } }[] } }) => e.resource.component[0].valueQuantity.value).sort();
    expect(readings).toEqual([132, 135, 138]);
    expect(await syncRows()).toBe(4);
  });

  it('two syncs of one new record at once write it once', async () => {
    const record = visit(ids.due, { systolic: 124, diastolic: 76 }, '2025-06-20T09:45:00+08:00');
    const before = await encounters(ids.due);
    const answers = await Promise.all([sync(tokens.township, [record]), sync(tokens.township, [record])]);
    expect(answers.map((a) => a.body.results[0].status).sort()).toEqual(['created', 'duplicate']);
    expect(answers[0].body.results[0].encounter).toBe(answers[1].body.results[0].encounter);
    expect(await encounters(ids.due)).toBe(before + 1);
  });

  it('rejects, and keeps nothing of, a visit outside the sender’s scope; refuses a bad envelope whole', async () => {
    const before = await encounters(ids.overdue);
    const record = visit(ids.overdue, { systolic: 130, diastolic: 80 });
    const res = await sync(tokens.vdB, [record, { ...visit(ids.due, { systolic: 120, diastolic: 70 }), clientId: 'not-a-uuid' }, { ...visit(ids.due, { systolic: 120, diastolic: 70 }), recordedAt: '2025-06-21T12:00:00Z' }]);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string; httpStatus?: number }) => [r.status, r.httpStatus])).toEqual([['rejected', 403], ['rejected', 400], ['rejected', 400]]);
    expect(res.body.results[1].outcome.issue[0].expression).toEqual(['records[1].clientId']);
    expect(res.body.results[2].outcome.issue[0].expression).toEqual(['records[2].recordedAt']);
    expect(await encounters(ids.overdue)).toBe(before);
    // The rejected record was not remembered: sent later by a user who may record it, it is created.
    const later = await sync(tokens.vdA, [record]);
    expect(later.body.results[0].status).toBe('created');
    expect((await api('/api/care/rounds/sync', tokens.township, { method: 'POST', body: { records: [] } })).status).toBe(400);
    const tooMany = await api('/api/care/rounds/sync', tokens.township, { method: 'POST', body: { records: Array.from({ length: 201 }, () => record) } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.issue[0].expression).toEqual(['records']);
    expect((await api('/api/care/rounds/sync', tokens.township, { method: 'POST', body: {} })).status).toBe(400);
  });
});

describe('mobile-round coverage', () => {
  it("counts, per team and month, the residents on a plan who were visited within the plan's week", async () => {
    const res = await api(`/api/indicators/rounds?orgUnit=${TOWN_1}&from=2025-06&to=2025-06`, tokens.admin);
    expect(res.status).toBe(200);
    // Township plan of 20 June: urgent, overdue, due, refill; visited by 26 June: overdue and due (synced from the round).
    // The urgent resident's follow-up of 15 June is before the plan's week; the refill resident was not visited.
    // Village B's own plan: due and refill; the due resident was visited.
    expect(res.body.rows).toEqual([
      { team: TOWN_1, month: '2025-06', planned: 4, visited: 2, capturedOnRound: 2, coverage: 0.5 },
      { team: VILLAGE_B, month: '2025-06', planned: 2, visited: 1, capturedOnRound: 1, coverage: 0.5 },
    ]);
    const before = await api(`/api/indicators/rounds?orgUnit=${TOWN_1}&from=2025-01&to=2025-05`, tokens.admin);
    expect(before.body.rows).toEqual([]);
    expect((await api(`/api/indicators/rounds?orgUnit=${TOWN_1}`, tokens.vdB)).status).toBe(403);
    const bad = await api(`/api/indicators/rounds?orgUnit=${TOWN_1}&from=2025-13`, tokens.admin);
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].expression).toEqual(['from']);
  });
});
