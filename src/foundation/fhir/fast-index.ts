/**
 * A compiler from the parsed FHIRPath of a search parameter to a plain JavaScript function, for
 * the few shapes the R4 SearchParameter set uses almost everywhere (FHIRPath §5, FHIR R4
 * §3.1.1.4 "search parameter expressions"):
 *
 *   Observation.subject                      path navigation (choice types included)
 *   Observation.value as Quantity            `as` / ofType() type filter (R4's .as(T) arrives as
 *                                            ofType(T): indexer.ts conformantAs rewrites it first)
 *   Observation.subject.where(resolve() is Patient)
 *   RelatedArtifact.where(type='composed-of').resource
 *   Patient.telecom.where(system='phone')
 *   A.x | A.y                                union (duplicates removed by FHIRPath equality)
 *
 * Each step gives exactly what @medplum/core's evaluator gives (the same TypedValue types and
 * values): navigation goes through `getTypedPropertyValueWithSchema` with the element definition
 * looked up once per (type, name); `resolve()`, `is`, `=` and union deduplication call
 * @medplum/core's own functions. Anything else is not compiled (the caller falls back to
 * `evalFhirPathTyped`); indexer.test.ts checks both agree on the Synthea fixtures.
 */
import {
  AsAtom,
  DotAtom,
  EqualsAtom,
  FhirPathAtom,
  FunctionAtom,
  IndexerAtom,
  IsAtom,
  LiteralAtom,
  SymbolAtom,
  UnionAtom,
  fhirPathEquals,
  fhirPathIs,
  getElementDefinition,
  getTypedPropertyValueWithSchema,
  getTypedPropertyValueWithoutSchema,
  removeDuplicates,
  toTypedValue,
  type TypedValue,
} from '@medplum/core';

/** A compiled expression: input collection → output collection. */
export type CompiledPath = (input: TypedValue[]) => TypedValue[];
type Atom = FhirPathAtom['child'];
type Predicate = (item: TypedValue) => boolean;
type ElementDefinition = NonNullable<ReturnType<typeof getElementDefinition>>;

/**
 * How to read one element: its definition and, per allowed type, the JSON key and its `_key`
 * (R4 §2.6.2.5: `value[x]` → valueQuantity, …), in the definition's type order.
 */
interface Accessor {
  element: ElementDefinition;
  candidates: { key: string; extensionKey: string; type: string }[];
  /** Values of this type are resources (contained, Bundle.entry.resource): left to medplum. */
  resource: boolean;
}

/** Accessors by type then property name; null when the type has no such element (medplum then guesses). */
const accessorCache = new Map<string, Map<string, Accessor | null>>();

function capitalize(code: string): string {
  return code ? code.charAt(0).toUpperCase() + code.substring(1) : '';
}

function accessorOf(type: string, name: string): Accessor | null {
  let byName = accessorCache.get(type);
  if (!byName) accessorCache.set(type, (byName = new Map()));
  let accessor = byName.get(name);
  if (accessor === undefined) {
    const element = getElementDefinition(type, name);
    if (element) {
      const last = element.path.substring(element.path.lastIndexOf('.') + 1);
      const candidates = (element.type ?? []).map((t) => {
        const key = last.replace('[x]', capitalize(t.code));
        return { key, extensionKey: `_${key}`, type: t.code };
      });
      accessor = { element, candidates, resource: candidates.some((c) => c.type === 'Resource') };
    } else accessor = null;
    byName.set(name, accessor);
  }
  return accessor;
}

/** @medplum/core's isEmpty: null, undefined, '' , [] and {} are empty. */
function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v === '';
  if (typeof v === 'object') return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
  return false;
}

/**
 * `getTypedPropertyValueWithSchema` for the common case, with the candidate keys computed once.
 * Primitive extensions (`_key` present) and resource-typed elements go to medplum's own function.
 */
function propertyValue(tv: TypedValue, accessor: Accessor, name: string, out: TypedValue[]): void {
  const value = tv.value as Record<string, unknown>;
  let result: unknown;
  let type: string | undefined;
  for (const c of accessor.candidates) {
    result = value[c.key];
    if (value[c.extensionKey] !== undefined || accessor.resource) {
      push(getTypedPropertyValueWithSchema(tv, name, accessor.element), out);
      return;
    }
    if (result !== undefined) {
      type = c.type;
      break;
    }
  }
  if (type === undefined || isEmpty(result)) return;
  if (type === 'Element' || type === 'BackboneElement') type = accessor.element.type[0].code;
  if (Array.isArray(result)) {
    for (const item of result) if (item !== undefined) out.push({ type, value: item });
  } else {
    out.push({ type, value: result });
  }
}

/** Appends the defined values of a medplum property result (SymbolAtom drops `value === undefined`). */
function push(result: TypedValue[] | TypedValue | undefined, out: TypedValue[]): void {
  if (Array.isArray(result)) {
    for (const r of result) if (r?.value !== undefined) out.push(r);
  } else if (result?.value !== undefined) {
    out.push(result);
  }
}

