/**
 * OpenID Connect login against a district's central identity provider (OpenID Connect Core 1.0
 * §3.1, authorization code flow) with PKCE (RFC 7636, S256), state (RFC 6749 §10.12) and nonce
 * (OIDC Core §15.5.2), by `openid-client` (panva). The ID token is checked for issuer, audience,
 * expiry, nonce and its signature against the issuer's JWKS (OIDC Core §3.1.3.7; the signature
 * check is switched on with enableNonRepudiationChecks). The subject is mapped to a LOCAL account
 * linked to (issuer, subject) by an operator; roles always come from the local grants, never from
 * the identity provider. The platform then issues its own tokens, as POST /auth/login does.
 *
 * The browser gets them through a one-time hand-off code in the URL fragment of /login (fragments
 * are not sent to servers, so they reach no access log), which the web app exchanges by POST. The
 * pending request and the hand-off are bound to the browser by an HttpOnly cookie (login CSRF,
 * RFC 6749 §10.12 / OAuth 2.0 Security BCP RFC 9700 §4.7).
 */
import { timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import { OperationOutcomeError, outcomes } from '../fhir/index.js';
import type { Database } from '../db/index.js';
import { type AccessService, type TokenResponse, unauthenticated } from './access.service.js';
import { findUserByUsername } from './access.repository.js';
import * as repo from './oidc.repository.js';
import { randomSecret, tokenHash } from './tokens.js';

export interface OidcOptions {
  /** Issuer identifier (HB_OIDC_ISSUER); discovery at <issuer>/.well-known/openid-configuration. */
  issuer: string;
  clientId: string;
  /** Confidential client (client_secret_post); absent = public client with PKCE only. */
  clientSecret?: string;
  /** Registered redirect URI (HB_OIDC_REDIRECT_URL); default <base>/auth/oidc/callback. */
  redirectUrl?: string;
  /** Claim whose value names the local account on a subject's first login (see docs/access.md). */
  usernameClaim?: string;
  /** Name of the identity provider on the login button. */
  displayName?: string;
}

/** Pending requests live 10 minutes; a hand-off code 60 seconds. */
const PENDING_SECONDS = 600;
const HANDOFF_SECONDS = 60;
export const OIDC_COOKIE = 'hb_oidc';

const isLoopback = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '[::1]';

/** Checks an issuer URL: https, or http on a loopback address (tests, a local issuer). */
export function issuerProblem(issuer: string): string | null {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'must be a URL';
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) return null;
  return 'must be an https:// URL (http:// only on localhost)';
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** A local path to return to after login (no scheme, no protocol-relative //host). */
function localPath(p: unknown): string {
  return typeof p === 'string' && p.startsWith('/') && !p.startsWith('//') && !p.includes('\\') && p.length <= 500 ? p : '/';
}

/** Short reason for the audit (never a token or a code): the library's error code and message. */
function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; cause?: { message?: unknown } };
  return [e?.code, e?.message ?? String(err), e?.cause?.message].filter(Boolean).join(' / ').slice(0, 240);
}

/** The identity provider's discovery failed (answered 503 by the route; retried on the next login). */
export class OidcUnavailableError extends OperationOutcomeError {
  constructor() {
    super({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'transient', details: { text: 'The identity provider cannot be reached' } }] });
  }
}

export class OidcLogin {
  private configuration?: Promise<oidc.Configuration>;
  private readonly clock: () => Date;

