/**
 * When a referral lets the receiving facility read the patient's whole record (pure, no I/O): the
 * care relationship it grants through foundation/access (issue 10: "the receiving side sees the
 * full record through the golden id"; issue 8: "a specialist sees the patients referred to their
 * centre").
 *
 * - From **accepted**: the receiver has taken the patient on. Before that it sees the referral
 *   itself (ServiceRequest and Task, addressed to it) but not the record (PIPL art. 6, minimum
 *   necessary: a referral it may still reject).
 * - While accepted, scheduled, seen and returned: open.
 * - **closed**: ends 14 days after the return check. Why: the receiving clinician follows the
 *   patient's first weeks back home (the results of the return visit, a changed care plan) and adds
 *   late results of its own work; 14 days is the return-check period of the National Basic Public
 *   Health Service Standards, 3rd ed. (2017): follow a referred hypertension or diabetes patient up
 *   within 2 weeks — the same figure as the return-check timer (referral-sla.ts).
 * - **cancelled** after acceptance (the patient was never seen): ends at the cancellation. A
 *   rejected referral was never accepted and grants nothing.
 */
import type { TransitionEntry } from './referral-fhir.js';

/** Days the relationship outlasts a closed referral (return-check window, see above). */
export const RELATIONSHIP_DAYS_AFTER_CLOSE = 14;

/** The validity of the receiver's care relationship, or null when the referral grants none. */
export function relationshipWindow(transitions: readonly TransitionEntry[], daysAfterClose = RELATIONSHIP_DAYS_AFTER_CLOSE): { from: Date; until: Date | null } | null {
  const at = (status: string) => {
    const e = transitions.find((t) => t.status === status);
    return e ? new Date(e.at) : null;
  };
  const accepted = at('accepted');
  if (!accepted) return null;
  const closed = at('closed');
  if (closed) return { from: accepted, until: new Date(closed.getTime() + daysAfterClose * 86_400_000) };
  const cancelled = at('cancelled');
  if (cancelled) return { from: accepted, until: cancelled };
  return { from: accepted, until: null };
}

/** The source key of a referral's relationship (foundation/access `CareRelationship.source`). */
export const relationshipSource = (serviceRequestId: string) => `ServiceRequest/${serviceRequestId}`;
