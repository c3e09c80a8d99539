import { describe, expect, it } from 'vitest';
import { OperationOutcomeError } from '../../foundation/fhir/index.js';
import { parseVisit } from './visit-input.js';

const NOW = new Date('2025-06-30T04:00:00Z');
const base = { patient: 'p1', clinic: 'c1', outcome: { kind: 'resolved' } };
/** The FHIRPath expression of the 400 a body gets. */
function field(body: Record<string, unknown>): string | undefined {
  try {
    parseVisit({ ...base, ...body }, NOW);
  } catch (e) {
    if (e instanceof OperationOutcomeError) return e.outcome.issue?.[0]?.expression?.[0];
    throw e;
  }
  return undefined;
}

describe('parseVisit', () => {
  it('accepts a full visit and converts glucose in mg/dL', () => {
    const v = parseVisit({ ...base, at: '2025-06-30T09:00:00+08:00', bp: { systolic: 150, diastolic: 95 }, glucose: { value: 126, unit: 'mg/dL' }, weight: 70, temperature: 36.8, diagnoses: [{ code: 'i10' }], prescriptions: [{ atc: 'C08CA01', daysSupply: 28, quantity: 28, dispensed: { quantity: 28 } }] }, NOW);
    expect(v.glucose).toEqual({ mmolL: 6.99 });
    expect(v.diagnoses).toEqual([{ code: 'I10', display: null }]);
    expect(v.prescriptions[0].dispensed).toEqual({ quantity: 28 });
    expect(v.at.toISOString()).toBe('2025-06-30T01:00:00.000Z');
  });
  it('names the field of every implausible or malformed value (the chronic follow-up ranges for BP and glucose)', () => {
    expect(field({ bp: { systolic: 300, diastolic: 20 } })).toBe('bp.diastolic');
    expect(field({ bp: { systolic: 301, diastolic: 90 } })).toBe('bp.systolic');
    expect(field({ bp: { systolic: 90, diastolic: 90 } })).toBe('bp');
    expect(field({ glucose: { value: 0.5 } })).toBe('glucose.value');
    expect(field({ weight: 0.4 })).toBe('weight');
    expect(field({ temperature: 45.1 })).toBe('temperature');
    expect(field({ at: '2025-07-01T00:00:00Z' })).toBe('at');
    expect(field({ prescriptions: [{ atc: 'C08CA01', daysSupply: 85 }] })).toBe('prescriptions[0].daysSupply');
    expect(field({ prescriptions: [{ atc: 'C08CA01', daysSupply: 5, quantity: 10, dispensed: { quantity: 11 } }] })).toBe('prescriptions[0].dispensed.quantity');
    expect(field({ outcome: { kind: 'home' } })).toBe('outcome.kind');
    expect(field({ outcome: { kind: 'teleconsult', consultant: 't1' } })).toBe('outcome.question');
    expect(field({ outcome: { kind: 'teleconsult', consultant: 'c1', question: 'q' } })).toBe('outcome.consultant');
    expect(field({ outcome: { kind: 'referred', performer: 'h1', priority: 'soon', reason: { text: 'x' } } })).toBe('outcome.priority');
  });
  it('a referral takes the first diagnosis as its reason', () => {
    const v = parseVisit({ ...base, diagnoses: [{ code: 'I63.9', display: '脑梗死' }], outcome: { kind: 'referred', performer: 'h1', priority: 'urgent' } }, NOW);
    expect(v.outcome).toEqual({ kind: 'referred', referral: { performer: 'h1', priority: 'urgent', reason: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I63.9', display: '脑梗死' }] } } });
  });
});
