/** BP (mmHg, left axis, with the 140/90 targets) and fasting glucose (mmol/L, right axis) over time. */
import { useMemo } from 'react';
import type { VitalPoint } from '../api/patients';
import { useI18n } from '../i18n';
import { Chart, type ChartOption } from './Chart';

export function VitalsChart({ points }: { points: VitalPoint[] }) {
  const { t } = useI18n();
  const option = useMemo<ChartOption>(() => {
    const bp = points.filter((p) => p.sbp !== undefined);
    const glucose = points.filter((p) => p.glucose !== undefined);
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
        { name: t('patient.sbp'), type: 'line', data: bp.map((p) => [p.when, p.sbp]), itemStyle: { color: '#c0392b' }, markLine: target(140) },
        { name: t('patient.dbp'), type: 'line', data: bp.map((p) => [p.when, p.dbp]), itemStyle: { color: '#2e86c1' }, markLine: target(90) },
        { name: t('patient.glucose'), type: 'line', yAxisIndex: 1, data: glucose.map((p) => [p.when, p.glucose]), itemStyle: { color: '#8e44ad' }, lineStyle: { type: 'dotted' } },
      ],
    };
  }, [points, t]);
  return <Chart option={option} label={t('patient.vitals')} testId="vitals-chart" height={300} />;
}
