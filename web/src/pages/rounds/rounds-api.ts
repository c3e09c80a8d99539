/**
 * Calls of the mobile round page (docs/care.md, "Mobile doctors"): the round plan of a team for a
 * day, and the sync of visits captured offline. Types mirror src/care/rounds.
 */
import type { OperationOutcome } from '@medplum/fhirtypes';
import type { FollowUpBody } from '../../api/chronic';
import { api, queryString } from '../../api/client';

export type { PlanItem, PlanItemKind, PlanResident, PlanVillage, RoundPlan } from '../../../../src/care/rounds/round-plan';
import type { PlanVillage, RoundPlan } from '../../../../src/care/rounds/round-plan';
export type PlanCounts = PlanVillage['counts'];

/** A visit as the device queues it (the server's sync record). */
export interface VisitRecord {
  clientId: string;
  recordedAt: string;
  patient: string;
  followUp: Omit<FollowUpBody, 'patient'>;
}

export type SyncResult =
  | { index: number; clientId: string; status: 'created' | 'duplicate'; patient: string; encounter: string; recordedAt: string; receivedAt: string }
  | { index: number; clientId: string | null; status: 'rejected'; httpStatus: number; retry: boolean; reason: string; outcome: OperationOutcome };

export interface SyncResponse {
  receivedAt: string;
  results: SyncResult[];
  counts: { created: number; duplicate: number; rejected: number };
}

/** The most records one sync request carries (the server takes up to 200). */
export const SYNC_BATCH = 200;

export function roundPlan(params: { team?: string; date?: string }): Promise<RoundPlan> {
  return api.request(`/api/care/rounds/plan${queryString(params)}`);
}

export function syncVisits(records: readonly VisitRecord[]): Promise<SyncResponse> {
  return api.request('/api/care/rounds/sync', { method: 'POST', body: { records }, contentType: 'application/json' });
}
