import { describe, expect, it } from 'vitest';
import type { TransitionEntry } from './referral-fhir.js';
import { relationshipWindow } from './referral-relationship.js';

const step = (status: TransitionEntry['status'], at: string): TransitionEntry => ({ status, at, by: 'x' });
const T0 = '2025-06-02T01:00:00.000Z';
const T1 = '2025-06-02T02:00:00.000Z';

describe('relationshipWindow', () => {
  it('grants nothing before acceptance, nor for a rejected referral', () => {
    expect(relationshipWindow([step('requested', T0)])).toBeNull();
    expect(relationshipWindow([step('requested', T0), step('rejected', T1)])).toBeNull();
    expect(relationshipWindow([step('requested', T0), step('cancelled', T1)])).toBeNull();
  });

  it('opens at acceptance and stays open through scheduled, seen and returned', () => {
    const log = [step('requested', T0), step('accepted', T1), step('scheduled', T1), step('seen', '2025-06-03T00:00:00Z'), step('returned', '2025-06-05T00:00:00Z')];
    for (let n = 2; n <= log.length; n++) expect(relationshipWindow(log.slice(0, n))).toEqual({ from: new Date(T1), until: null });
  });

  it('ends 14 days after the return check, or at a cancellation after acceptance', () => {
    const closed = [step('requested', T0), step('accepted', T1), step('seen', T1), step('returned', T1), step('closed', '2025-06-10T00:00:00Z')];
    expect(relationshipWindow(closed)?.until?.toISOString()).toBe('2025-06-24T00:00:00.000Z');
    expect(relationshipWindow(closed, 0)?.until?.toISOString()).toBe('2025-06-10T00:00:00.000Z');
    const cancelled = [step('requested', T0), step('accepted', T1), step('cancelled', '2025-06-04T00:00:00Z')];
    expect(relationshipWindow(cancelled)).toEqual({ from: new Date(T1), until: new Date('2025-06-04T00:00:00Z') });
  });
});
