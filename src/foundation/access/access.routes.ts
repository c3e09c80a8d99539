/**
 * HTTP routes of the access module (thin: parse, authorise, call the service):
 * /auth/login, /auth/refresh, /auth/logout, /auth/me, /auth/break-glass, /oauth2/token, /audit.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OperationOutcomeError, outcomes, type FhirStore } from '../fhir/index.js';
import { AccessService } from './access.service.js';

export interface AccessRoutesOptions {
  access: AccessService;
  store: FhirStore;
}

type Body = Record<string, unknown>;

function bodyOf(request: FastifyRequest): Body {
  const b = request.body;
  return b && typeof b === 'object' && !Array.isArray(b) ? (b as Body) : {};
}

/** Responses carrying tokens must not be cached (RFC 6749 §5.1). */
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/** Registers the access routes on `app` (at the root: /auth/…, /oauth2/token, /audit). */
export async function accessRoutes(app: FastifyInstance, options: AccessRoutesOptions): Promise<void> {
  const { access, store } = options;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const authed = (request: FastifyRequest) => access.authenticate(request.headers.authorization);

  app.post('/auth/login', { bodyLimit: 16 * 1024 }, async (request, reply) => {
    const b = bodyOf(request);
    if (typeof b.username !== 'string' || typeof b.password !== 'string') throw new OperationOutcomeError(outcomes.badRequest('send JSON {"username","password"}'));
    return noStore(reply).send(await access.login(b.username, b.password));
  });

  app.post('/auth/refresh', { bodyLimit: 16 * 1024 }, async (request, reply) => {
    return noStore(reply).send(await access.refresh(bodyOf(request).refresh_token));
  });

  app.post('/auth/logout', { bodyLimit: 16 * 1024 }, async (request, reply) => {
    let sessionId: string | undefined;
    if (request.headers.authorization) sessionId = (await authed(request)).sessionId;
    await access.logout({ refreshToken: bodyOf(request).refresh_token, sessionId });
    return reply.code(204).send();
  });

  app.get('/auth/me', async (request) => access.me((await authed(request)).principal));

  app.post('/auth/break-glass', { bodyLimit: 16 * 1024 }, async (request, reply) => {
    const { principal, sessionId } = await authed(request);
    return noStore(reply).send(await access.breakGlass(principal, bodyOf(request), sessionId));
  });

  app.get<{ Querystring: { all?: string } }>('/auth/break-glass', async (request) => {
    const { principal } = await authed(request);
    if (!AccessService.canReview(principal)) throw new OperationOutcomeError(outcomes.forbidden);
    return { grants: await access.listBreakGlass(request.query.all !== 'true') };
  });

  app.post<{ Params: { id: string } }>('/auth/break-glass/:id/review', async (request, reply) => {
    const { principal } = await authed(request);
    if (!AccessService.canReview(principal)) throw new OperationOutcomeError(outcomes.forbidden);
    if (!(await access.reviewBreakGlass(principal, request.params.id))) throw new OperationOutcomeError(outcomes.notFound);
    return reply.code(204).send();
  });

  // OAuth 2.0 token endpoint (RFC 6749 §4.4 client credentials, §6 refresh); errors in its own format (§5.2).
  app.post('/oauth2/token', { bodyLimit: 16 * 1024 }, async (request, reply) => {
    const b = bodyOf(request);
    noStore(reply);
    try {
      if (b.grant_type === 'client_credentials') {
        let id = b.client_id;
        let secret = b.client_secret;
        const basic = /^Basic\s+(.+)$/i.exec(request.headers.authorization ?? '');
        if (basic) {
          const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
          const i = decoded.indexOf(':');
          id = decodeURIComponent(decoded.slice(0, i));
          secret = decodeURIComponent(decoded.slice(i + 1));
        }
        return reply.send(await access.clientCredentials(id, secret, b.scope));
      }
      if (b.grant_type === 'refresh_token') return reply.send(await access.refresh(b.refresh_token));
      return reply.code(400).send({ error: 'unsupported_grant_type' });
    } catch (err) {
      if (err instanceof OperationOutcomeError && outcomes.statusOf(err.outcome) === 401) {
        return reply.code(401).header('www-authenticate', 'Basic realm="healthy-brain"').send({ error: b.grant_type === 'refresh_token' ? 'invalid_grant' : 'invalid_client' });
      }
      throw err;
    }
  });

  // "Who has seen my record": a resident's access history (PIPL art. 45 right of access).
  app.get<{ Querystring: { patient?: string; _count?: string; _offset?: string } }>('/audit', async (request) => {
    const { principal } = await authed(request);
    const patient = request.query.patient;
    if (!patient) throw new OperationOutcomeError(outcomes.badRequest('patient=<Patient id> is required', 'patient'));
    const count = Math.min(Math.max(Number(request.query._count ?? 100) || 100, 1), 1000);
    const offset = Math.max(Number(request.query._offset ?? 0) || 0, 0);
    if (!AccessService.canReview(principal)) {
      // Others may see the history of a patient they may read (the read itself is audited and refused when outside scope).
      await store.read(access.contextOf(principal), 'Patient', patient, 'audit-report');
    }
    const residentId = await access.residentOf(patient);
    if (!residentId) throw new OperationOutcomeError(outcomes.notFound);
    const { entries, total } = await access.accessHistory(residentId, count, offset);
    return {
      patient,
      total,
      entries: entries.map((e) => ({
        recorded: e.recorded.toISOString(),
        actor: e.actor,
        action: e.action,
        resource: e.resourceType && e.resourceId ? `${e.resourceType}/${e.resourceId}` : null,
        outcome: e.outcome,
        breakGlass: (e.detail ?? '').startsWith('break-glass'),
        roles: e.roles ? e.roles.split(',') : [],
        address: e.address ?? null,
      })),
    };
  });
}
