/**
 * Types of the surveillance REST API (src/publichealth/surveillance, docs/surveillance.md) and the
 * signal workflow as the server defines it (workflow.ts). The calls themselves are methods of the one
 * client (`api.signals(…)`, `api.signal(id)`, … in client.ts).
 */

import type { CaseLine } from '../../../src/publichealth/surveillance/cases.repository';
import type { Signal, SignalEvent } from '../../../src/publichealth/surveillance/signals.repository';
import type { SignalStatus } from '../../../src/publichealth/surveillance/workflow';

export type { CaseLine } from '../../../src/publichealth/surveillance/cases.repository';
export type { DetectionConfig, DiseaseDefinition } from '../../../src/publichealth/surveillance/diseases';
export type { Signal, SignalEvent } from '../../../src/publichealth/surveillance/signals.repository';
export { isSignalStatus, SIGNAL_STATUSES, type SignalStatus } from '../../../src/publichealth/surveillance/workflow';

/** Statuses that still need the CDC's attention or describe an ongoing outbreak (the tile view counts these). */
export const OPEN_STATUSES: readonly SignalStatus[] = ['new', 'under-investigation', 'confirmed-outbreak'];

/** What the detection run stored with a signal (runner.ts). */
export interface SignalEvidence {
  method: string;
  parameters: Record<string, unknown>;
  /** 365 daily, 52 weekly. */
  frequency: number;
  observed: number;
  /** The method's threshold column: the upper bound on the count scale, or the statistic for glrnb / cusum. */
  threshold: number | null;
  casesFrom: string;
  casesTo: string;
  series: { start: string; interval: 'day' | 'week'; counts: number[] };
  /** Space-time scan only: the cluster's org units, its expected count and Monte Carlo p-value. */
  areas?: string[];
  expected?: number;
  pValue?: number;
}

/** One signal with its evidence and history (`GET /api/surveillance/signals/{id}`). */
export interface SignalDetail extends Signal {
  evidence?: SignalEvidence;
  events: SignalEvent[];
  next: SignalStatus[];
  /** Minutes from the signal's creation to its first workflow action; null while nobody acted. */
  responseMinutes: number | null;
}

export interface SignalList {
  total: number;
  signals: Signal[];
}

export interface SignalQuery {
  orgUnit?: string;
  disease?: string;
  status?: SignalStatus;
  from?: string;
  to?: string;
  _count?: number;
  _offset?: number;
}

/** `GET /api/surveillance/signals/{id}/cases`: `visible` of `total` lines may be read by the caller. */
export interface CaseLineList {
  signal: string;
  disease: string;
  orgUnit: string;
  from: string;
  to: string;
  total: number;
  visible: number;
  cases: CaseLine[];
}

export interface SignalMetrics {
  signals: number;
  byStatus: Record<SignalStatus, number>;
  responded: number;
  medianResponseMinutes: number | null;
  medianResponseHours: number | null;
}
