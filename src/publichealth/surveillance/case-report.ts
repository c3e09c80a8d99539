/**
 * Pure recognition of case reports and syndrome diagnoses in FHIR Conditions, with the report
 * deadline and whether the report was late.
 *
 * - A case report is a Condition with the case-report category (`notifiable`, the category the access
 *   module's `case-reports` scope reads) and an ICD-10 code of a listed disease.
 * - A syndrome diagnosis is a Condition with category `encounter-diagnosis` (FHIR R4 condition-category)
 *   whose code is in a syndrome's list; one Condition may be both.
 * - Diagnosis time: the core extension condition-assertedDate ("date the condition was first asserted"),
 *   else the start of the Condition's encounter, else its recordedDate.
 * - Report time: Condition.recordedDate ("date record was first recorded", FHIR R4), else the time the
 *   platform first received the Condition.
 * - Counting date (`day`): the local date of the report, as CIDARS counts cases (Yang W. et al. 2011).
 * - Deadline: diagnosis + the disease's hours (2 h class A and managed-as-A, else 24 h; see diseases.ts).
 *   A diagnosis known only to the day is taken at the end of that day (China Standard Time), so a
 *   date-only diagnosis is never flagged late by accident.
 */
import type { Condition } from '@medplum/fhirtypes';
import { CASE_REPORT_CATEGORY_SYSTEM, CONDITION_CATEGORY_SYSTEM } from '../../foundation/fhir/index.js';
import { matchDisease, type DiseaseClass, type DiseaseList } from './diseases.js';

export const ASSERTED_DATE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/condition-assertedDate';

export interface CaseRow {
  disease: string;
  kind: 'case' | 'syndrome';
  diseaseClass: DiseaseClass | null;
  code: string;
  /** Patient id of Condition.subject. */
  patientId: string | null;
  /** Counting date YYYY-MM-DD (local date of the report). */
  day: string;
  diagnosedAt: Date | null;
  reportedAt: Date;
  deadlineAt: Date | null;
  late: boolean | null;
  /** FHIR verificationStatus (suspected cases — provisional/unconfirmed — are reported too). */
  verification: string | null;
}

/** Date part YYYY-MM-DD of a FHIR date/dateTime as written (the local date where it was recorded). */
function localDate(value: string): string | null {
  return /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
}

/** Instant of a FHIR dateTime; a date without time is the end of that day in China Standard Time (UTC+8). */
export function instantOf(value: string | undefined, dateOnly: 'start' | 'end' = 'end'): Date | null {
  if (!value) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T${dateOnly === 'end' ? '23:59:59' : '00:00:00'}+08:00`);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t);
}

function hasCategory(c: Condition, system: string, code: string): boolean {
  return (c.category ?? []).some((cc) => (cc.coding ?? []).some((x) => x.system === system && x.code === code));
}

/** Id of the Encounter a Condition points at (`Encounter/<id>`), if any. */
export function encounterIdOf(c: Condition): string | null {
  const m = /^Encounter\/([A-Za-z0-9\-.]{1,64})$/.exec(c.encounter?.reference ?? '');
  return m ? m[1] : null;
}

/** Does the Condition need its encounter's start to date the diagnosis? */
export function needsEncounterStart(c: Condition): boolean {
  return !c.extension?.some((e) => e.url === ASSERTED_DATE_EXTENSION && e.valueDateTime) && encounterIdOf(c) !== null;
}

/**
 * The case and syndrome rows of a Condition (none if it is refuted or entered in error, or has no
 * listed code). `encounterStart` is Condition.encounter's period.start; `receivedAt` when the
 * platform first stored the Condition.
 */
export function classifyCondition(c: Condition, list: DiseaseList, ctx: { encounterStart?: string | null; receivedAt: Date }): CaseRow[] {
  const verification = c.verificationStatus?.coding?.[0]?.code ?? null;
  if (verification === 'refuted' || verification === 'entered-in-error') return [];
  const icd = (c.code?.coding ?? []).find((x) => x.system?.startsWith('http://hl7.org/fhir/sid/icd-10') && x.code)?.code;
  if (!icd) return [];
  const notifiable = hasCategory(c, CASE_REPORT_CATEGORY_SYSTEM, 'notifiable');
  const encounterDiagnosis = hasCategory(c, CONDITION_CATEGORY_SYSTEM, 'encounter-diagnosis');
  const matches = [...(notifiable ? matchDisease(list, 'case', icd) : []), ...(encounterDiagnosis ? matchDisease(list, 'syndrome', icd) : [])];
  if (matches.length === 0) return [];

  const asserted = c.extension?.find((e) => e.url === ASSERTED_DATE_EXTENSION)?.valueDateTime;
  const diagnosedRaw = asserted ?? ctx.encounterStart ?? c.recordedDate;
  const diagnosedAt = instantOf(diagnosedRaw ?? undefined);
  const reportedAt = instantOf(c.recordedDate, 'start') ?? ctx.receivedAt;
  const day = (c.recordedDate && localDate(c.recordedDate)) ?? shanghaiDate(ctx.receivedAt);
  const patientId = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(c.subject?.reference ?? '')?.[1] ?? null;
  return matches.map((d) => {
    const deadlineAt = d.kind === 'case' && diagnosedAt && d.deadlineHours !== undefined ? new Date(diagnosedAt.getTime() + d.deadlineHours * 3_600_000) : null;
    return {
      disease: d.key,
      kind: d.kind,
      diseaseClass: d.kind === 'case' ? (d.class ?? null) : null,
      code: icd,
      patientId,
      day,
      diagnosedAt,
      reportedAt,
      deadlineAt,
      late: deadlineAt ? reportedAt.getTime() > deadlineAt.getTime() : null,
      verification,
    };
  });
}

/** Calendar date in China Standard Time (UTC+8, no daylight saving) of an instant. */
export function shanghaiDate(t: Date): string {
  return new Date(t.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
