import { describe, expect, it } from 'vitest';
import { RESIDENT_ID_SYSTEM } from '../fhir/index.js';
import { maskedValueIn, maskResource, maskResourceJson } from './masking.js';

const ID = '33018119800101123X';
const person = (type: 'Patient' | 'RelatedPerson', id = ID, phone = '13812345678') => ({
  resourceType: type,
  identifier: [{ system: RESIDENT_ID_SYSTEM, value: id }],
  telecom: [{ system: 'phone', value: phone }],
});

describe('masking of nested resources', () => {
  it('masks a Patient in `contained` of any resource and labels the container', () => {
    const rx = { resourceType: 'MedicationRequest', contained: [person('Patient')], subject: { reference: 'Patient/p1' } };
    expect(maskResource(rx)).toBe(true);
    expect(rx.contained[0].identifier[0].value).toBe('330181********123X');
    expect(rx.contained[0].telecom[0].value).toBe('138****5678');
    expect((rx as { meta?: { security?: { code: string }[] } }).meta?.security?.map((s) => s.code)).toEqual(['MASKED']);
  });

  it('masks the entries of a stored Bundle (document), at any depth, and RelatedPerson too', () => {
    const doc = {
      resourceType: 'Bundle',
      type: 'document',
      entry: [
        { resource: { resourceType: 'Composition', status: 'final' } },
        { resource: person('Patient') },
        { resource: { resourceType: 'Observation', contained: [person('RelatedPerson', '330181199002022345', '13698765432')] } },
      ],
    };
    const out = maskResourceJson(JSON.stringify(doc));
    expect(out).not.toContain(ID);
    expect(out).not.toContain('330181199002022345');
    expect(out).not.toContain('13698765432');
    expect(JSON.parse(out).entry[2].resource.contained[0].telecom[0].value).toBe('136****5432');
  });

  it('leaves resources without a nested Patient unparsed, and nested Practitioners unmasked', () => {
    const text = JSON.stringify({ resourceType: 'Observation', contained: [{ resourceType: 'Practitioner', telecom: [{ system: 'phone', value: '13812345678' }] }] });
    expect(maskResourceJson(text)).toBe(text);
  });

  it('names the nested element that holds a masked value (for the 422 on write-back)', () => {
    const dispense = { resourceType: 'MedicationDispense', contained: [{ resourceType: 'Basic' }, person('Patient', '330181********123X')] };
    expect(maskedValueIn(dispense)).toBe('MedicationDispense.contained[1].identifier[0].value');
    const bundle = { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Patient', telecom: [{ system: 'sms', value: '138****5678' }] } }] };
    expect(maskedValueIn(bundle)).toBe('Bundle.entry[0].resource.telecom[0].value');
    expect(maskedValueIn({ resourceType: 'MedicationDispense', contained: [person('Patient')] })).toBeUndefined();
  });
});
