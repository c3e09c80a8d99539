/**
 * HTTP routes of the master patient index (thin: parse, authorise, call the service).
 * - `POST /fhir/Patient/$match` (registered inside the /fhir plugin: FHIR auth and error model);
 * - `/mpi/…` for data stewards: review queue, confirm/reject, merge, unmerge, persons, history.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accessDenied, FHIR_JSON, OperationOutcomeError, outcomes, type RequestContext } from '../fhir/index.js';
import type { MpiService, Steward } from './mpi.service.js';

export interface MpiFhirRoutesOptions {
  service: MpiService;
  context: (request: FastifyRequest) => RequestContext | Promise<RequestContext>;
  baseUrl?: string;
}

/** Registers `POST /Patient/$match` on the /fhir plugin. */
export async function mpiFhirRoutes(app: FastifyInstance, options: MpiFhirRoutesOptions): Promise<void> {
  const base = (request: FastifyRequest) => options.baseUrl ?? `${request.protocol}://${request.headers.host ?? 'localhost'}/fhir`;
  app.post('/Patient/$match', async (request, reply) => {
    const ctx = await options.context(request);
    const bundle = await options.service.match(ctx, request.body, base(request));
    return reply.header('content-type', FHIR_JSON).send(JSON.stringify(bundle));
  });
}

/** The caller as the MPI routes need them. */
export interface MpiCaller extends Steward {
  /** Holds the data-steward role (review queue, merge, unmerge). */
  dataSteward: boolean;
}

export interface MpiRoutesOptions {
  service: MpiService;
  /** Authenticates the request (401 otherwise). */
  caller: (request: FastifyRequest) => Promise<MpiCaller>;
}

type Body = Record<string, unknown>;
const bodyOf = (request: FastifyRequest): Body => (request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Body) : {});
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

function idParam(value: unknown, name: string): string {
  if (typeof value !== 'string' || !ID.test(value)) outcomes.fail(`${name} must be an id (1-64 letters, digits, - or .)`, name);
  return value;
}

function intParam(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) outcomes.fail(`${name} must be a non-negative integer`, name);
  return Math.min(n, max);
}

/** Registers the data-steward routes under /mpi. */
export async function mpiRoutes(app: FastifyInstance, options: MpiRoutesOptions): Promise<void> {
  const { service } = options;
  const steward = async (request: FastifyRequest): Promise<MpiCaller> => {
    const c = await options.caller(request);
    if (!c.dataSteward) throw accessDenied('Access denied: the data-steward role reviews and merges');
    return c;
  };

  app.get<{ Querystring: Record<string, string | undefined> }>('/mpi/reviews', async (request) => {
    const c = await steward(request);
    const status = request.query.status ?? 'open';
    if (!['open', 'confirmed', 'rejected'].includes(status)) outcomes.fail('status must be open, confirmed or rejected', 'status');
    return service.listReviews(c, { status, count: intParam(request.query._count, '_count', 50, 500), offset: intParam(request.query._offset, '_offset', 0, 1e9) });
  });

  app.get<{ Params: { id: string } }>('/mpi/reviews/:id', async (request) => {
    const c = await steward(request);
    const id = Number(request.params.id);
    if (!Number.isInteger(id) || id < 1) outcomes.fail('review id must be a positive integer', 'id');
    const item = await service.getReview(c, id);
    // Outside the steward's scope reads as absent (no hint that the pair exists).
    if (!item) throw new OperationOutcomeError(outcomes.notFoundOutcome(`review pair ${id} not found`));
    return item;
  });

  app.post<{ Params: { id: string; decision: string } }>('/mpi/reviews/:id/:decision', async (request) => {
    const c = await steward(request);
    const id = Number(request.params.id);
    if (!Number.isInteger(id) || id < 1) outcomes.fail('review id must be a positive integer', 'id');
    if (request.params.decision === 'confirm') return service.confirm(c, id);
    if (request.params.decision === 'reject') return service.reject(c, id);
    return outcomes.fail('decision must be confirm or reject', 'decision');
  });

  app.post('/mpi/merge', async (request) => {
    const c = await steward(request);
    const b = bodyOf(request);
    return service.merge(c, idParam(b.source, 'source'), idParam(b.target, 'target'));
  });

  app.post('/mpi/unmerge', async (request) => {
    const c = await steward(request);
    const b = bodyOf(request);
    if (b.person !== undefined) return service.unmergePerson(c, idParam(b.person, 'person'));
    if (b.patient !== undefined) return service.unmergePatient(c, idParam(b.patient, 'patient'));
    return outcomes.fail('send {"person": id} to undo a merge or {"patient": id} to take one Patient out of its person', 'person');
  });

  app.get<{ Params: { id: string } }>('/mpi/persons/:id', async (request, reply) => {
    const c = await options.caller(request);
    if (c.context.access && !c.context.access.canReadType('Patient')) throw accessDenied();
    return reply.header('content-type', FHIR_JSON).send(JSON.stringify(await service.person(c.context, idParam(request.params.id, 'id'))));
  });

  app.get<{ Params: { id: string } }>('/mpi/persons/:id/history', async (request) => {
    await steward(request);
    return { events: await service.history(idParam(request.params.id, 'id')) };
  });

  app.get<{ Params: { id: string } }>('/mpi/patients/:id/person', async (request) => {
    const c = await options.caller(request);
    const id = idParam(request.params.id, 'id');
    // The read itself checks the caller's scope (and audits it).
    await service.assertReadable(c.context, id);
    const person = await service.personOfPatient(id);
    if (!person) throw new OperationOutcomeError(outcomes.notFoundOutcome(`Patient/${id} is not linked to a person yet (run healthy-brain mpi link)`));
    return { patient: id, person };
  });
}
