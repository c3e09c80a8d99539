/**
 * Specialised-disease centres end to end over the HTTP API on a real database: enrolment through
 * the API (criteria met, unmet, twice, outside the caller's scope), the registry kept by the
 * projector, bulk enrolment against an independent count of matching Conditions, a stroke
 * door-to-needle and a chest-pain door-to-balloon event, and the indicators per centre and month.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillMilestones, DEFAULT_CENTRES, enrolMatching } from '../src/care/index.js';
import { FACILITY_TYPE_SYSTEM, ORG_UNIT_EXTENSION, SPECIALISED_CENTRE_SYSTEM } from '../src/foundation/fhir/index.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';
import { runCli } from './helpers/cli.js';

const DISTRICT = '330109';
const VILLAGE_A = '330109001001';
const VILLAGE_B = '330109002001';
const NOW = new Date('2025-06-02T01:00:00Z'); // 09:00 in Hangzhou
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';

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
const facility = (name: string, type: string, centre?: string) => ({
  resourceType: 'Organization',
  name,
  active: true,
  extension: [{ url: ORG_UNIT_EXTENSION, valueCode: DISTRICT }],
  type: [{ coding: [{ system: FACILITY_TYPE_SYSTEM, code: type }] }, ...(centre ? [{ coding: [{ system: SPECIALISED_CENTRE_SYSTEM, code: centre }] }] : [])],
});
const patient = (village = VILLAGE_A) => post({ resourceType: 'Patient', gender: 'female', birthDate: '1950-02-01', extension: [{ url: ORG_UNIT_EXTENSION, valueCode: village }] });
const condition = (pid: string, code: string, recorded: string, status = 'active') =>
  post({
    resourceType: 'Condition',
    subject: { reference: `Patient/${pid}` },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: status }] },
    code: { coding: [{ system: ICD10, code }] },
    recordedDate: recorded,
  });
const enrol = (centre: string, body: unknown, token = tokens.platform) => api(`/api/centres/${centre}/enrolments`, token, { method: 'POST', body });

beforeAll(async () => {
  server = await startTestServer({ clock: () => NOW });
  tokens.platform = server.token;
  ids.strokeCentre = await post(facility('区卒中中心', 'specialised-centre', 'stroke'));
  ids.hospital = await post(facility('区人民医院', 'district-hospital'));
  ids.p1 = await patient();
  await condition(ids.p1, 'I63.9', '2025-04-10T09:00:00+08:00');
  ids.p2 = await patient();
  await condition(ids.p2, 'I10', '2025-04-10T09:00:00+08:00');
  ids.p3 = await patient();
  await condition(ids.p3, 'I63.9', '2025-03-01T09:00:00+08:00', 'resolved');
  tokens.vdB = (await userToken(server, 'vd-centre-b', 'village-doctor', VILLAGE_B)).token;
  tokens.admin = (await userToken(server, 'bureau-centres', 'district-admin', DISTRICT)).token;
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('configured centres', () => {
  it('lists the five centres with criteria, source, facility and pathway target', async () => {
    const res = await api('/api/centres', tokens.platform);
    expect(res.status).toBe(200);
    expect(res.body.centres.map((c: { code: string }) => c.code)).toEqual(['stroke', 'chest-pain', 'diabetes', 'copd', 'cancer']);
    const [stroke, chest] = res.body.centres;
    expect(stroke).toMatchObject({ criteria: ['I60–I64', 'G45'], facility: { id: ids.strokeCentre, orgUnit: DISTRICT }, pathway: { kind: 'door-to-needle', targetMinutes: 60 } });
    // No chest-pain centre in this district: bound to the district hospital.
    expect(chest).toMatchObject({ facility: { id: ids.hospital }, pathway: { kind: 'door-to-balloon', targetMinutes: 90 } });
  });
});

describe('enrolment through the API', () => {
  it('criteria met: 201, an EpisodeOfCare at the centre and a registry row', async () => {
    const res = await enrol('stroke', { patient: ids.p1 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ centre: 'stroke', patient: ids.p1, facility: { id: ids.strokeCentre }, condition: { code: 'I63.9' }, enrolled: NOW.toISOString() });
    ids.episode1 = res.body.id;
    const episode = await fhirFetch(`${server.fhir}/EpisodeOfCare/${ids.episode1}`);
    expect(episode.body).toMatchObject({ status: 'active', type: [{ coding: [{ system: SPECIALISED_CENTRE_SYSTEM, code: 'stroke' }] }], patient: { reference: `Patient/${ids.p1}` }, managingOrganization: { reference: `Organization/${ids.strokeCentre}` } });
    const rows = await sql<{ centre: string; patient_id: string; org_unit: string; resident_id: string; status: string }>`SELECT * FROM care_centre_enrolment WHERE episode_id = ${ids.episode1}`.execute(server.database.db);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]).toMatchObject({ centre: 'stroke', patient_id: ids.p1, org_unit: VILLAGE_A, status: 'active' });
    expect(rows.rows[0].resident_id).toBeTruthy();
  });

  it('twice: 409 and no second EpisodeOfCare', async () => {
    const res = await enrol('stroke', { patient: ids.p1 });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'conflict' }] });
    const all = await fhirFetch(`${server.fhir}/EpisodeOfCare?patient=Patient/${ids.p1}`);
    expect(all.body.entry).toHaveLength(1);
  });

  it('criteria unmet (another code, or a resolved stroke): 422 naming the criteria, nothing written', async () => {
    for (const p of [ids.p2, ids.p3]) {
      const res = await enrol('stroke', { patient: p });
      expect(res.status).toBe(422);
      expect(res.body.issue[0]).toMatchObject({ code: 'business-rule', expression: ['patient'] });
      expect(res.body.issue[0].details.text).toMatch(/I60–I64, G45/);
      const none = await fhirFetch(`${server.fhir}/EpisodeOfCare?patient=Patient/${p}`);
      expect(none.body.entry ?? []).toHaveLength(0);
    }
  });

  it('six enrolments of the same resident at once: one 201, five 409, one EpisodeOfCare', async () => {
    ids.copd = await patient();
    await condition(ids.copd, 'J44.1', '2025-05-05T10:00:00+08:00');
    const all = await Promise.all(Array.from({ length: 6 }, () => enrol('copd', { patient: ids.copd })));
    expect(all.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const episodes = await fhirFetch(`${server.fhir}/EpisodeOfCare?patient=Patient/${ids.copd}`);
    expect(episodes.body.entry).toHaveLength(1);
  });

  it('bad input 400, unknown centre 404, a patient outside the caller scope 403', async () => {
    expect((await enrol('stroke', { patient: '' })).status).toBe(400);
    expect((await enrol('stroke', { patient: ids.p2, at: '2030-01-01T00:00:00Z' })).body.issue[0].expression).toEqual(['at']);
    expect((await enrol('dermatology', { patient: ids.p1 })).status).toBe(404);
    expect((await enrol('stroke', { patient: ids.p2 }, tokens.vdB)).status).toBe(403);
  });
});

describe('bulk enrolment', () => {
  it('enrols every resident with a matching active Condition once; the count equals an independent count', async () => {
    const more: [string, string, string?][] = [
      ['I21.9', '2025-04-03T10:00:00+08:00'],
      ['I20.0', '2025-05-03T10:00:00+08:00'],
      ['E11.9', '2025-05-20T10:00:00+08:00'],
      ['E10.9', '2025-05-21T10:00:00+08:00'],
      ['J44.9', '2025-02-11T10:00:00+08:00'],
      ['C34.9', '2025-04-15T10:00:00+08:00'],
      ['C50.9', '2025-03-15T10:00:00+08:00', 'resolved'],
      ['I61.9', '2025-05-30T10:00:00+08:00'],
      ['G45.9', '2025-05-30T10:00:00+08:00'],
      ['J45.9', '2025-05-30T10:00:00+08:00'],
    ];
    for (const [code, at, status] of more) {
      const pid = await patient();
      if (code === 'I61.9') ids.strokeBulk = pid;
      if (code === 'I21.9') ids.acs = pid;
      await condition(pid, code, at, status);
    }
    await condition(ids.acs, 'I25.1', '2025-04-03T10:00:00+08:00'); // a second Condition of the same resident: still one enrolment
    await condition(ids.acs, 'I21.4', '2025-04-04T10:00:00+08:00');
    // Independent count: every Condition read back over FHIR, criteria written out here, one per Patient and centre.
    const all = await fhirFetch(`${server.fhir}/Condition?_count=1000`);
    const expected: Record<string, Set<string>> = { stroke: new Set(), 'chest-pain': new Set(), diabetes: new Set(), copd: new Set(), cancer: new Set() };
    const rules: [string, RegExp][] = [['stroke', /^(I6[0-4]|G45)/], ['chest-pain', /^I2[0-2]/], ['diabetes', /^E1[0-4]/], ['copd', /^J44/], ['cancer', /^C([0-8]\d|9[0-7])/]];
    for (const e of all.body.entry as { resource: { code: { coding: { code: string }[] }; clinicalStatus: { coding: { code: string }[] }; subject: { reference: string } } }[]) {
      if (e.resource.clinicalStatus.coding[0].code !== 'active') continue;
      for (const [centre, re] of rules) if (re.test(e.resource.code.coding[0].code)) expected[centre].add(e.resource.subject.reference);
    }
    const results = await enrolMatching(server.app.store, { actor: 'system:test' }, DEFAULT_CENTRES, { now: NOW });
    const enrolled = Object.fromEntries(results.map((r) => [r.centre, r.enrolled]));
    // p1 (stroke) and ids.copd (COPD) were enrolled through the API already.
    expect(enrolled).toEqual({ stroke: expected.stroke.size - 1, 'chest-pain': expected['chest-pain'].size, diabetes: expected.diabetes.size, copd: expected.copd.size - 1, cancer: expected.cancer.size });
    expect(enrolled).toEqual({ stroke: 2, 'chest-pain': 2, diabetes: 2, copd: 1, cancer: 1 });
    const registry = await sql<{ centre: string; n: string }>`SELECT centre, count(DISTINCT resident_id) AS n FROM care_centre_enrolment GROUP BY centre`.execute(server.database.db);
    expect(Object.fromEntries(registry.rows.map((r) => [r.centre, Number(r.n)]))).toEqual(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, v.size])));
    // Again: nothing new.
    const again = await enrolMatching(server.app.store, { actor: 'system:test' }, DEFAULT_CENTRES, { now: NOW });
    expect(again.map((r) => r.enrolled)).toEqual([0, 0, 0, 0, 0]);
    // The API agrees the bulk-enrolled resident is enrolled.
    expect((await enrol('stroke', { patient: ids.strokeBulk })).status).toBe(409);
  });
});

describe('registry', () => {
  it('lists the open enrolments of a centre under the scope of the caller, audited', async () => {
    const all = await api('/api/centres/stroke/enrolments', tokens.platform);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.rows.map((r: { patient: string }) => r.patient)).toContain(ids.p1);
    expect(all.body.rows[0]).toMatchObject({ status: 'active', orgUnit: VILLAGE_A, ended: null });
    const page = await api('/api/centres/stroke/enrolments?_count=2', tokens.platform);
    expect(page.body).toMatchObject({ total: 3, next: 2 });
    expect(page.body.rows).toHaveLength(2);
    // A village doctor of another village reads none of these residents.
    const other = await api('/api/centres/stroke/enrolments', tokens.vdB);
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({ total: 0, rows: [] });
    const vdA = (await userToken(server, 'vd-centre-a', 'village-doctor', VILLAGE_A)).token;
    expect((await api('/api/centres/stroke/enrolments', vdA)).body.total).toBe(3);
    const audited = await sql<{ n: string }>`SELECT count(*) AS n FROM audit_log WHERE action = 'centre-registry' AND resource_id = ${ids.episode1}`.execute(server.database.db);
    expect(Number(audited.rows[0].n)).toBeGreaterThanOrEqual(2);
    expect((await api('/api/centres/stroke/enrolments?_count=0', tokens.platform)).status).toBe(400);
  });
});

describe('pathway milestones and indicators', () => {
  it('a stroke arrival and alteplase 45 min later: DNT 45, within target; a PCI 100 min after arrival: D2B outside 90', async () => {
    const arrival = '2025-05-12T02:00:00Z';
    ids.emer = await post({ resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'EMER' }, subject: { reference: `Patient/${ids.p1}` }, period: { start: arrival, end: '2025-05-12T08:00:00Z' }, serviceProvider: { reference: `Organization/${ids.strokeCentre}` } });
    await post({ resourceType: 'MedicationAdministration', status: 'completed', subject: { reference: `Patient/${ids.p1}` }, context: { reference: `Encounter/${ids.emer}` }, medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'B01AD02', display: 'alteplase' }] }, effectiveDateTime: '2025-05-12T02:45:00Z' });
    const acsArrival = await post({ resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'EMER' }, subject: { reference: `Patient/${ids.acs}` }, period: { start: '2025-04-03T01:00:00Z' } });
    await post({ resourceType: 'Procedure', status: 'completed', subject: { reference: `Patient/${ids.acs}` }, encounter: { reference: `Encounter/${acsArrival}` }, code: { coding: [{ system: 'http://snomed.info/sct', code: '415070008' }] }, performedDateTime: '2025-04-03T02:40:00Z' });
    // A thrombolysis with no arrival on record: counted as an event, not measured.
    await post({ resourceType: 'MedicationAdministration', status: 'completed', subject: { reference: `Patient/${ids.strokeBulk}` }, medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code: 'B01AD11' }] }, effectiveDateTime: '2025-05-30T03:00:00Z' });
    const milestones = await sql<{ kind: string; n: string }>`SELECT kind, count(*) AS n FROM care_centre_milestone GROUP BY kind ORDER BY kind`.execute(server.database.db);
    expect(milestones.rows.map((r) => [r.kind, Number(r.n)])).toEqual([['arrival', 2], ['pci', 1], ['thrombolysis', 2]]);

    const res = await api(`/api/indicators/centres?orgUnit=${DISTRICT}&from=2025-01-01&to=2025-06-30`, tokens.admin);
    expect(res.status).toBe(200);
    const by = Object.fromEntries(res.body.centres.map((c: { code: string }) => [c.code, c]));
    expect(by.stroke.pathway.months).toEqual([{ month: '2025-05', events: 2, measured: 1, missingArrival: 1, invalid: 0, medianMinutes: 45, withinTarget: 1, shareWithinTarget: 1 }]);
    expect(by['chest-pain'].pathway.months).toEqual([{ month: '2025-04', events: 1, measured: 1, missingArrival: 0, invalid: 0, medianMinutes: 100, withinTarget: 0, shareWithinTarget: 0 }]);
    expect(by.diabetes.pathway).toBeNull();
    // Managed at the end of June: every enrolment (p1 in June through the API, the rest back-filled from their Conditions).
    expect([by.stroke.patientsManaged, by['chest-pain'].patientsManaged, by.diabetes.patientsManaged, by.copd.patientsManaged, by.cancer.patientsManaged]).toEqual([3, 2, 2, 2, 1]);
    expect(res.body.patientsManaged).toBe(10);
    expect(by.stroke.newEnrolments).toEqual([{ month: '2025-05', count: 2 }, { month: '2025-06', count: 1 }]);
    expect(by['chest-pain'].newEnrolments).toEqual([{ month: '2025-04', count: 1 }, { month: '2025-05', count: 1 }]);
    expect(by.copd.newEnrolments).toEqual([{ month: '2025-02', count: 1 }, { month: '2025-06', count: 1 }]);
    // Milestones written before the projector existed are re-projected by the backfill, to the same rows.
    const before = await sql`SELECT resource_type, resource_id, kind, at, encounter_id FROM care_centre_milestone ORDER BY resource_id`.execute(server.database.db);
    await sql`DELETE FROM care_centre_milestone`.execute(server.database.db);
    expect(await backfillMilestones(server.app.store)).toBe(5);
    const after = await sql`SELECT resource_type, resource_id, kind, at, encounter_id FROM care_centre_milestone ORDER BY resource_id`.execute(server.database.db);
    expect(after.rows).toEqual(before.rows);
  });

  it('managed counts at an earlier date leave out later enrolments; a finished episode stops counting', async () => {
    const may = await api(`/api/indicators/centres?orgUnit=${DISTRICT}&from=2025-01-01&to=2025-05-31`, tokens.admin);
    expect(may.body.centres.find((c: { code: string }) => c.code === 'stroke').patientsManaged).toBe(2);
    const episode = (await fhirFetch(`${server.fhir}/EpisodeOfCare/${ids.episode1}`)).body;
    const ended = await fhirFetch(`${server.fhir}/EpisodeOfCare/${ids.episode1}`, { method: 'PUT', body: { ...episode, status: 'finished', period: { start: episode.period.start, end: '2025-06-10T00:00:00Z' } } });
    expect(ended.status).toBe(200);
    const june = await api(`/api/indicators/centres?orgUnit=${DISTRICT}&from=2025-01-01&to=2025-06-30`, tokens.admin);
    expect(june.body.centres.find((c: { code: string }) => c.code === 'stroke').patientsManaged).toBe(2);
    // Ended: a new enrolment is allowed again; deleting its EpisodeOfCare removes its registry row.
    const again = await enrol('stroke', { patient: ids.p1 });
    expect(again.status).toBe(201);
    const rows = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM care_centre_enrolment WHERE episode_id = ${again.body.id}`.execute(server.database.db)).rows[0].n);
    expect(await rows()).toBe(1);
    expect((await fhirFetch(`${server.fhir}/EpisodeOfCare/${again.body.id}`, { method: 'DELETE' })).status).toBeLessThan(300);
    expect(await rows()).toBe(0);
  });

  it('indicators are aggregates of an org unit the caller covers; bad query 400', async () => {
    expect((await api(`/api/indicators/centres?orgUnit=${DISTRICT}`, tokens.vdB)).status).toBe(403);
    expect((await api(`/api/indicators/centres?orgUnit=${VILLAGE_B}`, tokens.vdB)).status).toBe(200);
    expect((await api('/api/indicators/centres?orgUnit=33', tokens.admin)).status).toBe(400);
    expect((await api(`/api/indicators/centres?orgUnit=${DISTRICT}&from=2025-07-01&to=2025-06-01`, tokens.admin)).body.issue[0].expression).toEqual(['from']);
  });
});

describe('healthy-brain centres (CLI)', () => {
  it('lists the centres as JSON and names a bad --centre or centres file in one line', async () => {
    const run = (...args: string[]) => runCli(['centres', ...args]);
    const list = await run('list');
    expect(list.status).toBe(0);
    expect(JSON.parse(list.stdout).map((c: { code: string }) => c.code)).toEqual(['stroke', 'chest-pain', 'diabetes', 'copd', 'cancer']);
    const bad = await run('enrol', '--centre', 'nope', '--data', join(tmpdir(), 'hb-centres-unused'));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--centre must be one of stroke, chest-pain, diabetes, copd, cancer/);
    const file = join(mkdtempSync(join(tmpdir(), 'hb-centres-')), 'centres.json');
    writeFileSync(file, JSON.stringify([{ code: 'ckd', name: 'CKD', criteria: [{ from: 'N18', to: 'N1' }] }]));
    const invalid = await run('list', '--centres', file);
    expect(invalid.status).not.toBe(0);
    expect(invalid.stderr).toMatch(/centres\[0\]\.criteria\[0\] must be/);
  }, 60_000);
});
