/**
 * One specialised-disease centre (`/centres/:code`): the pathway dashboard — patients managed, new
 * enrolments, and for the stroke and chest-pain centres the monthly door-to-needle / door-to-balloon
 * times (volume, median, share within target) as a chart and a table — and the registry (enrolled
 * patients the user may read: name, village, enrolment date, qualifying diagnosis), 25 a page.
 * Aggregates come from GET /api/indicators/centres (the bureau sees them too); the registry from
 * GET /api/centres/{code}/enrolments under the user's scope (every row audited by the server).
 */
import type { Condition } from '@medplum/fhirtypes';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { centreRegistry, type CentreDashboardRow, type RegistryRow } from '../../api/centres';
import { patientsById } from '../../api/chronic';
import { api } from '../../api/client';
import { ApiError } from '../../api/errors';
import { displayName, ICD10_SYSTEM } from '../../api/fhir-codes';
import { Chart } from '../../components/Chart';
import { Pager } from '../../components/Pager';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';
import { placeName, useDistrict } from '../cdc/hooks';
import { useCentreDashboard, useCentres, useCentreWindow } from './hooks';
import { pathwayChartOption } from './pathway-chart';

export const REGISTRY_PAGE = 25;

async function conditionsById(ids: readonly string[]): Promise<Map<string, Condition>> {
  if (ids.length === 0) return new Map();
  const r = await api.search<Condition>('Condition', { _id: [...new Set(ids)].join(','), _count: 100 });
  return new Map(r.resources.map((c) => [c.id as string, c]));
}

