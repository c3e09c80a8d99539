import { describe, expect, it } from 'vitest';
import { bpControlled, evaluateGuidelineTriggers, type TriggerInput } from './guideline-triggers.js';

const base: TriggerInput = { asOf: '2024-06-30', birthDate: '1970-03-15', hypertension: true, diabetes: true, followUps: [{ date: '2024-06-01' }] };
const codes = (input: Partial<TriggerInput>) => evaluateGuidelineTriggers({ ...base, ...input }).map((t) => t.code);

describe('urgent values (SBP ≥ 180 or DBP ≥ 110; glucose ≥ 16.7 or ≤ 3.9)', () => {
  it('fires at the thresholds and not just below', () => {
    expect(codes({ bpReadings: [{ date: '2024-06-20', sbpMmHg: 180, dbpMmHg: 80 }] })).toContain('urgent-bp');
    expect(codes({ bpReadings: [{ date: '2024-06-20', sbpMmHg: 150, dbpMmHg: 110 }] })).toContain('urgent-bp');
    expect(codes({ bpReadings: [{ date: '2024-06-20', sbpMmHg: 179, dbpMmHg: 109 }] })).not.toContain('urgent-bp');
    expect(codes({ glucoseReadings: [{ date: '2024-06-20', glucoseMmolL: 16.7, fasting: false }] })).toContain('urgent-glucose-high');
    expect(codes({ glucoseReadings: [{ date: '2024-06-20', glucoseMmolL: 16.6, fasting: false }] })).not.toContain('urgent-glucose-high');
    expect(codes({ glucoseReadings: [{ date: '2024-06-20', glucoseMmolL: 3.9, fasting: true }] })).toContain('urgent-glucose-low');
    expect(codes({ glucoseReadings: [{ date: '2024-06-20', glucoseMmolL: 4.0, fasting: true }] })).not.toContain('urgent-glucose-low');
  });

  it('an old urgent value followed by a normal one does not fire; readings after asOf are ignored', () => {
    expect(codes({ bpReadings: [{ date: '2024-05-01', sbpMmHg: 190, dbpMmHg: 100 }, { date: '2024-06-20', sbpMmHg: 130, dbpMmHg: 80 }] })).toEqual([]);
    expect(codes({ bpReadings: [{ date: '2024-07-05', sbpMmHg: 190, dbpMmHg: 100 }] })).toEqual([]);
  });

  it('urgent triggers come first and are due the day of the reading', () => {
    const t = evaluateGuidelineTriggers({ ...base, bpReadings: [{ date: '2024-06-20', sbpMmHg: 185, dbpMmHg: 95 }] });
    expect(t.map((x) => x.code)).toEqual(['urgent-bp', 'bp-uncontrolled']);
    expect(t[0]).toMatchObject({ date: '2024-06-20', dueBy: '2024-06-20', overdue: true });
  });
});

