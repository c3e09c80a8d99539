/**
 * GET /api/indicators/chronic — the cohort indicators for the cockpit and work lists.
 * Query: condition=hypertension|diabetes, orgUnit=CODE, asOf=YYYY-MM-DD (default today),
 * by=self|town|village. Aggregates only: no resident is named in the answer.
 * source=auto (default: the village rollup of that date when it is fresh — computed in the last 26 h
 * or after the date ended — else live, with `rollup: 'missing' | {computedAt, stale}`) | live | rollup
 * (the rollup even when stale, `stale: true`); every answer names its `asOf`.
 * POST /api/indicators/chronic/rollup (same query) recomputes the rollup of that org unit and date.
 * GET /api/indicators/chronic/adherence — PDC ≥ 80 % of the registered residents' medicines over the
 * 12 months ending asOf (adherence-indicators.ts), same query parameters.
 * GET /api/indicators/chronic/worklists — the registry's work-list counts (due this week, overdue,
 * urgent, referral, lost, dead) as of asOf (default today), same query parameters.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../../foundation/db/index.js';
import { outcomes } from '../../foundation/fhir/index.js';
import { chinaDate } from '../../foundation/jobs/index.js';
import type { ChronicCategory } from './classify.js';
import { refreshIndicatorRollup, rolledUpIndicators, rollupFresh } from './indicator-rollup.js';
import { adherenceIndicators } from './adherence-indicators.js';
import { chronicIndicators } from './indicators.js';
import { registrySummary } from './worklist.repository.js';

export interface ChronicRoutesOptions {
  db: Database;
  clock?: () => Date;
  /** Throws (401/403 OperationOutcome) unless the caller may see aggregates of `orgUnit`. */
  authorizeOrgUnit: (request: FastifyRequest, orgUnit: string) => Promise<void>;
}

const LEVEL_LENGTH = { town: 9, village: 12 } as const;

export async function chronicRoutes(app: FastifyInstance, options: ChronicRoutesOptions): Promise<void> {
  const now = options.clock ?? (() => new Date());
  const parse = async (request: FastifyRequest, withAsOf: boolean) => {
    const q = request.query as Record<string, string | undefined>;
    const condition = q.condition ?? 'hypertension';
    if (condition !== 'hypertension' && condition !== 'diabetes') outcomes.fail('condition must be hypertension or diabetes', 'condition');
    const orgUnit = q.orgUnit ?? '';
    if (!/^\d{6}(\d{3}){0,2}$/.test(orgUnit)) outcomes.fail('orgUnit must be an org-unit code of 6, 9 or 12 digits', 'orgUnit');
    const today = chinaDate(now()); // the district's calendar day (UTC+8), as the nightly rollup dates it
    const asOf = (withAsOf ? q.asOf : undefined) ?? today;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf))) outcomes.fail('asOf must be a date YYYY-MM-DD', 'asOf');
    const by = q.by ?? 'self';
    if (by !== 'self' && by !== 'town' && by !== 'village') outcomes.fail('by must be self, town or village', 'by');
    await options.authorizeOrgUnit(request, orgUnit);
    const groupLength = by === 'self' ? orgUnit.length : LEVEL_LENGTH[by];
    if (groupLength < orgUnit.length) outcomes.fail(`by=${by} is above orgUnit ${orgUnit}`, 'by');
    return { orgUnit, condition: condition as ChronicCategory, asOf, groupLength };
  };
  app.get('/api/indicators/chronic', async (request) => {
    const source = (request.query as Record<string, string | undefined>).source ?? 'auto';
    if (source !== 'auto' && source !== 'live' && source !== 'rollup') outcomes.fail('source must be auto, live or rollup', 'source');
    const q = await parse(request, true);
    const rolled = source === 'live' ? null : await rolledUpIndicators(options.db, q);
    // auto: the rollup when it is fresh (rollupFresh), else live, saying why (docs/chronic-care.md "Village rollup").
    const fresh = rolled ? rollupFresh(rolled.computedAt, q.asOf, now()) : false;
    if (rolled && (fresh || source === 'rollup')) return { source: 'rollup', asOf: q.asOf, computedAt: rolled.computedAt, stale: !fresh, rows: rolled.rows };
    if (source === 'rollup') outcomes.fail(`no rollup for ${q.condition} on ${q.asOf}: POST /api/indicators/chronic/rollup first`, 'asOf');
    const rows = await chronicIndicators(options.db, q);
    return source === 'live' ? { source: 'live', asOf: q.asOf, rows } : { source: 'live', asOf: q.asOf, rollup: rolled ? { computedAt: rolled.computedAt, stale: true } : 'missing', rows };
  });
  // Recomputes the village rollup of an org unit for a date (the nightly job calls this for the last month end and today).
  app.post('/api/indicators/chronic/rollup', async (request, reply) => {
    const { orgUnit, condition, asOf } = await parse(request, true);
    const villages = await refreshIndicatorRollup(options.db, { orgUnit, condition, asOf, now: now() });
    reply.code(201);
    return { orgUnit, condition, asOf, villages };
  });
  app.get('/api/indicators/chronic/adherence', async (request) => ({ rows: await adherenceIndicators(options.db, await parse(request, true)) }));
  app.get('/api/indicators/chronic/worklists', async (request) => {
    // asOf (default today): statuses and due dates judged on that day over the registry as it stands
    // (a follow-up recorded after asOf is not undone).
    const { asOf, ...q } = await parse(request, true);
    return { rows: await registrySummary(options.db, { ...q, today: asOf }) };
  });
}
