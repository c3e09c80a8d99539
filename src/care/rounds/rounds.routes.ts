/**
 * Mobile doctors' round routes (issue 10). Every route authenticates; patient-level answers are
 * limited by the caller's compiled scope in SQL (docs/care.md, "Mobile doctors").
 *  GET  /api/care/rounds/plan?team=&date=        the team's villages and residents due, ordered
 *  POST /api/care/rounds/sync {records: [...]}   visits captured offline → one result per record
 *  GET  /api/indicators/rounds?orgUnit=&from=YYYY-MM&to=YYYY-MM   mobile-round coverage per team and month (aggregates)
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessService } from '../../foundation/access/index.js';
import type { FhirStore } from '../../foundation/fhir/index.js';
import { RoundsService, type RoundSources } from './rounds.service.js';

export interface RoundsRoutesOptions {
  store: FhirStore;
  access: AccessService;
  sources: RoundSources;
  clock?: () => Date;
}

export async function roundsRoutes(app: FastifyInstance, options: RoundsRoutesOptions): Promise<void> {
  // Only the error's class and code go to the log: a database error's text can quote the values it was given.
  const onFault = (err: unknown) => app.log.error({ fault: { name: (err as Error)?.name, code: (err as { code?: unknown })?.code } }, 'round sync: unexpected fault on a record');
  const service = new RoundsService(options.store, options.access, options.sources, options.clock, onFault);
  const principal = async (request: FastifyRequest) => (await options.access.authenticate(request.headers.authorization)).principal;

  app.get('/api/care/rounds/plan', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    return service.plan(await principal(request), { team: q.team, date: q.date });
  });
  app.post('/api/care/rounds/sync', async (request) => service.sync(await principal(request), request.body));
  app.get('/api/indicators/rounds', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    return service.coverage(await principal(request), { orgUnit: q.orgUnit, from: q.from, to: q.to });
  });
}
