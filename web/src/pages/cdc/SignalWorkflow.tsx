/**
 * The workflow of one signal: a button per allowed next status (new → under investigation →
 * confirmed outbreak | false alarm → closed), an optional note, and the history (who, when, note).
 * A 409 means the signal moved meanwhile (another epidemiologist, another tab): the page says so,
 * shows the server's reason and reloads the signal so the buttons match its real status.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api } from '../../api/client';
import { ApiError } from '../../api/errors';
import type { SignalDetail, SignalStatus } from '../../api/surveillance';
import { ErrorBox } from '../../components/Status';
import { useI18n } from '../../i18n';
import { StatusBadge } from './StatusBadge';
import { actionKey, dateTime, durationParts } from './format';

export function SignalWorkflow({ signal, mayAct }: { signal: SignalDetail; mayAct: boolean }) {
  const { t, n, locale } = useI18n();
  const queryClient = useQueryClient();
  const noteId = useId();
  const [note, setNote] = useState('');
  const [moved, setMoved] = useState<SignalStatus | null>(null);
  const move = useMutation({
    mutationFn: (to: SignalStatus) => api.transitionSignal(signal.id, to, note.trim() || undefined),
    onSuccess: (updated) => {
      queryClient.setQueryData(['cdc', 'signal', signal.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['cdc', 'signals'] });
      void queryClient.invalidateQueries({ queryKey: ['cdc', 'metrics'] });
      void queryClient.invalidateQueries({ queryKey: ['cdc', 'open'] });
      setMoved(updated.status);
      setNote('');
    },
    onError: (error) => {
      // Stale status or a refused move: show the signal as it is now.
      if (error instanceof ApiError && error.status === 409) void queryClient.invalidateQueries({ queryKey: ['cdc', 'signal', signal.id] });
      setMoved(null);
    },
  });
  const error = move.error;
  const response = signal.responseMinutes === null ? null : durationParts(signal.responseMinutes);

  return (
    <section className="panel" aria-labelledby="workflow-h" data-testid="workflow">
      <div className="panel-head">
        <h2 id="workflow-h">{t('cdc.workflow')}</h2>
        <span>
          {t('cdc.col.status')}: <StatusBadge status={signal.status} />
        </span>
      </div>
      <p className="muted small" data-testid="response-time">
        {response ? t('cdc.responseTime', { time: t(response.key, { n: n(response.n) }) }) : t('cdc.noResponseYet')}
      </p>
      {moved && !move.isPending && (
        <p className="notice success" role="status" data-testid="workflow-done">
          {t('cdc.moved', { status: t(`cdc.status.${moved}`) })}
        </p>
      )}
      {error instanceof ApiError && error.status === 409 ? (
        <div className="error-box" role="alert" data-testid="workflow-conflict">
          <strong>{t('cdc.conflict')}</strong>
          <p>{t('cdc.conflictHint', { status: t(`cdc.status.${signal.status}`) })}</p>
          {error.issues.length > 0 && <p className="small mono">{error.issues.join(' · ')}</p>}
        </div>
      ) : error instanceof ApiError && error.status === 403 ? (
        <div className="error-box" role="alert">
          {t('cdc.forbiddenAction')}
        </div>
      ) : error ? (
        <ErrorBox error={error} />
      ) : null}
      {signal.next.length === 0 ? (
        <p className="muted">{t('cdc.closedNoAction')}</p>
      ) : !mayAct ? (
        <p className="muted">{t('cdc.readOnly')}</p>
      ) : (
        <form
          className="workflow-form"
          onSubmit={(e) => {
            e.preventDefault();
          }}
        >
          <label htmlFor={noteId}>{t('cdc.note')}</label>
          <textarea id={noteId} value={note} maxLength={2000} rows={2} onChange={(e) => setNote(e.target.value)} placeholder={t('cdc.notePlaceholder')} data-testid="workflow-note" />
          <div className="workflow-buttons">
            {signal.next.map((s) => (
              <button key={s} type="button" className={s === 'false-alarm' ? '' : 'primary'} disabled={move.isPending} onClick={() => move.mutate(s)} data-testid={`move-${s}`}>
                {t(actionKey(s))}
              </button>
            ))}
            {move.isPending && <span className="spinner" role="status" aria-label={t('common.loading')} />}
          </div>
        </form>
      )}
      <h3>{t('cdc.history')}</h3>
      {signal.events.length === 0 ? (
        <p className="empty">{t('cdc.historyEmpty', { at: dateTime(signal.createdAt, locale) })}</p>
      ) : (
        <ol className="history" data-testid="history">
          <li>
            <time dateTime={signal.createdAt}>{dateTime(signal.createdAt, locale)}</time>
            <span>{t('cdc.created', { run: signal.runDate })}</span>
          </li>
          {signal.events.map((e) => (
            <li key={e.seq} data-testid="history-event">
              <time dateTime={e.at}>{dateTime(e.at, locale)}</time>
              <span>
                <StatusBadge status={e.from} /> → <StatusBadge status={e.to} /> <span className="muted">{t('cdc.by', { actor: e.actor })}</span>
                {e.note && <span className="history-note">“{e.note}”</span>}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
