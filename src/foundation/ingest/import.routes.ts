/**
 * FHIR `$import` on the server, in the asynchronous request pattern of FHIR Bulk Data
 * (https://hl7.org/fhir/uv/bulkdata/ — kick-off, status polling, 202 + Content-Location):
 *
 *   POST   /fhir/$import                     body: NDJSON (application/fhir+ndjson), one resource per line, with ids
 *          → 202 Accepted, Content-Location: /fhir/$import-poll-status/{job}
 *   GET    /fhir/$import-poll-status/{job}   → 202 while queued or running (X-Progress, Retry-After),
 *                                              200 with the counts and the problems (line and reason) when done
 *   DELETE /fhir/$import-poll-status/{job}   → 202: the job stops; what was loaded stays loaded
 *
 * The body is the data (facility systems push to the district; the Bulk Data import draft's
 * pull from URLs is not offered). A job runs with the submitter's access rights; only the
 * submitter sees its status. Register inside the /fhir plugin, after its authentication hook.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { FHIR_JSON, OperationOutcomeError, outcomes } from '../fhir/index.js';
import type { ImportJobOwner, ImportJobs, ImportJobView } from './import-jobs.js';

export const NDJSON_TYPES = ['application/fhir+ndjson', 'application/ndjson', 'application/x-ndjson'];

export interface ImportRoutesOptions {
  jobs: ImportJobs;
  /** The authenticated caller as a job owner. */
  owner: (request: FastifyRequest) => ImportJobOwner;
  /** Public base URL of /fhir; derived from the request when absent. */
  baseUrl?: string;
}

const notFound = () => new OperationOutcomeError(outcomes.notFoundOutcome('No such import job'));

/** The status document of a finished job (Bulk Data status-response style, plus counts). */
function statusBody(job: ImportJobView, request: string) {
  return {
    transactionTime: (job.finished ?? job.created).toISOString(),
    request,
    status: job.status,
    ...(job.stats ? { counts: { read: job.stats.read, created: job.stats.created, updated: job.stats.updated, unchanged: job.stats.unchanged, rejected: job.stats.rejected }, seconds: job.stats.seconds } : {}),
    problemCount: job.problemCount,
    error: {
      resourceType: 'OperationOutcome',
      issue: job.problems.map((p) => ({ severity: 'error', code: 'processing', diagnostics: `${p.where}: ${p.reason}` })),
    },
  };
}

export async function importRoutes(app: FastifyInstance, options: ImportRoutesOptions): Promise<void> {
  const base = (request: FastifyRequest) => options.baseUrl ?? `${request.protocol}://${request.headers.host ?? 'localhost'}/fhir`;
  // The NDJSON body is passed on as a stream: it is written to a file as it arrives, never held in memory.
  app.addContentTypeParser(NDJSON_TYPES, (_request, payload, done) => done(null, payload));

  app.post('/$import', async (request, reply) => {
    const type = String(request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!NDJSON_TYPES.includes(type)) {
      const text = `$import takes an NDJSON body (Content-Type: ${NDJSON_TYPES[0]}), one resource per line`;
      return reply.code(415).header('content-type', FHIR_JSON).send(outcomes.invalid([{ severity: 'error', code: 'not-supported', details: { text } }]));
    }
    const id = await options.jobs.submit(options.owner(request), request.body as Readable);
    return reply
      .code(202)
      .header('content-location', `${base(request)}/$import-poll-status/${id}`)
      .header('content-type', FHIR_JSON)
      .send({ resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', details: { text: `Import job ${id} accepted` } }] });
  });

  app.get<{ Params: { id: string } }>('/$import-poll-status/:id', async (request, reply) => {
    const job = await options.jobs.get(request.params.id, options.owner(request).id);
    if (!job) throw notFound();
    if (job.status === 'queued' || job.status === 'running') {
      const read = job.stats ? `, ${job.stats.read} resources read, ${job.stats.rejected} rejected` : '';
      return reply.code(202).header('x-progress', `${job.status}: ${Math.floor(job.progress * 100)}%${read}`).header('retry-after', '2').send();
    }
    if (job.status === 'failed') {
      return reply.code(500).header('content-type', FHIR_JSON).send({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', details: { text: job.error ?? 'the import failed' } }] });
    }
    return reply.code(200).header('content-type', 'application/json').send(statusBody(job, `${base(request)}/$import`));
  });

  app.delete<{ Params: { id: string } }>('/$import-poll-status/:id', async (request, reply) => {
    if (!(await options.jobs.cancel(request.params.id, options.owner(request).id))) throw notFound();
    return reply.code(202).send();
  });
}
