/**
 * Client-side checks of the "record a follow-up" form, pure (no React): the same plausibility
 * rules the server applies (src/healthmgmt/chronic/follow-up-input.ts), so most mistakes are caught
 * before sending, plus the fields a follow-up needs. The server stays the authority: its
 * OperationOutcome is mapped back to a form field with `fieldOfExpression`.
 *
 * Ranges: BP 60–300 / 30–200 mmHg, systolic above diastolic (the projections' plausibility);
 * fasting glucose 1–40 mmol/L (mmol/L = mg/dL ÷ 18.016); a long prescription covers at most 84 days
 * (长期处方管理规范（试行）, 2021) with 0–2 refills; the next follow-up within a year after the visit.
 * Required: BP for the hypertension programme and fasting glucose for the diabetes programme — the
 * measurements of every follow-up in the National Basic Public Health Service Standard, 3rd ed.
 * (2017), hypertension and type 2 diabetes management specifications §2.2.
 * Warnings (sent anyway): SBP ≥ 180 or DBP ≥ 110 mmHg, glucose ≥ 16.7 or ≤ 3.9 mmol/L — the
 * standard's urgent-referral range.
 */
import type { MessageKey } from '../../i18n';
import type { ChronicCondition, FollowUpBody } from '../../api/chronic';
import type { FollowUpSymptom, MedicationAdherence } from '../../../../src/healthmgmt/chronic/follow-up-codes';

export const MG_DL_PER_MMOL_L = 18.016;
export const MAX_PRESCRIPTION_DAYS = 84;

export type FollowUpField = 'date' | 'conditions' | 'sbp' | 'dbp' | 'glucose' | 'atc' | 'daysSupply' | 'refills' | 'nextDate';

export interface FollowUpFormValues {
  date: string;
  conditions: ChronicCondition[];
  sbp: string;
  dbp: string;
  glucose: string;
  glucoseUnit: 'mmol/L' | 'mg/dL';
  /** ATC code of a medicine prescribed at this visit ('' = none). */
  atc: string;
  daysSupply: string;
  refills: string;
  nextDate: string;
  /** Symptoms (症状) ticked on the national form's list; none ticked = not asked. */
  symptoms?: FollowUpSymptom[];
  /** Self-reported adherence (服药依从性); '' = not asked. */
  adherence?: MedicationAdherence | '';
}

export interface FieldMessage {
  key: MessageKey;
  vars?: Record<string, string | number>;
}

