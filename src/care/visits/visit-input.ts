/**
 * Parsing of POST /api/care/visits (400 OperationOutcome naming the field; pure, the clock is an
 * argument). BP and fasting glucose use the one plausibility definition of the platform
 * (foundation/fhir/plausibility.ts, also used by the chronic follow-up); the outcome's referral and
 * teleconsultation are parsed by their own modules, with their fields named under `outcome.`.
 */
import { OperationOutcomeError, outcomes, parseBloodPressure, parseFastingGlucose } from '../../foundation/fhir/index.js';
import { parseNewReferral, type NewReferral } from '../referral/index.js';
import { parseNewTeleconsult, type NewTeleconsult } from '../teleconsult/index.js';

/** Long prescriptions cover at most 12 weeks (长期处方管理规范（试行）, National Health Commission and National Healthcare Security Administration, 2021). */
export const MAX_DAYS_SUPPLY = 84;
/** Body weight, kg: a newborn to the heaviest adults seen in clinics; beyond it is a typing error. */
export const WEIGHT_KG = { min: 0.5, max: 300 } as const;
/** Body temperature, °C: below 30 or above 45 is not compatible with a walk-in visit (severe hypothermia < 30 °C, WHO; hyperpyrexia > 41 °C). */
export const TEMPERATURE_C = { min: 30, max: 45 } as const;

export type VisitOutcomeKind = 'resolved' | 'teleconsult' | 'referred';

export interface PrescriptionInput {
  atc: string;
  name: string | null;
  daysSupply: number;
  perDay: number | null;
  quantity: number | null;
  /** Handed over at the clinic: the quantity given. */
  dispensed: { quantity: number } | null;
}

export interface VisitInput {
  patient: string;
  clinic: string;
  practitioner: string | null;
  at: Date;
  complaint: string | null;
  bp: { systolic: number; diastolic: number } | null;
  glucose: { mmolL: number } | null;
  weightKg: number | null;
  temperatureC: number | null;
  diagnoses: { code: string; display: string | null }[];
  prescriptions: PrescriptionInput[];
  outcome:
    | { kind: 'resolved' }
    | { kind: 'teleconsult'; teleconsult: Omit<NewTeleconsult, 'patient' | 'requester'> }
    | { kind: 'referred'; referral: Omit<NewReferral, 'patient' | 'requester'> };
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
/** ICD-10 code: category letter + 2 digits, optional subdivision (WHO ICD-10; GB/T 14396 uses the same form). */
const ICD10 = /^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$/;
const ATC = /^[A-Z]\d{2}[A-Z]{2}\d{2}$/;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const present = (v: unknown) => v !== undefined && v !== null;

function id(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ID.test(value)) outcomes.fail(`${field} must be a resource id`, field);
  return value;
}

function optionalText(value: unknown, field: string, max: number): string | null {
  if (!present(value) || value === '') return null;
  if (typeof value !== 'string' || value.length > max) outcomes.fail(`${field} must be text of at most ${max} characters`, field);
  return value;
}

function range(value: unknown, field: string, unit: string, r: { min: number; max: number }): number | null {
  if (!present(value)) return null;
  if (!isNumber(value)) outcomes.fail(`${field} must be a number (${unit})`, field);
  if (value < r.min || value > r.max) outcomes.fail(`${field} ${value} ${unit} is not plausible (${r.min}–${r.max})`, field);
  return value;
}

/** Runs a parser of another module and names its fields under `prefix` (e.g. `performer` → `outcome.performer`). */
function under<T>(prefix: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof OperationOutcomeError) for (const issue of e.outcome.issue ?? []) issue.expression = issue.expression?.map((x) => `${prefix}.${x}`) ?? [prefix];
    throw e;
  }
}

function prescription(value: unknown, at: string): PrescriptionInput {
  if (!value || typeof value !== 'object') outcomes.fail(`${at} must be an object {atc, name?, daysSupply, perDay?, quantity?, dispensed?}`, at);
  const v = value as Record<string, unknown>;
  if (typeof v.atc !== 'string' || !ATC.test(v.atc)) outcomes.fail(`${at}.atc must be a WHO ATC code of 7 characters (e.g. J01CA04)`, `${at}.atc`);
  if (!Number.isInteger(v.daysSupply) || (v.daysSupply as number) < 1 || (v.daysSupply as number) > MAX_DAYS_SUPPLY) outcomes.fail(`${at}.daysSupply must be 1–${MAX_DAYS_SUPPLY} days`, `${at}.daysSupply`);
  if (present(v.perDay) && (!isNumber(v.perDay) || v.perDay <= 0 || v.perDay > 10)) outcomes.fail(`${at}.perDay must be a number of doses a day (0–10)`, `${at}.perDay`);
  if (present(v.quantity) && (!isNumber(v.quantity) || v.quantity <= 0 || v.quantity > 10_000)) outcomes.fail(`${at}.quantity must be a positive number of units`, `${at}.quantity`);
  let dispensed: PrescriptionInput['dispensed'] = null;
  if (present(v.dispensed)) {
    const d = (v.dispensed ?? {}) as Record<string, unknown>;
    if (!isNumber(d.quantity) || d.quantity <= 0 || d.quantity > 10_000) outcomes.fail(`${at}.dispensed.quantity must be a positive number of units`, `${at}.dispensed.quantity`);
    if (present(v.quantity) && d.quantity > (v.quantity as number)) outcomes.fail(`${at}.dispensed.quantity is more than the prescribed quantity`, `${at}.dispensed.quantity`);
    dispensed = { quantity: d.quantity };
  }
  return { atc: v.atc, name: optionalText(v.name, `${at}.name`, 200), daysSupply: v.daysSupply as number, perDay: (v.perDay as number | undefined) ?? null, quantity: (v.quantity as number | undefined) ?? null, dispensed };
}

