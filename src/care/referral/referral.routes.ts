/**
 * Two-way referral routes (issue 10). Every route authenticates; patient data is limited by the
 * caller's compiled scope in SQL, transitions by the side of the referral the caller works on.
 *  POST /api/referrals                          create (ServiceRequest + Task [+ CarePlan]) → 201
 *  GET  /api/referrals/inbox                    received by the caller's org units (status, direction, overdue, facility, _count, _offset)
 *  GET  /api/referrals/outbox                   sent from the caller's org units (same query)
 *  GET  /api/referrals/notifications           notifications to the caller's facilities (since, _count)
 *  GET  /api/referrals/:id                      one referral with its history and FHIR resources
 *  POST /api/referrals/:id/$transition          {to, note?, at?, appointment?, carePlan?} → 200 | 409
 *  GET  /api/indicators/referrals               orgUnit, side=performer|requester, from, to: aggregates only
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessService } from '../../foundation/access/index.js';
import { outcomes, type FhirStore } from '../../foundation/fhir/index.js';
import { parseListQuery, parseNewReferral, parseTransition } from './referral-input.js';
import { DEFAULT_SLA, type SlaRules } from './referral-sla.js';
import { parseNotificationQuery } from './referral-notify-view.js';
import { ReferralService } from './referral.service.js';

export interface ReferralRoutesOptions {
  store: FhirStore;
  access: AccessService;
  clock?: () => Date;
  sla?: SlaRules;
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export async function referralRoutes(app: FastifyInstance, options: ReferralRoutesOptions): Promise<void> {
  const clock = options.clock ?? (() => new Date());
  const service = new ReferralService(options.store, options.access, clock, options.sla ?? DEFAULT_SLA);
  const principal = async (request: FastifyRequest) => (await options.access.authenticate(request.headers.authorization)).principal;
  const idParam = (request: FastifyRequest) => {
    const id = (request.params as { id: string }).id;
    if (!ID.test(id)) outcomes.fail('id must be a ServiceRequest id', 'id');
    return id;
  };

  app.post('/api/referrals', async (request, reply) => {
    const who = await principal(request);
    const result = await service.create(who, parseNewReferral(request.body));
    reply.code(201);
    return result;
  });
  app.get('/api/referrals/inbox', async (request) => service.list(await principal(request), 'inbox', parseListQuery(request.query as Record<string, string | undefined>)));
  app.get('/api/referrals/outbox', async (request) => service.list(await principal(request), 'outbox', parseListQuery(request.query as Record<string, string | undefined>)));
  app.get('/api/referrals/notifications', async (request) => service.notifications(await principal(request), parseNotificationQuery(request.query as Record<string, string | undefined>)));
  app.get('/api/referrals/:id', async (request) => {
    const who = await principal(request);
    return service.get(who, idParam(request));
  });
  app.post('/api/referrals/:id/$transition', async (request) => {
    const who = await principal(request);
    return service.transition(who, idParam(request), parseTransition(request.body, clock()));
  });
  app.get('/api/indicators/referrals', async (request) => {
    const who = await principal(request);
    const q = request.query as Record<string, string | undefined>;
    const orgUnit = q.orgUnit ?? '';
    if (!/^\d{6}(\d{3}){0,2}$/.test(orgUnit)) outcomes.fail('orgUnit must be an org-unit code of 6, 9 or 12 digits', 'orgUnit');
    const side = q.side ?? 'performer';
    if (side !== 'performer' && side !== 'requester') outcomes.fail('side must be performer (received) or requester (sent)', 'side');
    const today = clock().toISOString().slice(0, 10);
    const to = q.to ?? today;
    const from = q.from ?? `${Number(to.slice(0, 4)) - 1}${to.slice(4)}`;
    for (const [field, value] of [['from', from], ['to', to]] as const) if (!DAY.test(value) || Number.isNaN(Date.parse(value))) outcomes.fail(`${field} must be a date YYYY-MM-DD`, field);
    if (from > to) outcomes.fail('from must not be after to', 'from');
    return service.indicators(who, { orgUnit, side, from, to });
  });
}
