/**
 * Resident identity card numbers (居民身份证号码), GB 11643-1999 "Citizen identification number".
 *
 * Layout of the 18-character number (GB 11643-1999 §4–§8):
 *   RRRRRR  YYYYMMDD  SSS  C
 *   region  birth     order check
 * - region: administrative division code of the place of first registration (GB/T 2260);
 * - order: odd for men, even for women (§8.3);
 * - check: ISO 7064:1983 MOD 11-2 over the first 17 digits, value 10 written 'X' (§8.4).
 * The 15-digit number issued before 1999 has a 2-digit year and no check character.
 */

/** FHIR administrative gender carried by a resident ID. */
export type IdSex = 'male' | 'female';

/** Why a resident ID was rejected. */
export type ResidentIdProblem = 'empty' | 'length' | 'characters' | 'region' | 'birth-date' | 'checksum';

/** What a resident ID says about its holder. */
export interface ParsedResidentId {
  /** The 18-character number (upgraded when the input had 15 digits). */
  id: string;
  /** True when the input was a 15-digit legacy number. */
  legacy: boolean;
  /** ISO date YYYY-MM-DD. */
  birthDate: string;
  sex: IdSex;
  /** 6-digit GB/T 2260 division code of first registration. */
  regionCode: string;
}

/** Result of validating an input string as a resident ID. */
export type ResidentIdResult =
  | ({ valid: true } & ParsedResidentId)
  | { valid: false; problem: ResidentIdProblem; input: string; normalised: string };

/** Options of validation. */
export interface ResidentIdOptions {
  /** Reject birth dates after this ISO date (pure: the caller passes "today"). */
  notAfter?: string;
  /** Reject birth dates before this ISO date; default 1850-01-01. */
  notBefore?: string;
}

// ISO 7064 MOD 11-2 weights W_i = 2^(i-1) mod 11 for positions 18..2 (GB 11643-1999 §8.4, table 1).
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
// Check character a_1 such that Σ a_i·W_i ≡ 1 (mod 11): index = Σ mod 11 (GB 11643-1999 §8.4, table 2).
const CHECK_CHARS = '10X98765432';

/**
 * Province-level prefixes of GB/T 2260 (11–15, 21–23, 31–37, 41–46, 50–54, 61–65), Taiwan (71)
 * and Hong Kong / Macao (81, 82), plus 83 used by residence permits for Taiwan residents.
 */
const PROVINCE_PREFIXES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

/**
 * Compute the ISO 7064 MOD 11-2 check character of the first 17 digits.
 * @param first17 exactly 17 ASCII digits
 * @returns '0'–'9' or 'X'
 * @throws RangeError when the input is not 17 digits
 */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('residentIdCheckChar needs 17 digits');
  let sum = 0;
  // S = Σ a_i · W_i (ISO 7064 MOD 11-2, GB 11643-1999 §8.4)
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/**
 * Clean what a clerk typed: full-width digits and letters to ASCII, drop spaces and dashes,
 * upper-case the check character 'x'. Does not repair anything else.
 * @param raw input as sent
 */
export function normaliseResidentIdInput(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\s\-_.·]/g, '')
    .toUpperCase();
}

/** True when YYYY-MM-DD is a real Gregorian calendar date. */
export function isCalendarDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0; // Gregorian leap rule
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[mo - 1];
}

function checkBody(region: string, birthDate: string, opts: ResidentIdOptions): ResidentIdProblem | undefined {
  if (!PROVINCE_PREFIXES.has(region.slice(0, 2))) return 'region';
  if (!isCalendarDate(birthDate)) return 'birth-date';
  if (birthDate < (opts.notBefore ?? '1850-01-01')) return 'birth-date';
  if (opts.notAfter !== undefined && birthDate > opts.notAfter) return 'birth-date';
  return undefined;
}

/**
 * Validate an 18-character resident ID, or a 15-digit legacy one (upgraded to 18).
 * Never "corrects" a number: a wrong check character is reported, not replaced.
 * @param raw the number as sent (spaces, dashes and full-width characters are tolerated)
 * @param opts optional birth-date bounds; pass `notAfter` = today to reject future births
 */
