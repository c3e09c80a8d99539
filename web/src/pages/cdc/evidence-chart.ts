/**
 * ECharts option of a signal's evidence (pure, no DOM): the stored count series as bars, the compared
 * period shaded, the alarm day pinned, and the method's threshold — as a line on the count axis when it
 * is an upper bound for one period (EARS, EWMA, regression, Farrington, the fixed threshold), else as a
 * point on a second axis at the alarm day (the GLR / CUSUM statistic; MPM's bound of the 7-day window
 * total). What `threshold` means per method: docs/surveillance.md "Evidence stored with every signal".
 */
import type { SignalEvidence } from '../../api/surveillance';
import type { ChartOption } from '../../components/Chart';
import { seriesDays } from './format';

/** Methods whose `threshold` is a test statistic, not a count (R surveillance glrnb, cusum). */
const STATISTIC_METHODS = new Set(['glrnb', 'cusum']);

export type ThresholdKind = 'bound' | 'window' | 'statistic' | 'none';

export interface EvidenceLabels {
  counts: string;
  threshold: string;
  statistic: string;
  windowBound: string;
  compared: string;
  alarm: string;
}

/** How the threshold relates to the bars. */
export function thresholdKind(e: SignalEvidence): ThresholdKind {
  if (e.threshold === null || !Number.isFinite(e.threshold)) return 'none';
  if (STATISTIC_METHODS.has(e.method)) return 'statistic';
  const step = e.series.interval === 'week' ? 7 : 1;
  const span = (Date.parse(`${e.casesTo}T00:00:00Z`) - Date.parse(`${e.casesFrom}T00:00:00Z`)) / 86_400_000 + 1;
  return span > step ? 'window' : 'bound';
}

/** Index of the period of `day` in a series starting `start`. */
function indexOf(day: string, start: string, interval: 'day' | 'week', length: number): number {
  const i = Math.floor((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / ((interval === 'week' ? 7 : 1) * 86_400_000));
  return Math.max(0, Math.min(length - 1, i));
}

export function evidenceOption(e: SignalEvidence, labels: EvidenceLabels): ChartOption {
  const { counts, start, interval } = e.series;
  const days = seriesDays(start, counts.length, interval);
  const last = counts.length - 1;
  const from = indexOf(e.casesFrom, start, interval, counts.length);
  const to = indexOf(e.casesTo, start, interval, counts.length);
  const kind = thresholdKind(e);
  const threshold = e.threshold ?? 0;
  // Long series (glrnb keeps two years): open zoomed on the last ~120 periods, the rest a drag away.
  const visible = interval === 'week' ? 52 : 120;
  const zoomStart = counts.length > visible ? Math.round(((counts.length - visible) / counts.length) * 100) : 0;
  const secondAxis = kind === 'statistic' || kind === 'window';
  const series: Record<string, unknown>[] = [
    {
      name: labels.counts,
      type: 'bar',
      data: counts.map((c, i) => (i >= from && i <= to ? { value: c, itemStyle: { color: '#d9534f' } } : c)),
      itemStyle: { color: '#3a9aa8' },
      barMaxWidth: 18,
      markArea: { silent: true, itemStyle: { color: 'rgba(217, 83, 79, 0.12)' }, label: { show: true, position: 'insideTop', color: '#a33', formatter: labels.compared }, data: [[{ xAxis: days[from] }, { xAxis: days[to] }]] },
      markPoint: { symbol: 'pin', symbolSize: 44, itemStyle: { color: '#c0392b' }, label: { formatter: String(e.observed), color: '#fff' }, data: [{ name: labels.alarm, coord: [days[last], counts[last] ?? 0], value: e.observed }] },
      ...(kind === 'bound'
        ? { markLine: { symbol: 'none', silent: true, lineStyle: { color: '#e08e3c', type: 'dashed', width: 2 }, label: { formatter: `${labels.threshold} ${round(threshold)}`, position: 'insideEndTop' }, data: [{ yAxis: threshold }] } }
        : {}),
    },
  ];
  if (secondAxis) {
    series.push({
      name: kind === 'statistic' ? labels.statistic : labels.windowBound,
      type: 'scatter',
      yAxisIndex: 1,
      symbol: 'diamond',
      symbolSize: 14,
      itemStyle: { color: '#e08e3c' },
      label: { show: true, position: 'left', formatter: String(round(threshold)) },
      data: [[days[last], round(threshold)]],
    });
  }
  return {
    animationDuration: 300,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 44, right: secondAxis ? 56 : 24, top: 36, bottom: 64 },
    xAxis: { type: 'category', data: days },
    yAxis: [
      { type: 'value', name: labels.counts, minInterval: 1, max: (v: { max: number }) => Math.max(v.max, kind === 'bound' ? Math.ceil(threshold) : 0, 1) },
      ...(secondAxis ? [{ type: 'value', name: kind === 'statistic' ? labels.statistic : labels.windowBound, splitLine: { show: false } }] : []),
    ],
    dataZoom: [
      { type: 'inside', start: zoomStart, end: 100 },
      { type: 'slider', start: zoomStart, end: 100, height: 18, bottom: 8 },
    ],
    series,
  };
}

const round = (v: number): number => Math.round(v * 100) / 100;
