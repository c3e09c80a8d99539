import { describe, expect, it } from 'vitest';
import { previousMonthEnd, rollupFresh } from './indicator-rollup.js';

describe('rollup freshness', () => {
  const now = new Date('2026-01-01T01:00:00Z'); // 09:00 on 1 January in Beijing
  it('a rollup computed in the last 26 hours is fresh whatever its date', () => {
    expect(rollupFresh('2025-12-31T19:00:00Z', '2026-01-01', now)).toBe(true); // tonight's 03:00 run for today
    expect(rollupFresh('2025-12-30T23:00:01Z', '2026-01-01', now)).toBe(true); // 25 h 59 min old
    expect(rollupFresh('2025-12-30T23:00:00Z', '2026-01-01', now)).toBe(false); // 26 h old, before the day ended
  });
  it('a rollup of a past date computed after that day ended (UTC+8) stays fresh', () => {
    expect(rollupFresh('2025-11-30T16:00:00Z', '2025-11-30', now)).toBe(true); // 00:00 on 1 December in Beijing
    expect(rollupFresh('2025-11-30T15:59:59Z', '2025-11-30', now)).toBe(false); // 23:59:59 on 30 November: the day was not over
  });
  it('the last month end', () => {
    expect(previousMonthEnd('2026-01-01')).toBe('2025-12-31');
    expect(previousMonthEnd('2024-03-15')).toBe('2024-02-29');
    expect(previousMonthEnd('2025-03-31')).toBe('2025-02-28');
  });
});
