/**
 * Types of the surveillance REST API (src/publichealth/surveillance, docs/surveillance.md) and the
 * signal workflow as the server defines it (workflow.ts). The calls themselves are methods of the one
 * client (`api.signals(…)`, `api.signal(id)`, … in client.ts).
 */

export const SIGNAL_STATUSES = ['new', 'under-investigation', 'confirmed-outbreak', 'false-alarm', 'closed'] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];

/** Statuses that still need the CDC's attention or describe an ongoing outbreak (the tile view counts these). */
export const OPEN_STATUSES: readonly SignalStatus[] = ['new', 'under-investigation', 'confirmed-outbreak'];

export type OrgLevelName = 'district' | 'town' | 'village';

export interface DetectionConfig {
  level: OrgLevelName;
  method: string;
  params?: Record<string, unknown>;
  minCount?: number;
  historyDays?: number;
}

/** One entry of `GET /api/surveillance/diseases`. */
export interface DiseaseDefinition {
  key: string;
  /** "手足口病 hand, foot and mouth disease": Chinese name, then the English one. */
  name: string;
  kind: 'case' | 'syndrome';
  class?: 'A' | 'B' | 'C' | 'other';
  icd10: string[];
  deadlineHours?: number;
  detection: DetectionConfig[];
}

/** A signal as listed (`GET /api/surveillance/signals`). */
export interface Signal {
  id: string;
  disease: string;
  orgUnit: string;
  level: string;
  method: string;
  periodStart: string;
  periodEnd: string;
  runDate: string;
  observed: number;
  threshold: number | null;
  status: SignalStatus;
  createdAt: string;
  updatedAt: string;
}

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
}

export interface SignalEvent {
  seq: number;
  from: SignalStatus;
  to: SignalStatus;
  actor: string;
  at: string;
  note: string | null;
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

export interface CaseLine {
  conditionId: string;
  patientId: string | null;
  residentId: string;
  orgUnit: string | null;
  /** ICD-10 code of the case report. */
  code: string;
  /** Counting day (local date of the report). */
  day: string;
  diagnosedAt: string | null;
  reportedAt: string;
  deadlineAt: string | null;
  /** Reported after the deadline; null for a syndrome (no deadline). */
  late: boolean | null;
  /** Condition.verificationStatus (confirmed, provisional, …). */
  verification: string | null;
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

export function isSignalStatus(value: unknown): value is SignalStatus {
  return typeof value === 'string' && (SIGNAL_STATUSES as readonly string[]).includes(value);
}
