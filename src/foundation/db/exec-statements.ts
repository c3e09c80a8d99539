import { sql, type Kysely } from 'kysely';

/**
 * Runs a script of SQL statements separated by `;` one at a time (PGlite's query() takes one
 * statement at a time; so does pg's extended protocol). Statements must not contain `;` themselves.
 */
export async function execStatements(db: Kysely<any>, script: string): Promise<void> {
  for (const statement of script.split(';')) {
    const text = statement.trim();
    if (text) await sql.raw(text).execute(db);
  }
}
