/**
 * One referral (`/referrals/:id`): its facts and timers, the buttons of the transitions the user may
 * make (the server's state machine restricted to the sides the server says the user works on:
 * referral-actions.ts), an optional note, the appointment time when scheduling and the care plan
 * when returning the patient, and the history (who, when, note). A 409 or 403 shows the
 * OperationOutcome's text and reloads the referral.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { patientsById } from '../../api/chronic';
import { ApiError } from '../../api/errors';
import { getReferral, transitionReferral, type ReferralDetail, type ReferralState, type TransitionBody } from '../../api/referrals';
import { ErrorBox, Loading } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';
import { dateTime } from '../cdc/format';
import { PatientCell, SlaCell, StateBadge } from './parts';
import { allowedActions } from './referral-actions';

function Facts({ r }: { r: ReferralDetail }) {
  const { t, locale } = useI18n();
  const names = useQuery({ queryKey: ['referrals', 'names', [r.patient]], queryFn: () => patientsById([r.patient]) });
  const patient = names.data?.get(r.patient);
  const row = (label: MessageKey, value: ReactNode, testId?: string) => (
    <div>
      <dt>{t(label)}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
  return (
    <dl className="facts" data-testid="referral-facts">
      {row('ref.col.patient', patient ? <Link to={`/patients/${r.patient}`}>{<PatientCell id={r.patient} patient={patient} />}</Link> : <PatientCell id={r.patient} patient={undefined} pending={names.isPending} />)}
      {row('ref.col.from', r.requester.name ?? r.requester.id)}
      {row('ref.col.to', r.performer.name ?? r.performer.id)}
      {row('ref.col.direction', t(`ref.direction.${r.direction}` as MessageKey))}
      {row('ref.col.priority', t(`ref.priority.${r.priority}` as MessageKey))}
      {row('ref.col.reason', [r.reason.code, r.reason.text].filter(Boolean).join(' ') || '—')}
      {row('ref.col.requested', dateTime(r.requestedAt, locale))}
      {row('ref.appointment', dateTime(r.appointmentAt, locale), 'referral-appointment')}
      {row('ref.col.seen', dateTime(r.seenAt, locale))}
      {row('ref.col.sla', <SlaCell referral={r} />)}
    </dl>
  );
}

/** Local "YYYY-MM-DDTHH:mm" of a datetime-local input as an ISO instant (the browser's zone). */
const instant = (local: string) => new Date(local).toISOString();

function Workflow({ r }: { r: ReferralDetail }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const noteId = useId();
  const [note, setNote] = useState('');
  const [appointment, setAppointment] = useState('');
  const [plan, setPlan] = useState({ description: '', activities: '' });
  const [done, setDone] = useState<ReferralState | null>(null);
  const actions = allowedActions(r.status, r.sides);
  const move = useMutation({
    mutationFn: (to: ReferralState) => {
      const body: TransitionBody = { to, ...(note.trim() ? { note: note.trim() } : {}) };
      if (to === 'scheduled') body.appointment = appointment ? instant(appointment) : '';
      if (to === 'returned' && plan.description.trim()) body.carePlan = { description: plan.description.trim(), activities: plan.activities.split('\n').map((a) => a.trim()).filter(Boolean) };
      return transitionReferral(r.id, body);
    },
    onSuccess: (updated) => {
      queryClient.setQueryData(['referrals', 'one', r.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['referrals', 'list'] });
      setDone(updated.status);
      setNote('');
    },
    onError: (e) => {
      // The referral moved meanwhile or the side was wrong: show it as it is now.
      if (e instanceof ApiError && (e.status === 409 || e.status === 403)) void queryClient.invalidateQueries({ queryKey: ['referrals', 'one', r.id] });
      setDone(null);
    },
  });
  return (
    <section className="panel" aria-labelledby="ref-wf-h" data-testid="referral-workflow">
      <div className="panel-head">
        <h2 id="ref-wf-h">{t('ref.workflow')}</h2>
        <StateBadge state={r.status} />
      </div>
      {done && !move.isPending && (
        <p className="notice success" role="status" data-testid="referral-moved">
          {t('ref.moved', { state: t(`ref.state.${done}` as MessageKey) })}
        </p>
      )}
      {move.error && (
        <div data-testid="referral-error">
          <ErrorBox error={move.error} />
        </div>
      )}
      {r.next.length === 0 ? (
        <p className="muted">{t('ref.final')}</p>
      ) : actions.length === 0 ? (
        <p className="muted" data-testid="referral-other-side">
          {t('ref.otherSide')}
        </p>
      ) : (
        <form className="workflow-form" onSubmit={(e) => e.preventDefault()}>
          <label htmlFor={noteId}>{t('ref.note')}</label>
          <textarea id={noteId} value={note} maxLength={2000} rows={2} onChange={(e) => setNote(e.target.value)} data-testid="referral-note" />
          {actions.includes('scheduled') && (
            <label>
              {t('ref.appointment')}{' '}
              <input type="datetime-local" value={appointment} onChange={(e) => setAppointment(e.target.value)} data-testid="referral-appointment-input" />
            </label>
          )}
          {actions.includes('returned') && (
            <>
              <label>
                {t('ref.carePlan')}
                <textarea value={plan.description} rows={2} maxLength={4000} onChange={(e) => setPlan({ ...plan, description: e.target.value })} data-testid="referral-plan" />
              </label>
              <label>
                {t('ref.carePlanActivities')}
                <textarea value={plan.activities} rows={3} onChange={(e) => setPlan({ ...plan, activities: e.target.value })} data-testid="referral-plan-activities" />
              </label>
            </>
          )}
          <div className="workflow-buttons">
            {actions.map((to) => (
              <button key={to} type="button" className={to === 'rejected' || to === 'cancelled' ? '' : 'primary'} disabled={move.isPending} onClick={() => move.mutate(to)} data-testid={`referral-move-${to}`}>
                {t(`ref.action.${to}` as MessageKey)}
              </button>
            ))}
            {move.isPending && <span className="spinner" role="status" aria-label={t('common.loading')} />}
          </div>
        </form>
      )}
      <History r={r} />
    </section>
  );
}

function History({ r }: { r: ReferralDetail }) {
  const { t, locale } = useI18n();
  return (
    <>
      <h3>{t('ref.history')}</h3>
      <ol className="history" data-testid="referral-history">
        {r.history.map((e) => (
          <li key={e.seq} data-testid="referral-event" data-to={e.to}>
            <time dateTime={e.at}>{dateTime(e.at, locale)}</time>
            <span>
              {e.from && (
                <>
                  <StateBadge state={e.from} /> →{' '}
                </>
              )}
              <StateBadge state={e.to} /> <span className="muted">{t('ref.by', { actor: e.by })}</span>
              {e.note && <span className="history-note">“{e.note}”</span>}
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}

export function ReferralPage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const one = useQuery({ queryKey: ['referrals', 'one', id], queryFn: () => getReferral(id) });
  return (
    <div className="page" data-testid="referral-page">
      <p>
        <Link to="/referrals">← {t('ref.title')}</Link>
      </p>
      {one.isPending ? (
        <Loading />
      ) : one.error ? (
        <ErrorBox error={one.error} onRetry={() => void one.refetch()} />
      ) : (
        <>
          <div className="page-head">
            <h1>
              {t('ref.one')} <StateBadge state={one.data.status} />
            </h1>
          </div>
          <section className="panel">
            <Facts r={one.data} />
          </section>
          <Workflow r={one.data} />
        </>
      )}
    </div>
  );
}
