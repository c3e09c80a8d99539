/**
 * Two-way referral end to end over the HTTP API: a referral up (village clinic → district hospital)
 * walked through every state with who/when, refused transitions (409, nothing changed), the wrong
 * side (403), a referral down with its care plan, inbox/outbox scoping (a village doctor of another
 * village sees nothing), SLA overdue flags on a moving clock, and the indicators.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACILITY_TYPE_SYSTEM, ORG_UNIT_EXTENSION } from '../src/foundation/fhir/index.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';

const DISTRICT = '330109';
const TOWN_1 = '330109001';
const VILLAGE_A = '330109001001';
const VILLAGE_B = '330109002001';
const START = new Date('2025-06-02T01:00:00Z'); // 09:00 in Hangzhou
let now = START;
const advanceHours = (hours: number) => (now = new Date(now.getTime() + hours * 3_600_000));

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
const facility = (name: string, type: string, orgUnit: string) => ({
  resourceType: 'Organization',
  name,
  active: true,
  extension: [{ url: ORG_UNIT_EXTENSION, valueCode: orgUnit }],
  type: [{ coding: [{ system: FACILITY_TYPE_SYSTEM, code: type }] }],
});
const patient = (village: string) => ({ resourceType: 'Patient', gender: 'male', birthDate: '1956-04-01', extension: [{ url: ORG_UNIT_EXTENSION, valueCode: village }] });
const move = (id: string, token: string, body: Record<string, unknown>) => api(`/api/referrals/${id}/$transition`, token, { method: 'POST', body });
/** What must not change when a transition is refused: the Task's version, the row, the history. */
const snapshot = async (id: string) => {
  const one = await api(`/api/referrals/${id}`, tokens.platform);
  return { status: one.body.status, version: one.body.resources.task.meta.versionId, history: one.body.history.length, srVersion: one.body.resources.serviceRequest.meta.versionId };
};

