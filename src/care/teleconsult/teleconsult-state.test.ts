import { describe, expect, it } from 'vitest';
import { checkTeleconsultTransition, teleconsultNext, teleconsultTaskStatus, TELECONSULT_STATES, turnaroundMinutes, type TeleconsultState } from './teleconsult-state.js';

const ALLOWED: Record<string, 'consultant' | 'requester'> = {
  'requested→answered': 'consultant',
  'requested→declined': 'consultant',
  'requested→cancelled': 'requester',
};

describe('teleconsultation state machine', () => {
  for (const from of TELECONSULT_STATES) {
    for (const to of TELECONSULT_STATES) {
      const key = `${from}→${to}`;
      it(`${key} is ${ALLOWED[key] ? `allowed (${ALLOWED[key]})` : 'refused'}`, () => {
        const check = checkTeleconsultTransition(from, to);
        if (ALLOWED[key]) expect(check).toEqual({ ok: true, side: ALLOWED[key] });
        else {
          expect(check.ok).toBe(false);
          if (!check.ok) expect(check.reason).toMatch(from === to ? /already/ : /cannot become/);
        }
      });
    }
  }
  it('final states have no next state', () => {
    for (const s of ['answered', 'declined', 'cancelled'] as TeleconsultState[]) expect(teleconsultNext(s)).toEqual([]);
    expect(teleconsultNext('requested')).toEqual(['answered', 'declined', 'cancelled']);
  });
  it('maps to FHIR Task.status', () => {
    expect(TELECONSULT_STATES.map(teleconsultTaskStatus)).toEqual(['requested', 'completed', 'rejected', 'cancelled']);
  });
  it('turnaround in minutes', () => {
    expect(turnaroundMinutes(new Date('2025-06-01T00:00:00Z'), new Date('2025-06-01T02:30:29Z'))).toBe(150);
    expect(turnaroundMinutes(new Date('2025-06-01T00:00:00Z'), null)).toBeNull();
  });
});
