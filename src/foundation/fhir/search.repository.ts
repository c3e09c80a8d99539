/**
 * Search as SQL (FHIR R4 §3.1.1): each parameter becomes an EXISTS over its index table, the OR
 * list of its values a disjunction inside it, and parameters are ANDed. Access rules (issue 8)
 * add their predicate (`scope`, on the alias `r`) to every query here, so nothing is filtered
 * after fetching.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/index.js';
import type { IndexedType } from './indexer.js';
import { INDEX_TABLES } from './store.repository.js';
import { dateRange, numberRange, parseReferenceValue, parseToken, splitOr, type Prefix, PREFIXES } from './search-values.js';
import { fail } from './outcomes.js';
import { paramStorage } from './param-storage.js';

export interface SqlFilter {
  code: string;
  type: IndexedType | 'id' | 'lastUpdated';
  /** eq, ne, gt…, or a modifier: contains, exact, missing, not, below, above, type:<T>. */
  operator: string;
  value: string;
}

export interface SqlSearch {
  resourceType: string;
  filters: SqlFilter[];
  sort: { code: string; type: IndexedType | 'id' | 'lastUpdated'; descending: boolean }[];
  count: number;
  offset: number;
  /** Extra predicate on `r` (access scope), already built. */
  scope?: RawBuilder<boolean>;
}

