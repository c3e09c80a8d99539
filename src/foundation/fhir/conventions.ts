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
