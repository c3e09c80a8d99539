/**
 * The data steward's workspace (issue 9): the MPI review queue — possible matches the matcher could
 * neither link nor rule out (docs/mpi.md), strongest first, paged; status and page kept in the URL.
 * A pair opens on its own page (PairPage) with the two records side by side.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { listReviews, patientsById, QUEUE_PAGE, REVIEW_STATUSES, type ReviewItem, type ReviewStatus } from '../../api/mpi';
import { displayName } from '../../api/fhir-codes';
import { Pager } from '../../components/Pager';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';
import { FlagList, percentOf, ReasonText } from './parts';

function readQuery(params: URLSearchParams): { status: ReviewStatus; page: number } {
  const s = params.get('status');
  const status = (REVIEW_STATUSES as readonly string[]).includes(s ?? '') ? (s as ReviewStatus) : 'open';
  const page = Math.max(0, Number.parseInt(params.get('page') ?? '0', 10) || 0);
  return { status, page };
}

function Rows({ items }: { items: ReviewItem[] }) {
  const { t, n } = useI18n();
  const names = useQuery({ queryKey: ['mpi', 'names', items.map((i) => i.id)], queryFn: () => patientsById(items.flatMap((i) => [i.patientA, i.patientB])) });
  const who = (id: string) => {
    const p = names.data?.get(id);
    if (!p) return <span className="muted">{names.isPending ? '…' : t('mpi.recordUnavailable')}</span>;
    return (
      <>
        {displayName(p.name) || t('mpi.noName')} <span className="muted small">{[p.gender ? t(`mpi.gender.${p.gender}` as MessageKey) : '', p.birthDate ?? ''].filter(Boolean).join(' · ')}</span>
      </>
    );
  };
  return (
    <div className="table-wrap">
      <table className="table" data-testid="mpi-queue">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('mpi.recordA')}</th>
            <th scope="col">{t('mpi.recordB')}</th>
            <th scope="col" className="num">
              {t('mpi.probability')}
            </th>
            <th scope="col" className="num">
              {t('mpi.weight')}
            </th>
            <th scope="col">{t('mpi.reason')}</th>
            <th scope="col">{t('mpi.flags')}</th>
            <th scope="col">{t('mpi.decided')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.id} data-testid="mpi-pair-row" data-review={i.id} data-status={i.status}>
              <td>
                <Link to={`/mpi/pairs/${i.id}`} data-testid="mpi-pair-link">
                  {t('mpi.open', { id: i.id })}
                </Link>
              </td>
              <td>{who(i.patientA)}</td>
              <td>{who(i.patientB)}</td>
              <td className="num">{percentOf(n, i.probability)}</td>
              <td className="num">{n(i.weight, { maximumFractionDigits: 1 })}</td>
              <td>
                <ReasonText reason={i.reason} />
              </td>
              <td>
                <FlagList flags={[i.flagsA, i.flagsB].filter(Boolean).join(',')} />
              </td>
              <td className="small">{i.decidedBy ? `${i.decidedBy} · ${i.decidedAt?.slice(0, 16).replace('T', ' ')}` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MpiQueuePage() {
  const { t, n } = useI18n();
  const [params, setParams] = useSearchParams();
  const { status, page } = readQuery(params);
  const list = useQuery({ queryKey: ['mpi', 'reviews', status, page], queryFn: () => listReviews({ status, page }), placeholderData: keepPreviousData });
  const go = (next: { status: ReviewStatus; page: number }) => setParams(next.status === 'open' && next.page === 0 ? {} : { status: next.status, page: String(next.page) });
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / QUEUE_PAGE)) : 1;

  let body;
  if (list.isPending) body = <Loading inline />;
  else if (list.error) body = <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  else if (list.data.items.length === 0) body = <Empty text={t(status === 'open' ? 'mpi.queue.empty' : 'mpi.queue.noneDecided')} />;
  else
    body = (
      <>
        <Rows items={list.data.items} />
        <Pager total={t('mpi.queue.total', { total: n(list.data.total) })} page={page} pages={pages} onPage={(next) => go({ status, page: next })} testId="mpi" />
      </>
    );

  return (
    <div className="page" data-testid="mpi-page">
      <div className="page-head">
        <div>
          <h1>{t('mpi.title')}</h1>
          <p className="muted">{t('mpi.intro')}</p>
        </div>
      </div>
      <section className="panel" aria-labelledby="mpi-queue-h">
        <div className="panel-head">
          <h2 id="mpi-queue-h">{t('mpi.queue')}</h2>
          <label>
            {t('mpi.status')}{' '}
            <select value={status} onChange={(e) => go({ status: e.target.value as ReviewStatus, page: 0 })} data-testid="mpi-status">
              {REVIEW_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`mpi.status.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {body}
      </section>
    </div>
  );
}
