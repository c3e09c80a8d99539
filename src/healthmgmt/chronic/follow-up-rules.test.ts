import { describe, expect, it } from 'vitest';
import { NATIONAL_RULES, addDays, ageOn, assessPatient, configureRules, judgeReading, patientStatus, type PatientFacts } from './follow-up-rules.js';

const ht = (readings: { date: string; sbp: number; dbp: number }[], extra: Partial<PatientFacts> = {}): PatientFacts => ({
  category: 'hypertension',
  birthDate: '1960-06-15',
  deceased: null,
  since: '2020-01-01',
  followUps: readings.map((r) => r.date),
  readings,
  ...extra,
});

describe('dates and age', () => {
  it('adds days across month and year ends and counts age from the birthday', () => {
    expect(addDays('2024-12-25', 14)).toBe('2025-01-08');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(ageOn('1960-06-15', '2025-06-14')).toBe(64);
    expect(ageOn('1960-06-15', '2025-06-15')).toBe(65);
  });
});

describe('judgeReading (BPHS Standard 2017 targets and urgent thresholds)', () => {
  it('uses < 140/90 below 65 and < 150/90 from 65', () => {
    const r = { date: '2025-06-20', sbp: 145, dbp: 85 };
    expect(judgeReading(NATIONAL_RULES, r, '1970-01-01').controlled).toBe(false);
    expect(judgeReading(NATIONAL_RULES, r, '1960-06-15').controlled).toBe(true);
    // The day before the 65th birthday the younger target still applies.
    expect(judgeReading(NATIONAL_RULES, { ...r, date: '2025-06-14' }, '1960-06-15').controlled).toBe(false);
    expect(judgeReading(NATIONAL_RULES, { date: '2025-06-20', sbp: 139, dbp: 90 }, '1970-01-01').controlled).toBe(false);
  });

  it('flags SBP ≥ 180, DBP ≥ 110, glucose ≥ 16.7 and ≤ 3.9 as urgent', () => {
    expect(judgeReading(NATIONAL_RULES, { date: '2025-01-01', sbp: 180, dbp: 100 }, null).urgentReason).toBe('SBP ≥ 180');
    expect(judgeReading(NATIONAL_RULES, { date: '2025-01-01', sbp: 179, dbp: 110 }, null).urgentReason).toBe('DBP ≥ 110');
    expect(judgeReading(NATIONAL_RULES, { date: '2025-01-01', sbp: 179, dbp: 109 }, null).urgentReason).toBeNull();
    expect(judgeReading(NATIONAL_RULES, { date: '2025-01-01', glucose: 16.7 }, null).urgentReason).toBe('glucose ≥ 16.7');
    const low = judgeReading(NATIONAL_RULES, { date: '2025-01-01', glucose: 3.9 }, null);
    expect(low.urgentReason).toBe('glucose ≤ 3.9');
    expect(low.controlled).toBe(false);
    expect(judgeReading(NATIONAL_RULES, { date: '2025-01-01', glucose: 6.9 }, null).controlled).toBe(true);
    expect(judgeReading(NATIONAL_RULES, { date: '2025-01-01', glucose: 7.0 }, null).controlled).toBe(false);
  });
});