/** FHIRPath member navigation, as @medplum/core's SymbolAtom.eval (a resource type name filters). */
function navigate(name: string): CompiledPath {
  return (input) => {
    const out: TypedValue[] = [];
    for (const tv of input) {
      const value = tv.value as Record<string, unknown> | undefined;
      if (!value || typeof value !== 'object') continue;
      if (value.resourceType === name) {
        out.push(tv);
        continue;
      }
      const accessor = accessorOf(tv.type, name);
      if (accessor) propertyValue(tv, accessor, name, out);
      else push(getTypedPropertyValueWithoutSchema(tv, name), out);
    }
    return out;
  };
}

function ofType(type: string): CompiledPath {
  return (input) => input.filter((e) => e.type === type);
}

/**
 * FHIRPath `resolve()` without a server, as @medplum/core's `functions.resolve` (not exported):
 * a contained `resource`, else the type named by "Type/id" or a conditional "Type?…" reference.
 */
function resolve(item: TypedValue): TypedValue | undefined {
  const value = item.value as unknown;
  let ref: string | undefined;
  if (typeof value === 'string') ref = value;
  else if (value && typeof value === 'object') {
    const r = value as { resource?: { resourceType: string }; reference?: string; type?: string; identifier?: { system?: string; value?: string } };
    if (r.resource) return toTypedValue(r.resource);
    if (r.reference) ref = r.reference;
    else if (r.type && r.identifier) ref = `${r.type}?identifier=${r.identifier.system}|${r.identifier.value}`;
  }
  if (ref?.includes('?')) {
    const [resourceType] = ref.split('?');
    return { type: resourceType, value: { resourceType } };
  }
  if (ref?.includes('/')) {
    const [resourceType, id] = ref.split('/');
    return { type: resourceType, value: { resourceType, id } };
  }
  return undefined;
}

/** The `where(...)` criteria we compile: `resolve() is T` and `name = 'literal'`. */
function compilePredicate(atom: Atom): Predicate | undefined {
  if (atom instanceof IsAtom && atom.right instanceof SymbolAtom) {
    const left = atom.left;
    const type = atom.right.name;
    if (left instanceof FunctionAtom && left.name === 'resolve' && left.args.length === 0) {
      return (item) => {
        const resolved = resolve(item);
        return resolved !== undefined && fhirPathIs(resolved, type);
      };
    }
    return undefined;
  }
  if (atom instanceof EqualsAtom && atom.right instanceof LiteralAtom) {
    const left = compile(atom.left);
    const literal = atom.right.value;
    if (!left || !(atom.left instanceof SymbolAtom)) return undefined;
    // FHIRPath §6.1.1 `=`: empty if either side is empty, false if the counts differ.
    return (item) => {
      const values = left([item]);
      return values.length === 1 && fhirPathEquals(values[0], literal)[0].value === true;
    };
  }
  return undefined;
}

/** Compiles `atom`, or returns undefined when it uses anything outside the shapes above. */
export function compile(atom: Atom): CompiledPath | undefined {
  if (atom instanceof FhirPathAtom) {
    const child = compile(atom.child);
    // FhirPathAtom evaluates its child once per input item and concatenates.
    return child && ((input) => (input.length === 1 ? child(input) : input.flatMap((e) => child([e]))));
  }
  if (atom instanceof SymbolAtom) {
    if (atom.name.startsWith('$') || atom.name.startsWith('%')) return undefined;
    return navigate(atom.name);
  }
  if (atom instanceof DotAtom) {
    const left = compile(atom.left);
    if (!left) return undefined;
    if (atom.right instanceof FunctionAtom) {
      const fn = atom.right;
      if (fn.name === 'where' && fn.args.length === 1) {
        const predicate = compilePredicate(fn.args[0]);
        return predicate && ((input) => left(input).filter(predicate));
      }
      // medplum's `as(T)` function returns its input unchanged (unlike the `as` operator); the
      // indexer rewrites R4's .as(T) to ofType(T) before it gets here (indexer.ts conformantAs).
      if (fn.name === 'as' && fn.args.length === 1) return left;
      if (fn.name === 'ofType' && fn.args.length === 1 && fn.args[0] instanceof SymbolAtom) {
        const filter = ofType(fn.args[0].name);
        return (input) => filter(left(input));
      }
      return undefined;
    }
    const right = compile(atom.right);
    return right && ((input) => right(left(input)));
  }
  if (atom instanceof AsAtom && atom.right instanceof SymbolAtom) {
    const left = compile(atom.left);
    const filter = ofType(atom.right.name);
    return left && ((input) => filter(left(input)));
  }
  if (atom instanceof UnionAtom) {
    const left = compile(atom.left);
    const right = compile(atom.right);
    return left && right && ((input) => removeDuplicates([...left(input), ...right(input)]));
  }
  if (atom instanceof IndexerAtom && atom.expr instanceof LiteralAtom && typeof atom.expr.value.value === 'number') {
    const left = compile(atom.left);
    const index = atom.expr.value.value;
    return left && ((input) => {
      const values = left(input);
      return index in values ? [values[index]] : [];
    });
  }
  return undefined;
}

/** Unwraps primitives carrying extensions (`new String(...)`), as evalFhirPathTyped does last. */
export function finish(values: TypedValue[]): TypedValue[] {
  return values.map((v) => ({ type: v.type, value: v.value?.valueOf() }));
}
