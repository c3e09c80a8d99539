/**
 * OpenID Connect login against a REAL local OpenID provider (`oidc-provider`, panva) on a random
 * port: authorization code + PKCE + state + nonce, the ID token checked by `openid-client`, the
 * subject mapped to a linked local account whose own grants apply on /fhir. The "browser" is a
 * fetch with redirect: 'manual' that follows Location headers itself and carries cookies per origin
 * explicitly (a tiny jar; the platform binds a login to the browser with an HttpOnly cookie).
 * A switch in the issuer's HTTP server re-signs the ID token of the token response with another
 * audience, issuer or key, to show those tokens are refused.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORG_UNIT_EXTENSION } from '../src/foundation/fhir/index.js';
import { linkOidcSubject } from '../src/foundation/access/index.js';
import { openDatabase } from '../src/foundation/db/index.js';
import { buildApp, type App } from '../src/server/index.js';
import { runCli } from './helpers/cli.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';
import { fhirFetch, strongPassword } from './helpers/server.js';

const VILLAGE_A = '330109001001';
const VILLAGE_B = '330109001002';
type Tamper = null | 'resign' | 'aud' | 'iss' | 'nonce' | 'key';

let idp: Server;
let issuer: string;
let provider: Provider;
let tamper: Tamper = null;
/** The subject the next interaction at the issuer signs in as (the "person at the keyboard"). */
let nextSubject = 'sub-alice';
const usernames: Record<string, string> = { 'sub-bob': 'oidc-bob', 'sub-mallory': 'oidc-bob' };
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let signingKey: PrivateKey;
let otherKey: PrivateKey;
let kid: string;

interface Platform {
  app: App;
  db: TestDatabase;
  url: string;
}
let main: Platform;
let claimBased: Platform;

async function startPlatform(oidc: Parameters<typeof buildApp>[0]['oidc']): Promise<Platform> {
  const db = await freshDatabase();
  const app = await buildApp({ db: db.db, logLevel: 'silent', oidc });
  const url = await app.app.listen({ port: 0, host: '127.0.0.1' });
  return { app, db, url };
}

/** Re-signs the id_token of a token-endpoint JSON body as `tamper` says. */
async function rewrite(body: string): Promise<string> {
  const json = JSON.parse(body) as { id_token?: string };
  if (!json.id_token) return body;
  const claims = decodeJwt(json.id_token);
  if (tamper === 'aud') claims.aud = 'another-client';
  if (tamper === 'iss') claims.iss = 'http://127.0.0.1:1/another-issuer';
  if (tamper === 'nonce') claims.nonce = 'a-nonce-of-another-login';
  json.id_token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(tamper === 'key' ? otherKey : signingKey);
  return JSON.stringify(json);
}

async function idpHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  if (path.startsWith('/interaction/')) {
    // Sign in as nextSubject and grant the client what it asked (no UI: this is the test's user).
    const details = await provider.interactionDetails(req, res);
    const clientId = String(details.params.client_id);
    const grant = new provider.Grant({ accountId: nextSubject, clientId });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: nextSubject }, consent: { grantId } }, { mergeWithLastSubmission: false });
    return;
  }
  if (tamper && path === '/token') {
    const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
    (res as { end: unknown }).end = (chunk?: unknown) => {
      void rewrite(String(chunk)).then((body) => {
        res.setHeader('content-length', Buffer.byteLength(body));
        end(body);
      });
      return res;
    };
  }
  provider.callback()(req, res);
}

