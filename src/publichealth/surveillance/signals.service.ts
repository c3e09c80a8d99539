/**
 * Signals for the CDC, with access decided before any data is read:
 * - signals, counts, timeliness and metrics are aggregates: visible to every user whose grant covers
 *   the org unit (AccessService.authorizeAggregate; lists are limited to the caller's org units in SQL);
 * - moving a signal through the workflow is the CDC epidemiologist's work (a cdc-epidemiologist grant
 *   covering the signal's org unit);
 * - the case line list names residents: it returns only the case reports the caller's compiled scope
 *   may read (the cdc-epidemiologist role reads case reports), and every line read is audited.
 */
import type { Database } from '../../foundation/db/index.js';
import { ROLE_DEFINITIONS, type AccessService, type Principal } from '../../foundation/access/index.js';
import { accessDenied, insertAudit, OperationOutcomeError, outcomes } from '../../foundation/fhir/index.js';
import { caseLineList, type CaseLine } from './cases.repository.js';
import { getSignal, listSignals, recordTransition, responseTimes, signalEvents, type Signal, type SignalEvent, type SignalFilter } from './signals.repository.js';
import { median } from '../aggregation/index.js';
import { canTransition, nextStatuses, SIGNAL_STATUSES, type SignalStatus } from './workflow.js';

export function conflict(text: string): OperationOutcomeError {
  return new OperationOutcomeError({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'conflict', details: { text } }] });
}

/** Org-unit prefixes whose aggregates a principal may see (same rule as authorizeAggregate). */
export function aggregateScope(principal: Principal): 'all' | string[] {
  if (principal.kind === 'client' && (principal.scopes ?? []).some((s) => s === 'system/*.read' || s === 'system/*.*')) return 'all';
  if (principal.grants.some((g) => g.orgUnit === null && g.careTeam === null)) return 'all';
  return principal.grants.filter((g) => g.orgUnit !== null).map((g) => g.orgUnit as string);
}

/** True when a principal may move signals of `orgUnit` through the workflow. */
export function mayInvestigate(principal: Principal, orgUnit: string): boolean {
  return principal.kind === 'user' && principal.grants.some((g) => g.role === 'cdc-epidemiologist' && g.careTeam === null && (g.orgUnit === null || orgUnit.startsWith(g.orgUnit)));
}

export class SignalService {
  constructor(
    private readonly db: Database,
    private readonly access: AccessService,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(principal: Principal, filter: Omit<SignalFilter, 'scope'>): Promise<{ total: number; signals: Signal[] }> {
    if (filter.orgUnit) await this.access.authorizeAggregate(principal, filter.orgUnit);
    return listSignals(this.db, { ...filter, scope: aggregateScope(principal) });
  }

  /** 404 when unknown, 403 when outside the caller's org units. */
  async get(principal: Principal, id: string): Promise<Signal & { events: SignalEvent[]; next: readonly SignalStatus[]; responseMinutes: number | null }> {
    const signal = await this.signal(principal, id);
    const events = await signalEvents(this.db, id);
    const responseMinutes = events.length ? (Date.parse(events[0].at) - Date.parse(signal.createdAt)) / 60_000 : null;
    return { ...signal, events, next: nextStatuses(signal.status), responseMinutes };
  }

  private async signal(principal: Principal, id: string): Promise<Signal> {
    const signal = /^[0-9a-f-]{36}$/.test(id) ? await getSignal(this.db, id) : null;
    if (!signal) throw new OperationOutcomeError(outcomes.notFoundOutcome(`No signal ${id}`));
    await this.access.authorizeAggregate(principal, signal.orgUnit);
    return signal;
  }

  /** Moves a signal; 403 unless a CDC epidemiologist of its org unit, 409 for a transition the workflow does not allow. */
  async transition(principal: Principal, id: string, to: SignalStatus, note: string | null) {
    const signal = await this.signal(principal, id);
    if (!mayInvestigate(principal, signal.orgUnit)) {
      await this.access.audit(principal.name, 'signal-transition', 'denied', id);
      throw accessDenied('Only a CDC epidemiologist of the signal\'s org unit may act on it');
    }
    if (!canTransition(signal.status, to)) {
      const allowed = nextStatuses(signal.status);
      throw conflict(`A ${signal.status} signal cannot become ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ' (it is closed)'}`);
    }
    const ok = await this.db.transaction().execute((tx) => recordTransition(tx, { id, from: signal.status, to, actor: principal.name, at: this.clock(), note }));
    if (!ok) throw conflict(`The signal is no longer ${signal.status}: reload it`);
    return this.get(principal, id);
  }

  /** The case line list behind a signal: the cases counted in its evidence window, or in the `days` days ending with it. */
  async cases(principal: Principal, id: string, days?: number): Promise<{ signal: string; disease: string; orgUnit: string; from: string; to: string; total: number; visible: number; cases: CaseLine[] }> {
    const signal = await this.signal(principal, id);
    const ctx = this.access.contextOf(principal);
    if (!ctx.access || !ctx.access.canReadType('Condition')) {
      await this.access.audit(principal.name, 'signal-cases', 'denied', id);
      throw accessDenied('Your role may not read case reports');
    }
    const evidence = (signal.evidence ?? {}) as { casesFrom?: string; casesTo?: string };
    const to = evidence.casesTo ?? signal.periodEnd;
    const from = days ? new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * 86_400_000).toISOString().slice(0, 10) : (evidence.casesFrom ?? signal.periodStart);
    const { total, lines } = await caseLineList(this.db, { disease: signal.disease, orgUnit: signal.orgUnit, from, to, readable: ctx.access.readable });
    if (lines.length > 0) {
      const recorded = this.clock();
      await insertAudit(
        this.db,
        lines.map((l) => ({ recorded, actor: principal.name, action: 'read', resourceType: 'Condition', resourceId: l.conditionId, residentId: l.residentId, outcome: 'success', detail: `signal ${id} line list` })),
      );
    }
    return { signal: id, disease: signal.disease, orgUnit: signal.orgUnit, from, to, total, visible: lines.length, cases: lines };
  }

