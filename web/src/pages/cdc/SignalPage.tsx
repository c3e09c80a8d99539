/**
 * One signal (`/cdc/signals/:id`): what was detected where (disease, area, method, period, observed
 * against threshold), the evidence chart, the workflow with its history, and the case line list.
 */
import { useQuery } from '@tanstack/react-query';
import { Link, useLocation, useParams } from 'react-router';
import { api } from '../../api/client';
import { ApiError } from '../../api/errors';
import { pathTo } from '../../api/org-units';
import { useAuth } from '../../components/AuthProvider';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';
import { CaseLineList } from './CaseLineList';
import { EvidenceChart } from './EvidenceChart';
import { dateTime, diseaseName, methodLabel } from './format';
import { placeName, useDiseases, useDistrict } from './hooks';
import { SignalWorkflow } from './SignalWorkflow';
import { StatusBadge } from './StatusBadge';

/** A detector parameter as text: numbers rounded, objects as compact JSON. */
function paramText(v: unknown): string {
  if (typeof v === 'number') return String(Math.round(v * 1000) / 1000);
  if (v !== null && typeof v === 'object') {
    const json = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' ? Math.round(x * 1000) / 1000 : x));
    return json.length > 60 ? `${json.slice(0, 57)}…` : json;
  }
  return String(v);
}

export function SignalPage() {
  const { t, n, locale } = useI18n();
  const { id = '' } = useParams();
  const location = useLocation();
  const { roles } = useAuth();
  const diseases = useDiseases();
  const district = useDistrict();
  const signal = useQuery({ queryKey: ['cdc', 'signal', id], queryFn: () => api.signal(id) });
  // The list's filters come along in the query string: the way back keeps them.
  const back = `/cdc${location.search}`;
  const crumbs = (
    <nav aria-label="breadcrumb" className="breadcrumb">
      <Link to={back} data-testid="back-to-list">
        {t('cdc.title')}
      </Link>{' '}
      › <span aria-current="page">{t('cdc.signal')}</span>
    </nav>
  );

  if (signal.isPending) return <Loading />;
  if (signal.error)
    return (
      <div className="page">
        {crumbs}
        {signal.error instanceof ApiError && signal.error.status === 404 ? <Empty text={t('cdc.signal.notFound')} /> : <ErrorBox error={signal.error} onRetry={() => void signal.refetch()} />}
      </div>
    );

  const s = signal.data;
  const unit = district.data?.units.get(s.orgUnit);
  const where = unit && district.data ? pathTo(district.data, unit).map((u) => u.name).join(' › ') : s.orgUnit;
  // The server decides (a CDC grant covering the org unit); without login every action is offered.
  const mayAct = roles === null || roles.includes('cdc-epidemiologist');
  return (
    <div className="page cdc-signal" data-testid="signal">
      {crumbs}
      <div className="page-head">
        <h1>
          {diseaseName(diseases.data?.get(s.disease), s.disease, locale)} · {placeName(district.data, s.orgUnit)} <StatusBadge status={s.status} />
        </h1>
      </div>
      <section className="panel" aria-label={t('cdc.signal.facts')}>
        <dl className="facts">
          <div>
            <dt>{t('cdc.col.place')}</dt>
            <dd>
              {where} <span className="muted small">({t(`cockpit.level.${s.level}` as MessageKey)} {s.orgUnit})</span>
            </dd>
          </div>
          <div>
            <dt>{t('cdc.col.period')}</dt>
            <dd>{s.periodStart === s.periodEnd ? s.periodEnd : `${s.periodStart} – ${s.periodEnd}`}</dd>
          </div>
          <div>
            <dt>{t('cdc.col.observed')}</dt>
            <dd data-testid="signal-observed">
              <strong>{n(s.observed)}</strong>
              {s.evidence && s.evidence.casesFrom !== s.evidence.casesTo ? <span className="muted small"> ({s.evidence.casesFrom} – {s.evidence.casesTo})</span> : null}
            </dd>
          </div>
          {s.evidence?.areas && (
            <div data-testid="signal-cluster">
              <dt>{t('cdc.signal.cluster')}</dt>
              <dd>
                {s.evidence.areas.map((u) => placeName(district.data, u)).join('、')}{' '}
                <span className="muted small">
                  {t('cdc.signal.clusterHint', { units: n(s.evidence.areas.length), expected: n(s.evidence.expected ?? NaN, { maximumFractionDigits: 1 }), p: String(s.evidence.pValue ?? '—') })}
                </span>
              </dd>
            </div>
          )}
          <div>
            <dt>{t('cdc.col.threshold')}</dt>
            <dd>{s.threshold === null ? '—' : n(s.threshold, { maximumFractionDigits: 2 })}</dd>
          </div>
          <div>
            <dt>{t('cdc.col.method')}</dt>
            <dd>
              {methodLabel(t, s.method)}
              {s.evidence?.parameters && Object.keys(s.evidence.parameters).length > 0 && (
                <span className="muted small mono">
                  {' '}
                  {Object.entries(s.evidence.parameters)
                    .map(([k, v]) => `${k}=${paramText(v)}`)
                    .join(' ')}
                </span>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('cdc.col.runDate')}</dt>
            <dd>{s.runDate}</dd>
          </div>
          <div>
            <dt>{t('cdc.col.created')}</dt>
            <dd>{dateTime(s.createdAt, locale)}</dd>
          </div>
          <div>
            <dt>{t('cdc.col.updated')}</dt>
            <dd>{dateTime(s.updatedAt, locale)}</dd>
          </div>
        </dl>
      </section>
      <div className="cdc-detail">
        <section className="panel" aria-labelledby="evidence-h">
          <h2 id="evidence-h">{t('cdc.evidence')}</h2>
          {s.evidence ? <EvidenceChart evidence={s.evidence} periodEnd={s.periodEnd} /> : <Empty text={t('cdc.evidence.none')} />}
        </section>
        <SignalWorkflow signal={s} mayAct={mayAct} />
      </div>
      <CaseLineList signalId={s.id} district={district.data} />
    </div>
  );
}
