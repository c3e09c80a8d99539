import { describe, expect, it } from 'vitest';
import { OperationOutcomeError, RESIDENT_ID_SYSTEM } from '../fhir/index.js';
import { assertUnmasked, MASKED_SECURITY, maskedValueIn, maskPhone, maskResidentId, maskResource, maskResourceJson } from './masking.js';

const patient = () => ({
  resourceType: 'Patient',
  id: 'p1',
  identifier: [
    { system: RESIDENT_ID_SYSTEM, value: '33018119800101123X' },
    { system: 'https://healthy-brain.org/fhir/sid/medical-insurance', value: 'YB0012345678' },
  ],
  name: [{ text: '王芳' }],
  telecom: [
    { system: 'phone', value: '13812345678' },
    { system: 'email', value: 'wang@example.org' },
  ],
  contact: [{ telecom: [{ system: 'phone', value: '+86 13900001111' }] }],
});

describe('maskResidentId', () => {
  it('keeps the first 6 and last 4 of an 18-character ID', () => {
    expect(maskResidentId('330181198001011234')).toBe('330181********1234');
    expect(maskResidentId('33018119800101123X')).toBe('330181********123X');
  });
  it('masks a 15-digit first-generation ID the same way', () => {
    expect(maskResidentId('330181800101123')).toBe('330181*****1123');
  });
  it('keeps the first and last quarter of shorter values, and masks very short ones whole', () => {
    expect(maskResidentId('ABCDEFGH')).toBe('AB****GH');
    expect(maskResidentId('ABC')).toBe('***');
  });
});

describe('maskPhone', () => {
  it('shows the first 3 and last 4 digits of a Chinese mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 13812345678')).toBe('+86 138****5678');
  });
  it('keeps the first and last quarter of other numbers', () => {
    expect(maskPhone('0571-88886666')).toBe('057*******666');
  });
});

describe('maskResource / maskResourceJson', () => {
  it('masks resident IDs and phones of a Patient (and its contacts), nothing else, and labels it', () => {
    const p = patient();
    expect(maskResource(p)).toBe(true);
    expect(p.identifier[0].value).toBe('330181********123X');
    expect(p.identifier[1].value).toBe('YB0012345678');
    expect(p.telecom[0].value).toBe('138****5678');
    expect(p.telecom[1].value).toBe('wang@example.org');
    expect(p.contact[0].telecom[0].value).toBe('+86 139****1111');
    expect((p as { meta?: { security?: unknown[] } }).meta?.security).toEqual([MASKED_SECURITY]);
  });
  it('is idempotent: a masked resource masked again does not change', () => {
    const once = maskResourceJson(JSON.stringify(patient()));
    expect(maskResourceJson(once)).toBe(once);
  });
  it('returns text without anything to mask unchanged (same string, not re-serialised)', () => {
    const obs = JSON.stringify({ resourceType: 'Observation', subject: { reference: 'Patient/p1' }, valueString: '13812345678' });
    expect(maskResourceJson(obs)).toBe(obs);
    const email = JSON.stringify({ resourceType: 'Patient', telecom: [{ system: 'email', value: 'a@b.c' }] });
    expect(maskResourceJson(email)).toBe(email);
  });
  it('masks the JSON text of a Patient and of a RelatedPerson', () => {
    const masked = JSON.parse(maskResourceJson(JSON.stringify(patient())));
    expect(masked.identifier[0].value).toBe('330181********123X');
    expect(masked.telecom[0].value).toBe('138****5678');
    const related = JSON.parse(maskResourceJson(JSON.stringify({ resourceType: 'RelatedPerson', patient: { reference: 'Patient/p1' }, telecom: [{ system: 'sms', value: '13700002222' }] })));
    expect(related.telecom[0].value).toBe('137****2222');
  });
  it('leaves a Practitioner alone (staff contact data, not a resident)', () => {
    const pr = JSON.stringify({ resourceType: 'Practitioner', telecom: [{ system: 'phone', value: '13812345678' }] });
    expect(maskResourceJson(pr)).toBe(pr);
  });
});

describe('assertUnmasked', () => {
  it('accepts real values and refuses a masked ID or phone with a 422 business-rule outcome naming the element', () => {
    expect(() => assertUnmasked(patient())).not.toThrow();
    const p = patient();
    maskResource(p);
    expect(maskedValueIn(p)).toBe('Patient.identifier[0].value');
    try {
      assertUnmasked(p);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OperationOutcomeError);
      const outcome = (e as OperationOutcomeError).outcome;
      expect(outcome.id).toBe('business-rule');
      expect(outcome.issue[0].expression).toEqual(['Patient.identifier[0].value']);
    }
    const phoneOnly = patient();
    phoneOnly.telecom[0].value = '138****5678';
    expect(maskedValueIn(phoneOnly)).toBe('Patient.telecom[0].value');
    expect(maskedValueIn({ resourceType: 'Observation', valueString: '***' })).toBeUndefined();
  });
});
