/**
 * Pure classification of the registry's other sources: the resident (Patient: birth date, death,
 * family-doctor team), prescriptions (MedicationRequest) and programme enrolments (EpisodeOfCare),
 * and the follow-up encounter's kind and planned next date.
 */
import type { Encounter, EpisodeOfCare, MedicationRequest, Patient } from '@medplum/fhirtypes';
import { ATC_SYSTEM, ENCOUNTER_TYPE_SYSTEM, FAMILY_DOCTOR_TEAM_EXTENSION } from '../../foundation/fhir/index.js';
import { datePart, type ChronicCategory } from './classify.js';
import { drugCategory } from './protocol-drugs.js';

/** EpisodeOfCare.type coding of a chronic-disease management programme: code hypertension | diabetes. */
export const CHRONIC_PROGRAMME_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/chronic-programme';
/** Extension on the follow-up Encounter: the next follow-up date the doctor planned (valueDate). */
export const NEXT_FOLLOW_UP_EXTENSION = 'https://healthy-brain.org/fhir/StructureDefinition/next-follow-up';
/** Encounter.type code of a chronic-disease follow-up (ENCOUNTER_TYPE_SYSTEM). */
export const FOLLOW_UP_KIND = 'chronic-follow-up';
/** Death with no date given (deceasedBoolean = true). */
export const DEATH_DATE_UNKNOWN = '0001-01-01';

/** The programme of a protocol drug (protocol-drugs.ts: ATC C02/C03/C07/C08/C09 → hypertension, A10 → diabetes). */
export { drugCategory };

export function residentFacts(p: Patient): { birthDate: string | null; deceased: string | null; careTeam: string | null } {
  const team = p.extension?.find((e) => e.url === FAMILY_DOCTOR_TEAM_EXTENSION)?.valueReference?.reference;
  const deceased = p.deceasedDateTime ? datePart(p.deceasedDateTime) : p.deceasedBoolean ? DEATH_DATE_UNKNOWN : null;
  return { birthDate: datePart(p.birthDate), deceased, careTeam: team?.startsWith('CareTeam/') ? team.slice(9) : null };
}

/** A prescription with its drug, class, category, days' supply per fill and repeats. */
export function prescription(m: MedicationRequest): { authored: string; drug: string; drugClass: string; category: ChronicCategory | null; daysSupply: number; repeats: number; status: string } | null {
  if (m.status === 'entered-in-error' || m.status === 'draft' || m.intent === 'proposal' || m.intent === 'plan') return null;
  const authored = datePart(m.authoredOn);
  const coding = m.medicationCodeableConcept?.coding?.[0];
  const drug = coding?.code ?? m.medicationCodeableConcept?.text;
  const days = m.dispenseRequest?.expectedSupplyDuration?.value;
  if (!authored || !drug || typeof days !== 'number' || days <= 0) return null;
  const atc = coding?.system === ATC_SYSTEM;
  return {
    authored,
    drug,
    drugClass: atc && drug.length >= 5 ? drug.slice(0, 5) : drug,
    category: atc ? drugCategory(drug) : null,
    daysSupply: Math.round(days),
    repeats: Math.max(0, m.dispenseRequest?.numberOfRepeatsAllowed ?? 0),
    status: m.status,
  };
}

/** A programme enrolment (EpisodeOfCare typed with CHRONIC_PROGRAMME_SYSTEM). */
export function enrolment(e: EpisodeOfCare): { category: ChronicCategory; status: string; start: string | null; careTeam: string | null } | null {
  const code = e.type?.flatMap((t) => t.coding ?? []).find((c) => c.system === CHRONIC_PROGRAMME_SYSTEM)?.code;
  if (code !== 'hypertension' && code !== 'diabetes') return null;
  const team = e.team?.[0]?.reference;
  return { category: code, status: e.status, start: datePart(e.period?.start), careTeam: team?.startsWith('CareTeam/') ? team.slice(9) : null };
}

/** Kind of an encounter (Encounter.type in ENCOUNTER_TYPE_SYSTEM) and the next follow-up it planned. */
export function encounterKind(e: Encounter): { kind: string | null; nextPlanned: string | null } {
  const kind = e.type?.flatMap((t) => t.coding ?? []).find((c) => c.system === ENCOUNTER_TYPE_SYSTEM)?.code ?? null;
  const next = e.extension?.find((x) => x.url === NEXT_FOLLOW_UP_EXTENSION)?.valueDate;
  return { kind, nextPlanned: datePart(next) };
}
