/**
 * The access matrix of issue 8: every role (roles.ts ROLES) × (patient inside the grant's scope,
 * patient outside it) × every patient-data endpoint (ENDPOINTS below), each cell asserted against
 * the declared EXPECTED table, and 0 leaks: no response body of any cell names the out-of-scope
 * patient (its id, the ids of its resources, its name, resident ID or phone). Also: an unknown id is
 * 404 only for roles that may read the type (no existence oracle), break-the-glass opens the outside
 * patient with flagged audit rows, and every refusal leaves a `denied` audit row.
 *
 * Endpoints added after this test (new *.routes.ts) are not covered until they are added to ENDPOINTS.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type RoleName } from '../src/foundation/access/index.js';
import { CASE_REPORT_CATEGORY_SYSTEM, FACILITY_TYPE_SYSTEM, ICD10_SYSTEM, ORG_UNIT_EXTENSION, RESIDENT_ID_SYSTEM } from '../src/foundation/fhir/index.js';
import { generateResidentId } from '../src/foundation/mpi/pure/resident-id.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';

const TOWN_IN = '330109001';
const VILLAGE_IN = '330109001001';
const TOWN_OUT = '330109002';
const VILLAGE_OUT = '330109002001';
const NOW = new Date('2026-03-10T04:00:00Z');

/** One patient with a record on every path the endpoints read. */
interface Subject {
  id: string;
  village: string;
  name: string;
  residentId: string;
  phone: string;
  maskedId: string;
  signal: string;
  /** Ids of every resource of the patient (Observation, Conditions, MedicationRequest, referral). */
  resources: string[];
}

interface Endpoint {
  key: string;
  path: (s: Subject) => string;
  /** The answer carries the Patient resource itself (so `data` means the full resident ID is in it). */
  patientResource?: boolean;
}

/** Every patient-data endpoint of the matrix. Keep in step with the *.routes.ts files. */
const ENDPOINTS: Endpoint[] = [
  { key: 'read', path: (s) => `/fhir/Patient/${s.id}`, patientResource: true },
  { key: 'vread', path: (s) => `/fhir/Patient/${s.id}/_history/1`, patientResource: true },
  { key: 'history', path: (s) => `/fhir/Patient/${s.id}/_history`, patientResource: true },
  { key: 'search-patient', path: (s) => `/fhir/Patient?_id=${s.id}`, patientResource: true },
  { key: 'search-obs', path: (s) => `/fhir/Observation?subject=Patient/${s.id}&_include=Observation:subject` },
  { key: 'search-case', path: (s) => `/fhir/Condition?subject=Patient/${s.id}` },
  { key: 'search-med', path: (s) => `/fhir/MedicationRequest?subject=Patient/${s.id}` },
  { key: 'everything', path: (s) => `/fhir/Patient/${s.id}/$everything`, patientResource: true },
  { key: 'registry', path: (s) => `/api/chronic/registry/${s.id}` },
  { key: 'worklist', path: (s) => `/api/chronic/worklists/overdue?orgUnit=${s.village}` },
  { key: 'inbox', path: () => '/api/referrals/inbox' },
  { key: 'ind-chronic', path: (s) => `/api/indicators/chronic?orgUnit=${s.village}&source=live` },
  { key: 'ind-risk', path: (s) => `/api/indicators/risk?orgUnit=${s.village}` },
  { key: 'ind-cockpit', path: (s) => `/api/indicators/cockpit?orgUnit=${s.village}&month=2026-03` },
  { key: 'ind-surveillance', path: (s) => `/api/surveillance/counts?disease=hfmd&orgUnit=${s.village}&from=2026-03-01&to=2026-03-10` },
  { key: 'ind-adherence', path: (s) => `/api/indicators/chronic/adherence?orgUnit=${s.village}` },
  { key: 'ind-worklists', path: (s) => `/api/indicators/chronic/worklists?orgUnit=${s.village}` },
  { key: 'linelist', path: (s) => `/api/surveillance/signals/${s.signal}/cases` },
  { key: 'linelist-csv', path: (s) => `/api/surveillance/signals/${s.signal}/cases?format=csv` },
  { key: 'round-plan', path: (s) => `/api/care/rounds/plan?team=${s.village}&date=2026-03-10` },
  { key: 'teleconsults', path: () => '/api/teleconsults/inbox' },
  { key: 'ind-care', path: (s) => `/api/indicators/care?orgUnit=${s.village}&from=2026-01-01&to=2026-03-31` },
  { key: 'ind-rounds', path: (s) => `/api/indicators/rounds?orgUnit=${s.village}&from=2026-01&to=2026-03` },
  { key: 'outbox', path: () => '/api/referrals/outbox' },
  { key: 'tele-outbox', path: () => '/api/teleconsults/outbox' },
];

