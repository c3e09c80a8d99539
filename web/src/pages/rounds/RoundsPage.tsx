/**
 * Mobile round plan (`/rounds`, issue 10): for the doctor's team (their township or village, or a
 * team code) and a date, the villages to visit and the residents due there, in the server's order
 * (docs/care.md, "Mobile doctors"); a capture form per resident that works offline (visits go to
 * the device's queue first), the pending count, and sync when back online. The last plan loaded is
 * kept on the device, so the page still shows it without a network. URL state: date, team, open.
 */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { patientsById } from '../../api/chronic';
import { ApiError } from '../../api/errors';
import { displayName } from '../../api/fhir-codes';
import { referenceMonth } from '../../api/indicators';
import { useAuth } from '../../components/AuthProvider';
import { useUrlParams } from '../../components/PatientSearch';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useI18n, type MessageKey, type Translate } from '../../i18n';
import { CaptureForm } from './CaptureForm';
import { cachePlan, cachedPlan, type CachedPlan } from './offline-queue';
import { QueuePanel } from './QueuePanel';
import { roundPlan, type PlanItem } from './rounds-api';
import { useVisitQueue } from './use-visit-queue';

async function loadPlan(team: string | undefined, date: string): Promise<CachedPlan & { cached: boolean }> {
  try {
    const plan = await roundPlan({ team, date });
    const patients = await patientsById(plan.villages.flatMap((v) => v.residents.map((r) => r.resident)));
    const names = Object.fromEntries([...patients].map(([id, p]) => [id, displayName(p.name)]));
    const value = { plan, names, savedAt: new Date().toISOString() };
    await cachePlan(team, date, value);
    return { ...value, cached: false };
  } catch (e) {
    // No network: the plan this device loaded last for the same team and date.
    const saved = e instanceof ApiError && e.status === 0 ? await cachedPlan(team, date) : undefined;
    if (saved) return { ...saved, cached: true };
    throw e;
  }
}

const condition = (t: Translate, c: string) => (c === 'hypertension' || c === 'diabetes' ? t(`cond.${c}` as MessageKey) : c);

function itemText(t: Translate, item: PlanItem): string {
  switch (item.kind) {
    case 'urgent': {
      const r = item.lastReading;
      const reading = r ? [r.sbp !== null && r.dbp !== null ? `${r.sbp}/${r.dbp} mmHg` : '', r.glucose !== null ? `${r.glucose} mmol/L` : ''].filter(Boolean).join(', ') : '';
      return t('rounds.item.urgent', { condition: condition(t, item.condition), reading: reading || '—', date: r?.date ?? '—' });
    }
    case 'overdue':
      return t('rounds.item.overdue', { condition: condition(t, item.condition), days: item.daysOverdue, date: item.nextDue });
    case 'due':
      return t('rounds.item.due', { condition: condition(t, item.condition), date: item.nextDue });
    case 'risk-task':
      return t('rounds.item.risk', { task: t(`task.code.${item.code}` as MessageKey), date: item.due ?? '—' });
    case 'refill':
      return t(item.refill === 'refill' ? 'rounds.item.refill' : 'rounds.item.renewal', { drug: item.drug, date: item.due });
  }
}

