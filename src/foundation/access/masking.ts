/**
 * Display masking of the resident ID number and phone numbers for roles that do not need them
 * (roles.ts `identifiers: 'masked'`, docs/access.md *Privacy*). PIPL art. 6 (minimum necessary),
 * art. 28 (sensitive personal information); GB/T 35273-2020 §7.2 (de-identify what is displayed).
 *
 * Pure functions. The FHIR store calls `maskResourceJson` on every resource it returns to a
 * masked context (AccessControl.privacy, set by compileAccess) and `assertUnmasked` on every
 * resource such a context writes, so a masked value can never overwrite the real one.
 */
import type { OperationOutcome } from '@medplum/fhirtypes';
import { OperationOutcomeError, RESIDENT_ID_SYSTEM } from '../fhir/index.js';

/** HL7 v3 ObservationValue `MASKED`: "the information has been masked" (FHIR R4 security labels). */
export const MASKED_SECURITY = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'MASKED', display: 'masked' } as const;

/** ContactPoint.system codes whose value is a phone number (R4 contact-point-system). */
const PHONE_SYSTEMS = new Set(['phone', 'sms']);
/** Resource types whose own identifier / telecom / contact.telecom are a resident's. */
const MASKED_TYPES = new Set(['Patient', 'RelatedPerson']);

/** Keeps the first and last quarter (rounded down) of a value and stars the rest. */
function keepQuarters(value: string): string {
  const chars = [...value];
  const keep = Math.floor(chars.length / 4);
  return chars.slice(0, keep).join('') + '*'.repeat(chars.length - 2 * keep) + chars.slice(chars.length - keep).join('');
}

/**
 * Resident ID (GB 11643-1999, 18 characters; also the 15-digit first-generation number): first 6
 * (the issuing area) + stars + last 4, e.g. `330181********1234`. Shorter or other values keep
 * their first and last quarter. The length is kept.
 */
export function maskResidentId(value: string): string {
  if (value.length >= 15) return value.slice(0, 6) + '*'.repeat(value.length - 10) + value.slice(-4);
  return keepQuarters(value);
}

/**
 * Phone: a Chinese mobile number (11 digits starting with 1, optionally after +86 / 86) shows the
 * first 3 and last 4 digits, the usual display (`138****5678`); anything else keeps its first and
 * last quarter.
 */
export function maskPhone(value: string): string {
  const m = /^(\+?86[ -]?)?(1\d{2})(\d{4})(\d{4})$/.exec(value);
  if (m) return `${m[1] ?? ''}${m[2]}****${m[4]}`;
  return keepQuarters(value);
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Calls `visit` on every resident-ID identifier and every phone ContactPoint of a Patient or
 * RelatedPerson: the resource itself, its `contained` resources (R4 §3.5.0: a contained Patient is
 * the same data inline) and, in a stored Bundle (a document or message), its entries' resources —
 * at any depth. `at` is the FHIRPath of `resource`.
 */
function eachSensitive(resource: Json, visit: (holder: Json, kind: 'id' | 'phone', path: string) => void, at = String(resource.resourceType)): void {
  const type = String(resource.resourceType);
  const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
  if (MASKED_TYPES.has(type)) {
    list(resource.identifier).forEach((i, n) => {
      if (i.system === RESIDENT_ID_SYSTEM && typeof i.value === 'string') visit(i, 'id', `${at}.identifier[${n}].value`);
    });
    const phones = (telecom: unknown, path: string) =>
      list(telecom).forEach((t, n) => {
        if (typeof t.system === 'string' && PHONE_SYSTEMS.has(t.system) && typeof t.value === 'string') visit(t, 'phone', `${path}.telecom[${n}].value`);
      });
    phones(resource.telecom, at);
    if (type === 'Patient') list(resource.contact).forEach((c, n) => phones(c.telecom, `${at}.contact[${n}]`));
  }
  list(resource.contained).forEach((c, n) => eachSensitive(c, visit, `${at}.contained[${n}]`));
  if (type === 'Bundle') list(resource.entry).forEach((e, n) => isObject(e.resource) && eachSensitive(e.resource, visit, `${at}.entry[${n}].resource`));
}

/**
 * Masks a resource in place, contained resources and Bundle entries included; returns true when
 * anything was masked (the resource then carries the MASKED security label on its own meta — a
 * label of the container covers what it contains — so a client can tell a masked value from a
 * stored one).
 */
export function maskResource(resource: Json): boolean {
  let changed = false;
  eachSensitive(resource, (holder, kind) => {
    const value = holder.value as string;
    if (value.includes('*')) return; // masked already: masking is idempotent
    const masked = kind === 'id' ? maskResidentId(value) : maskPhone(value);
    if (masked !== value) {
      holder.value = masked;
      changed = true;
    }
  });
  if (changed) {
    const meta = isObject(resource.meta) ? resource.meta : (resource.meta = {});
    const security = Array.isArray(meta.security) ? (meta.security as Json[]) : (meta.security = []);
    if (!security.some((s) => isObject(s) && s.system === MASKED_SECURITY.system && s.code === MASKED_SECURITY.code)) security.push({ ...MASKED_SECURITY });
  }
  return changed;
}

/**
 * The stored JSON text of a resource, masked. Text that cannot hold a value to mask (no Patient or
 * RelatedPerson in it, as the resource or a contained one, or neither the resident-ID system nor a
 * phone) is returned as it is, without parsing.
 */
export function maskResourceJson(json: string): string {
  if (!json.includes('"Patient"') && !json.includes('"RelatedPerson"')) return json;
  if (!json.includes(RESIDENT_ID_SYSTEM) && !json.includes('"phone"') && !json.includes('"sms"')) return json;
  const resource = JSON.parse(json) as unknown;
  if (!isObject(resource) || !maskResource(resource)) return json;
  return JSON.stringify(resource);
}

/** The FHIRPath of the first resident ID or phone of a resource that holds a mask character ('*'), if any. */
export function maskedValueIn(resource: object): string | undefined {
  let found: string | undefined;
  if (isObject(resource)) {
    eachSensitive(resource, (holder, _kind, path) => {
      found ??= (holder.value as string).includes('*') ? path : undefined;
    });
  }
  return found;
}

/**
 * 422 (business rule) when a resource to be written carries a masked resident ID or phone: a
 * masked view written back must not replace the real value. Neither GB 11643 IDs nor phone
 * numbers ever contain '*'.
 */
export function assertUnmasked(resource: object): void {
  const path = maskedValueIn(resource);
  if (!path) return;
  const outcome: OperationOutcome = {
    resourceType: 'OperationOutcome',
    id: 'business-rule',
    issue: [{ severity: 'error', code: 'business-rule', details: { text: 'A masked resident ID or phone number cannot be written back over the stored value' }, expression: [path] }],
  };
  throw new OperationOutcomeError(outcome);
}