  constructor(
    readonly options: OidcOptions,
    private readonly deps: { db: Database; access: AccessService; clock?: () => Date; baseUrl?: string },
  ) {
    const problem = issuerProblem(options.issuer);
    if (problem) throw new Error(`OIDC issuer ${problem}`);
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Public facts for the login page. */
  publicConfig(): { enabled: true; name: string } {
    return { enabled: true, name: this.options.displayName ?? new URL(this.options.issuer).host };
  }

  /** Discovery (OIDC Discovery 1.0 §4), once; a failure is retried on the next login. */
  private discover(): Promise<oidc.Configuration> {
    if (!this.configuration) {
      const issuer = new URL(this.options.issuer);
      const secret = this.options.clientSecret;
      const execute = [oidc.enableNonRepudiationChecks, ...(issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [])];
      this.configuration = oidc.discovery(issuer, this.options.clientId, secret ? { client_secret: secret } : undefined, secret ? oidc.ClientSecretPost(secret) : oidc.None(), { execute, timeout: 10 });
      this.configuration.catch(() => (this.configuration = undefined));
    }
    return this.configuration;
  }

  private redirectUri(requestOrigin: string): string {
    if (this.options.redirectUrl) return this.options.redirectUrl;
    const base = this.deps.baseUrl ? this.deps.baseUrl.replace(/\/+$/, '').replace(/\/fhir$/, '') : requestOrigin;
    return `${base}/auth/oidc/callback`;
  }

  /** Starts a login: the identity provider's authorization URL and the browser-binding cookie value. */
  async start(input: { requestOrigin: string; next?: unknown }): Promise<{ location: string; binding: string; secureCookie: boolean }> {
    let config: oidc.Configuration;
    try {
      config = await this.discover();
    } catch {
      throw new OidcUnavailableError();
    }
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const binding = randomSecret();
    const redirectUri = this.redirectUri(input.requestOrigin);
    const now = this.clock();
    await repo.insertPending(this.deps.db, tokenHash(state), { bindingHash: tokenHash(binding), nonce, codeVerifier, redirectUri, returnTo: localPath(input.next), expires: new Date(now.getTime() + PENDING_SECONDS * 1000) }, now);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.options.usernameClaim ? 'openid profile' : 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { location: url.href, binding, secureCookie: redirectUri.startsWith('https:') };
  }

  /**
   * The identity provider's redirect back: checks state and browser binding, exchanges the code,
   * verifies the ID token and maps its subject to a local account. Returns where to send the browser
   * (the web app's /login with a one-time hand-off code in the fragment). Any failure: 401, audited.
   */
  async callback(input: { query: Record<string, unknown>; binding?: string }): Promise<{ location: string; handoff: string }> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(input.query)) if (typeof v === 'string') query.append(k, v);
    const state = query.get('state');
    const pending = state ? await repo.takePending(this.deps.db, tokenHash(state)) : undefined;
    const now = this.clock();
    if (!pending || pending.expires <= now) return this.fail('anonymous', 'unknown or expired state');
    if (!input.binding || !sameHash(tokenHash(input.binding), pending.bindingHash)) return this.fail('anonymous', 'state not bound to this browser');
    let claims: oidc.IDToken;
    let accessToken: string;
    let config: oidc.Configuration;
    try {
      config = await this.discover();
      const current = new URL(pending.redirectUri);
      for (const [k, v] of query) current.searchParams.append(k, v);
      const tokens = await oidc.authorizationCodeGrant(config, current, { pkceCodeVerifier: pending.codeVerifier, expectedState: state!, expectedNonce: pending.nonce, idTokenExpected: true });
      const c = tokens.claims();
      if (!c) return this.fail('anonymous', 'no id token');
      claims = c;
      accessToken = tokens.access_token;
    } catch (err) {
      return this.fail('anonymous', `rejected: ${reasonOf(err)}`);
    }
    const issuer = config.serverMetadata().issuer;
    let userId = await repo.linkedUser(this.deps.db, issuer, claims.sub);
    if (!userId && this.options.usernameClaim) userId = await this.linkByClaim(config, issuer, claims, accessToken);
    if (!userId) return this.fail('anonymous', 'unknown subject');
    const handoff = randomSecret();
    await repo.insertHandoff(this.deps.db, { codeHash: tokenHash(handoff), bindingHash: pending.bindingHash, userId, expires: new Date(now.getTime() + HANDOFF_SECONDS * 1000) }, now);
    const fragment = new URLSearchParams({ oidc_code: handoff, next: pending.returnTo });
    return { location: `/login#${fragment}`, handoff };
  }

  /**
   * First login with a username claim configured: the account of that username is linked to this
   * subject, but only when it has no subject at this issuer yet (afterwards it is pinned).
   */
  private async linkByClaim(config: oidc.Configuration, issuer: string, claims: oidc.IDToken, accessToken: string): Promise<string | undefined> {
    const claim = this.options.usernameClaim!;
    let value = claims[claim];
    if (value === undefined) {
      try {
        value = (await oidc.fetchUserInfo(config, accessToken, claims.sub))[claim];
      } catch {
        return undefined;
      }
    }
    if (typeof value !== 'string') return undefined;
    const user = await findUserByUsername(this.deps.db, value);
    if (!user || user.disabled || (await repo.hasLink(this.deps.db, user.id, issuer))) return undefined;
    if (!(await repo.link(this.deps.db, { issuer, subject: claims.sub, userId: user.id, now: this.clock() }))) return undefined;
    await this.deps.access.audit(user.username, 'oidc-link', 'success', `linked on first login by claim ${claim}`);
    return user.id;
  }

  /** Exchanges a hand-off code (same browser) for the platform's tokens: the response of POST /auth/login. */
  async exchange(code: unknown, binding: string | undefined): Promise<TokenResponse> {
    const handoff = typeof code === 'string' && code ? await repo.takeHandoff(this.deps.db, tokenHash(code)) : undefined;
    if (!handoff || handoff.expires <= this.clock() || !binding || !sameHash(tokenHash(binding), handoff.bindingHash)) {
      await this.deps.access.audit('anonymous', 'login', 'failure', 'oidc: bad hand-off code');
      throw unauthenticated();
    }
    return this.deps.access.sessionForUser(handoff.userId, 'oidc');
  }

  private async fail(actor: string, reason: string): Promise<never> {
    await this.deps.access.audit(actor, 'login', 'failure', `oidc: ${reason}`);
    throw unauthenticated();
  }
}

/** Links a local account to an identity provider's subject (operator command). 404 unknown user, 409 subject taken. */
export async function linkOidcSubject(db: Database, input: { username: string; issuer: string; subject: string; now?: Date }): Promise<void> {
  const user = await findUserByUsername(db, input.username);
  if (!user) throw new OperationOutcomeError(outcomes.notFound);
  if (!input.subject || input.subject.length > 255) throw new OperationOutcomeError(outcomes.badRequest('subject: 1-255 characters', 'subject'));
  if (!(await repo.link(db, { issuer: input.issuer, subject: input.subject, userId: user.id, now: input.now ?? new Date() }))) {
    throw new OperationOutcomeError(outcomes.conflict('this subject is linked to another account'));
  }
}

/** Removes a local account's link to an issuer; returns whether there was one. */
export async function unlinkOidcSubject(db: Database, input: { username: string; issuer: string }): Promise<boolean> {
  const user = await findUserByUsername(db, input.username);
  if (!user) throw new OperationOutcomeError(outcomes.notFound);
  return (await repo.unlink(db, user.id, input.issuer)) > 0;
}
