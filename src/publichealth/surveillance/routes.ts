/**
 * REST API of infectious-disease surveillance (thin: parse, authorise, call). docs/surveillance.md
 * lists the endpoints with examples. Every route authenticates; bad input is a 400 OperationOutcome.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../../foundation/db/index.js';
import { isOrgUnitCode, type AccessService, type Principal } from '../../foundation/access/index.js';
import { outcomes } from '../../foundation/fhir/index.js';
import { dayNumber, isoOfDay, isoWeekday } from '../aggregation/index.js';
import { countsByUnit, timeliness } from './cases.repository.js';
import { surveillanceEventRoutes } from './events.routes.js';
import { DEFAULT_DISEASES, LEVEL_LENGTH, type DiseaseList, type OrgLevel } from './diseases.js';
import { isRunDate } from './runner.js';
import { SignalService } from './signals.service.js';
import { isSignalStatus, SIGNAL_STATUSES } from './workflow.js';

export interface SurveillanceRoutesOptions {
  db: Database;
  access: AccessService;
  clock?: () => Date;
  diseases?: DiseaseList;
  /** Poll interval of the event stream (default 10 s). */
  eventPollMs?: number;
}

type Query = Record<string, string | undefined>;

function date(q: Query, name: string): string | undefined {
  const v = q[name];
  if (v !== undefined && !isRunDate(v)) outcomes.fail(`${name} must be a date YYYY-MM-DD`, name);
  return v;
}

function instant(q: Query, name: string): string | undefined {
  const v = q[name];
  if (v !== undefined && (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(Date.parse(v)))) outcomes.fail(`${name} must be an ISO 8601 instant`, name);
  return v === undefined ? undefined : new Date(v).toISOString();
}

function orgUnit(q: Query, required: boolean): string | undefined {
  const v = q.orgUnit;
  if (v === undefined) {
    if (required) outcomes.fail('orgUnit is required', 'orgUnit');
    return undefined;
  }
  if (!isOrgUnitCode(v)) outcomes.fail('orgUnit must be an org-unit code', 'orgUnit');
  return v;
}

function int(q: Query, name: string, fallback: number, max: number): number {
  const v = q[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > max) outcomes.fail(`${name} must be a whole number from 0 to ${max}`, name);
  return n;
}