export interface FollowUpCheck {
  errors: Partial<Record<FollowUpField, FieldMessage>>;
  warnings: FieldMessage[];
  /** The request body, when there are no errors. */
  body?: FollowUpBody;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ATC = /^[A-Z]\d{2}[A-Z]{2}\d{2}$/;

function isDate(v: string): boolean {
  return DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A number typed in a field: undefined when empty, NaN when not a number (full-width digits accepted). */
export function parseNumber(text: string): number | undefined {
  const t = text.trim().replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  if (t === '') return undefined;
  return /^[-+]?\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

/**
 * Checks the form for a patient. `registered` = the programmes the resident is already in (from the
 * registry); a resident in none must be enrolled in one. `today` = YYYY-MM-DD.
 */
export function checkFollowUp(patient: string, v: FollowUpFormValues, registered: readonly ChronicCondition[], today: string): FollowUpCheck {
  const errors: FollowUpCheck['errors'] = {};
  const warnings: FieldMessage[] = [];

  if (!v.date) errors.date = { key: 'fu.err.required' };
  else if (!isDate(v.date)) errors.date = { key: 'fu.err.date' };
  else if (v.date > today) errors.date = { key: 'fu.err.future' };
  else if (v.date < '1900-01-01') errors.date = { key: 'fu.err.date' };

  const programmes = [...new Set([...registered, ...v.conditions])];
  if (programmes.length === 0) errors.conditions = { key: 'fu.err.conditions' };
  const hypertension = programmes.includes('hypertension');
  const diabetes = programmes.includes('diabetes');

  const sbp = parseNumber(v.sbp);
  const dbp = parseNumber(v.dbp);
  let bp: FollowUpBody['bp'];
  if (sbp === undefined && dbp === undefined) {
    if (hypertension) {
      errors.sbp = { key: 'fu.err.required' };
      errors.dbp = { key: 'fu.err.required' };
    }
  } else {
    if (sbp === undefined) errors.sbp = { key: 'fu.err.required' };
    else if (Number.isNaN(sbp)) errors.sbp = { key: 'fu.err.number' };
    else if (sbp < 60 || sbp > 300) errors.sbp = { key: 'fu.err.range', vars: { min: 60, max: 300, unit: 'mmHg' } };
    if (dbp === undefined) errors.dbp = { key: 'fu.err.required' };
    else if (Number.isNaN(dbp)) errors.dbp = { key: 'fu.err.number' };
    else if (dbp < 30 || dbp > 200) errors.dbp = { key: 'fu.err.range', vars: { min: 30, max: 200, unit: 'mmHg' } };
    if (!errors.sbp && !errors.dbp && sbp !== undefined && dbp !== undefined) {
      if (sbp <= dbp) errors.dbp = { key: 'fu.err.sbpAboveDbp' };
      else {
        bp = { systolic: sbp, diastolic: dbp };
        if (sbp >= 180 || dbp >= 110) warnings.push({ key: 'fu.warn.bpUrgent', vars: { sbp, dbp } });
      }
    }
  }

  const g = parseNumber(v.glucose);
  let glucose: FollowUpBody['glucose'];
  if (g === undefined) {
    if (diabetes) errors.glucose = { key: 'fu.err.required' };
  } else if (Number.isNaN(g)) errors.glucose = { key: 'fu.err.number' };
  else {
    const mmol = v.glucoseUnit === 'mg/dL' ? g / MG_DL_PER_MMOL_L : g;
    if (mmol < 1 || mmol > 40) {
      const asMmol = g / MG_DL_PER_MMOL_L;
      errors.glucose =
        v.glucoseUnit === 'mmol/L' && asMmol >= 1 && asMmol <= 40
          ? { key: 'fu.err.glucoseMgDl', vars: { value: g, mmol: asMmol.toFixed(1) } }
          : { key: 'fu.err.range', vars: { min: 1, max: 40, unit: 'mmol/L' } };
    } else {
      glucose = { value: g, unit: v.glucoseUnit };
      if (mmol >= 16.7 || mmol <= 3.9) warnings.push({ key: 'fu.warn.glucoseUrgent', vars: { value: Math.round(mmol * 10) / 10 } });
    }
  }
  if (!bp && !glucose && !errors.sbp && !errors.dbp && !errors.glucose) errors.sbp = { key: 'fu.err.measurement' };

  let medicines: FollowUpBody['medicines'];
  if (v.atc) {
    if (!ATC.test(v.atc)) errors.atc = { key: 'fu.err.atc' };
    const days = parseNumber(v.daysSupply);
    if (days === undefined) errors.daysSupply = { key: 'fu.err.required' };
    else if (!Number.isInteger(days) || days < 1 || days > MAX_PRESCRIPTION_DAYS) errors.daysSupply = { key: 'fu.err.daysSupply', vars: { max: MAX_PRESCRIPTION_DAYS } };
    const refills = parseNumber(v.refills) ?? 0;
    if (!Number.isInteger(refills) || refills < 0 || refills > 2) errors.refills = { key: 'fu.err.refills' };
    if (!errors.atc && !errors.daysSupply && !errors.refills) medicines = [{ atc: v.atc, daysSupply: days!, refills }];
  }

  if (v.nextDate) {
    if (!isDate(v.nextDate)) errors.nextDate = { key: 'fu.err.date' };
    else if (!errors.date && v.nextDate <= v.date) errors.nextDate = { key: 'fu.err.nextAfter' };
    else if (!errors.date && v.nextDate > addDays(v.date, 366)) errors.nextDate = { key: 'fu.err.nextWithinYear' };
  }

  if (Object.keys(errors).length > 0) return { errors, warnings };
  const newProgrammes = v.conditions.filter((c) => !registered.includes(c));
  const body: FollowUpBody = {
    patient,
    date: v.date,
    ...(newProgrammes.length > 0 || registered.length === 0 ? { conditions: programmes } : {}),
    ...(bp ? { bp } : {}),
    ...(glucose ? { glucose } : {}),
    ...(medicines ? { medicines } : {}),
    ...(v.nextDate ? { nextDate: v.nextDate } : {}),
    ...(v.symptoms?.length ? { symptoms: v.symptoms } : {}),
    ...(v.adherence ? { adherence: v.adherence } : {}),
  };
  return { errors, warnings, body };
}

/** The form field a server OperationOutcome expression names (`bp.systolic`, `medicines[0].atc`, …); undefined: the form as a whole. */
export function fieldOfExpression(expression: string | undefined): FollowUpField | undefined {
  if (!expression) return undefined;
  if (expression === 'bp.systolic') return 'sbp';
  if (expression === 'bp.diastolic' || expression === 'bp') return 'dbp';
  if (expression.startsWith('glucose')) return 'glucose';
  if (expression === 'date') return 'date';
  if (expression === 'nextDate') return 'nextDate';
  if (expression === 'conditions') return 'conditions';
  const m = /^medicines(?:\[\d+\])?\.(atc|daysSupply|refills)$/.exec(expression);
  if (m) return m[1] as FollowUpField;
  if (expression === 'medicines') return 'atc';
  return undefined;
}
