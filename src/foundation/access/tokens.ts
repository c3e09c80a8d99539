/**
 * Access tokens: short-lived JWTs (RFC 7519) signed with HS256 (RFC 7518 §3.2) by jose. The token
 * carries the principal's grants, so a request needs no database round trip to know its scope;
 * the price is that a revoked grant stays usable until the token expires (15 minutes by default).
 * Refresh tokens are opaque random values; only their SHA-256 is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { isRole } from './roles.js';
import type { Grant, Principal } from './scope.js';

const ISSUER = 'healthy-brain';
const AUDIENCE = 'healthy-brain-api';

interface Claims {
  typ: 'user' | 'client';
  name: string;
  grants: { r: string; o?: string; t?: string }[];
  scope?: string;
  bg?: { r: string; e: number }[];
  sid?: string;
}

export class TokenSigner {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly clock: () => Date,
    readonly ttlSeconds = 900,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /** Signs an access token for the principal (session id for users, to tie logout and refresh). */
  async sign(p: Principal, sessionId?: string): Promise<string> {
    const now = Math.floor(this.clock().getTime() / 1000);
    const claims: Claims = {
      typ: p.kind,
      name: p.name,
      grants: p.grants.map((g) => ({ r: g.role, ...(g.orgUnit ? { o: g.orgUnit } : {}), ...(g.careTeam ? { t: g.careTeam } : {}) })),
      ...(p.scopes ? { scope: p.scopes.join(' ') } : {}),
      ...(p.breakGlass.length ? { bg: p.breakGlass.map((b) => ({ r: b.residentId, e: Math.floor(b.expires.getTime() / 1000) })) } : {}),
      ...(sessionId ? { sid: sessionId } : {}),
    };
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(p.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + this.ttlSeconds)
      .setJti(randomBytes(12).toString('base64url'))
      .sign(this.key);
  }

  /** The principal of a valid token, or null for an invalid, forged or expired one (no reason given). */
  /** Verified tokens until they expire: a token never changes, so its check need not be repeated per request. */
  private readonly verified = new Map<string, { value: { principal: Principal; sessionId?: string }; expires: number }>();

  async verify(token: string): Promise<{ principal: Principal; sessionId?: string } | null> {
    const hit = this.verified.get(token);
    if (hit) {
      if (this.clock().getTime() < hit.expires) return hit.value;
      this.verified.delete(token);
    }
    const value = await this.verifyUncached(token);
    if (value && value.expires) {
      if (this.verified.size >= 10_000) this.verified.clear();
      this.verified.set(token, { value: value.result, expires: value.expires });
    }
    return value?.result ?? null;
  }

  private async verifyUncached(token: string): Promise<{ result: { principal: Principal; sessionId?: string }; expires: number | undefined } | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, currentDate: this.clock() });
      const c = payload as unknown as Claims;
      if (typeof payload.sub !== 'string' || !Array.isArray(c.grants) || (c.typ !== 'user' && c.typ !== 'client')) return null;
      const grants: Grant[] = c.grants.filter((g) => isRole(g.r)).map((g) => ({ role: g.r as Grant['role'], orgUnit: g.o ?? null, careTeam: g.t ?? null }));
      const result = {
        principal: {
          kind: c.typ,
          id: payload.sub,
          name: String(c.name),
          grants,
          scopes: c.scope !== undefined ? c.scope.split(' ').filter(Boolean) : undefined,
          breakGlass: (c.bg ?? []).map((b) => ({ residentId: b.r, expires: new Date(b.e * 1000) })),
        },
        sessionId: c.sid,
      };
      return { result, expires: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined };
    } catch {
      return null;
    }
  }
}

/** A new opaque secret (refresh token, client secret, generated JWT key): 32 random bytes, base64url. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a high-entropy token (hex): what the database keeps instead of the token. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