/** ISO 8601 week label (e.g. 2025-W18) of the week starting on Monday `monday` (its Thursday fixes the year). */
export function isoWeekLabel(monday: number): string {
  const thursday = new Date((monday + 3) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((monday + 3 - Date.UTC(year, 0, 1) / 86_400_000) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export async function surveillanceRoutes(app: FastifyInstance, options: SurveillanceRoutesOptions): Promise<void> {
  const { db, access } = options;
  const clock = options.clock ?? (() => new Date());
  const list = options.diseases ?? DEFAULT_DISEASES;
  const service = new SignalService(db, access, clock);
  const who = async (request: FastifyRequest): Promise<Principal> => (await access.authenticate(request.headers.authorization)).principal;
  const disease = (q: Query, required: boolean): string | undefined => {
    const v = q.disease;
    if (v === undefined && required) outcomes.fail('disease is required', 'disease');
    if (v !== undefined && !list.some((d) => d.key === v)) outcomes.fail(`unknown disease ${v}`, 'disease');
    return v;
  };
  const today = () => clock().toISOString().slice(0, 10);
  await surveillanceEventRoutes(app, { db, access, clock, pollMs: options.eventPollMs });

  app.get('/api/surveillance/diseases', async (request) => {
    await who(request);
    return { diseases: list };
  });

  app.get('/api/surveillance/signals', async (request) => {
    const principal = await who(request);
    const q = request.query as Query;
    const status = q.status;
    if (status !== undefined && !isSignalStatus(status)) outcomes.fail(`status must be one of ${SIGNAL_STATUSES.join(', ')}`, 'status');
    return service.list(principal, {
      orgUnit: orgUnit(q, false),
      disease: disease(q, false),
      status: status as (typeof SIGNAL_STATUSES)[number] | undefined,
      from: date(q, 'from'),
      to: date(q, 'to'),
      updatedSince: instant(q, 'updatedSince'),
      limit: int(q, '_count', 50, 500),
      offset: int(q, '_offset', 0, 1_000_000),
    });
  });

  app.get('/api/surveillance/signals/:id', async (request) => service.get(await who(request), (request.params as { id: string }).id));

  app.post('/api/surveillance/signals/:id/transition', { bodyLimit: 16 * 1024 }, async (request) => {
    const principal = await who(request);
    const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
    if (!isSignalStatus(body.status)) outcomes.fail(`status must be one of ${SIGNAL_STATUSES.join(', ')}`, 'status');
    if (body.note !== undefined && (typeof body.note !== 'string' || body.note.length > 2000)) outcomes.fail('note must be text of at most 2000 characters', 'note');
    return service.transition(principal, (request.params as { id: string }).id, body.status, (body.note as string | undefined) ?? null);
  });

  // ?days=N widens the line list to the N days ending with the signal's last day (an accumulating chart's excess may be older).
  // ?format=csv exports it (roles with the export permission only, audited; docs/access.md *Privacy*).
  app.get('/api/surveillance/signals/:id/cases', async (request, reply) => {
    const principal = await who(request);
    const q = request.query as Query;
    const days = q.days === undefined ? undefined : int(q, 'days', 1, 366);
    if (days === 0) outcomes.fail('days must be a whole number from 1 to 366', 'days');
    if (q.format !== undefined && q.format !== 'json' && q.format !== 'csv') outcomes.fail('format must be json or csv', 'format');
    if (q.format === 'csv') {
      const out = await service.exportCases(principal, (request.params as { id: string }).id, days);
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${out.filename}"`).header('cache-control', 'no-store').send(out.csv);
    }
    return service.cases(principal, (request.params as { id: string }).id, days);
  });

  app.get('/api/surveillance/metrics', async (request) => {
    const q = request.query as Query;
    return service.metrics(await who(request), { orgUnit: orgUnit(q, false), disease: disease(q, false), from: date(q, 'from'), to: date(q, 'to') });
  });

  // Case counts per disease × org unit × day or ISO week (Monday first), aggregates only.
  app.get('/api/surveillance/counts', async (request) => {
    const principal = await who(request);
    const q = request.query as Query;
    const d = disease(q, true) as string;
    const unit = orgUnit(q, true) as string;
    const to = date(q, 'to') ?? today();
    const from = date(q, 'from') ?? isoOfDay(dayNumber(to) - 27);
    if (from > to) outcomes.fail('from must not be after to', 'from');
    if (dayNumber(to) - dayNumber(from) > 3660) outcomes.fail('at most ten years at a time', 'from');
    const level = q.level ?? 'self';
    if (level !== 'self' && !(level in LEVEL_LENGTH)) outcomes.fail('level must be self, district, town or village', 'level');
    const groupLength = level === 'self' ? unit.length : LEVEL_LENGTH[level as OrgLevel];
    if (groupLength < unit.length) outcomes.fail(`level ${level} is above orgUnit ${unit}`, 'level');
    const interval = q.interval ?? 'day';
    if (interval !== 'day' && interval !== 'week') outcomes.fail('interval must be day or week', 'interval');
    await access.authorizeAggregate(principal, unit);
    const rows = await countsByUnit(db, { disease: d, groupLength, from, to, orgUnit: unit });
    const out = new Map<string, number>();
    for (const r of rows) {
      const day = dayNumber(r.day);
      const period = interval === 'day' ? r.day : isoOfDay(day - isoWeekday(day) + 1);
      const key = `${r.unit}|${period}`;
      out.set(key, (out.get(key) ?? 0) + r.n);
    }
    return {
      disease: d,
      orgUnit: unit,
      level,
      interval,
      from,
      to,
      rows: [...out].map(([k, count]) => {
        const [orgUnit, period] = k.split('|');
        return interval === 'week' ? { orgUnit, period, week: isoWeekLabel(dayNumber(period)), count } : { orgUnit, period, count };
      }),
    };
  });

  app.get('/api/surveillance/timeliness', async (request) => {
    const principal = await who(request);
    const q = request.query as Query;
    const unit = orgUnit(q, true) as string;
    const to = date(q, 'to') ?? today();
    const from = date(q, 'from') ?? isoOfDay(dayNumber(to) - 29);
    if (from > to) outcomes.fail('from must not be after to', 'from');
    await access.authorizeAggregate(principal, unit);
    const rows = await timeliness(db, { orgUnit: unit, from, to });
    return { orgUnit: unit, from, to, rows };
  });
}
