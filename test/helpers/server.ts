/**
 * Starts the real app on a random local port over a fresh test database, with a signed-in test
 * user: `test-clinician`, role clinician granted platform-wide (no org unit), which reaches every
 * row including those without an org unit and may write reference data. `fhirFetch` sends that
 * user's token to the server it was issued by, unless the call gives its own `authorization`
 * header or `token: null`.
 */
import { randomBytes } from 'node:crypto';
import { buildApp, type App } from '../../src/server/index.js';
import type { DiseaseList } from '../../src/publichealth/index.js';
import { freshDatabase, type TestDatabase } from './database.js';

export interface TestServer {
  url: string;
  fhir: string;
  app: App;
  database: TestDatabase;
  /** Bearer token of the platform-wide test user (see signInAgain after moving a test clock). */
  token: string;
  /** Password of the platform-wide test user `test-clinician`. */
  password: string;
  stop(): Promise<void>;
}

/** Tokens by server origin, so fhirFetch can sign in as the test user of the server it calls. */
const tokens = new Map<string, string>();

/** A password that satisfies the password rules. */
export function strongPassword(): string {
  return `Hb-${randomBytes(12).toString('base64url')}-9a`;
}

/** Creates a user with one grant on the running server and returns a fresh access token for it. */
export async function userToken(server: Pick<TestServer, 'app' | 'url'>, username: string, role: string, org?: string | null, careTeam?: string | null): Promise<{ token: string; password: string; refresh: string }> {
  const password = strongPassword();
  await server.app.access.createUser({ username, password, role, orgUnit: org ?? null, careTeam: careTeam ?? null });
  const res = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status}`);
  const body = (await res.json()) as { access_token: string; refresh_token: string };
  return { token: body.access_token, password, refresh: body.refresh_token };
}

/** Logs the platform-wide test user in again (e.g. after a test clock passed its token's expiry); fhirFetch then uses the new token. */
export async function signInAgain(server: TestServer): Promise<string> {
  const res = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'test-clinician', password: server.password }) });
  server.token = ((await res.json()) as { access_token: string }).access_token;
  tokens.set(new URL(server.url).origin, server.token);
  return server.token;
}

/** Access tokens of the test server live an hour unless asked otherwise, so slow machines do not see them expire. */
export async function startTestServer(options: { clock?: () => Date; accessTokenSeconds?: number; diseases?: DiseaseList } = {}): Promise<TestServer> {
  const database = await freshDatabase();
  const app = await buildApp({ db: database.db, logLevel: 'silent', clock: options.clock, accessTokenSeconds: options.accessTokenSeconds ?? 3600, diseases: options.diseases });
  const address = await app.app.listen({ port: 0, host: '127.0.0.1' });
  const { token, password } = await userToken({ app, url: address }, 'test-clinician', 'clinician', null);
  tokens.set(new URL(address).origin, token);
  return {
    url: address,
    fhir: `${address}/fhir`,
    app,
    database,
    token,
    password,
    stop: async () => {
      tokens.delete(new URL(address).origin);
      await app.close();
      await database.drop();
    },
  };
}

/** fetch with FHIR JSON in and out, as the test user unless `token` (null = none) or an authorization header is given. */
export async function fhirFetch(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; token?: string | null } = {}) {
  const token = init.token === undefined ? tokens.get(new URL(url).origin) : init.token;
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/fhir+json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/fhir+json' } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
