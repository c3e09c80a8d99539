/**
 * Pure classification of FHIR resources into projection rows: which conditions are hypertension
 * or type 2 diabetes, which observations are blood pressure or fasting glucose (with unit
 * conversion and plausibility), which dispenses count for the medication service.
 */
import type { Condition, Encounter, MedicationDispense, Observation } from '@medplum/fhirtypes';

export type ChronicCategory = 'hypertension' | 'diabetes';

const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';

/** ICD-10 I10–I15 (hypertensive diseases), E11 (type 2 diabetes); SNOMED CT as Synthea codes them. */
export function conditionCategory(c: Condition): { category: ChronicCategory; code: string } | null {
  for (const coding of c.code?.coding ?? []) {
    const code = coding.code ?? '';
    if (coding.system === ICD10 || coding.system?.startsWith('http://hl7.org/fhir/sid/icd-10')) {
      if (/^I1[0-5]/.test(code)) return { category: 'hypertension', code };
      if (/^E11/.test(code)) return { category: 'diabetes', code };
    }
    if (coding.system === SNOMED) {
      if (code === '38341003' || code === '59621000') return { category: 'hypertension', code };
      if (code === '44054006') return { category: 'diabetes', code };
    }
  }
  return null;
}

/** Active unless resolved/inactive/remission or refuted/entered-in-error (FHIR R4 Condition status). */
export function conditionActive(c: Condition): boolean {
  const clinical = c.clinicalStatus?.coding?.[0]?.code;
  const verification = c.verificationStatus?.coding?.[0]?.code;
  if (verification === 'refuted' || verification === 'entered-in-error') return false;
  return clinical === undefined || clinical === 'active' || clinical === 'recurrence' || clinical === 'relapse';
}

/** Date part (YYYY-MM-DD) of a FHIR date/dateTime/instant, or null. */
export function datePart(value: string | undefined): string | null {
  if (!value) return null;
  if (/^\d{4}$/.test(value)) return `${value}-01-01`;
  if (/^\d{4}-\d{2}$/.test(value)) return `${value}-01`;
  return /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
}

const FINAL = new Set(['final', 'amended', 'corrected']);
const hasCode = (codes: { coding?: { system?: string; code?: string }[] } | undefined, wanted: readonly string[]) =>
  (codes?.coding ?? []).some((c) => c.system === LOINC && wanted.includes(c.code ?? ''));

/**
 * Blood pressure from a panel (LOINC 85354-9, or 55284-4 as Synthea sends it) with systolic
 * 8480-6 and diastolic 8462-4 components. Plausible: 60 ≤ SBP ≤ 300, 30 ≤ DBP ≤ 200, SBP > DBP.
 */
export function bloodPressure(o: Observation): { effective: string; sbp: number; dbp: number; plausible: boolean } | null {
  if (!FINAL.has(o.status) || !hasCode(o.code, ['85354-9', '55284-4'])) return null;
  const component = (code: string) => o.component?.find((c) => hasCode(c.code, [code]))?.valueQuantity?.value;
  const sbp = component('8480-6');
  const dbp = component('8462-4');
  const effective = datePart(o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.issued);
  if (typeof sbp !== 'number' || typeof dbp !== 'number' || !effective) return null;
  return { effective, sbp, dbp, plausible: sbp >= 60 && sbp <= 300 && dbp >= 30 && dbp <= 200 && sbp > dbp };
}

/**
 * Fasting glucose in mmol/L: LOINC 14771-0 (mmol/L) or 1558-6 (mg/dL, ÷ 18.016 = molar mass of
 * glucose / 10). A value whose unit contradicts its code is converted by its unit. Plausible 1–40 mmol/L.
 */
export function fastingGlucose(o: Observation): { effective: string; mmolL: number; plausible: boolean } | null {
  if (!FINAL.has(o.status) || !hasCode(o.code, ['14771-0', '1558-6'])) return null;
  const q = o.valueQuantity;
  const effective = datePart(o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.issued);
  if (typeof q?.value !== 'number' || !effective) return null;
  const unit = (q.code ?? q.unit ?? '').toLowerCase();
  const mgdl = unit === 'mg/dl' || (unit === '' && hasCode(o.code, ['1558-6']));
  const mmolL = mgdl ? q.value / 18.016 : q.value;
  return { effective, mmolL, plausible: mmolL >= 1 && mmolL <= 40 };
}

/** Encounter start date. */
export function encounterStart(e: Encounter): string | null {
  if (e.status === 'cancelled' || e.status === 'entered-in-error') return null;
  return datePart(e.period?.start);
}

/** A completed dispense with its drug (ATC code or text), class (ATC level 4) and days' supply. */
export function dispense(d: MedicationDispense): { handedOver: string; drug: string; drugClass: string; daysSupply: number } | null {
  if (d.status !== 'completed') return null;
  const handedOver = datePart(d.whenHandedOver ?? d.whenPrepared);
  const coding = d.medicationCodeableConcept?.coding?.[0];
  const drug = coding?.code ?? d.medicationCodeableConcept?.text;
  const days = d.daysSupply?.value;
  if (!handedOver || !drug || typeof days !== 'number' || days <= 0) return null;
  const atc = coding?.system === 'http://www.whocc.no/atc' && drug.length >= 5;
  return { handedOver, drug, drugClass: atc ? drug.slice(0, 5) : drug, daysSupply: Math.round(days) };
}
