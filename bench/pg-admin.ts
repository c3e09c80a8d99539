/** One statement on its own short-lived connection (database creation and drops, server settings, counters). */
import pg from 'pg';

export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await admin.query<R>(text, params);
  } finally {
    await admin.end();
  }
}
