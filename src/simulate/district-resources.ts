/**
 * FHIR resources of the district structure: Location (org-unit tree), Organization (facilities),
 * Practitioner, PractitionerRole, CareTeam (family-doctor teams) — in that load order.
 */
import type { CareTeam, CodeableConcept, Location, Organization, Practitioner, PractitionerRole, Resource } from '@medplum/fhirtypes';
import {
  CARE_TEAM_SYSTEM,
  FACILITY_SYSTEM,
  FACILITY_TYPE_SYSTEM,
  ORG_UNIT_EXTENSION,
  ORG_UNIT_LEVEL_SYSTEM,
  ORG_UNIT_SYSTEM,
  PRACTITIONER_SYSTEM,
  SPECIALISED_CENTRE_SYSTEM,
  STAFF_ROLE_SYSTEM,
} from '../foundation/fhir/index.js';
import type { District, Facility, Staff } from './district.js';

const JDN = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/location-physical-type', code: 'jdn', display: 'Jurisdiction' }] };

function orgUnit(id: string, code: string, name: string, level: 'district' | 'town' | 'village', parentId?: string, position?: Position): Location {
  return {
    resourceType: 'Location',
    id,
    identifier: [{ system: ORG_UNIT_SYSTEM, value: code }],
    status: 'active',
    name,
    mode: 'instance',
    physicalType: JDN,
    type: [{ coding: [{ system: ORG_UNIT_LEVEL_SYSTEM, code: level }] }],
    ...(position ? { position } : {}),
    ...(parentId ? { partOf: { reference: `Location/${parentId}` } } : {}),
  };
}

type Position = { longitude: number; latitude: number };
/** Xiaoshan district's centre (WGS84), round which the simulated towns lie. */
const DISTRICT_CENTRE: Position = { longitude: 120.264, latitude: 30.185 };
const round5 = (x: number): number => Math.round(x * 1e5) / 1e5;

/**
 * Made-up but plausible coordinates (Location.position, WGS84) for the space-time scan: each town's
 * villages on a sunflower spiral round the town (≈ 0.5 km apart, ≈ 0.33·√n km across for n
 * villages), the towns on a ring round the district centre of at least 12 km radius and wide enough
 * that the towns' spirals do not meet, so a village's neighbours are villages of its own town. No
 * PRNG: the simulator's random streams are untouched.
 *
 * @param maxVillages the most villages of any town (it sizes the ring)
 */
export function simulatedPosition(town: number, towns: number, village?: number, maxVillages = 25): Position {
  const KM_PER_DEG_LON = 96.2; // at 30° N
  const KM_PER_DEG_LAT = 110.6;
  const spiralKm = 0.33 * Math.sqrt(Math.max(1, maxVillages));
  const ringKm = Math.max(12, (Math.max(1, towns) * (2 * spiralKm + 0.6)) / (2 * Math.PI));
  const angle = (2 * Math.PI * town) / Math.max(1, towns);
  const c = { longitude: DISTRICT_CENTRE.longitude + (ringKm / KM_PER_DEG_LON) * Math.cos(angle), latitude: DISTRICT_CENTRE.latitude + (ringKm / KM_PER_DEG_LAT) * Math.sin(angle) };
  if (village === undefined) return { longitude: round5(c.longitude), latitude: round5(c.latitude) };
  const rKm = 0.33 * Math.sqrt(village + 1);
  const a = village * 2.39996; // the golden angle
  return { longitude: round5(c.longitude + (rKm / KM_PER_DEG_LON) * Math.cos(a)), latitude: round5(c.latitude + (rKm / KM_PER_DEG_LAT) * Math.sin(a)) };
}

const ROLE_NAMES: Record<Staff['role'], string> = {
  gp: '全科医生',
  nurse: '护士',
  'public-health': '公共卫生医生',
  'village-doctor': '乡村医生',
  specialist: '专科医生',
};

function roleConcept(role: Staff['role']) {
  return { coding: [{ system: STAFF_ROLE_SYSTEM, code: role, display: ROLE_NAMES[role] }] };
}

function organization(f: Facility): Organization {
  const type: CodeableConcept[] = [{ coding: [{ system: FACILITY_TYPE_SYSTEM, code: f.type }] }];
  if (f.centreKind) type.push({ coding: [{ system: SPECIALISED_CENTRE_SYSTEM, code: f.centreKind }] });
  return {
    resourceType: 'Organization',
    id: f.id,
    extension: [{ url: ORG_UNIT_EXTENSION, valueCode: f.orgUnit }],
    identifier: [{ system: FACILITY_SYSTEM, value: f.code }],
    active: true,
    type,
    name: f.name,
    ...(f.partOf ? { partOf: { reference: `Organization/${f.partOf.id}` } } : {}),
  };
}

function practitioner(s: Staff): Practitioner {
  return {
    resourceType: 'Practitioner',
    id: s.id,
    identifier: [{ system: PRACTITIONER_SYSTEM, value: s.code }],
    active: true,
    name: [{ use: 'official', text: s.name, family: s.name.slice(0, 1), given: [s.name.slice(1)] }],
    gender: s.gender,
    qualification: [{ code: roleConcept(s.role) }],
  };
}

function practitionerRole(s: Staff, id: string): PractitionerRole {
  return {
    resourceType: 'PractitionerRole',
    id,
    active: true,
    practitioner: { reference: `Practitioner/${s.id}`, display: s.name },
    organization: { reference: `Organization/${s.facility.id}`, display: s.facility.name },
    code: [roleConcept(s.role)],
  };
}

/**
 * All structure resources in load order. PractitionerRole ids are derived from the practitioner's
 * id (`<practitioner id>-role`), so they need no extra id stream.
 */
export function districtResources(d: District): Resource[] {
  const out: Resource[] = [orgUnit(d.locationId, d.code, d.name, 'district', undefined, DISTRICT_CENTRE)];
  const T = d.towns.length;
  const maxV = Math.max(1, ...d.towns.map((t) => t.villages.length));
  for (const t of d.towns) out.push(orgUnit(t.locationId, t.code, t.name, 'town', d.locationId, simulatedPosition(t.index, T, undefined, maxV)));
  for (const v of d.villages) out.push(orgUnit(v.locationId, v.code, v.name, 'village', v.town.locationId, simulatedPosition(v.town.index, T, v.town.villages.indexOf(v), maxV)));
  // Parents before children: the hospital group first, then centres, township centres, clinics.
  for (const f of d.facilities) out.push(organization(f));
  const staff = d.facilities.flatMap((f) => f.staff);
  for (const s of staff) out.push(practitioner(s));
  for (const s of staff) out.push(practitionerRole(s, `${s.id}-role`));
  for (const team of d.teams) {
    const careTeam: CareTeam = {
      resourceType: 'CareTeam',
      id: team.id,
      identifier: [{ system: CARE_TEAM_SYSTEM, value: team.code }],
      status: 'active',
      category: [{ coding: [{ system: 'http://loinc.org', code: 'LA28865-6', display: 'Longitudinal care-coordination focused care team' }] }],
      name: team.name,
      extension: team.villages.map((v) => ({ url: ORG_UNIT_EXTENSION, valueCode: v.code })),
      participant: team.members.map((m) => ({
        role: [roleConcept(m.role)],
        member: { reference: `Practitioner/${m.id}`, display: m.name },
        onBehalfOf: { reference: `Organization/${m.facility.id}` },
      })),
      managingOrganization: [{ reference: `Organization/${team.centre.id}` }],
    };
    out.push(careTeam);
  }
  return out;
}
