/**
 * Hardening and the audit view (issue 8): security headers on every response, CORS off by default
 * and by allow-list, body limits (413), the login rate limit (429 OperationOutcome), audit rows
 * with roles and source address, and the read-only FHIR AuditEvent view with its scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/server/index.js';
import { ORG_UNIT_EXTENSION } from '../src/foundation/fhir/index.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';
import { fhirFetch, startTestServer, userToken, type TestServer } from './helpers/server.js';

let server: TestServer;
const tight: { app?: App; database?: TestDatabase; url: string } = { url: '' };
const ids: Record<string, string> = {};
const users: Record<string, { token: string; password: string }> = {};
const VILLAGE_A = '330109001001';
const VILLAGE_B = '330109001002';
const ORIGIN = 'https://his.example.org';
const flushAudit = () => new Promise((r) => setTimeout(r, 400));
const patientIn = (village: string, name: string) => ({ resourceType: 'Patient', name: [{ text: name }], extension: [{ url: ORG_UNIT_EXTENSION, valueCode: village }] });
const as = (who: string) => ({ token: users[who].token });

beforeAll(async () => {
  server = await startTestServer();
  ids.a = (await fhirFetch(`${server.fhir}/Patient`, { method: 'POST', body: patientIn(VILLAGE_A, '甲') })).body.id;
  ids.b = (await fhirFetch(`${server.fhir}/Patient`, { method: 'POST', body: patientIn(VILLAGE_B, '乙') })).body.id;
  users.vd = await userToken(server, 'vd-a', 'village-doctor', VILLAGE_A);
  users.bureau = await userToken(server, 'bureau', 'district-admin', '330109');
  users.steward = await userToken(server, 'steward', 'data-steward', null);
  // A second server with tight limits, an allowed origin and HSTS.
  tight.database = await freshDatabase();
  tight.app = await buildApp({ db: tight.database.db, logLevel: 'silent', security: { corsOrigins: [ORIGIN], hstsSeconds: 31536000, rateLimitLoginMax: 3, fhirBodyLimit: 64 * 1024 } });
  tight.url = await tight.app.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server?.stop();
  await tight.app?.close();
  await tight.database?.drop();
});

describe('security headers', () => {
  it('sends nosniff, DENY, no-referrer and a CSP on API responses, 404s and 401s; no HSTS unless configured', async () => {
    for (const [url, status] of [[`${server.url}/healthz`, 200], [`${server.url}/api/nothing-here`, 404], [`${server.fhir}/Patient`, 401]] as const) {
      const res = await fetch(url);
      expect(res.status).toBe(status);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
    expect((await fetch(`${tight.url}/healthz`)).headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });
});

describe('CORS', () => {
  it('is off by default: no Access-Control-Allow-Origin for any origin, preflight not answered', async () => {
    const res = await fetch(`${server.url}/healthz`, { headers: { origin: ORIGIN } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await fetch(`${server.fhir}/Patient`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'GET' } });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers an allowed origin (and its preflight) and nobody else', async () => {
    const ok = await fetch(`${tight.url}/healthz`, { headers: { origin: ORIGIN } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(ok.headers.get('vary')).toContain('Origin');
    const pre = await fetch(`${tight.url}/fhir/Patient`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toContain('Authorization');
    const other = await fetch(`${tight.url}/healthz`, { headers: { origin: 'https://evil.example.com' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('body and rate limits', () => {
  it('answers 413 OperationOutcome over the /fhir body limit and accepts a body under it', async () => {
    const { token } = await userToken({ app: tight.app!, url: tight.url }, 'big-body', 'clinician', null);
    const big = { ...patientIn(VILLAGE_A, '大'), text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(70 * 1024)}</div>` } };
    const res = await fhirFetch(`${tight.url}/fhir/Patient`, { method: 'POST', body: big, token });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'too-costly' }] });
    const small = { ...big, text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(20 * 1024)}</div>` } };
    expect((await fhirFetch(`${tight.url}/fhir/Patient`, { method: 'POST', body: small, token })).status).toBe(201);
    const login = await fetch(`${tight.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'x', password: 'y'.repeat(20 * 1024) }) });
    expect(login.status).toBe(413);
  });

  it('answers 429 OperationOutcome with Retry-After once an IP passes the login budget; other routes keep working', async () => {
    // The previous test spent two logins of the budget of 3 (userToken, and the 413 one: the limit counts requests, before the body is read).
    const attempt = () => fetch(`${tight.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nobody-here', password: 'Wrong-password-1' }) });
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) statuses.push((await attempt()).status);
    expect(statuses).toEqual([401, 429]);
    const res = await attempt();
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'throttled' }] });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const token = await fetch(`${tight.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=a&client_secret=b' });
    expect(token.status).toBe(429);
    expect((await fetch(`${tight.url}/healthz`)).status).toBe(200);
  });
});

describe('audit rows carry roles and source address', () => {
  it('stamps a read with the reader’s role and IP, and GET /audit shows them', async () => {
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.a}`, as('vd'))).status).toBe(200);
    await flushAudit();
    const row = await server.database.db.selectFrom('audit_log').select(['actor_roles', 'source_address', 'action']).where('resident_id', '=', ids.a).where('actor', '=', 'vd-a').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ action: 'read', actor_roles: 'village-doctor', source_address: '127.0.0.1' });
    // A write is audited in its transaction, with the same columns.
    const created = await server.database.db.selectFrom('audit_log').select(['actor_roles', 'source_address']).where('resource_id', '=', ids.a).where('action', '=', 'create').executeTakeFirstOrThrow();
    expect(created).toEqual({ actor_roles: 'clinician', source_address: '127.0.0.1' });
    const report = (await (await fetch(`${server.url}/audit?patient=${ids.a}`, { headers: { authorization: `Bearer ${users.bureau.token}` } })).json()) as any;
    expect(report.entries.find((e: any) => e.actor === 'vd-a')).toMatchObject({ action: 'read', roles: ['village-doctor'], address: '127.0.0.1' });
  });
});

describe('FHIR AuditEvent view', () => {
  beforeAll(async () => {
    expect((await fhirFetch(`${server.fhir}/Patient/${ids.b}`, as('vd'))).status).toBe(403); // a refused read, audited
    await flushAudit();
  });

  it('lets the bureau search a patient’s events, mapped to R4 AuditEvent codes', async () => {
    const res = await fhirFetch(`${server.fhir}/AuditEvent?patient=${ids.a}&agent=vd-a`, as('bureau'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    const read = res.body.entry.map((e: any) => e.resource).find((r: any) => r.subtype[0].code === 'read');
    expect(read).toMatchObject({
      resourceType: 'AuditEvent',
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
      subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }],
      action: 'R',
      outcome: '0',
      agent: [{ who: { identifier: { value: 'vd-a' } }, requestor: true, role: [{ coding: [{ code: 'village-doctor' }] }], network: { address: '127.0.0.1', type: '2' } }],
      entity: [{ what: { reference: `Patient/${ids.a}` }, role: { code: '1' } }],
    });
    expect(res.body.entry.every((e: any) => e.resource.agent[0].who.identifier.value === 'vd-a')).toBe(true);
    const one = await fhirFetch(`${server.fhir}/AuditEvent/${read.id}`, as('bureau'));
    expect(one.status).toBe(200);
    expect(one.body).toEqual(read);
  });

  it('filters by date (ge/le) and pages with _count', async () => {
    const tomorrow = new Date(Date.now() + 86400_000).toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86400_000).toISOString().slice(0, 10);
    expect((await fhirFetch(`${server.fhir}/AuditEvent?patient=${ids.a}&date=ge${tomorrow}`, as('bureau'))).body.total).toBe(0);
    const all = await fhirFetch(`${server.fhir}/AuditEvent?patient=${ids.a}&date=ge${yesterday}&date=le${tomorrow}`, as('bureau'));
    expect(all.body.total).toBeGreaterThanOrEqual(2);
    const page = await fhirFetch(`${server.fhir}/AuditEvent?patient=${ids.a}&_count=1`, as('bureau'));
    expect(page.body.entry).toHaveLength(1);
    expect(page.body.link.find((l: any) => l.relation === 'next').url).toContain('_offset=1');
    expect((await fhirFetch(`${server.fhir}/AuditEvent?date=yesterday`, as('bureau'))).status).toBe(400);
    expect((await fhirFetch(`${server.fhir}/AuditEvent?subtype=read`, as('bureau'))).status).toBe(400);
  });

  it('shows a refused read as outcome 4 to the data steward, who may search without a patient', async () => {
    const res = await fhirFetch(`${server.fhir}/AuditEvent?agent=vd-a&entity=Patient/${ids.b}`, as('steward'));
    expect(res.status).toBe(200);
    expect(res.body.entry.map((e: any) => e.resource)).toContainEqual(expect.objectContaining({ action: 'R', outcome: '4', outcomeDesc: expect.stringContaining('denied') }));
  });

  it('gives others only the events of patients they may read', async () => {
    expect((await fhirFetch(`${server.fhir}/AuditEvent`, as('vd'))).status).toBe(403);
    const own = await fhirFetch(`${server.fhir}/AuditEvent?patient=${ids.a}`, as('vd'));
    expect(own.status).toBe(200);
    expect(own.body.total).toBeGreaterThan(0);
    expect((await fhirFetch(`${server.fhir}/AuditEvent?patient=${ids.b}`, as('vd'))).status).toBe(403);
    const ofB = (await fhirFetch(`${server.fhir}/AuditEvent?patient=${ids.b}`, as('bureau'))).body.entry[0].resource.id;
    expect((await fhirFetch(`${server.fhir}/AuditEvent/${ofB}`, as('vd'))).status).toBe(403);
    const login = (await fhirFetch(`${server.fhir}/AuditEvent?agent=vd-a`, as('steward'))).body.entry.find((e: any) => e.resource.type.code === '110114').resource;
    expect(login).toMatchObject({ subtype: [{ code: '110122' }], action: 'E' });
    expect((await fhirFetch(`${server.fhir}/AuditEvent/${login.id}`, as('vd'))).status).toBe(403);
    expect((await fhirFetch(`${server.fhir}/AuditEvent/999999999`, as('bureau'))).status).toBe(404);
  });

  it('refuses every write with 405 and changes nothing', async () => {
    const before = await fhirFetch(`${server.fhir}/AuditEvent?patient=${ids.a}&_count=1000`, as('bureau'));
    const id = before.body.entry[0].resource.id;
    const event = { resourceType: 'AuditEvent', type: { code: 'rest' }, recorded: new Date().toISOString(), agent: [{ requestor: true }], source: { observer: { display: 'x' } } };
    const attempts = [
      await fhirFetch(`${server.fhir}/AuditEvent`, { method: 'POST', body: event }),
      await fhirFetch(`${server.fhir}/AuditEvent/${id}`, { method: 'PUT', body: { ...event, id } }),
      await fhirFetch(`${server.fhir}/AuditEvent/${id}`, { method: 'DELETE', ...as('bureau') }),
      await fhirFetch(`${server.fhir}`, { method: 'POST', body: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: event, request: { method: 'POST', url: 'AuditEvent' } }] } }),
    ];
    for (const a of attempts) {
      expect(a.status).toBe(405);
      expect(a.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'not-supported' }] });
    }
    const stored = await server.database.db.selectFrom('fhir_resource').select('id').where('resource_type', '=', 'AuditEvent').execute();
    expect(stored).toEqual([]);
    expect((await fhirFetch(`${server.fhir}/AuditEvent/${id}`, as('bureau'))).body).toEqual(before.body.entry[0].resource);
    const after = await fhirFetch(`${server.fhir}/AuditEvent?patient=${ids.a}&_count=1000`, as('bureau'));
    // Only the audit of looking at the audit was added (audit-search rows), none was changed or removed.
    const ids0 = new Set(before.body.entry.map((e: any) => e.resource.id));
    expect(after.body.entry.filter((e: any) => ids0.has(e.resource.id)).map((e: any) => e.resource)).toEqual(before.body.entry.map((e: any) => e.resource));
  });
});
