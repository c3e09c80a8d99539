/** Village-clinic visit (issue 10; docs/care.md): POST /api/care/visits records it with its outcome in one call. */
import type { AttachmentBody, TeleconsultDetail } from './teleconsults';
import type { ReferralDetail } from './referrals';
import { api } from './client';

export type VisitOutcomeBody =
  | { kind: 'resolved' }
  | { kind: 'teleconsult'; consultant: string; question: string; priority?: 'routine' | 'urgent'; attachments?: AttachmentBody[] }
  | { kind: 'referred'; performer: string; priority: 'routine' | 'urgent'; note?: string };

export interface VisitBody {
  patient: string;
  clinic: string;
  complaint?: string;
  bp?: { systolic: number; diastolic: number };
  glucose?: { value: number; unit: 'mmol/L' | 'mg/dL' };
  weight?: number;
  temperature?: number;
  diagnoses?: { code: string; display?: string }[];
  prescriptions?: { atc: string; name?: string; daysSupply: number; perDay?: number; quantity?: number; dispensed?: { quantity: number } }[];
  outcome: VisitOutcomeBody;
}

export interface VisitResult {
  encounter: string;
  observations: string[];
  conditions: string[];
  medicationRequests: string[];
  medicationDispenses: string[];
  outcome: { kind: VisitOutcomeBody['kind']; referral?: ReferralDetail; teleconsult?: TeleconsultDetail };
}

/** 400 (ApiError with the OperationOutcome naming the field) when a value is implausible; nothing is recorded then. */
export function recordVisit(body: VisitBody): Promise<VisitResult> {
  return api.request('/api/care/visits', { method: 'POST', body, contentType: 'application/json' });
}
