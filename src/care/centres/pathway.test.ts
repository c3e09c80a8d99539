import type { Encounter, MedicationAdministration, Procedure } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { arrivalFor, arrivalOf, measure, median, monthOf, pciOf, summariseByMonth, thrombolysisOf, type Milestone } from './pathway.js';

const T0 = new Date('2025-03-10T02:00:00Z');
const plus = (min: number) => new Date(T0.getTime() + min * 60_000);

describe('measure (door-to-needle / door-to-balloon arithmetic)', () => {
  it('minutes between arrival and treatment; exactly on target is within', () => {
    expect(measure(T0, plus(45), 60)).toEqual({ status: 'measured', minutes: 45, withinTarget: true });
    expect(measure(T0, plus(60), 60)).toEqual({ status: 'measured', minutes: 60, withinTarget: true });
    expect(measure(T0, new Date(plus(60).getTime() + 1000), 60)).toMatchObject({ status: 'measured', withinTarget: false });
    expect(measure(T0, plus(90), 90)).toMatchObject({ withinTarget: true });
    expect(measure(T0, plus(91), 90)).toMatchObject({ withinTarget: false });
    expect(measure(T0, T0, 60)).toEqual({ status: 'measured', minutes: 0, withinTarget: true });
  });

  it('missing arrival is reported, not guessed', () => {
    expect(measure(null, plus(10), 60)).toEqual({ status: 'no-arrival' });
  });

  it('a treatment before the arrival is rejected', () => {
    expect(measure(T0, plus(-1), 60)).toEqual({ status: 'invalid', reason: 'treatment before arrival' });
    expect(measure(new Date(Number.NaN), plus(1), 60)).toMatchObject({ status: 'invalid' });
  });
});

describe('pairing a treatment with its arrival', () => {
  const a = (id: string, min: number): Milestone => ({ kind: 'arrival', at: plus(min).toISOString(), encounter: id });
  const t = (min: number, encounter: string | null = null): Milestone => ({ kind: 'thrombolysis', at: plus(min).toISOString(), encounter });

  it('the Encounter the treatment names wins, even if another arrival is later', () => {
    expect(arrivalFor(t(50, 'e1'), [a('e1', 0), a('e2', 30)])).toEqual(T0);
  });

  it('without an Encounter: the latest arrival before it within 24 h', () => {
    expect(arrivalFor(t(50), [a('e1', 0), a('e2', 30), a('e3', 60)])).toEqual(plus(30));
    expect(arrivalFor(t(24 * 60 + 1), [a('e1', 0)])).toBeNull();
    expect(arrivalFor(t(24 * 60), [a('e1', 0)])).toEqual(T0);
    expect(arrivalFor(t(10), [])).toBeNull();
  });

  it('a named Encounter arriving after the treatment gives a negative interval, which measure rejects', () => {
    const arrival = arrivalFor(t(10, 'e1'), [a('e1', 20)]);
    expect(measure(arrival, plus(10), 60)).toMatchObject({ status: 'invalid' });
  });
});

describe('classifying FHIR resources into milestones', () => {
  const enc = (extra: Partial<Encounter> = {}): Encounter => ({ resourceType: 'Encounter', id: 'e1', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'EMER' }, period: { start: T0.toISOString() }, ...extra });
  it('arrival: emergency encounters only, at period.start', () => {
    expect(arrivalOf(enc())).toEqual({ kind: 'arrival', at: T0.toISOString(), encounter: 'e1' });
    expect(arrivalOf(enc({ class: { code: 'AMB' } }))).toBeNull();
    expect(arrivalOf(enc({ status: 'entered-in-error' }))).toBeNull();
    expect(arrivalOf(enc({ period: { start: '2025-03-10' } }))).toBeNull(); // a date is no arrival time
    expect(arrivalOf(enc({ period: {} }))).toBeNull();
  });

  const ma = (code: string, extra: Partial<MedicationAdministration> = {}): MedicationAdministration => ({
    resourceType: 'MedicationAdministration', status: 'completed', subject: { reference: 'Patient/p1' },
    medicationCodeableConcept: { coding: [{ system: 'http://www.whocc.no/atc', code }] }, effectiveDateTime: plus(45).toISOString(), context: { reference: 'Encounter/e1' }, ...extra,
  });
  it('thrombolysis: alteplase or tenecteplase given', () => {
    expect(thrombolysisOf(ma('B01AD02'))).toEqual({ kind: 'thrombolysis', at: plus(45).toISOString(), encounter: 'e1' });
    expect(thrombolysisOf(ma('B01AD11', { effectiveDateTime: undefined, effectivePeriod: { start: plus(30).toISOString() }, context: undefined }))).toEqual({ kind: 'thrombolysis', at: plus(30).toISOString(), encounter: null });
    expect(thrombolysisOf(ma('B01AC06'))).toBeNull(); // aspirin
    expect(thrombolysisOf(ma('B01AD02', { status: 'not-done' }))).toBeNull();
  });

  const proc = (system: string, code: string, extra: Partial<Procedure> = {}): Procedure => ({
    resourceType: 'Procedure', status: 'completed', subject: { reference: 'Patient/p1' }, code: { coding: [{ system, code }] }, performedDateTime: plus(80).toISOString(), encounter: { reference: 'Encounter/e1' }, ...extra,
  });
  it('PCI: SNOMED 415070008 or ICD-9-CM-3 00.66 / 36.06 / 36.07, performed', () => {
    expect(pciOf(proc('http://snomed.info/sct', '415070008'))).toEqual({ kind: 'pci', at: plus(80).toISOString(), encounter: 'e1' });
    expect(pciOf(proc('http://hl7.org/fhir/sid/icd-9-cm', '00.66'))).not.toBeNull();
    expect(pciOf(proc('http://hl7.org/fhir/sid/icd-9-cm', '36.07'))).not.toBeNull();
    expect(pciOf(proc('http://hl7.org/fhir/sid/icd-9-cm', '88.56'))).toBeNull(); // coronary angiography alone
    expect(pciOf(proc('http://snomed.info/sct', '415070008', { status: 'preparation' }))).toBeNull();
  });
});

describe('monthly summary', () => {
  it('median, share within target, missing and invalid per month (UTC+8)', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([1, 2, 3, 10])).toBe(2.5);
    expect(monthOf(new Date('2025-03-31T16:30:00Z'))).toBe('2025-04'); // 00:30 on 1 April in Beijing
    const months = summariseByMonth([
      { treatedAt: new Date('2025-03-05T01:00:00Z'), measurement: measure(T0, plus(45), 60) },
      { treatedAt: new Date('2025-03-06T01:00:00Z'), measurement: measure(T0, plus(75), 60) },
      { treatedAt: new Date('2025-03-07T01:00:00Z'), measurement: measure(null, plus(75), 60) },
      { treatedAt: new Date('2025-04-02T01:00:00Z'), measurement: measure(T0, plus(-5), 60) },
    ]);
    expect(months).toEqual([
      { month: '2025-03', events: 3, measured: 2, missingArrival: 1, invalid: 0, medianMinutes: 60, withinTarget: 1, shareWithinTarget: 0.5 },
      { month: '2025-04', events: 1, measured: 0, missingArrival: 0, invalid: 1, medianMinutes: null, withinTarget: 0, shareWithinTarget: null },
    ]);
  });
});
