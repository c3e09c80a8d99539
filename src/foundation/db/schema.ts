/**
 * Table types of the database, for Kysely. Each migration that adds a table adds its row type here.
 * Patient-owned tables carry `resident_id` (golden resident id) and `org_unit` (org-unit code).
 */
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb column: written as a JSON string, read back as the parsed value. */
type Json = ColumnType<unknown, string, string>;

/** Current version of every FHIR resource. */
export interface FhirResourceTable {
  resource_type: string;
  id: string;
  version_id: number;
  last_updated: Timestamp;
  deleted: boolean;
  resident_id: string | null;
  org_unit: string | null;
  content: Json | null;
}

/** Every version ever written (including deletions), for vread and _history. */
/** Versions replaced by an update or delete (the current one is in fhir_resource only, migration 0012). */
export type FhirResourceHistoryTable = FhirResourceTable;
/** The view of every version, current and replaced (fhir_resource ∪ fhir_resource_history). */
export type FhirResourceVersionView = FhirResourceTable;

interface IndexRowBase {
  resource_type: string;
  resource_id: string;
  param: string;
}

export interface SpTokenTable extends IndexRowBase {
  system: string | null;
  code: string | null;
}
export interface SpStringTable extends IndexRowBase {
  /** Normalised for the default search: lower case, accents removed. */
  value: string;
  /** As written, for `:exact`. */
  exact: string;
}
export interface SpDateTable extends IndexRowBase {
  low: Timestamp | null;
  high: Timestamp | null;
}
export interface SpReferenceTable extends IndexRowBase {
  target_type: string | null;
  target_id: string | null;
  reference: string;
}
export interface SpQuantityTable extends IndexRowBase {
  value: ColumnType<string, number | string, number | string>;
  system: string | null;
  code: string | null;
}
export interface SpNumberTable extends IndexRowBase {
  value: ColumnType<string, number | string, number | string>;
}
export interface SpUriTable extends IndexRowBase {
  value: string;
}

/** One row per access to or change of health data (DESIGN.md convention 5). */
export interface AuditLogTable {
  id: Generated<string>;
  recorded: Timestamp;
  actor: string;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  resident_id: string | null;
  outcome: string;
  detail: string | null;
  /** Roles of the actor, comma-separated (migration 0005). */
  actor_roles: string | null;
  /** Client network address (migration 0005). */
  source_address: string | null;
}

/** A local user account (issue 8). Lock-out counters live here. */
export interface AccessUserTable {
  id: string;
  username: string;
  display_name: string | null;
  /** Argon2id PHC string; null for accounts that log in only through OpenID Connect. */
  password_hash: string | null;
  disabled: Generated<boolean>;
  failed_attempts: Generated<number>;
  locked_until: Timestamp | null;
  created: Timestamp;
  password_changed: Timestamp | null;
}

/** A role granted to a user, bound to an org unit (null = the whole platform) or a care team. */
export interface AccessGrantTable {
  id: Generated<string>;
  user_id: string;
  role: string;
  org_unit: string | null;
  care_team: string | null;
  created: Timestamp;
}

/** A login session: the SHA-256 of its current (rotating) refresh token. */
export interface AccessSessionTable {
  id: string;
  user_id: string;
  refresh_hash: string;
  created: Timestamp;
  last_used: Timestamp;
  expires: Timestamp;
  revoked: Timestamp | null;
}

/** An OAuth2 machine client (client credentials grant). */
export interface AccessClientTable {
  client_id: string;
  name: string | null;
  secret_hash: string;
  role: string;
  org_unit: string | null;
  /** Space-separated SMART-style scopes, e.g. `system/*.write system/Patient.read`. */
  scopes: string;
  disabled: Generated<boolean>;
  created: Timestamp;
}

/** Break-the-glass: time-limited access to one patient outside the user's scope, flagged for review. */
export interface AccessBreakGlassTable {
  id: string;
  user_id: string;
  patient_id: string;
  resident_id: string;
  reason: string;
  granted: Timestamp;
  expires: Timestamp;
  reviewed: Timestamp | null;
  reviewed_by: string | null;
}

/** Server settings kept in the database (e.g. the generated JWT signing secret). */
export interface AccessSettingTable {
  key: string;
  value: string;
}

export interface DB {
  fhir_resource: FhirResourceTable;
  fhir_resource_history: FhirResourceHistoryTable;
  fhir_resource_version: FhirResourceVersionView;
  sp_token: SpTokenTable;
  sp_string: SpStringTable;
  sp_date: SpDateTable;
  sp_reference: SpReferenceTable;
  sp_quantity: SpQuantityTable;
  sp_number: SpNumberTable;
  sp_uri: SpUriTable;
  audit_log: AuditLogTable;
  access_user: AccessUserTable;
  access_grant: AccessGrantTable;
  access_session: AccessSessionTable;
  access_client: AccessClientTable;
  access_break_glass: AccessBreakGlassTable;
  access_setting: AccessSettingTable;
}

/** The database handle every repository takes; a transaction is accepted wherever a database is. */
export type Database = Kysely<DB>;
export type Executor = Kysely<DB> | Transaction<DB>;
