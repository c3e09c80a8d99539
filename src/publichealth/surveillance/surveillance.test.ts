import type { Condition } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { CASE_REPORT_CATEGORY_SYSTEM, CONDITION_CATEGORY_SYSTEM } from '../../foundation/fhir/index.js';
import { ASSERTED_DATE_EXTENSION, classifyCondition, instantOf } from './case-report.js';
import { detectSeries } from './detect-series.js';
import { DEFAULT_DISEASES, historyDays, matchDisease, parseDiseaseList } from './diseases.js';
import { isoWeekLabel } from './routes.js';
import { msUntil, scheduledRunDate } from './scheduler.js';
import { canTransition, nextStatuses, SIGNAL_STATUSES } from './workflow.js';

const RECEIVED = new Date('2025-05-01T00:00:00Z');

function condition(code: string, extra: Partial<Condition> = {}, categories = ['notifiable', 'encounter-diagnosis']): Condition {
  return {
    resourceType: 'Condition',
    subject: { reference: 'Patient/p1' },
    category: categories.map((c) => ({ coding: [{ system: c === 'notifiable' ? CASE_REPORT_CATEGORY_SYSTEM : CONDITION_CATEGORY_SYSTEM, code: c }] })),
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code }] },
    ...extra,
  };
}

describe('disease list', () => {
  it('matches the longest ICD-10 prefix: pulmonary anthrax (2 h) before anthrax (24 h)', () => {
    expect(matchDisease(DEFAULT_DISEASES, 'case', 'A22.1')[0]).toMatchObject({ key: 'pulmonary-anthrax', deadlineHours: 2, class: 'B' });
    expect(matchDisease(DEFAULT_DISEASES, 'case', 'A22.0')[0]).toMatchObject({ key: 'anthrax', deadlineHours: 24 });
    expect(matchDisease(DEFAULT_DISEASES, 'case', 'a00.1')[0]).toMatchObject({ key: 'cholera', class: 'A', deadlineHours: 2 });
    expect(matchDisease(DEFAULT_DISEASES, 'case', 'I10')).toEqual([]);
  });

  it('gives every case disease a class and a deadline, 2 h exactly for class A and managed-as-A', () => {
    for (const d of DEFAULT_DISEASES.filter((x) => x.kind === 'case')) {
      expect(d.class).toBeDefined();
      const twoHours = d.class === 'A' || d.key === 'sars' || d.key === 'pulmonary-anthrax';
      expect(d.deadlineHours).toBe(twoHours ? 2 : 24);
    }
    expect(() => parseDiseaseList(DEFAULT_DISEASES)).not.toThrow();
  });

  it('rejects a bad list naming the entry and field', () => {
    expect(() => parseDiseaseList([{ key: 'x', name: 'x', kind: 'case', icd10: ['A00'], detection: [{ level: 'village', method: 'magic' }] }])).toThrow(/0\.detection\.0\.method/);
    expect(() => parseDiseaseList([{ key: 'x', name: 'x', kind: 'case', icd10: ['A00'] }])).toThrow(/class and deadlineHours/);
    expect(() => parseDiseaseList([{ key: 'x', name: 'x', kind: 'syndrome', icd10: ['not a code'] }])).toThrow(/0\.icd10\.0/);
    // A scan that could never signal: a p-value cut below 1/1000, or a study period no longer than a cluster.
    const scan = (detection: Record<string, unknown>) => [{ key: 'x', name: 'x', kind: 'syndrome', icd10: ['B08'], detection: [{ level: 'village', method: 'scan', ...detection }] }];
    expect(() => parseDiseaseList(scan({}))).not.toThrow();
    expect(() => parseDiseaseList(scan({ params: { alpha: 0.0005 } }))).toThrow(/0\.detection\.0\.params\.alpha/);
    expect(() => parseDiseaseList(scan({ historyDays: 7 }))).toThrow(/0\.detection\.0\.historyDays/);
    expect(() => parseDiseaseList(scan({ historyDays: 14, params: { baseline: 14 } }))).toThrow(/0\.detection\.0\.historyDays/);
    const ok = parseDiseaseList([{ key: 'x', name: 'x', kind: 'syndrome', icd10: ['R50'], detection: [{ level: 'town', method: 'ears-c3', params: { minSigma: 0.5 } }] }]);
    expect(ok[0].detection[0]).toMatchObject({ method: 'ears-c3' });
  });

  it('gives each method enough history for its baseline', () => {
    expect(historyDays({ level: 'village', method: 'mpm' })).toBeGreaterThan(3 * 365 + 7);
    expect(historyDays({ level: 'village', method: 'farrington', params: { b: 2 } })).toBeGreaterThan(2 * 364 + 21);
    expect(historyDays({ level: 'village', method: 'glrnb', historyDays: 100 })).toBe(100);
  });
});

