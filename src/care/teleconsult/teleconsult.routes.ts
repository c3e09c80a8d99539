/**
 * Teleconsultation routes (issue 10). Every route authenticates; the request's resources are read
 * and moved by staff of its two facilities, the patient's record stays under the caller's scope.
 *  POST /api/teleconsults                      {patient, requester, consultant, question, attachments?, priority?, encounter?} → 201
 *  GET  /api/teleconsults/inbox                asked of the caller's facilities (status, _count, _offset)
 *  GET  /api/teleconsults/outbox               asked by the caller's facilities (same query)
 *  GET  /api/teleconsults/:id                  one request with its question and reply Communications
 *  POST /api/teleconsults/:id/$transition      {to: answered | declined | cancelled, text?, attachments?, at?} → 200 | 403 | 409
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessService } from '../../foundation/access/index.js';
import { outcomes, type FhirStore } from '../../foundation/fhir/index.js';
import { parseNewTeleconsult, parseTeleconsultListQuery, parseTeleconsultTransition } from './teleconsult-input.js';
import { TeleconsultService } from './teleconsult.service.js';

export interface TeleconsultRoutesOptions {
  store: FhirStore;
  access: AccessService;
  clock?: () => Date;
}

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

export async function teleconsultRoutes(app: FastifyInstance, options: TeleconsultRoutesOptions): Promise<void> {
  const clock = options.clock ?? (() => new Date());
  const service = new TeleconsultService(options.store, options.access, clock);
  const principal = async (request: FastifyRequest) => (await options.access.authenticate(request.headers.authorization)).principal;
  const idParam = (request: FastifyRequest) => {
    const id = (request.params as { id: string }).id;
    if (!ID.test(id)) outcomes.fail('id must be a Task id', 'id');
    return id;
  };
  app.post('/api/teleconsults', async (request, reply) => {
    const who = await principal(request);
    const result = await service.create(who, parseNewTeleconsult(request.body));
    reply.code(201);
    return result;
  });
  app.get('/api/teleconsults/inbox', async (request) => service.list(await principal(request), 'inbox', parseTeleconsultListQuery(request.query as Record<string, string | undefined>)));
  app.get('/api/teleconsults/outbox', async (request) => service.list(await principal(request), 'outbox', parseTeleconsultListQuery(request.query as Record<string, string | undefined>)));
  app.get('/api/teleconsults/:id', async (request) => {
    const who = await principal(request);
    return service.get(who, idParam(request));
  });
  app.post('/api/teleconsults/:id/$transition', async (request) => {
    const who = await principal(request);
    return service.transition(who, idParam(request), parseTeleconsultTransition(request.body, clock()));
  });
}
