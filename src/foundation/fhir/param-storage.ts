/**
 * Which index rows answer a search parameter. Many R4 search parameters of a resource type index
 * exactly the same elements as another one, and storing both doubles the index rows and the
 * write cost for nothing:
 *
 * - the same expression: Patient `phonetic` and `name` are both `Patient.name`;
 * - a union of other parameters: Observation `combo-code` is `Observation.code |
 *   Observation.component.code`, the expressions of `code` and `component-code`;
 * - a reference restricted to one target type: Observation `patient` is
 *   `Observation.subject.where(resolve() is Patient)`, the `subject` rows whose target is a Patient.
 *
 * Such a parameter is not stored; a search on it reads the rows of the parameters it is made of
 * (with the target-type condition). The answer is the same set of resources (R4 §3.1.1: a search
 * parameter is defined by its expression), with about a third fewer index rows for a clinical
 * record (measured in docs/benchmarks.md).
 */
import { searchParametersOf } from './definitions.js';

/** Where the rows of a parameter live: the stored parameter codes, and a reference target type they are limited to. */
export interface ParamStorage {
  params: readonly string[];
  targetType?: string;
}

const INDEXED = new Set(['token', 'string', 'date', 'reference', 'quantity', 'number', 'uri']);
const plans = new Map<string, Map<string, ParamStorage>>();

/** The parts of a FHIRPath union at the top level (not inside parentheses or strings). */
function unionParts(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === '|') {
      parts.push(expression.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(expression.slice(start));
  return parts.map((p) => p.replace(/\s+/g, ''));
}

/** The parts of a (possibly multi-resource) expression that apply to `resourceType`, normalised. */
function partsFor(resourceType: string, expression: string): string[] {
  const own = unionParts(expression).filter((p) => p.replace(/^\(+/, '').startsWith(`${resourceType}.`));
  return [...new Set(own)].sort();
}

function buildPlan(resourceType: string): Map<string, ParamStorage> {
  const params = Object.entries(searchParametersOf(resourceType))
    .filter(([code, sp]) => !code.startsWith('_') && sp.expression && INDEXED.has(sp.type as string))
    .map(([code, sp]) => ({ code, type: sp.type as string, parts: partsFor(resourceType, sp.expression as string) }))
    .filter((p) => p.parts.length > 0)
    // Fewest parts first, then the shortest code, so the plainest parameter is the one stored.
    .sort((a, b) => a.parts.length - b.parts.length || a.code.length - b.code.length || a.code.localeCompare(b.code));
  const plan = new Map<string, ParamStorage>();
  const stored: typeof params = [];
  for (const p of params) {
    // Stored parameters of the same type whose elements are all elements of p.
    const within = stored.filter((q) => q.type === p.type && q.parts.every((part) => p.parts.includes(part)));
    const same = within.find((q) => q.parts.length === p.parts.length);
    const covered = new Set(within.flatMap((q) => q.parts));
    if (same) plan.set(p.code, { params: [same.code] });
    else if (p.parts.length > 1 && covered.size === p.parts.length) plan.set(p.code, { params: within.map((q) => q.code) });
    else stored.push(p);
  }
  for (const p of stored) {
    const m = p.type === 'reference' && p.parts.length === 1 ? /^(.+)\.where\(resolve\(\)is([A-Z][A-Za-z]+)\)$/.exec(p.parts[0]) : null;
    const base = m ? stored.find((q) => q.type === 'reference' && q.parts.length === 1 && q.parts[0] === m[1] && !plan.has(q.code)) : undefined;
    if (m && base) plan.set(p.code, { params: [base.code], targetType: m[2] });
  }
  // A parameter that pointed at one that is now itself answered by others points there too
  // (a target-type limit is kept only when it is the same for every part).
  for (const [code, storage] of plan) {
    const resolved = storage.params.map((s) => plan.get(s) ?? { params: [s], targetType: storage.targetType });
    const targets = new Set(resolved.map((r) => r.targetType ?? storage.targetType));
    if (targets.size > 1) {
      plan.delete(code); // parts limited to different targets: store it as it is
      continue;
    }
    const [targetType] = targets;
    plan.set(code, { params: [...new Set(resolved.flatMap((r) => r.params))], ...(targetType ? { targetType } : {}) });
  }
  return plan;
}

function planOf(resourceType: string): Map<string, ParamStorage> {
  let plan = plans.get(resourceType);
  if (!plan) {
    plan = buildPlan(resourceType);
    plans.set(resourceType, plan);
  }
  return plan;
}

/** Where the index rows of `code` are (itself, when it is stored). */
export function paramStorage(resourceType: string, code: string): ParamStorage {
  return planOf(resourceType).get(code) ?? { params: [code] };
}

/** Does the indexer write rows for this parameter (false when another parameter's rows answer it)? */
export function isStoredParam(resourceType: string, code: string): boolean {
  return !planOf(resourceType).has(code);
}

/** The stored parameter codes behind a list of parameter codes (deduplicated). */
export function storedParams(resourceType: string, codes: readonly string[]): string[] {
  return [...new Set(codes.flatMap((c) => paramStorage(resourceType, c).params))];
}
