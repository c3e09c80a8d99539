/**
 * Mobile doctors' rounds (issue 10): the round plan of a team for a day, and the sync of visits
 * captured offline. The chronic registry's work lists, refill reminders and the one-call follow-up
 * recording belong to healthmgmt; a domain module does not import another (DESIGN.md convention 1),
 * so the server passes them in as `RoundSources` (src/server/app.ts).
 */
import type { OperationOutcome } from '@medplum/fhirtypes';
import type { RawBuilder } from 'kysely';
import type { AccessService, Principal } from '../../foundation/access/index.js';
import type { Executor } from '../../foundation/db/index.js';
import { OperationOutcomeError, accessDenied, insertAudit, outcomes, type FhirStore, type RequestContext } from '../../foundation/fhir/index.js';
import { buildRoundPlan, type RoundPlan, type RoundRefillRow, type RoundWorkRow } from './round-plan.js';
import { fingerprint, parseBatch, parseRecord, rejected, replayOf, type StoredResult, type SyncRecord, type SyncResult } from './round-sync.js';
import { roundCoverage, type CoverageRow } from './rounds-coverage.js';
import { insertSynced, openRiskTasks, orgUnitNames, rememberPlan, syncedRecord } from './rounds.repository.js';

/** What the rounds take from chronic care (healthmgmt/chronic and medication), wired by the server. */
export interface RoundSources {
  /** The registry's work list (healthmgmt `worklist`). */
  worklist(ex: Executor, q: { list: 'due' | 'overdue' | 'urgent'; today: string; orgUnit?: string; scope?: RawBuilder<boolean>; count: number; offset: number }): Promise<{ total: number; rows: RoundWorkRow[] }>;
  /** Refill reminders (healthmgmt `refillReminders`). */
  refillReminders(ex: Executor, q: { today: string; until: string; lapsedSince: string; orgUnit?: string; scope?: RawBuilder<boolean>; count: number; offset: number }): Promise<{ total: number; rows: RoundRefillRow[] }>;
  /** Parses and checks a follow-up body (healthmgmt `parseFollowUp`; 400 naming the field). */
  parseFollowUp(body: unknown, today: string): { patient: string; date: string };
  /** Records a follow-up in one store transaction, running `within` in it (healthmgmt `recordFollowUp`). */
  recordFollowUp(
    store: FhirStore,
    ctx: RequestContext,
    input: { patient: string; date: string },
    today: string,
    within: (ex: Executor, written: { encounter: string; observations: string[]; medicationRequests: string[]; episodes: string[] }) => Promise<void>,
  ): Promise<unknown>;
}

/** Rows read from each source list at most (the plan says `truncated` beyond). */
export const MAX_LIST_ROWS = 2000;
const PAGE = 500;
const TEAM = /^\d{9}(\d{3})?$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The team a caller works for when none is named: the first grant on a township (9 digits) or village (12). */
export function defaultTeam(principal: Principal): string | undefined {
  return principal.grants.map((g) => g.orgUnit).find((o): o is string => o !== null && TEAM.test(o));
}

export class RoundsService {
  constructor(
    private readonly store: FhirStore,
    private readonly access: Pick<AccessService, 'contextOf' | 'authorizeAggregate'>,
    private readonly sources: RoundSources,
    private readonly clock: () => Date = () => new Date(),
    /** Told of unexpected faults (the record is answered `retry`); gets the error, never the record. */
    private readonly onFault: (err: unknown) => void = () => undefined,
  ) {}

  private today(): string {
    return this.clock().toISOString().slice(0, 10);
  }

  /** Checks team and date, and that the caller works in the team's area and reads patients and readings. */
  async authorize(principal: Principal, q: { team?: string; date?: string }): Promise<{ team: string; date: string; ctx: RequestContext }> {
    const team = q.team ?? defaultTeam(principal);
    if (team === undefined) outcomes.fail('team is required: your grant names no township or village', 'team');
    if (!TEAM.test(team)) outcomes.fail('team must be the org-unit code of a township (9 digits) or village (12 digits)', 'team');
    const date = q.date ?? this.today();
    if (!DAY.test(date) || Number.isNaN(Date.parse(date))) outcomes.fail('date must be a date YYYY-MM-DD', 'date');
    await this.access.authorizeAggregate(principal, team);
    const ctx = this.access.contextOf(principal);
    if (ctx.access && !(ctx.access.canReadType('Patient') && ctx.access.canReadType('Observation'))) throw accessDenied('Access denied: round plans need access to patients and their readings');
    return { team, date, ctx };
  }

