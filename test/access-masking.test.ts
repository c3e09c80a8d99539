/**
 * Privacy (issue 8, docs/access.md *Privacy*): a masked role (pharmacist) sees the resident ID and
 * phone masked in every read path of the FHIR API, may still find a patient by the full number, and
 * cannot write a masked value back; a family doctor sees them in full. Line-list exports (CSV) need
 * the export permission and are audited, allowed or not.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAccess } from '../src/foundation/access/index.js';
import { CASE_REPORT_CATEGORY_SYSTEM, ICD10_SYSTEM, ORG_UNIT_EXTENSION, RESIDENT_ID_SYSTEM } from '../src/foundation/fhir/index.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';

let server: TestServer;
const VILLAGE = '330109001001';
const TOWN = '330109001';
const ID_A = '33018119800101123X';
const ID_B = '330181199002022345';
const PHONE_A = '13812345678';
const ids: Record<string, string> = {};
const users: Record<string, string> = {};
const MASKED_A = '330181********123X';

const patient = (resident: string, phone: string, name: string) => ({
  resourceType: 'Patient',
  identifier: [{ system: RESIDENT_ID_SYSTEM, value: resident }],
  name: [{ text: name }],
  telecom: [{ system: 'phone', value: phone }],
  contact: [{ name: { text: '家属' }, telecom: [{ system: 'phone', value: '13900001111' }] }],
  extension: [{ url: ORG_UNIT_EXTENSION, valueCode: VILLAGE }],
});
const caseReport = (p: string) => ({
  resourceType: 'Condition',
  subject: { reference: `Patient/${p}` },
  category: [{ coding: [{ system: CASE_REPORT_CATEGORY_SYSTEM, code: 'notifiable' }] }],
  verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
  code: { coding: [{ system: ICD10_SYSTEM, code: 'B08.4' }] },
  recordedDate: '2026-03-01T10:00:00+08:00',
});
const post = async (body: Record<string, unknown>) => {
  const res = await fhirFetch(`${server.fhir}/${body.resourceType}`, { method: 'POST', body });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const get = (path: string, token: string) => fhirFetch(`${server.fhir}/${path}`, { token });
type Pat = { identifier: { value: string }[]; telecom: { value: string }[]; contact: { telecom: { value: string }[] }[]; meta: { security?: { code: string }[] } };
const flushAudit = () => new Promise((r) => setTimeout(r, 400));

beforeAll(async () => {
  server = await startTestServer();
  ids.a = await post(patient(ID_A, PHONE_A, '王芳'));
  ids.b = await post(patient(ID_B, '13698765432', '李强'));
  ids.rx = await post({ resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: { reference: `Patient/${ids.a}` }, medicationCodeableConcept: { text: '氨氯地平' } });
  ids.caseA = await post(caseReport(ids.a));
  ids.caseB = await post(caseReport(ids.b));
  users.pharmacist = (await userToken(server, 'ph-1', 'pharmacist', TOWN)).token;
  users.fd = (await userToken(server, 'fd-1', 'family-doctor', VILLAGE)).token;
  users.cdc = (await userToken(server, 'cdc-1', 'cdc-epidemiologist', TOWN)).token;
  users.vd = (await userToken(server, 'vd-1', 'village-doctor', VILLAGE)).token;
  users.bureau = (await userToken(server, 'bureau-1', 'district-admin', '330109')).token;
});
afterAll(async () => {
  await server?.stop();
});

function expectMasked(p: Pat) {
  expect(p.identifier[0].value).toBe(MASKED_A);
  expect(p.telecom[0].value).toBe('138****5678');
  expect(p.contact[0].telecom[0].value).toBe('139****1111');
  expect(p.meta.security?.map((s) => s.code)).toContain('MASKED');
}

describe('masked role (pharmacist)', () => {
  it('reads a Patient with the resident ID and phone masked (read, vread, history)', async () => {
    const read = await get(`Patient/${ids.a}`, users.pharmacist);
    expect(read.status).toBe(200);
    expectMasked(read.body);
    expect(JSON.stringify(read.body)).not.toContain(ID_A);
    expectMasked((await get(`Patient/${ids.a}/_history/1`, users.pharmacist)).body);
    const history = await get(`Patient/${ids.a}/_history`, users.pharmacist);
    expect(history.body.entry).toHaveLength(1);
    expectMasked(history.body.entry[0].resource);
  });

  it('masks every entry of a search bundle, included Patients too', async () => {
    const res = await get(`Patient?_id=${ids.a},${ids.b}`, users.pharmacist);
    expect(res.body.entry).toHaveLength(2);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(ID_A);
    expect(text).not.toContain(ID_B);
    expect(text).not.toContain(PHONE_A);
    for (const e of res.body.entry) expect(e.resource.identifier[0].value).toMatch(/^330181\*{8}\d{3}[\dX]$/);
    const inc = await get(`MedicationRequest?subject=${ids.a}&_include=MedicationRequest:subject`, users.pharmacist);
    const included = inc.body.entry.find((e: { search: { mode: string } }) => e.search.mode === 'include');
    expectMasked(included.resource);
  });

  it('masks the Patient in $everything and keeps the rest of the compartment it may read', async () => {
    const res = await get(`Patient/${ids.a}/$everything`, users.pharmacist);
    expect(res.status).toBe(200);
    const types = res.body.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType).sort();
    expect(types).toEqual(['MedicationRequest', 'Patient']);
    expectMasked(res.body.entry.find((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Patient').resource);
    expect(JSON.stringify(res.body)).not.toContain(ID_A);
  });

  it('may find a patient by the full ID or phone from the card at the counter (answer masked); a masked value finds nothing', async () => {
    const byId = await get(`Patient?identifier=${encodeURIComponent(`${RESIDENT_ID_SYSTEM}|${ID_A}`)}`, users.pharmacist);
    expect(byId.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([ids.a]);
    expectMasked(byId.body.entry[0].resource);
    const byPhone = await get(`Patient?phone=${PHONE_A}`, users.pharmacist);
    expect(byPhone.body.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual([ids.a]);
    const byMask = await get(`Patient?identifier=${encodeURIComponent(`${RESIDENT_ID_SYSTEM}|${MASKED_A}`)}`, users.pharmacist);
    expect(byMask.body.entry ?? []).toHaveLength(0);
  });

  it('cannot write a masked value back: 422 (update and transaction), and the stored values stay', async () => {
    const masked = (await get(`Patient/${ids.a}`, users.pharmacist)).body;
    const put = await fhirFetch(`${server.fhir}/Patient/${ids.a}`, { method: 'PUT', body: masked, token: users.pharmacist });
    expect(put.status).toBe(422);
    expect(put.body.issue[0].code).toBe('business-rule');
    const bundle = await fhirFetch(server.fhir, {
      method: 'POST',
      token: users.pharmacist,
      body: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { ...masked, id: undefined }, request: { method: 'POST', url: 'Patient' } }] },
    });
    expect(bundle.status).toBe(422);
    // Without masks the role's write rule answers (a pharmacist writes MedicationDispense only).
    const plain = { ...masked, identifier: [{ system: RESIDENT_ID_SYSTEM, value: ID_A }], telecom: [{ system: 'phone', value: PHONE_A }], contact: undefined, meta: undefined };
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.a}`, { method: 'PUT', body: plain, token: users.pharmacist })).status).toBe(403);
    const stored = await sql<{ content: Pat & { meta: { versionId: string } } }>`SELECT content FROM fhir_resource WHERE resource_type = 'Patient' AND id = ${ids.a}`.execute(server.database.db);
    expect(stored.rows[0].content.identifier[0].value).toBe(ID_A);
    expect(stored.rows[0].content.telecom[0].value).toBe(PHONE_A);
    expect(stored.rows[0].content.meta.versionId).toBe('1');
  });
});

describe('roles that see the full values', () => {
  it('a family doctor reads, searches and $everything the Patient in full, unlabelled', async () => {
    const read = await get(`Patient/${ids.a}`, users.fd);
    expect(read.body.identifier[0].value).toBe(ID_A);
    expect(read.body.telecom[0].value).toBe(PHONE_A);
    expect(read.body.meta.security).toBeUndefined();
    const search = await get(`Patient?_id=${ids.a},${ids.b}`, users.fd);
    expect(search.body.entry.map((e: { resource: Pat }) => e.resource.identifier[0].value).sort()).toEqual([ID_A, ID_B].sort());
    const all = await get(`Patient/${ids.a}/$everything`, users.fd);
    expect(JSON.stringify(all.body)).toContain(ID_A);
  });

  it('the CDC sees the ID of a case-report patient in full (report card, 《传染病防治法》 art. 30)', async () => {
    const read = await get(`Patient/${ids.a}`, users.cdc);
    expect(read.status).toBe(200);
    expect(read.body.identifier[0].value).toBe(ID_A);
  });

  it('a principal is masked only when none of its grants sees the full values', () => {
    const principal = (roles: ('pharmacist' | 'family-doctor' | 'district-admin')[]) => ({ kind: 'user' as const, id: 'u', name: 'u', breakGlass: [], grants: roles.map((role) => ({ role, orgUnit: TOWN, careTeam: null })) });
    expect(compileAccess(principal(['pharmacist']), new Date()).privacy).toBeDefined();
    expect(compileAccess(principal(['district-admin']), new Date()).privacy).toBeDefined();
    expect(compileAccess(principal(['pharmacist', 'family-doctor']), new Date()).privacy).toBeUndefined();
  });
});

describe('line-list export', () => {
  let signal: string;
  beforeAll(async () => {
    const days = await sql<{ lo: string; hi: string }>`SELECT min(day)::text AS lo, max(day)::text AS hi FROM proj_case WHERE disease = 'hfmd' AND kind = 'case'`.execute(server.database.db);
    const { lo, hi } = days.rows[0];
    expect(lo).toBeTruthy();
    signal = randomUUID();
    // A signal as a detection run stores it (the run itself is tested in surveillance-signals.test.ts).
    await sql`INSERT INTO surv_signal (id, disease, org_unit, level, method, period_start, period_end, run_date, observed, threshold, status, created_at, updated_at, evidence)
      VALUES (${signal}, 'hfmd', ${VILLAGE}, 'village', 'test', ${lo}::date, ${hi}::date, ${hi}::date, 2, 1, 'new', now(), now(), ${JSON.stringify({ casesFrom: lo, casesTo: hi })}::jsonb)`.execute(server.database.db);
  });
  const cases = (token: string, format = 'csv') => fetch(`${server.url}/api/surveillance/signals/${signal}/cases?format=${format}`, { headers: { authorization: `Bearer ${token}` } });
  const auditOf = (actor: string) =>
    sql<{ outcome: string; detail: string | null }>`SELECT outcome, detail FROM audit_log WHERE actor = ${actor} AND action = 'export' ORDER BY id`.execute(server.database.db).then((r) => r.rows);

  it('the CDC exports the line list as CSV; the export is audited with its row count and no health data', async () => {
    const res = await cases(users.cdc);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="cases-hfmd-330109001001-.*\.csv"$/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('condition_id,patient_id,org_unit,icd10,day,diagnosed_at,reported_at,deadline_at,late,verification');
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual([ids.caseA, ids.caseB].sort());
    expect(lines[1]).toContain('B08.4');
    const audit = await auditOf('cdc-1');
    expect(audit).toEqual([{ outcome: 'success', detail: `signal ${signal} line list: 2 rows (csv)` }]);
    await flushAudit();
    const reads = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE actor = 'cdc-1' AND action = 'read' AND resource_type = 'Condition' AND detail LIKE ${`signal ${signal}%`}`.execute(server.database.db);
    expect(Number(reads.rows[0].n)).toBe(2);
  });

  it('roles without the export permission get 403 and a denied audit row; JSON stays as it was', async () => {
    for (const [token, actor] of [[users.vd, 'vd-1'], [users.bureau, 'bureau-1']] as const) {
      const res = await cases(token);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { issue: { code: string }[] }).issue[0].code).toBe('forbidden');
      expect(await auditOf(actor)).toEqual([{ outcome: 'denied', detail: `signal ${signal} line list` }]);
    }
    const json = await cases(users.vd, 'json');
    expect(json.status).toBe(200);
    expect(((await json.json()) as { visible: number }).visible).toBe(2);
    expect((await cases(users.cdc, 'xml')).status).toBe(400);
  });
});