describe('control targets and "uncontrolled twice in a row"', () => {
  it('BP target < 140/90, < 150/90 from 65 years', () => {
    expect(bpControlled({ date: '2024-01-01', sbpMmHg: 139, dbpMmHg: 89 }, 64)).toBe(true);
    expect(bpControlled({ date: '2024-01-01', sbpMmHg: 140, dbpMmHg: 80 }, 64)).toBe(false);
    expect(bpControlled({ date: '2024-01-01', sbpMmHg: 149, dbpMmHg: 89 }, 65)).toBe(true);
    expect(bpControlled({ date: '2024-01-01', sbpMmHg: 150, dbpMmHg: 80 }, 65)).toBe(false);
    expect(bpControlled({ date: '2024-01-01', sbpMmHg: 120, dbpMmHg: 90 }, 70)).toBe(false);
  });

  it('uses the age on the reading date (born 1959-07-01: 64 on 2024-06-30, 65 on 2024-07-01)', () => {
    const older = { birthDate: '1959-07-01', asOf: '2024-07-10', followUps: [{ date: '2024-07-01' }] };
    expect(codes({ ...older, bpReadings: [{ date: '2024-06-30', sbpMmHg: 145, dbpMmHg: 80 }] })).toEqual(['bp-uncontrolled']);
    expect(codes({ ...older, bpReadings: [{ date: '2024-07-01', sbpMmHg: 145, dbpMmHg: 80 }] })).toEqual([]);
  });

  it('first uncontrolled reading → follow-up within 14 days; second in a row → referral, check within 14 days', () => {
    const once = evaluateGuidelineTriggers({ ...base, bpReadings: [{ date: '2024-03-01', sbpMmHg: 130, dbpMmHg: 80 }, { date: '2024-06-25', sbpMmHg: 150, dbpMmHg: 85 }] });
    expect(once).toEqual([expect.objectContaining({ code: 'bp-uncontrolled', date: '2024-06-25', dueBy: '2024-07-09', overdue: false })]);
    const twice = evaluateGuidelineTriggers({ ...base, bpReadings: [{ date: '2024-06-05', sbpMmHg: 152, dbpMmHg: 85 }, { date: '2024-06-12', sbpMmHg: 150, dbpMmHg: 85 }] });
    expect(twice).toEqual([expect.objectContaining({ code: 'bp-uncontrolled-twice', date: '2024-06-12', dueBy: '2024-06-26', overdue: true })]);
  });

  it('fasting glucose target < 7.0; non-fasting readings do not count for control', () => {
    expect(codes({ glucoseReadings: [{ date: '2024-06-20', glucoseMmolL: 6.9, fasting: true }] })).toEqual([]);
    expect(codes({ glucoseReadings: [{ date: '2024-06-20', glucoseMmolL: 7.0, fasting: true }] })).toEqual(['glucose-uncontrolled']);
    expect(codes({ glucoseReadings: [{ date: '2024-06-20', glucoseMmolL: 11.0, fasting: false }] })).toEqual([]);
    const twice = [{ date: '2024-05-20', glucoseMmolL: 7.5, fasting: true }, { date: '2024-06-10', glucoseMmolL: 9.0, fasting: false }, { date: '2024-06-20', glucoseMmolL: 8.1, fasting: true }];
    expect(codes({ glucoseReadings: twice })).toEqual(['glucose-uncontrolled-twice']);
  });

  it('BP rules only for hypertension patients, glucose rules only for diabetes patients', () => {
    expect(codes({ hypertension: false, bpReadings: [{ date: '2024-06-20', sbpMmHg: 190, dbpMmHg: 100 }] })).toEqual([]);
    expect(codes({ diabetes: false, glucoseReadings: [{ date: '2024-06-20', glucoseMmolL: 20, fasting: true }] })).toEqual([]);
  });
});

describe('missed refills and overdue follow-up', () => {
  it('supply of fills laid end to end; fires after the grace period', () => {
    // 2024-05-01 + 30 days → covered until 2024-05-31; early refill 2024-05-20 + 30 shifts to 2024-06-30.
    const fills = [{ date: '2024-05-01', daysSupply: 30, drug: 'amlodipine' }, { date: '2024-05-20', daysSupply: 30, drug: 'amlodipine' }];
    expect(codes({ asOf: '2024-07-07', dispenses: fills })).not.toContain('missed-refill');
    const late = evaluateGuidelineTriggers({ ...base, asOf: '2024-07-08', dispenses: fills });
    expect(late).toEqual([expect.objectContaining({ code: 'missed-refill', date: '2024-06-30', dueBy: '2024-07-07', overdue: true })]);
  });

  it('follows each drug separately', () => {
    const fills = [{ date: '2024-06-01', daysSupply: 84, drug: 'metformin' }, { date: '2024-04-01', daysSupply: 28, drug: 'amlodipine' }];
    const t = evaluateGuidelineTriggers({ ...base, dispenses: fills });
    expect(t).toHaveLength(1);
    expect(t[0].reason).toMatch(/amlodipine/);
  });

  it('follow-up overdue 91 days after the last visit (or registration)', () => {
    expect(codes({ followUps: [{ date: '2024-04-01' }] })).toEqual([]); // due 2024-07-01
    expect(codes({ asOf: '2024-07-02', followUps: [{ date: '2024-04-01' }] })).toEqual(['follow-up-overdue']);
    expect(codes({ followUps: [], registeredOn: '2024-01-01' })).toEqual(['follow-up-overdue']);
  });

  it('rejects malformed dates by field', () => {
    expect(() => evaluateGuidelineTriggers({ ...base, asOf: '2024-02-30' })).toThrow(/asOf/);
    expect(() => evaluateGuidelineTriggers({ ...base, bpReadings: [{ date: '24-1-1', sbpMmHg: 120, dbpMmHg: 80 }] })).toThrow(/bpReadings\[0\]/);
  });
});
