/**
 * Village-clinic visits, teleconsultation and the care indicators over the HTTP API (issue 10):
 * a visit writes every resource or none (bad BP → 400 with no Encounter left; a clinic or patient
 * outside the caller's scope → 403, nothing written), an escalation to a referral lands in the
 * receiver's inbox, a teleconsultation asked from a visit lands in the consultant's inbox, every
 * pair of teleconsultation states (allowed: 200; forbidden: 409 with nothing changed; wrong side:
 * 403), turnaround measured, and the indicators equal to counts kept by this test from what it wrote.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACILITY_TYPE_SYSTEM, ORG_UNIT_EXTENSION } from '../src/foundation/fhir/index.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';

const DISTRICT = '330109';
const TOWN_1 = '330109001';
const TOWN_2 = '330109002';
const VILLAGE_A = '330109001001';
const VILLAGE_B = '330109002001';
const START = new Date('2025-06-02T01:00:00Z'); // 09:00 in Hangzhou, June
let now = START;
const advanceMinutes = (m: number) => (now = new Date(now.getTime() + m * 60_000));

let server: TestServer;
const ids: Record<string, string> = {};
const tokens: Record<string, string> = {};
/** What this test wrote, for the independent indicator counts. */
const written = {
  visits: [] as { month: string; village: string; outcome: string }[],
  referrals: [] as { month: string; village: string; direction: string; facility: string; id: string }[],
  teleconsults: [] as { month: string; village: string; id: string; answeredAfter?: number }[],
};
const cstMonth = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);

