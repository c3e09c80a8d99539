/**
 * The pager under a paged list: the total, and (when there is more than one page) previous / "page
 * x of y" / next. Pages are 0-based; `onPage` gets the page to show.
 */
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';

export function Pager({ total, page, pages, onPage, testId }: { total: ReactNode; page: number; pages: number; onPage: (page: number) => void; testId: string }) {
  const { t } = useI18n();
  return (
    <div className="pager">
      <span className="muted small" data-testid={`${testId}-total`}>
        {total}
      </span>
      {pages > 1 && (
        <span>
          <button type="button" disabled={page === 0} onClick={() => onPage(page - 1)} data-testid={`${testId}-prev`}>
            {t('cdc.list.prev')}
          </button>{' '}
          {t('cdc.list.page', { page: page + 1, pages })}{' '}
          <button type="button" disabled={page + 1 >= pages} onClick={() => onPage(page + 1)} data-testid={`${testId}-next`}>
            {t('cdc.list.next')}
          </button>
        </span>
      )}
    </div>
  );
}