beforeAll(async () => {
  server = await startTestServer({ clock: () => now, accessTokenSeconds: 120 * 86_400 });
  tokens.platform = server.token;
  ids.clinicA = await post(facility('A 村卫生室', 'village-clinic', VILLAGE_A));
  ids.clinicB = await post(facility('B 村卫生室', 'village-clinic', VILLAGE_B));
  ids.township = await post(facility('一镇卫生院', 'township-centre', TOWN_1));
  ids.hospital = await post(facility('区人民医院', 'district-hospital', DISTRICT));
  ids.p1 = await post(patient(VILLAGE_A));
  ids.p2 = await post(patient(VILLAGE_A));
  ids.p3 = await post(patient(VILLAGE_A));
  tokens.vdA = (await userToken(server, 'vd-ref-a', 'village-doctor', VILLAGE_A)).token;
  tokens.vdB = (await userToken(server, 'vd-ref-b', 'village-doctor', VILLAGE_B)).token;
  tokens.hospital = (await userToken(server, 'dr-hospital', 'clinician', DISTRICT)).token;
  tokens.township = (await userToken(server, 'dr-township', 'clinician', TOWN_1)).token;
  tokens.admin = (await userToken(server, 'bureau-ref', 'district-admin', DISTRICT)).token;
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('referral up: village clinic → district hospital', () => {
  it('creates the ServiceRequest and its Task through the store; direction up from the levels', async () => {
    const res = await api('/api/referrals', tokens.vdA, {
      method: 'POST',
      body: { patient: ids.p1, requester: ids.clinicA, performer: ids.hospital, priority: 'urgent', reason: { code: 'I63.9', display: '脑梗死' }, note: 'right-sided weakness since this morning' },
    });
    expect(res.status).toBe(201);
    ids.up = res.body.id;
    expect(res.body).toMatchObject({ direction: 'up', priority: 'urgent', status: 'requested', patient: ids.p1, next: ['accepted', 'rejected', 'cancelled'] });
    expect(res.body.requester).toMatchObject({ id: ids.clinicA, level: 1, orgUnit: VILLAGE_A });
    expect(res.body.performer).toMatchObject({ id: ids.hospital, level: 3 });
    expect(res.body.sla.seen).toEqual({ due: '2025-06-03T01:00:00.000Z', met: null, overdue: false });
    expect(res.body.history).toEqual([{ seq: 1, from: null, to: 'requested', by: 'vd-ref-a', at: START.toISOString(), note: 'right-sided weakness since this morning' }]);
    const sr = await fhirFetch(`${server.fhir}/ServiceRequest/${ids.up}`);
    expect(sr.body).toMatchObject({ status: 'active', intent: 'order', priority: 'urgent', category: [{ coding: [{ code: '3457005' }] }], requester: { reference: `Organization/${ids.clinicA}` }, performer: [{ reference: `Organization/${ids.hospital}` }] });
    const task = await fhirFetch(`${server.fhir}/Task?focus=ServiceRequest/${ids.up}`);
    expect(task.body.entry).toHaveLength(1);
    expect(task.body.entry[0].resource).toMatchObject({ status: 'requested', businessStatus: { coding: [{ code: 'requested' }] }, for: { reference: `Patient/${ids.p1}` } });
    // Patient-owned like every clinical row: golden id and org unit of the resident.
    const owner = await sql<{ resident_id: string; org_unit: string }>`SELECT resident_id, org_unit FROM care_referral WHERE referral_id = ${ids.up}`.execute(server.database.db);
    expect(owner.rows[0].org_unit).toBe(VILLAGE_A);
    expect(owner.rows[0].resident_id).toBeTruthy();
  });

  it('the sender cannot accept its own referral (403), and nothing changes', async () => {
    const before = await snapshot(ids.up);
    const res = await move(ids.up, tokens.vdA, { to: 'accepted' });
    expect(res.status).toBe(403);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(await snapshot(ids.up)).toEqual(before);
  });

  it('the hospital accepts; accepting twice and closing an unseen referral are 409 with nothing changed', async () => {
    advanceHours(1);
    const ok = await move(ids.up, tokens.hospital, { to: 'accepted', note: 'stroke team informed' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'accepted', acceptedAt: now.toISOString() });
    const before = await snapshot(ids.up);
    expect(before).toMatchObject({ status: 'accepted', version: '2', history: 2 });
    const twice = await move(ids.up, tokens.hospital, { to: 'accepted' });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'conflict' }] });
    expect(twice.body.issue[0].details.text).toMatch(/already accepted/);
    const close = await move(ids.up, tokens.vdA, { to: 'closed' });
    expect(close.status).toBe(409);
    expect(close.body.issue[0].details.text).toMatch(/accepted referral cannot become closed/);
    expect(await snapshot(ids.up)).toEqual(before);
    const bad = await move(ids.up, tokens.hospital, { to: 'scheduled' });
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].expression).toEqual(['appointment']);
    expect(await snapshot(ids.up)).toEqual(before);
  });

  it('scheduled but not seen 24 h after the request: overdue in the inbox', async () => {
    const s = await move(ids.up, tokens.hospital, { to: 'scheduled', appointment: '2025-06-03T14:00:00+08:00' });
    expect(s.status).toBe(200);
    expect(s.body.appointmentAt).toBe('2025-06-03T06:00:00.000Z');
    advanceHours(24); // 25 h after the request
    const inbox = await api('/api/referrals/inbox?overdue=true', tokens.hospital);
    expect(inbox.status).toBe(200);
    expect(inbox.body.rows.map((r: { id: string }) => r.id)).toEqual([ids.up]);
    expect(inbox.body.rows[0].sla.seen).toMatchObject({ met: null, overdue: true });
  });

  it('seen, returned with a care plan, closed after the return check by the village doctor', async () => {
    const seen = await move(ids.up, tokens.hospital, { to: 'seen', at: new Date(now.getTime() - 1_800_000).toISOString() });
    expect(seen.status).toBe(200);
    expect(seen.body.sla.seen).toMatchObject({ met: false, overdue: false }); // recorded afterwards: seen 24.5 h after an urgent request
    advanceHours(24 * 5);
    const returned = await move(ids.up, tokens.hospital, { to: 'returned', carePlan: { title: '脑卒中二级预防', description: 'Back to the village clinic', activities: ['BP weekly', 'aspirin 100 mg daily'] } });
    expect(returned.status).toBe(200);
    expect(returned.body.sla.returnCheck).toMatchObject({ met: null, overdue: false });
    const output = returned.body.resources.task.output[0].valueReference.reference as string;
    const plan = await fhirFetch(`${server.fhir}/${output}`);
    expect(plan.body).toMatchObject({ resourceType: 'CarePlan', status: 'active', subject: { reference: `Patient/${ids.p1}` }, activity: [{ detail: { description: 'BP weekly' } }, { detail: { description: 'aspirin 100 mg daily' } }] });
    const outbox = await api('/api/referrals/outbox', tokens.vdA);
    expect(outbox.body.rows.find((r: { id: string }) => r.id === ids.up)).toMatchObject({ status: 'returned', next: ['closed'] });
    advanceHours(24 * 3);
    const closed = await move(ids.up, tokens.vdA, { to: 'closed', note: 'seen at home, BP 138/84' });
    expect(closed.status).toBe(200);
    expect(closed.body.sla.returnCheck).toMatchObject({ met: true, overdue: false });
    expect(closed.body.history.map((h: { to: string; by: string }) => `${h.to}:${h.by}`)).toEqual([
      'requested:vd-ref-a', 'accepted:dr-hospital', 'scheduled:dr-hospital', 'seen:dr-hospital', 'returned:dr-hospital', 'closed:vd-ref-a',
    ]);
    expect(closed.body.resources.serviceRequest.status).toBe('completed');
    // Versioned and audited by the store: one Task version per transition, each write in the audit log.
    const history = await fhirFetch(`${server.fhir}/Task/${closed.body.task}/_history`);
    expect(history.body.total).toBe(6);
    const audit = await sql<{ actor: string; n: string }>`SELECT actor, count(*) AS n FROM audit_log WHERE resource_type = 'Task' AND resource_id = ${closed.body.task} AND action IN ('create', 'update') GROUP BY actor ORDER BY actor`.execute(server.database.db);
    expect(audit.rows.map((r) => [r.actor, Number(r.n)])).toEqual([['dr-hospital', 4], ['vd-ref-a', 2]]);
    const final = await move(ids.up, tokens.vdA, { to: 'cancelled' });
    expect(final.status).toBe(409);
    expect(final.body.issue[0].details.text).toMatch(/closed is final/);
  });
});

