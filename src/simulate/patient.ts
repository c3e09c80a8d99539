/**
 * Patient resources: the resident's primary record (the Basic Public Health Service health record at
 * the township centre) and the dirty duplicate registrations other facilities make of the same person.
 */
import type { HumanName, Identifier, Patient } from '@medplum/fhirtypes';
import {
  FACILITY_MRN_SYSTEM_PREFIX,
  FAMILY_DOCTOR_TEAM_EXTENSION,
  HOUSEHOLD_EXTENSION,
  IDENTIFIER_TYPE_SYSTEM,
  ORG_UNIT_EXTENSION,
  RESIDENT_ID_SYSTEM,
  RESIDENT_ID_TYPE_CODE,
} from '../foundation/fhir/index.js';
import { generateResidentId } from '../foundation/mpi/index.js';
import type { Facility, Village } from './district.js';
import type { Health } from './health.js';
import { homophoneVariant, hasHomophone, makeName, type PersonName } from './names.js';
import { dayToDateTime, dayToIso } from './options.js';
import { drawPhone, type Person } from './population.js';
import type { Rng } from './random.js';

/** One resident as the simulator tracks it while generating their village. */
export interface Resident {
  /** Ground-truth person key (stable across all of a person's Patient records). */
  key: string;
  patientId: string;
  person: Person;
  residentId: string;
  village: Village;
  health: Health;
  signed: boolean;
  /** Facility id → id of the duplicate Patient registered there. */
  registrations: Map<string, string>;
}

/**
 * Hands out the 3-digit order code of GB 11643 per (region, birth date, sex) so that every ID is
 * unique. Memory is bounded by regions × birth dates, not by the number of residents.
 */
export class ResidentIdRegistry {
  private readonly counts = new Map<number, number>();
  private readonly regions = new Map<string, number>();

  /** A unique, valid 18-digit ID for the person. */
  issue(regionCode: string, birthDate: string, birthDay: number, sex: 'male' | 'female'): string {
    let region = this.regions.get(regionCode);
    if (region === undefined) {
      region = this.regions.size;
      this.regions.set(regionCode, region);
    }
    const key = ((region * 100_000 + (birthDay + 50_000)) * 2 + (sex === 'male' ? 1 : 0));
    const n = this.counts.get(key) ?? 0;
    this.counts.set(key, n + 1);
    // Police stations hand out order codes in sequence; start at a per-day offset so codes look varied.
    const sequence = ((birthDay * 37 + region * 11) % 120 + 120) % 120 + n;
    if (sequence > 499) throw new RangeError(`more than 380 people of one sex born on ${birthDate} in ${regionCode}`);
    return generateResidentId({ regionCode, birthDate, sequence, sex });
  }
}

const SYL = [{ url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'SYL' }];

function hanziName(n: PersonName): HumanName {
  return { use: 'official', text: n.family + n.given, family: n.family, given: [n.given] };
}

function pinyinName(n: PersonName, upper: boolean): HumanName {
  const f = upper ? n.familyPinyin.toUpperCase() : n.familyPinyin;
  const g = upper ? n.givenPinyin.toUpperCase() : n.givenPinyin;
  return { extension: SYL, use: 'usual', text: `${f} ${g}`, family: f, given: [g] };
}

function residentIdentifier(value: string): Identifier {
  return {
    use: 'official',
    type: { coding: [{ system: IDENTIFIER_TYPE_SYSTEM, code: RESIDENT_ID_TYPE_CODE }] },
    system: RESIDENT_ID_SYSTEM,
    value,
  };
}

function address(text: string, line: string, village: Village) {
  return {
    use: 'home' as const,
    text,
    line: [`${village.town.name}${line}`],
    city: '杭州市',
    district: village.town.districtName,
    state: '浙江省',
    country: 'CN',
  };
}

