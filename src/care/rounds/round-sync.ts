/**
 * Offline capture sync (pure): the shape of a batch of visit records captured offline, the
 * fingerprint of a record's payload, and the replay rule (docs/care.md, "Conflict rule").
 *
 * As in Simple's sync (simpledotorg: ADR 004, client-generated UUID v4 ids; the server's
 * `Mergeable` merge status new / identical / old / invalid per record), every record carries the
 * id its device gave it. A visit is an append-only event: it is never edited by a later sync, so
 * two different visits never conflict (both are kept, even for the same patient and day). What
 * can conflict is one client id arriving with two different payloads: the first accepted stays,
 * the other is rejected with 409 — unlike Simple, which lets a newer `device_updated_at` win,
 * because a recorded follow-up has already updated the registry and a silent overwrite would
 * change clinical history; a correction is a new visit.
 */
import { createHash } from 'node:crypto';
import type { OperationOutcome } from '@medplum/fhirtypes';
import { outcomes } from '../../foundation/fhir/index.js';

/** At most this many records in one sync request. */
export const MAX_BATCH = 200;
/** A device clock may run ahead of the server's by this much (ms) before recordedAt counts as future. */
export const CLOCK_SKEW_MS = 10 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** One visit record as the client queued it. */
export interface SyncRecord {
  clientId: string;
  /** When the visit was recorded on the device (ISO instant, normalised to UTC). */
  recordedAt: string;
  patient: string;
  /** The follow-up, the body of POST /api/chronic/follow-ups without `patient`. */
  followUp: Record<string, unknown>;
}

/** What the server wrote for an accepted record; a replay answers it again, unchanged. */
export interface StoredResult {
  patient: string;
  recordedAt: string;
  receivedAt: string;
  encounter: string;
  observations: string[];
  medicationRequests: string[];
  episodes: string[];
}

export type SyncResult =
  | ({ index: number; clientId: string; status: 'created' | 'duplicate' } & StoredResult)
  | { index: number; clientId: string | null; status: 'rejected'; httpStatus: number; retry: boolean; reason: string; outcome: OperationOutcome };

/** Rejected result from an OperationOutcome (4xx: the record needs a person's edit; 5xx: send again). */
export function rejected(index: number, clientId: string | null, httpStatus: number, outcome: OperationOutcome): SyncResult {
  const reason = outcome.issue?.map((i) => i.details?.text ?? i.diagnostics ?? i.code).join('; ') || `HTTP ${httpStatus}`;
  return { index, clientId, status: 'rejected', httpStatus, retry: httpStatus >= 500 || httpStatus === 429, reason, outcome };
}

/** Parses the batch envelope: `{records: [...]}` with 1–MAX_BATCH entries (else a 400 for the whole request). */
export function parseBatch(body: unknown): unknown[] {
  const records = (body as { records?: unknown } | null)?.records;
  if (!Array.isArray(records)) outcomes.fail('records must be an array of visit records', 'records');
  if (records.length === 0 || records.length > MAX_BATCH) outcomes.fail(`records must hold 1–${MAX_BATCH} visit records`, 'records');
  return records;
}

/**
 * Parses one record; throws a 400 OperationOutcomeError naming `records[i].field`. `now` is the
 * server's clock: a recordedAt further ahead than CLOCK_SKEW_MS is refused (the device clock is wrong).
 */
export function parseRecord(raw: unknown, index: number, now: Date): SyncRecord {
  const at = (field: string) => `records[${index}].${field}`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) outcomes.fail('a visit record must be an object', `records[${index}]`);
  const r = raw as Record<string, unknown>;
  if (typeof r.clientId !== 'string' || !UUID.test(r.clientId)) outcomes.fail('clientId must be the UUID the device gave the record', at('clientId'));
  if (typeof r.recordedAt !== 'string' || !DATE_TIME.test(r.recordedAt) || Number.isNaN(Date.parse(r.recordedAt))) outcomes.fail('recordedAt must be a date-time with a time zone', at('recordedAt'));
  const recordedAt = new Date(r.recordedAt);
  if (recordedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) outcomes.fail('recordedAt is in the future: check the device clock', at('recordedAt'));
  if (typeof r.patient !== 'string' || !ID.test(r.patient)) outcomes.fail('patient must be the Patient id', at('patient'));
  if (r.followUp === null || typeof r.followUp !== 'object' || Array.isArray(r.followUp)) outcomes.fail('followUp must be the follow-up object (date, bp, glucose, …)', at('followUp'));
  const followUp = r.followUp as Record<string, unknown>;
  if ('patient' in followUp && followUp.patient !== r.patient) outcomes.fail('followUp.patient, when given, must equal patient', at('followUp.patient'));
  return { clientId: r.clientId.toLowerCase(), recordedAt: recordedAt.toISOString(), patient: r.patient, followUp };
}

/** JSON with object keys sorted at every level, so equal payloads give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of the record's payload (patient, recordedAt, follow-up; not the client id). */
export function fingerprint(record: SyncRecord): string {
  const { patient, recordedAt, followUp } = record;
  const { patient: _ignored, ...visit } = followUp;
  return createHash('sha256').update(canonicalJson({ patient, recordedAt, visit })).digest('hex');
}

/**
 * The replay rule for a client id the server has already accepted: the same payload from the same
 * user is a duplicate (answer the stored result, write nothing); anything else is a 409 conflict
 * and the first record stays.
 */
export function replayOf(stored: { fingerprint: string; actor: string }, incoming: { fingerprint: string; actor: string }): { kind: 'duplicate' } | { kind: 'conflict'; reason: string } {
  if (stored.actor !== incoming.actor) return { kind: 'conflict', reason: 'this client id was already synced by another user; the device must give each record its own id' };
  if (stored.fingerprint !== incoming.fingerprint) return { kind: 'conflict', reason: 'this client id was already synced with a different visit; the first stays (a correction is a new visit with a new id)' };
  return { kind: 'duplicate' };
}
