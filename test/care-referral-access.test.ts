/**
 * Referral-based read scope (issues 8 and 10) and referral notifications, over the HTTP API: a
 * specialist of the district hospital, bound to the hospital's own org unit (outside the patient's
 * village), sees the referral addressed to it but not the record until it accepts; then read,
 * search, $everything and history all reach the patient and the Patients linked to the same golden
 * person; 14 days after the return check the record closes again. A specialist of another centre
 * never gets in. Every step leaves a Communication for the other side only.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACILITY_TYPE_SYSTEM, ORG_UNIT_EXTENSION, RESIDENT_ID_SYSTEM } from '../src/foundation/fhir/index.js';
import { generateResidentId } from '../src/foundation/mpi/index.js';
import { BatchImporter } from '../src/foundation/ingest/index.js';
import { seedDemoReferrals } from '../src/care/index.js';
import { createStore } from '../src/server/modules.js';
import { simulateDistrict } from '../src/simulate/index.js';
import { freshDatabase } from './helpers/database.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';

const VILLAGE_A = '330109001001';
const VILLAGE_B = '330109002001';
const HOSPITAL_UNIT = '330109H01'; // the hospital's own unit under the district, not above any village
const CENTRE_UNIT = '330109H02';
const START = new Date('2025-06-02T01:00:00Z');
let now = START;
const advanceDays = (days: number) => (now = new Date(now.getTime() + days * 86_400_000));

let server: TestServer;
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};

const api = (path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
  fhirFetch(`${server.url}${path}`, { ...init, token, headers: init.body !== undefined ? { 'content-type': 'application/json' } : {} });
const fhir = (path: string, token: string, init: { method?: string; body?: unknown } = {}) => fhirFetch(`${server.fhir}${path}`, { ...init, token });
const post = async (resource: Record<string, unknown>) => {
  const res = await fhirFetch(`${server.fhir}/${resource.resourceType as string}`, { method: 'POST', body: resource });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const facility = (name: string, type: string, orgUnit: string) => ({
  resourceType: 'Organization', name, active: true,
  extension: [{ url: ORG_UNIT_EXTENSION, valueCode: orgUnit }],
  type: [{ coding: [{ system: FACILITY_TYPE_SYSTEM, code: type }] }],
});
const residentNo = generateResidentId({ regionCode: '330109', birthDate: '1956-04-01', sequence: 17, sex: 'male' });
const patient = (village: string, name: string) => ({
  resourceType: 'Patient', gender: 'male', birthDate: '1956-04-01', name: [{ text: name }],
  identifier: [{ system: RESIDENT_ID_SYSTEM, value: residentNo }],
  extension: [{ url: ORG_UNIT_EXTENSION, valueCode: village }],
});
const observation = (patientId: string, value: number) => ({
  resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
  subject: { reference: `Patient/${patientId}` }, valueQuantity: { value, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
});
const move = (token: string, body: Record<string, unknown>) => api(`/api/referrals/${ids.referral}/$transition`, token, { method: 'POST', body });
const notes = async (token: string) => (await api('/api/referrals/notifications', token)).body as { entries: { state: string; from: string; to: string; text: string; referral: string }[] };

/** What the hospital specialist gets for the patient's record: read, search, $everything, history, linked Patient. */
async function recordSeenBy(token: string) {
  return {
    read: (await fhir(`/Patient/${ids.p1}`, token)).status,
    history: (await fhir(`/Patient/${ids.p1}/_history`, token)).status,
    everything: (await fhir(`/Patient/${ids.p1}/$everything`, token)).status,
    observations: (await fhir(`/Observation?subject=Patient/${ids.p1}`, token)).body.total as number,
    linked: (await fhir(`/Patient/${ids.p1dup}`, token)).status,
  };
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => now, accessTokenSeconds: 120 * 86_400 });
  ids.clinicA = await post(facility('A 村卫生室', 'village-clinic', VILLAGE_A));
  ids.hospital = await post(facility('区人民医院', 'district-hospital', HOSPITAL_UNIT));
  ids.centre = await post(facility('区胸痛中心', 'specialised-centre', CENTRE_UNIT));
  ids.p1 = await post(patient(VILLAGE_A, '陈国强'));
  // The same man registered again at a village of another town: the MPI links both to one golden person.
  ids.p1dup = await post(patient(VILLAGE_B, '陈国强'));
  ids.obs = await post(observation(ids.p1, 168));
  ids.obsDup = await post(observation(ids.p1dup, 172));
  tokens.vdA = (await userToken(server, 'vd-acc-a', 'village-doctor', VILLAGE_A)).token;
  tokens.specialist = (await userToken(server, 'sp-hospital', 'specialist', HOSPITAL_UNIT)).token;
  tokens.centre = (await userToken(server, 'sp-centre', 'specialist', CENTRE_UNIT)).token;
  tokens.pharmacist = (await userToken(server, 'ph-hospital', 'pharmacist', HOSPITAL_UNIT)).token;
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('before acceptance', () => {
  it('the MPI links the two registrations (precondition of the golden-id check)', async () => {
    const link = await sql<{ person_id: string }>`SELECT person_id FROM mpi_link WHERE patient_id IN (${ids.p1}, ${ids.p1dup})`.execute(server.database.db);
    expect(link.rows).toHaveLength(2);
    expect(link.rows[0].person_id).toBe(link.rows[1].person_id);
  });

  it('the receiver sees the referral addressed to it, but the record is 403', async () => {
    const res = await api('/api/referrals', tokens.vdA, { method: 'POST', body: { patient: ids.p1, requester: ids.clinicA, performer: ids.hospital, priority: 'urgent', reason: { code: 'I21.9', display: '急性心肌梗死' } } });
    expect(res.status).toBe(201);
    ids.referral = res.body.id;
    const inbox = await api('/api/referrals/inbox', tokens.specialist);
    expect(inbox.body.rows.map((r: { id: string }) => r.id)).toEqual([ids.referral]);
    expect((await api(`/api/referrals/${ids.referral}`, tokens.specialist)).status).toBe(200);
    expect(await recordSeenBy(tokens.specialist)).toEqual({ read: 403, history: 403, everything: 403, observations: 0, linked: 403 });
    // Another centre: neither the referral nor the record.
    expect((await api(`/api/referrals/${ids.referral}`, tokens.centre)).status).toBe(403);
    expect((await api('/api/referrals/inbox', tokens.centre)).body.total).toBe(0);
  });

  it('the request notifies the receiving hospital only', async () => {
    const hospital = await notes(tokens.specialist);
    expect(hospital.entries).toHaveLength(1);
    expect(hospital.entries[0]).toMatchObject({ state: 'requested', from: ids.clinicA, to: ids.hospital, referral: ids.referral });
    expect(hospital.entries[0].text).toContain('A 村卫生室 (vd-acc-a)');
    expect((await notes(tokens.vdA)).entries).toHaveLength(0);
    expect((await notes(tokens.centre)).entries).toHaveLength(0);
  });
});

