/**
 * Identifier systems, extension URLs and code systems that Healthy Brain, its simulator and the
 * facilities that send data agree on. One place, so nobody types a URL twice.
 */

/** Resident identity card number (居民身份证号码), GB 11643-1999; OID of the Chinese health information standards. */
export const RESIDENT_ID_SYSTEM = 'urn:oid:2.16.156.10011.1.3';
/** HL7 v2 table 0203 pattern: national person identifier of China. */
export const RESIDENT_ID_TYPE_CODE = 'NNCHN';
export const IDENTIFIER_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0203';
/** Medical-insurance card number. */
export const INSURANCE_ID_SYSTEM = 'https://healthy-brain.org/fhir/sid/medical-insurance';
/** Local medical record number, one system per facility: `${FACILITY_MRN_SYSTEM_PREFIX}${facilityCode}`. */
export const FACILITY_MRN_SYSTEM_PREFIX = 'https://healthy-brain.org/fhir/sid/mrn/';

/**
 * Org units (district → town/street → village/community) are FHIR Location resources
 * (physicalType `jdn`, jurisdiction) whose identifier in this system is the administrative
 * division code (GB/T 2260 + statistical town/village codes, e.g. 330109 / 330109001 / 330109001001).
 * `Location.partOf` makes the tree.
 */
export const ORG_UNIT_SYSTEM = 'https://healthy-brain.org/fhir/sid/org-unit';
/** Level of an org unit: district | town | village. */
export const ORG_UNIT_LEVEL_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/org-unit-level';
/** Facility code (Organization.identifier). */
export const FACILITY_SYSTEM = 'https://healthy-brain.org/fhir/sid/facility';
/** Facility kind: district-hospital | specialised-centre | township-centre | village-clinic. */
export const FACILITY_TYPE_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/facility-type';

/**
 * Extension on Patient (the resident's village or community) and on Organization/Location
 * (the org unit a facility serves): valueCode = org-unit code.
 */
export const ORG_UNIT_EXTENSION = 'https://healthy-brain.org/fhir/StructureDefinition/org-unit';
/** Extension on Patient: household identifier (valueString). */
export const HOUSEHOLD_EXTENSION = 'https://healthy-brain.org/fhir/StructureDefinition/household';

/** ICD-10 (as used in China: GB/T 14396 / ICD-10 clinical edition). */
export const ICD10_SYSTEM = 'http://hl7.org/fhir/sid/icd-10';
export const LOINC_SYSTEM = 'http://loinc.org';
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';

// ---- Added with the district simulator (issue 3) ----

/** Practitioner identifier (staff number within the district). */
export const PRACTITIONER_SYSTEM = 'https://healthy-brain.org/fhir/sid/practitioner';
/** Family-doctor team identifier (CareTeam.identifier). */
export const CARE_TEAM_SYSTEM = 'https://healthy-brain.org/fhir/sid/family-doctor-team';
/**
 * Extension on Patient: the family-doctor team the resident signed with (valueReference
 * `CareTeam/<id>`). R4 `Patient.generalPractitioner` cannot point at a CareTeam, so it carries the
 * team's lead doctor (Practitioner) and township centre (Organization); this extension names the team.
 */
export const FAMILY_DOCTOR_TEAM_EXTENSION = 'https://healthy-brain.org/fhir/StructureDefinition/family-doctor-team';
/** Kind of specialised-disease centre (second Organization.type coding): stroke | chest-pain | diabetes | copd | cancer. */
export const SPECIALISED_CENTRE_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/specialised-centre';
/** Staff role (PractitionerRole.code, CareTeam.participant.role): gp | nurse | public-health | village-doctor | specialist. */
export const STAFF_ROLE_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/staff-role';
/**
 * Kind of encounter (Encounter.type): outpatient | chronic-follow-up | health-check |
 * infectious-case | specialised-admission | specialised-visit.
 */
export const ENCOUNTER_TYPE_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/encounter-type';
/** HL7 v3 ActCode (Encounter.class: AMB, EMER, IMP). */
export const ACT_CODE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
/** Condition.category: problem-list-item | encounter-diagnosis. */
export const CONDITION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/condition-category';
/** Condition.category coding marking a notifiable infectious-disease case report (code `notifiable`). */
export const CASE_REPORT_CATEGORY_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/case-report';
/** Observation.category: vital-signs | laboratory | social-history | exam. */
export const OBSERVATION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';
/** WHO ATC classification for medicines (MedicationRequest/MedicationDispense.medicationCodeableConcept). */
export const ATC_SYSTEM = 'http://www.whocc.no/atc';
/** LOINC codes used by the simulator and the chronic-care / risk modules. */
export const LOINC = {
  bpPanel: '85354-9',
  systolic: '8480-6',
  diastolic: '8462-4',
  /** Fasting glucose [Moles/volume] in Serum or Plasma, mmol/L (1558-6 is the mg/dL code). */
  fastingGlucose: '14771-0',
  bmi: '39156-5',
  waist: '8280-0',
  /** Cholesterol [Moles/volume] in Serum or Plasma. */
  totalCholesterol: '14647-2',
  /** HDL cholesterol [Moles/volume] in Serum or Plasma. */
  hdl: '14646-4',
  /** Tobacco smoking status (value coded with SNOMED CT 77176002 smoker / 8517006 ex / 266919005 never). */
  smokingStatus: '72166-2',
} as const;
export const SNOMED_SYSTEM = 'http://snomed.info/sct';
