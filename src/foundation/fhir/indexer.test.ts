import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { evalFhirPathTyped, parseFhirPath, toTypedValue } from '@medplum/core';
import { allResourceTypes, loadFhirDefinitions, searchParametersOf } from './definitions.js';
import { conformantAs, indexedParams, indexResource, indexResourceReference } from './indexer.js';

const dir = join(import.meta.dirname, '../../../../shared/fixtures/synthea');

function fixtureResources(): Resource[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { entry: { resource: Resource }[] }).entry.map((e) => e.resource));
}

/** Shapes Synthea does not send but the compiled paths must handle as medplum's FHIRPath does. */
const edgeCases: Resource[] = [
  // Primitive with an extension only, and a primitive array with a null placeholder (R4 §2.6.2.7).
  {
    resourceType: 'Patient',
    _birthDate: { extension: [{ url: 'http://example.org/x', valueString: 'unknown' }] },
    name: [{ family: 'Wang', given: [null, 'Ming'], _given: [{ extension: [{ url: 'http://example.org/x', valueCode: 'x' }] }, null] }],
    telecom: [{ system: 'phone', value: '123' }, { system: 'email', value: 'a@b.c' }, { system: 'phone', value: '123' }],
    gender: 'male',
    deceasedBoolean: false,
    generalPractitioner: [{ reference: 'Practitioner/p1' }, { reference: 'Organization?identifier=x|1' }, { type: 'Organization', identifier: { system: 's', value: 'v' } }],
  } as unknown as Resource, // `_birthDate`, `_given` and null placeholders are FHIR JSON, not in the TS types
  // Choice types, `as` casts and unions over the same element.
  {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }], text: 'SBP' },
    subject: { reference: 'Patient/1' },
    valueQuantity: { value: 120, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
    effectivePeriod: { start: '2024-01-01', end: '2024-01-02T10:00:00Z' },
    component: [
      { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 120, unit: 'mm[Hg]' } },
      { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueCodeableConcept: { text: 'high' } },
    ],
  },
  // Contained resources and a reference to one.
  {
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/1' },
    contained: [{ resourceType: 'Medication', id: 'm1', code: { text: 'aspirin' } }],
    medicationReference: { reference: '#m1' },
    authoredOn: '2024-02-03',
  },
  {
    resourceType: 'Condition',
    subject: { reference: 'Patient/1' },
    onsetAge: { value: 40, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' },
    abatementString: 'in remission',
    recordedDate: '2024',
  },
  {
    resourceType: 'Bundle',
    type: 'collection',
    identifier: { system: 'urn:x', value: '1' },
    entry: [{ fullUrl: 'urn:uuid:1', resource: { resourceType: 'Patient', id: 'x' } }],
  },
];

describe('indexResource (compiled FHIRPath) against indexResourceReference (medplum FHIRPath)', () => {
  beforeAll(() => loadFhirDefinitions());

  it('compiles nearly every R4 search parameter expression', () => {
    const params = allResourceTypes().flatMap((t) => indexedParams(t));
    const compiled = params.filter((p) => p.fast).length;
    expect(compiled / params.length).toBeGreaterThan(0.99);
  });

  it('gives identical rows for every resource of the Synthea fixtures', () => {
    const resources = fixtureResources();
    expect(resources.length).toBeGreaterThan(400);
    for (const resource of resources) {
      expect(indexResource(resource), `${resource.resourceType}/${resource.id}`).toStrictEqual(indexResourceReference(resource));
    }
  });

  it('evaluates only the union members that name the resource type, with the values of the whole union', { timeout: 30_000 }, () => {
    const code = indexedParams('Observation').find((p) => p.code === 'code')!;
    expect(code.expression.toString()).toContain('Observation.code');
    expect(code.expression.toString()).not.toContain('Condition.code'); // the whole clinical-code union before
    for (const resource of fixtureResources()) {
      const input = [toTypedValue(resource)];
      const definitions = searchParametersOf(resource.resourceType);
      for (const p of indexedParams(resource.resourceType)) {
        // As sets: a union removes duplicates (FHIRPath N1 §6.5), a single member keeps them (two names both given "Liz").
        const values = (expression: Parameters<typeof evalFhirPathTyped>[0]) => [...new Set(evalFhirPathTyped(expression, input).map((v) => JSON.stringify(v)))].sort();
        expect(values(p.expression), `${resource.resourceType}.${p.code}`).toStrictEqual(values(parseFhirPath(conformantAs(definitions[p.code].expression!))));
      }
    }
  });

  it('gives identical rows for primitive extensions, choices, unions, contained resources', () => {
    for (const resource of edgeCases) {
      const rows = indexResource(resource);
      expect(rows, resource.resourceType).toStrictEqual(indexResourceReference(resource));
      expect(Object.values(rows).flat().length, resource.resourceType).toBeGreaterThan(0);
    }
  });

  it('indexes what a search needs (spot checks)', () => {
    const [patient, observation] = edgeCases.map((r) => indexResource(r));
    expect(patient.token).toContainEqual({ param: 'phone', system: 'phone', code: '123' });
    expect(patient.token).toContainEqual({ param: 'gender', system: null, code: 'male' });
    expect(patient.reference).toContainEqual({ param: 'general-practitioner', target_type: 'Practitioner', target_id: 'p1', reference: 'Practitioner/p1' });
    expect(observation.quantity).toContainEqual({ param: 'value-quantity', value: 120, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' });
    expect(observation.reference).toContainEqual({ param: 'subject', target_type: 'Patient', target_id: '1', reference: 'Patient/1' });
  });

  it('reads R4\'s .as(T) as a type filter: a dateTime onset is no onset-info string (FHIRPath N1 §6.3.3)', () => {
    const condition = edgeCases.find((r) => r.resourceType === 'Condition') as Resource;
    const withAge = indexResource(condition);
    expect(withAge.string).toContainEqual({ param: 'abatement-string', value: 'in remission', exact: 'in remission' });
    expect(withAge.quantity.filter((q) => q.param === 'onset-age').map((q) => q.value)).toEqual([40]);
    const dated = indexResource({ resourceType: 'Condition', subject: { reference: 'Patient/1' }, onsetDateTime: '2024-09-01', abatementDateTime: '2024-09-15' });
    expect(dated.string.filter((s) => s.param === 'onset-info' || s.param === 'abatement-string')).toEqual([]);
    expect(dated.date.map((d) => d.param).sort()).toEqual(['abatement-date', 'onset-date']);
    const told = indexResource({ resourceType: 'Condition', subject: { reference: 'Patient/1' }, onsetString: 'childhood' });
    expect(told.string).toContainEqual({ param: 'onset-info', value: 'childhood', exact: 'childhood' });
    expect(told.date.filter((d) => d.param === 'onset-date')).toEqual([]);
  });

  it('does not store parameters whose rows another parameter already has (param-storage.ts)', () => {
    const [patient, observation] = edgeCases.map((r) => indexResource(r));
    // Observation.patient = subject where the target is a Patient; combo-code = code | component.code.
    expect(observation.reference.map((r) => r.param)).not.toContain('patient');
    expect(observation.token.map((r) => r.param)).not.toContain('combo-code');
    expect(observation.token.map((r) => r.param)).toContain('code');
    // Patient.phonetic has the same expression as Patient.name.
    expect(patient.string.map((r) => r.param)).not.toContain('phonetic');
    expect(patient.string.map((r) => r.param)).toContain('name');
  });
});
