/**
 * Protocol drugs of the hypertension and type 2 diabetes programmes, by WHO ATC code — the one
 * definition the registry, the indicators, the medication service, the risk features and the web
 * app use. Pure and import-free, so the web app imports it as it is.
 *
 * Classes: antihypertensives C02 (other antihypertensives), C03 (diuretics), C07 (beta blockers),
 * C08 (calcium channel blockers), C09 (renin–angiotensin agents) — Chinese Guidelines for the
 * Prevention and Treatment of Hypertension 2018; blood-glucose-lowering drugs A10 (A10A insulins,
 * A10B non-insulin) — CDS guideline for type 2 diabetes 2020. WHO ATC/DDD Index 2024.
 */

export type ProtocolProgramme = 'hypertension' | 'diabetes';

/** ATC prefixes as regular-expression sources: the same text serves JavaScript `RegExp` and PostgreSQL `~`. */
export const ATC_PATTERN = {
  antihypertensive: '^C0[23789]',
  glucoseLowering: '^A10',
  nonInsulin: '^A10B',
  insulin: '^A10A',
} as const;

const ANTIHYPERTENSIVE = new RegExp(ATC_PATTERN.antihypertensive);
const GLUCOSE_LOWERING = new RegExp(ATC_PATTERN.glucoseLowering);

/** True for an antihypertensive ATC code or class (C02, C03, C07, C08, C09). */
export function isAntihypertensive(atc: string): boolean {
  return ANTIHYPERTENSIVE.test(atc);
}

/** The programme whose protocol drug an ATC code is, or null. */
export function drugCategory(atc: string): ProtocolProgramme | null {
  if (ANTIHYPERTENSIVE.test(atc)) return 'hypertension';
  if (GLUCOSE_LOWERING.test(atc)) return 'diabetes';
  return null;
}

/**
 * The drugs whose fills count for a programme's adherence (PQA PDC): every antihypertensive class
 * for hypertension (PQA's PDC-RASA counts C09 only; the national programme treats the classes
 * alike); non-insulin glucose-lowering drugs for diabetes, leaving out residents who had insulin in
 * the period (PQA PDC-DR).
 */
export const ADHERENCE_DRUGS: Record<ProtocolProgramme, { classes: string; excludeIfAny: string | null }> = {
  hypertension: { classes: ATC_PATTERN.antihypertensive, excludeIfAny: null },
  diabetes: { classes: ATC_PATTERN.nonInsulin, excludeIfAny: ATC_PATTERN.insulin },
};

/**
 * The drugs that count a resident as served by the chronic medication service (长处方/药品服务): any
 * protocol drug of either programme — one service, so the figure is the same in both programmes' rows.
 */
export const SERVICE_DRUGS = `${ATC_PATTERN.antihypertensive}|${ATC_PATTERN.glucoseLowering}`;

export interface ProtocolDrug {
  atc: string;
  condition: ProtocolProgramme;
  /** Generic name and strength as dispensed in China (the simulator's and the web form's list). */
  name: string;
  /** Doses a day (the default of a prescription). */
  perDay: number;
}

/** The essential-medicine protocol drugs the simulator prescribes and the follow-up form offers. */
export const PROTOCOL_DRUGS: readonly ProtocolDrug[] = [
  { atc: 'C08CA01', condition: 'hypertension', name: '苯磺酸氨氯地平片 5mg', perDay: 1 },
  { atc: 'C08CA05', condition: 'hypertension', name: '硝苯地平缓释片 20mg', perDay: 2 },
  { atc: 'C09CA01', condition: 'hypertension', name: '氯沙坦钾片 50mg', perDay: 1 },
  { atc: 'C09CA03', condition: 'hypertension', name: '缬沙坦胶囊 80mg', perDay: 1 },
  { atc: 'C09AA02', condition: 'hypertension', name: '马来酸依那普利片 10mg', perDay: 1 },
  { atc: 'C03AA03', condition: 'hypertension', name: '氢氯噻嗪片 25mg', perDay: 1 },
  { atc: 'C07AB02', condition: 'hypertension', name: '酒石酸美托洛尔片 25mg', perDay: 2 },
  { atc: 'A10BA02', condition: 'diabetes', name: '盐酸二甲双胍片 0.5g', perDay: 3 },
  { atc: 'A10BB09', condition: 'diabetes', name: '格列齐特缓释片 30mg', perDay: 1 },
  { atc: 'A10BF01', condition: 'diabetes', name: '阿卡波糖片 50mg', perDay: 3 },
];