describe('assessPatient', () => {
  it('schedules a controlled patient quarterly (≥ 4 follow-ups a year)', () => {
    const a = assessPatient(ht([{ date: '2025-03-01', sbp: 150, dbp: 95 }, { date: '2025-03-15', sbp: 130, dbp: 80 }]));
    expect(a.control).toBe('controlled');
    expect(a.consecutiveUncontrolled).toBe(0);
    expect(a.nextDue).toBe(addDays('2025-03-15', 91));
    expect(a.referral).toBe(false);
  });

  it('first uncontrolled reading: follow up within 2 weeks, no referral', () => {
    const a = assessPatient(ht([{ date: '2025-01-10', sbp: 130, dbp: 80 }, { date: '2025-04-10', sbp: 165, dbp: 95 }], { birthDate: '1980-01-01' }));
    expect(a.control).toBe('uncontrolled');
    expect(a.consecutiveUncontrolled).toBe(1);
    expect(a.nextDue).toBe('2025-04-24');
    expect(a.referral).toBe(false);
  });

  it('two consecutive uncontrolled readings: referral and a check within 2 weeks', () => {
    const a = assessPatient(ht([{ date: '2025-04-10', sbp: 165, dbp: 95 }, { date: '2025-04-24', sbp: 160, dbp: 92 }], { birthDate: '1980-01-01' }));
    expect(a.consecutiveUncontrolled).toBe(2);
    expect(a.referral).toBe(true);
    expect(a.nextDue).toBe('2025-05-08');
  });

  it('urgent reading: referral now, recheck within 2 weeks', () => {
    const a = assessPatient(ht([{ date: '2025-05-01', sbp: 186, dbp: 100 }]));
    expect(a.urgent).toBe(true);
    expect(a.referral).toBe(true);
    expect(a.nextDue).toBe('2025-05-15');
  });

  it('counts one reading per day (the last given for that day)', () => {
    const a = assessPatient(ht([{ date: '2025-05-01', sbp: 150, dbp: 95 }, { date: '2025-05-01', sbp: 150, dbp: 96 }], { birthDate: '1980-01-01' }));
    expect(a.consecutiveUncontrolled).toBe(1);
  });

  it('a planned date earlier than the rules’ date wins; a later one does not', () => {
    const readings = [{ date: '2025-03-15', sbp: 130, dbp: 80 }];
    expect(assessPatient(ht(readings, { planned: [{ at: '2025-03-15', next: '2025-04-15' }] })).nextDue).toBe('2025-04-15');
    expect(assessPatient(ht(readings, { planned: [{ at: '2025-03-15', next: '2025-09-01' }] })).nextDue).toBe(addDays('2025-03-15', 91));
    // A plan made before the last contact is stale.
    expect(assessPatient(ht(readings, { planned: [{ at: '2025-01-01', next: '2025-02-01' }] })).nextDue).toBe(addDays('2025-03-15', 91));
  });

  it('a registered patient never followed up is due from registration; a visit without reading is unknown', () => {
    expect(assessPatient(ht([], { since: '2025-02-01' })).nextDue).toBe('2025-02-01');
    const a = assessPatient(ht([], { followUps: ['2025-02-01'] }));
    expect(a.control).toBe('unknown');
    expect(a.nextDue).toBe(addDays('2025-02-01', 91));
  });
});

describe('patientStatus', () => {
  const a = assessPatient(ht([{ date: '2025-03-15', sbp: 130, dbp: 80 }]));
  it('moves from controlled to overdue to lost as time passes, and dead wins', () => {
    expect(patientStatus(a, { deceased: null, since: '2020-01-01' }, '2025-04-01')).toBe('controlled');
    expect(patientStatus(a, { deceased: null, since: '2020-01-01' }, addDays(a.nextDue!, 1))).toBe('overdue');
    expect(patientStatus(a, { deceased: null, since: '2020-01-01' }, '2026-03-14')).toBe('overdue');
    expect(patientStatus(a, { deceased: null, since: '2020-01-01' }, '2026-03-15')).toBe('lost');
    expect(patientStatus(a, { deceased: '2025-04-01', since: '2020-01-01' }, '2025-04-02')).toBe('dead');
  });
  it('counts unknown control as uncontrolled, and never-seen registrants as lost after 12 months', () => {
    const unknown = assessPatient(ht([], { followUps: ['2025-02-01'] }));
    expect(patientStatus(unknown, { deceased: null, since: '2020-01-01' }, '2025-02-02')).toBe('uncontrolled');
    const never = assessPatient(ht([], { since: '2024-01-01' }));
    expect(patientStatus(never, { deceased: null, since: '2024-01-01' }, '2024-06-01')).toBe('overdue');
    expect(patientStatus(never, { deceased: null, since: '2024-01-01' }, '2025-01-01')).toBe('lost');
  });
});

describe('configureRules', () => {
  it('applies a district’s overrides and rejects nonsense', () => {
    const monthly = configureRules({ followUpsPerYear: 12 });
    expect(assessPatient(ht([{ date: '2025-03-01', sbp: 120, dbp: 70 }]), monthly).nextDue).toBe(addDays('2025-03-01', 30));
    expect(() => configureRules({ recheckDays: 0 })).toThrow(/recheckDays/);
    expect(() => configureRules({ glucoseTarget: 20 })).toThrow(/glucose/);
  });
});
