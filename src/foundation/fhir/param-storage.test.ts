import { describe, expect, it } from 'vitest';
import { isStoredParam, paramStorage, storedParams } from './param-storage.js';

describe('paramStorage (which rows answer a search parameter)', () => {
  it('reads a parameter with the same expression from the stored one', () => {
    expect(paramStorage('Patient', 'phonetic')).toEqual({ params: ['name'] });
    expect(isStoredParam('Patient', 'name')).toBe(true);
    expect(isStoredParam('Patient', 'phonetic')).toBe(false);
  });

  it('reads a union parameter from the parameters it is the union of', () => {
    expect([...paramStorage('Observation', 'combo-code').params].sort()).toEqual(['code', 'component-code']);
    expect([...paramStorage('Observation', 'combo-value-quantity').params].sort()).toEqual(['component-value-quantity', 'value-quantity']);
  });

  it('reads a type-restricted reference from the unrestricted one with the target type', () => {
    expect(paramStorage('Observation', 'patient')).toEqual({ params: ['subject'], targetType: 'Patient' });
    expect(paramStorage('Encounter', 'practitioner')).toEqual({ params: ['participant'], targetType: 'Practitioner' });
  });

  it('keeps parameters whose expression no other parameter covers', () => {
    for (const [type, code] of [['Observation', 'code'], ['Observation', 'subject'], ['Patient', 'family'], ['AllergyIntolerance', 'patient'], ['Observation', 'value-quantity']]) {
      expect(paramStorage(type, code), `${type}.${code}`).toEqual({ params: [code] });
    }
  });

  it('maps a list of codes to the stored ones without duplicates', () => {
    expect(storedParams('Observation', ['subject', 'patient', 'performer'])).toEqual(['subject', 'performer']);
  });
});