export function validateResidentId(raw: string, opts: ResidentIdOptions = {}): ResidentIdResult {
  const s = normaliseResidentIdInput(raw);
  const fail = (problem: ResidentIdProblem): ResidentIdResult => ({ valid: false, problem, input: raw, normalised: s });
  if (s.length === 0) return fail('empty');
  if (s.length === 15) {
    if (!/^\d{15}$/.test(s)) return fail('characters');
    const id = upgradeLegacyResidentId(s);
    const birthDate = `19${s.slice(6, 8)}-${s.slice(8, 10)}-${s.slice(10, 12)}`;
    const problem = checkBody(s.slice(0, 6), birthDate, opts);
    if (problem || id === undefined) return fail(problem ?? 'characters');
    return { valid: true, ...describe(id), legacy: true };
  }
  if (s.length !== 18) return fail('length');
  if (!/^\d{17}[\dX]$/.test(s)) return fail('characters');
  const birthDate = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  const problem = checkBody(s.slice(0, 6), birthDate, opts);
  if (problem) return fail(problem);
  if (residentIdCheckChar(s.slice(0, 17)) !== s[17]) return fail('checksum');
  return { valid: true, ...describe(s), legacy: false };
}

function describe(id18: string): Omit<ParsedResidentId, 'legacy'> {
  return {
    id: id18,
    birthDate: `${id18.slice(6, 10)}-${id18.slice(10, 12)}-${id18.slice(12, 14)}`,
    // GB 11643-1999 §8.3: the order code is odd for men and even for women.
    sex: (id18.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female',
    regionCode: id18.slice(0, 6),
  };
}

/**
 * Parse a resident ID (18 characters, or 15-digit legacy) into birth date, sex and region.
 * @returns undefined when the number is not valid
 */
export function parseResidentId(raw: string, opts: ResidentIdOptions = {}): ParsedResidentId | undefined {
  const r = validateResidentId(raw, opts);
  if (!r.valid) return undefined;
  return { id: r.id, legacy: r.legacy, birthDate: r.birthDate, sex: r.sex, regionCode: r.regionCode };
}

/**
 * Upgrade a 15-digit legacy number to 18: insert the century '19' before the 2-digit year
 * (legacy numbers were issued to people born in the 1900s) and append the check character.
 * @returns undefined when the input is not 15 ASCII digits
 */
export function upgradeLegacyResidentId(id15: string): string | undefined {
  const s = normaliseResidentIdInput(id15);
  if (!/^\d{15}$/.test(s)) return undefined;
  const first17 = `${s.slice(0, 6)}19${s.slice(6)}`;
  return first17 + residentIdCheckChar(first17);
}

/** Inputs of {@link generateResidentId}. */
export interface ResidentIdSpec {
  /** 6-digit division code. */
  regionCode: string;
  /** ISO date YYYY-MM-DD. */
  birthDate: string;
  /** 0–499: the n-th person of that sex born that day in that region. */
  sequence: number;
  sex: IdSex;
}

/**
 * Build a valid 18-character resident ID (for the simulator and tests).
 * Order code = 2·sequence + 1 for men, 2·sequence for women (odd/even rule, GB 11643-1999 §8.3).
 * @throws RangeError on a malformed region, date or a sequence outside 0–499
 */
export function generateResidentId(spec: ResidentIdSpec): string {
  const { regionCode, birthDate, sequence, sex } = spec;
  if (!/^\d{6}$/.test(regionCode) || !PROVINCE_PREFIXES.has(regionCode.slice(0, 2))) {
    throw new RangeError(`bad region code ${regionCode}`);
  }
  if (!isCalendarDate(birthDate)) throw new RangeError(`bad birth date ${birthDate}`);
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 499) throw new RangeError(`bad sequence ${sequence}`);
  const order = String(sequence * 2 + (sex === 'male' ? 1 : 0)).padStart(3, '0');
  const first17 = `${regionCode}${birthDate.replace(/-/g, '')}${order}`;
  return first17 + residentIdCheckChar(first17);
}