  /** The round plan of `team` on `date` (default: the caller's township or village, today). */
  async plan(principal: Principal, q: { team?: string; date?: string }): Promise<RoundPlan> {
    const { team, date, ctx } = await this.authorize(principal, q);
    const db = this.store.db;
    const scope = ctx.access?.readable;
    let truncated = false;
    const readAll = async <T>(page: (offset: number) => Promise<{ total: number; rows: T[] }>): Promise<T[]> => {
      const rows: T[] = [];
      for (let offset = 0; offset < MAX_LIST_ROWS; offset += PAGE) {
        const p = await page(offset);
        rows.push(...p.rows);
        if (offset + p.rows.length >= p.total) return rows;
      }
      truncated = true;
      return rows;
    };
    const work = (list: 'due' | 'overdue' | 'urgent') => readAll((offset) => this.sources.worklist(db, { list, today: date, orgUnit: team, scope, count: PAGE, offset }));
    const urgent = await work('urgent');
    const overdue = await work('overdue');
    const due = await work('due');
    const refills = !ctx.access || ctx.access.canReadType('MedicationRequest') ? await readAll((offset) => this.sources.refillReminders(db, { today: date, until: addDays(date, 7), lapsedSince: addDays(date, -90), orgUnit: team, scope, count: PAGE, offset })) : [];
    const riskTasks = !ctx.access || ctx.access.canReadType('Task') ? await openRiskTasks(db, { orgUnit: team, asOf: date, scope, limit: MAX_LIST_ROWS + 1 }) : [];
    if (riskTasks.length > MAX_LIST_ROWS) {
      truncated = true;
      riskTasks.length = MAX_LIST_ROWS;
    }
    const codes = new Set([...urgent, ...overdue, ...due, ...refills, ...riskTasks].map((r) => r.orgUnit).filter((o): o is string => o !== null));
    const plan = buildRoundPlan({ team, date, urgent, overdue, due, riskTasks, refills, villageNames: await orgUnitNames(db, [...codes]), truncated });
    const listed = plan.villages.flatMap((v) => v.residents.map((r) => ({ resident: r.resident, orgUnit: v.orgUnit, priority: r.priority })));
    if (listed.length > 0) {
      const recorded = this.clock();
      await db.transaction().execute(async (trx) => {
        await insertAudit(trx, listed.map((r) => ({ recorded, actor: ctx.actor, action: 'round-plan', resourceType: 'Patient', resourceId: r.resident, residentId: r.resident, outcome: 'success', detail: `round ${team} ${date}` })));
        await rememberPlan(trx, { team, date, at: recorded, residents: listed });
      });
    }
    return plan;
  }

  /** Mobile-round coverage per team and month of the teams under `orgUnit` (aggregates: authorizeAggregate). */
  async coverage(principal: Principal, q: { orgUnit?: string; from?: string; to?: string }): Promise<{ orgUnit: string; from: string; to: string; rows: CoverageRow[] }> {
    const orgUnit = q.orgUnit ?? defaultTeam(principal) ?? principal.grants.map((g) => g.orgUnit).find((o): o is string => o !== null);
    if (!orgUnit || !/^\d{6}(\d{3}){0,2}$/.test(orgUnit)) outcomes.fail('orgUnit must be an org-unit code of 6, 9 or 12 digits', 'orgUnit');
    const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
    const to = q.to ?? this.today().slice(0, 7);
    const from = q.from ?? `${Number(to.slice(0, 4)) - 1}-${to.slice(5, 7)}`;
    for (const [field, value] of [['from', from], ['to', to]] as const) if (!MONTH.test(value)) outcomes.fail(`${field} must be a month YYYY-MM`, field);
    if (from > to) outcomes.fail('from must not be after to', 'from');
    await this.access.authorizeAggregate(principal, orgUnit);
    const lastDay = new Date(Date.UTC(Number(to.slice(0, 4)), Number(to.slice(5, 7)), 0)).toISOString().slice(0, 10);
    return { orgUnit, from, to, rows: await roundCoverage(this.store.db, { orgUnit, from: `${from}-01`, to: lastDay }) };
  }

