/**
 * Keeps proj_risk_assessment and proj_risk_task in step with the FHIR store, inside the write
 * transaction of every RiskAssessment and Task (replace by resource id, so updates — a Task
 * completed by the doctor — and deletes are exact). Only RiskAssessments whose method is one of
 * our models and Tasks whose code is one of our interventions are projected.
 */
import type { RiskAssessment, Task } from '@medplum/fhirtypes';
import { replaceRows, type Executor } from '../../foundation/db/index.js';
import type { Projector, ResourceChange } from '../../foundation/fhir/index.js';
import { INTERVENTION_SYSTEM, RISK_MODEL_SYSTEM, RISK_PROBABILITY_SYSTEM, TRIGGER_SYSTEM } from './codes.js';

type Row = Record<string, unknown>;

const day = (value: string | undefined): string | null => (value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null);

/** The projection row of a RiskAssessment, or null when it is not one of ours. */
export function assessmentRow(id: string, residentId: string, orgUnit: string | null, ra: RiskAssessment): Row | null {
  const model = ra.method?.coding?.find((c) => c.system === RISK_MODEL_SYSTEM)?.code;
  const occurrence = day(ra.occurrenceDateTime);
  if (!model || !occurrence || ra.status === 'entered-in-error') return null;
  const first = ra.prediction?.[0];
  const stratum = first?.qualitativeRisk?.coding?.find((c) => c.system === RISK_PROBABILITY_SYSTEM)?.code ?? null;
  return { resource_id: id, resident_id: residentId, org_unit: orgUnit, model, occurrence, probability: first?.probabilityDecimal ?? null, stratum };
}

/** Outcome the doctor recorded on a Task: the first output's text, code or string. */
export function taskOutcome(task: Task): string | null {
  for (const o of task.output ?? []) {
    const text = o.valueString ?? o.valueCodeableConcept?.text ?? o.valueCodeableConcept?.coding?.[0]?.code ?? o.valueMarkdown;
    if (text) return text.slice(0, 500);
  }
  return null;
}

/** The projection row of a Task, or null when it is not one of ours. */
export function taskRow(id: string, residentId: string, orgUnit: string | null, task: Task): Row | null {
  const code = task.code?.coding?.find((c) => c.system === INTERVENTION_SYSTEM)?.code;
  const authored = day(task.authoredOn);
  if (!code || !authored) return null;
  const reason = task.reasonCode?.coding?.find((c) => c.system === TRIGGER_SYSTEM || c.system === RISK_MODEL_SYSTEM)?.code ?? null;
  // Completion date: when the work ended, else when the completed version was written (a client that
  // copies the Task and only changes its status leaves lastModified at the creation date).
  const completed = task.status === 'completed' ? (day(task.executionPeriod?.end) ?? day(task.meta?.lastUpdated) ?? day(task.lastModified) ?? authored) : null;
  return {
    resource_id: id,
    resident_id: residentId,
    org_unit: orgUnit,
    owner: task.owner?.reference ?? null,
    code,
    reason,
    status: task.status,
    authored,
    due: day(task.restriction?.period?.end),
    completed,
    outcome: taskOutcome(task),
    focus: task.focus?.reference ?? null,
  };
}

/** The projector to register with the FhirStore (DOMAIN_PROJECTORS). */
export const riskProjector: Projector = {
  name: 'risk-intervention',
  resourceTypes: ['RiskAssessment', 'Task'],
  async apply(ex: Executor, changes: readonly ResourceChange[]): Promise<void> {
    const assessments = { ids: [] as string[], rows: [] as Row[] };
    const tasks = { ids: [] as string[], rows: [] as Row[] };
    for (const c of changes) {
      const target = c.resourceType === 'Task' ? tasks : assessments;
      if (!c.created) target.ids.push(c.id);
      if (!c.resource || !c.residentId) continue;
      const row = c.resourceType === 'Task' ? taskRow(c.id, c.residentId, c.orgUnit, c.resource as Task) : assessmentRow(c.id, c.residentId, c.orgUnit, c.resource as RiskAssessment);
      if (row) target.rows.push(row);
    }
    await replaceRows(ex, 'proj_risk_assessment', 'resource_id', assessments.ids, assessments.rows);
    await replaceRows(ex, 'proj_risk_task', 'resource_id', tasks.ids, tasks.rows);
  },
};