function or(parts: RawBuilder<unknown>[]): RawBuilder<unknown> {
  return parts.length === 1 ? parts[0] : sql`(${sql.join(parts, sql` OR `)})`;
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function splitPrefix(value: string): { prefix: Prefix; rest: string } {
  const p = value.slice(0, 2) as Prefix;
  if (PREFIXES.includes(p) && /^[a-z]{2}[-+.\d]/.test(value)) return { prefix: p, rest: value.slice(2) };
  return { prefix: 'eq', rest: value };
}

/** Range semantics of R4 §3.1.1.4.2 for a target range [lowCol, highCol] and a search range. */
function rangeCondition(prefix: Prefix, lowCol: RawBuilder<unknown>, highCol: RawBuilder<unknown>, low: unknown, high: unknown): RawBuilder<unknown> {
  switch (prefix) {
    case 'eq':
      // The target lies inside [low, high]. `lowCol <= high` follows from it (a stored range has
      // low ≤ high) and gives the low-column index a closed interval: the planner then estimates
      // a selective date (birthdate=1931-02) as selective and starts from the index instead of
      // walking every resource in id order for a LIMIT it expects to fill early.
      return sql`(${lowCol} >= ${low} AND ${lowCol} <= ${high} AND ${highCol} <= ${high})`;
    case 'ne':
      return sql`NOT (${lowCol} >= ${low} AND ${highCol} <= ${high})`;
    case 'gt':
      return sql`${highCol} > ${high}`;
    case 'lt':
      return sql`${lowCol} < ${low}`;
    case 'ge':
      return sql`${highCol} >= ${low}`;
    case 'le':
      return sql`${lowCol} <= ${high}`;
    case 'sa':
      return sql`${lowCol} > ${high}`;
    case 'eb':
      return sql`${highCol} < ${low}`;
    case 'ap':
      return sql`(${lowCol} <= ${high} AND ${highCol} >= ${low})`;
  }
}

function valueCondition(f: SqlFilter, value: string): RawBuilder<unknown> {
  switch (f.type) {
    case 'token': {
      const t = parseToken(value);
      const parts: RawBuilder<unknown>[] = [];
      if (t.code !== undefined) parts.push(sql`i.code = ${t.code}`);
      if (t.system === null) parts.push(sql`i.system IS NULL`);
      else if (t.system !== undefined) parts.push(sql`i.system = ${t.system}`);
      if (parts.length === 0) fail(`Invalid token '${value}' for search parameter '${f.code}'`, f.code);
      return sql`(${sql.join(parts, sql` AND `)})`;
    }
    case 'string': {
      if (f.operator === 'exact') return sql`i.exact = ${value}`;
      const norm = likeEscape(value.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim());
      return f.operator === 'contains' ? sql`i.value LIKE ${'%' + norm + '%'}` : sql`i.value LIKE ${norm + '%'}`;
    }
    case 'uri':
      if (f.operator === 'below') return sql`i.value LIKE ${likeEscape(value) + '%'}`;
      if (f.operator === 'above') return sql`${value} LIKE (replace(replace(i.value, '%', '\\%'), '_', '\\_') || '%')`;
      return sql`i.value = ${value}`;
    case 'reference': {
      const r = parseReferenceValue(value);
      const type = f.operator.startsWith('type:') ? f.operator.slice(5) : r.type;
      if (r.url) return sql`(i.reference = ${r.url} OR (i.target_id = ${r.id} AND i.target_type = ${type ?? null}))`;
      return type ? sql`(i.target_id = ${r.id} AND i.target_type = ${type})` : sql`i.target_id = ${r.id}`;
    }
    case 'date': {
      const { prefix, rest } = splitPrefix(value);
      const { low, high } = dateRange(rest, f.code);
      return rangeCondition(prefix, sql`i.low`, sql`i.high`, low, high);
    }
    case 'number': {
      const { prefix, rest } = splitPrefix(value);
      const n = numberRange(rest, f.code);
      return numberCondition(prefix, n);
    }
    case 'quantity': {
      const { prefix, rest } = splitPrefix(value);
      const [num, system, code] = rest.split('|');
      const n = numberRange(num, f.code);
      const parts = [numberCondition(prefix, n)];
      if (system) parts.push(sql`i.system = ${system}`);
      if (code) parts.push(sql`i.code = ${code}`);
      return sql`(${sql.join(parts, sql` AND `)})`;
    }
    case 'id':
      return sql`r.id = ${value}`;
    case 'lastUpdated': {
      const { prefix, rest } = splitPrefix(value);
      const { low, high } = dateRange(rest, f.code);
      return rangeCondition(prefix, sql`r.last_updated`, sql`r.last_updated`, low, high);
    }
  }
}

function numberCondition(prefix: Prefix, n: { value: number; low: number; high: number }): RawBuilder<unknown> {
  switch (prefix) {
    case 'eq':
      return sql`(i.value >= ${n.low} AND i.value < ${n.high})`;
    case 'ne':
      return sql`NOT (i.value >= ${n.low} AND i.value < ${n.high})`;
    case 'gt':
    case 'sa':
      return sql`i.value > ${n.value}`;
    case 'lt':
    case 'eb':
      return sql`i.value < ${n.value}`;
    case 'ge':
      return sql`i.value >= ${n.value}`;
    case 'le':
      return sql`i.value <= ${n.value}`;
    case 'ap': // R4: within 10 % of the value
      return sql`(i.value >= ${n.value - Math.abs(n.value) * 0.1} AND i.value <= ${n.value + Math.abs(n.value) * 0.1})`;
  }
}

/** The index rows of parameter `code` (its own, or those of the parameters that answer it: param-storage.ts). */
function paramRows(resourceType: string, code: string): RawBuilder<unknown> {
  const { params, targetType } = paramStorage(resourceType, code);
  const param = params.length === 1 ? sql`i.param = ${params[0]}` : sql`i.param IN (${sql.join(params)})`;
  return targetType ? sql`${param} AND i.target_type = ${targetType}` : param;
}

function filterCondition(resourceType: string, f: SqlFilter): RawBuilder<unknown> {
  if (f.type === 'id' || f.type === 'lastUpdated') {
    if (f.operator === 'missing') return f.value === 'true' ? sql`false` : sql`true`;
    const cond = or(splitOr(f.value).map((v) => valueCondition(f, v)));
    return f.operator === 'not' ? sql`NOT ${cond}` : cond;
  }
  const table = sql.table(INDEX_TABLES[f.type]);
  const owner = sql`i.resource_type = r.resource_type AND i.resource_id = r.id AND ${paramRows(resourceType, f.code)}`;
  if (f.operator === 'missing') {
    if (f.value !== 'true' && f.value !== 'false') fail(`:missing takes true or false`, f.code);
    const exists = sql`EXISTS (SELECT 1 FROM ${table} i WHERE ${owner})`;
    return f.value === 'true' ? sql`NOT ${exists}` : exists;
  }
  const values = splitOr(f.value);
  if (values.length === 0) fail(`Empty value for search parameter '${f.code}'`, f.code);
  const match = sql`EXISTS (SELECT 1 FROM ${table} i WHERE ${owner} AND ${or(values.map((v) => valueCondition(f, v)))})`;
  return f.operator === 'not' ? sql`NOT ${match}` : match;
}

function sortExpression(resourceType: string, s: SqlSearch['sort'][number]): RawBuilder<unknown> {
  if (s.type === 'id') return sql`r.id`;
  if (s.type === 'lastUpdated') return sql`r.last_updated`;
  const table = sql.table(INDEX_TABLES[s.type]);
  const column = s.type === 'date' ? sql.ref(s.descending ? 'high' : 'low') : s.type === 'token' ? sql.ref('code') : s.type === 'reference' ? sql.ref('reference') : sql.ref('value');
  const agg = s.descending ? sql`max(${column})` : sql`min(${column})`;
  return sql`(SELECT ${agg} FROM ${table} i WHERE i.resource_type = r.resource_type AND i.resource_id = r.id AND ${paramRows(resourceType, s.code)})`;
}

function whereClause(q: SqlSearch): RawBuilder<unknown> {
  const conds: RawBuilder<unknown>[] = [sql`r.resource_type = ${q.resourceType}`, sql`r.deleted = false`];
  for (const f of q.filters) conds.push(filterCondition(q.resourceType, f));
  if (q.scope) conds.push(q.scope);
  return sql.join(conds, sql` AND `);
}

/** The SQL of one page of matches (searchPage; exported for plan tests). */
export function searchPageQuery(q: SqlSearch): RawBuilder<{ id: string; residentId: string | null; json: string }> {
  const order = [...q.sort.map((s) => sql`${sortExpression(q.resourceType, s)} ${s.descending ? sql`DESC NULLS LAST` : sql`ASC NULLS LAST`}`), sql`r.id ASC`];
  return sql<{ id: string; residentId: string | null; json: string }>`
    SELECT r.id, r.resident_id AS "residentId", r.content::text AS json FROM fhir_resource r
    WHERE ${whereClause(q)}
    ORDER BY ${sql.join(order, sql`, `)}
    LIMIT ${q.count} OFFSET ${q.offset}`;
}

/** One page of matches: ids, owning resident and JSON text, in the requested order. */
export async function searchPage(ex: Executor, q: SqlSearch): Promise<{ id: string; residentId: string | null; json: string }[]> {
  return (await searchPageQuery(q).execute(ex)).rows;
}

/** Number of matches. */
export async function searchCount(ex: Executor, q: SqlSearch): Promise<number> {
  const result = await sql<{ n: number }>`SELECT count(*)::int AS n FROM fhir_resource r WHERE ${whereClause(q)}`.execute(ex);
  return Number(result.rows[0].n);
}

/** Targets of `param` references from the given resources (for _include). */
export async function includeTargets(ex: Executor, resourceType: string, ids: readonly string[], param: string, targetType?: string): Promise<{ type: string; id: string }[]> {
  const storage = paramStorage(resourceType, param);
  if (ids.length === 0 || (targetType && storage.targetType && targetType !== storage.targetType)) return [];
  const target = targetType ?? storage.targetType;
  const result = await sql<{ target_type: string; target_id: string }>`
    SELECT DISTINCT target_type, target_id FROM sp_reference
    WHERE resource_type = ${resourceType} AND param IN (${sql.join(storage.params)}) AND resource_id IN (${sql.join(ids)})
      AND target_id IS NOT NULL AND target_type IS NOT NULL ${target ? sql`AND target_type = ${target}` : sql``}`.execute(ex);
  return result.rows.map((r) => ({ type: r.target_type, id: r.target_id }));
}

/**
 * Resources of `sourceType` whose `param` refers to any of the targets (for _revinclude and
 * $everything), limited to the access `scope` predicate on `r` when one is given. `params` are
 * stored parameter codes (param-storage.ts `storedParams`).
 */
export async function referencingResources(
  ex: Executor,
  sourceTypes: readonly string[] | null,
  params: readonly string[] | null,
  targetType: string,
  targetIds: readonly string[],
  scope?: RawBuilder<boolean>,
): Promise<{ resourceType: string; id: string; residentId: string | null; json: string }[]> {
  if (targetIds.length === 0) return [];
  const result = await sql<{ resource_type: string; id: string; resident_id: string | null; json: string }>`
    SELECT r.resource_type, r.id, r.resident_id, r.content::text AS json FROM fhir_resource r
    WHERE r.deleted = false ${scope ? sql`AND ${scope}` : sql``} AND EXISTS (
      SELECT 1 FROM sp_reference i WHERE i.resource_type = r.resource_type AND i.resource_id = r.id
        AND i.target_type = ${targetType} AND i.target_id IN (${sql.join(targetIds)})
        ${params ? sql`AND i.param IN (${sql.join(params)})` : sql``}
        ${sourceTypes ? sql`AND i.resource_type IN (${sql.join(sourceTypes)})` : sql``})
    ORDER BY r.resource_type, r.id`.execute(ex);
  return result.rows.map((r) => ({ resourceType: r.resource_type, id: r.id, residentId: r.resident_id, json: r.json }));
}
