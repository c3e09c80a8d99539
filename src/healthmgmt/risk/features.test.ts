import { describe, expect, it } from 'vitest';
import { antihypertensiveCoverage, buildFeatures, eligibleForBpModel, FEATURE_NAMES, inTestSet, uncontrolledAtNextVisit, type ResidentHistory } from './features.js';

const base: ResidentHistory = {
  residentId: 'r1',
  orgUnit: '330109001001',
  sex: 'male',
  birthDate: '1960-06-15',
  careTeam: 'team-1',
  managingOrganization: 'org-1',
  hypertensionSince: '2020-03-01',
  diabetesSince: null,
  ascvdSince: null,
  bp: [
    { id: 'b1', date: '2024-01-10', sbp: 150, dbp: 85 },
    { id: 'b2', date: '2024-04-10', sbp: 138, dbp: 88 },
    { id: 'b3', date: '2024-07-10', sbp: 146, dbp: 92 },
    { id: 'b4', date: '2024-10-10', sbp: 132, dbp: 80 },
  ],
  glucose: [],
  dispenses: [
    { date: '2024-08-01', drug: 'C08CA01', drugClass: 'C08CA', daysSupply: 30 },
    { date: '2024-08-25', drug: 'C08CA01', drugClass: 'C08CA', daysSupply: 30 }, // early refill: shifts to 08-31
    { date: '2024-09-15', drug: 'A10BA02', drugClass: 'A10BA', daysSupply: 90 }, // metformin: not antihypertensive
  ],
  visits: ['2024-01-10', '2024-04-10', '2024-07-10', '2024-10-10', '2023-11-01'].sort(),
  factors: {},
};
const feature = (row: number[] | null, name: (typeof FEATURE_NAMES)[number]) => (row as number[])[FEATURE_NAMES.indexOf(name)];

describe('buildFeatures', () => {
  it('computes each feature from data on or before asOf only', () => {
    const row = buildFeatures(base, '2024-12-31');
    expect(row).toHaveLength(FEATURE_NAMES.length);
    expect(feature(row, 'ageYears')).toBe(64);
    expect(feature(row, 'male')).toBe(1);
    expect(feature(row, 'diabetes')).toBe(0);
    expect(feature(row, 'yearsSinceHypertension')).toBeCloseTo((Date.parse('2024-12-31') - Date.parse('2020-03-01')) / 86_400_000 / 365.25, 6);
    expect(feature(row, 'lastSbp')).toBe(132);
    expect(feature(row, 'lastDbp')).toBe(80);
    expect(feature(row, 'meanSbpLast3')).toBeCloseTo((138 + 146 + 132) / 3, 9);
    // Readings after 2023-12-31: 150/85 and 146/92 are not < 140/90 (age 63–64), 138/88 and 132/80 are.
    expect(feature(row, 'uncontrolledShare12m')).toBe(0.5);
    expect(feature(row, 'readings12m')).toBe(4);
    expect(feature(row, 'daysSinceLastBp')).toBe(82);
    expect(feature(row, 'visits12m')).toBe(4);
    // Coverage 2024-07-05..2024-12-31 (180 days): 08-01..09-29 = 60 days.
    expect(feature(row, 'antihypertensivePdc180')).toBeCloseTo(60 / 180, 9);
    expect(feature(row, 'onAntihypertensive12m')).toBe(1);
  });

  it('ignores readings after asOf (no leakage into the training rows)', () => {
    const later = { ...base, bp: [...base.bp, { id: 'b5', date: '2025-01-05', sbp: 190, dbp: 120 }] };
    expect(buildFeatures(later, '2024-12-31')).toEqual(buildFeatures(base, '2024-12-31'));
  });

  it('uses the 150/90 target from 65 years', () => {
    const older = { ...base, birthDate: '1950-01-01', bp: [{ id: 'x', date: '2024-10-10', sbp: 145, dbp: 85 }] };
    expect(feature(buildFeatures(older, '2024-12-31'), 'uncontrolledShare12m')).toBe(0);
    const younger = { ...older, birthDate: '1970-01-01' };
    expect(feature(buildFeatures(younger, '2024-12-31'), 'uncontrolledShare12m')).toBe(1);
  });

  it('is null off the registry, before diagnosis, without a reading or under 18', () => {
    expect(buildFeatures({ ...base, hypertensionSince: null }, '2024-12-31')).toBeNull();
    expect(buildFeatures(base, '2020-01-01')).toBeNull();
    expect(buildFeatures({ ...base, bp: [] }, '2024-12-31')).toBeNull();
    expect(eligibleForBpModel({ ...base, birthDate: '2010-01-01' }, '2024-12-31')).toBe(false);
    expect(eligibleForBpModel(base, '2024-12-31')).toBe(true);
  });
});

describe('antihypertensiveCoverage', () => {
  it('lays fills end to end and skips other drug classes', () => {
    expect(antihypertensiveCoverage(base, '2024-09-29', 60)).toBe(1);
    expect(antihypertensiveCoverage(base, '2024-09-30', 1)).toBe(0);
    expect(antihypertensiveCoverage({ ...base, dispenses: base.dispenses.slice(2) }, '2024-10-01', 30)).toBe(0);
  });
});

describe('uncontrolledAtNextVisit', () => {
  it('labels by the first reading in (asOf, asOf + 365]', () => {
    expect(uncontrolledAtNextVisit(base, '2024-01-10')).toBe(0); // next: 138/88
    expect(uncontrolledAtNextVisit(base, '2024-04-10')).toBe(1); // next: 146/92
    expect(uncontrolledAtNextVisit(base, '2024-10-10')).toBeNull(); // nothing after
  });
  it('includes day 365 and excludes day 366', () => {
    const h = { ...base, bp: [{ id: 'a', date: '2023-10-10', sbp: 120, dbp: 70 }, { id: 'b', date: '2024-10-09', sbp: 160, dbp: 95 }] };
    expect(uncontrolledAtNextVisit(h, '2023-10-10')).toBe(1); // 2024-10-09 is day 365 (leap year)
    expect(uncontrolledAtNextVisit(h, '2023-10-09')).toBe(0); // 2023-10-10 comes first
    expect(uncontrolledAtNextVisit(h, '2023-10-10', 364)).toBeNull();
  });
  it('judges the next reading with the target for the age on that date', () => {
    const h = { ...base, birthDate: '1959-12-01', bp: [{ id: 'a', date: '2024-12-15', sbp: 145, dbp: 85 }] };
    expect(uncontrolledAtNextVisit(h, '2024-11-01')).toBe(0); // 65 on 2024-12-01: < 150/90
    expect(uncontrolledAtNextVisit({ ...h, birthDate: '1960-01-01' }, '2024-11-01')).toBe(1);
  });
});

describe('inTestSet', () => {
  it('is deterministic, near the requested share, and changes with the seed', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `resident-${i}`);
    const a = ids.filter((id) => inTestSet(id, 1, 0.3));
    expect(a.length / ids.length).toBeGreaterThan(0.28);
    expect(a.length / ids.length).toBeLessThan(0.32);
    expect(ids.filter((id) => inTestSet(id, 1, 0.3))).toEqual(a);
    const b = new Set(ids.filter((id) => inTestSet(id, 2, 0.3)));
    const overlap = a.filter((id) => b.has(id)).length / a.length;
    expect(overlap).toBeGreaterThan(0.2);
    expect(overlap).toBeLessThan(0.4);
  });
});
