import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OperationOutcomeError, validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFhirDefinitions } from './definitions.js';
import { validateInput } from './validate.js';

/** The 400's first issue, or undefined when the body is valid. */
function problem(body: unknown, expectedType?: string): { expression?: string; details?: string; code?: string } | undefined {
  try {
    validateInput(body, expectedType);
    return undefined;
  } catch (err) {
    if (!(err instanceof OperationOutcomeError)) throw err;
    const issue = err.outcome.issue?.[0];
    return { expression: issue?.expression?.[0], details: issue?.details?.text, code: issue?.code };
  }
}

const obs = { resourceType: 'Observation', status: 'final', code: { text: 'x' } };
const ref = { reference: 'Patient/1' };
const claim = { resourceType: 'Claim', status: 'active', type: { text: 't' }, use: 'claim', patient: ref, created: '2024-01-01', provider: ref, priority: { text: 'normal' }, insurance: [{ sequence: 1, focal: true, coverage: ref }] };
const ext = { extension: [{ url: 'http://example.org/x', valueString: 'y' }] };

describe('validateInput: error expressions (FHIRPath)', () => {
  beforeAll(() => loadFhirDefinitions());

  const cases: [string, unknown, string][] = [
    ['invalid date', { resourceType: 'Patient', birthDate: '1990-13-45' }, 'Patient.birthDate'],
    ['invalid required code', { resourceType: 'Patient', gender: 'x' }, 'Patient.gender'],
    ['required code the JSON schema has no enum for', { ...claim, status: 'bogus' }, 'Claim.status'],
    ['unknown element', { resourceType: 'Patient', foo: 1 }, 'Patient.foo'],
    ['missing required primitive', { resourceType: 'Observation', code: { text: 'x' } }, 'Observation.status'],
    ['missing required complex element', { resourceType: 'Observation', status: 'final' }, 'Observation.code'],
    ['missing Extension.url', { resourceType: 'Patient', extension: [{ valueString: 'x' }] }, 'Patient.extension[0].url'],
    ['nested array element', { resourceType: 'Patient', name: [{ given: ['a', 5] }] }, 'Patient.name[0].given[1]'],
    ['wrong JSON type', { resourceType: 'Patient', active: 'yes' }, 'Patient.active'],
    ['integer with a fraction', { resourceType: 'Patient', multipleBirthInteger: 1.5 }, 'Patient.multipleBirthInteger'],
    ['unsignedInt below zero', { resourceType: 'Patient', photo: [{ size: -1 }] }, 'Patient.photo[0].size'],
    ['positiveInt zero', { ...claim, item: [{ sequence: 0, productOrService: { text: 'x' } }] }, 'Claim.item[0].sequence'],
    ['date that does not exist', { resourceType: 'Patient', birthDate: '1990-02-30' }, 'Patient.birthDate'],
    ['dateTime that does not exist', { ...obs, effectiveDateTime: '2023-02-29T10:00:00Z' }, 'Observation.effectiveDateTime'],
    ['date that does not exist, in an extension', { resourceType: 'Patient', extension: [{ url: 'http://x', valueDate: '2021-04-31' }] }, 'Patient.extension[0].valueDate'],
    ['invalid instant', { resourceType: 'Patient', meta: { lastUpdated: '2020-01-01' } }, 'Patient.meta.lastUpdated'],
    ['null value', { resourceType: 'Patient', birthDate: null }, 'Patient.birthDate'],
    ['null in a primitive array without an extension', { resourceType: 'Patient', name: [{ given: ['a', null] }] }, 'Patient.name[0].given[1]'],
    ['empty array', { resourceType: 'Patient', name: [] }, 'Patient.name'],
    ['empty object', { resourceType: 'Patient', name: [{}] }, 'Patient.name[0]'],
    ['whitespace-only string', { resourceType: 'Patient', name: [{ family: '  ' }] }, 'Patient.name[0].family'],
    ['malformed reference', { ...obs, subject: { reference: 'not a reference' } }, 'Observation.subject.reference'],
    ['contained resource', { resourceType: 'Patient', contained: [{ resourceType: 'Observation', code: { text: 'x' } }] }, 'Patient.contained[0].status'],
    ['contained resource of unknown type', { resourceType: 'Patient', contained: [{ resourceType: 'Nope' }] }, 'Patient.contained[0].resourceType'],
    ['resource in a Bundle entry', { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', birthDate: 'x' } }] }, 'Bundle.entry[0].resource.birthDate'],
    ['invalid id', { resourceType: 'Patient', id: 'a b' }, 'Patient.id'],
    ['wrong resourceType', { resourceType: 'Patient' }, 'resourceType'],
  ];
  for (const [name, body, expression] of cases) {
    it(name, () => {
      const p = problem(body, name === 'wrong resourceType' ? 'Observation' : undefined);
      expect(p, name).toBeDefined();
      expect(p?.expression).toBe(expression);
      expect(p?.code).toBe('invalid');
    });
  }

  it('says what is wrong', () => {
    expect(problem({ resourceType: 'Patient', gender: 'x' })?.details).toMatch(/male \| female \| other \| unknown/);
    expect(problem({ resourceType: 'Patient', birthDate: '1990-13-45' })?.details).toBe("Invalid date '1990-13-45'");
    expect(problem({ resourceType: 'Observation', code: { text: 'x' } })?.details).toBe("Missing required element 'status'");
  });

  it('accepts what FHIR JSON allows', () => {
    expect(problem(obs)).toBeUndefined();
    // A required primitive given only by its extension, and a null placeholder (R4 §2.6.2.7).
    expect(problem({ resourceType: 'Observation', _status: ext, code: { text: 'x' } })).toBeUndefined();
    expect(problem({ resourceType: 'Patient', name: [{ given: [null, 'b'], _given: [ext, null] }] })).toBeUndefined();
    expect(problem({ resourceType: 'Patient', birthDate: '2000-02-29', deceasedDateTime: '1900-02-28' })).toBeUndefined();
    expect(problem({ resourceType: 'Patient', _birthDate: ext, deceasedDateTime: '2020-02-03T04:05:06+08:00' })).toBeUndefined();
    expect(problem({ ...obs, subject: { reference: 'Patient?identifier=urn:x|1' }, contained: [{ resourceType: 'Patient', id: 'p' }], performer: [{ reference: '#p' }] })).toBeUndefined();
  });

  it('accepts every resource of the Synthea fixtures, as medplum does', () => {
    const dir = join(import.meta.dirname, '../../../../shared/fixtures/synthea');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      for (const { resource } of (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { entry: { resource: Resource }[] }).entry) {
        expect(() => validateResource(resource)).not.toThrow();
        expect(problem(resource), `${f} ${resource.resourceType}/${resource.id}`).toBeUndefined();
      }
    }
  });

  it('rejects what medplum rejects (structure, formats, cardinality), at the same element', () => {
    const invalid = cases.map(([, body]) => body).filter((b) => (b as Resource).resourceType !== 'Bundle' && !(b as { contained?: unknown }).contained);
    let compared = 0;
    for (const body of invalid) {
      let medplum: string[] = [];
      try {
        validateResource(body as Resource);
      } catch (err) {
        medplum = ((err as OperationOutcomeError).outcome.issue ?? []).flatMap((i) => i.expression ?? []);
      }
      if (medplum.length === 0) continue; // rules medplum does not check (code bindings, references, id)
      const ours = problem(body)?.expression ?? '(accepted)';
      // medplum names a choice `multipleBirth[x]` where we say `multipleBirthInteger`.
      const plain = ours.replace(/\[\d+\]/g, '');
      const same = (m: string): boolean => {
        const norm = m.replace(/\[\d+\]/g, '');
        return norm.startsWith(plain) || (norm.endsWith('[x]') && plain.startsWith(norm.slice(0, -3)));
      };
      expect(medplum.some(same), `medplum ${medplum.join(', ')} vs ours ${ours}`).toBe(true);
      compared++;
    }
    expect(compared).toBeGreaterThan(10);
  });
});
