/** A signal's evidence chart (ECharts) with a text summary for screen readers and a data table. */
import { ScatterChart } from 'echarts/charts';
import { MarkAreaComponent, MarkPointComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { useMemo } from 'react';
import type { SignalEvidence } from '../../api/surveillance';
import { Chart } from '../../components/Chart';
import { useI18n } from '../../i18n';
import { evidenceOption, thresholdKind } from './evidence-chart';

// Chart.tsx registers bars, lines, axes, tooltip, legend, mark lines and zoom; the evidence adds these.
echarts.use([ScatterChart, MarkAreaComponent, MarkPointComponent]);

export function EvidenceChart({ evidence, periodEnd }: { evidence: SignalEvidence; periodEnd: string }) {
  const { t, n } = useI18n();
  const kind = thresholdKind(evidence);
  const option = useMemo(
    () =>
      evidenceOption(evidence, {
        counts: t(evidence.series.interval === 'week' ? 'cdc.chart.casesWeek' : 'cdc.chart.casesDay'),
        threshold: t('cdc.chart.threshold'),
        statistic: t('cdc.chart.statistic'),
        windowBound: t('cdc.chart.windowBound'),
        compared: t('cdc.chart.compared'),
        alarm: t('cdc.chart.alarm'),
      }),
    [evidence, t],
  );
  const summary = t('cdc.chart.summary', {
    observed: n(evidence.observed),
    from: evidence.casesFrom,
    to: evidence.casesTo,
    threshold: evidence.threshold === null ? '—' : n(evidence.threshold, { maximumFractionDigits: 2 }),
    day: periodEnd,
  });
  return (
    <figure className="evidence">
      <Chart option={option} height={320} label={`${t('cdc.evidence')}: ${summary}`} testId="evidence-chart" />
      <figcaption className="muted small" data-testid="evidence-summary">
        {summary} {kind !== 'none' && t(`cdc.chart.kind.${kind}`)}
      </figcaption>
    </figure>
  );
}
