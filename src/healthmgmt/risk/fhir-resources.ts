/**
 * FHIR R4 RiskAssessment and Task resources of the intervention loop, built from a plan.
 * RiskAssessment (R4 §12.x): subject, occurrence, method (which model, cited), basis (the evidence),
 * prediction (probability and qualitative risk), inputs and explanation as extensions.
 * Task (R4 workflow): for the resident, owner the family-doctor CareTeam (or the managing
 * organization when the resident signed with no team), focus the RiskAssessment, status requested.
 */
import { createHash } from 'node:crypto';
import type { RiskAssessment, Task } from '@medplum/fhirtypes';
import type { IsoDate } from './models/index.js';
import {
  INTERVENTION_SYSTEM,
  INTERVENTION_TEXT,
  MODEL_CITATIONS,
  RISK_EXPLANATION_EXTENSION,
  RISK_INPUTS_EXTENSION,
  RISK_MODEL_SYSTEM,
  RISK_PROBABILITY_SYSTEM,
  TRIGGER_SYSTEM,
} from './codes.js';
import type { ResidentHistory } from './features.js';
import type { PlannedAssessment, PlannedIntervention } from './plan.js';

/** A deterministic FHIR id from its parts (same resident, model and date → same id: re-runs are idempotent). */
export function stableId(prefix: string, ...parts: string[]): string {
  return `${prefix}-${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 32)}`;
}

/** Start of the assessment day in China Standard Time. */
const dateTime = (date: IsoDate) => `${date}T00:00:00+08:00`;

export function riskAssessmentResource(h: ResidentHistory, asOf: IsoDate, a: PlannedAssessment): RiskAssessment {
  return {
    resourceType: 'RiskAssessment',
    id: stableId('ra', a.model, h.residentId, asOf),
    extension: [
      { url: RISK_INPUTS_EXTENSION, valueString: JSON.stringify(a.inputs) },
      { url: RISK_EXPLANATION_EXTENSION, valueString: JSON.stringify(a.explanation) },
    ],
    status: 'final',
    method: { coding: [{ system: RISK_MODEL_SYSTEM, code: a.model, version: a.version, display: MODEL_CITATIONS[a.model] }], text: MODEL_CITATIONS[a.model] },
    subject: { reference: `Patient/${h.residentId}` },
    occurrenceDateTime: dateTime(asOf),
    ...(a.basis.length > 0 ? { basis: a.basis.map((id) => ({ reference: `Observation/${id}` })) } : {}),
    prediction: a.predictions.map((p) => ({
      outcome: { text: p.outcome },
      ...(p.probability !== undefined ? { probabilityDecimal: p.probability } : {}),
      qualitativeRisk: { coding: [{ system: RISK_PROBABILITY_SYSTEM, code: p.stratum }] },
    })),
    note: [{ text: a.summary }],
  };
}

export function taskResource(h: ResidentHistory, asOf: IsoDate, i: PlannedIntervention, assessment: RiskAssessment): Task {
  const owner = h.careTeam ? { reference: `CareTeam/${h.careTeam}` } : h.managingOrganization ? { reference: `Organization/${h.managingOrganization}` } : undefined;
  return {
    resourceType: 'Task',
    id: stableId('task', i.code, h.residentId, asOf),
    status: 'requested',
    intent: 'order',
    priority: i.priority,
    code: { coding: [{ system: INTERVENTION_SYSTEM, code: i.code, display: INTERVENTION_TEXT[i.code] }], text: INTERVENTION_TEXT[i.code] },
    description: i.reason.text,
    focus: { reference: `RiskAssessment/${assessment.id}` },
    for: { reference: `Patient/${h.residentId}` },
    authoredOn: dateTime(asOf),
    lastModified: dateTime(asOf),
    ...(owner ? { owner } : {}),
    reasonCode: { coding: [{ system: i.reason.system === 'trigger' ? TRIGGER_SYSTEM : RISK_MODEL_SYSTEM, code: i.reason.code }], text: i.reason.text },
    restriction: { period: { end: i.dueBy } },
  };
}
