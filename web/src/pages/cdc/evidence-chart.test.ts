/** The evidence chart's option (pure): bars, compared period, alarm pin and threshold per method. */
import { describe, expect, it } from 'vitest';
import type { SignalEvidence } from '../../api/surveillance';
import { evidenceOption, thresholdKind } from './evidence-chart';

const LABELS = { counts: 'cases', threshold: 'threshold', statistic: 'statistic', windowBound: 'window bound', compared: 'compared', alarm: 'alarm' };

type Series = { name: string; type: string; yAxisIndex?: number; data: unknown[]; markLine?: { data: { yAxis: number }[] }; markArea?: { data: [{ xAxis: string }, { xAxis: string }][] }; markPoint?: { data: { coord: [string, number]; value: number }[] } };
type Option = { xAxis: { data: string[] }; yAxis: { name: string; max?: (v: { max: number }) => number }[]; series: Series[]; dataZoom: { start: number }[] };
const build = (e: SignalEvidence) => evidenceOption(e, LABELS) as unknown as Option;

/** A daily series of `n` days from 2025-03-01 ending on the alarm day. */
function evidence(over: Partial<SignalEvidence> & { counts?: number[] } = {}): SignalEvidence {
  const counts = over.counts ?? [0, 1, 0, 2, 1, 0, 1, 3, 0, 9];
  const last = new Date(Date.parse('2025-03-01T00:00:00Z') + (counts.length - 1) * 86_400_000).toISOString().slice(0, 10);
  return { method: 'ears-c2', parameters: {}, frequency: 365, observed: counts[counts.length - 1], threshold: 4.37, casesFrom: last, casesTo: last, ...over, series: { start: '2025-03-01', interval: 'day', counts, ...over.series } };
}

/** Indices of the bars drawn as compared-period bars (objects with their own colour). */
const highlighted = (s: Series) => s.data.flatMap((d, i) => (typeof d === 'object' ? [i] : []));
const values = (s: Series) => s.data.map((d) => (typeof d === 'object' ? (d as { value: number }).value : d));

describe('evidenceOption', () => {
  it('draws one bar per stored period on consecutive days, values unchanged', () => {
    const e = evidence();
    const o = build(e);
    expect(o.xAxis.data).toEqual(['2025-03-01', '2025-03-02', '2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07', '2025-03-08', '2025-03-09', '2025-03-10']);
    expect(o.series[0].type).toBe('bar');
    expect(values(o.series[0])).toEqual(e.series.counts);
  });

  it('a one-period bound (EARS): dashed line at exactly the threshold, only the alarm day highlighted and pinned', () => {
    const e = evidence({ threshold: 4.37 });
    expect(thresholdKind(e)).toBe('bound');
    const o = build(e);
    expect(o.series[0].markLine!.data).toEqual([{ yAxis: 4.37 }]);
    expect(highlighted(o.series[0])).toEqual([9]);
    expect(o.series[0].markPoint!.data).toEqual([{ name: 'alarm', coord: ['2025-03-10', 9], value: 9 }]);
    expect(o.series[0].markArea!.data).toEqual([[{ xAxis: '2025-03-10' }, { xAxis: '2025-03-10' }]]);
    expect(o.series).toHaveLength(1);
    expect(o.yAxis).toHaveLength(1);
    // The count axis reaches the threshold even when every bar is lower.
    expect(o.yAxis[0].max!({ max: 2 })).toBe(5);
    expect(o.yAxis[0].max!({ max: 12 })).toBe(12);
  });

  it('a window total (MPM, 7 days): the compared week highlighted, the bound a point on a second axis at the alarm day', () => {
    const e = evidence({ method: 'mpm', threshold: 6.666, observed: 14, casesFrom: '2025-03-04', casesTo: '2025-03-10' });
    expect(thresholdKind(e)).toBe('window');
    const o = build(e);
    expect(highlighted(o.series[0])).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(o.series[0].markArea!.data).toEqual([[{ xAxis: '2025-03-04' }, { xAxis: '2025-03-10' }]]);
    expect(o.series[0].markLine).toBeUndefined();
    expect(o.series[0].markPoint!.data[0]).toMatchObject({ coord: ['2025-03-10', 9], value: 14 });
    expect(o.series[1]).toMatchObject({ name: 'window bound', type: 'scatter', yAxisIndex: 1, data: [['2025-03-10', 6.67]] });
    expect(o.yAxis.map((a) => a.name)).toEqual(['cases', 'window bound']);
  });

  it('a statistic (GLR, weekly): weekly periods, the statistic on its own axis, no count line', () => {
    const counts = [3, 4, 2, 5, 11];
    const e = evidence({ method: 'glrnb', threshold: 5, observed: 11, casesFrom: '2025-03-29', casesTo: '2025-03-29', counts, series: { start: '2025-03-01', interval: 'week', counts } });
    expect(thresholdKind(e)).toBe('statistic');
    const o = build(e);
    expect(o.xAxis.data).toEqual(['2025-03-01', '2025-03-08', '2025-03-15', '2025-03-22', '2025-03-29']);
    expect(highlighted(o.series[0])).toEqual([4]);
    expect(o.series[0].markLine).toBeUndefined();
    expect(o.series[1]).toMatchObject({ name: 'statistic', yAxisIndex: 1, data: [['2025-03-29', 5]] });
  });

  it('no threshold: neither a line nor a point', () => {
    const o = build(evidence({ threshold: null }));
    expect(o.series).toHaveLength(1);
    expect(o.series[0].markLine).toBeUndefined();
  });

  it('opens a long daily series zoomed on its last 120 days', () => {
    const counts = Array.from({ length: 365 }, (_, i) => i % 3);
    const o = build(evidence({ counts }));
    expect(o.dataZoom.map((z) => z.start)).toEqual([67, 67]);
    expect(build(evidence()).dataZoom[0].start).toBe(0);
  });
});
