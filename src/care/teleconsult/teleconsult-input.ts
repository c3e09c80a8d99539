/**
 * Parsing of teleconsultation bodies (400 OperationOutcome naming the field). Pure.
 * Attachments travel inside the JSON body (base64 `data`) or as a link (`url`): at most
 * MAX_ATTACHMENTS, each `data` at most MAX_ATTACHMENT_BYTES decoded and all `data` together at most
 * MAX_TOTAL_BYTES, so a request stays under the server's 1 MiB body limit (HB_BODY_LIMIT) once
 * base64 has grown it by 4/3; larger files (images, ECG recordings) go by url.
 */
import { outcomes } from '../../foundation/fhir/index.js';
import type { AttachmentInput, NewTeleconsult } from './teleconsult-fhir.js';
import { isTeleconsultState, type TeleconsultState } from './teleconsult-state.js';

export const MAX_ATTACHMENTS = 5;
export const MAX_ATTACHMENT_BYTES = 512 * 1024;
export const MAX_TOTAL_BYTES = 640 * 1024;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MIME = /^[a-z]+\/[a-z0-9.+-]+$/i;

function id(value: unknown, field: string): string {
  if (typeof value !== 'string' || !ID.test(value)) outcomes.fail(`${field} must be a resource id`, field);
  return value;
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') outcomes.fail(`${field} is required`, field);
  if (value.length > max) outcomes.fail(`${field} must be at most ${max} characters`, field);
  return value;
}

/** Decoded bytes of a base64 string. */
const decodedBytes = (b64: string) => Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);

/** A list of attachments at `field`; 400 naming `field[i].x`. */
export function parseAttachments(value: unknown, field: string): AttachmentInput[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MAX_ATTACHMENTS) outcomes.fail(`${field} must be a list of at most ${MAX_ATTACHMENTS} attachments`, field);
  let total = 0;
  return value.map((a: unknown, i: number) => {
    const at = `${field}[${i}]`;
    if (!a || typeof a !== 'object') outcomes.fail(`${at} must be an object {contentType, title?, data | url}`, at);
    const v = a as Record<string, unknown>;
    if (typeof v.contentType !== 'string' || !MIME.test(v.contentType)) outcomes.fail(`${at}.contentType must be a MIME type such as image/jpeg`, `${at}.contentType`);
    if ((v.data === undefined) === (v.url === undefined)) outcomes.fail(`${at} needs data (base64) or url, not both`, at);
    const title = v.title === undefined ? undefined : text(v.title, `${at}.title`, 200);
    if (v.url !== undefined) {
      if (typeof v.url !== 'string' || !/^https?:\/\/\S{1,2000}$/.test(v.url)) outcomes.fail(`${at}.url must be an http(s) URL`, `${at}.url`);
      return { contentType: v.contentType, url: v.url, ...(title ? { title } : {}) };
    }
    if (typeof v.data !== 'string' || v.data.length === 0 || v.data.length % 4 !== 0 || !BASE64.test(v.data)) outcomes.fail(`${at}.data must be base64`, `${at}.data`);
    const size = decodedBytes(v.data);
    if (size > MAX_ATTACHMENT_BYTES) outcomes.fail(`${at}.data is ${size} bytes: at most ${MAX_ATTACHMENT_BYTES} bytes per attachment; send larger files by url`, `${at}.data`);
    total += size;
    if (total > MAX_TOTAL_BYTES) outcomes.fail(`${field}: at most ${MAX_TOTAL_BYTES} bytes of data in all; send larger files by url`, `${at}.data`);
    return { contentType: v.contentType, data: v.data, size, ...(title ? { title } : {}) };
  });
}

/** Body of POST /api/teleconsults (also the `outcome.teleconsult` of a visit, without patient/requester there). */
export function parseNewTeleconsult(body: unknown, prefix = ''): NewTeleconsult {
  if (!body || typeof body !== 'object' || Array.isArray(body)) outcomes.fail(`${prefix || 'body'} must be a JSON object`, prefix || undefined);
  const b = body as Record<string, unknown>;
  const f = (name: string) => (prefix ? `${prefix}.${name}` : name);
  const priority = b.priority ?? 'routine';
  if (priority !== 'routine' && priority !== 'urgent') outcomes.fail(`${f('priority')} must be routine or urgent`, f('priority'));
  const requester = id(b.requester, f('requester'));
  const consultant = id(b.consultant, f('consultant'));
  if (requester === consultant) outcomes.fail(`${f('consultant')} must be another facility than the requester`, f('consultant'));
  return {
    patient: id(b.patient, f('patient')),
    requester,
    consultant,
    priority,
    question: text(b.question, f('question'), 4000),
    attachments: parseAttachments(b.attachments, f('attachments')),
    ...(b.encounter !== undefined ? { encounter: id(b.encounter, f('encounter')) } : {}),
  };
}

export interface TeleconsultTransitionInput {
  to: Exclude<TeleconsultState, 'requested'>;
  /** The answer (answered), the reason (declined, cancelled). */
  text?: string;
  attachments: AttachmentInput[];
  at?: Date;
}

/** Body of POST /api/teleconsults/:id/$transition. */
export function parseTeleconsultTransition(body: unknown, now: Date): TeleconsultTransitionInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) outcomes.fail('body must be a JSON object {to, text?, attachments?, at?}');
  const b = body as Record<string, unknown>;
  if (!isTeleconsultState(b.to) || b.to === 'requested') outcomes.fail('to must be answered, declined or cancelled', 'to');
  const to = b.to;
  const answer = to === 'answered' || to === 'declined' ? text(b.text, 'text', 8000) : b.text === undefined ? undefined : text(b.text, 'text', 2000);
  const attachments = parseAttachments(b.attachments, 'attachments');
  if (attachments.length > 0 && to !== 'answered') outcomes.fail('attachments go with to=answered only', 'attachments');
  let at: Date | undefined;
  if (b.at !== undefined) {
    if (typeof b.at !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(b.at) || Number.isNaN(Date.parse(b.at))) outcomes.fail('at must be an ISO date-time with zone', 'at');
    at = new Date(b.at);
    if (at.getTime() > now.getTime()) outcomes.fail('at must not be in the future', 'at');
  }
  return { to, ...(answer ? { text: answer } : {}), attachments, ...(at ? { at } : {}) };
}

/** Query of the inbox and outbox. */
export interface TeleconsultListQuery {
  status?: TeleconsultState;
  count: number;
  offset: number;
}

export function parseTeleconsultListQuery(q: Record<string, string | undefined>): TeleconsultListQuery {
  if (q.status !== undefined && !isTeleconsultState(q.status)) outcomes.fail('status must be requested, answered, declined or cancelled', 'status');
  const count = q._count === undefined ? 50 : Number(q._count);
  if (!Number.isInteger(count) || count < 1 || count > 500) outcomes.fail('_count must be an integer 1–500', '_count');
  const offset = q._offset === undefined ? 0 : Number(q._offset);
  if (!Number.isInteger(offset) || offset < 0) outcomes.fail('_offset must be a non-negative integer', '_offset');
  return { ...(q.status ? { status: q.status as TeleconsultState } : {}), count, offset };
}