  /**
   * The line list as CSV (RFC 4180) for a role with the `export` permission (roles.ts) whose grant
   * covers the signal's org unit; 403 (audited `export`/denied) otherwise. The rows are those of
   * `cases` (same scope, each line's read audited), plus one `export` audit row with the row count.
   */
  async exportCases(principal: Principal, id: string, days?: number): Promise<{ csv: string; rows: number; filename: string }> {
    const signal = await this.signal(principal, id);
    const allowed = principal.kind === 'user' && principal.grants.some((g) => ROLE_DEFINITIONS[g.role]?.export && g.careTeam === null && (g.orgUnit === null || signal.orgUnit.startsWith(g.orgUnit)));
    if (!allowed) {
      await this.access.audit(principal.name, 'export', 'denied', `signal ${id} line list`);
      throw accessDenied('Your role may not export line lists');
    }
    const list = await this.cases(principal, id, days);
    await this.access.audit(principal.name, 'export', 'success', `signal ${id} line list: ${list.cases.length} rows (csv)`);
    return { csv: caseLinesCsv(list.cases), rows: list.cases.length, filename: `cases-${signal.disease}-${signal.orgUnit}-${list.from}-${list.to}.csv` };
  }

  /** Signals by status and the response time: median minutes from a signal to its first workflow action. */
  async metrics(principal: Principal, filter: { orgUnit?: string; disease?: string; from?: string; to?: string }) {
    if (filter.orgUnit) await this.access.authorizeAggregate(principal, filter.orgUnit);
    const rows = await responseTimes(this.db, { ...filter, scope: aggregateScope(principal) });
    const byStatus = Object.fromEntries(SIGNAL_STATUSES.map((s) => [s, rows.filter((r) => r.status === s).length]));
    const responded = rows.filter((r) => r.minutes !== null).map((r) => r.minutes as number);
    const m = responded.length ? median(responded) : null;
    return {
      signals: rows.length,
      byStatus,
      responded: responded.length,
      medianResponseMinutes: m,
      medianResponseHours: m === null ? null : m / 60,
    };
  }
}

const CSV_COLUMNS: [string, (l: CaseLine) => string | boolean | null][] = [
  ['condition_id', (l) => l.conditionId],
  ['patient_id', (l) => l.patientId],
  ['org_unit', (l) => l.orgUnit],
  ['icd10', (l) => l.code],
  ['day', (l) => l.day],
  ['diagnosed_at', (l) => l.diagnosedAt],
  ['reported_at', (l) => l.reportedAt],
  ['deadline_at', (l) => l.deadlineAt],
  ['late', (l) => l.late],
  ['verification', (l) => l.verification],
];

/**
 * RFC 4180 CSV (CRLF, fields with comma, quote or line break quoted); a field starting with = + - @
 * gets a leading apostrophe so a spreadsheet does not run it as a formula (OWASP CSV injection).
 */
export function caseLinesCsv(lines: readonly CaseLine[]): string {
  const field = (v: string | boolean | null): string => {
    let s = v === null ? '' : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [CSV_COLUMNS.map(([name]) => name).join(','), ...lines.map((l) => CSV_COLUMNS.map(([, get]) => field(get(l))).join(','))].join('\r\n') + '\r\n';
}
