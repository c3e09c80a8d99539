/**
 * Access service: accounts, login with lock-out, access and refresh tokens, machine clients
 * (OAuth2 client credentials, RFC 6749 §4.4), break-the-glass, and the request context the FHIR
 * store enforces. Failures of authentication never say which part was wrong.
 */
import { randomUUID } from 'node:crypto';
import { noteAuditRoles, OperationOutcomeError, outcomes, type RequestContext } from '../fhir/index.js';
import type { Database } from '../db/index.js';
import * as repo from './access.repository.js';
import { burnVerification, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { ROLE_DEFINITIONS, isOrgUnitCode, isRole } from './roles.js';
import { compileAccess, type Grant, type Principal } from './scope.js';
import { careGrantOrgUnits, loadCareResidents } from './care-relationship.js';
import { TokenSigner, randomSecret, tokenHash } from './tokens.js';

export interface AccessServiceOptions {
  db: Database;
  /** HS256 secret (HB_JWT_SECRET); generated and kept in the database when absent. */
  secret?: string;
  clock?: () => Date;
  accessTokenSeconds?: number;
  refreshTokenSeconds?: number;
  /** Consecutive failed logins that lock an account (default 5), and for how long (default 15 min). */
  maxFailures?: number;
  lockMinutes?: number;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  scope?: string;
}

/** 401 that names nothing (RFC 6750 §3.1 invalid_token / bad credentials alike). */
export function unauthenticated(): OperationOutcomeError {
  return new OperationOutcomeError(outcomes.unauthorized);
}

function badRequest(text: string, expression?: string): OperationOutcomeError {
  return new OperationOutcomeError(outcomes.badRequest(text, expression));
}

export class AccessService {
  private constructor(
    private readonly db: Database,
    private readonly signer: TokenSigner,
    private readonly clock: () => Date,
    private readonly options: Required<Pick<AccessServiceOptions, 'refreshTokenSeconds' | 'maxFailures' | 'lockMinutes'>>,
  ) {}

  /** Builds the service; generates and stores the JWT secret on first start when none is configured. */
  static async create(options: AccessServiceOptions): Promise<AccessService> {
    const clock = options.clock ?? (() => new Date());
    const secret = options.secret ?? (await repo.ensureSetting(options.db, 'jwt-secret', () => randomSecret(48)));
    return new AccessService(options.db, new TokenSigner(secret, clock, options.accessTokenSeconds ?? 900), clock, {
      refreshTokenSeconds: options.refreshTokenSeconds ?? 12 * 3600,
      maxFailures: options.maxFailures ?? 5,
      lockMinutes: options.lockMinutes ?? 15,
    });
  }

  /** Checks a grant against the role table: known role, well-formed org unit, scope where required. */
  static checkGrant(g: { role: string; orgUnit?: string | null; careTeam?: string | null }): Grant {
    if (!isRole(g.role)) throw badRequest(`unknown role '${g.role}'`, 'role');
    if (g.orgUnit && !isOrgUnitCode(g.orgUnit)) throw badRequest('org unit must be an administrative code (letters and digits)', 'org');
    if (g.careTeam && !/^[A-Za-z0-9\-.]{1,64}$/.test(g.careTeam)) throw badRequest('care team must be a CareTeam id', 'careTeam');
    if (ROLE_DEFINITIONS[g.role].needsScope && !g.orgUnit && !g.careTeam) throw badRequest(`role ${g.role} must be bound to an org unit or care team`, 'org');
    return { role: g.role, orgUnit: g.orgUnit ?? null, careTeam: g.careTeam ?? null };
  }

  /** Creates a local account with one grant. Throws 400 on a weak password or bad grant, 409 on a taken username. */
  async createUser(input: { username: string; password: string | null; role: string; orgUnit?: string | null; careTeam?: string | null; displayName?: string }): Promise<{ id: string }> {
    if (!/^[A-Za-z0-9._@-]{3,64}$/.test(input.username)) throw badRequest('username: 3-64 letters, digits or . _ @ -', 'username');
    const grant = AccessService.checkGrant(input);
    // null: an account without a password, which signs in only through OpenID Connect (oidc.ts).
    const problem = input.password === null ? null : passwordProblem(input.password, input.username);
    if (problem) throw badRequest(problem, 'password');
    if (await repo.findUserByUsername(this.db, input.username)) throw new OperationOutcomeError(outcomes.conflict(`username '${input.username}' is taken`));
    const id = randomUUID();
    await repo.insertUser(this.db, { id, username: input.username, displayName: input.displayName ?? null, passwordHash: input.password === null ? null : await hashPassword(input.password), now: this.clock() }, [grant]);
    return { id };
  }

  /** Registers a machine client; returns its generated secret (shown once, stored as Argon2id). */
  async createClient(input: { clientId: string; role: string; orgUnit?: string | null; scopes: string[]; name?: string }): Promise<{ clientSecret: string }> {
    if (!/^[A-Za-z0-9._-]{3,64}$/.test(input.clientId)) throw badRequest('client id: 3-64 letters, digits or . _ -', 'clientId');
    const grant = AccessService.checkGrant(input);
    for (const s of input.scopes) if (!/^system\/([A-Za-z]+|\*)\.(read|write|\*)$/.test(s)) throw badRequest(`scope '${s}' is not system/<Type|*>.<read|write|*>`, 'scope');
    const clientSecret = randomSecret();
    await repo.insertClient(this.db, { clientId: input.clientId, name: input.name ?? null, secretHash: await hashPassword(clientSecret), role: grant.role, orgUnit: grant.orgUnit, scopes: input.scopes.join(' '), now: this.clock() });
    return { clientSecret };
  }

  /** True when no account exists yet (first start). */
  async noUsers(): Promise<boolean> {
    return (await repo.countUsers(this.db)) === 0;
  }

  /** Password login; lock-out after `maxFailures` consecutive failures (GB/T 22239-2019 8.1.4.1). */
  async login(username: string, password: string): Promise<TokenResponse> {
    const now = this.clock();
    const user = typeof username === 'string' ? await repo.findUserByUsername(this.db, username) : undefined;
    if (!user || !user.passwordHash || user.disabled) {
      await burnVerification(String(password ?? ''));
      await this.audit('anonymous', 'login', 'failure', user ? 'disabled account' : 'unknown user');
      throw unauthenticated();
    }
    if (user.lockedUntil && user.lockedUntil > now) {
      await burnVerification(String(password ?? ''));
      await this.audit(user.username, 'login', 'failure', 'account locked');
      throw unauthenticated();
    }
    if (typeof password !== 'string' || !(await verifyPassword(user.passwordHash, password))) {
      const lock = user.failedAttempts + 1 >= this.options.maxFailures ? new Date(now.getTime() + this.options.lockMinutes * 60_000) : null;
      await repo.recordFailure(this.db, user.id, lock);
      await this.audit(user.username, 'login', 'failure', lock ? 'wrong password; account locked' : 'wrong password');
      throw unauthenticated();
    }
    if (user.failedAttempts > 0 || user.lockedUntil) await repo.resetFailures(this.db, user.id);
    await this.audit(user.username, 'login', 'success', null);
    return this.startSession(user);
  }

  /**
   * Starts a session for an account already authenticated elsewhere (OpenID Connect, oidc.ts): the
   * same tokens as login(). Disabled or unknown accounts get 401. The password lock-out does not
   * apply (it guards against password guessing, which this path does not involve).
   */
  async sessionForUser(userId: string, via: string): Promise<TokenResponse> {
    const user = await repo.findUserById(this.db, userId);
    if (!user || user.disabled) {
      await this.audit(user?.username ?? 'anonymous', 'login', 'failure', `${via}: ${user ? 'disabled account' : 'unknown user'}`);
      throw unauthenticated();
    }
    await this.audit(user.username, 'login', 'success', via);
    return this.startSession(user);
  }

  private async principalOf(user: repo.UserRow): Promise<Principal> {
    return { kind: 'user', id: user.id, name: user.username, grants: await repo.grantsOf(this.db, user.id), breakGlass: await repo.activeBreakGlass(this.db, user.id, this.clock()) };
  }

  private async startSession(user: repo.UserRow): Promise<TokenResponse> {
    const now = this.clock();
    const refresh = randomSecret();
    const sessionId = randomUUID();
    await repo.insertSession(this.db, { id: sessionId, userId: user.id, refreshHash: tokenHash(refresh), now, expires: new Date(now.getTime() + this.options.refreshTokenSeconds * 1000) });
    return { access_token: await this.signer.sign(await this.principalOf(user), sessionId), token_type: 'Bearer', expires_in: this.signer.ttlSeconds, refresh_token: refresh };
  }

  /** New access token and a rotated refresh token; grants and break-the-glass are re-read. */
  async refresh(refreshToken: unknown): Promise<TokenResponse> {
    if (typeof refreshToken !== 'string' || !refreshToken) throw unauthenticated();
    const now = this.clock();
    const oldHash = tokenHash(refreshToken);
    const session = await repo.findSession(this.db, oldHash, now);
    const user = session ? await repo.findUserById(this.db, session.userId) : undefined;
    if (!session || !user || user.disabled) throw unauthenticated();
    const next = randomSecret();
    if (!(await repo.rotateSession(this.db, session.id, oldHash, tokenHash(next), now))) throw unauthenticated();
    return { access_token: await this.signer.sign(await this.principalOf(user), session.id), token_type: 'Bearer', expires_in: this.signer.ttlSeconds, refresh_token: next };
  }

  /** Ends the session of a refresh token (or of the access token's session). Access tokens already issued run out within their lifetime. */
  async logout(input: { refreshToken?: unknown; sessionId?: string }): Promise<void> {
    const now = this.clock();
    if (typeof input.refreshToken === 'string' && input.refreshToken) {
      const session = await repo.findSession(this.db, tokenHash(input.refreshToken), now);
      if (session) await repo.revokeSession(this.db, session.id, now);
    }
    if (input.sessionId) await repo.revokeSession(this.db, input.sessionId, now);
  }

  /** OAuth2 client credentials grant: an access token with the client's own scopes (narrowed by `scope` if asked). */
  async clientCredentials(clientId: unknown, clientSecret: unknown, scope?: unknown): Promise<TokenResponse> {
    const client = typeof clientId === 'string' ? await repo.findClient(this.db, clientId) : undefined;
    if (!client || client.disabled || typeof clientSecret !== 'string' || !(await verifyPassword(client.secretHash, clientSecret))) {
      if (!client) await burnVerification(String(clientSecret ?? ''));
      await this.audit(client ? `client:${client.clientId}` : 'anonymous', 'token', 'failure', 'client credentials');
      throw unauthenticated();
    }
    const own = client.scopes.split(' ').filter(Boolean);
    const asked = typeof scope === 'string' && scope.trim() ? scope.trim().split(/\s+/) : own;
    const scopes = asked.filter((s) => own.includes(s));
    if (scopes.length === 0) throw unauthenticated();
    const principal: Principal = { kind: 'client', id: client.clientId, name: `client:${client.clientId}`, grants: [AccessService.checkGrant(client)], scopes, breakGlass: [] };
    await this.audit(principal.name, 'token', 'success', null);
    return { access_token: await this.signer.sign(principal), token_type: 'Bearer', expires_in: this.signer.ttlSeconds, scope: scopes.join(' ') };
  }

  /** The principal of an `Authorization: Bearer …` header; 401 (no reason) otherwise. */
  async authenticate(authorization: string | undefined): Promise<{ principal: Principal; sessionId?: string }> {
    const m = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(authorization ?? '');
    const verified = m ? await this.signer.verify(m[1]) : null;
    if (!verified) throw unauthenticated();
    // The request's audit rows carry these roles from here on (audit-source.ts).
    noteAuditRoles(verified.principal.grants.map((g) => g.role));
    // Residents the caller's facilities care for (accepted referrals): a short literal list in the
    // compiled predicate, or no clause at all, instead of a subquery in every read.
    const careUnits = careGrantOrgUnits(verified.principal.grants);
    if (careUnits.length === 0) return verified;
    const careResidents = await loadCareResidents(this.db, careUnits, this.clock());
    return { ...verified, principal: { ...verified.principal, careResidents } };
  }

  /** The FHIR store's request context for a principal: actor for the audit, compiled scope. */
  contextOf(principal: Principal): RequestContext {
    return { actor: principal.name, access: compileAccess(principal, this.clock()) };
  }

  /**
   * Aggregates (indicators) of an org unit: allowed to every signed-in user whose grant covers it
   * (a platform-wide grant, or a grant on the org unit or one above it). 403 otherwise.
   */
  async authorizeAggregate(principal: Principal, orgUnit: string): Promise<void> {
    const covered = principal.grants.some((g) => g.orgUnit === null ? g.careTeam === null : orgUnit.startsWith(g.orgUnit));
    const client = principal.kind === 'client' && (principal.scopes ?? []).some((s) => s === 'system/*.read' || s === 'system/*.*');
    if (!covered && !client) {
      await this.audit(principal.name, 'aggregate', 'denied', orgUnit);
      throw new OperationOutcomeError({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', details: { text: 'Access denied: org unit outside your scope' } }] });
    }
  }

  /** What the web app shows: who is signed in and with which roles and org units. */
  me(principal: Principal) {
    const now = this.clock();
    return {
      id: principal.id,
      username: principal.name,
      kind: principal.kind,
      roles: principal.grants.map((g) => ({ role: g.role, title: ROLE_DEFINITIONS[g.role].title, orgUnit: g.orgUnit, careTeam: g.careTeam })),
      ...(principal.scopes ? { scopes: principal.scopes } : {}),
      breakGlass: principal.breakGlass.filter((b) => b.expires > now).map((b) => ({ resident: b.residentId, expires: b.expires.toISOString() })),
    };
  }

  /**
   * Break-the-glass: emergency access to one patient outside the user's scope, with a stated
   * reason, for at most four hours; audited and kept unreviewed until a data steward or the
   * bureau reviews it. Returns a new access token that carries the grant.
   */
  async breakGlass(principal: Principal, input: { patient?: unknown; reason?: unknown; minutes?: unknown }, sessionId?: string): Promise<TokenResponse & { break_glass: { id: string; patient: string; expires: string } }> {
    if (principal.kind !== 'user' || !principal.grants.some((g) => ROLE_DEFINITIONS[g.role].breakGlass)) {
      await this.audit(principal.name, 'break-glass', 'denied', 'role may not break the glass');
      throw new OperationOutcomeError({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', details: { text: 'Your role may not use break-the-glass' } }] });
    }
    if (typeof input.patient !== 'string' || !/^[A-Za-z0-9\-.]{1,64}$/.test(input.patient)) throw badRequest('patient: the Patient id', 'patient');
    if (typeof input.reason !== 'string' || input.reason.trim().length < 10) throw badRequest('reason: say why (at least 10 characters)', 'reason');
    const minutes = input.minutes === undefined ? 60 : Number(input.minutes);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 240) throw badRequest('minutes: 1 to 240', 'minutes');
    const residentId = await repo.residentOfPatient(this.db, input.patient);
    if (!residentId) throw new OperationOutcomeError(outcomes.notFound);
    const now = this.clock();
    const id = randomUUID();
    const expires = new Date(now.getTime() + minutes * 60_000);
    await repo.insertBreakGlass(this.db, { id, userId: principal.id, patientId: input.patient, residentId, reason: input.reason.trim().slice(0, 1000), granted: now, expires });
    await repo.appendAudit(this.db, [{ recorded: now, actor: principal.name, action: 'break-glass', resourceType: 'Patient', resourceId: input.patient, residentId, outcome: 'success', detail: `break-glass ${id} until ${expires.toISOString()}` }]);
    const fresh: Principal = { ...principal, breakGlass: await repo.activeBreakGlass(this.db, principal.id, now) };
    return { access_token: await this.signer.sign(fresh, sessionId), token_type: 'Bearer', expires_in: this.signer.ttlSeconds, break_glass: { id, patient: input.patient, expires: expires.toISOString() } };
  }

  /** True when the principal may review any resident's access history and break-the-glass grants. */
  static canReview(principal: Principal): boolean {
    return principal.grants.some((g) => ROLE_DEFINITIONS[g.role].auditReview);
  }

  async listBreakGlass(onlyUnreviewed: boolean) {
    return repo.listBreakGlass(this.db, onlyUnreviewed);
  }

  async reviewBreakGlass(principal: Principal, id: string): Promise<boolean> {
    const ok = await repo.markReviewed(this.db, id, principal.name, this.clock());
    if (ok) await this.audit(principal.name, 'break-glass-review', 'success', id);
    return ok;
  }

  /** A resident's access history (who read or changed their record, and who was refused). */
  async accessHistory(residentId: string, count: number, offset: number) {
    return repo.auditOfResident(this.db, residentId, count, offset);
  }

  async residentOf(patientId: string): Promise<string | null> {
    return repo.residentOfPatient(this.db, patientId);
  }

  /** Records an authentication event or a refused request (never with a password or token). */
  async audit(actor: string, action: string, outcome: string, detail: string | null): Promise<void> {
    await repo.appendAudit(this.db, [{ recorded: this.clock(), actor, action, resourceType: null, resourceId: null, residentId: null, outcome, detail }]);
  }
}
