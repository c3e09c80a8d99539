/**
 * The platform's code systems and small readers for FHIR values the pages show. Systems come from
 * the server's own conventions file (one place, so nobody types a URL twice).
 */
import type { CodeableConcept, Extension, HumanName, Identifier, Reference } from '@medplum/fhirtypes';
import {
  CASE_REPORT_CATEGORY_SYSTEM,
  CONDITION_CATEGORY_SYSTEM,
  ENCOUNTER_TYPE_SYSTEM,
  FACILITY_SYSTEM,
  FACILITY_TYPE_SYSTEM,
  FAMILY_DOCTOR_TEAM_EXTENSION,
  ICD10_SYSTEM,
  LOINC,
  LOINC_SYSTEM,
  ORG_UNIT_EXTENSION,
  ORG_UNIT_LEVEL_SYSTEM,
  ORG_UNIT_SYSTEM,
  RESIDENT_ID_SYSTEM,
} from '../../../src/foundation/fhir/conventions';

export {
  CASE_REPORT_CATEGORY_SYSTEM,
  CONDITION_CATEGORY_SYSTEM,
  ENCOUNTER_TYPE_SYSTEM,
  FACILITY_SYSTEM,
  FACILITY_TYPE_SYSTEM,
  FAMILY_DOCTOR_TEAM_EXTENSION,
  ICD10_SYSTEM,
  LOINC,
  LOINC_SYSTEM,
  ORG_UNIT_EXTENSION,
  ORG_UNIT_LEVEL_SYSTEM,
  ORG_UNIT_SYSTEM,
  RESIDENT_ID_SYSTEM,
};
/** Condition.category: problem-list-item | encounter-diagnosis. */
export const CONDITION_CATEGORY = CONDITION_CATEGORY_SYSTEM;

/** `system|code` token for search. */
export const token = (system: string, code: string) => `${system}|${code}`;

export const HYPERTENSION_CODES = ['I10'];
export const DIABETES_CODES = ['E11', 'E11.9'];
/** Notifiable diseases the district reports (docs/simulation.md, infectious diseases). */
export const NOTIFIABLE_CODES = ['J11.1', 'B08.4', 'A08.1', 'B01.9', 'B26.9', 'A15.0', 'A38'] as const;

export function codeIn(concept: CodeableConcept | undefined, system: string): string | undefined {
  return concept?.coding?.find((c) => c.system === system)?.code;
}

export function conceptText(concept: CodeableConcept | undefined): string {
  return concept?.text ?? concept?.coding?.find((c) => c.display)?.display ?? concept?.coding?.[0]?.code ?? '';
}

export function extensionValue(extensions: Extension[] | undefined, url: string): Extension | undefined {
  return extensions?.find((e) => e.url === url);
}

export function identifierValue(ids: Identifier[] | undefined, system: string): string | undefined {
  return ids?.find((i) => i.system === system)?.value;
}

/** The official (characters) name, else the first. */
export function displayName(names: HumanName[] | undefined): string {
  const name = names?.find((n) => n.use === 'official') ?? names?.[0];
  if (!name) return '';
  return name.text ?? `${name.family ?? ''}${(name.given ?? []).join('')}`;
}

/** The pinyin (usual) name, if any. */
export function pinyinName(names: HumanName[] | undefined): string | undefined {
  const name = names?.find((n) => n.use === 'usual');
  return name ? (name.text ?? [name.family, ...(name.given ?? [])].filter(Boolean).join(' ')) : undefined;
}

/** The id of a `Type/id` reference. */
export function refId(ref: Reference | undefined): string | undefined {
  return ref?.reference?.split('/')[1];
}

/** Whole years between a birth date and `at`. */
export function ageAt(birthDate: string | undefined, at: Date): number | undefined {
  if (!birthDate) return undefined;
  const b = new Date(`${birthDate}T00:00:00Z`);
  let age = at.getUTCFullYear() - b.getUTCFullYear();
  if (at.getUTCMonth() < b.getUTCMonth() || (at.getUTCMonth() === b.getUTCMonth() && at.getUTCDate() < b.getUTCDate())) age--;
  return age;
}

/** YYYY-MM of a date. */
export const monthOf = (d: Date) => d.toISOString().slice(0, 7);

/** The `n` months ending with `month` (YYYY-MM), oldest first. */
export function lastMonths(month: string, n: number): string[] {
  const [y, m] = month.split('-').map(Number);
  const out: string[] = [];
  for (let k = n - 1; k >= 0; k--) out.push(monthOf(new Date(Date.UTC(y, m - 1 - k, 1))));
  return out;
}
