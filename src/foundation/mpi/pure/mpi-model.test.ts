import { describe, expect, it } from 'vitest';
import { hasLinkEvidence, PRIOR_PARAMS, sampleRandomPairs, scorePair, type MpiModel } from './mpi-model.js';
import type { RecordComparison } from './record-comparison.js';

// vector order: residentId, surname, givenName, birthDate, sex, phone, address, insurance
const model: MpiModel = { params: PRIOR_PARAMS, tf: [], thresholds: { autoLink: 10, review: 0 } };
const cmp = (vector: (number | null)[], idConflict = false): RecordComparison => ({ vector, tfValues: [], idConflict });

describe('link evidence and vetoes', () => {
  it('needs an identifier, or the whole name with birth date or address', () => {
    expect(hasLinkEvidence([0, null, null, null, null, null, null, null])).toBe(true);
    expect(hasLinkEvidence([null, 0, 0, 0, 0, null, null, null])).toBe(true);
    expect(hasLinkEvidence([null, 0, 1, null, 0, null, 1, null])).toBe(true);
    expect(hasLinkEvidence([null, null, null, 0, 0, null, null, null])).toBe(false); // birth date + sex only
    expect(hasLinkEvidence([null, 0, 0, null, 0, null, null, null])).toBe(false); // name only
  });
  it('treats a wholly different given name or birth date as a conflict unless the IDs agree', () => {
    expect(hasLinkEvidence([null, 0, 3, 0, 0, 0, 0, null])).toBe(false); // twins: phone, address, dob shared
    expect(hasLinkEvidence([0, 0, 3, 0, 0, 0, 0, null])).toBe(true);
    expect(hasLinkEvidence([null, 0, 0, 3, 0, 0, null, null])).toBe(false);
  });
  it('demotes a high weight without evidence to review, and vetoes conflicting IDs', () => {
    const dobOnly = scorePair(cmp([null, null, null, 0, 0, null, null, null]), { ...model, thresholds: { autoLink: 1, review: 0 } });
    expect(dobOnly.weight).toBeGreaterThan(1);
    expect(dobOnly.decision).toBe('review');
    const conflict = scorePair(cmp([2, 0, 0, 0, 0, 0, 0, null], true), model);
    expect(conflict.weight).toBeGreaterThan(model.thresholds.autoLink);
    expect(conflict.decision).toBe('non-link');
    expect(scorePair(cmp([0, 0, 0, 0, 0, 0, 0, null]), model).decision).toBe('link');
  });
});

describe('sampleRandomPairs', () => {
  it('returns all pairs for small n and distinct ordered pairs otherwise, deterministically', () => {
    expect(sampleRandomPairs(4, 100)).toHaveLength(6);
    const a = sampleRandomPairs(1000, 500, 3);
    expect(a).toEqual(sampleRandomPairs(1000, 500, 3));
    expect(new Set(a.map(([i, j]) => `${i},${j}`)).size).toBe(500);
    expect(a.every(([i, j]) => i < j && j < 1000)).toBe(true);
  });
});