function Pathway({ row, range }: { row: CentreDashboardRow; range: { from: string; to: string } }) {
  const { t, n } = useI18n();
  const p = row.pathway;
  const option = useMemo(
    () =>
      p &&
      pathwayChartOption(p.months, range, p.targetMinutes, {
        volume: t('centres.chart.volume'),
        median: t(`centres.chart.median.${p.kind}` as MessageKey),
        share: t('centres.chart.share', { min: p.targetMinutes }),
        target: t('centres.chart.target', { min: p.targetMinutes }),
        minutes: t('centres.chart.minutes'),
      }),
    [p, range, t],
  );
  if (!p || !option) return <p className="muted">{t('centres.noPathway')}</p>;
  const pct = (s: number | null) => (s === null ? '—' : `${n(Math.round(s * 1000) / 10)} %`);
  return (
    <>
      <p className="small muted">
        {t(`centres.pathway.${p.kind}` as MessageKey, { min: p.targetMinutes })} · {p.source}
      </p>
      <Chart option={option} label={t('centres.chart.label', { centre: row.name })} testId="pathway-chart" />
      {p.months.length === 0 ? (
        <Empty text={t('centres.noEvents')} />
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="pathway-table">
            <thead>
              <tr>
                <th scope="col">{t('centres.col.month')}</th>
                <th scope="col" className="num">{t('centres.chart.volume')}</th>
                <th scope="col" className="num">{t('centres.col.measured')}</th>
                <th scope="col" className="num">{t(`centres.chart.median.${p.kind}` as MessageKey)}</th>
                <th scope="col" className="num">{t('centres.chart.share', { min: p.targetMinutes })}</th>
                <th scope="col" className="num">{t('centres.col.missing')}</th>
              </tr>
            </thead>
            <tbody>
              {p.months.map((m) => (
                <tr key={m.month} data-testid="pathway-month" data-month={m.month}>
                  <td>{m.month}</td>
                  <td className="num">{n(m.events)}</td>
                  <td className="num">{n(m.measured)}</td>
                  <td className="num">{m.medianMinutes === null ? '—' : n(m.medianMinutes)}</td>
                  <td className="num">{pct(m.shareWithinTarget)}</td>
                  <td className="num">{n(m.missingArrival + m.invalid)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function Registry({ code }: { code: string }) {
  const { t, n } = useI18n();
  const district = useDistrict();
  const [page, setPage] = useState(0);
  const list = useQuery({ queryKey: ['centres', 'registry', code, page], queryFn: () => centreRegistry(code, { _count: REGISTRY_PAGE, _offset: page * REGISTRY_PAGE }), placeholderData: keepPreviousData });
  const rows: RegistryRow[] = list.data?.rows ?? [];
  const names = useQuery({ queryKey: ['centres', 'names', rows.map((r) => r.patient)], queryFn: () => patientsById(rows.map((r) => r.patient)), enabled: rows.length > 0 });
  const conditions = useQuery({ queryKey: ['centres', 'conditions', rows.map((r) => r.condition)], queryFn: () => conditionsById(rows.flatMap((r) => (r.condition ? [r.condition] : []))), enabled: rows.length > 0 });
  if (list.isPending) return <Loading inline />;
  if (list.error) {
    if (list.error instanceof ApiError && list.error.status === 403) return <p className="muted" data-testid="registry-forbidden">{t('centres.registryForbidden')}</p>;
    return <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  }
  if (list.data.total === 0) return <Empty text={t('centres.registryEmpty')} />;
  const code10 = (id: string | null) => {
    const c = id ? conditions.data?.get(id) : undefined;
    const coding = c?.code?.coding?.find((x) => x.system === ICD10_SYSTEM) ?? c?.code?.coding?.[0];
    return coding ? `${coding.code ?? ''} ${coding.display ?? ''}`.trim() : '—';
  };
  return (
    <>
      <div className="table-wrap">
        <table className="table" data-testid="registry-table">
          <thead>
            <tr>
              <th scope="col">{t('ref.col.patient')}</th>
              <th scope="col">{t('centres.col.village')}</th>
              <th scope="col">{t('centres.col.enrolled')}</th>
              <th scope="col">{t('centres.col.criteriaMet')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const p = names.data?.get(r.patient);
              return (
                <tr key={r.episode} data-testid="registry-row">
                  <td>
                    <Link to={`/patients/${r.patient}`}>{p ? displayName(p.name) || r.patient : r.patient}</Link>
                  </td>
                  <td>{r.orgUnit ? placeName(district.data, r.orgUnit) : '—'}</td>
                  <td className="nowrap">{r.enrolled.slice(0, 10)}</td>
                  <td className="small">{code10(r.condition)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Pager total={t('centres.registryTotal', { n: n(list.data.total) })} page={page} pages={Math.max(1, Math.ceil(list.data.total / REGISTRY_PAGE))} onPage={setPage} testId="registry" />
    </>
  );
}

export function CentrePage() {
  const { t, n, locale } = useI18n();
  const { code = '' } = useParams();
  const centres = useCentres();
  const { window, error } = useCentreWindow();
  const dashboard = useCentreDashboard(window);
  const def = centres.data?.find((c) => c.code === code);
  const row = dashboard.data?.centres.find((c) => c.code === code);
  const range = useMemo(() => (window ? { from: window.from, to: window.to } : undefined), [window]);
  const newInWindow = row?.newEnrolments.reduce((s, m) => s + m.count, 0);
  return (
    <div className="page" data-testid="centre-page">
      <p>
        <Link to="/centres">← {t('centres.title')}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{def ? (locale === 'zh-CN' && def.nameZh ? def.nameZh : def.name) : code}</h1>
          {def && (
            <p className="muted small">
              {def.facility?.name ?? '—'} · ICD-10 {def.criteria.join(', ')} · {def.source}
            </p>
          )}
        </div>
      </div>
      {centres.error && <ErrorBox error={centres.error} />}
      {centres.data && !def && <ErrorBox error={new Error(t('centres.unknown', { code }))} />}
      <section className="panel" aria-labelledby="centre-dash-h" data-testid="centre-dashboard">
        <h2 id="centre-dash-h">{t('centres.dashboard')}</h2>
        {error ? (
          <ErrorBox error={error} />
        ) : dashboard.error ? (
          <ErrorBox error={dashboard.error} onRetry={() => void dashboard.refetch()} />
        ) : !row || !range || !window ? (
          <Loading inline />
        ) : (
          <>
            <div className="stats">
              <div className="stat">
                <div className="muted small">{t('centres.col.managed')}</div>
                <p className="stat-value" data-testid="centre-managed-count">
                  {n(row.patientsManaged)}
                </p>
                <div className="muted small">{t('centres.asOf', { unit: window.unitName, date: window.to })}</div>
              </div>
              <div className="stat">
                <div className="muted small">{t('centres.newEnrolments')}</div>
                <p className="stat-value" data-testid="centre-new-count">
                  {n(newInWindow ?? 0)}
                </p>
                <div className="muted small">
                  {window.from} – {window.to}
                </div>
              </div>
            </div>
            <Pathway row={row} range={range} />
          </>
        )}
      </section>
      <section className="panel" aria-labelledby="centre-reg-h">
        <h2 id="centre-reg-h">{t('centres.registry')}</h2>
        {def && <Registry code={code} />}
      </section>
    </div>
  );
}
