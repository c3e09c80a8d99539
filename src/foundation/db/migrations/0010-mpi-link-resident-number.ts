/**
 * The person's resident number kept on each of its link rows (`mpi_link.resident_number`), so the
 * real-time candidate query (mpi.repository.ts `cappedPoolQuery`) reads feature and link per
 * candidate and no longer probes `mpi_person` as well: one index probe fewer per candidate, the
 * slowest of three (docs/mpi.md, "Real-time matching at 2 M").
 *
 * Two triggers keep the copy equal to `mpi_person.resident_number` whoever writes (real-time
 * projector, batch `mpi link`, merge, unmerge):
 * - before a link row is inserted or moved to another person, it takes that person's number;
 * - after a person is inserted with a number or its number changes, every link row of the person
 *   takes it. AFTER ROW triggers fire at the end of the statement (PostgreSQL §39.1), so a person
 *   and its links inserted by sibling data-modifying CTEs of one statement (`writePlan`) end equal
 *   whatever order the CTEs ran in.
 */
import { sql, type Kysely } from 'kysely';
import { execStatements } from '../exec-statements.js';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE mpi_link ADD COLUMN resident_number text`.execute(db);
  await sql`UPDATE mpi_link l SET resident_number = p.resident_number FROM mpi_person p WHERE p.id = l.person_id AND p.resident_number IS NOT NULL`.execute(db);
  await sql.raw(`
    CREATE FUNCTION mpi_link_takes_number() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.resident_number := (SELECT p.resident_number FROM mpi_person p WHERE p.id = NEW.person_id);
      RETURN NEW;
    END $$`).execute(db);
  await sql.raw(`
    CREATE FUNCTION mpi_person_number_to_links() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE mpi_link SET resident_number = NEW.resident_number
      WHERE person_id = NEW.id AND resident_number IS DISTINCT FROM NEW.resident_number;
      RETURN NULL;
    END $$`).execute(db);
  await execStatements(db, `
    CREATE TRIGGER mpi_link_number BEFORE INSERT OR UPDATE OF person_id ON mpi_link
      FOR EACH ROW EXECUTE FUNCTION mpi_link_takes_number();
    CREATE TRIGGER mpi_person_number_inserted AFTER INSERT ON mpi_person
      FOR EACH ROW WHEN (NEW.resident_number IS NOT NULL) EXECUTE FUNCTION mpi_person_number_to_links();
    CREATE TRIGGER mpi_person_number_changed AFTER UPDATE OF resident_number ON mpi_person
      FOR EACH ROW WHEN (OLD.resident_number IS DISTINCT FROM NEW.resident_number) EXECUTE FUNCTION mpi_person_number_to_links()
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    DROP TRIGGER mpi_person_number_changed ON mpi_person;
    DROP TRIGGER mpi_person_number_inserted ON mpi_person;
    DROP TRIGGER mpi_link_number ON mpi_link;
    DROP FUNCTION mpi_person_number_to_links();
    DROP FUNCTION mpi_link_takes_number();
    ALTER TABLE mpi_link DROP COLUMN resident_number
  `);
}
