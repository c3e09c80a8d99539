/**
 * Today's work: the registry's due / overdue / urgent / lost lists (GET /api/chronic/worklists/:list,
 * scoped by the server to the caller's area or team) and the open risk-intervention Tasks, as tabs.
 * Every row links to the patient 360 page and can open the follow-up form.
 */
import { useQuery } from '@tanstack/react-query';
import { useState, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { patientsById, worklist, type ChronicCondition, type WorklistName, type WorklistRow } from '../../api/chronic';
import { displayName } from '../../api/fhir-codes';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';
import { TaskList } from './TaskList';

export type WorkTab = WorklistName | 'tasks';
export const WORK_TABS: readonly WorkTab[] = ['due', 'overdue', 'urgent', 'tasks', 'lost'];
const PAGE = 25;

export function WorkList({ tab, onTab, condition, onFollowUp }: { tab: WorkTab; onTab: (t: WorkTab) => void; condition?: ChronicCondition; onFollowUp: (patient: string) => void }) {
  const { t } = useI18n();
  function keys(e: KeyboardEvent<HTMLButtonElement>) {
    const i = WORK_TABS.indexOf(tab);
    const next = e.key === 'ArrowRight' ? WORK_TABS[(i + 1) % WORK_TABS.length] : e.key === 'ArrowLeft' ? WORK_TABS[(i + WORK_TABS.length - 1) % WORK_TABS.length] : undefined;
    if (!next) return;
    e.preventDefault();
    onTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  }
  return (
    <section className="panel" aria-labelledby="worklist-h">
      <h2 id="worklist-h">{t('wl.title')}</h2>
      <div className="tabs" role="tablist" aria-label={t('wl.title')}>
        {WORK_TABS.map((x) => (
          <button key={x} id={`tab-${x}`} type="button" role="tab" aria-selected={tab === x} aria-controls="worklist-panel" tabIndex={tab === x ? 0 : -1} onClick={() => onTab(x)} onKeyDown={keys} data-testid={`tab-${x}`}>
            {t(`wl.tab.${x}` as MessageKey)}
          </button>
        ))}
      </div>
      <div id="worklist-panel" role="tabpanel" aria-labelledby={`tab-${tab}`} data-testid="worklist-panel" data-tab={tab}>
        <p className="muted small">{t(`wl.about.${tab}` as MessageKey)}</p>
        {tab === 'tasks' ? <TaskList onFollowUp={onFollowUp} /> : <RegistryList key={`${tab}-${condition ?? ''}`} list={tab} condition={condition} onFollowUp={onFollowUp} />}
      </div>
    </section>
  );
}

function reading(r: WorklistRow): string {
  const x = r.lastReading;
  if (!x) return '—';
  const parts = [x.sbp !== null && x.dbp !== null ? `${x.sbp}/${x.dbp} mmHg` : '', x.glucose !== null ? `${x.glucose} mmol/L` : ''].filter(Boolean);
  return parts.length ? `${parts.join(', ')} (${x.date})` : x.date;
}

function RegistryList({ list, condition, onFollowUp }: { list: WorklistName; condition?: ChronicCondition; onFollowUp: (patient: string) => void }) {
  const { t } = useI18n();
  const [offset, setOffset] = useState(0);
  const page = useQuery({ queryKey: ['chronic', 'worklist', list, condition ?? 'all', offset], queryFn: () => worklist(list, { condition, _count: PAGE, _offset: offset }) });
  const ids = page.data?.rows.map((r) => r.resident) ?? [];
  const names = useQuery({ queryKey: ['chronic', 'names', ids], queryFn: () => patientsById(ids), enabled: ids.length > 0, staleTime: 5 * 60_000 });

  if (page.isPending) return <Loading inline />;
  if (page.error) return <ErrorBox error={page.error} onRetry={() => void page.refetch()} />;
  const { rows, total } = page.data;
  if (rows.length === 0) return <Empty text={t(`wl.empty.${list}` as MessageKey)} />;
  return (
    <>
      <p className="small" data-testid="worklist-total">
        {t('wl.total', { n: total })}
      </p>
      <div className="table-wrap">
        <table className="table" data-testid={`worklist-${list}`}>
          <thead>
            <tr>
              <th scope="col">{t('ws.col.name')}</th>
              <th scope="col">{t('wl.col.condition')}</th>
              <th scope="col">{t('wl.col.status')}</th>
              <th scope="col">{t('wl.col.nextDue')}</th>
              <th scope="col">{t('wl.col.lastReading')}</th>
              <th scope="col">{t('wl.col.lastCall')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('wl.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const p = names.data?.get(r.resident);
              const name = p ? displayName(p.name) : names.isPending ? '…' : r.resident.slice(0, 8);
              return (
                <tr key={`${r.resident}-${r.condition}`} data-testid="worklist-row" data-patient={r.resident}>
                  <td>
                    <Link to={`/patients/${r.resident}`} data-testid="worklist-patient-link">
                      {name}
                    </Link>
                  </td>
                  <td>{t(`cond.${r.condition}` as MessageKey)}</td>
                  <td>
                    <span className={`badge ${r.urgent ? 'urgent' : r.status}`}>{t(`status.${r.status}` as MessageKey)}</span>
                    {r.urgent && <span className="small"> {t('wl.urgentReferral')}</span>}
                    {r.referral && !r.urgent && <span className="small"> {t('wl.referral')}</span>}
                  </td>
                  <td className="nowrap">{r.nextDue ?? '—'}</td>
                  <td>{reading(r)}</td>
                  <td className="small">{r.lastCall ? `${t(`call.${r.lastCall.outcome}` as MessageKey)} ${r.lastCall.at.slice(0, 10)}` : '—'}</td>
                  <td>
                    <button type="button" onClick={() => onFollowUp(r.resident)} aria-label={t('wl.followUpFor', { name })} data-testid="worklist-follow-up">
                      {t('wl.followUp')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {(offset > 0 || page.data.next !== null) && (
        <div className="pager">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            {t('wl.prev')}
          </button>
          <span className="muted small">{t('wl.range', { from: offset + 1, to: offset + rows.length, total })}</span>
          <button type="button" disabled={page.data.next === null} onClick={() => setOffset(offset + PAGE)}>
            {t('wl.next')}
          </button>
        </div>
      )}
    </>
  );
}
