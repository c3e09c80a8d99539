/**
 * ECharts options of the cockpit trend and the patient's vitals (pure, no DOM, no echarts import), so
 * the mapping from API data to series is unit-tested (chart-options.test.ts).
 */
import type { TrendPoint } from '../api/indicators';
import type { VitalPoint } from '../api/patients';
import type { ChartOption } from './Chart';

/**
 * BP control targets drawn on the vitals chart: < 140/90 mmHg (2018 Chinese Guidelines for the
 * Management of Hypertension; the same bound as the cockpit's BP control rate, Simple.org).
 */
export const BP_TARGET = { systolic: 140, diastolic: 90 } as const;

/** Encounters per month as bars (left axis), infectious-disease visits as a line (right axis). */
export function trendChartOption(points: readonly TrendPoint[] | undefined, labels: { encounters: string; cases: string }): ChartOption {
  const rows = points ?? [];
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 48, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: rows.map((p) => p.month) },
    yAxis: [{ type: 'value', name: labels.encounters }, { type: 'value', name: labels.cases, splitLine: { show: false } }],
    series: [
      { name: labels.encounters, type: 'bar', data: rows.map((p) => p.encounters), itemStyle: { color: '#3a9aa8' } },
      { name: labels.cases, type: 'line', yAxisIndex: 1, data: rows.map((p) => p.cases), itemStyle: { color: '#d9534f' } },
    ],
  };
}

/**
 * Systolic and diastolic BP (mmHg, left axis, dashed lines at the targets) and fasting glucose
 * (mmol/L, right axis) as `[when, value]` pairs on a time axis. Each series takes only the points that
 * carry its value, so a BP panel without a diastolic component leaves no hole in the systolic line.
 */
export function vitalsChartOption(points: readonly VitalPoint[], labels: { sbp: string; dbp: string; glucose: string }): ChartOption {
  const pairs = (key: 'sbp' | 'dbp' | 'glucose') => points.flatMap((p) => (p[key] === undefined ? [] : [[p.when, p[key]] as [string, number]]));
  const target = (value: number) => ({ silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#999' }, data: [{ yAxis: value }] });
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 56, top: 36, bottom: 56 },
    dataZoom: [{ type: 'slider', height: 18, bottom: 8 }],
    xAxis: { type: 'time' },
    yAxis: [
      { type: 'value', name: 'mmHg', min: 40, max: 220 },
      { type: 'value', name: 'mmol/L', min: 0, max: 25, splitLine: { show: false } },
    ],
    series: [
      { name: labels.sbp, type: 'line', data: pairs('sbp'), itemStyle: { color: '#c0392b' }, markLine: target(BP_TARGET.systolic) },
      { name: labels.dbp, type: 'line', data: pairs('dbp'), itemStyle: { color: '#2e86c1' }, markLine: target(BP_TARGET.diastolic) },
      { name: labels.glucose, type: 'line', yAxisIndex: 1, data: pairs('glucose'), itemStyle: { color: '#8e44ad' }, lineStyle: { type: 'dotted' } },
    ],
  };
}
