/**
 * Access control end to end: login, lock-out, tokens and expiry, refresh, scopes compiled into the
 * SQL of read/search/$everything/history, writes checked, bureau without patient data, the CDC's
 * case-report scope, break-the-glass with its audit, and OAuth2 client credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_REPORT_CATEGORY_SYSTEM, FAMILY_DOCTOR_TEAM_EXTENSION, ORG_UNIT_EXTENSION } from '../src/foundation/fhir/index.js';
import { fhirFetch, signInAgain, startTestServer, userToken, type TestServer } from './helpers/server.js';

let server: TestServer;
let now = new Date('2026-03-02T08:00:00Z');
const advance = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));
const ids: Record<string, string> = {};
const VILLAGE_A = '330109001001';
const VILLAGE_B = '330109001002';

async function post(body: Record<string, unknown>, token?: string | null) {
  return fhirFetch(`${server.fhir}/${body.resourceType}`, { method: 'POST', body, token });
}
const patientIn = (village: string, name: string) => ({ resourceType: 'Patient', name: [{ text: name }], extension: [{ url: ORG_UNIT_EXTENSION, valueCode: village }] });
const sbp = (patient: string) => ({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, subject: { reference: `Patient/${patient}` }, valueQuantity: { value: 150, unit: 'mm[Hg]' } });
async function login(username: string, password: string) {
  const res = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  return { status: res.status, body: (await res.json()) as any };
}
const count = async (query: string, token?: string) => (await fhirFetch(`${server.fhir}/${query}${query.includes('?') ? '&' : '?'}_summary=count`, { token })).body.total as number;
const flushAudit = () => new Promise((r) => setTimeout(r, 400));

const users: Record<string, { token: string; password: string; refresh: string }> = {};

beforeAll(async () => {
  server = await startTestServer({ clock: () => now, accessTokenSeconds: 900 });
  ids.a = (await post(patientIn(VILLAGE_A, '甲'))).body.id;
  ids.b = (await post(patientIn(VILLAGE_B, '乙'))).body.id;
  ids.c = (await post(patientIn('330109002001', '丙'))).body.id;
  for (const p of [ids.a, ids.b, ids.c]) await post(sbp(p));
  ids.caseB = (await post({ resourceType: 'Condition', subject: { reference: `Patient/${ids.b}` }, category: [{ coding: [{ system: CASE_REPORT_CATEGORY_SYSTEM, code: 'notifiable' }] }], code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'B08.4' }] } })).body.id;
  ids.org = (await post({ resourceType: 'Organization', name: '村卫生室' })).body.id;
  users.vd = await userToken(server, 'vd-a', 'village-doctor', VILLAGE_A);
  users.bureau = await userToken(server, 'bureau', 'district-admin', '330109');
  users.cdc = await userToken(server, 'cdc-1', 'cdc-epidemiologist', '330109001');
});
afterAll(async () => {
  await server?.stop();
});

describe('login and tokens', () => {
  it('logs in with JSON and returns a Bearer token, refresh token and expiry; /auth/me lists roles', async () => {
    const res = await login('vd-a', users.vd.password);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(res.body.access_token).toMatch(/^ey/);
    expect(res.body.refresh_token).toBeTruthy();
    const me = await fetch(`${server.url}/auth/me`, { headers: { authorization: `Bearer ${res.body.access_token}` } });
    expect(await me.json()).toMatchObject({ username: 'vd-a', roles: [{ role: 'village-doctor', orgUnit: VILLAGE_A }] });
  });

  it('answers a wrong password and an unknown user alike with 401', async () => {
    const wrong = await login('vd-a', 'Not-the-password-1');
    const unknown = await login('nobody-here', 'Not-the-password-1');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('locks an account after five failures, until the lock runs out', async () => {
    const { password } = await userToken(server, 'locky', 'clinician', '330109');
    for (let i = 0; i < 5; i++) expect((await login('locky', 'Wrong-password-9')).status).toBe(401);
    expect((await login('locky', password)).status).toBe(401);
    advance(16 * 60);
    expect((await login('locky', password)).status).toBe(200);
  });

  it('requires a token on /fhir except /fhir/metadata; forged tokens get 401', async () => {
    expect((await fhirFetch(`${server.fhir}/metadata`, { token: null })).status).toBe(200);
    const none = await fhirFetch(`${server.fhir}/Patient`, { token: null });
    expect(none.status).toBe(401);
    expect(none.body.resourceType).toBe('OperationOutcome');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const [h, p] = users.vd.token.split('.');
    expect((await fhirFetch(`${server.fhir}/Patient`, { token: `${h}.${p}.forged-signature` })).status).toBe(401);
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.a}`, { token: 'garbage' })).status).toBe(401);
  });

  it('expires access tokens; refresh rotates the refresh token', async () => {
    const fresh = await login('vd-a', users.vd.password);
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.a}`, { token: fresh.body.access_token })).status).toBe(200);
    advance(901);
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.a}`, { token: fresh.body.access_token })).status).toBe(401);
    const refreshed = await fetch(`${server.url}/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: fresh.body.refresh_token }) });
    expect(refreshed.status).toBe(200);
    const body = (await refreshed.json()) as any;
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.a}`, { token: body.access_token })).status).toBe(200);
    const reuse = await fetch(`${server.url}/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: fresh.body.refresh_token }) });
    expect(reuse.status).toBe(401);
    await fetch(`${server.url}/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: body.refresh_token }) });
    const afterLogout = await fetch(`${server.url}/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: body.refresh_token }) });
    expect(afterLogout.status).toBe(401);
    users.vd.token = (await login('vd-a', users.vd.password)).body.access_token;
  });
});

describe('scope: a village doctor', () => {
  beforeAll(async () => {
    await signInAgain(server);
  });

  it('reads their own village and gets 403 for another village', async () => {
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.a}`, { token: users.vd.token })).status).toBe(200);
    const other = await fhirFetch(`${server.fhir}/Patient/${ids.b}`, { token: users.vd.token });
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.body)).not.toContain('乙');
  });

  it('searches only inside the village: the SQL count excludes other villages', async () => {
    expect(await count('Patient')).toBe(3);
    expect(await count('Patient', users.vd.token)).toBe(1);
    expect(await count('Observation')).toBe(3);
    expect(await count('Observation', users.vd.token)).toBe(1);
    const bundle = (await fhirFetch(`${server.fhir}/Observation?_include=Observation:subject&_total=accurate`, { token: users.vd.token })).body;
    expect(bundle.total).toBe(1);
    expect(bundle.entry.map((e: any) => e.resource.subject?.reference ?? `Patient/${e.resource.id}`)).toEqual([`Patient/${ids.a}`, `Patient/${ids.a}`]);
    expect(await count('Organization', users.vd.token)).toBe(1);
  });

  it('gets $everything and history only for their own patients', async () => {
    const mine = await fhirFetch(`${server.fhir}/Patient/${ids.a}/$everything`, { token: users.vd.token });
    expect(mine.status).toBe(200);
    expect(mine.body.total).toBe(2);
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.b}/$everything`, { token: users.vd.token })).status).toBe(403);
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.b}/_history`, { token: users.vd.token })).status).toBe(403);
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.b}/_history/1`, { token: users.vd.token })).status).toBe(403);
    expect((await fhirFetch(`${server.fhir}/Patient/_history`, { token: users.vd.token })).body.total).toBe(1);
  });

  it('cannot write for a patient outside the village, and nothing is written', async () => {
    const before = await count('Observation');
    expect((await post(sbp(ids.b), users.vd.token)).status).toBe(403);
    expect((await post(patientIn(VILLAGE_B, '丁'), users.vd.token)).status).toBe(403);
    const moved = (await fhirFetch(`${server.fhir}/Patient/${ids.b}`)).body;
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.b}`, { method: 'PUT', body: { ...moved, extension: [{ url: ORG_UNIT_EXTENSION, valueCode: VILLAGE_A }] }, token: users.vd.token })).status).toBe(403);
    expect(await count('Observation')).toBe(before);
    expect((await post(sbp(ids.a), users.vd.token)).status).toBe(201);
    expect((await post({ resourceType: 'Organization', name: 'x' }, users.vd.token)).status).toBe(403);
  });
});

describe('scope: a family doctor bound to a care team', () => {
  it('sees the residents signed with the team, wherever they live', async () => {
    await signInAgain(server);
    const team = (await post({ resourceType: 'CareTeam', name: '城厢一队' })).body.id;
    const signed = (await post({ ...patientIn(VILLAGE_B, '戊'), extension: [{ url: ORG_UNIT_EXTENSION, valueCode: VILLAGE_B }, { url: FAMILY_DOCTOR_TEAM_EXTENSION, valueReference: { reference: `CareTeam/${team}` } }] })).body.id;
    await post(sbp(signed));
    const fd = await userToken(server, 'fd-team', 'family-doctor', null, team);
    const patients = (await fhirFetch(`${server.fhir}/Patient`, { token: fd.token })).body;
    expect(patients.entry.map((e: any) => e.resource.id)).toEqual([signed]);
    expect(await count('Observation', fd.token)).toBe(1);
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.b}`, { token: fd.token })).status).toBe(403);
  });
});

describe('scope: bureau and CDC', () => {
  beforeAll(async () => {
    users.bureau.token = (await login('bureau', users.bureau.password)).body.access_token;
    users.cdc.token = (await login('cdc-1', users.cdc.password)).body.access_token;
  });

  it('gives the district administrator 403 on patient data, reference data only', async () => {
    expect((await fhirFetch(`${server.fhir}/Patient`, { token: users.bureau.token })).status).toBe(403);
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.a}`, { token: users.bureau.token })).status).toBe(403);
    expect((await fhirFetch(`${server.fhir}/Observation?_count=5`, { token: users.bureau.token })).status).toBe(403);
    expect(await count('Organization', users.bureau.token)).toBe(1);
  });

  it('gives the CDC the notifiable cases of its area and the patients who have one', async () => {
    expect(await count('Condition', users.cdc.token)).toBe(1);
    const patients = (await fhirFetch(`${server.fhir}/Patient`, { token: users.cdc.token })).body;
    expect(patients.entry.map((e: any) => e.resource.id)).toEqual([ids.b]);
    expect((await fhirFetch(`${server.fhir}/Observation`, { token: users.cdc.token })).status).toBe(403);
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.a}`, { token: users.cdc.token })).status).toBe(403);
  });
});

describe('break-the-glass and audit', () => {
  it('opens one patient for a limited time, flags the reads and shows them in the access history', async () => {
    const res = await fetch(`${server.url}/auth/break-glass`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${users.vd.token}` },
      body: JSON.stringify({ patient: ids.b, reason: 'unconscious at the village clinic, needs history', minutes: 30 }),
    });
    expect(res.status).toBe(200);
    const glass = (await res.json()) as any;
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.b}`, { token: glass.access_token })).status).toBe(200);
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.c}`, { token: glass.access_token })).status).toBe(403);
    await flushAudit();
    const report = await fetch(`${server.url}/audit?patient=${ids.b}`, { headers: { authorization: `Bearer ${users.bureau.token}` } });
    expect(report.status).toBe(200);
    const entries = ((await report.json()) as any).entries as any[];
    expect(entries.some((e) => e.actor === 'vd-a' && e.action === 'read' && e.outcome === 'success' && e.breakGlass)).toBe(true);
    expect(entries.some((e) => e.actor === 'vd-a' && e.action === 'break-glass')).toBe(true);
    expect(entries.some((e) => e.actor === 'vd-a' && e.outcome === 'denied')).toBe(true);
    const review = (await (await fetch(`${server.url}/auth/break-glass`, { headers: { authorization: `Bearer ${users.bureau.token}` } })).json()) as any;
    expect(review.grants).toHaveLength(1);
    expect(review.grants[0]).toMatchObject({ username: 'vd-a', patientId: ids.b });
    advance(31 * 60);
    const later = await fetch(`${server.url}/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: (await login('vd-a', users.vd.password)).body.refresh_token }) });
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.b}`, { token: ((await later.json()) as any).access_token })).status).toBe(403);
  });

  it('refuses break-the-glass to the bureau, and names the user in the audit', async () => {
    users.bureau.token = (await login('bureau', users.bureau.password)).body.access_token;
    const res = await fetch(`${server.url}/auth/break-glass`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${users.bureau.token}` }, body: JSON.stringify({ patient: ids.a, reason: 'curiosity is not a reason' }) });
    expect(res.status).toBe(403);
    await flushAudit();
    const rows = await server.database.db.selectFrom('audit_log').select(['actor', 'outcome']).where('resident_id', '=', ids.a).execute();
    expect(rows.some((r) => r.actor === 'vd-a' && r.outcome === 'success')).toBe(true);
    expect(rows.some((r) => r.actor === 'anonymous')).toBe(false);
  });
});

describe('OAuth2 client credentials', () => {
  it('issues a token with the client scopes and enforces them', async () => {
    const { clientSecret } = await server.app.access.createClient({ clientId: 'his-town-1', role: 'system-integrator', orgUnit: '330109001', scopes: ['system/Observation.write', 'system/Patient.read'] });
    const bad = await fetch(`${server.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=his-town-1&client_secret=wrong' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'invalid_client' });
    const res = await fetch(`${server.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`his-town-1:${clientSecret}`).toString('base64')}` }, body: 'grant_type=client_credentials' });
    expect(res.status).toBe(200);
    const { access_token: token, scope } = (await res.json()) as any;
    expect(scope).toBe('system/Observation.write system/Patient.read');
    expect((await post(sbp(ids.b), token)).status).toBe(201);
    expect((await post(sbp(ids.c), token)).status).toBe(403);
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.a}`, { token })).status).toBe(200);
    expect((await fhirFetch(`${server.fhir}/Encounter`, { token })).status).toBe(403);
  });
});
