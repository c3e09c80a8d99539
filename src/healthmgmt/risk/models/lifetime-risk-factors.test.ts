import { describe, expect, it } from 'vitest';
import { lifetimeRiskByFactors, type LifetimeRiskFactorInput } from './lifetime-risk-factors.js';

// A 50-year-old at intermediate 10-year risk with none of the five factors.
const clean: LifetimeRiskFactorInput = { ageYears: 50, tenYearCategory: 'intermediate', sbpMmHg: 130, dbpMmHg: 80, tcMmolL: 5.0, hdlMmolL: 1.3, bmiKgM2: 24, currentSmoker: false };

describe('lifetime risk by the guidelines\' risk-factor rule (≥ 2 of 5 at intermediate risk, age < 55)', () => {
  it('two factors make it high, one does not', () => {
    expect(lifetimeRiskByFactors(clean)).toEqual({ applies: true, high: false, factors: [], unknown: [] });
    expect(lifetimeRiskByFactors({ ...clean, currentSmoker: true })).toMatchObject({ high: false, factors: ['current smoker'] });
    expect(lifetimeRiskByFactors({ ...clean, currentSmoker: true, bmiKgM2: 29 })).toMatchObject({ high: true, factors: ['BMI ≥ 28', 'current smoker'] });
  });

  it('each factor at its printed cut-off: SBP 160 or DBP 100, non-HDL 5.2 (≥), HDL-C 1.0 (<), BMI 28 (≥)', () => {
    const one = (patch: Partial<LifetimeRiskFactorInput>) => lifetimeRiskByFactors({ ...clean, ...patch }).factors;
    expect(one({ sbpMmHg: 160 })).toEqual(['blood pressure ≥ 160/100']);
    expect(one({ sbpMmHg: 159 })).toEqual([]);
    expect(one({ dbpMmHg: 100 })).toEqual(['blood pressure ≥ 160/100']);
    expect(one({ dbpMmHg: 99 })).toEqual([]);
    expect(one({ tcMmolL: 6.4, hdlMmolL: 1.2 })).toEqual(['non-HDL-C ≥ 5.2 mmol/L']); // 5.2 exactly (≥)
    expect(one({ tcMmolL: 6.39, hdlMmolL: 1.2 })).toEqual([]);
    expect(one({ hdlMmolL: 1.0 })).toEqual([]); // < 1.0 only
    expect(one({ hdlMmolL: 0.99 })).toEqual(['HDL-C < 1.0 mmol/L']);
    expect(one({ bmiKgM2: 28 })).toEqual(['BMI ≥ 28']);
    expect(one({ bmiKgM2: 27.9 })).toEqual([]);
    // Both blood-pressure limits together are one factor, not two.
    expect(one({ sbpMmHg: 170, dbpMmHg: 105 })).toEqual(['blood pressure ≥ 160/100']);
  });

  it('applies only at intermediate 10-year risk and below 55 years', () => {
    const twoFactors = { ...clean, currentSmoker: true, hdlMmolL: 0.9 };
    expect(lifetimeRiskByFactors(twoFactors).high).toBe(true);
    expect(lifetimeRiskByFactors({ ...twoFactors, ageYears: 55 })).toMatchObject({ applies: false, high: null });
    expect(lifetimeRiskByFactors({ ...twoFactors, tenYearCategory: 'low' })).toMatchObject({ applies: false, high: null });
    expect(lifetimeRiskByFactors({ ...twoFactors, tenYearCategory: 'high' })).toMatchObject({ applies: false, high: null });
  });

  it('a missing BMI or diastolic pressure leaves it undetermined only when it could decide', () => {
    const noBmi = { ...clean, bmiKgM2: null };
    expect(lifetimeRiskByFactors(noBmi)).toMatchObject({ high: false, unknown: ['BMI ≥ 28'] }); // 0 + 1 unknown < 2
    expect(lifetimeRiskByFactors({ ...noBmi, currentSmoker: true })).toMatchObject({ high: null, factors: ['current smoker'], unknown: ['BMI ≥ 28'] });
    expect(lifetimeRiskByFactors({ ...noBmi, currentSmoker: true, hdlMmolL: 0.9 })).toMatchObject({ high: true });
    // No diastolic: a systolic ≥ 160 still decides the factor; below 160 it is unknown.
    expect(lifetimeRiskByFactors({ ...clean, dbpMmHg: undefined, sbpMmHg: 165 }).factors).toEqual(['blood pressure ≥ 160/100']);
    expect(lifetimeRiskByFactors({ ...clean, dbpMmHg: undefined, currentSmoker: true })).toMatchObject({ high: null, unknown: ['blood pressure ≥ 160/100'] });
  });
});