/** A cookie-less fetch client made to behave like a browser: cookies kept per origin, redirects followed by hand. */
class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  async request(url: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
    const origin = new URL(url).origin;
    const cookies = [...(this.jar.get(origin) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { ...(cookies ? { cookie: cookies } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      const jar = this.jar.get(origin) ?? new Map<string, string>();
      const value = pair.slice(i + 1);
      if (value && !/max-age=0/i.test(line)) jar.set(pair.slice(0, i), value);
      else jar.delete(pair.slice(0, i));
      this.jar.set(origin, jar);
    }
    return res;
  }

  /** Follows redirects from `url` until `stop(next)` says so or a response is not a redirect; returns the last URL and response. */
  async follow(url: string, stop: (next: string) => boolean = () => false): Promise<{ url: string; res: Response; next?: string }> {
    let current = url;
    for (let hop = 0; hop < 15; hop++) {
      const res = await this.request(current);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return { url: current, res };
      const next = new URL(location, current).href;
      if (stop(next)) return { url: current, res, next };
      current = next;
    }
    throw new Error('too many redirects');
  }
}

/** Runs the whole login on `platform` as `subject`; returns the browser, the final response and the hand-off fragment. */
async function signIn(platform: Platform, subject: string, browser = new Browser()) {
  nextSubject = subject;
  const { res, next } = await browser.follow(`${platform.url}/auth/oidc/login?next=/patients`, (n) => n.includes('/login#'));
  const fragment = next ? new URLSearchParams(new URL(next).hash.slice(1)) : undefined;
  return { browser, res, fragment };
}

async function failedOidcLogins(platform: Platform): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 300));
  const rows = await platform.db.db.selectFrom('audit_log').select('detail').where('action', '=', 'login').where('outcome', '=', 'failure').execute();
  return rows.map((r) => r.detail ?? '').filter((d) => d.startsWith('oidc'));
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  kid = 'test-key-1';
  const jwk: JWK = { ...(await exportJWK(pair.privateKey)), kid, alg: 'RS256', use: 'sig' };

  idp = createServer((req, res) => {
    idpHandler(req, res).catch((err) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;

  main = await startPlatform({ issuer, clientId: 'healthy-brain', clientSecret: 'hb-client-secret-0123456789', displayName: 'District IdP' });
  claimBased = await startPlatform({ issuer, clientId: 'healthy-brain-2', clientSecret: 'hb-client-secret-9876543210', usernameClaim: 'preferred_username' });

  provider = new Provider(issuer, {
    clients: [
      { client_id: 'healthy-brain', client_secret: 'hb-client-secret-0123456789', redirect_uris: [`${main.url}/auth/oidc/callback`], token_endpoint_auth_method: 'client_secret_post' },
      { client_id: 'healthy-brain-2', client_secret: 'hb-client-secret-9876543210', redirect_uris: [`${claimBased.url}/auth/oidc/callback`], token_endpoint_auth_method: 'client_secret_post' },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    claims: { openid: ['sub'], profile: ['preferred_username'] },
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, ...(usernames[sub] ? { preferred_username: usernames[sub] } : {}) }) }),
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  });

  // Local accounts: alice (village doctor of village A) signs in only through the IdP; bob is linked on first login by claim.
  await main.app.access.createUser({ username: 'oidc-alice', password: null, role: 'village-doctor', orgUnit: VILLAGE_A });
  await linkOidcSubject(main.db.db, { username: 'oidc-alice', issuer, subject: 'sub-alice' });
  await claimBased.app.access.createUser({ username: 'oidc-bob', password: strongPassword(), role: 'clinician', orgUnit: null });
  // Two residents, one in each village, written by a platform-wide clinician.
  const password = strongPassword();
  await main.app.access.createUser({ username: 'oidc-admin', password, role: 'clinician', orgUnit: null });
  const login = await fetch(`${main.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'oidc-admin', password }) });
  const token = ((await login.json()) as { access_token: string }).access_token;
  for (const village of [VILLAGE_A, VILLAGE_B]) {
    const r = await fhirFetch(`${main.url}/fhir/Patient`, { method: 'POST', token, body: { resourceType: 'Patient', name: [{ text: village }], extension: [{ url: ORG_UNIT_EXTENSION, valueCode: village }] } });
    expect(r.status).toBe(201);
  }
});

afterAll(async () => {
  for (const p of [main, claimBased]) {
    await p?.app.close();
    await p?.db.drop();
  }
  await new Promise((r) => idp?.close(r));
});

describe('OpenID Connect login', () => {
  it('says it is on, with the button name', async () => {
    const res = await fetch(`${main.url}/auth/oidc/config`);
    expect(await res.json()).toEqual({ enabled: true, name: 'District IdP' });
  });

  it('redirects to the issuer with PKCE S256, state and nonce, and sets an HttpOnly binding cookie', async () => {
    const res = await new Browser().request(`${main.url}/auth/oidc/login`);
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(to.origin).toBe(issuer);
    expect(to.searchParams.get('client_id')).toBe('healthy-brain');
    expect(to.searchParams.get('redirect_uri')).toBe(`${main.url}/auth/oidc/callback`);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(to.searchParams.get('state')).toBeTruthy();
    expect(to.searchParams.get('nonce')).toBeTruthy();
    expect(res.headers.get('set-cookie')).toMatch(/^hb_oidc=[^;]+; Path=\/auth\/oidc; Max-Age=600; HttpOnly; SameSite=Lax/);
  });

  it('signs the linked local user in: one-time code → the platform tokens, its own roles on /fhir', async () => {
    const { browser, res, fragment } = await signIn(main, 'sub-alice');
    expect(res.status).toBe(303);
    expect(fragment?.get('next')).toBe('/patients');
    const code = fragment!.get('oidc_code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const tokenRes = await browser.request(`${main.url}/auth/oidc/token`, { method: 'POST', body: { code } });
    expect(tokenRes.status).toBe(200);
    expect(tokenRes.headers.get('cache-control')).toBe('no-store');
    const tokens = (await tokenRes.json()) as Record<string, unknown>;
    expect(Object.keys(tokens).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
    expect(tokens.token_type).toBe('Bearer');
    const me = await fetch(`${main.url}/auth/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await me.json()).toMatchObject({ username: 'oidc-alice', roles: [{ role: 'village-doctor', orgUnit: VILLAGE_A }] });
    // The village doctor's scope: only village A's resident.
    const search = await fhirFetch(`${main.url}/fhir/Patient`, { token: tokens.access_token as string });
    expect(search.status).toBe(200);
    expect(search.body.entry.map((e: any) => e.resource.name[0].text)).toEqual([VILLAGE_A]);
    // The hand-off code is single use; the refresh token works like any other.
    expect((await browser.request(`${main.url}/auth/oidc/token`, { method: 'POST', body: { code } })).status).toBe(401);
    const refreshed = await fetch(`${main.url}/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: tokens.refresh_token }) });
    expect(refreshed.status).toBe(200);
    const audit = await main.db.db.selectFrom('audit_log').select(['actor', 'detail']).where('action', '=', 'login').where('outcome', '=', 'success').execute();
    expect(audit).toContainEqual({ actor: 'oidc-alice', detail: 'oidc' });
  });

  it('refuses the hand-off code from another browser (no binding cookie)', async () => {
    const { fragment } = await signIn(main, 'sub-alice');
    const res = await new Browser().request(`${main.url}/auth/oidc/token`, { method: 'POST', body: { code: fragment!.get('oidc_code') } });
    expect(res.status).toBe(401);
  });

  it('answers an unknown subject with 401, audited as a failed login', async () => {
    const { res, fragment } = await signIn(main, 'sub-stranger');
    expect(fragment).toBeUndefined();
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).resourceType).toBe('OperationOutcome');
    expect(await failedOidcLogins(main)).toContain('oidc: unknown subject');
  });

  it('answers a tampered state, and a callback without the browser cookie, with 401 and the same body', async () => {
    nextSubject = 'sub-alice';
    const browser = new Browser();
    const { next } = await browser.follow(`${main.url}/auth/oidc/login`, (n) => n.startsWith(`${main.url}/auth/oidc/callback`));
    const callback = new URL(next!);
    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${callback.searchParams.get('state')}x`);
    const bad = await browser.request(tampered.href);
    expect(bad.status).toBe(401);
    const noCookie = await new Browser().request(callback.href);
    expect(noCookie.status).toBe(401);
    expect(await noCookie.text()).toBe(await bad.text());
    const failures = await failedOidcLogins(main);
    expect(failures).toContain('oidc: unknown or expired state');
    expect(failures).toContain('oidc: state not bound to this browser');
  });

  it('accepts an ID token re-signed unchanged with the issuer key (the harness itself is sound)', async () => {
    tamper = 'resign';
    try {
      const { fragment } = await signIn(main, 'sub-alice');
      expect(fragment?.get('oidc_code')).toBeTruthy();
    } finally {
      tamper = null;
    }
  });

  const cases = [
    ['aud', 'for another audience', /"aud"/],
    ['iss', 'from another issuer', /"iss"/],
    ['nonce', 'with the nonce of another login', /"nonce"/],
    ['key', 'signed with a key not in the JWKS', /signature/i],
  ] as const;
  for (const [kind, what, reason] of cases) {
    it(`refuses an ID token ${what} with 401`, async () => {
      const before = (await failedOidcLogins(main)).length;
      tamper = kind;
      try {
        const { res, fragment } = await signIn(main, 'sub-alice');
        expect(fragment).toBeUndefined();
        expect(res.status).toBe(401);
      } finally {
        tamper = null;
      }
      const added = (await failedOidcLogins(main)).slice(before);
      expect(added).toHaveLength(1);
      expect(added[0]).toMatch(/^oidc: rejected: /);
      expect(added[0]).toMatch(reason);
    });
  }

  it('with a username claim configured, links a subject on first login, then pins the account to it', async () => {
    const first = await signIn(claimBased, 'sub-bob');
    expect(first.fragment?.get('oidc_code')).toBeTruthy();
    const tokens = (await (await first.browser.request(`${claimBased.url}/auth/oidc/token`, { method: 'POST', body: { code: first.fragment!.get('oidc_code') } })).json()) as { access_token: string };
    const me = await fetch(`${claimBased.url}/auth/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await me.json()).toMatchObject({ username: 'oidc-bob', roles: [{ role: 'clinician' }] });
    // Another subject claiming the same username is refused: the account is linked to sub-bob now.
    const other = await signIn(claimBased, 'sub-mallory');
    expect(other.res.status).toBe(401);
    expect(await failedOidcLogins(claimBased)).toContain('oidc: unknown subject');
  });
});

describe('OpenID Connect off', () => {
  it('has no login route (404) and says it is off', async () => {
    const db = await freshDatabase();
    const app = await buildApp({ db: db.db, logLevel: 'silent' });
    try {
      expect((await app.app.inject({ method: 'GET', url: '/auth/oidc/login' })).statusCode).toBe(404);
      expect((await app.app.inject({ method: 'GET', url: '/auth/oidc/callback?code=x&state=y' })).statusCode).toBe(404);
      expect((await app.app.inject({ method: 'GET', url: '/auth/oidc/config' })).json()).toEqual({ enabled: false });
    } finally {
      await app.close();
      await db.drop();
    }
  });

  it('answers 503 when the issuer cannot be reached', async () => {
    const db = await freshDatabase();
    const app = await buildApp({ db: db.db, logLevel: 'silent', oidc: { issuer: 'http://127.0.0.1:1', clientId: 'hb' } });
    try {
      const res = await app.app.inject({ method: 'GET', url: '/auth/oidc/login' });
      expect(res.statusCode).toBe(503);
      expect(res.json().issue[0].code).toBe('transient');
    } finally {
      await app.close();
      await db.drop();
    }
  });
});

describe('healthy-brain user … --oidc-subject / link-oidc', () => {
  it('creates a password-less linked account, refuses a taken subject, links and unlinks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hb-oidc-cli-'));
    const env = { HB_LOG_LEVEL: 'warn', HB_OIDC_ISSUER: 'https://idp.example.org/realms/district', HB_OIDC_CLIENT_ID: 'hb' };
    const cli = (...args: string[]) => runCli([...args, '--data', dir], { env, input: 'Another-Strong-Pass-42\n' });
    expect((await cli('user', 'add', '--username', 'wang.li', '--role', 'village-doctor', '--org', VILLAGE_A, '--oidc-subject', 'sub-1')).status).toBe(0);
    expect((await cli('user', 'add', '--username', 'zhang.wei', '--role', 'clinician', '--password-stdin')).status).toBe(0);
    const taken = await cli('user', 'link-oidc', '--username', 'zhang.wei', '--subject', 'sub-1');
    expect(taken.status).toBe(1);
    expect(taken.stderr).toMatch(/linked to another account/);
    expect((await cli('user', 'link-oidc', '--username', 'zhang.wei', '--subject', 'sub-2')).status).toBe(0);
    expect((await cli('user', 'link-oidc', '--username', 'wang.li', '--remove')).stdout).toMatch(/unlinked wang.li/);
    const opened = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      const links = await opened.db.withTables<{ access_oidc_link: { issuer: string; subject: string; user_id: string } }>().selectFrom('access_oidc_link as l').innerJoin('access_user as u', 'u.id', 'l.user_id').select(['u.username', 'l.issuer', 'l.subject', 'u.password_hash']).execute();
      expect(links).toEqual([{ username: 'zhang.wei', issuer: 'https://idp.example.org/realms/district', subject: 'sub-2', password_hash: expect.stringMatching(/^\$argon2id\$/) }]);
      const wang = await opened.db.selectFrom('access_user').select('password_hash').where('username', '=', 'wang.li').executeTakeFirstOrThrow();
      expect(wang.password_hash).toBeNull();
    } finally {
      await opened.close();
    }
  }, 180_000);
});
