/**
 * The roles of Healthy Brain and what each may do (docs/access.md has the table). A role is always
 * granted bound to an org unit (scope follows the org tree downwards) or a family-doctor care team;
 * the role says which resource types inside that scope may be read and written.
 *
 * PIPL art. 6 (minimum necessary) and art. 28 (medical health information is sensitive personal
 * information: processed only for a specific purpose, with sufficient necessity and strict
 * protection), art. 51 (operation permissions): each role gets only the patient data its work
 * needs; the bureau gets none.
 */

/** Every role name, as used in grants, tokens and the CLI. */
export const ROLES = [
  'village-doctor',
  'family-doctor',
  'clinician',
  'specialist',
  'pharmacist',
  'cdc-epidemiologist',
  'district-admin',
  'data-steward',
  'system-integrator',
] as const;

export type RoleName = (typeof ROLES)[number];

/** Which patient-owned resources a role reaches inside its scope. */
export type PatientAccess =
  /** every patient-owned resource type */
  | { kind: 'all' }
  /** only these types */
  | { kind: 'types'; types: readonly string[] }
  /** notifiable-disease case reports (Condition with the case-report category) and the Patients who have one */
  | { kind: 'case-reports' }
  /** none: reference data and aggregates only */
  | { kind: 'none' };

export interface RoleDefinition {
  name: RoleName;
  title: string;
  read: PatientAccess;
  write: PatientAccess;
  /** May create and change reference data (Organization, Location, Practitioner, …). */
  referenceWrite: boolean;
  /** May use break-the-glass for emergency access outside scope. */
  breakGlass: boolean;
  /** May read any resident's access history (the privacy officer's report). */
  auditReview: boolean;
  /** Must the grant name an org unit or care team (no platform-wide grant)? */
  needsScope: boolean;
  /**
   * Resident ID (GB 11643) and phone numbers in full, or masked (`330181********1234`,
   * `138****5678`) — see PRIVACY_RULES below and docs/access.md *Privacy*. A principal sees them in
   * full when at least one of its grants does.
   */
  identifiers: 'full' | 'masked';
  /** May export line lists (CSV); every export is audited. */
  export: boolean;
}

const ALL: PatientAccess = { kind: 'all' };
const NONE: PatientAccess = { kind: 'none' };

/** Medication-related types a pharmacist needs to dispense safely (allergies, prescriptions). */
const PHARMACY_READ = ['Patient', 'MedicationRequest', 'MedicationDispense', 'MedicationStatement', 'MedicationAdministration', 'AllergyIntolerance'];

/**
 * Privacy rule (`identifiers`), PIPL art. 6 (minimum necessary) and art. 28 (the ID number and
 * health data are sensitive personal information); GB/T 35273-2020 §7.1 (least-privilege access to
 * personal information) and §7.2 (display limits: de-identify, §3.14, what a screen shows):
 * - full: village doctor, family doctor, clinician, specialist (they identify and call their
 *   patients); data steward (matches and merges records on the ID); CDC epidemiologist (the
 *   infectious-disease report card carries the valid ID number and a contact phone, and case
 *   investigation calls the patient: 《传染病防治法》 art. 30–31 of the 2013 text, renumbered by the
 *   2025 revision in force since 2025-09-01 (chapter 3, 监测、报告和预警); the report card of
 *   《传染病信息报告管理规范（2015年版）》, replaced by a 2026 edition not checked here);
 *   system integrator (facility systems hold the ID already and match incoming records on it);
 * - masked: pharmacist (a dispense checks the prescription and the card the patient hands over;
 *   the pharmacist may still *search* by the full number read from that card) and the bureau
 *   (it reads no patient data at all; masked as a second line of defence).
 * Break-the-glass is open to clinical roles only, which see the full values (emergency identification).
 */
export const ROLE_DEFINITIONS: Record<RoleName, RoleDefinition> = {
  'village-doctor': { name: 'village-doctor', title: 'Village doctor (村医)', read: ALL, write: ALL, referenceWrite: false, breakGlass: true, auditReview: false, needsScope: true, identifiers: 'full', export: false },
  'family-doctor': { name: 'family-doctor', title: 'Family doctor (家庭医生)', read: ALL, write: ALL, referenceWrite: false, breakGlass: true, auditReview: false, needsScope: true, identifiers: 'full', export: false },
  clinician: { name: 'clinician', title: 'Township / centre clinician', read: ALL, write: ALL, referenceWrite: true, breakGlass: true, auditReview: false, needsScope: false, identifiers: 'full', export: false },
  specialist: { name: 'specialist', title: 'Specialised-disease centre specialist', read: ALL, write: ALL, referenceWrite: false, breakGlass: true, auditReview: false, needsScope: false, identifiers: 'full', export: false },
  pharmacist: {
    name: 'pharmacist',
    title: 'Pharmacist',
    read: { kind: 'types', types: PHARMACY_READ },
    write: { kind: 'types', types: ['MedicationDispense'] },
    referenceWrite: false,
    breakGlass: false,
    auditReview: false,
    needsScope: false,
    identifiers: 'masked',
    export: false,
  },
  'cdc-epidemiologist': { name: 'cdc-epidemiologist', title: 'CDC epidemiologist', read: { kind: 'case-reports' }, write: NONE, referenceWrite: false, breakGlass: false, auditReview: false, needsScope: false, identifiers: 'full', export: true },
  'district-admin': { name: 'district-admin', title: 'District health bureau administrator', read: NONE, write: NONE, referenceWrite: true, breakGlass: false, auditReview: true, needsScope: false, identifiers: 'masked', export: false },
  'data-steward': { name: 'data-steward', title: 'Data steward (MPI review, privacy officer)', read: { kind: 'types', types: ['Patient'] }, write: { kind: 'types', types: ['Patient'] }, referenceWrite: false, breakGlass: false, auditReview: true, needsScope: false, identifiers: 'full', export: false },
  'system-integrator': { name: 'system-integrator', title: 'System integrator (facility systems)', read: ALL, write: ALL, referenceWrite: true, breakGlass: false, auditReview: false, needsScope: false, identifiers: 'full', export: false },
};

/** True for a known role name. */
export function isRole(name: string): name is RoleName {
  return (ROLES as readonly string[]).includes(name);
}

/**
 * Reference data: resource types that describe the health system rather than a person. A row of
 * these types that belongs to no resident is readable by every signed-in user; any other row
 * without an owner is readable only through a platform-wide grant (default deny).
 */
export const REFERENCE_TYPES: readonly string[] = [
  'Organization', 'Location', 'Practitioner', 'PractitionerRole', 'HealthcareService', 'Endpoint', 'CareTeam',
  'Medication', 'MedicationKnowledge', 'Substance', 'Device', 'DeviceDefinition',
  'CodeSystem', 'ValueSet', 'ConceptMap', 'NamingSystem', 'StructureDefinition', 'SearchParameter', 'OperationDefinition',
  'CapabilityStatement', 'Questionnaire', 'PlanDefinition', 'ActivityDefinition', 'Library', 'Measure', 'MeasureReport',
  'ObservationDefinition', 'SpecimenDefinition',
];

/**
 * Org-unit codes are hierarchical administrative codes (GB/T 2260 district 330109, + 3-digit town
 * 330109001, + 3-digit village 330109001001), so "scope follows the org tree downwards" is a prefix
 * match. Only letters and digits are accepted, which also keeps LIKE patterns free of wildcards.
 */
export function isOrgUnitCode(code: string): boolean {
  return /^[0-9A-Za-z]{2,32}$/.test(code);
}