/**
 * Expected result per role, one "inside/outside" cell per endpoint in ENDPOINTS order:
 * D = 200 with the patient's data, M = 200 with it masked (resident ID and phone), A = 200 with the
 * patient absent (search bundle, list), G = 200 aggregates of the patient's org unit, F = 403, N = 404.
 * Grants: the village doctor on VILLAGE_IN, every other role on TOWN_IN; the outside patient lives in
 * another town. The referral of the inside patient goes to the township centre of TOWN_IN, so the
 * village doctor (not staff of that centre) does not see it in its inbox.
 * `registry` (GET /api/chronic/registry/:patient) needs Condition and Observation read as well as the
 * Patient: the pharmacist, the CDC and the data steward get 403.
 * Care (issue 10): the round plan of the patient's village needs patient and reading access (clinical
 * roles; the village doctor's own village); the teleconsultation inbox lists requests addressed to the
 * caller's facilities, like the referral inbox (the village doctor is not staff of the township centre).
 * The referral and teleconsultation outboxes list what the caller's facilities sent: the village clinic's
 * staff (the village doctor, and the town-bound roles whose grant covers the village) see the inside
 * patient's, never the outside one's; non-clinical roles are refused.
 */
const EXPECTED: Record<RoleName, string> = {
  //                      read vread hist sPat sObs sCase sMed every reg  work inbox iChr iRisk iCock iSurv iPdc iWork list csv plan tele iCare iRnd out  tOut
  'village-doctor':     ' D/F  D/F  D/F  D/A  D/A  D/A  D/A  D/F  D/F  D/A  A/A  G/F  G/F  G/F  G/F  G/F  G/F  D/F  F/F  D/F  A/A  G/F  G/F  D/A  D/A',
  'family-doctor':      ' D/F  D/F  D/F  D/A  D/A  D/A  D/A  D/F  D/F  D/A  D/A  G/F  G/F  G/F  G/F  G/F  G/F  D/F  F/F  D/F  D/A  G/F  G/F  D/A  D/A',
  clinician:            ' D/F  D/F  D/F  D/A  D/A  D/A  D/A  D/F  D/F  D/A  D/A  G/F  G/F  G/F  G/F  G/F  G/F  D/F  F/F  D/F  D/A  G/F  G/F  D/A  D/A',
  specialist:           ' D/F  D/F  D/F  D/A  D/A  D/A  D/A  D/F  D/F  D/A  D/A  G/F  G/F  G/F  G/F  G/F  G/F  D/F  F/F  D/F  D/A  G/F  G/F  D/A  D/A',
  // Pharmacist: Patient and medication types only, resident ID and phone masked.
  pharmacist:           ' M/F  M/F  M/F  M/A  F/F  F/F  D/A  M/F  F/F  F/F  F/F  G/F  G/F  G/F  G/F  G/F  G/F  F/F  F/F  F/F  F/F  G/F  G/F  F/F  F/F',
  // CDC: notifiable case reports and their Patients; the only role that may export the line list.
  'cdc-epidemiologist': ' D/F  D/F  D/F  D/A  F/F  D/A  F/F  D/F  F/F  F/F  F/F  G/F  G/F  G/F  G/F  G/F  G/F  D/F  D/F  F/F  F/F  G/F  G/F  F/F  F/F',
  // The bureau: aggregates only.
  'district-admin':     ' F/F  F/F  F/F  F/F  F/F  F/F  F/F  F/F  F/F  F/F  F/F  G/F  G/F  G/F  G/F  G/F  G/F  F/F  F/F  F/F  F/F  G/F  G/F  F/F  F/F',
  // Data steward: Patient resources only (MPI review).
  'data-steward':       ' D/F  D/F  D/F  D/A  F/F  F/F  F/F  D/F  F/F  F/F  F/F  G/F  G/F  G/F  G/F  G/F  G/F  F/F  F/F  F/F  F/F  G/F  G/F  F/F  F/F',
  'system-integrator':  ' D/F  D/F  D/F  D/A  D/A  D/A  D/A  D/F  D/F  D/A  D/A  G/F  G/F  G/F  G/F  G/F  G/F  D/F  F/F  D/F  D/A  G/F  G/F  D/A  D/A',
};

