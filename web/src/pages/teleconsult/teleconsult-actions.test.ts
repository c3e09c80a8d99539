import { describe, expect, it } from 'vitest';
import { allowedTeleconsultActions, formatTurnaround } from './teleconsult-actions';

describe('teleconsultation actions', () => {
  it('the consultant answers or declines an open request; the asker cancels it; nothing after the end', () => {
    expect(allowedTeleconsultActions('requested', 'inbox')).toEqual(['answered', 'declined']);
    expect(allowedTeleconsultActions('requested', 'outbox')).toEqual(['cancelled']);
    for (const s of ['answered', 'declined', 'cancelled'] as const) {
      expect(allowedTeleconsultActions(s, 'inbox')).toEqual([]);
      expect(allowedTeleconsultActions(s, 'outbox')).toEqual([]);
    }
  });
  it('formats the turnaround', () => {
    expect(formatTurnaround(95)).toBe('1 h 35 min');
    expect(formatTurnaround(40)).toBe('40 min');
    expect(formatTurnaround(null)).toBeNull();
  });
});
