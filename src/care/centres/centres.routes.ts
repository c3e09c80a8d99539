/**
 * Specialised-disease centre routes (issue 10). Every route authenticates; enrolment reads and
 * writes under the caller's compiled scope, indicators are aggregates of an org unit the caller covers.
 *  GET  /api/centres                          the configured centres (criteria, source, facility, pathway target)
 *  POST /api/centres/:centre/enrolments       {patient, condition?, at?} → 201 | 409 already enrolled | 422 criteria unmet
 *  GET  /api/centres/:centre/enrolments       the registry under the caller's scope (orgUnit, all=true, _count ≤ 500, _offset)
 *  GET  /api/indicators/centres               orgUnit, from, to: per centre managed, new enrolments and pathway times per month
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessService } from '../../foundation/access/index.js';
import { outcomes, type FhirStore } from '../../foundation/fhir/index.js';
import { DEFAULT_CENTRES, type CentreDefinition } from './centres-config.js';
import { CentresService, type EnrolInput } from './centres.service.js';

export interface CentresRoutesOptions {
  store: FhirStore;
  access: AccessService;
  clock?: () => Date;
  /** The district's centres (default DEFAULT_CENTRES; a JSON file through loadCentresFile). */
  centres?: readonly CentreDefinition[];
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Parses the enrolment body; 400 naming the field. */
export function parseEnrolInput(body: unknown, now: Date): EnrolInput {
  if (!body || typeof body !== 'object') outcomes.fail('body must be a JSON object {patient, condition?, at?}');
  const b = body as Record<string, unknown>;
  if (typeof b.patient !== 'string' || !ID.test(b.patient)) outcomes.fail('patient must be a Patient id', 'patient');
  if (b.condition !== undefined && (typeof b.condition !== 'string' || !ID.test(b.condition))) outcomes.fail('condition must be a Condition id', 'condition');
  let at: Date | undefined;
  if (b.at !== undefined) {
    if (typeof b.at !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(b.at) || Number.isNaN(Date.parse(b.at))) outcomes.fail('at must be an ISO date-time', 'at');
    at = new Date(b.at);
    if (at.getTime() > now.getTime()) outcomes.fail('at must not be in the future', 'at');
  }
  return { patient: b.patient, ...(typeof b.condition === 'string' ? { condition: b.condition } : {}), ...(at ? { at } : {}) };
}

export async function centresRoutes(app: FastifyInstance, options: CentresRoutesOptions): Promise<void> {
  const clock = options.clock ?? (() => new Date());
  const service = new CentresService(options.store, options.access, options.centres ?? DEFAULT_CENTRES, clock);
  const principal = async (request: FastifyRequest) => (await options.access.authenticate(request.headers.authorization)).principal;

  app.get('/api/centres', async (request) => {
    await principal(request);
    return { centres: await service.list() };
  });
  app.post('/api/centres/:centre/enrolments', async (request, reply) => {
    const who = await principal(request);
    const code = (request.params as { centre: string }).centre;
    const result = await service.enrol(who, code, parseEnrolInput(request.body, clock()));
    reply.code(201);
    return result;
  });
  app.get('/api/centres/:centre/enrolments', async (request) => {
    const who = await principal(request);
    const q = request.query as Record<string, string | undefined>;
    const orgUnit = q.orgUnit ?? '';
    if (orgUnit && !/^\d{6}(\d{3}){0,2}$/.test(orgUnit)) outcomes.fail('orgUnit must be an org-unit code of 6, 9 or 12 digits', 'orgUnit');
    if (q.all !== undefined && q.all !== 'true' && q.all !== 'false') outcomes.fail('all must be true or false', 'all');
    const count = q._count === undefined ? 50 : Number(q._count);
    if (!Number.isInteger(count) || count < 1 || count > 500) outcomes.fail('_count must be an integer 1–500', '_count');
    const offset = q._offset === undefined ? 0 : Number(q._offset);
    if (!Number.isInteger(offset) || offset < 0) outcomes.fail('_offset must be a non-negative integer', '_offset');
    return service.registry(who, (request.params as { centre: string }).centre, { orgUnit, all: q.all === 'true', count, offset });
  });
  app.get('/api/indicators/centres', async (request) => {
    const who = await principal(request);
    const q = request.query as Record<string, string | undefined>;
    const orgUnit = q.orgUnit ?? '';
    if (!/^\d{6}(\d{3}){0,2}$/.test(orgUnit)) outcomes.fail('orgUnit must be an org-unit code of 6, 9 or 12 digits', 'orgUnit');
    const today = new Date(clock().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const to = q.to ?? today;
    const from = q.from ?? `${Number(to.slice(0, 4)) - 1}${to.slice(4)}`;
    for (const [field, value] of [['from', from], ['to', to]] as const) if (!DAY.test(value) || Number.isNaN(Date.parse(value))) outcomes.fail(`${field} must be a date YYYY-MM-DD`, field);
    if (from > to) outcomes.fail('from must not be after to', 'from');
    return service.indicators(who, { orgUnit, from, to });
  });
}
