/**
 * ECharts option of a centre's pathway dashboard (pure: no DOM, no echarts import; unit-tested in
 * pathway-chart.test.ts): per month, the treated patients as bars (volume), the median
 * door-to-needle / door-to-balloon time as a line with the target as a dashed line (DNT ≤ 60 min,
 * 2019 AHA/ASA; D2B ≤ 90 min, 2013 ACCF/AHA — the server's PATHWAY_RULES), and the share treated
 * within target as a line on a percent axis.
 */
import type { ChartOption } from '../../components/Chart';
import type { PathwayMonth } from '../../api/centres';

export interface PathwayLabels {
  volume: string;
  median: string;
  share: string;
  target: string;
  minutes: string;
}

/** Months from `from` to `to` (YYYY-MM, inclusive), so a month without events shows as a gap, not a missing category. */
export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.slice(0, 7).split('-').map(Number);
  const [ty, tm] = to.slice(0, 7).split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
    if (out.length > 240) break;
  }
  return out;
}

/** The chart of `months` over [from, to] against `targetMinutes`. */
export function pathwayChartOption(months: readonly PathwayMonth[], range: { from: string; to: string }, targetMinutes: number, labels: PathwayLabels): ChartOption {
  const axis = monthRange(range.from, range.to);
  const byMonth = new Map(months.map((m) => [m.month, m]));
  const at = (month: string) => byMonth.get(month);
  const topMinutes = Math.max(targetMinutes * 1.5, ...months.map((m) => m.medianMinutes ?? 0));
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 52, right: 96, top: 40, bottom: 28 },
    xAxis: { type: 'category', data: axis },
    yAxis: [
      { type: 'value', name: labels.minutes, min: 0, max: Math.ceil(topMinutes / 10) * 10 },
      { type: 'value', name: labels.volume, minInterval: 1, splitLine: { show: false } },
      { type: 'value', name: '%', min: 0, max: 100, offset: 48, splitLine: { show: false } },
    ],
    series: [
      { name: labels.volume, type: 'bar', yAxisIndex: 1, data: axis.map((m) => at(m)?.events ?? 0), itemStyle: { color: '#9ccfd6' } },
      {
        name: labels.median,
        type: 'line',
        yAxisIndex: 0,
        connectNulls: false,
        data: axis.map((m) => at(m)?.medianMinutes ?? null),
        itemStyle: { color: '#c0392b' },
        markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#555' }, label: { formatter: labels.target }, data: [{ yAxis: targetMinutes }] },
      },
      {
        name: labels.share,
        type: 'line',
        yAxisIndex: 2,
        connectNulls: false,
        data: axis.map((m) => {
          const s = at(m)?.shareWithinTarget;
          return s === null || s === undefined ? null : Math.round(s * 1000) / 10;
        }),
        itemStyle: { color: '#1e7b34' },
        lineStyle: { type: 'dotted' },
      },
    ],
  };
}
