/**
 * The matching record: what the MPI compares, extracted from a FHIR Patient per the identifier
 * conventions of ../fhir (resident ID in `urn:oid:2.16.156.10011.1.3` or type NNCHN, phones in
 * `telecom` with system `phone`, names in `text` and/or family/given, possibly pinyin only).
 * Bad input is matched on what it has: a malformed ID is kept as sent and flagged, never corrected.
 */
import type { Address, HumanName, Identifier, Patient } from '@medplum/fhirtypes';
import { INSURANCE_ID_SYSTEM, RESIDENT_ID_SYSTEM, RESIDENT_ID_TYPE_CODE } from '../../fhir/index.js';
import { cleanText, normaliseName, toSimplified, type NormalisedName } from './names.js';
import { normalisePhone } from './phone.js';
import { normaliseResidentIdInput, validateResidentId } from './resident-id.js';

/** Status of the resident ID of a record. */
export type ResidentIdStatus = 'valid' | 'legacy' | 'invalid' | 'absent';

/** Everything the comparators and blocking rules read from one Patient. */
export interface MatchRecord {
  /** Patient.id (or a caller-chosen key). */
  id: string;
  name: NormalisedName;
  /** ISO date (or YYYY / YYYY-MM when only that was sent). */
  birthDate?: string;
  /** Where birthDate came from: the Patient, or the resident ID when the Patient had none. */
  birthDateSource?: 'patient' | 'resident-id';
  sex?: string;
  /** 18-character resident ID: valid, or upgraded from a valid 15-digit legacy number. */
  residentId?: string;
  residentIdStatus: ResidentIdStatus;
  /** The ID as sent (normalised spacing/width only) when it is invalid; compared, never blocked on. */
  residentIdRaw?: string;
  /** The 15-digit number as sent, when the record carried a legacy ID. */
  legacyId?: string;
  /** Normalised phone digits, mobiles first. */
  phones: string[];
  addressTokens: string[];
  insuranceId?: string;
}

/** Which identifier systems mean what; defaults come from the FHIR conventions. */
export interface FeatureOptions {
  residentIdSystems?: readonly string[];
  insuranceSystems?: readonly string[];
  /** ISO date of "today" to reject future birth dates in IDs (pure: passed in). */
  asOf?: string;
}

const ADDRESS_TOKEN =
  /.+?(?:自治区|自治州|自治县|特别行政区|街道|社区|单元|开发区|省|市|区|县|旗|镇|乡|村|组|号|路|街|巷|弄|栋|幢|楼|室|屯|队)|.+$/gu;

/**
 * Split a Chinese address into administrative and street tokens:
 * 浙江省杭州市萧山区城厢街道城河村3组12号 → 浙江省 杭州市 萧山区 城厢街道 城河村 3组 12号.
 * @param text address text (full-width and traditional forms tolerated)
 */
export function tokeniseAddress(text: string): string[] {
  const s = toSimplified(cleanText(text)).replace(/[\s,，、;；()（）#\-]/gu, '');
  return (s.match(ADDRESS_TOKEN) ?? []).filter((t) => t.length > 0);
}

function addressText(a: Address): string {
  if (a.text && a.text.trim()) return a.text;
  return [a.state, a.city, a.district, ...(a.line ?? [])].filter(Boolean).join('');
}

function isResidentId(id: Identifier, systems: readonly string[]): boolean {
  if (id.system && systems.includes(id.system)) return true;
  return (id.type?.coding ?? []).some((c) => c.code === RESIDENT_ID_TYPE_CODE);
}

const HAN = /\p{Script=Han}/u;
function hasHan(n: HumanName): boolean {
  return HAN.test(n.text ?? '') || HAN.test(n.family ?? '') || (n.given ?? []).some((g) => HAN.test(g));
}

/** Choose the name to match on: characters over pinyin, then official/usual over others. */
function pickName(names: readonly HumanName[]): HumanName | undefined {
  const rank = (n: HumanName): number =>
    (hasHan(n) ? 0 : 10) + (n.use === 'official' ? 0 : n.use === 'usual' ? 1 : n.use === 'old' ? 5 : 2);
  return [...names].filter((n) => n.text || n.family || n.given?.length).sort((a, b) => rank(a) - rank(b))[0];
}

/**
 * Extract the matching record of a FHIR Patient.
 * @param patient the Patient as sent (not modified)
 * @param opts identifier systems and the reference date for ID validation
 */
export function extractMatchRecord(patient: Patient, opts: FeatureOptions = {}): MatchRecord {
  const residentSystems = opts.residentIdSystems ?? [RESIDENT_ID_SYSTEM];
  const insuranceSystems = opts.insuranceSystems ?? [INSURANCE_ID_SYSTEM];
  const human = pickName(patient.name ?? []);
  const name = normaliseName({ text: human?.text, family: human?.family, given: human?.given });
  const rec: MatchRecord = { id: patient.id ?? '', name, residentIdStatus: 'absent', phones: [], addressTokens: [] };

  // Resident ID: prefer a valid one when several are sent.
  const ids = (patient.identifier ?? []).filter((i) => i.value && isResidentId(i, residentSystems));
  for (const ident of ids) {
    const r = validateResidentId(ident.value!, opts.asOf ? { notAfter: opts.asOf } : {});
    if (r.valid) {
      rec.residentId = r.id;
      rec.residentIdStatus = r.legacy ? 'legacy' : 'valid';
      if (r.legacy) rec.legacyId = normaliseResidentIdInput(ident.value!);
      rec.residentIdRaw = undefined;
      if (!patient.birthDate) {
        rec.birthDate = r.birthDate;
        rec.birthDateSource = 'resident-id';
      }
      if (!patient.gender) rec.sex = r.sex;
      break;
    }
    if (rec.residentIdStatus === 'absent') {
      rec.residentIdStatus = 'invalid';
      rec.residentIdRaw = r.normalised || undefined;
    }
  }
  const insurance = (patient.identifier ?? []).find((i) => i.value && i.system && insuranceSystems.includes(i.system));
  if (insurance?.value) rec.insuranceId = normaliseResidentIdInput(insurance.value);

  if (patient.birthDate) {
    rec.birthDate = patient.birthDate.slice(0, 10);
    rec.birthDateSource = 'patient';
  }
  if (patient.gender) rec.sex = patient.gender;

  const phones = (patient.telecom ?? [])
    .filter((t) => (t.system === 'phone' || t.system === 'sms') && t.value)
    .map((t) => normalisePhone(t.value!))
    .filter((p): p is NonNullable<typeof p> => p !== undefined && p.digits.length >= 7);
  rec.phones = [...new Set([...phones.filter((p) => p.mobile), ...phones.filter((p) => !p.mobile)].map((p) => p.digits))];

  const addr = (patient.address ?? []).find((a) => a.use === 'home') ?? patient.address?.[0];
  if (addr) rec.addressTokens = tokeniseAddress(addressText(addr));
  return rec;
}
