/**
 * Audit rows carry the actor's roles and the client's network address (issue 8; IHE BALP /
 * DICOM PS3.15 A.5 ActiveParticipant RoleIDCode and NetworkAccessPointID, shown as FHIR R4
 * AuditEvent.agent.role and agent.network.address). Rows written before this migration have neither.
 */
import type { Kysely } from 'kysely';
import { execStatements } from '../exec-statements.js';

export async function up(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    ALTER TABLE audit_log ADD COLUMN actor_roles text;
    ALTER TABLE audit_log ADD COLUMN source_address text
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    ALTER TABLE audit_log DROP COLUMN source_address;
    ALTER TABLE audit_log DROP COLUMN actor_roles
  `);
}