type Want = 'D' | 'M' | 'A' | 'G' | 'F' | 'N';
function cells(role: RoleName): { endpoint: Endpoint; inside: Want; outside: Want }[] {
  const parsed = EXPECTED[role].trim().split(/\s+/).map((c) => c.split('/') as [Want, Want]);
  if (parsed.length !== ENDPOINTS.length) throw new Error(`EXPECTED[${role}] has ${parsed.length} cells for ${ENDPOINTS.length} endpoints`);
  return ENDPOINTS.map((endpoint, i) => ({ endpoint, inside: parsed[i][0], outside: parsed[i][1] }));
}

let server: TestServer;
const subjects: Record<'inside' | 'outside', Subject> = {} as never;
const tokens: Partial<Record<RoleName, string>> = {};
const facilities: Record<string, string> = {};

const post = async (resource: Record<string, unknown>) => {
  const res = await fhirFetch(`${server.fhir}/${resource.resourceType as string}`, { method: 'POST', body: resource });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
};
/** Raw GET: status and body text as sent (the leak check searches the text, CSV included). */
async function get(path: string, token: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json, application/json, text/csv' } });
  return { status: res.status, text: await res.text() };
}
const facility = (name: string, type: string, orgUnit: string) => ({
  resourceType: 'Organization', name, active: true,
  extension: [{ url: ORG_UNIT_EXTENSION, valueCode: orgUnit }],
  type: [{ coding: [{ system: FACILITY_TYPE_SYSTEM, code: type }] }],
});

async function makeSubject(village: string, town: string, name: string, birthDate: string, sequence: number, phone: string): Promise<Subject> {
  const residentId = generateResidentId({ regionCode: '330109', birthDate, sequence, sex: 'female' });
  const clinic = await post(facility(`${name} 村卫生室`, 'village-clinic', village));
  const centre = await post(facility(`${town} 卫生院`, 'township-centre', town));
  facilities[village] = clinic;
  const id = await post({
    resourceType: 'Patient', gender: 'female', birthDate, name: [{ text: name }],
    identifier: [{ system: RESIDENT_ID_SYSTEM, value: residentId }],
    telecom: [{ system: 'phone', value: phone }],
    extension: [{ url: ORG_UNIT_EXTENSION, valueCode: village }],
  });
  const subject = { reference: `Patient/${id}` };
  const resources = [
    await post({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, subject, effectiveDateTime: '2026-03-02', valueQuantity: { value: 152, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } }),
    // Hypertension: registers the resident; never followed up, so on the overdue work list.
    await post({ resourceType: 'Condition', clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] }, code: { coding: [{ system: ICD10_SYSTEM, code: 'I10' }] }, subject, onsetDateTime: '2026-01-15' }),
    // A notifiable case report (hand, foot and mouth disease): the CDC's scope, the surveillance counts and line list.
    await post({
      resourceType: 'Condition', subject, category: [{ coding: [{ system: CASE_REPORT_CATEGORY_SYSTEM, code: 'notifiable' }] }],
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
      code: { coding: [{ system: ICD10_SYSTEM, code: 'B08.4' }] }, recordedDate: '2026-03-03T10:00:00+08:00',
    }),
    await post({ resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject, medicationCodeableConcept: { text: '氨氯地平' } }),
  ];
  const referral = await fhirFetch(`${server.url}/api/referrals`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: { patient: id, requester: clinic, performer: centre, priority: 'routine', reason: { code: 'I10', display: '高血压' } },
  });
  expect(referral.status, JSON.stringify(referral.body)).toBe(201);
  resources.push(referral.body.id as string);
  // A teleconsultation from the village clinic to the township centre about the patient.
  const tele = await fhirFetch(`${server.url}/api/teleconsults`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: { patient: id, requester: clinic, consultant: centre, question: 'BP 152/96 on amlodipine: add a second drug?' },
  });
  expect(tele.status, JSON.stringify(tele.body)).toBe(201);
  resources.push(tele.body.id as string);
  // A signal as a detection run stores it (the run itself is tested in surveillance-signals.test.ts).
  const days = await sql<{ lo: string | null; hi: string | null }>`SELECT min(day)::text AS lo, max(day)::text AS hi FROM proj_case WHERE disease = 'hfmd' AND org_unit = ${village}`.execute(server.database.db);
  const { lo, hi } = days.rows[0];
  expect(lo).toBeTruthy();
  const signal = randomUUID();
  await sql`INSERT INTO surv_signal (id, disease, org_unit, level, method, period_start, period_end, run_date, observed, threshold, status, created_at, updated_at, evidence)
    VALUES (${signal}, 'hfmd', ${village}, 'village', 'test', ${lo}::date, ${hi}::date, ${hi}::date, 1, 0.5, 'new', now(), now(), ${JSON.stringify({ casesFrom: lo, casesTo: hi })}::jsonb)`.execute(server.database.db);
  return { id, village, name, residentId, phone, maskedId: `${residentId.slice(0, 6)}********${residentId.slice(-4)}`, signal, resources };
}