describe('after acceptance', () => {
  it('the hospital specialist accepts and then reads, searches, gets $everything and history, across the golden id', async () => {
    now = new Date(START.getTime() + 3_600_000);
    const ok = await move(tokens.specialist, { to: 'accepted', note: 'cath lab ready' });
    expect(ok.status).toBe(200);
    expect(await recordSeenBy(tokens.specialist)).toEqual({ read: 200, history: 200, everything: 200, observations: 1, linked: 200 });
    const everything = await fhir(`/Patient/${ids.p1}/$everything`, tokens.specialist);
    const found = everything.body.entry.map((e: { resource: { resourceType: string; id: string } }) => `${e.resource.resourceType}/${e.resource.id}`);
    expect(found).toEqual(expect.arrayContaining([`Patient/${ids.p1}`, `Observation/${ids.obs}`, `ServiceRequest/${ids.referral}`]));
    expect((await fhir(`/Observation/${ids.obsDup}`, tokens.specialist)).status).toBe(200);
    // The other centre and a non-clinical role of the same hospital stay outside.
    expect(await recordSeenBy(tokens.centre)).toEqual({ read: 403, history: 403, everything: 403, observations: 0, linked: 403 });
    expect((await fhir(`/Patient/${ids.p1}`, tokens.pharmacist)).status).toBe(403);
  });

  it('reads through the relationship are audited', async () => {
    // Read audits are buffered and flushed within a moment (src/foundation/fhir/audit.ts).
    let n = 0;
    for (let i = 0; i < 30 && n === 0; i++) {
      const rows = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log WHERE actor = 'sp-hospital' AND resource_type = 'Patient' AND resource_id = ${ids.p1} AND action = 'read' AND outcome = 'success'`.execute(server.database.db);
      n = Number(rows.rows[0].n);
      if (n === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(n).toBeGreaterThan(0);
  });

  it('the receiver records care for the patient, but may not change the Patient itself', async () => {
    const created = await fhir('/Observation', tokens.specialist, { method: 'POST', body: observation(ids.p1, 142) });
    expect(created.status).toBe(201);
    const current = (await fhir(`/Patient/${ids.p1}`, tokens.specialist)).body;
    const moved = await fhir(`/Patient/${ids.p1}`, tokens.specialist, { method: 'PUT', body: { ...current, extension: [{ url: ORG_UNIT_EXTENSION, valueCode: HOSPITAL_UNIT }] } });
    expect(moved.status).toBe(403);
  });

  it('acceptance notifies the sending clinic only', async () => {
    const clinic = await notes(tokens.vdA);
    expect(clinic.entries.map((e) => e.state)).toEqual(['accepted']);
    expect(clinic.entries[0]).toMatchObject({ from: ids.hospital, to: ids.clinicA });
    expect(clinic.entries[0].text).toBe('accepted by 区人民医院 (sp-hospital): cath lab ready');
    expect((await notes(tokens.specialist)).entries.map((e) => e.state)).toEqual(['requested']);
    // The notification is a FHIR Communication in the store.
    const comm = await fhirFetch(`${server.fhir}/Communication?recipient=Organization/${ids.clinicA}`);
    expect(comm.body.entry[0].resource).toMatchObject({ status: 'completed', category: [{ coding: [{ code: 'notification' }] }], about: [{ reference: `ServiceRequest/${ids.referral}` }], subject: { reference: `Patient/${ids.p1}` } });
  });
});

describe('after the referral ends', () => {
  it('returned with a care plan, closed: still readable within 14 days of the close, 403 after', async () => {
    advanceDays(0.01);
    expect((await move(tokens.specialist, { to: 'scheduled', appointment: '2025-06-02T12:00:00+08:00' })).status).toBe(200);
    advanceDays(0.01);
    expect((await move(tokens.specialist, { to: 'seen' })).status).toBe(200);
    advanceDays(3);
    const returned = await move(tokens.specialist, { to: 'returned', carePlan: { description: 'dual antiplatelet 12 months', activities: ['aspirin 100 mg daily'] } });
    expect(returned.status).toBe(200);
    advanceDays(5);
    expect((await move(tokens.vdA, { to: 'closed', note: 'seen at home' })).status).toBe(200);
    advanceDays(13);
    expect((await recordSeenBy(tokens.specialist)).read).toBe(200);
    advanceDays(2);
    expect(await recordSeenBy(tokens.specialist)).toEqual({ read: 403, history: 403, everything: 403, observations: 0, linked: 403 });
    // The referral itself stays with its receiver.
    expect((await api(`/api/referrals/${ids.referral}`, tokens.specialist)).status).toBe(200);
  });

  it('every step was notified to the other side, in order', async () => {
    expect((await notes(tokens.specialist)).entries.map((e) => e.state)).toEqual(['closed', 'requested']);
    expect((await notes(tokens.vdA)).entries.map((e) => e.state)).toEqual(['returned', 'seen', 'scheduled', 'accepted']);
    const since = (await api(`/api/referrals/notifications?since=${encodeURIComponent(new Date(START.getTime() + 3_600_000).toISOString())}`, tokens.vdA)).body;
    expect(since.entries.map((e: { state: string }) => e.state)).toEqual(['scheduled', 'seen', 'returned']);
    expect((await api('/api/referrals/notifications?_count=0', tokens.vdA)).status).toBe(400);
  });

  it('a cancellation after acceptance ends the relationship at once', async () => {
    const res = await api('/api/referrals', tokens.vdA, { method: 'POST', body: { patient: ids.p1, requester: ids.clinicA, performer: ids.hospital, reason: { text: 'chest pain again' } } });
    const id = res.body.id as string;
    expect((await api(`/api/referrals/${id}/$transition`, tokens.specialist, { method: 'POST', body: { to: 'accepted' } })).status).toBe(200);
    expect((await fhir(`/Patient/${ids.p1}`, tokens.specialist)).status).toBe(200);
    expect((await api(`/api/referrals/${id}/$transition`, tokens.vdA, { method: 'POST', body: { to: 'cancelled', note: 'pain resolved' } })).status).toBe(200);
    expect((await fhir(`/Patient/${ids.p1}`, tokens.specialist)).status).toBe(403);
  });
});

describe('demo district referrals', () => {
  it('seeds referrals in every kind of state through the service: projection, relationships and notifications right', async () => {
    const database = await freshDatabase();
    try {
      const { store, audit } = createStore(database.db);
      const importer = new BatchImporter(store, { actor: 'system:test-seed' }, { batchSize: 500 });
      await simulateDistrict({ residents: 400, years: 1, seed: 11 }, { resource: (r) => importer.add(r, `${r.resourceType}/${r.id}`), truth: () => undefined });
      await importer.finish();
      const at = new Date('2026-03-01T02:00:00Z');
      expect(await seedDemoReferrals(store, at)).toBe(7);
      const rows = await sql<{ status: string; direction: string; overdue: boolean; relationship: string | null }>`
        SELECT c.status, c.direction,
          (c.status IN ('requested', 'accepted', 'scheduled') AND c.seen_due_at < ${at}) OR (c.status = 'returned' AND c.return_due_at < ${at}) AS overdue,
          (SELECT coalesce(valid_until::text, 'open') FROM access_care_relationship a WHERE a.source = 'ServiceRequest/' || c.referral_id) AS relationship
        FROM care_referral c ORDER BY c.requested_at`.execute(database.db);
      expect(rows.rows.map((r) => r.status)).toEqual(['closed', 'returned', 'rejected', 'scheduled', 'accepted', 'requested', 'requested']);
      expect(rows.rows.map((r) => r.direction)).toEqual(['up', 'up', 'up', 'up', 'up', 'down', 'up']);
      // The urgent referral accepted two days ago and not seen is overdue; the closed one keeps its relationship 14 more days.
      expect(rows.rows.filter((r) => r.overdue).map((r) => r.status)).toEqual(['accepted']);
      expect(rows.rows.map((r) => r.relationship === null ? 'none' : r.relationship === 'open' ? 'open' : 'ends')).toEqual(['ends', 'open', 'none', 'open', 'open', 'none', 'none']);
      const plans = await sql<{ n: string }>`SELECT count(*) AS n FROM fhir_resource WHERE resource_type = 'CarePlan'`.execute(database.db);
      expect(Number(plans.rows[0].n)).toBe(3); // two returns and the down-referral
      // One Communication per request and per step: 7 requests + 5 + 4 + 1 + 2 + 1 steps.
      const comms = await sql<{ n: string }>`SELECT count(*) AS n FROM fhir_resource WHERE resource_type = 'Communication'`.execute(database.db);
      expect(Number(comms.rows[0].n)).toBe(20);
      await store.settle();
      await audit.close();
    } finally {
      await database.drop();
    }
  }, 300_000);
});