function outcome(value: unknown, patient: string, clinic: string, diagnoses: VisitInput['diagnoses']): VisitInput['outcome'] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) outcomes.fail('outcome is required: {kind: resolved | teleconsult | referred, …}', 'outcome');
  const v = value as Record<string, unknown>;
  if (v.kind === 'resolved') return { kind: 'resolved' };
  if (v.kind === 'teleconsult') {
    const { patient: _p, requester: _r, ...teleconsult } = under('outcome', () => parseNewTeleconsult({ ...v, patient, requester: clinic }));
    return { kind: 'teleconsult', teleconsult };
  }
  if (v.kind === 'referred') {
    // The referral's reason defaults to the visit's first diagnosis.
    const first = diagnoses[0];
    const reason = v.reason ?? (first ? { code: first.code, ...(first.display ? { display: first.display } : {}) } : undefined);
    const { patient: _p, requester: _r, ...referral } = under('outcome', () => parseNewReferral({ ...v, reason, patient, requester: clinic }));
    return { kind: 'referred', referral };
  }
  outcomes.fail('outcome.kind must be resolved, teleconsult or referred', 'outcome.kind');
}

/** Parses the body; `now` bounds the visit time. */
export function parseVisit(body: unknown, now: Date): VisitInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) outcomes.fail('body must be a JSON object', 'body');
  const b = body as Record<string, unknown>;
  const patient = id(b.patient, 'patient');
  const clinic = id(b.clinic, 'clinic');
  let at = now;
  if (present(b.at)) {
    if (typeof b.at !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(b.at) || Number.isNaN(Date.parse(b.at))) outcomes.fail('at must be an ISO date-time with zone, e.g. 2025-06-30T09:00:00+08:00', 'at');
    at = new Date(b.at);
    if (at.getTime() > now.getTime()) outcomes.fail('at must not be in the future', 'at');
  }
  const diagnoses: VisitInput['diagnoses'] = [];
  if (present(b.diagnoses)) {
    if (!Array.isArray(b.diagnoses) || b.diagnoses.length > 10) outcomes.fail('diagnoses must be a list of at most 10 {code, display?}', 'diagnoses');
    b.diagnoses.forEach((d: unknown, i: number) => {
      const v = (d ?? {}) as Record<string, unknown>;
      const code = typeof v.code === 'string' ? v.code.trim().toUpperCase() : '';
      if (!ICD10.test(code)) outcomes.fail(`diagnoses[${i}].code must be an ICD-10 code such as J06.9`, `diagnoses[${i}].code`);
      diagnoses.push({ code, display: optionalText(v.display, `diagnoses[${i}].display`, 200) });
    });
  }
  const prescriptions: PrescriptionInput[] = [];
  if (present(b.prescriptions)) {
    if (!Array.isArray(b.prescriptions) || b.prescriptions.length > 10) outcomes.fail('prescriptions must be a list of at most 10', 'prescriptions');
    b.prescriptions.forEach((p: unknown, i: number) => prescriptions.push(prescription(p, `prescriptions[${i}]`)));
  }
  return {
    patient,
    clinic,
    practitioner: present(b.practitioner) ? id(b.practitioner, 'practitioner') : null,
    at,
    complaint: optionalText(b.complaint, 'complaint', 1000),
    bp: present(b.bp) ? parseBloodPressure(b.bp, 'bp') : null,
    glucose: present(b.glucose) ? parseFastingGlucose(b.glucose, 'glucose') : null,
    weightKg: range(b.weight, 'weight', 'kg', WEIGHT_KG),
    temperatureC: range(b.temperature, 'temperature', '°C', TEMPERATURE_C),
    diagnoses,
    prescriptions,
    outcome: outcome(b.outcome, patient, clinic, diagnoses),
  };
}
