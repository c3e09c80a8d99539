/**
 * SQL of OpenID Connect login: subject links, pending authorization requests and one-time
 * hand-off codes (tables of migration 0005-access-oidc). Pending rows and hand-offs are consumed
 * with DELETE … RETURNING, so each is usable once even under concurrent requests.
 */
import type { Executor } from '../db/index.js';

type OidcTables = {
  access_oidc_link: { issuer: string; subject: string; user_id: string; created: Date };
  access_oidc_pending: { state_hash: string; binding_hash: string; nonce: string; code_verifier: string; redirect_uri: string; return_to: string; expires: Date };
  access_oidc_handoff: { code_hash: string; binding_hash: string; user_id: string; expires: Date };
};

const t = (ex: Executor) => ex.withTables<OidcTables>();

export interface PendingRow {
  bindingHash: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  returnTo: string;
  expires: Date;
}

/** Issuers are compared without a trailing slash (`https://idp/` and `https://idp` are one issuer). */
export function normalIssuer(issuer: string): string {
  return issuer.replace(/\/+$/, '');
}

export async function linkedUser(ex: Executor, issuer: string, subject: string): Promise<string | undefined> {
  const r = await t(ex).selectFrom('access_oidc_link').select('user_id').where('issuer', '=', normalIssuer(issuer)).where('subject', '=', subject).executeTakeFirst();
  return r?.user_id;
}

/** True when the user already has a link to this issuer (a user has at most one subject per issuer). */
export async function hasLink(ex: Executor, userId: string, issuer: string): Promise<boolean> {
  const r = await t(ex).selectFrom('access_oidc_link').select('subject').where('user_id', '=', userId).where('issuer', '=', normalIssuer(issuer)).executeTakeFirst();
  return r !== undefined;
}

/** Links (issuer, subject) to a user; replaces the user's previous subject at this issuer. False when the subject belongs to another user. */
export async function link(ex: Executor, input: { issuer: string; subject: string; userId: string; now: Date }): Promise<boolean> {
  const issuer = normalIssuer(input.issuer);
  const owner = await linkedUser(ex, issuer, input.subject);
  if (owner && owner !== input.userId) return false;
  if (owner === input.userId) return true;
  await t(ex).deleteFrom('access_oidc_link').where('user_id', '=', input.userId).where('issuer', '=', issuer).execute();
  await t(ex).insertInto('access_oidc_link').values({ issuer, subject: input.subject, user_id: input.userId, created: input.now }).execute();
  return true;
}

export async function unlink(ex: Executor, userId: string, issuer: string): Promise<number> {
  const r = await t(ex).deleteFrom('access_oidc_link').where('user_id', '=', userId).where('issuer', '=', normalIssuer(issuer)).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function insertPending(ex: Executor, stateHash: string, p: PendingRow, now: Date): Promise<void> {
  await t(ex).deleteFrom('access_oidc_pending').where('expires', '<', now).execute();
  await t(ex)
    .insertInto('access_oidc_pending')
    .values({ state_hash: stateHash, binding_hash: p.bindingHash, nonce: p.nonce, code_verifier: p.codeVerifier, redirect_uri: p.redirectUri, return_to: p.returnTo, expires: p.expires })
    .execute();
}

/** Removes and returns the pending request of a state hash (undefined when unknown or already used). */
export async function takePending(ex: Executor, stateHash: string): Promise<PendingRow | undefined> {
  const r = await t(ex).deleteFrom('access_oidc_pending').where('state_hash', '=', stateHash).returningAll().executeTakeFirst();
  return r ? { bindingHash: r.binding_hash, nonce: r.nonce, codeVerifier: r.code_verifier, redirectUri: r.redirect_uri, returnTo: r.return_to, expires: new Date(r.expires) } : undefined;
}

export async function insertHandoff(ex: Executor, h: { codeHash: string; bindingHash: string; userId: string; expires: Date }, now: Date): Promise<void> {
  await t(ex).deleteFrom('access_oidc_handoff').where('expires', '<', now).execute();
  await t(ex).insertInto('access_oidc_handoff').values({ code_hash: h.codeHash, binding_hash: h.bindingHash, user_id: h.userId, expires: h.expires }).execute();
}

/** Removes and returns a hand-off (undefined when unknown or already used). */
export async function takeHandoff(ex: Executor, codeHash: string): Promise<{ bindingHash: string; userId: string; expires: Date } | undefined> {
  const r = await t(ex).deleteFrom('access_oidc_handoff').where('code_hash', '=', codeHash).returningAll().executeTakeFirst();
  return r ? { bindingHash: r.binding_hash, userId: r.user_id, expires: new Date(r.expires) } : undefined;
}
