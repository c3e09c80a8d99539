/**
 * Parsing and plausibility checks of a recorded follow-up (POST /api/chronic/follow-ups), pure.
 * A value a person typed that cannot be true is refused with a 400 OperationOutcome naming the
 * field, so it can never reach an indicator: BP outside 60–300 / 30–200 mmHg or systolic not above
 * diastolic (the same plausibility as the projections), fasting glucose outside 1–40 mmol/L (a
 * value that is plausible once read as mg/dL is named as such: mmol/L = mg/dL ÷ 18.016).
 */
import { outcomes, parseBloodPressure, parseFastingGlucose } from '../../foundation/fhir/index.js';
import type { ChronicCategory } from './classify.js';
import { addDays } from './follow-up-rules.js';
import { parseFormItems, type FollowUpSymptom, type MedicationAdherence } from './follow-up-form.js';

/** Long prescriptions cover at most 12 weeks (长期处方管理规范（试行）, National Health Commission and National Healthcare Security Administration, 2021). */
export const MAX_PRESCRIPTION_DAYS = 84;

export interface MedicineInput {
  atc: string;
  name: string | null;
  /** Days the whole prescription covers (≤ 84). */
  daysSupply: number;
  /** Refills after the first fill: the supply is handed over in refills + 1 equal parts. */
  refills: number;
  perDay: number | null;
}

export interface FollowUpInput {
  patient: string;
  date: string;
  conditions: ChronicCategory[] | null;
  bp: { systolic: number; diastolic: number } | null;
  glucose: { mmolL: number } | null;
  medicines: MedicineInput[];
  nextDate: string | null;
  facility: string | null;
  practitioner: string | null;
  /** Symptoms (症状) and self-reported adherence (服药依从性) of the national form (follow-up-form.ts). */
  symptoms: FollowUpSymptom[] | null;
  adherence: MedicationAdherence | null;
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const isDate = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function optionalId(v: unknown, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !ID.test(v)) outcomes.fail(`${field} must be a resource id`, field);
  return v;
}

/** Parses the request body; `today` (YYYY-MM-DD) bounds the visit date. Throws a 400 naming the field. */
export function parseFollowUp(body: unknown, today: string): FollowUpInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) outcomes.fail('body must be a JSON object', 'body');
  const b = body as Record<string, unknown>;
  if (typeof b.patient !== 'string' || !ID.test(b.patient)) outcomes.fail('patient must be the Patient id', 'patient');
  if (!isDate(b.date)) outcomes.fail('date must be a date YYYY-MM-DD', 'date');
  if (b.date > today) outcomes.fail(`date ${b.date} is in the future`, 'date');
  if (b.date < '1900-01-01') outcomes.fail('date is before 1900', 'date');

  let conditions: ChronicCategory[] | null = null;
  if (b.conditions !== undefined) {
    if (!Array.isArray(b.conditions) || b.conditions.length === 0 || !b.conditions.every((c) => c === 'hypertension' || c === 'diabetes')) outcomes.fail('conditions must be a list of hypertension and/or diabetes', 'conditions');
    conditions = [...new Set(b.conditions as ChronicCategory[])];
  }

  // Plausibility: one definition for every form (foundation/fhir/plausibility.ts).
  const bp: FollowUpInput['bp'] = b.bp !== undefined && b.bp !== null ? parseBloodPressure(b.bp, 'bp') : null;
  const glucose: FollowUpInput['glucose'] = b.glucose !== undefined && b.glucose !== null ? parseFastingGlucose(b.glucose, 'glucose') : null;

  const medicines: MedicineInput[] = [];
  if (b.medicines !== undefined) {
    if (!Array.isArray(b.medicines) || b.medicines.length > 10) outcomes.fail('medicines must be a list of at most 10', 'medicines');
    b.medicines.forEach((m: unknown, i: number) => {
      const at = `medicines[${i}]`;
      const v = (m ?? {}) as Record<string, unknown>;
      if (typeof v.atc !== 'string' || !/^[A-Z]\d{2}[A-Z]{2}\d{2}$/.test(v.atc)) outcomes.fail(`${at}.atc must be a WHO ATC code of 7 characters (e.g. C08CA01)`, `${at}.atc`);
      if (!Number.isInteger(v.daysSupply) || (v.daysSupply as number) < 1 || (v.daysSupply as number) > MAX_PRESCRIPTION_DAYS) outcomes.fail(`${at}.daysSupply must be 1–${MAX_PRESCRIPTION_DAYS} days (long prescriptions cover at most 12 weeks)`, `${at}.daysSupply`);
      const refills = v.refills ?? 0;
      if (!Number.isInteger(refills) || (refills as number) < 0 || (refills as number) > 2) outcomes.fail(`${at}.refills must be 0, 1 or 2`, `${at}.refills`);
      if (v.perDay !== undefined && (!isNumber(v.perDay) || v.perDay <= 0 || v.perDay > 10)) outcomes.fail(`${at}.perDay must be a number of doses a day (0–10)`, `${at}.perDay`);
      if (v.name !== undefined && typeof v.name !== 'string') outcomes.fail(`${at}.name must be text`, `${at}.name`);
      medicines.push({ atc: v.atc, name: (v.name as string | undefined) ?? null, daysSupply: v.daysSupply as number, refills: refills as number, perDay: (v.perDay as number | undefined) ?? null });
    });
  }

  let nextDate: string | null = null;
  if (b.nextDate !== undefined && b.nextDate !== null) {
    if (!isDate(b.nextDate)) outcomes.fail('nextDate must be a date YYYY-MM-DD', 'nextDate');
    if (b.nextDate <= b.date) outcomes.fail('nextDate must be after date', 'nextDate');
    if (b.nextDate > addDays(b.date, 366)) outcomes.fail('nextDate must be within a year of date', 'nextDate');
    nextDate = b.nextDate;
  }
  return { patient: b.patient, date: b.date, conditions, bp, glucose, medicines, nextDate, facility: optionalId(b.facility, 'facility'), practitioner: optionalId(b.practitioner, 'practitioner'), ...parseFormItems(b) };
}