beforeAll(async () => {
  server = await startTestServer({ clock: () => NOW });
  subjects.inside = await makeSubject(VILLAGE_IN, TOWN_IN, '矩阵内张秀英', '1958-04-12', 31, '13811112222');
  subjects.outside = await makeSubject(VILLAGE_OUT, TOWN_OUT, '矩阵外李桂兰', '1962-09-30', 47, '13933334444');
  for (const role of ROLES) tokens[role] = (await userToken(server, `matrix-${role}`, role, role === 'village-doctor' ? VILLAGE_IN : TOWN_IN)).token;
}, 180_000);
afterAll(async () => {
  await server?.stop();
});

/** Strings that must never appear in a response about anything but the outside patient's own break-the-glass. */
const secretsOf = (s: Subject) => [s.id, ...s.resources, s.name, s.residentId, s.phone];

/** The body without a Bundle's `link` (its `self` echoes the request's own query, e.g. `Patient?_id=<asked id>`). */
function withoutEcho(text: string): string {
  if (!text.startsWith('{')) return text;
  const body = JSON.parse(text) as { resourceType?: string; link?: unknown };
  if (body.resourceType === 'Bundle') delete body.link;
  return JSON.stringify(body);
}

function checkCell(role: RoleName, endpoint: Endpoint, want: Want, s: Subject, res: { status: number; text: string }) {
  const where = `${role} ${endpoint.key} ${s === subjects.inside ? 'inside' : 'outside'}`;
  const status = { D: 200, M: 200, A: 200, G: 200, F: 403, N: 404 }[want];
  expect(res.status, `${where}: ${res.text.slice(0, 200)}`).toBe(status);
  // 0 leaks: the outside patient is named nowhere, whatever the cell.
  const text = withoutEcho(res.text);
  for (const secret of secretsOf(subjects.outside)) expect(text.includes(secret), `${where} leaks ${secret === subjects.outside.id ? 'the patient id' : 'outside data'}`).toBe(false);
  if (want === 'D' || want === 'M') expect(res.text, where).toContain(s.id);
  if (want === 'A' || want === 'G' || want === 'F' || want === 'N') for (const secret of secretsOf(s)) expect(text.includes(secret), `${where} names the patient`).toBe(false);
  if (want === 'D' && endpoint.patientResource) expect(res.text, `${where}: full resident ID`).toContain(s.residentId);
  if (want === 'M') {
    expect(res.text, `${where}: masked ID`).toContain(s.maskedId);
    expect(res.text.includes(s.residentId) || res.text.includes(s.phone), `${where}: unmasked ID or phone`).toBe(false);
  }
  if (want === 'F') expect(JSON.parse(res.text).issue[0].code, where).toBe('forbidden');
}

describe('access matrix: role × inside/outside × endpoint', () => {
  it('declares a cell for every role of roles.ts and every endpoint', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) expect(cells(role)).toHaveLength(ENDPOINTS.length);
  });

  for (const role of ROLES) {
    it(`${role}: every cell as declared, 0 leaks`, async () => {
      for (const { endpoint, inside, outside } of cells(role)) {
        checkCell(role, endpoint, inside, subjects.inside, await get(endpoint.path(subjects.inside), tokens[role] as string));
        checkCell(role, endpoint, outside, subjects.outside, await get(endpoint.path(subjects.outside), tokens[role] as string));
      }
      // Roles that see the full values never get a masked copy; masked roles never the full values.
      const masked = role === 'pharmacist' || role === 'district-admin';
      const read = await get(`/fhir/Patient/${subjects.inside.id}`, tokens[role] as string);
      if (read.status === 200) expect(read.text.includes(subjects.inside.residentId), role).toBe(!masked);
    });
  }
});

/** Polls the audit table (reads are written in batches) until `check` holds, at most ~5 s. */
async function auditRows(where: (q: ReturnType<typeof baseAudit>) => ReturnType<typeof baseAudit>, check: (rows: AuditRow[]) => boolean): Promise<AuditRow[]> {
  let rows: AuditRow[] = [];
  for (let i = 0; i < 25; i++) {
    rows = await where(baseAudit()).execute();
    if (check(rows)) return rows;
    await new Promise((r) => setTimeout(r, 200));
  }
  return rows;
}
type AuditRow = { actor: string; action: string; outcome: string; resource_type: string | null; resource_id: string | null; detail: string | null };
const baseAudit = () => server.database.db.selectFrom('audit_log').select(['actor', 'action', 'outcome', 'resource_type', 'resource_id', 'detail']);

