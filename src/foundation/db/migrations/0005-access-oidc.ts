/**
 * OpenID Connect login (issue 8): links from an identity provider's subject to a local account,
 * the pending authorization requests (state → nonce, PKCE verifier) and the one-time hand-off
 * codes the web app exchanges for the platform's tokens. Only SHA-256 hashes of the state, the
 * hand-off code and the browser-binding cookie are stored; rows live minutes and are single use.
 */
import type { Kysely } from 'kysely';
import { execStatements } from '../exec-statements.js';

export async function up(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    CREATE TABLE access_oidc_link (
      issuer text NOT NULL,
      subject text NOT NULL,
      user_id text NOT NULL REFERENCES access_user (id) ON DELETE CASCADE,
      created timestamptz NOT NULL,
      PRIMARY KEY (issuer, subject),
      UNIQUE (user_id, issuer)
    );

    CREATE TABLE access_oidc_pending (
      state_hash text PRIMARY KEY,
      binding_hash text NOT NULL,
      nonce text NOT NULL,
      code_verifier text NOT NULL,
      redirect_uri text NOT NULL,
      return_to text NOT NULL,
      expires timestamptz NOT NULL
    );
    CREATE INDEX access_oidc_pending_expires ON access_oidc_pending (expires);

    CREATE TABLE access_oidc_handoff (
      code_hash text PRIMARY KEY,
      binding_hash text NOT NULL,
      user_id text NOT NULL REFERENCES access_user (id) ON DELETE CASCADE,
      expires timestamptz NOT NULL
    );
    CREATE INDEX access_oidc_handoff_expires ON access_oidc_handoff (expires)
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await execStatements(db, `DROP TABLE access_oidc_handoff; DROP TABLE access_oidc_pending; DROP TABLE access_oidc_link`);
}
