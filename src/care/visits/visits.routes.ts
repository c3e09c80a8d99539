/**
 * Village-clinic visit route (issue 10).
 *  POST /api/care/visits   {patient, clinic, practitioner?, at?, complaint?, bp?, glucose?, weight?, temperature?,
 *                           diagnoses?, prescriptions?, outcome: {kind: resolved | teleconsult | referred, …}} → 201
 */
import type { FastifyInstance } from 'fastify';
import type { AccessService } from '../../foundation/access/index.js';
import type { FhirStore } from '../../foundation/fhir/index.js';
import { parseVisit } from './visit-input.js';
import { VisitService } from './visit.service.js';

export interface VisitRoutesOptions {
  store: FhirStore;
  access: AccessService;
  clock?: () => Date;
}

export async function visitRoutes(app: FastifyInstance, options: VisitRoutesOptions): Promise<void> {
  const clock = options.clock ?? (() => new Date());
  const service = new VisitService(options.store, options.access, clock);
  app.post('/api/care/visits', async (request, reply) => {
    const { principal } = await options.access.authenticate(request.headers.authorization);
    const result = await service.record(principal, parseVisit(request.body, clock()));
    reply.code(201);
    return result;
  });
}
