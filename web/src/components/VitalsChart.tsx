/** BP (mmHg, left axis, with the 140/90 targets) and fasting glucose (mmol/L, right axis) over time. */
import { useMemo } from 'react';
import type { VitalPoint } from '../api/patients';
import { useI18n } from '../i18n';
import { Chart, type ChartOption } from './Chart';
import { vitalsChartOption } from './chart-options';

export function VitalsChart({ points }: { points: VitalPoint[] }) {
  const { t } = useI18n();
  const option = useMemo<ChartOption>(() => vitalsChartOption(points, { sbp: t('patient.sbp'), dbp: t('patient.dbp'), glucose: t('patient.glucose') }), [points, t]);
  return <Chart option={option} label={t('patient.vitals')} testId="vitals-chart" height={300} />;
}
