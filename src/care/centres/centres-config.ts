/**
 * Specialised-disease centres (issue 10), pure: which centres a district runs, who qualifies for
 * each (ICD-10 code ranges of an active Condition), the facility each is bound to, and the pathway
 * milestone each measures. Built-in defaults below; a district replaces them with a JSON file
 * (`parseCentresConfig`, same shape). No I/O here.
 */
import type { Coding, Condition } from '@medplum/fhirtypes';

/** ICD-10 (as used in China: GB/T 14396 / ICD-10 clinical edition). */
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';

/** An inclusive range of ICD-10 three-character categories, e.g. I60–I64. */
export interface CodeRange {
  from: string;
  to: string;
}

/** Where a centre lives: a named Organization, or the district's facility of a type (a specialised centre tagged with the centre's code first). */
export type FacilityBinding = { organization: string } | { facilityType: 'specialised-centre' | 'district-hospital' };

export type PathwayKind = 'door-to-needle' | 'door-to-balloon';

export interface CentreDefinition {
  /** Centre code, also EpisodeOfCare.type code (SPECIALISED_CENTRE_SYSTEM): stroke | chest-pain | diabetes | copd | cancer | … */
  code: string;
  name: string;
  nameZh?: string;
  /** Enrolment criteria: an active Condition with an ICD-10 code in one of these ranges. */
  criteria: CodeRange[];
  /** Where the criteria come from. */
  source: string;
  facility: FacilityBinding;
  /** The care-pathway milestone the centre measures, if any (pathway.ts). */
  pathway?: PathwayKind;
}

/** The five default centres of the seed (issue 10). */
export const DEFAULT_CENTRES: readonly CentreDefinition[] = [
  {
    code: 'stroke',
    name: 'Stroke centre',
    nameZh: '卒中中心',
    // I60–I64 cerebrovascular disease (haemorrhage, infarction, unspecified stroke) and G45 TIA: ICD-10 chapters VI and IX;
    // the scope of the China Stroke Centre standard (中国卒中中心建设标准, 国家卫健委脑卒中防治工程委员会) covers acute stroke and TIA.
    criteria: [{ from: 'I60', to: 'I64' }, { from: 'G45', to: 'G45' }],
    source: 'ICD-10 I60–I64 (ch. IX cerebrovascular diseases) and G45 (ch. VI, TIA); 中国卒中中心建设标准 (acute stroke and TIA)',
    facility: { facilityType: 'specialised-centre' },
    pathway: 'door-to-needle',
  },
  {
    code: 'chest-pain',
    name: 'Chest-pain centre',
    nameZh: '胸痛中心',
    criteria: [{ from: 'I20', to: 'I22' }],
    source: 'ICD-10 I20–I22 (ch. IX ischaemic heart diseases: angina, acute and subsequent MI = acute coronary syndrome); 中国胸痛中心认证标准 (ACS)',
    facility: { facilityType: 'specialised-centre' },
    pathway: 'door-to-balloon',
  },
  {
    code: 'diabetes',
    name: 'Diabetes centre',
    nameZh: '糖尿病专病中心',
    criteria: [{ from: 'E10', to: 'E14' }],
    source: 'ICD-10 E10–E14 (ch. IV diabetes mellitus); centre scope: project default',
    facility: { facilityType: 'specialised-centre' },
  },
  {
    code: 'copd',
    name: 'COPD centre',
    nameZh: '慢阻肺专病中心',
    criteria: [{ from: 'J44', to: 'J44' }],
    source: 'ICD-10 J44 (ch. X other chronic obstructive pulmonary disease); centre scope: project default',
    facility: { facilityType: 'specialised-centre' },
  },
  {
    code: 'cancer',
    name: 'Cancer centre',
    nameZh: '肿瘤专病中心',
    criteria: [{ from: 'C00', to: 'C97' }],
    source: 'ICD-10 C00–C97 (ch. II malignant neoplasms); centre scope: project default',
    facility: { facilityType: 'specialised-centre' },
  },
];

/** The three-character ICD-10 category of a code ("i63.9" → "I63"), or null when it is not one. */
export function icd10Category(code: string): string | null {
  const c = code.trim().toUpperCase().replace('.', '');
  return /^[A-Z]\d{2}/.test(c) ? c.slice(0, 3) : null;
}

