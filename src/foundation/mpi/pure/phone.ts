/**
 * Chinese mobile numbers. Mainland mobiles have 11 digits: 1[3-9]xxxxxxxxx (MIIT numbering plan);
 * the country code is +86.
 */

/** A phone number reduced to digits. */
export interface NormalisedPhone {
  /** National digits: country code, separators and a trunk '0' before a mobile removed. */
  digits: string;
  /** True for a valid mainland mobile number. */
  mobile: boolean;
}

const MOBILE = /^1[3-9]\d{9}$/;

/**
 * Reduce a phone number to national digits: full-width digits to ASCII, drop spaces, dashes,
 * dots and brackets, drop a leading +86 / 0086 / 86 before an 11-digit mobile and a trunk 0
 * before a mobile ("0139…").
 * @param raw the number as sent
 * @returns undefined when no digits are left
 */
export function normalisePhone(raw: string): NormalisedPhone | undefined {
  let d = raw.normalize('NFKC').replace(/(?:ext|转|分机).*$/iu, '');
  d = d.replace(/[^\d+]/g, '');
  if (d.startsWith('+')) d = d.slice(1);
  d = d.replace(/\+/g, '');
  if (d.length === 0) return undefined;
  // +86 (E.164 country code of China), dialled as 0086 internationally
  if (d.startsWith('0086') && MOBILE.test(d.slice(4))) d = d.slice(4);
  else if (d.startsWith('86') && MOBILE.test(d.slice(2))) d = d.slice(2);
  else if (d.startsWith('0') && MOBILE.test(d.slice(1))) d = d.slice(1);
  return { digits: d, mobile: MOBILE.test(d) };
}

/**
 * Normalised 11-digit mobile number, or undefined when the input is no valid mainland mobile.
 * @param raw the number as sent
 */
export function normaliseMobile(raw: string): string | undefined {
  const p = normalisePhone(raw);
  return p?.mobile ? p.digits : undefined;
}

/**
 * True for a valid mainland mobile (after normalisation).
 * @param raw the number as sent
 */
export function isValidMobile(raw: string): boolean {
  return normaliseMobile(raw) !== undefined;
}
