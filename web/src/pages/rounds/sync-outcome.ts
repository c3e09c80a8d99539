/**
 * What the device does with a sync answer (pure): a record the server confirmed (created, or a
 * duplicate of one it already has) leaves the queue; a rejected one stays with its reason; a record
 * the answer does not mention stays untouched. Nothing recorded offline is dropped otherwise.
 */
import type { SyncResponse, VisitRecord } from './rounds-api';

export interface Rejection {
  httpStatus: number;
  reason: string;
  /** The server could not process it now (5xx): it is sent again with the next sync. */
  retry: boolean;
  at: string;
}

export interface QueuedVisit extends VisitRecord {
  /** Name shown in the queue (kept on the device only). */
  label: string;
  rejected?: Rejection;
}

export interface Settlement {
  /** Client ids to delete from the queue. */
  remove: string[];
  /** Records to keep, with the rejection they got. */
  rejected: QueuedVisit[];
  /** Sent records the answer did not account for (kept as they are). */
  unanswered: string[];
}

export function settle(sent: readonly QueuedVisit[], answer: SyncResponse, at: string): Settlement {
  const out: Settlement = { remove: [], rejected: [], unanswered: [] };
  sent.forEach((record, index) => {
    const r = answer.results.find((x) => x.index === index && x.clientId === record.clientId);
    if (!r) out.unanswered.push(record.clientId);
    else if (r.status === 'rejected') out.rejected.push({ ...record, rejected: { httpStatus: r.httpStatus, reason: r.reason, retry: r.retry, at } });
    else out.remove.push(record.clientId);
  });
  return out;
}

/** Records to send: every queued one except those rejected for a reason a resend cannot fix (4xx). */
export function toSend(queue: readonly QueuedVisit[]): QueuedVisit[] {
  return queue.filter((q) => !q.rejected || q.rejected.retry);
}