describe('referral down and scoping', () => {
  it('a down-referral needs a care plan; with one it goes to the village clinic', async () => {
    const body = { patient: ids.p2, requester: ids.hospital, performer: ids.clinicA, reason: { code: 'I10', text: 'hypertension, stable after admission' } };
    const missing = await api('/api/referrals', tokens.hospital, { method: 'POST', body });
    expect(missing.status).toBe(400);
    expect(missing.body.issue[0].expression).toEqual(['carePlan']);
    const res = await api('/api/referrals', tokens.hospital, { method: 'POST', body: { ...body, carePlan: { description: 'Follow-up every 2 weeks', activities: ['amlodipine 5 mg daily'] } } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ direction: 'down', priority: 'routine', status: 'requested' });
    expect(res.body.resources.serviceRequest.supportingInfo[0].reference).toMatch(/^CarePlan\//);
    ids.down = res.body.id;
  });

  it('inbox and outbox follow the facility org units; a village doctor of another village sees nothing', async () => {
    const inboxA = await api('/api/referrals/inbox', tokens.vdA);
    expect(inboxA.body.rows.map((r: { id: string }) => r.id)).toEqual([ids.down]);
    const outboxA = await api('/api/referrals/outbox', tokens.vdA);
    expect(outboxA.body.rows.map((r: { id: string }) => r.id)).toEqual([ids.up]);
    const outboxH = await api('/api/referrals/outbox?facility=' + ids.hospital, tokens.hospital);
    expect(outboxH.body.rows.map((r: { id: string }) => r.id)).toEqual([ids.down]);
    for (const box of ['inbox', 'outbox']) {
      const b = await api(`/api/referrals/${box}`, tokens.vdB);
      expect(b.status).toBe(200);
      expect(b.body).toMatchObject({ total: 0, rows: [] });
    }
    expect((await api(`/api/referrals/${ids.down}`, tokens.vdB)).status).toBe(403);
    const before = await snapshot(ids.down);
    expect((await move(ids.down, tokens.vdB, { to: 'accepted' })).status).toBe(403);
    expect(await snapshot(ids.down)).toEqual(before);
    // The bureau sees aggregates, never referral lists.
    expect((await api('/api/referrals/inbox', tokens.admin)).status).toBe(403);
  });

  it('the receiving village accepts, the sending hospital cancels, later steps are 409', async () => {
    expect((await move(ids.down, tokens.vdA, { to: 'accepted' })).status).toBe(200);
    const cancelled = await move(ids.down, tokens.hospital, { to: 'cancelled', note: 'patient moved to another district' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.resources.serviceRequest.status).toBe('revoked');
    expect(cancelled.body.resources.task.statusReason.text).toBe('patient moved to another district');
    expect(cancelled.body.sla.seen).toBeNull();
    const late = await move(ids.down, tokens.vdA, { to: 'scheduled', appointment: '2025-06-20T09:00:00+08:00' });
    expect(late.status).toBe(409);
  });

  it('a routine referral to the township centre, rejected by it', async () => {
    const res = await api('/api/referrals', tokens.vdA, { method: 'POST', body: { patient: ids.p3, requester: ids.clinicA, performer: ids.township, reason: { text: 'persistent cough' } } });
    expect(res.status).toBe(201);
    ids.routine = res.body.id;
    expect(res.body.direction).toBe('up');
    const rejected = await move(ids.routine, tokens.township, { to: 'rejected', note: 'treat at the village clinic first' });
    expect(rejected.body).toMatchObject({ status: 'rejected', next: [] });
  });
});

describe('concurrency', () => {
  it('two accepts at once: one wins, the other gets 409, one Task version is written', async () => {
    const res = await api('/api/referrals', tokens.vdA, { method: 'POST', body: { patient: ids.p3, requester: ids.clinicA, performer: ids.hospital, reason: { code: 'J18.9' } } });
    ids.race = res.body.id;
    const both = await Promise.all([move(ids.race, tokens.hospital, { to: 'accepted' }), move(ids.race, tokens.platform, { to: 'accepted' })]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await snapshot(ids.race)).toMatchObject({ status: 'accepted', version: '2', history: 2 });
  });
});

describe('indicators', () => {
  it('counts and completion by direction and facility, median time to seen', async () => {
    const res = await api(`/api/indicators/referrals?orgUnit=${DISTRICT}&from=2025-06-01&to=2025-06-30`, tokens.admin);
    expect(res.status).toBe(200);
    // 4 referrals: up (closed, seen 24.5 h after the request), down (cancelled), up (rejected), up (accepted).
    expect(res.body.overall).toMatchObject({ total: 4, accepted: 3, rejected: 1, cancelled: 1, seen: 1, seenWithinSla: 0, closed: 1, completionRate: 1 / 3, medianHoursToSeen: 24.5 });
    expect(res.body.byDirection.map((r: { direction: string; total: number }) => [r.direction, r.total])).toEqual([['down', 1], ['up', 3]]);
    const hospital = res.body.byFacility.find((r: { facility: { id: string } }) => r.facility.id === ids.hospital);
    expect(hospital).toMatchObject({ direction: 'up', total: 2, closed: 1, completionRate: 0.5, facility: { name: '区人民医院' } });
    const sent = await api(`/api/indicators/referrals?orgUnit=${VILLAGE_A}&side=requester&from=2025-06-01&to=2025-06-30`, tokens.vdA);
    expect(sent.body.overall).toMatchObject({ total: 3, closed: 1 });
    expect((await api(`/api/indicators/referrals?orgUnit=${DISTRICT}`, tokens.vdB)).status).toBe(403);
    const empty = await api(`/api/indicators/referrals?orgUnit=${DISTRICT}&from=2024-01-01&to=2024-12-31`, tokens.admin);
    expect(empty.body.overall).toMatchObject({ total: 0, completionRate: null, medianHoursToSeen: null });
  });
});