const api = (path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
  fhirFetch(`${server.url}${path}`, { ...init, token, headers: init.body !== undefined ? { 'content-type': 'application/json' } : {} });
const post = async (resource: Record<string, unknown>) => {
  const res = await fhirFetch(`${server.fhir}/${resource.resourceType as string}`, { method: 'POST', body: resource });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const facility = (name: string, type: string, orgUnit: string) => ({ resourceType: 'Organization', name, active: true, extension: [{ url: ORG_UNIT_EXTENSION, valueCode: orgUnit }], type: [{ coding: [{ system: FACILITY_TYPE_SYSTEM, code: type }] }] });
const patient = (village: string) => ({ resourceType: 'Patient', gender: 'female', birthDate: '1958-03-01', extension: [{ url: ORG_UNIT_EXTENSION, valueCode: village }] });
const resourceCount = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM fhir_resource`.execute(server.database.db)).rows[0].n);
const visit = (body: Record<string, unknown>, token = tokens.vdA) => api('/api/care/visits', token, { method: 'POST', body });
const teleconsult = (body: Record<string, unknown>, token = tokens.vdA) => api('/api/teleconsults', token, { method: 'POST', body });
const move = (id: string, token: string, body: Record<string, unknown>) => api(`/api/teleconsults/${id}/$transition`, token, { method: 'POST', body });
const snapshot = async (id: string) => {
  const one = await api(`/api/teleconsults/${id}`, tokens.platform);
  return { status: one.body.status, version: one.body.resources.task.meta.versionId, communications: one.body.resources.communications.length };
};
const ask = async (question = 'Rash after amoxicillin: stop or switch?') => {
  const res = await teleconsult({ patient: ids.p3, requester: ids.clinicA, consultant: ids.township2, question });
  expect(res.status).toBe(201);
  written.teleconsults.push({ month: cstMonth(now), village: VILLAGE_A, id: res.body.id });
  return res.body.id as string;
};

beforeAll(async () => {
  server = await startTestServer({ clock: () => now, accessTokenSeconds: 120 * 86_400 });
  tokens.platform = server.token;
  ids.clinicA = await post(facility('A 村卫生室', 'village-clinic', VILLAGE_A));
  ids.clinicB = await post(facility('B 村卫生室', 'village-clinic', VILLAGE_B));
  ids.township = await post(facility('一镇卫生院', 'township-centre', TOWN_1));
  ids.township2 = await post(facility('二镇卫生院', 'township-centre', TOWN_2));
  ids.hospital = await post(facility('区人民医院', 'district-hospital', DISTRICT));
  for (const p of ['p1', 'p2', 'p3']) ids[p] = await post(patient(VILLAGE_A));
  ids.pB = await post(patient(VILLAGE_B));
  tokens.vdA = (await userToken(server, 'vd-visit-a', 'village-doctor', VILLAGE_A)).token;
  tokens.vdB = (await userToken(server, 'vd-visit-b', 'village-doctor', VILLAGE_B)).token;
  tokens.township = (await userToken(server, 'dr-tele-township', 'clinician', TOWN_1)).token;
  // Works in the other town: covers neither village A nor its clinic (a grant on town 1 would cover both sides).
  tokens.township2 = (await userToken(server, 'dr-tele-township-2', 'clinician', TOWN_2)).token;
  tokens.hospital = (await userToken(server, 'dr-tele-hospital', 'clinician', DISTRICT)).token;
  tokens.bureau = (await userToken(server, 'bureau-care', 'district-admin', DISTRICT)).token;
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('village-clinic visit', () => {
  it('resolved in the village: Encounter, measurements, diagnosis, prescription and dispense in one call', async () => {
    const res = await visit({
      patient: ids.p1, clinic: ids.clinicA, complaint: 'sore throat, 2 days',
      bp: { systolic: 148, diastolic: 92 }, glucose: { value: 6.1 }, weight: 61.5, temperature: 38.2,
      diagnoses: [{ code: 'J06.9', display: '急性上呼吸道感染' }, { code: 'I10', display: '原发性高血压' }],
      prescriptions: [{ atc: 'J01CA04', name: '阿莫西林胶囊 0.25g', daysSupply: 5, perDay: 3, quantity: 30, dispensed: { quantity: 30 } }, { atc: 'C08CA01', daysSupply: 28, perDay: 1 }],
      outcome: { kind: 'resolved' },
    });
    expect(res.status).toBe(201);
    written.visits.push({ month: cstMonth(now), village: VILLAGE_A, outcome: 'resolved' });
    expect(res.body).toMatchObject({ outcome: { kind: 'resolved' } });
    expect(res.body.observations).toHaveLength(4);
    expect(res.body.conditions).toHaveLength(2);
    expect(res.body.medicationRequests).toHaveLength(2);
    expect(res.body.medicationDispenses).toHaveLength(1);
    const enc = await fhirFetch(`${server.fhir}/Encounter/${res.body.encounter}`);
    expect(enc.body).toMatchObject({ status: 'finished', class: { code: 'AMB' }, serviceProvider: { reference: `Organization/${ids.clinicA}` }, subject: { reference: `Patient/${ids.p1}` } });
    const obs = await fhirFetch(`${server.fhir}/Observation?encounter=Encounter/${res.body.encounter}`);
    const codes = obs.body.entry.map((e: { resource: { code: { coding: { code: string }[] } } }) => e.resource.code.coding[0].code).sort();
    expect(codes).toEqual(['14771-0', '29463-7', '8310-5', '85354-9']);
    const bp = obs.body.entry.find((e: { resource: { code: { coding: { code: string }[] } } }) => e.resource.code.coding[0].code === '85354-9').resource;
    expect(bp.component.map((c: { code: { coding: { code: string }[] }; valueQuantity: { value: number } }) => [c.code.coding[0].code, c.valueQuantity.value])).toEqual([['8480-6', 148], ['8462-4', 92]]);
    const cond = await fhirFetch(`${server.fhir}/Condition?encounter=Encounter/${res.body.encounter}`);
    expect(cond.body.entry.map((e: { resource: { code: { coding: { system: string; code: string }[] } } }) => e.resource.code.coding[0].code).sort()).toEqual(['I10', 'J06.9']);
    expect(cond.body.entry[0].resource.code.coding[0].system).toBe('http://hl7.org/fhir/sid/icd-10');
    const disp = await fhirFetch(`${server.fhir}/MedicationDispense/${res.body.medicationDispenses[0]}`);
    expect(disp.body).toMatchObject({ status: 'completed', authorizingPrescription: [{ reference: `MedicationRequest/${res.body.medicationRequests[0]}` }], quantity: { value: 30 } });
    // The chronic projections see the visit's BP like any other reading.
    const projected = await sql<{ sbp: string }>`SELECT sbp FROM proj_bp WHERE resource_id = ${bp.id}`.execute(server.database.db);
    expect(Number(projected.rows[0].sbp)).toBe(148);
    const row = await sql<{ outcome: string; clinic_org_unit: string; org_unit: string }>`SELECT outcome, clinic_org_unit, org_unit FROM care_visit WHERE encounter_id = ${res.body.encounter}`.execute(server.database.db);
    expect(row.rows).toEqual([{ outcome: 'resolved', clinic_org_unit: VILLAGE_A, org_unit: VILLAGE_A }]);
  });

  it('an implausible BP is 400 naming the field, and nothing is written (no Encounter left)', async () => {
    const before = await resourceCount();
    const encounters = (await fhirFetch(`${server.fhir}/Encounter?subject=Patient/${ids.p2}`)).body.total ?? (await fhirFetch(`${server.fhir}/Encounter?subject=Patient/${ids.p2}`)).body.entry?.length ?? 0;
    const res = await visit({ patient: ids.p2, clinic: ids.clinicA, bp: { systolic: 300, diastolic: 20 }, diagnoses: [{ code: 'I10' }], outcome: { kind: 'resolved' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ expression: ['bp.diastolic'] }] });
    const glucose = await visit({ patient: ids.p2, clinic: ids.clinicA, glucose: { value: 126 }, outcome: { kind: 'resolved' } });
    expect(glucose.status).toBe(400);
    expect(glucose.body.issue[0].details.text).toMatch(/looks like mg\/dL/);
    const temp = await visit({ patient: ids.p2, clinic: ids.clinicA, temperature: 382, outcome: { kind: 'resolved' } });
    expect(temp.body.issue[0].expression).toEqual(['temperature']);
    const noReason = await visit({ patient: ids.p2, clinic: ids.clinicA, outcome: { kind: 'referred', performer: ids.hospital } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.issue[0].expression).toEqual(['outcome.reason']);
    const noPerformer = await visit({ patient: ids.p2, clinic: ids.clinicA, diagnoses: [{ code: 'I10' }], outcome: { kind: 'referred' } });
    expect(noPerformer.body.issue[0].expression).toEqual(['outcome.performer']);
    const noOutcome = await visit({ patient: ids.p2, clinic: ids.clinicA });
    expect(noOutcome.body.issue[0].expression).toEqual(['outcome']);
    const icd = await visit({ patient: ids.p2, clinic: ids.clinicA, diagnoses: [{ code: 'hypertension' }], outcome: { kind: 'resolved' } });
    expect(icd.body.issue[0].expression).toEqual(['diagnoses[0].code']);
    const notAClinic = await visit({ patient: ids.p2, clinic: ids.township, outcome: { kind: 'resolved' } });
    expect(notAClinic.status).toBe(400);
    expect(notAClinic.body.issue[0].expression).toEqual(['clinic']);
    expect(await resourceCount()).toBe(before);
    const after = await fhirFetch(`${server.fhir}/Encounter?subject=Patient/${ids.p2}`);
    expect(after.body.entry ?? []).toHaveLength(encounters);
  });

  it('a clinic or a patient outside the caller\'s scope is 403 and nothing is written', async () => {
    const before = await resourceCount();
    const otherClinic = await visit({ patient: ids.p1, clinic: ids.clinicB, outcome: { kind: 'resolved' } });
    expect(otherClinic.status).toBe(403);
    const otherPatient = await visit({ patient: ids.pB, clinic: ids.clinicA, outcome: { kind: 'resolved' } });
    expect(otherPatient.status).toBe(403);
    const vdB = await visit({ patient: ids.p1, clinic: ids.clinicB, outcome: { kind: 'resolved' } }, tokens.vdB);
    expect(vdB.status).toBe(403);
    expect(await resourceCount()).toBe(before);
  });

  it('referred: the visit and its referral are written together; the referral is in the hospital\'s inbox', async () => {
    advanceMinutes(30);
    const res = await visit({ patient: ids.p2, clinic: ids.clinicA, bp: { systolic: 186, diastolic: 112 }, diagnoses: [{ code: 'I10', display: '原发性高血压' }], outcome: { kind: 'referred', performer: ids.hospital, priority: 'urgent', note: 'BP 186/112 twice' } });
    expect(res.status).toBe(201);
    const referral = res.body.outcome.referral;
    expect(referral).toMatchObject({ direction: 'up', priority: 'urgent', status: 'requested', reason: { code: 'I10' }, requester: { id: ids.clinicA }, performer: { id: ids.hospital } });
    written.visits.push({ month: cstMonth(now), village: VILLAGE_A, outcome: 'referred' });
    written.referrals.push({ month: cstMonth(now), village: VILLAGE_A, direction: 'up', facility: ids.hospital, id: referral.id });
    const inbox = await api('/api/referrals/inbox', tokens.hospital);
    expect(inbox.body.rows.map((r: { id: string }) => r.id)).toContain(referral.id);
    const enc = await fhirFetch(`${server.fhir}/Encounter/${res.body.encounter}`);
    const ext = enc.body.extension[0].extension;
    expect(ext).toEqual([{ url: 'outcome', valueCode: 'referred' }, { url: 'referral', valueReference: { reference: `ServiceRequest/${referral.id}` } }]);
    const row = await sql<{ referral_id: string }>`SELECT referral_id FROM care_visit WHERE encounter_id = ${res.body.encounter}`.execute(server.database.db);
    expect(row.rows[0].referral_id).toBe(referral.id);
  });

  it('teleconsult: the visit asks the township doctor with an attachment; in the township inbox and the clinic outbox', async () => {
    advanceMinutes(30);
    const photo = Buffer.from('not really a jpeg, but bytes').toString('base64');
    const res = await visit({ patient: ids.p1, clinic: ids.clinicA, temperature: 37.4, diagnoses: [{ code: 'L27.0' }], outcome: { kind: 'teleconsult', consultant: ids.township, question: 'Drug rash? photo attached', attachments: [{ contentType: 'image/jpeg', title: 'forearm', data: photo }, { contentType: 'application/pdf', url: 'https://pacs.example.org/studies/1' }] } });
    expect(res.status).toBe(201);
    const tc = res.body.outcome.teleconsult;
    written.visits.push({ month: cstMonth(now), village: VILLAGE_A, outcome: 'teleconsult' });
    written.teleconsults.push({ month: cstMonth(now), village: VILLAGE_A, id: tc.id });
    ids.visitTele = tc.id;
    expect(tc).toMatchObject({ status: 'requested', encounter: res.body.encounter, attachments: 2, consultant: { id: ids.township }, next: ['answered', 'declined', 'cancelled'] });
    const task = tc.resources.task;
    expect(task).toMatchObject({ status: 'requested', focus: { reference: `Encounter/${res.body.encounter}` }, for: { reference: `Patient/${ids.p1}` } });
    const q = tc.resources.communications[0];
    expect(q.payload).toEqual([{ contentString: 'Drug rash? photo attached' }, { contentAttachment: expect.objectContaining({ contentType: 'image/jpeg', data: photo, size: 28 }) }, { contentAttachment: expect.objectContaining({ url: 'https://pacs.example.org/studies/1' }) }]);
    const inbox = await api('/api/teleconsults/inbox', tokens.township);
    expect(inbox.body.rows.map((r: { id: string }) => r.id)).toEqual([tc.id]);
    expect((await api('/api/teleconsults/inbox', tokens.township2)).body.rows).toEqual([]);
    const outbox = await api('/api/teleconsults/outbox', tokens.vdA);
    expect(outbox.body.rows.map((r: { id: string }) => r.id)).toEqual([tc.id]);
    expect((await api('/api/teleconsults/inbox', tokens.vdA)).body.rows).toEqual([]);
    const one = await api(`/api/teleconsults/${tc.id}`, tokens.township);
    expect(one.status).toBe(200);
    // A doctor of the other town reads a request addressed to it, not the patient's record.
    const other = await ask();
    expect((await api(`/api/teleconsults/${other}`, tokens.township2)).status).toBe(200);
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.p3}`, { token: tokens.township2 })).status).toBe(403);
    expect((await api(`/api/teleconsults/${ids.visitTele}`, tokens.township2)).status).toBe(403);
    await move(other, tokens.vdA, { to: 'cancelled' });
  });
});