/** The resident's primary Patient (health record kept by the township centre). */
export function primaryPatient(r: Resident): Patient {
  const p = r.person;
  const team = r.village.team;
  return {
    resourceType: 'Patient',
    id: r.patientId,
    extension: [
      { url: ORG_UNIT_EXTENSION, valueCode: r.village.code },
      { url: HOUSEHOLD_EXTENSION, valueString: p.household.id },
      ...(r.signed ? [{ url: FAMILY_DOCTOR_TEAM_EXTENSION, valueReference: { reference: `CareTeam/${team.id}` } }] : []),
    ],
    identifier: [residentIdentifier(r.residentId)],
    active: true,
    name: [hanziName(p.name), pinyinName(p.name, false)],
    ...(p.phone ? { telecom: [{ system: 'phone' as const, value: p.phone, use: 'mobile' as const }] } : {}),
    gender: p.sex,
    birthDate: p.birthDate,
    ...(r.health.deathDay !== undefined ? { deceasedDateTime: dayToDateTime(r.health.deathDay, 12 * 60) } : {}),
    address: [address(p.household.address, p.household.line, r.village)],
    ...(r.signed
      ? { generalPractitioner: [{ reference: `Practitioner/${team.lead.id}`, display: team.lead.name }, { reference: `Organization/${team.centre.id}` }] }
      : {}),
    managingOrganization: { reference: `Organization/${r.village.centre.id}` },
  };
}

/** A 15-digit legacy ID (pre-1999 format: no century, no check character) from an 18-digit one. */
export function toLegacyId(id18: string): string {
  return id18.slice(0, 6) + id18.slice(8, 17);
}

function birthDateTypo(rng: Rng, iso: string): string {
  const [y, m, d] = iso.split('-');
  if (Number(d) <= 12 && m !== d && rng.chance(0.6)) return `${y}-${d}-${m}`; // day/month swapped
  const t = Date.parse(`${iso}T00:00:00Z`) + (rng.chance(0.5) ? 1 : -1) * 86_400_000;
  return dayToIso(Math.floor(t / 86_400_000));
}

/**
 * A duplicate registration of the resident at `facility`, corrupted the way registration desks do
 * (homophone or pinyin-only names, missing/legacy/mistyped ID, changed phone, birth-date typo,
 * shortened address). Returns the Patient and the list of corruptions applied (for the truth table).
 */
export function duplicatePatient(rng: Rng, r: Resident, id: string, facility: Facility): { patient: Patient; corruptions: string[] } {
  const p = r.person;
  const c: string[] = [];
  let names: HumanName[];
  const u = rng.float();
  if (u < 0.35 && hasHomophone(p.name.family + p.name.given)) {
    const given = homophoneVariant(rng, p.name.given);
    const family = given === p.name.given ? homophoneVariant(rng, p.name.family) : p.name.family;
    names = [hanziName(makeName(family, given))];
    c.push('homophone');
  } else if (u < 0.47) {
    names = [pinyinName(p.name, rng.chance(0.5))];
    c.push('pinyin-only');
  } else {
    names = [hanziName(p.name)];
  }
  const identifiers: Identifier[] = [{ system: FACILITY_MRN_SYSTEM_PREFIX + facility.code, value: String(rng.int(1_000_000, 9_999_999)) }];
  const v = rng.float();
  const born = Number(p.birthDate.slice(0, 4));
  if (v < 0.35) c.push('id-missing');
  else if (v < 0.47 && born < 1985) {
    identifiers.push(residentIdentifier(toLegacyId(r.residentId)));
    c.push('id-legacy-15');
  } else if (v < 0.5) {
    const pos = rng.int(6, 16);
    const digit = String((Number(r.residentId[pos]) + rng.int(1, 9)) % 10);
    identifiers.push(residentIdentifier(r.residentId.slice(0, pos) + digit + r.residentId.slice(pos + 1)));
    c.push('id-typo');
  } else identifiers.push(residentIdentifier(r.residentId));
  let phone = p.phone;
  const w = rng.float();
  if (w < 0.3) {
    phone = drawPhone(rng);
    c.push('phone-changed');
  } else if (w < 0.45 && phone) {
    phone = undefined;
    c.push('phone-missing');
  }
  let birthDate = p.birthDate;
  if (rng.chance(0.05)) {
    birthDate = birthDateTypo(rng, birthDate);
    c.push('birth-date-typo');
  }
  let addressText = p.household.address;
  if (rng.chance(0.4)) {
    addressText = addressText.replace(/^浙江省杭州市/, '');
    c.push('address-short');
  }
  return {
    patient: {
      resourceType: 'Patient',
      id,
      extension: [{ url: ORG_UNIT_EXTENSION, valueCode: r.village.code }],
      identifier: identifiers,
      active: true,
      name: names,
      ...(phone ? { telecom: [{ system: 'phone' as const, value: phone, use: 'mobile' as const }] } : {}),
      gender: p.sex,
      birthDate,
      address: [address(addressText, p.household.line, r.village)],
      managingOrganization: { reference: `Organization/${facility.id}` },
    },
    corruptions: c,
  };
}