describe('case reports', () => {
  it('dates the diagnosis by assertedDate, then the encounter, then recordedDate; flags late reports', () => {
    const onTime = classifyCondition(condition('B08.4', { recordedDate: '2025-04-30T10:00:00+08:00', extension: [{ url: ASSERTED_DATE_EXTENSION, valueDateTime: '2025-04-30T08:00:00+08:00' }] }), DEFAULT_DISEASES, { receivedAt: RECEIVED });
    expect(onTime.map((r) => r.disease)).toEqual(['hfmd', 'fever-rash']);
    expect(onTime[0]).toMatchObject({ kind: 'case', diseaseClass: 'C', day: '2025-04-30', late: false, patientId: 'p1' });
    expect(onTime[0].deadlineAt?.toISOString()).toBe('2025-05-01T00:00:00.000Z');
    expect(onTime[1]).toMatchObject({ kind: 'syndrome', deadlineAt: null, late: null });

    const cholera = classifyCondition(condition('A00.9', { recordedDate: '2025-04-30T10:01:00+08:00' }), DEFAULT_DISEASES, { encounterStart: '2025-04-30T08:00:00+08:00', receivedAt: RECEIVED });
    expect(cholera).toHaveLength(2); // cholera and acute diarrhoea
    expect(cholera[0]).toMatchObject({ disease: 'cholera', late: true });
    const inTime = classifyCondition(condition('A00.9', { recordedDate: '2025-04-30T09:59:00+08:00' }), DEFAULT_DISEASES, { encounterStart: '2025-04-30T08:00:00+08:00', receivedAt: RECEIVED });
    expect(inTime[0].late).toBe(false);
    // No diagnosis time but the record itself: never late.
    expect(classifyCondition(condition('A00.9', { recordedDate: '2025-04-30T09:59:00+08:00' }), DEFAULT_DISEASES, { receivedAt: RECEIVED })[0].late).toBe(false);
  });

  it('uses the receipt time when there is no recordedDate, counted on its date in China Standard Time', () => {
    const rows = classifyCondition(condition('B26.9'), DEFAULT_DISEASES, { receivedAt: new Date('2025-04-30T17:00:00Z') });
    expect(rows[0]).toMatchObject({ disease: 'mumps', day: '2025-05-01' });
    expect(rows[0].reportedAt.toISOString()).toBe('2025-04-30T17:00:00.000Z');
  });

  it('needs the case-report category for a case and the encounter-diagnosis category for a syndrome', () => {
    expect(classifyCondition(condition('B08.4', {}, ['encounter-diagnosis']), DEFAULT_DISEASES, { receivedAt: RECEIVED }).map((r) => r.kind)).toEqual(['syndrome']);
    expect(classifyCondition(condition('B08.4', {}, ['notifiable']), DEFAULT_DISEASES, { receivedAt: RECEIVED }).map((r) => r.kind)).toEqual(['case']);
    expect(classifyCondition(condition('B08.4', {}, ['problem-list-item']), DEFAULT_DISEASES, { receivedAt: RECEIVED })).toEqual([]);
  });

  it('ignores refuted and entered-in-error Conditions but keeps suspected (provisional) cases', () => {
    const status = (code: string) => ({ verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code }] } });
    expect(classifyCondition(condition('B08.4', status('refuted')), DEFAULT_DISEASES, { receivedAt: RECEIVED })).toEqual([]);
    expect(classifyCondition(condition('B08.4', status('entered-in-error')), DEFAULT_DISEASES, { receivedAt: RECEIVED })).toEqual([]);
    expect(classifyCondition(condition('B08.4', status('provisional')), DEFAULT_DISEASES, { receivedAt: RECEIVED })[0].verification).toBe('provisional');
  });

  it('takes a date-only diagnosis at the end of the day (UTC+8)', () => {
    expect(instantOf('2025-04-30')?.toISOString()).toBe('2025-04-30T15:59:59.000Z');
    expect(instantOf('2025-04-30', 'start')?.toISOString()).toBe('2025-04-29T16:00:00.000Z');
    expect(instantOf('2025-04')).toBeNull();
  });
});

