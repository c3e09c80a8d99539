import { describe, expect, it } from 'vitest';
import { chineseDiabetesRiskScore, type CdrsInput } from './chinese-diabetes-risk-score.js';

// Expected points are read off the guideline's table by hand, not computed by the code under test.
const lowest: CdrsInput = { ageYears: 20, sex: 'female', waistCm: 60, bmiKgM2: 20, sbpMmHg: 100, familyHistoryDiabetes: false };
const pointsOf = (patch: Partial<CdrsInput>) => chineseDiabetesRiskScore({ ...lowest, ...patch }).points;

describe('CDRS item bands at their edges', () => {
  it('age: 24→0, 25→4, 34→4, 35→8, 39→8, 40→11, 45→12, 50→13, 55→15, 60→16, 64→16, 65→18, 74→18', () => {
    const table: [number, number][] = [[24, 0], [25, 4], [34, 4], [35, 8], [39, 8], [40, 11], [44, 11], [45, 12], [49, 12],
      [50, 13], [54, 13], [55, 15], [59, 15], [60, 16], [64, 16], [65, 18], [74, 18]];
    for (const [ageYears, points] of table) expect(pointsOf({ ageYears }).age, `age ${ageYears}`).toBe(points);
  });

  it('BMI: 21.9→0, 22→1, 23.9→1, 24→3, 29.9→3, 30→5', () => {
    const table: [number, number][] = [[21.9, 0], [22, 1], [23.9, 1], [24, 3], [29.9, 3], [30, 5]];
    for (const [bmiKgM2, points] of table) expect(pointsOf({ bmiKgM2 }).bmi, `BMI ${bmiKgM2}`).toBe(points);
  });

  it('waist, men: 74.9→0, 75→3, 80→5, 85→7, 90→8, 94.9→8, 95→10', () => {
    const table: [number, number][] = [[74.9, 0], [75, 3], [79.9, 3], [80, 5], [85, 7], [90, 8], [94.9, 8], [95, 10]];
    for (const [waistCm, points] of table) expect(pointsOf({ sex: 'male', waistCm }).waist, `waist ${waistCm}`).toBe(points);
  });

  it('waist, women: 69.9→0, 70→3, 75→5, 80→7, 85→8, 89.9→8, 90→10', () => {
    const table: [number, number][] = [[69.9, 0], [70, 3], [75, 5], [80, 7], [85, 8], [89.9, 8], [90, 10]];
    for (const [waistCm, points] of table) expect(pointsOf({ waistCm }).waist, `waist ${waistCm}`).toBe(points);
  });

  it('SBP: 109→0, 110→1, 120→3, 130→6, 140→7, 150→8, 159→8, 160→10', () => {
    const table: [number, number][] = [[109, 0], [110, 1], [119, 1], [120, 3], [130, 6], [140, 7], [150, 8], [159, 8], [160, 10]];
    for (const [sbpMmHg, points] of table) expect(pointsOf({ sbpMmHg }).sbp, `SBP ${sbpMmHg}`).toBe(points);
  });

  it('sex 2 points for men, family history 6', () => {
    expect(pointsOf({ sex: 'male' }).sex).toBe(2);
    expect(pointsOf({ familyHistoryDiabetes: true }).familyHistory).toBe(6);
  });
});

