/**
 * Open Tasks of the patient (issue 9): risk interventions (code in the risk-intervention system,
 * reason a guideline trigger or a model; docs/risk-models.md) and referral Tasks (code `fulfill`,
 * docs/referral.md), due first, with the due date (Task.restriction.period.end) and the reason.
 */
import type { Task } from '@medplum/fhirtypes';
import { INTERVENTION_SYSTEM } from '../../api/chronic';
import { codeIn, conceptText } from '../../api/fhir-codes';
import { useI18n, type MessageKey, type Translate } from '../../i18n';
import { Empty } from '../Status';
import { RISK_MODEL_SYSTEM, TRIGGER_SYSTEM } from '../../../../src/healthmgmt/risk/codes';

const TASK_CODE_SYSTEM = 'http://hl7.org/fhir/CodeSystem/task-code';

function known(t: Translate, key: string, fallback: string): string {
  const s = t(key as MessageKey);
  return s === key ? fallback : s;
}

function what(t: Translate, task: Task): string {
  const intervention = codeIn(task.code, INTERVENTION_SYSTEM);
  if (intervention) return known(t, `task.code.${intervention}`, conceptText(task.code));
  if (codeIn(task.code, TASK_CODE_SYSTEM) === 'fulfill') return t('p360.task.referral');
  return conceptText(task.code) || t('p360.task.other');
}

/** The reason: a trigger or model named in the user's language, then the server's own words. */
function why(t: Translate, task: Task): { label?: string; text: string } {
  const trigger = codeIn(task.reasonCode, TRIGGER_SYSTEM);
  const model = codeIn(task.reasonCode, RISK_MODEL_SYSTEM);
  const label = trigger ? known(t, `p360.trigger.${trigger}`, trigger) : model ? known(t, `p360.model.${model}`, model) : undefined;
  return { label, text: task.description ?? conceptText(task.reasonCode) };
}

export function OpenTaskList({ tasks, today }: { tasks: Task[]; today: string }) {
  const { t } = useI18n();
  if (tasks.length === 0) return <Empty text={t('p360.noTasks')} />;
  return (
    <ul className="plain-list" data-testid="open-tasks" style={{ maxHeight: 'none' }}>
      {tasks.map((task) => {
        const due = task.restriction?.period?.end?.slice(0, 10);
        const overdue = due !== undefined && due < today;
        const reason = why(t, task);
        return (
          <li key={task.id} data-testid="open-task" data-task={task.id}>
            <strong>{what(t, task)}</strong> {task.priority && <span className="badge">{t(`task.priority.${task.priority}` as MessageKey)}</span>}{' '}
            <span className="muted small">{known(t, `p360.taskStatus.${task.status}`, task.status)}</span>
            <br />
            <span className="small">
              {due ? (
                <>
                  {t('task.col.due')}: <time dateTime={due} data-testid="task-due">{due}</time> {overdue && <span className="badge overdue">{t('task.overdue')}</span>}
                </>
              ) : (
                t('p360.noDue')
              )}
            </span>
            <br />
            <span className="small" data-testid="task-reason">
              {t('task.col.reason')}: {reason.label && <strong>{reason.label}</strong>} {reason.text && <span className="muted">{reason.text}</span>}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
