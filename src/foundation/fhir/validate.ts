/**
 * Input validation of resources: shape (resourceType, id); values FHIR JSON forbids (null,
 * empty, whitespace-only; FHIR R4 §2.6.2); reference syntax; then structure, cardinality,
 * primitive formats and required codes against the R4 JSON schema (schema-validator.ts).
 * Reference targets are checked for existence by the store, inside the write transaction.
 *
 * Not checked (as HAPI's and Medplum's defaults in bulk paths): the FHIRPath invariants of the
 * StructureDefinitions (e.g. per-1 "start <= end", obs-6), profiles and slicing.
 */
import { OperationOutcomeError } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { isKnownResourceType, loadFhirDefinitions } from './definitions.js';
import { fail, notFoundOutcome } from './outcomes.js';
import { schemaProblem } from './schema-validator.js';

/** FHIR R4 §2.26.0.5 id datatype: [A-Za-z0-9\-\.]{1,64}. */
export const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;

/** Throws 404 unless `type` is a concrete R4 resource type. */
export function assertResourceType(type: string): void {
  if (!isKnownResourceType(type)) throw new OperationOutcomeError(notFoundOutcome(`Unknown resource type '${type}'`));
}

/** Throws 400 unless `id` is a valid FHIR id. */
export function assertId(id: string, expression = 'id'): void {
  if (!ID_PATTERN.test(id)) fail(`Invalid id '${id.slice(0, 80)}': expected 1-64 characters of [A-Za-z0-9-.]`, expression);
}

/**
 * Validates a request body as a resource of `expectedType` (when given) and returns it.
 * Throws a 400 OperationOutcome naming the element (FHIRPath) for each problem.
 */
export function validateInput(body: unknown, expectedType?: string): Resource {
  loadFhirDefinitions();
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail('Request body must be a FHIR resource (a JSON object)');
  const resource = body as Resource;
  const type = (resource as { resourceType?: unknown }).resourceType;
  if (typeof type !== 'string') fail('Missing resourceType', 'resourceType');
  if (!isKnownResourceType(type)) fail(`Unknown resourceType '${type.slice(0, 80)}'`, 'resourceType');
  if (expectedType && type !== expectedType) fail(`resourceType '${type}' does not match the URL's '${expectedType}'`, 'resourceType');
  if (resource.id !== undefined && (typeof resource.id !== 'string' || !ID_PATTERN.test(resource.id))) {
    fail(`Invalid id: expected 1-64 characters of [A-Za-z0-9-.]`, `${type}.id`);
  }
  const valueProblem = jsonValueProblem(resource, type);
  if (valueProblem) fail(valueProblem.details, valueProblem.expression);
  const problem = schemaProblem(resource as { resourceType: string });
  if (problem) fail(problem.details, problem.expression);
  return resource;
}

/** FHIR strings are at most 1 MB (R4 §2.24.0.1 string). */
const MAX_STRING = 1024 * 1024;

/**
 * The first value FHIR JSON forbids, or a malformed `reference` (outside contained resources):
 * null (except the placeholder in a primitive array whose `_name` partner has an entry at that
 * index, R4 §2.6.2.7), an empty object, array or string, a whitespace-only or over-long string.
 * One pass; the path is only built when a problem is found.
 */
export function jsonValueProblem(resource: object, type: string): { expression: string; details: string } | undefined {
  const path: (string | number)[] = [];
  const where = (): string => type + path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
  let details: string | undefined;
  const check = (value: unknown, inContained: boolean, key: string | number): boolean => {
    if (value === null || value === undefined) details = `Invalid ${value === null ? 'null' : 'undefined'} value`;
    else if (typeof value === 'string') {
      if (value.trim() === '') details = value === '' ? 'Invalid empty string' : 'String must contain non-whitespace content';
      else if (value.length > MAX_STRING) details = 'String cannot be larger than 1 MB';
      else if (key === 'reference' && !inContained && !isWellFormedReference(value)) details = `Invalid reference '${value.slice(0, 120)}'`;
    } else if (typeof value === 'object') {
      return walk(value as Record<string, unknown> | unknown[], inContained);
    }
    return details === undefined;
  };
  const walk = (node: Record<string, unknown> | unknown[], inContained: boolean): boolean => {
    if (Array.isArray(node)) {
      if (node.length === 0) {
        details = 'Invalid empty array';
        return false;
      }
      return true; // items are checked by the owner, which knows the `_name` partner
    }
    let empty = true;
    for (const key in node) {
      empty = false;
      const value = node[key];
      path.push(key);
      if (Array.isArray(value)) {
        if (!walk(value, inContained)) return false;
        const partner = node[key.startsWith('_') ? key.slice(1) : `_${key}`];
        for (let i = 0; i < value.length; i++) {
          path.push(i);
          const item = value[i];
          const placeholder = item === null && Array.isArray(partner) && partner[i] !== null && partner[i] !== undefined;
          if (!placeholder && !check(item, inContained || key === 'contained', key)) return false;
          path.pop();
        }
      } else if (!check(value, inContained, key)) return false;
      path.pop();
    }
    if (empty) details = 'Invalid empty object';
    return !empty;
  };
  return walk(resource as Record<string, unknown>, false) ? undefined : { expression: where(), details: details ?? 'Invalid value' };
}

/** Local reference "Type/id", absolute URL, urn:uuid/urn:oid, or contained "#id". */
export function isWellFormedReference(reference: string): boolean {
  if (reference.startsWith('#')) return reference.length > 1;
  if (/^urn:(uuid|oid):\S+$/.test(reference)) return true;
  // Conditional reference, resolved by the transaction that carries it (R4 §3.1.0.11.2).
  if (/^[A-Z][A-Za-z]+\?\S+=\S*$/.test(reference)) return isKnownResourceType(reference.slice(0, reference.indexOf('?')));
  if (/^https?:\/\/\S+$/.test(reference)) return true;
  const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(reference);
  return m !== null && isKnownResourceType(m[1]);
}

/** Every `reference` string in a resource, with a FHIRPath-like location (built only for the references found). */
export function referencesIn(value: unknown, path = ''): { path: string; reference: string }[] {
  const out: { path: string; reference: string }[] = [];
  const steps: (string | number)[] = [];
  const at = () => {
    let p = path;
    for (const s of steps) p = typeof s === 'number' ? `${p}[${s}]` : p ? `${p}.${s}` : s;
    return p;
  };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        steps.push(i);
        walk(node[i]);
        steps.pop();
      }
    } else if (node && typeof node === 'object') {
      for (const key in node) {
        if (key === 'contained') continue;
        const child = (node as Record<string, unknown>)[key];
        steps.push(key);
        if (key === 'reference' && typeof child === 'string') out.push({ path: at(), reference: child });
        else if (child && typeof child === 'object') walk(child);
        steps.pop();
      }
    }
  };
  walk(value);
  return out;
}

/** Local "Type/id" targets of a resource's references (those the store can check exist). */
export function localTargets(resource: Resource): { type: string; id: string; path: string }[] {
  const out: { type: string; id: string; path: string }[] = [];
  for (const { path, reference } of referencesIn(resource)) {
    const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/.*)?$/.exec(reference);
    if (m) out.push({ type: m[1], id: m[2], path });
  }
  return out;
}
