/**
 * The store's SQL on PGlite and PostgreSQL: search plans at volume (a selective date search must
 * start from the date index, not walk every resource in id order for the default `ORDER BY id
 * LIMIT`; measured as rows read by EXPLAIN ANALYZE, which does not depend on the machine's speed),
 * and the array literals that carry bulk writes.
 */
import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSearch } from '../src/foundation/fhir/search-compile.js';
import { searchPageQuery } from '../src/foundation/fhir/search.repository.js';
import { arrayLiteral } from '../src/foundation/fhir/store.repository.js';
import { storedEstimate } from '../src/foundation/fhir/analyze-schedule.js';
import * as migration0009 from '../src/foundation/db/migrations/0009-condition-as-index.js';
import * as migration0012 from '../src/foundation/db/migrations/0012-history-once.js';
import { freshDatabase, type TestDatabase } from './helpers/database.js';

let database: TestDatabase;
const N = 20_000;

beforeAll(async () => {
  database = await freshDatabase();
  // Patient g: born in year 1930 + g % 90, month g % 12 + 1, female when g is even (the
  // correlation of bench:fhir's Patients: some year-months hold no women at all).
  await sql`INSERT INTO fhir_resource (resource_type, id, version_id, last_updated, content)
    SELECT 'Patient', 'p' || g, 1, now(), jsonb_build_object('resourceType', 'Patient', 'id', 'p' || g) FROM generate_series(0, ${N - 1}) g`.execute(database.db);
  await sql`INSERT INTO sp_date (resource_type, resource_id, param, low, high)
    SELECT 'Patient', 'p' || g, 'birthdate', d, d + interval '1 day' - interval '1 millisecond'
    FROM generate_series(0, ${N - 1}) g, make_timestamptz(1930 + g % 90, g % 12 + 1, g % 28 + 1, 0, 0, 0, 'UTC') d`.execute(database.db);
  await sql`INSERT INTO sp_token (resource_type, resource_id, param, system, code)
    SELECT 'Patient', 'p' || g, 'gender', 'http://hl7.org/fhir/administrative-gender', CASE WHEN g % 2 = 0 THEN 'female' ELSE 'male' END
    FROM generate_series(0, ${N - 1}) g`.execute(database.db);
  await sql`ANALYZE`.execute(database.db);
});
afterAll(async () => {
  await database?.drop();
});

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** Rows of fhir_resource that the page query of `query` reads. */
async function resourceRowsRead(query: Record<string, string[]>): Promise<{ read: number; matches: number }> {
  const q = searchPageQuery(compileSearch('Patient', query).sql).compile(database.db);
  const result = await database.db.executeQuery<{ 'QUERY PLAN': unknown }>(CompiledQuery.raw(`EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`, [...q.parameters]));
  const raw = result.rows[0]['QUERY PLAN'];
  const root = (typeof raw === 'string' ? JSON.parse(raw) : raw)[0].Plan as PlanNode;
  let read = 0;
  const walk = (n: PlanNode) => {
    if (n['Relation Name'] === 'fhir_resource') read += (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1);
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(root);
  const matches = await database.db.executeQuery(q);
  return { read, matches: matches.rows.length };
}

describe('search plans', () => {
  it('a year-month birthdate with gender reads that month\'s Patients, not all of them', async () => {
    // 1931-02: g ≡ 1 (mod 90) and g ≡ 1 (mod 12), so g is odd: all male, no match.
    const none = await resourceRowsRead({ birthdate: ['1931-02'], gender: ['female'] });
    expect(none.matches).toBe(0);
    expect(none.read).toBeLessThan(N / 10);
    // 1930-01: g ≡ 0 (mod 180), all female: every one of that month matches.
    const some = await resourceRowsRead({ birthdate: ['1930-01'], gender: ['female'] });
    expect(some.matches).toBe(Math.ceil(N / 180) >= 20 ? 20 : Math.ceil(N / 180));
    expect(some.read).toBeLessThan(N / 10);
  });
});

describe('planner statistics', () => {
  it('storedEstimate reads the number of stored resources that the last ANALYZE counted', async () => {
    // ANALYZE of a 20,000-row table reads every row: reltuples is exact here.
    expect(await storedEstimate(database.db)).toBe(N);
  });

  it('ANALYZE skips the stored JSON documents (migration 0011) and keeps the columns searches are planned on', async () => {
    const stats = await sql<{ attname: string }>`SELECT attname FROM pg_stats WHERE tablename = 'fhir_resource' ORDER BY attname`.execute(database.db);
    const columns = stats.rows.map((r) => r.attname);
    expect(columns).toContain('resource_type');
    expect(columns).toContain('id');
    expect(columns).not.toContain('content');
  });
});

describe('array literals of bulk writes', () => {
  it('carry quotes, backslashes, braces, commas, NULL, empty strings and CJK text through unchanged', async () => {
    const values = ['a"b', 'c\\d', '{x,y}', 'NULL', '', ' lead and trail ', '张秀彩', null, 'tab\there', 'line\nbreak', '\\"'];
    const rows = values.map((v) => [v]);
    const back = await sql<{ v: string | null }>`SELECT v FROM unnest(${arrayLiteral(rows, 0)}::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n`.execute(database.db);
    expect(back.rows.map((r) => r.v)).toEqual(values);
  });

  it('carry numbers, booleans and timestamps as their types', async () => {
    const rows = [[1.5, true, new Date('2024-02-29T12:34:56.789Z')], [-0.001, false, '2024-01-01T00:00:00.000Z'], [null, null, null]];
    const back = await sql<{ n: string | null; b: boolean | null; t: string | null }>`
      SELECT n::text AS n, b, to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS t
      FROM unnest(${arrayLiteral(rows, 0)}::numeric[], ${arrayLiteral(rows, 1)}::bool[], ${arrayLiteral(rows, 2)}::timestamptz[]) WITH ORDINALITY AS x(n, b, t, k) ORDER BY k`.execute(database.db);
    expect(back.rows).toEqual([
      { n: '1.5', b: true, t: '2024-02-29T12:34:56.789' },
      { n: '-0.001', b: false, t: '2024-01-01T00:00:00.000' },
      { n: null, b: null, t: null },
    ]);
  });
});

describe('migration 0009', () => {
  it('drops onset-info / abatement-string rows of non-string onsets and keeps those of string ones', async () => {
    await sql`INSERT INTO fhir_resource (resource_type, id, version_id, last_updated, content) VALUES
      ('Condition', 'c-dated', 1, now(), '{"resourceType":"Condition","id":"c-dated","onsetDateTime":"2024-09-01","abatementDateTime":"2024-09-15"}'),
      ('Condition', 'c-told', 1, now(), '{"resourceType":"Condition","id":"c-told","onsetString":"childhood","abatementString":"in remission"}')`.execute(database.db);
    await sql`INSERT INTO sp_string (resource_type, resource_id, param, value, exact) VALUES
      ('Condition', 'c-dated', 'onset-info', '2024-09-01', '2024-09-01'), ('Condition', 'c-dated', 'abatement-string', '2024-09-15', '2024-09-15'),
      ('Condition', 'c-told', 'onset-info', 'childhood', 'childhood'), ('Condition', 'c-told', 'abatement-string', 'in remission', 'in remission')`.execute(database.db);
    await migration0009.up(database.db);
    const left = await sql<{ resource_id: string; param: string }>`SELECT resource_id, param FROM sp_string WHERE resource_type = 'Condition' ORDER BY 1, 2`.execute(database.db);
    expect(left.rows).toEqual([
      { resource_id: 'c-told', param: 'abatement-string' },
      { resource_id: 'c-told', param: 'onset-info' },
    ]);
  });
});

describe('migration 0012', () => {
  it('down copies the current versions back into history, up removes them again and keeps every version readable', async () => {
    const count = async (table: string) => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(database.db)).rows[0].n);
    const current = await count('fhir_resource');
    const replaced = await count('fhir_resource_history');
    await migration0012.down(database.db);
    expect(await count('fhir_resource_history')).toBe(replaced + current);
    await migration0012.up(database.db);
    expect(await count('fhir_resource_history')).toBe(replaced);
    expect(await count('fhir_resource_version')).toBe(replaced + current);
  });
});
