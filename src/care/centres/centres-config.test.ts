import type { Condition } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { codeInRanges, conditionIsActive, DEFAULT_CENTRES, icd10Category, matchingCode, parseCentresConfig } from './centres-config.js';

const centre = (code: string) => DEFAULT_CENTRES.find((c) => c.code === code)!;
const condition = (code: string, extra: Partial<Condition> = {}): Condition => ({
  resourceType: 'Condition',
  id: 'c1',
  subject: { reference: 'Patient/p1' },
  clinicalStatus: { coding: [{ code: 'active' }] },
  code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code }] },
  ...extra,
});

describe('ICD-10 criteria', () => {
  it('reads the three-character category whatever the dot and case', () => {
    expect(icd10Category('I63.9')).toBe('I63');
    expect(icd10Category('i639')).toBe('I63');
    expect(icd10Category('C61')).toBe('C61');
    expect(icd10Category('63.9')).toBeNull();
  });

  it('ranges are inclusive at both ends and nothing outside', () => {
    const stroke = centre('stroke').criteria;
    expect(['I60.0', 'I63.9', 'I64', 'G45.9'].map((c) => codeInRanges(c, stroke))).toEqual([true, true, true, true]);
    expect(['I59.9', 'I65.2', 'I69.3', 'G46', 'G44'].map((c) => codeInRanges(c, stroke))).toEqual([false, false, false, false, false]);
    const acs = centre('chest-pain').criteria;
    expect(['I20.0', 'I21.9', 'I22.1', 'I19', 'I23', 'I25.1'].map((c) => codeInRanges(c, acs))).toEqual([true, true, true, false, false, false]);
    const dm = centre('diabetes').criteria;
    expect(['E10.9', 'E11.9', 'E14', 'E09', 'E15'].map((c) => codeInRanges(c, dm))).toEqual([true, true, true, false, false]);
    expect(['J44.9', 'J44.1', 'J43.9', 'J45'].map((c) => codeInRanges(c, centre('copd').criteria))).toEqual([true, true, false, false]);
    const cancer = centre('cancer').criteria;
    expect(['C00.0', 'C34.9', 'C97', 'D00.0', 'C98'].map((c) => codeInRanges(c, cancer))).toEqual([true, true, true, false, false]);
  });

  it('every default centre cites a source and binds a facility', () => {
    expect(DEFAULT_CENTRES.map((c) => c.code)).toEqual(['stroke', 'chest-pain', 'diabetes', 'copd', 'cancer']);
    for (const c of DEFAULT_CENTRES) {
      expect(c.source).toMatch(/ICD-10/);
      expect(c.facility).toEqual({ facilityType: 'specialised-centre' });
    }
    expect(centre('stroke').pathway).toBe('door-to-needle');
    expect(centre('chest-pain').pathway).toBe('door-to-balloon');
  });
});

describe('matching Conditions', () => {
  it('an active ICD-10 Condition in range qualifies', () => {
    expect(matchingCode(centre('stroke'), condition('I63.9'))).toBe('I63.9');
    expect(matchingCode(centre('stroke'), condition('I63.9', { clinicalStatus: undefined }))).toBe('I63.9');
  });

  it('resolved, refuted, out-of-range or non-ICD-10 Conditions do not', () => {
    expect(matchingCode(centre('stroke'), condition('I63.9', { clinicalStatus: { coding: [{ code: 'resolved' }] } }))).toBeNull();
    expect(matchingCode(centre('stroke'), condition('I63.9', { verificationStatus: { coding: [{ code: 'refuted' }] } }))).toBeNull();
    expect(matchingCode(centre('stroke'), condition('I10'))).toBeNull();
    expect(matchingCode(centre('stroke'), { ...condition('x'), code: { coding: [{ system: 'http://snomed.info/sct', code: '230690007' }] } })).toBeNull();
    expect(conditionIsActive(condition('I63.9', { clinicalStatus: { coding: [{ code: 'remission' }] } }))).toBe(false);
    expect(conditionIsActive(condition('I63.9', { clinicalStatus: { coding: [{ code: 'recurrence' }] } }))).toBe(true);
  });
});

describe('centres file', () => {
  it('accepts the defaults round-tripped through JSON', () => {
    expect(parseCentresConfig(JSON.parse(JSON.stringify(DEFAULT_CENTRES)))).toEqual(DEFAULT_CENTRES);
  });

  it('fills defaults: facility specialised-centre, source project default', () => {
    expect(parseCentresConfig([{ code: 'ckd', name: 'CKD centre', criteria: [{ from: 'N18', to: 'N18' }] }])).toEqual([
      { code: 'ckd', name: 'CKD centre', criteria: [{ from: 'N18', to: 'N18' }], source: 'project default', facility: { facilityType: 'specialised-centre' } },
    ]);
    expect(parseCentresConfig([{ code: 'stroke', name: 'S', criteria: [{ from: 'I60', to: 'I64' }], facility: { organization: 'org-1' } }])[0].facility).toEqual({ organization: 'org-1' });
  });

  it('names the field of what is wrong', () => {
    expect(() => parseCentresConfig([])).toThrow(/non-empty JSON array/);
    expect(() => parseCentresConfig([{ code: 'Stroke', name: 'x', criteria: [{ from: 'I60', to: 'I64' }] }])).toThrow(/centres\[0\]\.code/);
    expect(() => parseCentresConfig([{ code: 'a', name: 'x', criteria: [{ from: 'I64', to: 'I60' }] }])).toThrow(/criteria\[0\]: from is after to/);
    expect(() => parseCentresConfig([{ code: 'a', name: 'x', criteria: [{ from: 'I6', to: 'I64' }] }])).toThrow(/criteria\[0\] must be/);
    expect(() => parseCentresConfig([{ code: 'a', name: 'x', criteria: [{ from: 'I60', to: 'I64' }], facility: { facilityType: 'clinic' } }])).toThrow(/facility must be/);
    expect(() => parseCentresConfig([{ code: 'a', name: 'x', criteria: [{ from: 'I60', to: 'I64' }], pathway: 'door-to-door' }])).toThrow(/pathway must be/);
    const twice = { code: 'a', name: 'x', criteria: [{ from: 'I60', to: 'I64' }] };
    expect(() => parseCentresConfig([twice, twice])).toThrow(/given twice/);
  });
});
