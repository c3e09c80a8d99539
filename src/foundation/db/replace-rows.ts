/**
 * Projection rows replaced by key, in as few statements as the data allows: every statement is a
 * round trip inside the write transaction (parse, plan, and a wake-up of each side), so a projector
 * writes all its tables in one (docs/benchmarks.md, "Statements per bundle and ingest CPU").
 *
 * Rows are plain records whose keys are column names (the first row's keys give the columns);
 * parameter types come from the target columns (INSERT … VALUES).
 */
import { sql } from 'kysely';
import type { Executor } from './schema.js';

type Row = Record<string, unknown>;

/** Parameters per statement: well under the protocol's 65,535. */
const MAX_PARAMETERS = 30_000;

/**
 * Inserts rows into several tables: one statement for as many tables and rows as fit in
 * MAX_PARAMETERS (`WITH i0 AS (INSERT …), i1 AS (INSERT …) SELECT 1`).
 */
export async function insertRows(ex: Executor, batches: readonly { table: string; rows: readonly Row[] }[]): Promise<void> {
  const parts: ReturnType<typeof sql>[] = [];
  let parameters = 0;
  const send = async () => {
    if (parts.length === 0) return;
    const ctes = parts.map((p, i) => sql`${sql.ref(`i${i}`)} AS (${p})`);
    await sql`WITH ${sql.join(ctes)} SELECT 1`.execute(ex);
    parts.length = 0;
    parameters = 0;
  };
  for (const { table, rows } of batches) {
    if (rows.length === 0) continue;
    const columns = Object.keys(rows[0]);
    const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      if (parameters + chunk.length * columns.length > MAX_PARAMETERS) await send();
      const values = chunk.map((r) => sql`(${sql.join(columns.map((c) => r[c]))})`);
      parts.push(sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) VALUES ${sql.join(values)}`);
      parameters += chunk.length * columns.length;
    }
  }
  await send();
}

/**
 * Replaces rows of `table`: deletes those whose `keyColumn` is one of `deleteKeys`, then inserts
 * `rows`. Callers pass as `deleteKeys` only keys that may hold rows (a projector leaves
 * out the resources a write created: see ResourceChange.created), so a create costs no DELETE.
 */
export async function replaceRows(ex: Executor, table: string, keyColumn: string, deleteKeys: readonly string[], rows: readonly Row[]): Promise<void> {
  if (deleteKeys.length > 0) await sql`DELETE FROM ${sql.table(table)} WHERE ${sql.ref(keyColumn)} = ANY(${[...deleteKeys]}::text[])`.execute(ex);
  await insertRows(ex, [{ table, rows }]);
}