export function RoundsPage() {
  const { t } = useI18n();
  const [params, update] = useUrlParams();
  const { orgUnits } = useAuth();
  const today = new Date().toISOString().slice(0, 10);
  const date = params.get('date') ?? today;
  const team = params.get('team') ?? undefined;
  const open = params.get('open');
  const queue = useVisitQueue();
  const plan = useQuery({ queryKey: ['rounds', 'plan', team ?? '', date], queryFn: () => loadPlan(team, date), retry: false, networkMode: 'always' });
  // A district whose data ends in the past (the demo): offer the plan of the data's last month end.
  const area = team ?? orgUnits.find((o) => o.length >= 9);
  const latest = useQuery({ queryKey: ['rounds', 'latest-month', area ?? ''], queryFn: () => referenceMonth(area!), enabled: !!area && navigator.onLine, staleTime: 10 * 60_000, retry: false });
  const dataEnd = latest.data && latest.data < date.slice(0, 7) ? new Date(Date.UTC(Number(latest.data.slice(0, 4)), Number(latest.data.slice(5, 7)), 0)).toISOString().slice(0, 10) : null;
  const queuedFor = new Map<string, number>();
  for (const v of queue.queue ?? []) queuedFor.set(v.patient, (queuedFor.get(v.patient) ?? 0) + 1);

  return (
    <div className="page">
      <h1>{t('rounds.title')}</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('rounds.title')}>
        <label htmlFor="rounds-date">
          {t('rounds.date')}
          <input id="rounds-date" type="date" value={date} onChange={(e) => update({ date: e.target.value || null, open: null })} data-testid="rounds-date" />
        </label>
        <label htmlFor="rounds-team">
          {t('rounds.team')}
          <input id="rounds-team" list="rounds-teams" inputMode="numeric" placeholder={t('rounds.teamHint')} defaultValue={team ?? ''} onBlur={(e) => update({ team: /^\d{9}(\d{3})?$/.test(e.target.value) ? e.target.value : null, open: null })} data-testid="rounds-team" />
          <datalist id="rounds-teams">
            {orgUnits
              .filter((o) => o.length >= 9)
              .map((o) => (
                <option key={o} value={o} />
              ))}
          </datalist>
        </label>
      </form>
      {dataEnd && (
        <p className="notice small" data-testid="rounds-data-end">
          {t('rounds.dataEnds', { month: latest.data! })}{' '}
          <button type="button" className="link-button" onClick={() => update({ date: dataEnd, open: null })}>
            {t('rounds.dataEndsOpen', { date: dataEnd })}
          </button>
        </p>
      )}
      <QueuePanel queue={queue.queue} online={queue.online} syncing={queue.syncing} last={queue.last} onSync={() => void queue.sync()} onRetry={(v) => void queue.retry(v)} onDiscard={(id) => void queue.discard(id)} />
      {plan.isPending ? (
        <Loading />
      ) : plan.error ? (
        <ErrorBox error={plan.error} onRetry={() => void plan.refetch()} />
      ) : (
        <section aria-labelledby="plan-h" data-testid="rounds-plan">
          <h2 id="plan-h">{t('rounds.planFor', { team: plan.data.plan.team, date: plan.data.plan.date })}</h2>
          <p className="small" data-testid="rounds-totals">
            {t('rounds.totals', { villages: plan.data.plan.totals.villages, residents: plan.data.plan.totals.residents, urgent: plan.data.plan.totals.urgent, overdue: plan.data.plan.totals.overdue })}
          </p>
          {plan.data.cached && <p className="notice small">{t('rounds.cached', { at: plan.data.savedAt.slice(0, 16).replace('T', ' ') })}</p>}
          {plan.data.plan.truncated && <p className="notice small">{t('rounds.truncated')}</p>}
          <p className="small muted">{t('rounds.order')}</p>
          {plan.data.plan.villages.length === 0 && <Empty text={t('rounds.empty')} />}
          {plan.data.plan.villages.map((v) => (
            <section key={v.orgUnit} className="panel" aria-labelledby={`v-${v.orgUnit}`} data-testid={`village-${v.orgUnit}`}>
              <h3 id={`v-${v.orgUnit}`}>
                {v.name ?? v.orgUnit} <span className="muted small">{t('rounds.villageCounts', { residents: v.counts.residents, urgent: v.counts.urgent, overdue: v.counts.overdue, due: v.counts.due })}</span>
              </h3>
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('ws.col.name')}</th>
                      <th scope="col">{t('rounds.col.priority')}</th>
                      <th scope="col">{t('rounds.col.items')}</th>
                      <th scope="col" />
                    </tr>
                  </thead>
                  <tbody>
                    {v.residents.map((r) => {
                      const name = plan.data.names[r.resident] || r.resident;
                      return (
                        <tr key={r.resident} data-testid={`resident-${r.resident}`}>
                          <td>
                            <Link to={`/patients/${r.resident}`}>{name}</Link>
                          </td>
                          <td>
                            <span className={`status-badge ${r.priority === 'urgent' ? 'status-new' : r.priority === 'overdue' ? 'status-under-investigation' : 'status-closed'}`}>{t(`rounds.kind.${r.priority}` as MessageKey)}</span>
                          </td>
                          <td>
                            <ul className="small">
                              {r.items.map((i, k) => (
                                <li key={k}>{itemText(t, i)}</li>
                              ))}
                            </ul>
                            {open === r.resident && <CaptureForm patient={r.resident} name={name} conditions={r.conditions} date={plan.data.plan.date} onQueued={async (visit) => { await queue.add(visit); update({ open: null }); }} onCancel={() => update({ open: null })} />}
                          </td>
                          <td className="nowrap">
                            {queuedFor.get(r.resident) ? <span className="chip small">{t('rounds.queuedHere', { n: queuedFor.get(r.resident)! })}</span> : null}{' '}
                            {open !== r.resident && (
                              <button type="button" onClick={() => update({ open: r.resident })} data-testid={`record-${r.resident}`}>
                                {t('rounds.record')}
                              </button>
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </section>
          ))}
        </section>
      )}
    </div>
  );
}
