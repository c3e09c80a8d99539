/**
 * The FHIR resource store: current versions, history, and one search-index table per
 * search-parameter type (FHIR R4 §3.1.1.4 search parameter types). Index rows exist only for
 * current, non-deleted versions and are rewritten in the same transaction as the resource.
 */
import type { Kysely } from 'kysely';
import { execStatements } from '../exec-statements.js';

export async function up(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    CREATE TABLE fhir_resource (
      resource_type text NOT NULL,
      id text NOT NULL,
      version_id integer NOT NULL,
      last_updated timestamptz NOT NULL,
      deleted boolean NOT NULL DEFAULT false,
      resident_id text,
      org_unit text,
      content jsonb,
      PRIMARY KEY (resource_type, id)
    );
    CREATE INDEX fhir_resource_type_updated ON fhir_resource (resource_type, last_updated);
    CREATE INDEX fhir_resource_resident ON fhir_resource (resident_id) WHERE resident_id IS NOT NULL;
    CREATE INDEX fhir_resource_org_unit ON fhir_resource (org_unit) WHERE org_unit IS NOT NULL;

    CREATE TABLE fhir_resource_history (
      resource_type text NOT NULL,
      id text NOT NULL,
      version_id integer NOT NULL,
      last_updated timestamptz NOT NULL,
      deleted boolean NOT NULL DEFAULT false,
      resident_id text,
      org_unit text,
      content jsonb,
      PRIMARY KEY (resource_type, id, version_id)
    );
    CREATE INDEX fhir_resource_history_type_updated ON fhir_resource_history (resource_type, last_updated);
    CREATE INDEX fhir_resource_history_updated ON fhir_resource_history (last_updated);

    CREATE TABLE sp_token (resource_type text NOT NULL, resource_id text NOT NULL, param text NOT NULL, system text, code text);
    CREATE INDEX sp_token_lookup ON sp_token (resource_type, param, code, system);
    CREATE INDEX sp_token_owner ON sp_token (resource_type, resource_id);

    CREATE TABLE sp_string (resource_type text NOT NULL, resource_id text NOT NULL, param text NOT NULL, value text NOT NULL, exact text NOT NULL);
    CREATE INDEX sp_string_lookup ON sp_string (resource_type, param, value text_pattern_ops);
    CREATE INDEX sp_string_owner ON sp_string (resource_type, resource_id);

    CREATE TABLE sp_date (resource_type text NOT NULL, resource_id text NOT NULL, param text NOT NULL, low timestamptz, high timestamptz);
    CREATE INDEX sp_date_low ON sp_date (resource_type, param, low);
    CREATE INDEX sp_date_high ON sp_date (resource_type, param, high);
    CREATE INDEX sp_date_owner ON sp_date (resource_type, resource_id);

    CREATE TABLE sp_reference (resource_type text NOT NULL, resource_id text NOT NULL, param text NOT NULL, target_type text, target_id text, reference text NOT NULL);
    CREATE INDEX sp_reference_lookup ON sp_reference (target_id, target_type, resource_type, param);
    CREATE INDEX sp_reference_owner ON sp_reference (resource_type, resource_id);

    CREATE TABLE sp_quantity (resource_type text NOT NULL, resource_id text NOT NULL, param text NOT NULL, value numeric NOT NULL, system text, code text);
    CREATE INDEX sp_quantity_lookup ON sp_quantity (resource_type, param, value);
    CREATE INDEX sp_quantity_owner ON sp_quantity (resource_type, resource_id);

    CREATE TABLE sp_number (resource_type text NOT NULL, resource_id text NOT NULL, param text NOT NULL, value numeric NOT NULL);
    CREATE INDEX sp_number_lookup ON sp_number (resource_type, param, value);
    CREATE INDEX sp_number_owner ON sp_number (resource_type, resource_id);

    CREATE TABLE sp_uri (resource_type text NOT NULL, resource_id text NOT NULL, param text NOT NULL, value text NOT NULL);
    CREATE INDEX sp_uri_lookup ON sp_uri (resource_type, param, value);
    CREATE INDEX sp_uri_owner ON sp_uri (resource_type, resource_id);

    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      recorded timestamptz NOT NULL,
      actor text NOT NULL,
      action text NOT NULL,
      resource_type text,
      resource_id text,
      resident_id text,
      outcome text NOT NULL,
      detail text
    );
    CREATE INDEX audit_log_resident ON audit_log (resident_id, recorded) WHERE resident_id IS NOT NULL;
    CREATE INDEX audit_log_recorded ON audit_log (recorded);
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    DROP TABLE audit_log; DROP TABLE sp_uri; DROP TABLE sp_number; DROP TABLE sp_quantity;
    DROP TABLE sp_reference; DROP TABLE sp_date; DROP TABLE sp_string; DROP TABLE sp_token;
    DROP TABLE fhir_resource_history; DROP TABLE fhir_resource;
  `);
}
