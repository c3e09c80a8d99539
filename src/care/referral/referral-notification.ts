/**
 * The notification of a referral step to the other side (pure mapping, no I/O): a FHIR R4
 * Communication (§13.2) written through the store in the transaction of the step — status
 * completed, category `notification` (R4 CodeSystem communication-category), `about` the
 * ServiceRequest, `subject` the Patient, `sender` the facility that acted, `recipient` the other
 * facility, `topic` the referral state reached, `payload` a short text ("accepted by …").
 */
import type { Communication } from '@medplum/fhirtypes';
import { REFERRAL_STATUS_SYSTEM } from './referral-fhir.js';
import type { ReferralState } from './referral-state.js';

/** R4 CodeSystem communication-category. */
export const COMMUNICATION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/communication-category';

export interface NotificationInput {
  id: string;
  referral: string;
  patient: string;
  /** The facility whose staff made the step, and its name for the text. */
  from: { id: string; name: string | null };
  /** The other facility. */
  to: string;
  state: ReferralState;
  at: string;
  by: string;
  note?: string;
}

const VERB: Record<ReferralState, string> = {
  requested: 'referral requested',
  accepted: 'accepted',
  rejected: 'rejected',
  scheduled: 'scheduled',
  seen: 'patient seen',
  returned: 'returned to the sender',
  closed: 'closed after the return check',
  cancelled: 'cancelled',
};

/** The text of a notification: "<step> by <facility> (<user>)[: note]". */
export function notificationText(state: ReferralState, facility: string | null, by: string, note?: string): string {
  return `${VERB[state]} by ${facility ?? 'the other facility'} (${by})${note ? `: ${note}` : ''}`;
}

export function buildNotification(n: NotificationInput): Communication {
  return {
    resourceType: 'Communication',
    id: n.id,
    status: 'completed',
    category: [{ coding: [{ system: COMMUNICATION_CATEGORY_SYSTEM, code: 'notification' }] }],
    topic: { coding: [{ system: REFERRAL_STATUS_SYSTEM, code: n.state }] },
    about: [{ reference: `ServiceRequest/${n.referral}` }],
    subject: { reference: `Patient/${n.patient}` },
    sender: { reference: `Organization/${n.from.id}` },
    recipient: [{ reference: `Organization/${n.to}` }],
    sent: n.at,
    payload: [{ contentString: notificationText(n.state, n.from.name, n.by, n.note) }],
  };
}
