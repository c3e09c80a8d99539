/** Loading, error (with the server's OperationOutcome issues) and empty states, used by every page. */
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../api/errors';
import { useI18n } from '../i18n';

export function Loading({ inline }: { inline?: boolean }) {
  const { t } = useI18n();
  return (
    <div className={inline ? 'loading inline' : 'loading'} role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {t('common.loading')}
    </div>
  );
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const issues = error instanceof ApiError && error.issues.length ? error.issues : [error instanceof Error ? error.message : String(error)];
  return (
    <div className="error-box" role="alert">
      <strong>
        {t('common.error')}
        {error instanceof ApiError && error.status ? ` (${error.status})` : ''}
      </strong>
      <ul>
        {issues.map((i, k) => (
          <li key={k}>{i}</li>
        ))}
      </ul>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Empty({ text }: { text?: string }) {
  const { t } = useI18n();
  return <p className="empty">{text ?? t('common.empty')}</p>;
}

/**
 * What a query shows: a spinner while it loads, the error with a retry button, the empty text when
 * `isEmpty(data)`, else `children(data)`.
 */
export function QueryState<T>({ query, isEmpty, emptyText, children }: { query: UseQueryResult<T>; isEmpty?: (data: T) => boolean; emptyText?: string; children: (data: T) => ReactNode }) {
  if (query.isPending) return <Loading inline />;
  if (query.isError) return <ErrorBox error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty?.(query.data)) return <Empty text={emptyText} />;
  return <>{children(query.data)}</>;
}