describe('teleconsultation', () => {
  it('attachments over the size limit, or with both data and url, are 400 naming the field', async () => {
    const before = await resourceCount();
    const big = Buffer.alloc(512 * 1024 + 3).toString('base64');
    const res = await teleconsult({ patient: ids.p3, requester: ids.clinicA, consultant: ids.township, question: 'ECG?', attachments: [{ contentType: 'image/png', data: big }] });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['attachments[0].data']);
    const both = await teleconsult({ patient: ids.p3, requester: ids.clinicA, consultant: ids.township, question: 'ECG?', attachments: [{ contentType: 'image/png', data: 'AAAA', url: 'https://x.example/1' }] });
    expect(both.body.issue[0].expression).toEqual(['attachments[0]']);
    const village = await teleconsult({ patient: ids.p3, requester: ids.clinicA, consultant: ids.clinicB, question: 'ECG?' });
    expect(village.body.issue[0].expression).toEqual(['consultant']);
    expect(await resourceCount()).toBe(before);
  });

  it('turnaround: answered 95 and 40 minutes after the request', async () => {
    advanceMinutes(10);
    const id = ids.visitTele;
    advanceMinutes(85);
    const res = await move(id, tokens.township, { to: 'answered', text: 'Stop amoxicillin; loratadine 10 mg daily; come back if it spreads' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'answered', turnaroundMinutes: 95, next: [] });
    written.teleconsults.find((t) => t.id === id)!.answeredAfter = 95;
    expect(res.body.resources.task).toMatchObject({ status: 'completed', executionPeriod: { end: now.toISOString() } });
    const reply = res.body.resources.communications[1];
    expect(reply).toMatchObject({ inResponseTo: [{ reference: `Communication/${res.body.resources.communications[0].id}` }], sender: { reference: `Organization/${ids.township}` }, payload: [{ contentString: expect.stringMatching(/loratadine/) }] });
    const fresh = await ask();
    advanceMinutes(40);
    const answered = await move(fresh, tokens.township2, { to: 'answered', text: 'switch to azithromycin' });
    expect(answered.body.turnaroundMinutes).toBe(40);
    written.teleconsults.find((t) => t.id === fresh)!.answeredAfter = 40;
    const row = await sql<{ turnaround_minutes: number }>`SELECT turnaround_minutes FROM care_teleconsult WHERE task_id = ${fresh}`.execute(server.database.db);
    expect(row.rows[0].turnaround_minutes).toBe(40);
  });

  const SIDE: Record<string, 'consultant' | 'requester'> = { answered: 'consultant', declined: 'consultant', cancelled: 'requester' };
  const token = (to: string) => (SIDE[to] === 'consultant' ? tokens.township2 : tokens.vdA);
  const bodyFor = (to: string) => (to === 'cancelled' ? { to } : { to, text: to === 'answered' ? 'an answer' : 'not our field: ask the district hospital' });

  for (const from of ['requested', 'answered', 'declined', 'cancelled']) {
    for (const to of ['answered', 'declined', 'cancelled']) {
      const allowed = from === 'requested';
      it(`${from} → ${to}: ${allowed ? `allowed for the ${SIDE[to]} only` : '409, nothing changed'}`, async () => {
        const id = await ask();
        if (from !== 'requested') expect((await move(id, token(from), bodyFor(from))).status).toBe(200);
        const before = await snapshot(id);
        if (allowed) {
          const wrong = await move(id, SIDE[to] === 'consultant' ? tokens.vdA : tokens.township2, bodyFor(to));
          expect(wrong.status).toBe(403);
          expect(await snapshot(id)).toEqual(before);
          const ok = await move(id, token(to), bodyFor(to));
          expect(ok.status).toBe(200);
          expect(ok.body.status).toBe(to);
          expect(ok.body.resources.task.status).toBe({ answered: 'completed', declined: 'rejected', cancelled: 'cancelled' }[to]);
        } else {
          const res = await move(id, token(to), bodyFor(to));
          expect(res.status).toBe(409);
          expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'conflict' }] });
          expect(res.body.issue[0].details.text).toMatch(from === to ? /already/ : /is final/);
          expect(await snapshot(id)).toEqual(before);
        }
      });
    }
  }

  it('two answers at once: one wins, the other is 409, one Task version and one reply written', async () => {
    const id = await ask();
    const results = await Promise.all([move(id, tokens.township2, { to: 'answered', text: 'first' }), move(id, tokens.township2, { to: 'declined', text: 'second' })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const after = await snapshot(id);
    expect(after).toMatchObject({ version: '2', communications: 2 });
    expect(after.status).toBe(results[0].status === 200 ? 'answered' : 'declined');
  });

  it('to=requested is 400; declining needs a reason', async () => {
    const id = await ask();
    expect((await move(id, tokens.township2, { to: 'requested' })).body.issue[0].expression).toEqual(['to']);
    expect((await move(id, tokens.township2, { to: 'declined' })).body.issue[0].expression).toEqual(['text']);
    await move(id, tokens.vdA, { to: 'cancelled' });
  });
});

