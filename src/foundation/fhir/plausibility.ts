/**
 * Plausibility of the measurements a person types (pure): a value that cannot be true is refused
 * with a 400 OperationOutcome naming the field, so it never reaches an indicator. One definition
 * for every form that records them (chronic follow-up, village-clinic visit); the projections flag
 * device readings with the same ranges (healthmgmt/chronic/classify.ts).
 * - BP: systolic 60–300, diastolic 30–200 mmHg, systolic above diastolic.
 * - Fasting glucose: 1–40 mmol/L; a value plausible once read as mg/dL is named as such
 *   (mmol/L = mg/dL ÷ 18.016, the molar mass of glucose 180.16 g/mol).
 */
import { fail } from './outcomes.js';

export const MG_DL_PER_MMOL_L = 18.016;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Parses `{systolic, diastolic}` (mmHg) at `field` (e.g. `bp`); 400 naming `bp.systolic`, `bp.diastolic` or `bp`. */
export function parseBloodPressure(value: unknown, field = 'bp'): { systolic: number; diastolic: number } {
  const v = (value ?? {}) as Record<string, unknown>;
  if (!isNumber(v.systolic)) fail(`${field}.systolic must be a number (mmHg)`, `${field}.systolic`);
  if (!isNumber(v.diastolic)) fail(`${field}.diastolic must be a number (mmHg)`, `${field}.diastolic`);
  if (v.systolic < 60 || v.systolic > 300) fail(`${field}.systolic ${v.systolic} mmHg is not plausible (60–300)`, `${field}.systolic`);
  if (v.diastolic < 30 || v.diastolic > 200) fail(`${field}.diastolic ${v.diastolic} mmHg is not plausible (30–200)`, `${field}.diastolic`);
  if (v.systolic <= v.diastolic) fail(`${field} ${v.systolic}/${v.diastolic}: systolic must be above diastolic`, field);
  return { systolic: v.systolic, diastolic: v.diastolic };
}

/** Parses `{value, unit?: 'mmol/L' | 'mg/dL'}` at `field` (e.g. `glucose`) into mmol/L (2 decimals); 400 naming the field. */
export function parseFastingGlucose(value: unknown, field = 'glucose'): { mmolL: number } {
  const v = (value ?? {}) as Record<string, unknown>;
  if (!isNumber(v.value)) fail(`${field}.value must be a number`, `${field}.value`);
  const unit = v.unit ?? 'mmol/L';
  if (unit !== 'mmol/L' && unit !== 'mg/dL') fail(`${field}.unit must be 'mmol/L' or 'mg/dL'`, `${field}.unit`);
  const mmolL = unit === 'mg/dL' ? v.value / MG_DL_PER_MMOL_L : v.value;
  if (mmolL < 1 || mmolL > 40) {
    const asMgDl = v.value / MG_DL_PER_MMOL_L;
    const hint = unit === 'mmol/L' && asMgDl >= 1 && asMgDl <= 40 ? `; it looks like mg/dL (${v.value} mg/dL = ${asMgDl.toFixed(1)} mmol/L): send unit 'mg/dL'` : '';
    fail(`${field}.value ${v.value} ${unit} is not a plausible fasting glucose (1–40 mmol/L)${hint}`, `${field}.value`);
  }
  return { mmolL: Math.round(mmolL * 100) / 100 };
}
