/**
 * Open risk-intervention Tasks (docs/risk-models.md: status requested, owner the family-doctor
 * CareTeam, written by the assessment job). The doctor completes one with an outcome text:
 * PUT /fhir/Task/{id} with status completed, executionPeriod.end and output.
 */
import type { Task } from '@medplum/fhirtypes';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { completeTask, INTERVENTION_SYSTEM, openRiskTasks, patientsById } from '../../api/chronic';
import { displayName, refId } from '../../api/fhir-codes';
import { Empty, ErrorBox, Loading } from '../../components/Status';
import { useI18n, type MessageKey } from '../../i18n';

const CODES = ['urgent-referral', 'referral', 'follow-up-2w', 'refill-call', 'follow-up-visit', 'bp-control-visit', 'statin-counselling', 'ogtt'];

export function TaskList({ onFollowUp }: { onFollowUp: (patient: string) => void }) {
  const { t } = useI18n();
  const tasks = useQuery({ queryKey: ['chronic', 'tasks'], queryFn: () => openRiskTasks() });
  const ids = (tasks.data?.tasks ?? []).map((x) => refId(x.for)).filter((x): x is string => !!x);
  const names = useQuery({ queryKey: ['chronic', 'names', ids], queryFn: () => patientsById(ids), enabled: ids.length > 0, staleTime: 5 * 60_000 });
  const [open, setOpen] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  if (tasks.isPending) return <Loading inline />;
  if (tasks.error) return <ErrorBox error={tasks.error} onRetry={() => void tasks.refetch()} />;
  return (
    <>
      {done && (
        <p className="success-box" role="status" data-testid="task-done">
          {t('task.completed', { name: done })}
        </p>
      )}
      {tasks.data.tasks.length === 0 ? (
        <Empty text={t('wl.empty.tasks')} />
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="task-list">
            <thead>
              <tr>
                <th scope="col">{t('ws.col.name')}</th>
                <th scope="col">{t('task.col.intervention')}</th>
                <th scope="col">{t('task.col.priority')}</th>
                <th scope="col">{t('task.col.due')}</th>
                <th scope="col">{t('task.col.reason')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('wl.col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tasks.data.tasks.map((task) => {
                const patient = refId(task.for);
                const p = patient ? names.data?.get(patient) : undefined;
                const name = p ? displayName(p.name) : names.isPending ? '…' : (patient ?? '').slice(0, 8);
                const code = task.code?.coding?.find((c) => c.system === INTERVENTION_SYSTEM)?.code ?? '';
                return (
                  <TaskRow
                    key={task.id}
                    task={task}
                    name={name}
                    patient={patient}
                    intervention={CODES.includes(code) ? t(`task.code.${code}` as MessageKey) : (task.code?.text ?? code)}
                    open={open === task.id}
                    onOpen={() => setOpen(open === task.id ? null : (task.id ?? null))}
                    onFollowUp={onFollowUp}
                    onDone={() => {
                      setOpen(null);
                      setDone(name);
                    }}
                  />
                );
              })}
            </tbody>
          </table>
          {tasks.data.more && <p className="muted small">{t('task.more', { n: tasks.data.tasks.length })}</p>}
        </div>
      )}
    </>
  );
}

function TaskRow(props: { task: Task; name: string; patient?: string; intervention: string; open: boolean; onOpen: () => void; onFollowUp: (patient: string) => void; onDone: () => void }) {
  const { t } = useI18n();
  const { task, name, patient } = props;
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState('');
  const [missing, setMissing] = useState(false);
  const complete = useMutation({
    mutationFn: () => completeTask(task.id!, outcome.trim()),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['chronic'] });
      props.onDone();
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!outcome.trim()) {
      setMissing(true);
      return;
    }
    complete.mutate();
  }
  const due = task.restriction?.period?.end?.slice(0, 10);
  const overdue = due !== undefined && due < new Date().toISOString().slice(0, 10);
  const formId = `task-form-${task.id}`;
  return (
    <>
      <tr data-testid="task-row" data-task={task.id}>
        <td>{patient ? <Link to={`/patients/${patient}`}>{name}</Link> : name}</td>
        <td>{props.intervention}</td>
        <td>{task.priority ? t(`task.priority.${task.priority}` as MessageKey) : '—'}</td>
        <td className="nowrap">
          {due ?? '—'} {overdue && <span className="badge overdue">{t('task.overdue')}</span>}
        </td>
        <td className="small">{task.description ?? task.reasonCode?.text ?? ''}</td>
        <td>
          <div className="row-actions">
            <button type="button" aria-expanded={props.open} aria-controls={formId} onClick={props.onOpen} aria-label={t('task.completeFor', { name })} data-testid="task-complete">
              {t('task.complete')}
            </button>
            {patient && (
              <button type="button" onClick={() => props.onFollowUp(patient)} aria-label={t('wl.followUpFor', { name })}>
                {t('wl.followUp')}
              </button>
            )}
          </div>
        </td>
      </tr>
      {props.open && (
        <tr>
          <td colSpan={6}>
            <form id={formId} className="inline-form" onSubmit={submit} noValidate data-testid="task-form">
              <label>
                {t('task.outcome')}
                <input
                  value={outcome}
                  onChange={(e) => {
                    setOutcome(e.target.value);
                    setMissing(false);
                  }}
                  placeholder={t('task.outcomePlaceholder')}
                  maxLength={500}
                  size={40}
                  aria-invalid={missing}
                  aria-describedby={missing ? `${formId}-error` : undefined}
                  data-testid="task-outcome"
                />
              </label>
              <button type="submit" className="primary" disabled={complete.isPending} data-testid="task-submit">
                {complete.isPending ? t('fu.saving') : t('task.submit')}
              </button>
              {missing && (
                <p id={`${formId}-error`} className="field-error">
                  {t('task.outcomeRequired')}
                </p>
              )}
            </form>
            {complete.error && <ErrorBox error={complete.error} />}
          </td>
        </tr>
      )}
    </>
  );
}
