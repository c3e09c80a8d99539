/**
 * Care indicators route (issue 10), aggregates only:
 *  GET /api/indicators/care?orgUnit=&from=&to=   per month: referrals (requested, closed, completion by direction and
 *                                                facility), village visits (resolved share), teleconsultations (count,
 *                                                median turnaround); centre volumes. `to` defaults to today (UTC+8),
 *                                                `from` to a year before.
 */
import type { FastifyInstance } from 'fastify';
import type { AccessService } from '../../foundation/access/index.js';
import { outcomes, type FhirStore } from '../../foundation/fhir/index.js';
import type { CentreDefinition } from '../centres/index.js';
import { CareIndicatorsService } from './care-indicators.js';

export interface CareIndicatorRoutesOptions {
  store: FhirStore;
  access: AccessService;
  clock?: () => Date;
  centres?: readonly CentreDefinition[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function careIndicatorRoutes(app: FastifyInstance, options: CareIndicatorRoutesOptions): Promise<void> {
  const clock = options.clock ?? (() => new Date());
  const service = new CareIndicatorsService(options.store, options.access, options.centres, clock);
  app.get('/api/indicators/care', async (request) => {
    const { principal } = await options.access.authenticate(request.headers.authorization);
    const q = request.query as Record<string, string | undefined>;
    const orgUnit = q.orgUnit ?? '';
    if (!/^\d{6}(\d{3}){0,2}$/.test(orgUnit)) outcomes.fail('orgUnit must be an org-unit code of 6, 9 or 12 digits', 'orgUnit');
    const today = new Date(clock().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const to = q.to ?? today;
    const from = q.from ?? `${Number(to.slice(0, 4)) - 1}${to.slice(4)}`;
    for (const [field, value] of [['from', from], ['to', to]] as const) if (!DAY.test(value) || Number.isNaN(Date.parse(value))) outcomes.fail(`${field} must be a date YYYY-MM-DD`, field);
    if (from > to) outcomes.fail('from must not be after to', 'from');
    return service.indicators(principal, { orgUnit, from, to });
  });
}
