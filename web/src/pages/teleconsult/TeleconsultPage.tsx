/**
 * Teleconsultation inbox and outbox (issue 10; docs/care.md). The inbox lists the questions asked of
 * the user's facilities (answer or decline them), the outbox those asked by them (cancel an open
 * one). Selecting a row shows the question, its attachments and the reply below the list; the box
 * and the selected request are kept in the URL (`?box=outbox&id=…`).
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { getTeleconsult, listTeleconsults, transitionTeleconsult, type TeleconsultBox, type TeleconsultState } from '../../api/teleconsults';
import { Pager } from '../../components/Pager';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';
import { dateTime } from '../cdc/format';
import { allowedTeleconsultActions, formatTurnaround, type TeleconsultAction } from './teleconsult-actions';

const PAGE = 25;
const BOXES: readonly TeleconsultBox[] = ['inbox', 'outbox'];
const STATE_CLASS: Record<TeleconsultState, string> = { requested: 'status-new', answered: 'status-closed', declined: 'status-false-alarm', cancelled: 'status-false-alarm' };

function StateBadge({ state }: { state: TeleconsultState }) {
  const { t } = useI18n();
  return (
    <span className={`status-badge ${STATE_CLASS[state]}`} data-testid="tc-state" data-state={state}>
      {t(`tc.state.${state}` as MessageKey)}
    </span>
  );
}

function Detail({ id, box }: { id: string; box: TeleconsultBox }) {
  const { t, locale } = useI18n();
  const queryClient = useQueryClient();
  const one = useQuery({ queryKey: ['teleconsults', 'one', id], queryFn: () => getTeleconsult(id) });
  const [text, setText] = useState('');
  const move = useMutation({
    mutationFn: (to: TeleconsultAction) => transitionTeleconsult(id, { to, ...(text.trim() ? { text: text.trim() } : {}) }),
    onSuccess: (d) => {
      setText('');
      queryClient.setQueryData(['teleconsults', 'one', id], d);
      void queryClient.invalidateQueries({ queryKey: ['teleconsults', 'list'] });
    },
    onError: () => void one.refetch(),
  });
  if (one.isPending) return <Loading inline />;
  if (one.error) return <ErrorBox error={one.error} onRetry={() => void one.refetch()} />;
  const d = one.data;
  const [question, ...replies] = d.resources.communications;
  const actions = allowedTeleconsultActions(d.status, box);
  return (
    <section className="panel" aria-labelledby="tc-detail-h" data-testid="tc-detail" data-status={d.status}>
      <h2 id="tc-detail-h">{t('tc.detail')}</h2>
      <dl className="facts">
        <dt>{t('tc.col.from')}</dt>
        <dd>{d.requester.name ?? d.requester.id}</dd>
        <dt>{t('tc.col.to')}</dt>
        <dd>{d.consultant.name ?? d.consultant.id}</dd>
        <dt>{t('tc.col.state')}</dt>
        <dd>
          <StateBadge state={d.status} />
        </dd>
        <dt>{t('tc.col.requested')}</dt>
        <dd>{dateTime(d.requestedAt, locale)}</dd>
        <dt>{t('tc.col.turnaround')}</dt>
        <dd data-testid="tc-turnaround">{formatTurnaround(d.turnaroundMinutes) ?? '—'}</dd>
      </dl>
      <h3>{t('tc.question')}</h3>
      <p data-testid="tc-question">{d.question}</p>
      {question?.payload?.slice(1).map((p, i) => {
        const a = p.contentAttachment;
        if (!a) return null;
        const href = a.url ?? (a.data ? `data:${a.contentType};base64,${a.data}` : undefined);
        return (
          <p key={i} className="small">
            <a href={href} target="_blank" rel="noreferrer" download={a.data ? (a.title ?? 'attachment') : undefined} data-testid="tc-attachment">
              {a.title ?? a.contentType}
            </a>
          </p>
        );
      })}
      {replies.map((r) => (
        <div key={r.id} data-testid="tc-reply">
          <h3>{t(`tc.reply.${r.category?.[0]?.text === 'decline' ? 'decline' : 'answer'}` as MessageKey)}</h3>
          <p>{r.payload?.[0]?.contentString}</p>
          <p className="muted small">{dateTime(r.sent ?? null, locale)}</p>
        </div>
      ))}
      {actions.length > 0 && (
        <form className="filters" onSubmit={(e) => e.preventDefault()}>
          {actions.some((a) => a !== 'cancelled') && (
            <label>
              {t('tc.replyText')}
              <textarea rows={3} cols={60} value={text} onChange={(e) => setText(e.target.value)} data-testid="tc-reply-text" />
            </label>
          )}
          {actions.map((a) => (
            <button key={a} type="button" className={a === 'answered' ? 'primary' : undefined} disabled={move.isPending} onClick={() => move.mutate(a)} data-testid={`tc-action-${a}`}>
              {t(`tc.action.${a}` as MessageKey)}
            </button>
          ))}
        </form>
      )}
      {move.error && <ErrorBox error={move.error} />}
    </section>
  );
}

export function TeleconsultPage() {
  const { t, n, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const box: TeleconsultBox = params.get('box') === 'outbox' ? 'outbox' : 'inbox';
  const page = Math.max(0, Number.parseInt(params.get('page') ?? '0', 10) || 0);
  const selected = params.get('id');
  const list = useQuery({ queryKey: ['teleconsults', 'list', box, page], queryFn: () => listTeleconsults(box, { _count: PAGE, _offset: page * PAGE }), placeholderData: keepPreviousData, refetchInterval: 60_000 });
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) if (v === undefined) next.delete(k);
    else next.set(k, v);
    setParams(next);
  };
  let body;
  if (list.isPending) body = <Loading inline />;
  else if (list.error) body = <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  else if (list.data.rows.length === 0) body = <Empty text={t(`tc.empty.${box}` as MessageKey)} />;
  else
    body = (
      <>
        <div className="table-wrap">
          <table className="table signal-table" data-testid="tc-table">
            <thead>
              <tr>
                <th scope="col">{t('tc.col.requested')}</th>
                <th scope="col">{box === 'inbox' ? t('tc.col.from') : t('tc.col.to')}</th>
                <th scope="col">{t('tc.question')}</th>
                <th scope="col">{t('tc.col.state')}</th>
                <th scope="col">{t('tc.col.turnaround')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.rows.map((r) => {
                const other = box === 'inbox' ? r.requester : r.consultant;
                return (
                  <tr key={r.id} data-testid="tc-row" data-teleconsult={r.id} aria-selected={r.id === selected}>
                    <td className="small nowrap">
                      <button type="button" className="link-button" onClick={() => set({ id: r.id })} data-testid="tc-open">
                        {dateTime(r.requestedAt, locale)}
                      </button>
                    </td>
                    <td>{other.name ?? other.id}</td>
                    <td className="small">
                      {r.priority === 'urgent' && <strong>{t('tc.urgent')} </strong>}
                      {r.question.length > 120 ? `${r.question.slice(0, 120)}…` : r.question}
                      {r.attachments > 0 && <span className="muted"> · {t('tc.attachmentsCount', { n: r.attachments })}</span>}
                    </td>
                    <td>
                      <StateBadge state={r.status} />
                    </td>
                    <td className="small">{formatTurnaround(r.turnaroundMinutes) ?? '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <Pager total={t('tc.total', { n: n(list.data.total) })} page={page} pages={Math.max(1, Math.ceil(list.data.total / PAGE))} onPage={(p) => set({ page: String(p) })} testId="teleconsults" />
      </>
    );
  return (
    <div className="page" data-testid="teleconsult-page">
      <div className="page-head">
        <div>
          <h1>{t('tc.title')}</h1>
          <p className="muted">{t('tc.intro')}</p>
        </div>
      </div>
      <section className="panel" aria-labelledby="tc-list-h">
        <h2 id="tc-list-h" className="visually-hidden">
          {t(`tc.box.${box}` as MessageKey)}
        </h2>
        <div className="tabs" role="tablist" aria-label={t('tc.title')}>
          {BOXES.map((b) => (
            <button key={b} id={`tc-tab-${b}`} type="button" role="tab" aria-selected={box === b} aria-controls="tc-panel" onClick={() => set({ box: b === 'inbox' ? undefined : b, id: undefined, page: undefined })} data-testid={`tc-tab-${b}`}>
              {t(`tc.box.${b}` as MessageKey)}
            </button>
          ))}
        </div>
        <div id="tc-panel" role="tabpanel" aria-labelledby={`tc-tab-${box}`} data-box={box}>
          {body}
        </div>
      </section>
      {selected && <Detail key={selected} id={selected} box={box} />}
    </div>
  );
}
