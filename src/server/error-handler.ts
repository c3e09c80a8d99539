/**
 * The one place where errors become HTTP responses: OperationOutcomeError → its status and
 * outcome; Fastify's own client errors → 4xx OperationOutcome; anything else → logged 500 whose
 * body says nothing about the cause.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { FHIR_JSON, OperationOutcomeError, outcomes } from '../foundation/fhir/index.js';

function outcome(code: string, text: string) {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text } }] };
}

/** Installs the error and not-found handlers on `app`. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | OperationOutcomeError, request, reply) => {
    if (error instanceof OperationOutcomeError) {
      const status = outcomes.statusOf(error.outcome);
      // RFC 6750 §3: a 401 names the scheme, and nothing about what was wrong.
      if (status === 401) reply.header('www-authenticate', 'Bearer realm="healthy-brain"');
      return reply.code(status).header('content-type', FHIR_JSON).send(error.outcome);
    }
    const fe = error as FastifyError;
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).header('content-type', FHIR_JSON).send(outcome('not-supported', `Unsupported Content-Type '${request.headers['content-type'] ?? ''}': send application/fhir+json`));
    }
    if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe instanceof SyntaxError) {
      return reply.code(400).header('content-type', FHIR_JSON).send(outcome('structure', 'Malformed JSON in request body'));
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).header('content-type', FHIR_JSON).send(outcome('too-costly', 'Request body too large'));
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.code(fe.statusCode).header('content-type', FHIR_JSON).send(outcome('invalid', fe.message));
    }
    // Unknown fault: log the error (no request body: it may hold health data), answer without internals.
    request.log.error({ err: error, method: request.method, route: request.routeOptions?.url }, 'unhandled error');
    return reply.code(500).header('content-type', FHIR_JSON).send(outcomes.internalError());
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).header('content-type', FHIR_JSON).send(outcome('not-found', `No route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