  /** Syncs a batch of visits captured offline: one result per record, in the order sent (none is skipped). */
  async sync(principal: Principal, body: unknown): Promise<{ receivedAt: string; results: SyncResult[]; counts: Record<SyncResult['status'], number> }> {
    const ctx = this.access.contextOf(principal);
    const records = parseBatch(body);
    const results: SyncResult[] = [];
    for (const [index, raw] of records.entries()) results.push(await this.syncOne(ctx, raw, index));
    const counts = { created: 0, duplicate: 0, rejected: 0 };
    for (const r of results) counts[r.status]++;
    return { receivedAt: this.clock().toISOString(), results, counts };
  }

  private async syncOne(ctx: RequestContext, raw: unknown, index: number): Promise<SyncResult> {
    const clientId = typeof (raw as { clientId?: unknown } | null)?.clientId === 'string' ? ((raw as { clientId: string }).clientId).toLowerCase() : null;
    let record: SyncRecord;
    try {
      record = parseRecord(raw, index, this.clock());
    } catch (err) {
      return this.rejection(index, clientId, err);
    }
    const print = fingerprint(record);
    const replay = await this.replay(index, record, print, ctx.actor);
    if (replay) return replay;
    const today = this.today();
    try {
      const input = this.sources.parseFollowUp({ ...record.followUp, patient: record.patient }, today);
      let stored: StoredResult | undefined;
      await this.sources.recordFollowUp(this.store, ctx, input, today, async (ex, written) => {
        stored = { patient: record.patient, recordedAt: record.recordedAt, receivedAt: this.clock().toISOString(), ...written };
        await insertSynced(ex, { clientId: record.clientId, fingerprint: print, actor: ctx.actor, patient: record.patient, visitDate: input.date, result: stored });
      });
      return { index, clientId: record.clientId, status: 'created', ...(stored as StoredResult) };
    } catch (err) {
      // Two syncs of one record at once: the second's insert hits the primary key and its follow-up rolls back.
      if ((err as { code?: unknown }).code === '23505') {
        const again = await this.replay(index, record, print, ctx.actor);
        if (again) return again;
      }
      return this.rejection(index, record.clientId, err);
    }
  }

  /** The answer for a client id already accepted (duplicate or 409), or undefined when it is new. */
  private async replay(index: number, record: SyncRecord, print: string, actor: string): Promise<SyncResult | undefined> {
    const stored = await syncedRecord(this.store.db, record.clientId);
    if (!stored) return undefined;
    const rule = replayOf(stored, { fingerprint: print, actor });
    if (rule.kind === 'duplicate') return { index, clientId: record.clientId, status: 'duplicate', ...stored.result };
    return rejected(index, record.clientId, 409, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'conflict', details: { text: rule.reason }, expression: [`records[${index}].clientId`] }] });
  }

  private rejection(index: number, clientId: string | null, err: unknown): SyncResult {
    if (err instanceof OperationOutcomeError) return rejected(index, clientId, outcomes.statusOf(err.outcome), prefixed(err.outcome, index));
    // An unexpected fault: the record stays queued and is sent again (retry); the cause is not sent.
    this.onFault(err);
    return rejected(index, clientId, 500, outcomes.internalError());
  }
}

/** Points a follow-up issue's expression (`bp.systolic`) at the record (`records[2].followUp.bp.systolic`). */
function prefixed(outcome: OperationOutcome, index: number): OperationOutcome {
  return {
    ...outcome,
    issue: (outcome.issue ?? []).map((i) => ({
      ...i,
      ...(i.expression?.length ? { expression: i.expression.map((e) => (e.startsWith('records[') ? e : e === 'patient' ? `records[${index}].patient` : `records[${index}].followUp.${e}`)) } : {}),
    })),
  };
}
