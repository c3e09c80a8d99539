/**
 * Health data never goes into logs (issue 8): the real app at log level `trace`, its log lines
 * captured, driven through every kind of route with one resident's ID, name and phone in request
 * bodies, paths and query strings — successes, validation errors, 401/403/404, conflicts, the
 * surveillance and chronic APIs — and then no captured line may contain any of them.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_UNIT_EXTENSION } from '../src/foundation/fhir/index.js';
import { RESIDENT_ID_SYSTEM } from '../src/foundation/fhir/conventions.js';
import { buildApp, type App } from '../src/server/index.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';
import { fhirFetch, userToken } from './helpers/server.js';

const RESIDENT_ID = '330181199001011234';
const FAMILY = '欧阳';
const GIVEN = '娜娜';
const PHONE = '13912345678';
const SECRETS = [RESIDENT_ID, FAMILY, GIVEN, PHONE, encodeURIComponent(FAMILY), encodeURIComponent(GIVEN)];

const lines: string[] = [];
let database: TestDatabase;
let app: App;
let url: string;
let token: string;

beforeAll(async () => {
  database = await freshDatabase();
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  app = await buildApp({ db: database.db, logLevel: 'trace', logStream: sink, accessTokenSeconds: 3600 });
  url = await app.app.listen({ port: 0, host: '127.0.0.1' });
  token = (await userToken({ app, url }, 'log-clinician', 'clinician', null)).token;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await database?.drop();
});

const call = (path: string, init: { method?: string; body?: unknown; token?: string | null } = {}) => fhirFetch(`${url}${path}`, { token: init.token === undefined ? token : init.token, method: init.method, body: init.body });

describe('logs', () => {
  it('carry no resident ID, name or phone, whatever the request and its outcome', async () => {
    const patient = {
      resourceType: 'Patient',
      identifier: [{ system: RESIDENT_ID_SYSTEM, value: RESIDENT_ID }],
      name: [{ family: FAMILY, given: [GIVEN], text: `${FAMILY}${GIVEN}` }],
      telecom: [{ system: 'phone', value: PHONE }],
      gender: 'female',
      birthDate: '1990-01-01',
      extension: [{ url: ORG_UNIT_EXTENSION, valueCode: '330109001001' }],
    };
    const created = await call('/fhir/Patient', { method: 'POST', body: patient });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const outcomes = [
      (await call(`/fhir/Patient/${id}`)).status,
      (await call(`/fhir/Patient?identifier=${RESIDENT_ID_SYSTEM}|${RESIDENT_ID}`)).status,
      (await call(`/fhir/Patient?name=${encodeURIComponent(FAMILY)}&telecom=${PHONE}`)).status,
      (await call(`/fhir/Patient/${id}/$everything`)).status,
      (await call(`/fhir/Patient/${id}/_history`)).status,
      (await call('/fhir/Patient/$match', { method: 'POST', body: { resourceType: 'Parameters', parameter: [{ name: 'resource', resource: patient }] } })).status,
      // Validation error with the data in the body, a bad date next to it.
      (await call('/fhir/Patient', { method: 'POST', body: { ...patient, birthDate: `${RESIDENT_ID}` } })).status,
      // Unknown path, id-like segment carrying the resident ID.
      (await call(`/fhir/Patient/${RESIDENT_ID}-${PHONE}`)).status,
      // No token, forged token, a search carrying the phone.
      (await call(`/fhir/Patient?telecom=${PHONE}`, { token: null })).status,
      (await call(`/fhir/Patient?telecom=${PHONE}`, { token: 'forged.token.value' })).status,
      // Malformed JSON carrying the name.
      (await fetch(`${url}/fhir/Patient`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, body: `{"resourceType":"Patient","name":[{"family":"${FAMILY}"` })).status,
      // Conflicting version.
      (await fetch(`${url}/fhir/Patient/${id}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', 'if-match': 'W/"999"' }, body: JSON.stringify({ ...patient, id }) })).status,
      // Login with the phone as user name and the ID as password.
      (await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: PHONE, password: RESIDENT_ID }) })).status,
      // Domain APIs: chronic registry and a follow-up with a bad value, the audit of the patient.
      (await call(`/api/chronic/registry/${id}`)).status,
      (await call('/api/chronic/follow-ups', { method: 'POST', body: { patient: id, condition: 'hypertension', date: '2025-06-30', bp: { systolic: 300, diastolic: 20 }, note: `${FAMILY}${GIVEN} ${PHONE}` } })).status,
      (await call(`/audit?patient=${id}`)).status,
    ];
    // The calls really went through their paths: successes and refusals both.
    expect(outcomes.filter((s) => s < 300).length).toBeGreaterThanOrEqual(6);
    expect(outcomes.filter((s) => s >= 400).length).toBeGreaterThanOrEqual(6);
    await new Promise((r) => setTimeout(r, 200));
    expect(lines.length).toBeGreaterThan(20);
    // The request lines are there (method and path), so the check reads real log output.
    expect(lines.some((l) => l.includes('"url":"/fhir/Patient"'))).toBe(true);
    const leaks = lines.filter((l) => SECRETS.some((s) => l.includes(s)));
    expect(leaks).toEqual([]);
  });
});
