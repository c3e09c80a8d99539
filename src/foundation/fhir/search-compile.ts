/**
 * Compiles a search URL's query parameters into an SqlSearch, checking every parameter against
 * the R4 SearchParameter set of the resource type. Unknown parameters and unsupported modifiers
 * are a 400 naming the parameter (as HAPI and Medplum do), never silently ignored.
 */
import { isKnownResourceType, searchParametersOf } from './definitions.js';
import { INDEXED_TYPES, type IndexedType } from './indexer.js';
import { fail } from './outcomes.js';
import type { SqlFilter, SqlSearch } from './search.repository.js';

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 1000;

export interface IncludeSpec {
  resourceType: string;
  searchParam: string;
  targetType?: string;
}

export interface CompiledSearch {
  sql: SqlSearch;
  include: IncludeSpec[];
  revInclude: IncludeSpec[];
  totalMode: 'none' | 'estimate' | 'accurate';
  summaryCount: boolean;
}

/** Result parameters that do not filter (R4 §3.1.1.5). Ignored ones are listed as such. */
const IGNORED = new Set(['_format', '_pretty', '_elements', '_contained', '_containedType']);

type ParamType = IndexedType | 'id' | 'lastUpdated';

function paramType(resourceType: string, code: string): ParamType {
  if (code === '_id') return 'id';
  if (code === '_lastUpdated') return 'lastUpdated';
  const sp = searchParametersOf(resourceType)[code];
  if (!sp) fail(`Unknown search parameter '${code}' for resource type ${resourceType}`, code);
  if (!(INDEXED_TYPES as readonly string[]).includes(sp.type as string)) {
    fail(`Search parameter '${code}' of type ${sp.type} is not supported`, code);
  }
  return sp.type as IndexedType;
}

const MODIFIERS: Record<string, readonly ParamType[]> = {
  missing: ['token', 'string', 'date', 'reference', 'quantity', 'number', 'uri', 'id', 'lastUpdated'],
  exact: ['string'],
  contains: ['string'],
  not: ['token', 'id'],
  below: ['uri'],
  above: ['uri'],
};

function integer(value: string, name: string, min: number): number {
  if (!/^\d+$/.test(value)) fail(`${name} must be a non-negative integer`, name);
  const n = Number(value);
  if (n < min) fail(`${name} must be at least ${min}`, name);
  return n;
}

function parseInclude(value: string, name: string, base: string, rev: boolean): IncludeSpec {
  const [source, param, target] = value.split(':');
  if (!source || !param || !isKnownResourceType(source)) fail(`Invalid ${name} '${value}': expected Type:param[:TargetType]`, name);
  if (!rev && source !== base) fail(`${name} '${value}' must start with the searched type ${base}`, name);
  const sp = searchParametersOf(source)[param];
  if (!sp || sp.type !== 'reference') fail(`Invalid ${name} '${value}': ${source} has no reference parameter '${param}'`, name);
  if (target && !isKnownResourceType(target)) fail(`Invalid ${name} target type '${target}'`, name);
  return { resourceType: source, searchParam: param, targetType: target };
}

/** Compiles `query` (name → values, as repeated in the URL) for `resourceType`. */
export function compileSearch(resourceType: string, query: Record<string, string[]>): CompiledSearch {
  const filters: SqlFilter[] = [];
  const sort: SqlSearch['sort'] = [];
  const include: IncludeSpec[] = [];
  const revInclude: IncludeSpec[] = [];
  let count = DEFAULT_COUNT;
  let offset = 0;
  let totalMode: CompiledSearch['totalMode'] = 'none';
  let summaryCount = false;

  for (const [name, values] of Object.entries(query)) {
    for (const value of values) {
      if (IGNORED.has(name)) continue;
      switch (name) {
        case '_count':
          count = Math.min(integer(value, '_count', 0), MAX_COUNT);
          continue;
        case '_offset':
          offset = integer(value, '_offset', 0);
          continue;
        case '_total':
          if (value !== 'none' && value !== 'estimate' && value !== 'accurate') fail(`_total must be none, estimate or accurate`, '_total');
          totalMode = value;
          continue;
        case '_summary':
          if (value === 'count') summaryCount = true;
          else if (!['true', 'false', 'text', 'data'].includes(value)) fail(`Invalid _summary '${value}'`, '_summary');
          continue;
        case '_sort':
          for (const part of value.split(',').filter(Boolean)) {
            const descending = part.startsWith('-');
            const code = descending ? part.slice(1) : part;
            sort.push({ code, type: paramType(resourceType, code), descending });
          }
          continue;
        case '_include':
          include.push(parseInclude(value.replace(/:iterate$/, ''), '_include', resourceType, false));
          continue;
        case '_revinclude':
          revInclude.push(parseInclude(value.replace(/:iterate$/, ''), '_revinclude', resourceType, true));
          continue;
      }
      const colon = name.indexOf(':');
      const code = colon < 0 ? name : name.slice(0, colon);
      const modifier = colon < 0 ? '' : name.slice(colon + 1);
      const type = paramType(resourceType, code);
      let operator = 'eq';
      if (modifier) {
        if (type === 'reference' && isKnownResourceType(modifier)) operator = `type:${modifier}`;
        else if (MODIFIERS[modifier]?.includes(type)) operator = modifier;
        else fail(`Modifier ':${modifier}' is not supported for search parameter '${code}' (${type})`, name);
      }
      filters.push({ code, type, operator, value });
    }
  }
  if (count === 0) summaryCount = true;
  return { sql: { resourceType, filters, sort, count, offset }, include, revInclude, totalMode, summaryCount };
}