describe('detection step', () => {
  const background = (days: number, every: number) => Int32Array.from({ length: days }, (_, i) => (i % every === 0 ? 1 : 0));

  it('signals a cluster on the run date with glrnb and not a single case (minCount 2)', () => {
    const s = background(61, 6);
    s[60] = 6;
    const v = detectSeries({ level: 'village', method: 'glrnb', minCount: 2 }, s, 20_000);
    expect(v).toMatchObject({ outcome: 'signal', alarm: true, observed: 6, periodStart: 20_060, periodEnd: 20_060 });
    expect(v.threshold).toBeGreaterThanOrEqual(5);
    s[60] = 1;
    expect(detectSeries({ level: 'village', method: 'glrnb', minCount: 2 }, s, 20_000).outcome).not.toBe('signal');
  });

  it('skips a day without cases and a method that cannot run on the history it has', () => {
    const s = background(40, 5);
    s[39] = 0;
    expect(detectSeries({ level: 'town', method: 'ears-c1' }, s, 20_000)).toMatchObject({ outcome: 'skipped', reason: 'no cases' });
    s[39] = 3;
    const mpm = detectSeries({ level: 'town', method: 'mpm' }, s, 20_000);
    expect(mpm.outcome).toBe('skipped');
    expect(mpm.reason).toMatch(/mpm/);
  });

  it('compares the 7-day window total for MPM and one fixed threshold for class A', () => {
    const s = new Int32Array(4 * 365 + 30);
    s[s.length - 1] = 2;
    s[s.length - 3] = 1;
    const v = detectSeries({ level: 'village', method: 'mpm' }, s, 0);
    expect(v).toMatchObject({ outcome: 'signal', observed: 3, casesFrom: s.length - 7, casesTo: s.length - 1 });
    expect(detectSeries({ level: 'village', method: 'fixed' }, Int32Array.from([0, 0, 1]), 10)).toMatchObject({ outcome: 'signal', observed: 1, threshold: 1, periodStart: 12 });
    expect(detectSeries({ level: 'village', method: 'fixed', params: { threshold: 2 } }, Int32Array.from([0, 0, 1]), 10).outcome).toBe('quiet');
  });

  it('evaluates the last complete Monday-to-Sunday week for the Farrington family', () => {
    const start = 20_088; // 2024-12-31, a Tuesday: the first week starts on Monday 2025-01-06
    const s = new Int32Array(3 * 364 + 20);
    for (let i = 0; i < s.length; i += 9) s[i] = 1;
    const v = detectSeries({ level: 'town', method: 'farrington-flexible', params: { b: 2 } }, s, start);
    expect(v.frequency).toBe(52);
    expect(v.outcome).not.toBe('skipped');
    expect(v.seriesStart).toBe(start + 6);
    expect(new Date(v.periodStart * 86_400_000).getUTCDay()).toBe(1);
    expect(v.periodEnd - v.periodStart).toBe(6);
    expect(v.periodEnd).toBeLessThanOrEqual(start + s.length - 1);
    expect(v.periodEnd).toBeGreaterThan(start + s.length - 8);
  });
});

describe('workflow and scheduling', () => {
  it('allows exactly new → under investigation → confirmed | false alarm → closed', () => {
    const allowed = SIGNAL_STATUSES.flatMap((a) => SIGNAL_STATUSES.filter((b) => canTransition(a, b)).map((b) => `${a}>${b}`));
    expect(allowed.sort()).toEqual(['confirmed-outbreak>closed', 'false-alarm>closed', 'new>under-investigation', 'under-investigation>confirmed-outbreak', 'under-investigation>false-alarm']);
    expect(nextStatuses('closed')).toEqual([]);
  });

  it('labels ISO 8601 weeks by their Thursday', () => {
    const monday = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
    expect(isoWeekLabel(monday('2024-12-30'))).toBe('2025-W01'); // Thursday 2 January 2025
    expect(isoWeekLabel(monday('2021-01-04'))).toBe('2021-W01');
    expect(isoWeekLabel(monday('2020-12-28'))).toBe('2020-W53');
    expect(isoWeekLabel(monday('2025-04-28'))).toBe('2025-W18');
  });

  it('schedules the next HH:MM in UTC+8 and runs for the previous day', () => {
    // The daily timer itself is tested in src/foundation/jobs/daily-scheduler.test.ts.
    const now = new Date('2025-04-30T16:30:00Z'); // 00:30 on 1 May in Beijing
    expect(msUntil('01:00', now)).toBe(30 * 60_000);
    expect(scheduledRunDate(new Date('2025-04-30T17:00:00Z'))).toBe('2025-04-30'); // 01:00 on 1 May → 30 April
    expect(scheduledRunDate(new Date('2025-04-30T15:59:00Z'))).toBe('2025-04-29'); // 23:59 on 30 April → 29 April
  });
});
