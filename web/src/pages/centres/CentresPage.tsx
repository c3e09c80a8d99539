/**
 * Specialised-disease centres (`/centres`; issue 10, docs/care.md): the configured centres with their
 * facility, enrolment criteria, pathway target and the patients each manages in the user's area at
 * the end of the window (GET /api/centres and GET /api/indicators/centres). A centre opens its
 * registry and pathway dashboard (CentrePage).
 */
import { Link } from 'react-router';
import { ApiError } from '../../api/errors';
import { ErrorBox, Loading } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';
import { useCentreDashboard, useCentres, useCentreWindow } from './hooks';

export function CentresPage() {
  const { t, n, locale } = useI18n();
  const centres = useCentres();
  const { window, pending, error } = useCentreWindow();
  const dashboard = useCentreDashboard(window);
  const managed = new Map((dashboard.data?.centres ?? []).map((c) => [c.code, c.patientsManaged]));
  const forbidden = dashboard.error instanceof ApiError && dashboard.error.status === 403;

  return (
    <div className="page" data-testid="centres-page">
      <div className="page-head">
        <div>
          <h1>{t('centres.title')}</h1>
          <p className="muted">{t('centres.intro')}</p>
        </div>
      </div>
      {(centres.error || error) && <ErrorBox error={centres.error ?? error} onRetry={() => void centres.refetch()} />}
      {dashboard.data && window && (
        <p data-testid="centres-managed-total">
          {t('centres.managedTotal', { n: n(dashboard.data.patientsManaged), unit: window.unitName, date: window.to })}
        </p>
      )}
      {forbidden && <p className="muted">{t('centres.noAggregates')}</p>}
      <section className="panel">
        {centres.isPending || pending ? (
          <Loading inline />
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="centres-table">
              <thead>
                <tr>
                  <th scope="col">{t('centres.col.centre')}</th>
                  <th scope="col">{t('centres.col.facility')}</th>
                  <th scope="col">{t('centres.col.criteria')}</th>
                  <th scope="col">{t('centres.col.pathway')}</th>
                  <th scope="col" className="num">
                    {t('centres.col.managed')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {(centres.data ?? []).map((c) => (
                  <tr key={c.code} data-testid="centre-row" data-centre={c.code}>
                    <td>
                      <Link to={`/centres/${c.code}`} data-testid="centre-link">
                        {locale === 'zh-CN' && c.nameZh ? c.nameZh : c.name}
                      </Link>
                    </td>
                    <td>{c.facility?.name ?? '—'}</td>
                    <td className="small mono">ICD-10 {c.criteria.join(', ')}</td>
                    <td className="small">{c.pathway ? t(`centres.pathway.${c.pathway.kind}` as MessageKey, { min: c.pathway.targetMinutes }) : '—'}</td>
                    <td className="num" data-testid="centre-managed">
                      {dashboard.isPending ? '…' : managed.has(c.code) ? n(managed.get(c.code) ?? 0) : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
