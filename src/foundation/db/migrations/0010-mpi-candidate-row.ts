/**
 * The real-time candidate row: each `mpi_feature` row also carries its Patient's link (`person_id`,
 * `how`) and the person's resident number, so the candidate query (mpi.repository.ts
 * `cappedPoolQuery`) reads one row per candidate instead of probing `mpi_feature`, `mpi_link` and
 * `mpi_person` in turn. Measured on the 2 M register in shared buffers (200 sampled records, 60
 * candidates at p50): 2.4 → 1.8 ms at p50, 5.4 → 3.9 ms at p95 (docs/mpi.md).
 *
 * `mpi_link` and `mpi_person` stay the record of truth; triggers keep the copy equal whoever writes
 * (real-time projector, batch `mpi link`, merge, unmerge):
 * - a feature row inserted takes its Patient's current link and number, unless the writer gave them;
 * - after a link is inserted or moved (person or how), or deleted, its feature row follows;
 * - after a person is inserted with a number or its number changes, its Patients' rows follow.
 * AFTER ROW triggers fire at the end of the statement (PostgreSQL §39.1), so features, persons and
 * links written by sibling data-modifying CTEs of one statement (`writePlan`) end equal whatever
 * order the CTEs ran in. Each update only writes when a value differs.
 */
import { sql, type Kysely } from 'kysely';
import { execStatements } from '../exec-statements.js';

/** plpgsql bodies contain `;`: one statement each, not through execStatements. */
const FUNCTIONS = [
  `CREATE FUNCTION mpi_feature_takes_link() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF NEW.person_id IS NULL THEN
       SELECT l.person_id, l.how, p.resident_number INTO NEW.person_id, NEW.how, NEW.resident_number
       FROM mpi_link l LEFT JOIN mpi_person p ON p.id = l.person_id WHERE l.patient_id = NEW.patient_id;
     END IF;
     RETURN NEW;
   END $$`,
  `CREATE FUNCTION mpi_link_to_feature() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE rn text;
   BEGIN
     IF TG_OP = 'DELETE' THEN
       UPDATE mpi_feature SET person_id = NULL, how = NULL, resident_number = NULL
       WHERE patient_id = OLD.patient_id AND person_id IS NOT NULL;
     ELSE
       rn := (SELECT p.resident_number FROM mpi_person p WHERE p.id = NEW.person_id);
       UPDATE mpi_feature SET person_id = NEW.person_id, how = NEW.how, resident_number = rn
       WHERE patient_id = NEW.patient_id AND (person_id, how, resident_number) IS DISTINCT FROM (NEW.person_id, NEW.how, rn);
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE FUNCTION mpi_person_number_to_features() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     UPDATE mpi_feature f SET resident_number = NEW.resident_number
     FROM mpi_link l WHERE l.person_id = NEW.id AND f.patient_id = l.patient_id AND f.resident_number IS DISTINCT FROM NEW.resident_number;
     RETURN NULL;
   END $$`,
];

export async function up(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    ALTER TABLE mpi_feature ADD COLUMN person_id text, ADD COLUMN how text, ADD COLUMN resident_number text;
    UPDATE mpi_feature f SET person_id = l.person_id, how = l.how, resident_number = p.resident_number
    FROM mpi_link l LEFT JOIN mpi_person p ON p.id = l.person_id WHERE l.patient_id = f.patient_id
  `);
  for (const f of FUNCTIONS) await sql.raw(f).execute(db);
  await execStatements(db, `
    CREATE TRIGGER mpi_feature_link BEFORE INSERT ON mpi_feature
      FOR EACH ROW EXECUTE FUNCTION mpi_feature_takes_link();
    CREATE TRIGGER mpi_link_feature AFTER INSERT OR DELETE OR UPDATE OF person_id, how ON mpi_link
      FOR EACH ROW EXECUTE FUNCTION mpi_link_to_feature();
    CREATE TRIGGER mpi_person_number_inserted AFTER INSERT ON mpi_person
      FOR EACH ROW WHEN (NEW.resident_number IS NOT NULL) EXECUTE FUNCTION mpi_person_number_to_features();
    CREATE TRIGGER mpi_person_number_changed AFTER UPDATE OF resident_number ON mpi_person
      FOR EACH ROW WHEN (OLD.resident_number IS DISTINCT FROM NEW.resident_number) EXECUTE FUNCTION mpi_person_number_to_features()
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    DROP TRIGGER mpi_person_number_changed ON mpi_person;
    DROP TRIGGER mpi_person_number_inserted ON mpi_person;
    DROP TRIGGER mpi_link_feature ON mpi_link;
    DROP TRIGGER mpi_feature_link ON mpi_feature;
    DROP FUNCTION mpi_person_number_to_features();
    DROP FUNCTION mpi_link_to_feature();
    DROP FUNCTION mpi_feature_takes_link();
    ALTER TABLE mpi_feature DROP COLUMN person_id, DROP COLUMN how, DROP COLUMN resident_number
  `);
}
