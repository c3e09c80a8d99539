import { describe, expect, it } from 'vitest';
import type { PathwayMonth } from '../../api/centres';
import { monthRange, pathwayChartOption } from './pathway-chart';

const labels = { volume: 'treated', median: 'median', share: 'within target', target: 'target 60 min', minutes: 'min' };
const month = (m: string, events: number, median: number | null, share: number | null): PathwayMonth => ({ month: m, events, measured: events, missingArrival: 0, invalid: 0, medianMinutes: median, withinTarget: 0, shareWithinTarget: share });

describe('monthRange', () => {
  it('lists every month across a year end, both ends included', () => {
    expect(monthRange('2025-11-15', '2026-02-01')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthRange('2026-03-01', '2026-03-31')).toEqual(['2026-03']);
    expect(monthRange('2026-04-01', '2026-03-31')).toEqual([]);
  });
});

describe('pathwayChartOption', () => {
  const months = [month('2026-01', 3, 52.5, 2 / 3), month('2026-03', 1, 75, 0)];
  const option = pathwayChartOption(months, { from: '2026-01-01', to: '2026-03-31' }, 60, labels) as any;

  it('puts every month of the range on the axis, a month without events as a gap', () => {
    expect(option.xAxis.data).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(option.series[0].data).toEqual([3, 0, 1]);
    expect(option.series[1].data).toEqual([52.5, null, 75]);
  });

  it('draws the target as a dashed line at exactly the target minutes, on the minutes axis', () => {
    expect(option.series[1].yAxisIndex).toBe(0);
    expect(option.series[1].markLine.data).toEqual([{ yAxis: 60 }]);
    expect(option.yAxis[0].max).toBeGreaterThanOrEqual(75);
  });

  it('gives the share within target in percent on its own axis', () => {
    expect(option.series[2].yAxisIndex).toBe(2);
    expect(option.series[2].data).toEqual([66.7, null, 0]);
    expect(option.yAxis[2].max).toBe(100);
  });

  it('raises the minutes axis above a median beyond 1.5 × target', () => {
    const wide = pathwayChartOption([month('2026-01', 1, 140, 0)], { from: '2026-01-01', to: '2026-01-31' }, 90, labels) as any;
    expect(wide.yAxis[0].max).toBe(140);
    expect(wide.series[1].markLine.data).toEqual([{ yAxis: 90 }]);
  });
});
