import { describe, expect, it } from 'vitest';
import { aggregateDaily, dayNumber, isoWeekday, rollUp, toWeekly } from './index.js';

describe('dayNumber / isoWeekday', () => {
  it('numbers days from 1970-01-01 and gives ISO weekdays', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayNumber('2024-01-01T09:00:00+08:00')).toBe(19723);
    expect(isoWeekday(dayNumber('2024-01-01'))).toBe(1); // a Monday
    expect(isoWeekday(dayNumber('2024-01-07'))).toBe(7);
    expect(isoWeekday(0)).toBe(4); // Thursday
    expect(() => dayNumber('not a date')).toThrow(RangeError);
  });
});

describe('aggregateDaily', () => {
  const start = dayNumber('2024-01-01');
  it('counts per disease × unit × day and drops cases outside the span', () => {
    const counts = aggregateDaily(
      [
        { disease: 'hfmd', orgUnit: 'v1', day: start },
        { disease: 'hfmd', orgUnit: 'v1', day: start },
        { disease: 'hfmd', orgUnit: 'v2', day: start + 2 },
        { disease: 'flu', orgUnit: 'v1', day: start + 3 },
        { disease: 'flu', orgUnit: 'v1', day: start + 4 },
        { disease: 'flu', orgUnit: 'v1', day: start - 1 },
      ],
      start,
      4,
    );
    expect([...(counts.series.get('hfmd')?.get('v1') ?? [])]).toEqual([2, 0, 0, 0]);
    expect([...(counts.series.get('hfmd')?.get('v2') ?? [])]).toEqual([0, 0, 1, 0]);
    expect([...(counts.series.get('flu')?.get('v1') ?? [])]).toEqual([0, 0, 0, 1]);
    expect(counts.dropped).toBe(2);
  });

  it('creates all-zero series for the listed units', () => {
    const counts = aggregateDaily([], start, 3, { diseases: ['a', 'b'], orgUnits: ['v1', 'v2'] });
    expect(counts.series.get('b')?.get('v2')).toEqual(new Int32Array(3));
    expect(() => aggregateDaily([], start, 0)).toThrow(RangeError);
  });
});

describe('rollUp', () => {
  it('adds children into their parents and leaves out orphans', () => {
    const start = 0;
    const counts = aggregateDaily(
      [
        { disease: 'x', orgUnit: 'v1', day: 0 },
        { disease: 'x', orgUnit: 'v2', day: 0 },
        { disease: 'x', orgUnit: 'v3', day: 1 },
        { disease: 'x', orgUnit: 'orphan', day: 1 },
      ],
      start,
      2,
    );
    const parent: Record<string, string> = { v1: 't1', v2: 't1', v3: 't2', t1: 'd', t2: 'd' };
    const towns = rollUp(counts, (u) => parent[u]);
    expect([...(towns.series.get('x')?.get('t1') ?? [])]).toEqual([2, 0]);
    expect([...(towns.series.get('x')?.get('t2') ?? [])]).toEqual([0, 1]);
    expect(towns.series.get('x')?.has('orphan')).toBe(false);
    const district = rollUp(towns, (u) => parent[u]);
    expect([...(district.series.get('x')?.get('d') ?? [])]).toEqual([2, 1]);
  });
});

describe('toWeekly', () => {
  it('sums complete Monday-to-Sunday weeks only', () => {
    const start = dayNumber('2024-01-03'); // Wednesday: the first Monday is 2024-01-08, 5 days later
    const daily = Array.from({ length: 5 + 14 + 3 }, (_, i) => i);
    const weekly = toWeekly(daily, start);
    expect(weekly.firstDay).toBe(dayNumber('2024-01-08'));
    expect([...weekly.counts]).toEqual([5 + 6 + 7 + 8 + 9 + 10 + 11, 12 + 13 + 14 + 15 + 16 + 17 + 18]);
  });
  it('supports another first weekday and short series', () => {
    const start = dayNumber('2024-01-01'); // Monday
    expect(toWeekly([1, 1, 1, 1, 1, 1, 1, 1], start, 7).firstDay).toBe(start + 6);
    expect(toWeekly([1, 1, 1], start).counts.length).toBe(0);
  });
});