describe('CDRS totals around the OGTT cut-off of 25', () => {
  it('23 points: no OGTT (woman 45 [12], waist 80 [7], BMI 23.9 [1], SBP 129 [3], no family history)', () => {
    const r = chineseDiabetesRiskScore({ ageYears: 45, sex: 'female', waistCm: 80, bmiKgM2: 23.9, sbpMmHg: 129, familyHistoryDiabetes: false });
    expect(r.score).toBe(12 + 0 + 7 + 1 + 3 + 0); // 23
    expect(r.ogttRecommended).toBe(false);
    // 24 points, one short: woman 45 [12], waist 85 [8], BMI 22 [1], SBP 120 [3].
    const one = chineseDiabetesRiskScore({ ageYears: 45, sex: 'female', waistCm: 85, bmiKgM2: 22, sbpMmHg: 120, familyHistoryDiabetes: false });
    expect(one.score).toBe(24);
    expect(one.ogttRecommended).toBe(false);
  });

  it('exactly 25 points recommends an OGTT (woman 45 [12], waist 80 [7], BMI 24 [3], SBP 120 [3])', () => {
    const r = chineseDiabetesRiskScore({ ageYears: 45, sex: 'female', waistCm: 80, bmiKgM2: 24, sbpMmHg: 120, familyHistoryDiabetes: false });
    expect(r.score).toBe(25);
    expect(r.ogttRecommended).toBe(true);
    expect(r.category).toBe('high');
  });

  it('23 points just below: man 40 [11+2], waist 79.9 [3], BMI 23.9 [1], SBP 130 [6], no family history → 23; +1 BMI band → 25', () => {
    const below = chineseDiabetesRiskScore({ ageYears: 40, sex: 'male', waistCm: 79.9, bmiKgM2: 23.9, sbpMmHg: 130, familyHistoryDiabetes: false });
    expect(below.score).toBe(11 + 2 + 3 + 1 + 6); // 23
    expect(below.ogttRecommended).toBe(false);
    const at = chineseDiabetesRiskScore({ ageYears: 40, sex: 'male', waistCm: 79.9, bmiKgM2: 24, sbpMmHg: 130, familyHistoryDiabetes: false });
    expect(at.score).toBe(11 + 2 + 3 + 3 + 6); // 25
    expect(at.ogttRecommended).toBe(true);
  });

  it('maximum is 51 (65+ man, waist ≥ 95, BMI ≥ 30, SBP ≥ 160, family history)', () => {
    const r = chineseDiabetesRiskScore({ ageYears: 70, sex: 'male', waistCm: 100, bmiKgM2: 32, sbpMmHg: 170, familyHistoryDiabetes: true });
    expect(r.score).toBe(18 + 2 + 10 + 5 + 10 + 6);
    expect(r.score).toBe(51);
  });

  it('flags ages outside 20–74 and rejects negative inputs by name', () => {
    expect(chineseDiabetesRiskScore({ ...lowest, ageYears: 80 }).outOfRange).toEqual(['ageYears']);
    expect(() => chineseDiabetesRiskScore({ ...lowest, bmiKgM2: -3 })).toThrow(/bmiKgM2/);
  });
});

// Both sides of every band edge of every item (Zhou 2013 as printed in the 2017/2020 Chinese T2DM guideline),
// read off the table by hand: [value just below the edge, its points], [the edge, its points].
describe('CDRS: both sides of every band edge', () => {
  const edges: { item: 'age' | 'bmi' | 'waist' | 'sbp'; patch: (v: number) => Partial<CdrsInput>; pairs: [number, number][] }[] = [
    { item: 'age', patch: (ageYears) => ({ ageYears }), pairs: [[20, 0], [24, 0], [25, 4], [34, 4], [35, 8], [39, 8], [40, 11], [44, 11], [45, 12], [49, 12], [50, 13], [54, 13], [55, 15], [59, 15], [60, 16], [64, 16], [65, 18], [74, 18]] },
    { item: 'bmi', patch: (bmiKgM2) => ({ bmiKgM2 }), pairs: [[21.99, 0], [22, 1], [23.99, 1], [24, 3], [29.99, 3], [30, 5]] },
    { item: 'waist', patch: (waistCm) => ({ sex: 'male', waistCm }), pairs: [[74.9, 0], [75, 3], [79.9, 3], [80, 5], [84.9, 5], [85, 7], [89.9, 7], [90, 8], [94.9, 8], [95, 10]] },
    { item: 'waist', patch: (waistCm) => ({ sex: 'female', waistCm }), pairs: [[69.9, 0], [70, 3], [74.9, 3], [75, 5], [79.9, 5], [80, 7], [84.9, 7], [85, 8], [89.9, 8], [90, 10]] },
    { item: 'sbp', patch: (sbpMmHg) => ({ sbpMmHg }), pairs: [[109, 0], [110, 1], [119, 1], [120, 3], [129, 3], [130, 6], [139, 6], [140, 7], [149, 7], [150, 8], [159, 8], [160, 10]] },
  ];
  for (const { item, patch, pairs } of edges) {
    it(`${item}${item === 'waist' ? ` (${String(patch(0).sex)})` : ''}: ${pairs.map(([v, p]) => `${v}→${p}`).join(', ')}`, () => {
      for (const [value, points] of pairs) expect(pointsOf(patch(value))[item], `${item} ${value}`).toBe(points);
    });
  }
});
