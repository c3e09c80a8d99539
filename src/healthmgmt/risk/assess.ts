/**
 * The scoring job (`healthy-brain risk assess`, POST /api/risk/assess): every living resident of an
 * org unit is assessed on `asOf`, RiskAssessments are written (idempotent: same resident, model and
 * date → same id, identical content → unchanged) and Tasks are created for the family-doctor team —
 * never a second one for the same intervention while one is open, nor twice on the same date.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { FhirStore, RequestContext } from '../../foundation/fhir/index.js';
import { BulkAnalyzeSchedule, validateInput } from '../../foundation/fhir/index.js';
import type { IsoDate } from './models/index.js';
import type { InterventionCode, RiskModelCode } from './codes.js';
import { riskAssessmentResource, taskResource } from './fhir-resources.js';
import type { TrainedModelFile } from './model-file.js';
import { planResident, type PlanOptions } from './plan.js';
import { blockedTasks, residentHistories } from './repository.js';

export interface AssessOptions extends PlanOptions {
  orgUnit: string;
  asOf: IsoDate;
  model?: TrainedModelFile | null;
  batchSize?: number;
  onProgress?: (residents: number) => void;
}

export interface AssessSummary {
  orgUnit: string;
  asOf: IsoDate;
  model: string | null;
  residents: number;
  assessed: number;
  assessments: Partial<Record<RiskModelCode, number>>;
  highRisk: Partial<Record<RiskModelCode, number>>;
  tasksCreated: number;
  tasksSkippedOpen: number;
  residentsWithNewTasks: number;
  interventions: Partial<Record<InterventionCode, number>>;
  seconds: number;
}

const bump = <K extends string>(m: Partial<Record<K, number>>, k: K) => (m[k] = (m[k] ?? 0) + 1);

/** Runs the assessment; writes with `ctx` (its access scope guards every write). */
export async function assessResidents(store: FhirStore, ctx: RequestContext, options: AssessOptions): Promise<AssessSummary> {
  const started = performance.now();
  // A district-wide run writes a RiskAssessment per resident: statistics on the bulk schedule.
  const statistics = new BulkAnalyzeSchedule(store);
  let written = 0;
  const summary: AssessSummary = {
    orgUnit: options.orgUnit,
    asOf: options.asOf,
    model: options.model?.id ?? null,
    residents: 0,
    assessed: 0,
    assessments: {},
    highRisk: {},
    tasksCreated: 0,
    tasksSkippedOpen: 0,
    residentsWithNewTasks: 0,
    interventions: {},
    seconds: 0,
  };
  for await (const batch of residentHistories(store.db, { orgUnit: options.orgUnit, asOf: options.asOf, batchSize: options.batchSize })) {
    summary.residents += batch.length;
    const blocked = await blockedTasks(store.db, batch.map((h) => h.residentId), options.asOf);
    const items: { resource: Resource; location: string }[] = [];
    for (const h of batch) {
      const plan = planResident(h, options.asOf, options);
      if (plan.assessments.length === 0) continue;
      summary.assessed++;
      const resources = plan.assessments.map((a) => {
        bump(summary.assessments, a.model);
        if (a.predictions.some((p) => p.stratum === 'high')) bump(summary.highRisk, a.model);
        const ra = riskAssessmentResource(h, options.asOf, a);
        items.push({ resource: validateInput(ra, 'RiskAssessment'), location: `RiskAssessment/${ra.id}` });
        return ra;
      });
      let created = 0;
      for (const i of plan.interventions) {
        if (blocked.has(`${h.residentId}|${i.code}`)) {
          summary.tasksSkippedOpen++;
          continue;
        }
        const task = taskResource(h, options.asOf, i, resources[i.assessment]);
        items.push({ resource: validateInput(task, 'Task'), location: `Task/${task.id}` });
        bump(summary.interventions, i.code);
        created++;
      }
      summary.tasksCreated += created;
      if (created > 0) summary.residentsWithNewTasks++;
    }
    for (let k = 0; k < items.length; k += 1000) {
      for (const outcome of await store.importBatch(ctx, items.slice(k, k + 1000), { deferAnalyze: true })) if (outcome !== 'unchanged') written++;
      statistics.note(written);
    }
    options.onProgress?.(summary.residents);
  }
  await statistics.finish();
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}