describe('care indicators', () => {
  it('equal the counts of what this test wrote; the bureau may read them, a village doctor not for the district', async () => {
    const month = cstMonth(START);
    const res = await api(`/api/indicators/care?orgUnit=${DISTRICT}&from=2025-06-01&to=2025-06-30`, tokens.bureau);
    expect(res.status).toBe(200);
    expect(res.body.months.map((m: { month: string }) => m.month)).toEqual([month]);
    const m = res.body.months[0];
    const visits = written.visits.filter((v) => v.month === month);
    expect(m.visits).toEqual({ total: visits.length, resolved: visits.filter((v) => v.outcome === 'resolved').length, teleconsult: visits.filter((v) => v.outcome === 'teleconsult').length, referred: visits.filter((v) => v.outcome === 'referred').length, resolvedShare: visits.filter((v) => v.outcome === 'resolved').length / visits.length });
    expect(m.visits).toMatchObject({ total: 3, resolved: 1 });
    expect(m.referrals).toMatchObject({ requested: written.referrals.length, closed: 0, completion: 0 });
    expect(m.referrals.byDirection).toEqual([{ direction: 'up', requested: 1, closed: 0, completion: 0 }]);
    expect(m.referrals.byFacility).toEqual([{ direction: 'up', facility: { id: ids.hospital, name: '区人民医院' }, requested: 1, closed: 0, completion: 0 }]);
    // Teleconsultations: states read back from the API one by one, the median from the turnarounds this test measured.
    const states = await Promise.all(written.teleconsults.map(async (t) => (await api(`/api/teleconsults/${t.id}`, tokens.platform)).body.status as string));
    const count = (s: string) => states.filter((x) => x === s).length;
    const turnarounds = written.teleconsults.flatMap((t) => (t.answeredAfter !== undefined ? [t.answeredAfter] : []));
    expect(turnarounds).toEqual([95, 40]);
    expect(m.teleconsults).toMatchObject({ requested: written.teleconsults.length, answered: count('answered'), declined: count('declined'), cancelled: count('cancelled'), open: count('requested') });
    // The median also counts the answers of the state-pair tests, made while the clock stood still (0 minutes).
    const answeredInPairs = count('answered') - turnarounds.length;
    const all = [...turnarounds, ...Array(answeredInPairs).fill(0)].sort((a, b) => a - b);
    const mid = Math.floor(all.length / 2);
    expect(m.teleconsults.medianTurnaroundMinutes).toBe(all.length % 2 ? all[mid] : (all[mid - 1] + all[mid]) / 2);
    expect(res.body.centres).toMatchObject({ patientsManaged: 0 });
    // Village B: none of it.
    const b = await api(`/api/indicators/care?orgUnit=${VILLAGE_B}&from=2025-06-01&to=2025-06-30`, tokens.bureau);
    expect(b.body.months).toEqual([]);
    expect((await api(`/api/indicators/care?orgUnit=${DISTRICT}`, tokens.vdA)).status).toBe(403);
    expect((await api(`/api/indicators/care?orgUnit=33`, tokens.bureau)).body.issue[0].expression).toEqual(['orgUnit']);
  });
});