describe('refusals are audited', () => {
  it('every role has a denied row for its refused read of the outside patient and for the outside org unit', async () => {
    for (const role of ROLES) {
      const actor = `matrix-${role}`;
      // The bureau is refused on the type before any row is looked at, so its row names no id.
      const deniedRead = (r: AuditRow) => r.action === 'read' && r.resource_type === 'Patient' && (role === 'district-admin' ? r.resource_id === null : r.resource_id === subjects.outside.id);
      const deniedAggregate = (r: AuditRow) => r.action === 'aggregate' && r.detail === VILLAGE_OUT;
      // Poll until both rows are there: reads are audited in batches, so one may land a flush after the other.
      const rows = await auditRows((q) => q.where('actor', '=', actor).where('outcome', '=', 'denied'), (r) => r.some(deniedRead) && r.some(deniedAggregate));
      expect(rows.find(deniedRead), `${role}: denied read`).toBeDefined();
      expect(rows.some(deniedAggregate), `${role}: denied aggregate`).toBe(true);
    }
  });

  it('a line-list export without the permission is audited as a denied export', async () => {
    const rows = await auditRows((q) => q.where('actor', '=', 'matrix-clinician').where('action', '=', 'export'), (r) => r.length > 0);
    expect(rows).toContainEqual(expect.objectContaining({ outcome: 'denied', detail: `signal ${subjects.inside.signal} line list` }));
  });
});

describe('404 only where it reveals nothing', () => {
  it('an unknown Patient is 404 for roles that may read Patients, 403 for the bureau (same as an existing one)', async () => {
    const unknown = 'no-such-patient-0001';
    for (const role of ROLES) {
      const want = role === 'district-admin' ? 403 : 404;
      for (const path of [`/fhir/Patient/${unknown}`, `/fhir/Patient/${unknown}/$everything`, `/fhir/Patient/${unknown}/_history`]) {
        expect((await get(path, tokens[role] as string)).status, `${role} ${path}`).toBe(want);
      }
    }
  });
});

describe('break-the-glass', () => {
  it('opens the outside patient to a clinical role with a reason, flags every read; non-clinical roles are refused', async () => {
    const out = subjects.outside;
    const res = await fetch(`${server.url}/auth/break-glass`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens['village-doctor'] as string}` },
      body: JSON.stringify({ patient: out.id, reason: 'brought in unconscious, needs the record', minutes: 30 }),
    });
    expect(res.status).toBe(200);
    const glass = ((await res.json()) as { access_token: string }).access_token;
    for (const key of ['read', 'history', 'search-patient', 'search-obs', 'everything', 'registry']) {
      const endpoint = ENDPOINTS.find((e) => e.key === key) as Endpoint;
      const answer = await get(endpoint.path(out), glass);
      expect(answer.status, key).toBe(200);
      expect(answer.text, key).toContain(out.id);
    }
    // Still one patient only: another outside resident stays closed.
    expect((await get(`/fhir/Patient/${out.id}`, tokens['village-doctor'] as string)).status).toBe(403);
    const flagged = await auditRows(
      (q) => q.where('actor', '=', 'matrix-village-doctor').where('outcome', '=', 'success').where('resource_id', 'in', [out.id, ...out.resources]),
      (r) => r.some((x) => x.action === 'everything'),
    );
    const reads = flagged.filter((r) => ['read', 'history', 'search', 'everything'].includes(r.action));
    expect(reads.length).toBeGreaterThan(4);
    for (const r of reads) expect(r.detail ?? '', `${r.action} ${r.resource_type}`).toMatch(/^break-glass/);
    expect(flagged.some((r) => r.action === 'break-glass')).toBe(true);
    for (const role of ['pharmacist', 'cdc-epidemiologist', 'district-admin', 'data-steward', 'system-integrator'] as const) {
      const refused = await fetch(`${server.url}/auth/break-glass`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[role] as string}` },
        body: JSON.stringify({ patient: out.id, reason: 'no clinical need, should be refused' }),
      });
      expect(refused.status, role).toBe(403);
    }
    const denied = await auditRows((q) => q.where('action', '=', 'break-glass').where('outcome', '=', 'denied'), (r) => r.length >= 5);
    expect(denied.map((r) => r.actor).sort()).toEqual(['matrix-cdc-epidemiologist', 'matrix-data-steward', 'matrix-district-admin', 'matrix-pharmacist', 'matrix-system-integrator']);
  });
});
