/**
 * Access control (issue 8): local users, role grants bound to an org unit or a care team,
 * refresh-token sessions, OAuth2 machine clients, break-the-glass grants and server settings
 * (the generated JWT secret). Lock-out counters live on the user row.
 * Secrets are never stored in clear: Argon2id hashes for passwords and client secrets,
 * SHA-256 for refresh tokens (high-entropy random values).
 */
import type { Kysely } from 'kysely';
import { execStatements } from '../exec-statements.js';

export async function up(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    CREATE TABLE access_user (
      id text PRIMARY KEY,
      username text NOT NULL UNIQUE,
      display_name text,
      password_hash text,
      disabled boolean NOT NULL DEFAULT false,
      failed_attempts integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      created timestamptz NOT NULL,
      password_changed timestamptz
    );

    CREATE TABLE access_grant (
      id bigserial PRIMARY KEY,
      user_id text NOT NULL REFERENCES access_user (id) ON DELETE CASCADE,
      role text NOT NULL,
      org_unit text,
      care_team text,
      created timestamptz NOT NULL
    );
    CREATE INDEX access_grant_user ON access_grant (user_id);

    CREATE TABLE access_session (
      id text PRIMARY KEY,
      user_id text NOT NULL REFERENCES access_user (id) ON DELETE CASCADE,
      refresh_hash text NOT NULL UNIQUE,
      created timestamptz NOT NULL,
      last_used timestamptz NOT NULL,
      expires timestamptz NOT NULL,
      revoked timestamptz
    );
    CREATE INDEX access_session_user ON access_session (user_id);

    CREATE TABLE access_client (
      client_id text PRIMARY KEY,
      name text,
      secret_hash text NOT NULL,
      role text NOT NULL,
      org_unit text,
      scopes text NOT NULL,
      disabled boolean NOT NULL DEFAULT false,
      created timestamptz NOT NULL
    );

    CREATE TABLE access_break_glass (
      id text PRIMARY KEY,
      user_id text NOT NULL REFERENCES access_user (id) ON DELETE CASCADE,
      patient_id text NOT NULL,
      resident_id text NOT NULL,
      reason text NOT NULL,
      granted timestamptz NOT NULL,
      expires timestamptz NOT NULL,
      reviewed timestamptz,
      reviewed_by text
    );
    CREATE INDEX access_break_glass_user ON access_break_glass (user_id, expires);
    CREATE INDEX access_break_glass_unreviewed ON access_break_glass (granted) WHERE reviewed IS NULL;

    CREATE TABLE access_setting (
      key text PRIMARY KEY,
      value text NOT NULL
    );

    CREATE INDEX audit_log_actor ON audit_log (actor, recorded)
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    DROP INDEX audit_log_actor; DROP TABLE access_setting; DROP TABLE access_break_glass; DROP TABLE access_client;
    DROP TABLE access_session; DROP TABLE access_grant; DROP TABLE access_user
  `);
}
