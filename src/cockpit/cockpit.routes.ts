/**
 * GET /api/indicators/cockpit?orgUnit=CODE&month=YYYY-MM[&by=self|town|village] — the cockpit's
 * count indicators (residents, encounters of the month, infectious cases of 12 months, the
 * 12-month trend, notifiable cases by disease) per org unit, in one request (docs/cockpit.md).
 * GET /api/indicators/cockpit/latest-month?orgUnit=CODE — the newest month with encounters.
 * Aggregates only: no resident is named, so the bureau may call them (authorizeAggregate).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../foundation/db/index.js';
import { outcomes } from '../foundation/fhir/index.js';
import { cockpitIndicators, latestMonth } from './cockpit.repository.js';

export interface CockpitRoutesOptions {
  db: Database;
  clock?: () => Date;
  /** Throws (401/403 OperationOutcome) unless the caller may see aggregates of `orgUnit`. */
  authorizeOrgUnit: (request: FastifyRequest, orgUnit: string) => Promise<void>;
}

const LEVEL_LENGTH = { town: 9, village: 12 } as const;

export async function cockpitRoutes(app: FastifyInstance, options: CockpitRoutesOptions): Promise<void> {
  const today = () => (options.clock ?? (() => new Date()))().toISOString().slice(0, 10);
  const orgUnitOf = (q: Record<string, string | undefined>) => {
    const orgUnit = q.orgUnit ?? '';
    if (!/^\d{6}(\d{3}){0,2}$/.test(orgUnit)) outcomes.fail('orgUnit must be an org-unit code of 6, 9 or 12 digits', 'orgUnit');
    return orgUnit;
  };
  app.get('/api/indicators/cockpit', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    const orgUnit = orgUnitOf(q);
    const month = q.month ?? today().slice(0, 7);
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) outcomes.fail('month must be YYYY-MM', 'month');
    const by = q.by ?? 'self';
    if (by !== 'self' && by !== 'town' && by !== 'village') outcomes.fail('by must be self, town or village', 'by');
    await options.authorizeOrgUnit(request, orgUnit);
    const groupLength = by === 'self' ? orgUnit.length : LEVEL_LENGTH[by];
    if (groupLength < orgUnit.length) outcomes.fail(`by=${by} is above orgUnit ${orgUnit}`, 'by');
    return { orgUnit, month, by, rows: await cockpitIndicators(options.db, { orgUnit, month, groupLength }) };
  });
  app.get('/api/indicators/cockpit/latest-month', async (request) => {
    const orgUnit = orgUnitOf(request.query as Record<string, string | undefined>);
    await options.authorizeOrgUnit(request, orgUnit);
    const now = today();
    return { orgUnit, month: (await latestMonth(options.db, orgUnit, now)) ?? now.slice(0, 7) };
  });
}
