import { describe, expect, it } from 'vitest';
import { OperationOutcomeError } from '../../foundation/fhir/index.js';
import { parseFollowUp } from './follow-up-input.js';

const TODAY = '2025-06-30';
const base = { patient: 'p1', date: '2025-06-20' };

/** The FHIRPath expression a 400 names, or 'ok'. */
function fieldOf(body: unknown): string {
  try {
    parseFollowUp(body, TODAY);
    return 'ok';
  } catch (err) {
    if (!(err instanceof OperationOutcomeError)) throw err;
    return err.outcome.issue?.[0]?.expression?.[0] ?? '?';
  }
}

describe('parseFollowUp', () => {
  it('accepts a complete follow-up and converts mg/dL glucose', () => {
    const f = parseFollowUp({ ...base, bp: { systolic: 150, diastolic: 92 }, glucose: { value: 126, unit: 'mg/dL' }, medicines: [{ atc: 'C08CA01', daysSupply: 84, refills: 2 }], nextDate: '2025-07-04' }, TODAY);
    expect(f.glucose?.mmolL).toBeCloseTo(6.99, 2);
    expect(f.medicines[0]).toMatchObject({ atc: 'C08CA01', daysSupply: 84, refills: 2 });
    expect(f.nextDate).toBe('2025-07-04');
  });

  it('names the field of every implausible value', () => {
    expect(fieldOf({ ...base, bp: { systolic: 300, diastolic: 20 } })).toBe('bp.diastolic');
    expect(fieldOf({ ...base, bp: { systolic: 310, diastolic: 90 } })).toBe('bp.systolic');
    expect(fieldOf({ ...base, bp: { systolic: 80, diastolic: 90 } })).toBe('bp');
    expect(fieldOf({ ...base, bp: { systolic: '150', diastolic: 90 } })).toBe('bp.systolic');
    expect(fieldOf({ ...base, glucose: { value: 0.5 } })).toBe('glucose.value');
    expect(fieldOf({ ...base, glucose: { value: 7, unit: 'g/L' } })).toBe('glucose.unit');
    expect(fieldOf({ ...base, date: '2025-02-30' })).toBe('date');
    expect(fieldOf({ ...base, date: '2025-07-01' })).toBe('date');
    expect(fieldOf({ ...base, nextDate: '2025-06-20' })).toBe('nextDate');
    expect(fieldOf({ ...base, medicines: [{ atc: 'C08CA01', daysSupply: 85 }] })).toBe('medicines[0].daysSupply');
    expect(fieldOf({ ...base, medicines: [{ atc: 'amlodipine', daysSupply: 28 }] })).toBe('medicines[0].atc');
    expect(fieldOf({ ...base, conditions: ['asthma'] })).toBe('conditions');
    expect(fieldOf({ date: base.date })).toBe('patient');
  });

  it('says that a glucose value sent in mg/dL as mmol/L looks like mg/dL', () => {
    try {
      parseFollowUp({ ...base, glucose: { value: 126, unit: 'mmol/L' } }, TODAY);
      expect.unreachable();
    } catch (err) {
      expect((err as OperationOutcomeError).outcome.issue?.[0]?.details?.text).toMatch(/looks like mg\/dL \(126 mg\/dL = 7\.0 mmol\/L\)/);
    }
  });
});
