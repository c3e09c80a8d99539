/** FHIR case reports for the surveillance tests. */
import { CASE_REPORT_CATEGORY_SYSTEM, CONDITION_CATEGORY_SYSTEM, ICD10_SYSTEM } from '../../src/foundation/fhir/index.js';
import { ASSERTED_DATE_EXTENSION } from '../../src/publichealth/index.js';

/** A confirmed notifiable case report (also an encounter diagnosis) of `patient` with ICD-10 `code`, recorded at `recorded`. */
export function caseReport(patient: string, code: string, recorded: string, extra: Record<string, unknown> = {}) {
  return {
    resourceType: 'Condition',
    subject: { reference: `Patient/${patient}` },
    category: [
      { coding: [{ system: CONDITION_CATEGORY_SYSTEM, code: 'encounter-diagnosis' }] },
      { coding: [{ system: CASE_REPORT_CATEGORY_SYSTEM, code: 'notifiable' }] },
    ],
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    code: { coding: [{ system: ICD10_SYSTEM, code }] },
    recordedDate: recorded,
    ...extra,
  };
}

/** The diagnosis time of a case report (the asserted-date extension). */
export const asserted = (when: string) => ({ extension: [{ url: ASSERTED_DATE_EXTENSION, valueDateTime: when }] });
