/** The device's queue: pending count, online state, Sync, the last sync's outcome, and rejected records with their reason. */
import { useI18n } from '../../i18n';
import type { SyncSummary } from './use-visit-queue';
import type { QueuedVisit } from './sync-outcome';

export function QueuePanel({ queue, online, syncing, last, onSync, onRetry, onDiscard }: { queue: QueuedVisit[] | null; online: boolean; syncing: boolean; last: SyncSummary | null; onSync: () => void; onRetry: (v: QueuedVisit) => void; onDiscard: (id: string) => void }) {
  const { t } = useI18n();
  const rejected = (queue ?? []).filter((v) => v.rejected);
  return (
    <section className="panel" aria-labelledby="queue-h" data-testid="rounds-queue">
      <h2 id="queue-h">{t('rounds.queue.title')}</h2>
      <p>
        <span className={`status-badge ${online ? 'status-closed' : 'status-new'}`} data-testid="rounds-online">
          {online ? t('rounds.online') : t('rounds.offline')}
        </span>{' '}
        <span data-testid="rounds-pending" data-count={queue?.length ?? 0}>
          {t('rounds.queue.pending', { n: queue?.length ?? 0 })}
        </span>{' '}
        <button type="button" onClick={onSync} disabled={syncing || !queue?.length} data-testid="rounds-sync">
          {syncing ? t('rounds.queue.syncing') : t('rounds.queue.sync')}
        </button>
      </p>
      <p className="small muted">{t('rounds.queue.about')}</p>
      {last && (
        <p className="small" role="status" data-testid="rounds-last-sync">
          {last.failed ? t('rounds.queue.failed', { reason: last.failed === 'offline' ? t('rounds.offline') : last.failed }) : t('rounds.queue.result', { created: last.created, duplicate: last.duplicate, rejected: last.rejected })}
        </p>
      )}
      {rejected.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="rounds-rejected">
            <caption className="small">{t('rounds.queue.rejected')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('ws.col.name')}</th>
                <th scope="col">{t('fu.date')}</th>
                <th scope="col">{t('rounds.queue.reason')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {rejected.map((v) => (
                <tr key={v.clientId}>
                  <td>{v.label}</td>
                  <td>{v.followUp.date}</td>
                  <td>
                    {v.rejected!.httpStatus} · {v.rejected!.reason}
                  </td>
                  <td className="nowrap">
                    <button type="button" className="link-button" onClick={() => onRetry(v)}>
                      {t('rounds.queue.retry')}
                    </button>{' '}
                    <button type="button" className="link-button" onClick={() => window.confirm(t('rounds.queue.discardConfirm')) && onDiscard(v.clientId)}>
                      {t('rounds.queue.discard')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
