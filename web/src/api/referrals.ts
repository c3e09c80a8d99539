/**
 * Two-way referral (issue 10; docs/care.md): the inbox and outbox of the caller's facilities, one
 * referral with its history, transitions, and a new referral. Types mirror the server's
 * `referralView` (src/care/referral/referral.service.ts); the state machine itself is the server's
 * pure module, imported, not copied (see ../pages/referrals/referral-actions.ts).
 */
import type { ReferralSide, ReferralState } from '../../../src/care/referral/referral-state';
import { api, queryString } from './client';

export type { ReferralSide, ReferralState };
export type ReferralDirection = 'up' | 'down' | 'lateral';
export type ReferralPriority = 'routine' | 'urgent';
export type ReferralBox = 'inbox' | 'outbox';

export interface ReferralTimer {
  due: string;
  /** true met, false missed, null still open. */
  met: boolean | null;
  overdue: boolean;
}

export interface ReferralFacility {
  id: string;
  name: string | null;
  orgUnit: string | null;
  level: number | null;
}

/** One referral as the inbox/outbox and the detail view return it. */
export interface ReferralView {
  id: string;
  task: string;
  /** The Patient id (the server returns no demographics in the lists). */
  patient: string;
  direction: ReferralDirection;
  priority: ReferralPriority;
  status: ReferralState;
  reason: { code: string | null; text: string | null };
  requester: ReferralFacility;
  performer: ReferralFacility;
  requestedAt: string;
  acceptedAt: string | null;
  rejectedAt: string | null;
  scheduledAt: string | null;
  appointmentAt: string | null;
  seenAt: string | null;
  returnedAt: string | null;
  closedAt: string | null;
  cancelledAt: string | null;
  sla: { seen: ReferralTimer | null; returnCheck: ReferralTimer | null; overdue: boolean };
  /** Every state the machine allows next, whichever side makes it. */
  next: ReferralState[];
}

export interface ReferralEvent {
  seq: number;
  from: ReferralState | null;
  to: ReferralState;
  by: string;
  at: string;
  note: string | null;
}

export interface ReferralDetail extends ReferralView {
  /** The sides of this referral the caller works on (receiver: performer's staff; sender: requester's). */
  sides: ReferralSide[];
  history: ReferralEvent[];
}

export interface ReferralPage {
  box: ReferralBox;
  total: number;
  count: number;
  offset: number;
  next: number | null;
  rows: ReferralView[];
}

export interface ReferralListQuery {
  status?: ReferralState;
  direction?: ReferralDirection;
  overdue?: boolean;
  facility?: string;
  _count?: number;
  _offset?: number;
}

export function listReferrals(box: ReferralBox, q: ReferralListQuery = {}): Promise<ReferralPage> {
  return api.request(`/api/referrals/${box}${queryString({ ...q, overdue: q.overdue ? 'true' : undefined })}`);
}

export function getReferral(id: string): Promise<ReferralDetail> {
  return api.request(`/api/referrals/${encodeURIComponent(id)}`);
}

export interface CarePlanBody {
  title?: string;
  description: string;
  activities: string[];
}

export interface TransitionBody {
  to: ReferralState;
  note?: string;
  /** ISO date-time with zone; with to=scheduled only. */
  appointment?: string;
  /** With to=returned only. */
  carePlan?: CarePlanBody;
}

/** 409 (ApiError) when the machine refuses the move, 403 when the caller is on the wrong side. */
export function transitionReferral(id: string, body: TransitionBody): Promise<ReferralDetail> {
  return api.request(`/api/referrals/${encodeURIComponent(id)}/$transition`, { method: 'POST', body, contentType: 'application/json' });
}

export interface NewReferralBody {
  patient: string;
  requester: string;
  performer: string;
  priority: ReferralPriority;
  reason: { code?: string; display?: string; text?: string };
  note?: string;
  carePlan?: CarePlanBody;
}

export function createReferral(body: NewReferralBody): Promise<ReferralDetail> {
  return api.request('/api/referrals', { method: 'POST', body, contentType: 'application/json' });
}
