/**
 * Teleconsultation (issue 10; docs/care.md): a village doctor asks a township or district doctor.
 * Types mirror the server's `teleconsultView` (src/care/teleconsult/teleconsult.service.ts); the
 * state machine is the server's pure module, imported, not copied.
 */
import type { Communication, Task } from '@medplum/fhirtypes';
import type { TeleconsultState } from '../../../src/care/teleconsult/teleconsult-state';
import { api, queryString } from './client';

export type { TeleconsultState };
export type TeleconsultBox = 'inbox' | 'outbox';

export interface TeleconsultFacility {
  id: string;
  name: string | null;
  orgUnit: string | null;
}

export interface TeleconsultView {
  id: string;
  patient: string;
  encounter: string | null;
  priority: 'routine' | 'urgent';
  status: TeleconsultState;
  question: string;
  attachments: number;
  requester: TeleconsultFacility;
  consultant: TeleconsultFacility;
  requestedAt: string;
  answeredAt: string | null;
  declinedAt: string | null;
  cancelledAt: string | null;
  turnaroundMinutes: number | null;
  next: TeleconsultState[];
}

export interface TeleconsultDetail extends TeleconsultView {
  resources: { task: Task; communications: Communication[] };
}

export interface TeleconsultPage {
  box: TeleconsultBox;
  total: number;
  count: number;
  offset: number;
  next: number | null;
  rows: TeleconsultView[];
}

/** An attachment as the API takes it: base64 `data` (small files) or a `url`. */
export interface AttachmentBody {
  contentType: string;
  title?: string;
  data?: string;
  url?: string;
}

export function listTeleconsults(box: TeleconsultBox, q: { status?: TeleconsultState; _count?: number; _offset?: number } = {}): Promise<TeleconsultPage> {
  return api.request(`/api/teleconsults/${box}${queryString(q)}`);
}

export function getTeleconsult(id: string): Promise<TeleconsultDetail> {
  return api.request(`/api/teleconsults/${encodeURIComponent(id)}`);
}

/** 409 (ApiError) when the request moved meanwhile, 403 on the wrong side. */
export function transitionTeleconsult(id: string, body: { to: Exclude<TeleconsultState, 'requested'>; text?: string; attachments?: AttachmentBody[] }): Promise<TeleconsultDetail> {
  return api.request(`/api/teleconsults/${encodeURIComponent(id)}/$transition`, { method: 'POST', body, contentType: 'application/json' });
}
