/**
 * Enrolment in a specialised-disease centre as FHIR (pure): an EpisodeOfCare whose type is the
 * centre code (SPECIALISED_CENTRE_SYSTEM, the code the district's centre Organizations carry),
 * managingOrganization the centre's facility, patient, period.start the enrolment, and the
 * qualifying Condition as diagnosis (FHIR R4 EpisodeOfCare: "an association between a patient
 * and an organization / healthcare provider(s) during which time encounters may occur").
 */
import type { EpisodeOfCare } from '@medplum/fhirtypes';
import { SPECIALISED_CENTRE_SYSTEM } from '../../foundation/fhir/index.js';

export interface NewEnrolment {
  id: string;
  centre: string;
  centreName: string;
  patient: string;
  facility: string;
  condition: string | null;
  start: string;
}

export function buildEnrolment(e: NewEnrolment): EpisodeOfCare {
  return {
    resourceType: 'EpisodeOfCare',
    id: e.id,
    status: 'active',
    type: [{ coding: [{ system: SPECIALISED_CENTRE_SYSTEM, code: e.centre, display: e.centreName }] }],
    patient: { reference: `Patient/${e.patient}` },
    managingOrganization: { reference: `Organization/${e.facility}` },
    period: { start: e.start },
    ...(e.condition ? { diagnosis: [{ condition: { reference: `Condition/${e.condition}` }, rank: 1 }] } : {}),
  };
}

export interface EnrolmentFacts {
  centre: string;
  patient: string;
  facility: string | null;
  condition: string | null;
  enrolled: string;
  ended: string | null;
  status: string;
}

const idOf = (ref: string | undefined, type: string) => (ref?.startsWith(`${type}/`) ? ref.slice(type.length + 1) : null);

/** The enrolment an EpisodeOfCare records, or null when it is not a centre's (no centre type, no patient or start). */
export function readEnrolment(e: EpisodeOfCare): EnrolmentFacts | null {
  const centre = e.type?.flatMap((t) => t.coding ?? []).find((c) => c.system === SPECIALISED_CENTRE_SYSTEM)?.code;
  const patient = idOf(e.patient?.reference, 'Patient');
  const start = e.period?.start;
  if (!centre || !patient || !start || Number.isNaN(Date.parse(start)) || e.status === 'entered-in-error') return null;
  const end = e.period?.end && !Number.isNaN(Date.parse(e.period.end)) ? e.period.end : null;
  return {
    centre,
    patient,
    facility: idOf(e.managingOrganization?.reference, 'Organization'),
    condition: idOf(e.diagnosis?.[0]?.condition?.reference, 'Condition'),
    enrolled: start,
    // A finished or cancelled episode without an end date ends at its start (it is not managed any more).
    ended: end ?? (e.status === 'finished' || e.status === 'cancelled' ? start : null),
    status: e.status,
  };
}
