import { describe, expect, it } from 'vitest';
import { chinaPar10YearRisk, pooledCohort10YearRisk } from './models/index.js';
import { scoreSubjects } from './subjects.js';

// Yang 2016 worked example: 60-year-old man, untreated SBP 130, TC 210 and HDL 55 mg/dL, waist 80 cm, diabetes, urban north.
const man = { age: 60, sex: 'male', systolic: 130, bpTreated: false, totalCholesterol: 210 * 0.0259, hdl: 55 * 0.0259, waist: 80, smoker: false, diabetes: true, region: 'north', urban: true, familyHistory: false };

describe('risk --input subjects', () => {
  it('China-PAR: the paper\'s men\'s worked example (10-year risk 11.0 %) by default, the paper-example coefficients', () => {
    const [r] = scoreSubjects('china-par', [man]);
    expect(r.risk).toBeCloseTo(0.11, 3);
    expect(scoreSubjects('china-par', [man], { chinaParCoefficients: 'paper-example' })[0].risk).toBe(r.risk);
    expect(r.category).toBe('high');
    expect(r.outOfRange).toBeUndefined();
    expect(r.lifetimeAssessmentIndicated).toBe(false); // 60 years: outside 20–59
    expect(r.lifetimeRisk).toBeNull();
  });
  it('China-PAR: the calculator set on request (2019 guideline example 4.7 %), and says when a lifetime assessment is due', () => {
    const guideline = { age: 40, sex: 'male', systolic: 145, bpTreated: false, totalCholesterol: 5.2, hdl: 1.3, waist: 80, smoker: false, diabetes: false, region: 'north', urban: true, familyHistory: true };
    const [r] = scoreSubjects('china-par', [guideline], { chinaParCoefficients: 'calculator' });
    expect(Math.abs((r.risk ?? 0) * 100 - 4.7)).toBeLessThanOrEqual(0.1);
    expect(r).toMatchObject({ category: 'low', lifetimeAssessmentIndicated: true, lifetimeRisk: null });
    expect(scoreSubjects('pce', [{ ...guideline, race: 'white' }])[0]).not.toHaveProperty('lifetimeAssessmentIndicated');
  });
  it('China-PAR: the guidelines\' lifetime rule at intermediate risk under 55 (≥ 2 of 5 factors), with optional bmi and diastolic', () => {
    const s = { age: 50, sex: 'male', systolic: 150, bpTreated: false, totalCholesterol: 6.4, hdl: 1.2, waist: 90, smoker: false, diabetes: false, region: 'south', urban: false, familyHistory: false };
    const [noDbp, dbp95, dbp100, bmi29, older] = scoreSubjects('china-par', [s, { ...s, diastolic: 95 }, { ...s, diastolic: 100 }, { ...s, diastolic: 95, bmi: 29 }, { ...s, age: 55, bmi: 29 }]);
    expect(noDbp.category).toBe('intermediate');
    // Non-HDL 5.2: one factor; without diastolic pressure or BMI two more could count, so undetermined.
    expect(noDbp).toMatchObject({ lifetimeRiskHigh: null, lifetimeRiskFactors: ['non-HDL-C ≥ 5.2 mmol/L'], lifetimeRisk: null });
    expect(dbp95.lifetimeRiskHigh).toBeNull(); // BMI still unknown
    expect(dbp100).toMatchObject({ lifetimeRiskHigh: true, lifetimeRiskFactors: ['blood pressure ≥ 160/100', 'non-HDL-C ≥ 5.2 mmol/L'] });
    expect(bmi29.lifetimeRiskHigh).toBe(true);
    expect(scoreSubjects('china-par', [{ ...s, diastolic: 95, bmi: 25 }])[0].lifetimeRiskHigh).toBe(false);
    expect(older.category).toBe('intermediate');
    expect(older).not.toHaveProperty('lifetimeRiskHigh'); // 55 years: the rule does not apply
    expect(() => scoreSubjects('china-par', [{ ...s, bmi: 'heavy' }])).toThrow('subjects[0].bmi must be a positive number');
  });
  it('PCE: converts mmol/L with 38.67 and matches the equation in mg/dL', () => {
    const [r] = scoreSubjects('pce', [{ ...man, race: 'white', totalCholesterol: 213 / 38.67, hdl: 50 / 38.67, systolic: 120, age: 55, diabetes: false }]);
    const direct = pooledCohort10YearRisk({ sex: 'male', race: 'white', ageYears: 55, tcMgDl: 213, hdlMgDl: 50, sbpMmHg: 120, bpTreated: false, currentSmoker: false, diabetes: false });
    expect(r.risk).toBeCloseTo(direct.risk, 12);
    expect(r.risk).toBeCloseTo(0.053, 2); // Goff 2013 Table A, white men: 5.3 %
  });
  it('CDRS: points and the ≥ 25 category, no probability', () => {
    const [r] = scoreSubjects('cdrs', [{ age: 50, sex: 'male', waist: 92, bmi: 26, systolic: 135, familyHistoryDiabetes: true }]);
    // 13 (age) + 2 (male) + 8 (waist) + 3 (BMI) + 6 (SBP) + 6 (family) = 38
    expect(r).toEqual({ risk: null, category: 'high', score: 38 });
  });
  it('women need no urban or family-history field; men do', () => {
    const woman = { ...man, sex: 'female', urban: undefined, familyHistory: undefined };
    const [r] = scoreSubjects('china-par', [woman], { chinaParCoefficients: 'paper-example' });
    expect(r.risk).toBeCloseTo(0.101, 3); // women's worked example: 10.1 %
    const [d] = scoreSubjects('china-par', [woman]);
    expect(d.risk).toBe(r.risk); // the default is paper-example
    expect(d.risk).toBeCloseTo(chinaPar10YearRisk({ sex: 'female', ageYears: 60, sbpMmHg: 130, bpTreated: false, tcMmolL: man.totalCholesterol, hdlMmolL: man.hdl, waistCm: 80, currentSmoker: false, diabetes: true, region: 'north', urban: false, familyHistoryAscvd: false }).risk, 12);
    expect(() => scoreSubjects('china-par', [man, { ...man, urban: undefined }])).toThrow('subjects[1].urban is required');
  });
  it('names the field of a missing, mistyped or impossible value', () => {
    expect(() => scoreSubjects('china-par', [{ ...man, hdl: undefined }])).toThrow('subjects[0].hdl is required');
    expect(() => scoreSubjects('pce', [{ ...man, race: 'asian' }])).toThrow(/subjects\[0\]\.race must be one of white, african-american, other/);
    expect(() => scoreSubjects('cdrs', [{ age: '50', sex: 'male', waist: 90, bmi: 25, systolic: 130, familyHistoryDiabetes: false }])).toThrow(/subjects\[0\]\.age must be a positive number/);
    expect(() => scoreSubjects('china-par', [{ ...man, smoker: 'no' }])).toThrow(/subjects\[0\]\.smoker must be true or false/);
    expect(() => scoreSubjects('china-par', { subjects: [] })).toThrow('input must be a JSON array');
  });
  it('flags values outside the validated range instead of refusing them', () => {
    const [r] = scoreSubjects('china-par', [{ ...man, age: 80 }]);
    expect(r.outOfRange).toEqual(['ageYears']);
    expect(r.risk).toBeGreaterThan(0);
  });
});
