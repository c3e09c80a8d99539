/**
 * Query and JSON of GET /api/referrals/notifications (the Communications a referral step sends to
 * the other facility, referral-notification.ts).
 */
import type { Communication } from '@medplum/fhirtypes';
import { outcomes } from '../../foundation/fhir/index.js';
import { REFERRAL_STATUS_SYSTEM } from './referral-fhir.js';

export interface NotificationQuery {
  /** Only notifications recorded after this instant (oldest first); without it the newest first. */
  since?: Date;
  count: number;
}

/** Parses `since` (ISO 8601 instant) and `_count` (1–200, default 50); 400 naming the field otherwise. */
export function parseNotificationQuery(q: Record<string, string | undefined>): NotificationQuery {
  let since: Date | undefined;
  if (q.since !== undefined) {
    since = new Date(q.since);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(q.since) || Number.isNaN(since.getTime())) outcomes.fail('since must be an ISO 8601 date-time', 'since');
  }
  const count = q._count === undefined ? 50 : Number(q._count);
  if (!Number.isInteger(count) || count < 1 || count > 200) outcomes.fail('_count must be an integer from 1 to 200', '_count');
  return { ...(since ? { since } : {}), count };
}

export interface NotificationRow {
  id: string;
  resident_id: string | null;
  last_updated: Date;
  content: Communication | string;
}

const idAfter = (reference: string | undefined, type: string) => (reference?.startsWith(`${type}/`) ? reference.slice(type.length + 1) : null);

/** One notification as the API shows it. */
export function notificationView(row: NotificationRow) {
  const c = (typeof row.content === 'string' ? JSON.parse(row.content) : row.content) as Communication;
  return {
    id: row.id,
    recorded: new Date(row.last_updated).toISOString(),
    sent: c.sent ?? null,
    referral: idAfter(c.about?.[0]?.reference, 'ServiceRequest'),
    patient: idAfter(c.subject?.reference, 'Patient'),
    state: c.topic?.coding?.find((x) => x.system === REFERRAL_STATUS_SYSTEM)?.code ?? null,
    from: idAfter(c.sender?.reference, 'Organization'),
    to: idAfter(c.recipient?.[0]?.reference, 'Organization'),
    text: c.payload?.[0]?.contentString ?? null,
  };
}
