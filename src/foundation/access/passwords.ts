/**
 * Password hashing and rules. Argon2id (RFC 9106) with the OWASP Password Storage Cheat Sheet
 * parameters (m = 19 MiB, t = 2, p = 1) through @node-rs/argon2, whose default algorithm is Argon2id.
 */
import { hash, verify } from '@node-rs/argon2';

const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

/** Argon2id PHC string of `password` (random 16-byte salt). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** True when `password` matches the PHC string; false for a malformed hash. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** Spends the time of one verification, so unknown usernames answer as slowly as wrong passwords. */
export async function burnVerification(password: string): Promise<void> {
  dummy ??= hashPassword('healthy-brain-timing-equaliser');
  await verifyPassword(await dummy, password);
}

export const MIN_PASSWORD_LENGTH = 10;

/**
 * Password rules (GB/T 22239-2019 level 3 asks for complexity and regular change; NIST SP 800-63B
 * §5.1.1 for length over composition): at least 10 characters, at least three of lower case,
 * upper case, digits and symbols, not containing the username. Returns the problem, or null.
 */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 256) return 'password must have at most 256 characters';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) return 'password must mix at least three of: lower case, upper case, digits, symbols';
  if (username && password.toLowerCase().includes(username.toLowerCase())) return 'password must not contain the username';
  return null;
}
