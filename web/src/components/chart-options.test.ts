/** The cockpit trend and vitals chart options (pure): each API value lands in its series, on its date. */
import { describe, expect, it } from 'vitest';
import { BP_TARGET, trendChartOption, vitalsChartOption } from './chart-options';

type Series = { name: string; type: string; yAxisIndex?: number; data: unknown[]; markLine?: { data: { yAxis: number }[] } };
type Option = { xAxis: { type: string; data?: string[] }; series: Series[] };

describe('trendChartOption', () => {
  const points = [
    { month: '2025-04', encounters: 120, cases: 3 },
    { month: '2025-05', encounters: 98, cases: 0 },
    { month: '2025-06', encounters: 143, cases: 7 },
  ];

  it('puts months on the axis, encounters as bars and cases as a line on the right axis, in order', () => {
    const o = trendChartOption(points, { encounters: 'Encounters', cases: 'Cases' }) as unknown as Option;
    expect(o.xAxis.data).toEqual(['2025-04', '2025-05', '2025-06']);
    const [bars, line] = o.series;
    expect(bars).toMatchObject({ name: 'Encounters', type: 'bar', data: [120, 98, 143] });
    expect(bars.yAxisIndex).toBeUndefined();
    expect(line).toMatchObject({ name: 'Cases', type: 'line', yAxisIndex: 1, data: [3, 0, 7] });
  });

  it('is empty, not broken, before the data arrives', () => {
    const o = trendChartOption(undefined, { encounters: 'E', cases: 'C' }) as unknown as Option;
    expect(o.xAxis.data).toEqual([]);
    expect(o.series.map((s) => s.data)).toEqual([[], []]);
  });
});

describe('vitalsChartOption', () => {
  const labels = { sbp: 'SBP', dbp: 'DBP', glucose: 'FPG' };
  const points = [
    { when: '2025-01-05T09:00:00+08:00', sbp: 152, dbp: 94 },
    { when: '2025-01-05T09:10:00+08:00', glucose: 7.4 },
    { when: '2025-02-11T08:30:00+08:00', sbp: 138 },
    { when: '2025-03-20T10:00:00+08:00', sbp: 131, dbp: 82 },
  ];
  const option = () => vitalsChartOption(points, labels) as unknown as Option;
  const byName = (name: string) => option().series.find((s) => s.name === name)!;

  it('maps systolic and diastolic values to their own series with their dates', () => {
    expect(option().xAxis.type).toBe('time');
    expect(byName('SBP').data).toEqual([
      ['2025-01-05T09:00:00+08:00', 152],
      ['2025-02-11T08:30:00+08:00', 138],
      ['2025-03-20T10:00:00+08:00', 131],
    ]);
    // The February panel has no diastolic component: no point (and no hole) in the DBP series.
    expect(byName('DBP').data).toEqual([
      ['2025-01-05T09:00:00+08:00', 94],
      ['2025-03-20T10:00:00+08:00', 82],
    ]);
  });

  it('puts fasting glucose on the mmol/L axis and the 140/90 targets on the BP series', () => {
    expect(byName('FPG')).toMatchObject({ yAxisIndex: 1, data: [['2025-01-05T09:10:00+08:00', 7.4]] });
    expect(byName('SBP').yAxisIndex).toBeUndefined();
    expect(byName('SBP').markLine!.data).toEqual([{ yAxis: BP_TARGET.systolic }]);
    expect(byName('DBP').markLine!.data).toEqual([{ yAxis: BP_TARGET.diastolic }]);
    expect(BP_TARGET).toEqual({ systolic: 140, diastolic: 90 });
  });
});
