/**
 * Input validation of resources: shape (resourceType, id), structure and cardinality against the
 * R4 StructureDefinitions (@medplum/core's validator), and reference syntax. Reference targets
 * are checked for existence by the store, inside the write transaction.
 */
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { codeBindingProblems } from './code-bindings.js';
import { isKnownResourceType, loadFhirDefinitions } from './definitions.js';
import { fail, notFoundOutcome } from './outcomes.js';

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
  validateResource(resource); // throws OperationOutcomeError with issue.expression on the first structural problems
  const codeProblem = codeBindingProblems(resource)[0];
  if (codeProblem) fail(codeProblem[1], codeProblem[0]);
  for (const { path, reference } of referencesIn(resource)) {
    if (!isWellFormedReference(reference)) fail(`Invalid reference '${reference.slice(0, 120)}'`, `${type}.${path}`);
  }
  return resource;
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

/** Every `reference` string in a resource, with a FHIRPath-like location. */
export function referencesIn(value: unknown, path = ''): { path: string; reference: string }[] {
  const out: { path: string; reference: string }[] = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${at}[${i}]`));
    } else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (key === 'contained') continue;
        const childPath = at ? `${at}.${key}` : key;
        if (key === 'reference' && typeof child === 'string') out.push({ path: childPath, reference: child });
        else walk(child, childPath);
      }
    }
  };
  walk(value, path);
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