/** True when an ICD-10 code falls in one of the ranges (inclusive, by three-character category). */
export function codeInRanges(code: string, ranges: readonly CodeRange[]): boolean {
  const cat = icd10Category(code);
  return cat !== null && ranges.some((r) => cat >= r.from && cat <= r.to);
}

/** Active unless resolved/inactive/remission or refuted/entered-in-error (FHIR R4 Condition clinicalStatus, verificationStatus). */
export function conditionIsActive(c: Condition): boolean {
  const clinical = c.clinicalStatus?.coding?.[0]?.code;
  const verification = c.verificationStatus?.coding?.[0]?.code;
  if (verification === 'refuted' || verification === 'entered-in-error') return false;
  return clinical === undefined || clinical === 'active' || clinical === 'recurrence' || clinical === 'relapse';
}

const isIcd10 = (coding: Coding) => coding.system === ICD10 || (coding.system?.startsWith(`${ICD10}`) ?? false);

/** The ICD-10 code of a Condition that meets the centre's criteria (active and in range), or null. */
export function matchingCode(centre: CentreDefinition, c: Condition): string | null {
  if (!conditionIsActive(c)) return null;
  const hit = (c.code?.coding ?? []).find((coding) => isIcd10(coding) && coding.code && codeInRanges(coding.code, centre.criteria));
  return hit?.code ?? null;
}

const CODE = /^[a-z][a-z0-9-]{0,31}$/;
const CATEGORY = /^[A-Z]\d{2}$/;

/** Validates a centres file (a JSON array of CentreDefinition); throws an Error naming the field. */
export function parseCentresConfig(value: unknown): CentreDefinition[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('centres: expected a non-empty JSON array of centres');
  const seen = new Set<string>();
  return value.map((raw, i) => {
    const at = `centres[${i}]`;
    if (!raw || typeof raw !== 'object') throw new Error(`${at}: expected an object`);
    const v = raw as Record<string, unknown>;
    if (typeof v.code !== 'string' || !CODE.test(v.code)) throw new Error(`${at}.code must be lower-case letters, digits and dashes`);
    if (seen.has(v.code)) throw new Error(`${at}.code ${v.code} is given twice`);
    seen.add(v.code);
    if (typeof v.name !== 'string' || v.name.length === 0) throw new Error(`${at}.name is required`);
    if (!Array.isArray(v.criteria) || v.criteria.length === 0) throw new Error(`${at}.criteria must be a non-empty array of {from, to} ICD-10 categories`);
    const criteria = v.criteria.map((r: unknown, j: number) => {
      const range = (r ?? {}) as Record<string, unknown>;
      if (typeof range.from !== 'string' || !CATEGORY.test(range.from) || typeof range.to !== 'string' || !CATEGORY.test(range.to)) throw new Error(`${at}.criteria[${j}] must be {from, to} three-character ICD-10 categories such as I60`);
      if (range.from > range.to) throw new Error(`${at}.criteria[${j}]: from is after to`);
      return { from: range.from, to: range.to };
    });
    const f = (v.facility ?? { facilityType: 'specialised-centre' }) as Record<string, unknown>;
    let facility: FacilityBinding;
    if (typeof f.organization === 'string' && f.organization.length > 0) facility = { organization: f.organization };
    else if (f.facilityType === 'specialised-centre' || f.facilityType === 'district-hospital') facility = { facilityType: f.facilityType };
    else throw new Error(`${at}.facility must be {organization: id} or {facilityType: specialised-centre | district-hospital}`);
    if (v.pathway !== undefined && v.pathway !== 'door-to-needle' && v.pathway !== 'door-to-balloon') throw new Error(`${at}.pathway must be door-to-needle or door-to-balloon`);
    return {
      code: v.code,
      name: v.name,
      ...(typeof v.nameZh === 'string' ? { nameZh: v.nameZh } : {}),
      criteria,
      source: typeof v.source === 'string' && v.source.length > 0 ? v.source : 'project default',
      facility,
      ...(v.pathway ? { pathway: v.pathway as PathwayKind } : {}),
    };
  });
}
