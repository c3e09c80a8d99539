/**
 * The master patient index for data stewards (docs/mpi.md "Real-time service", API): the review
 * queue of possible matches, confirm (link: same person) / reject (different people), unmerge, the
 * golden person and its history. The server mounts these at `/mpi/…` (not under /api).
 * The two records of a pair are read through FHIR (the steward's role reads Patient; reads audited).
 */
import type { Patient, Person } from '@medplum/fhirtypes';
import { api, queryString } from './client';
import { ApiError } from './errors';
import { displayName, identifierValue, pinyinName, RESIDENT_ID_SYSTEM } from './fhir-codes';
import type { ReviewItem, ReviewStatus } from '../../../src/foundation/mpi/mpi-admin.repository';

export type { ReviewItem, ReviewStatus } from '../../../src/foundation/mpi/mpi-admin.repository';
export const REVIEW_STATUSES: readonly ReviewStatus[] = ['open', 'confirmed', 'rejected'];

export interface ReviewList {
  total: number;
  items: ReviewItem[];
}

/** One row of a person's audit trail (`mpi_event`). */
export interface MpiEvent {
  id: number;
  recorded: string;
  actor: string;
  /** auto-link, auto-relink, unlink, merge, unmerge, batch-relink */
  action: string;
  patient: string | null;
  from: string | null;
  to: string | null;
  detail: string | null;
}

/** Rows per page of the queue. */
export const QUEUE_PAGE = 20;

export function listReviews(q: { status: ReviewStatus; page: number; pageSize?: number }): Promise<ReviewList> {
  const size = q.pageSize ?? QUEUE_PAGE;
  return api.request(`/mpi/reviews${queryString({ status: q.status, _count: size, _offset: q.page * size })}`);
}

/** One pair by id (any status; GET /mpi/reviews/{id}), or null when the server has none in the steward's scope. */
export async function findReview(id: number): Promise<ReviewItem | null> {
  try {
    return await api.request<ReviewItem>(`/mpi/reviews/${id}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** Link: the two records are one resident (their persons are merged, the larger kept). */
export function confirmReview(id: number): Promise<{ review: number; status: 'confirmed'; person: string; moved: string[] }> {
  return api.request(`/mpi/reviews/${id}/confirm`, { method: 'POST' });
}

/** Reject: two different residents; never proposed again. */
export function rejectReview(id: number): Promise<{ review: number; status: 'rejected'; newPerson?: string }> {
  return api.request(`/mpi/reviews/${id}/reject`, { method: 'POST' });
}

/** Undo a merge: the Patients it moved go back to `person`. */
export function unmergePerson(person: string): Promise<{ person: string; from: string; moved: string[] }> {
  return api.request('/mpi/unmerge', { method: 'POST', body: { person }, contentType: 'application/json' });
}

/** Take one Patient out of its person into a new one. */
export function unmergePatient(patient: string): Promise<{ patient: string; person: string }> {
  return api.request('/mpi/unmerge', { method: 'POST', body: { patient }, contentType: 'application/json' });
}

export function person(id: string): Promise<Person> {
  return api.request(`/mpi/persons/${encodeURIComponent(id)}`);
}

export function personHistory(id: string): Promise<{ events: MpiEvent[] }> {
  return api.request(`/mpi/persons/${encodeURIComponent(id)}/history`);
}

/** The person a Patient is linked to. */
export function personOfPatient(id: string): Promise<{ patient: string; person: string }> {
  return api.request(`/mpi/patients/${encodeURIComponent(id)}/person`);
}

/** URL of the merged-into extension on a merged Person. */
export const MERGED_INTO_URL = 'urn:healthy-brain:mpi:merged-into';

export const mergedInto = (p: Person): string | undefined => p.extension?.find((e) => e.url === MERGED_INTO_URL)?.valueString;

/** Patients by id in one search (`_id=a,b,…`); missing ones (deleted, out of scope) are absent. */
export async function patientsById(ids: readonly string[]): Promise<Map<string, Patient>> {
  const out = new Map<string, Patient>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 100) {
    const r = await api.search<Patient>('Patient', { _id: unique.slice(i, i + 100).join(','), _count: 100 });
    for (const p of r.resources) if (p.id) out.set(p.id, p);
  }
  return out;
}

/** The fields a steward compares, as shown side by side. */
export const PAIR_FIELDS = ['name', 'pinyin', 'gender', 'birthDate', 'residentId', 'phone', 'address', 'managingOrg', 'identifiers'] as const;
export type PairField = (typeof PAIR_FIELDS)[number];

/** A Patient reduced to the fields of the side-by-side view ('' when absent). */
export function pairFields(p: Patient | undefined): Record<PairField, string> {
  const residentId = identifierValue(p?.identifier, RESIDENT_ID_SYSTEM) ?? p?.identifier?.find((i) => i.type?.coding?.some((c) => c.code === 'NNCHN'))?.value ?? '';
  const other = (p?.identifier ?? []).filter((i) => i.value !== residentId).map((i) => `${i.system?.split('/').pop() ?? ''}: ${i.value ?? ''}`);
  const addr = p?.address?.[0];
  return {
    name: displayName(p?.name),
    pinyin: pinyinName(p?.name) ?? '',
    gender: p?.gender ?? '',
    birthDate: p?.birthDate ?? '',
    residentId,
    phone: (p?.telecom ?? [])
      .filter((x) => x.system === 'phone')
      .map((x) => x.value)
      .filter(Boolean)
      .join(', '),
    address: addr ? (addr.text ?? [addr.state, addr.city, addr.district, ...(addr.line ?? [])].filter(Boolean).join('')) : '',
    managingOrg: p?.managingOrganization ? (p.managingOrganization.display ?? p.managingOrganization.reference ?? '') : '',
    identifiers: other.join('; '),
  };
}

/** Whitespace, case and full-width forms aside, are two shown values the same? (display aid only, not the matcher) */
export function sameShown(a: string, b: string): boolean | null {
  if (!a || !b) return null;
  const norm = (s: string) => s.normalize('NFKC').replace(/[\s\-()（）]/g, '').toUpperCase();
  return norm(a) === norm(b);
}
