/**
 * The registry's counts for the doctor's area as of today, per programme
 * (GET /api/indicators/chronic/worklists: registered, controlled, due this week, overdue, urgent,
 * lost). Refetched with the work lists after every follow-up (query key under ['chronic']).
 */
import { useQuery } from '@tanstack/react-query';
import { registrySummary, type ChronicCondition, type RegistrySummary as Row } from '../../api/chronic';
import { ErrorBox, Loading } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';

const CONDITIONS: readonly ChronicCondition[] = ['hypertension', 'diabetes'];
const COLUMNS = ['registered', 'controlled', 'uncontrolled', 'dueThisWeek', 'overdue', 'urgent', 'lost'] as const;

export function RegistrySummary({ orgUnit }: { orgUnit: string }) {
  const { t, n } = useI18n();
  const q = useQuery({
    queryKey: ['chronic', 'summary', orgUnit],
    queryFn: async () => Promise.all(CONDITIONS.map(async (c) => ({ condition: c, row: (await registrySummary(orgUnit, c)).rows[0] as Row | undefined }))),
  });
  return (
    <section className="panel" aria-labelledby="summary-h" data-testid="registry-summary">
      <h2 id="summary-h">{t('sum.title', { unit: orgUnit })}</h2>
      {q.isPending ? (
        <Loading inline />
      ) : q.error ? (
        <ErrorBox error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <div className="table-wrap">
          <table className="table summary-table">
            <thead>
              <tr>
                <th scope="col">{t('wl.col.condition')}</th>
                {COLUMNS.map((c) => (
                  <th key={c} scope="col" className="num">
                    {t(`sum.${c}` as MessageKey)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {q.data.map(({ condition, row }) => (
                <tr key={condition}>
                  <th scope="row">{t(`cond.${condition}` as MessageKey)}</th>
                  {COLUMNS.map((c) => (
                    <td key={c} className="num" data-testid={`sum-${condition}-${c}`}>
                      {n(row?.[c] ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">{t('sum.hint', { date: q.data[0]?.row?.today ?? new Date().toISOString().slice(0, 10) })}</p>
        </div>
      )}
    </section>
  );
}
