import { describe, expect, it } from 'vitest';
import { adherence, classAdherence, dayNumber, type Fill } from './adherence.js';

const fill = (date: string, daysSupply: number, drug = 'amlodipine', drugClass = 'CCB', patient = 'p1'): Fill => ({ patient, drug, drugClass, date, daysSupply });

describe('PDC (PQA) and MPR', () => {
  it('counts covered days from the index date to the end of the period', () => {
    // Period 2024-01-01..2024-03-30 (90 days); index 2024-01-01; fills cover Jan 1-30 and Mar 1-30 = 60 days.
    const r = classAdherence([fill('2024-01-01', 30), fill('2024-03-01', 30)], dayNumber('2024-01-01'), dayNumber('2024-03-30'));
    expect(r).not.toBeNull();
    expect(r!.pdc).toBeCloseTo(60 / 90, 12);
    expect(r!.mpr).toBeCloseTo(60 / 90, 12);
  });

  it('starts the denominator at the first fill in the period (index date)', () => {
    // Index 2024-01-11: denominator Jan 11..Jan 30 = 20 days, covered Jan 11..Jan 30 by two 10-day fills.
    const r = classAdherence([fill('2024-01-11', 10), fill('2024-01-21', 10)], dayNumber('2024-01-01'), dayNumber('2024-01-30'));
    expect(r!.pdc).toBe(1);
  });

  it('shifts an early refill of the same drug forward', () => {
    // Fill 1 Jan 1 for 30 days, early refill Jan 21 for 30 days → shifted to Jan 31..Feb 29; period Jan 1..Feb 29 (60 days).
    const r = classAdherence([fill('2024-01-01', 30), fill('2024-01-21', 30)], dayNumber('2024-01-01'), dayNumber('2024-02-29'));
    expect(r!.pdc).toBe(1);
  });

  it('does not shift overlapping fills of different drugs of the same class', () => {
    // Drug A Jan 1 (30 d), drug B Jan 21 (30 d): covered Jan 1..Feb 19 = 50 of 60 days.
    const r = classAdherence([fill('2024-01-01', 30, 'amlodipine'), fill('2024-01-21', 30, 'nifedipine')], dayNumber('2024-01-01'), dayNumber('2024-02-29'));
    expect(r!.pdc).toBeCloseTo(50 / 60, 12);
    expect(r!.mpr).toBe(1);
  });

  it('cuts coverage at the end of the period but not the MPR', () => {
    const r = classAdherence([fill('2024-01-01', 84), fill('2024-03-20', 84)], dayNumber('2024-01-01'), dayNumber('2024-03-31'));
    expect(r!.pdc).toBe(1);
    expect(r!.mpr).toBeCloseTo(168 / 91, 12);
  });

  it('needs two fills on distinct dates in the period; fills outside it do not count', () => {
    expect(classAdherence([fill('2024-01-01', 30)], dayNumber('2024-01-01'), dayNumber('2024-03-31'))).toBeNull();
    expect(classAdherence([fill('2024-01-01', 30), fill('2024-01-01', 30, 'nifedipine')], dayNumber('2024-01-01'), dayNumber('2024-03-31'))).toBeNull();
    expect(classAdherence([fill('2023-12-01', 30), fill('2024-01-05', 30)], dayNumber('2024-01-01'), dayNumber('2024-03-31'))).toBeNull();
  });

  it('reports per patient the class with the lowest PDC; 80 % is the adherence threshold', () => {
    const fills = [
      fill('2024-01-01', 45, 'amlodipine', 'CCB', 'a'),
      fill('2024-02-15', 45, 'amlodipine', 'CCB', 'a'), // CCB: 90/91
      fill('2024-01-01', 30, 'metformin', 'BIG', 'a'),
      fill('2024-02-15', 30, 'metformin', 'BIG', 'a'), // BIG: 60/91
      fill('2024-01-01', 40, 'amlodipine', 'CCB', 'b'),
      fill('2024-02-10', 33, 'amlodipine', 'CCB', 'b'), // 73/91 = 0.802
      fill('2024-01-01', 30, 'amlodipine', 'CCB', 'c'),
    ];
    const rows = adherence(fills, '2024-01-01', '2024-03-31');
    expect(rows.map((r) => r.patient)).toEqual(['a', 'b', 'c']);
    expect(rows[0]).toMatchObject({ drugClass: 'BIG', adherent: false });
    expect(rows[0].pdc).toBeCloseTo(60 / 91, 12);
    expect(rows[1].pdc).toBeCloseTo(73 / 91, 12);
    expect(rows[1].adherent).toBe(true);
    expect(rows[2]).toEqual({ patient: 'c', pdc: null, mpr: null, adherent: null, drugClass: null });
  });
});
