/**
 * The server's aggregate indicator APIs the cockpit's headline tiles read (risk interventions,
 * referrals, specialised-disease centres, chronic work lists, outbreak signals): typed calls only;
 * how they become tiles is in ./indicators.ts.
 */
import { api, queryString } from './client';

/** One row of GET /api/indicators/risk (docs/risk-models.md, src/healthmgmt/risk/indicators.ts). */
export interface RiskIndicatorRow {
  orgUnit: string;
  from: string;
  to: string;
  /** Distinct residents with an intervention Task authored in [from, to], not cancelled/rejected/entered in error. */
  residentsWithIntervention: number;
  tasks: number;
  open: number;
  completed: number;
  withOutcome: number;
  residentsAssessed: number;
  highRisk: number;
}

/** The `overall` block of GET /api/indicators/referrals (docs/care.md). */
export interface ReferralTotals {
  total: number;
  accepted: number;
  rejected: number;
  cancelled: number;
  seen: number;
  closed: number;
  overdue: number;
  completionRate: number | null;
}

/** Risk interventions of `orgUnit` (by=self, or one row per town/village below) in the 12 months ending `to`. */
export function riskIndicators(orgUnit: string, to: string, by: 'self' | 'town' | 'village' = 'self'): Promise<{ rows: RiskIndicatorRow[] }> {
  return api.request(`/api/indicators/risk${queryString({ orgUnit, to, by })}`);
}

/** Referrals received (side=performer) by the facilities of `orgUnit`, requested in the 12 months ending `to`. */
export function referralIndicators(orgUnit: string, to: string): Promise<{ overall: ReferralTotals }> {
  return api.request(`/api/indicators/referrals${queryString({ orgUnit, side: 'performer', to })}`);
}

/** One centre of GET /api/indicators/centres (docs/care.md "Specialised-disease centres"). */
export interface CentreIndicatorRow {
  code: string;
  name: string;
  /** Residents of the unit enrolled by the end of `to` and not ended then. */
  patientsManaged: number;
  newEnrolments: { month: string; count: number }[];
}

/** GET /api/indicators/centres: `patientsManaged` counts a resident of two centres once. */
export interface CentreIndicators {
  orgUnit: string;
  from: string;
  to: string;
  patientsManaged: number;
  centres: CentreIndicatorRow[];
}

/** Specialised-disease centres' patients of `orgUnit` as of `to` (new enrolments over the 12 months ending `to`). */
export function centreIndicators(orgUnit: string, to: string): Promise<CentreIndicators> {
  return api.request(`/api/indicators/centres${queryString({ orgUnit, to })}`);
}

/** One row of GET /api/indicators/chronic/worklists (src/healthmgmt/chronic/worklist.repository.ts registrySummary). */
export interface WorklistSummaryRow {
  orgUnit: string;
  condition: 'hypertension' | 'diabetes';
  /** The as-of date of the counts (asOf, default the server's today). */
  today: string;
  registered: number;
  dueThisWeek: number;
  /** Registry entries whose follow-up is overdue (status `overdue`, docs/chronic.md). */
  overdue: number;
}

/** The chronic registry's work-list counts of `orgUnit` (by=self) or of each town/village below. */
export function worklistSummary(orgUnit: string, condition: 'hypertension' | 'diabetes', by: 'self' | 'town' | 'village' = 'self', asOf?: string): Promise<{ rows: WorklistSummaryRow[] }> {
  return api.request(`/api/indicators/chronic/worklists${queryString({ condition, orgUnit, by, asOf })}`);
}

/** GET /api/surveillance/metrics (docs/surveillance.md): signals of the unit and below, by status. */
export interface SignalMetrics {
  signals: number;
  byStatus: Record<string, number>;
}

/** Signal statuses still open for action: not yet confirmed, dismissed or closed (src/publichealth/surveillance/workflow.ts). */
export const ACTIVE_SIGNAL_STATUSES = ['new', 'under-investigation'] as const;

/** Signals of `orgUnit` and below whose period ends by `to`. */
export function signalMetrics(orgUnit: string, to: string): Promise<SignalMetrics> {
  return api.request(`/api/surveillance/metrics${queryString({ orgUnit, to })}`);
}

/** Signals still open for action in a metrics answer. */
export const activeSignals = (m: SignalMetrics) => ACTIVE_SIGNAL_STATUSES.reduce((sum, s) => sum + (m.byStatus[s] ?? 0), 0);
