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
export type FhirResourceHistoryTable = FhirResourceTable;

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
}

export interface DB {
  fhir_resource: FhirResourceTable;
  fhir_resource_history: FhirResourceHistoryTable;
  sp_token: SpTokenTable;
  sp_string: SpStringTable;
  sp_date: SpDateTable;
  sp_reference: SpReferenceTable;
  sp_quantity: SpQuantityTable;
  sp_number: SpNumberTable;
  sp_uri: SpUriTable;
  audit_log: AuditLogTable;
}

/** The database handle every repository takes; a transaction is accepted wherever a database is. */
export type Database = Kysely<DB>;
export type Executor = Kysely<DB> | Transaction<DB>;
