/**
 * Two-way referral workspace (issue 10; docs/care.md): the inbox (referrals addressed to the user's
 * facilities) and the outbox (sent from them), filtered by state, direction, overdue and facility
 * (all kept in the URL), 25 a page. A row opens the referral (ReferralPage). "New referral" opens
 * the form (NewReferralForm).
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { patientsById } from '../../api/chronic';
import { listReferrals, type ReferralBox, type ReferralView } from '../../api/referrals';
import { Pager } from '../../components/Pager';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';
import { dateTime } from '../cdc/format';
import { useDistrict } from '../cdc/hooks';
import { NewReferralForm } from './NewReferralForm';
import { asDirection, asState, REFERRAL_DIRECTIONS, REFERRAL_STATES } from './referral-actions';
import { PatientCell, SlaCell, StateBadge } from './parts';

export const REFERRAL_PAGE = 25;
const BOXES: readonly ReferralBox[] = ['inbox', 'outbox'];

function readQuery(p: URLSearchParams) {
  return {
    box: (p.get('box') === 'outbox' ? 'outbox' : 'inbox') as ReferralBox,
    status: asState(p.get('status')),
    direction: asDirection(p.get('direction')),
    overdue: p.get('overdue') === 'true',
    facility: p.get('facility') ?? undefined,
    page: Math.max(0, Number.parseInt(p.get('page') ?? '0', 10) || 0),
  };
}

function Rows({ rows, box }: { rows: ReferralView[]; box: ReferralBox }) {
  const { t, locale } = useI18n();
  const ids = rows.map((r) => r.patient);
  // Names of the patients the user may read (the receiver reads the record once it accepts).
  const names = useQuery({ queryKey: ['referrals', 'names', ids], queryFn: () => patientsById(ids), enabled: ids.length > 0, staleTime: 5 * 60_000 });
  return (
    <div className="table-wrap">
      <table className="table signal-table" data-testid="referral-table">
        <thead>
          <tr>
            <th scope="col">{t('ref.col.patient')}</th>
            <th scope="col">{box === 'inbox' ? t('ref.col.from') : t('ref.col.to')}</th>
            <th scope="col">{t('ref.col.direction')}</th>
            <th scope="col">{t('ref.col.priority')}</th>
            <th scope="col">{t('ref.col.state')}</th>
            <th scope="col">{t('ref.col.reason')}</th>
            <th scope="col">{t('ref.col.requested')}</th>
            <th scope="col">{t('ref.col.seen')}</th>
            <th scope="col">{t('ref.col.sla')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const other = box === 'inbox' ? r.requester : r.performer;
            return (
              <tr key={r.id} data-testid="referral-row" data-referral={r.id} data-status={r.status}>
                <td>
                  <Link to={`/referrals/${r.id}`} data-testid="referral-link">
                    <PatientCell id={r.patient} patient={names.data?.get(r.patient)} pending={names.isPending && ids.length > 0} />
                  </Link>
                </td>
                <td>{other.name ?? other.id}</td>
                <td>{t(`ref.direction.${r.direction}` as MessageKey)}</td>
                <td>{r.priority === 'urgent' ? <strong>{t('ref.priority.urgent')}</strong> : t('ref.priority.routine')}</td>
                <td>
                  <StateBadge state={r.status} />
                </td>
                <td className="small">{[r.reason.code, r.reason.text].filter(Boolean).join(' ') || '—'}</td>
                <td className="small nowrap">{dateTime(r.requestedAt, locale)}</td>
                <td className="small nowrap">{dateTime(r.seenAt, locale)}</td>
                <td className="small">
                  <SlaCell referral={r} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function ReferralsPage() {
  const { t, n } = useI18n();
  const [params, setParams] = useSearchParams();
  const q = readQuery(params);
  const district = useDistrict();
  const [creating, setCreating] = useState(params.get('new') === '1');
  const list = useQuery({
    queryKey: ['referrals', 'list', q],
    queryFn: () => listReferrals(q.box, { status: q.status, direction: q.direction, overdue: q.overdue, facility: q.facility, _count: REFERRAL_PAGE, _offset: q.page * REFERRAL_PAGE }),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) if (v === undefined || v === '') next.delete(k);
    else next.set(k, v);
    if (!('page' in changes)) next.delete('page');
    setParams(next);
  };
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / REFERRAL_PAGE)) : 1;

  let body;
  if (list.isPending) body = <Loading inline />;
  else if (list.error) body = <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  else if (list.data.rows.length === 0) body = <Empty text={t(`ref.empty.${q.box}` as MessageKey)} />;
  else
    body = (
      <>
        <Rows rows={list.data.rows} box={q.box} />
        <Pager total={t('ref.total', { n: n(list.data.total) })} page={q.page} pages={pages} onPage={(p) => set({ page: String(p) })} testId="referrals" />
      </>
    );

  return (
    <div className="page" data-testid="referrals-page">
      <div className="page-head">
        <div>
          <h1>{t('ref.title')}</h1>
          <p className="muted">{t('ref.intro')}</p>
        </div>
        <button type="button" className="primary" onClick={() => setCreating((c) => !c)} aria-expanded={creating} data-testid="referral-new-toggle">
          {t('ref.new')}
        </button>
      </div>
      {creating && <NewReferralForm initialPatient={params.get('patient') ?? ''} onDone={() => setCreating(false)} />}
      <section className="panel" aria-labelledby="ref-list-h">
        <h2 id="ref-list-h" className="visually-hidden">
          {t(`ref.box.${q.box}` as MessageKey)}
        </h2>
        <div className="tabs" role="tablist" aria-label={t('ref.title')}>
          {BOXES.map((b) => (
            <button key={b} id={`ref-tab-${b}`} type="button" role="tab" aria-selected={q.box === b} aria-controls="ref-panel" onClick={() => set({ box: b === 'inbox' ? undefined : b })} data-testid={`ref-tab-${b}`}>
              {t(`ref.box.${b}` as MessageKey)}
            </button>
          ))}
        </div>
        <div id="ref-panel" role="tabpanel" aria-labelledby={`ref-tab-${q.box}`} data-box={q.box}>
          <p className="muted small">{t(`ref.about.${q.box}` as MessageKey)}</p>
          <div className="filters">
            <label>
              {t('ref.col.state')}
              <select value={q.status ?? ''} onChange={(e) => set({ status: e.target.value })} data-testid="ref-filter-status">
                <option value="">{t('ref.all')}</option>
                {REFERRAL_STATES.map((s) => (
                  <option key={s} value={s}>
                    {t(`ref.state.${s}` as MessageKey)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('ref.col.direction')}
              <select value={q.direction ?? ''} onChange={(e) => set({ direction: e.target.value })} data-testid="ref-filter-direction">
                <option value="">{t('ref.all')}</option>
                {REFERRAL_DIRECTIONS.map((d) => (
                  <option key={d} value={d}>
                    {t(`ref.direction.${d}` as MessageKey)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('ref.facility')}
              <select value={q.facility ?? ''} onChange={(e) => set({ facility: e.target.value })} data-testid="ref-filter-facility">
                <option value="">{t('ref.allFacilities')}</option>
                {(district.data?.facilities ?? []).map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="inline-check">
              <span>
                <input type="checkbox" checked={q.overdue} onChange={(e) => set({ overdue: e.target.checked ? 'true' : undefined })} data-testid="ref-filter-overdue" /> {t('ref.overdueOnly')}
              </span>
            </label>
          </div>
          {body}
        </div>
      </section>
    </div>
  );
}
