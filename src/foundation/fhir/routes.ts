/**
 * FHIR REST API (R4 §3.1.0) as a Fastify plugin, mounted at /fhir. Thin: parse the request,
 * build the request context, call the store, shape the response. JSON only.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BundleService } from './bundle.service.js';
import { capabilityStatement } from './capability.js';
import { fail, notSupported, OperationOutcomeError } from './outcomes.js';
import type { FhirStore, RequestContext } from './store.service.js';
import type { StoredVersion } from './store.repository.js';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

export interface FhirRoutesOptions {
  store: FhirStore;
  version: string;
  /** Builds the acting user's context (authentication is added by the access module). */
  context: (request: FastifyRequest) => RequestContext | Promise<RequestContext>;
  /** Public base URL of /fhir, e.g. http://localhost:8080/fhir; derived from the request when absent. */
  baseUrl?: string;
  /** Other Patients linked to the same person (master patient index), for Patient/$everything across links. */
  linkedPatients?: (patientId: string) => Promise<string[]>;
}

type Params = { type: string; id: string; vid: string };

function queryRecord(request: FastifyRequest): Record<string, string[]> {
  const raw = request.raw.url ?? '';
  const q = raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '';
  const out: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(q)) (out[k] ??= []).push(v);
  return out;
}

function sendVersion(reply: FastifyReply, v: StoredVersion, status = 200): FastifyReply {
  return reply
    .code(status)
    .header('content-type', FHIR_JSON)
    .header('etag', `W/"${v.versionId}"`)
    .header('last-modified', v.lastUpdated.toUTCString())
    .send(v.json);
}

/** Registers the FHIR routes on `app` (call inside a plugin with prefix /fhir). */
export async function fhirRoutes(app: FastifyInstance, options: FhirRoutesOptions): Promise<void> {
  const { store } = options;
  const bundles = new BundleService(store);
  const base = (request: FastifyRequest) => options.baseUrl ?? `${request.protocol}://${request.headers.host ?? 'localhost'}/fhir`;

  for (const type of ['application/fhir+json', 'application/json+fhir']) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 64 * 1024 * 1024 }, (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new OperationOutcomeError({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'structure', details: { text: 'Malformed JSON in request body' } }] }), undefined);
      }
    });
  }

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const searchBundle = (request: FastifyRequest, type: string, result: Awaited<ReturnType<FhirStore['search']>>, query: Record<string, string[]>) => {
    const url = (offset: number) => {
      const q = new URLSearchParams();
      for (const [k, vs] of Object.entries(query)) if (k !== '_offset') for (const v of vs) q.append(k, v);
      if (offset > 0) q.set('_offset', String(offset));
      const s = q.toString();
      return `${base(request)}/${type}${s ? `?${s}` : ''}`;
    };
    const { count, offset } = result.search.sql;
    const links = [{ relation: 'self', url: url(offset) }];
    if (!result.search.summaryCount && result.matches.length === count && (result.total === undefined || offset + count < result.total)) {
      links.push({ relation: 'next', url: url(offset + count) });
    }
    if (offset > 0) links.push({ relation: 'previous', url: url(Math.max(0, offset - count)) });
    const entries = [
      ...result.matches.map((m) => `{"fullUrl":${JSON.stringify(`${base(request)}/${type}/${m.id}`)},"resource":${m.json},"search":{"mode":"match"}}`),
      ...result.included.map((m) => `{"fullUrl":${JSON.stringify(`${base(request)}/${m.resourceType}/${m.id}`)},"resource":${m.json},"search":{"mode":"include"}}`),
    ];
    const head = { resourceType: 'Bundle', type: 'searchset', ...(result.total !== undefined ? { total: result.total } : {}), link: links };
    return `${JSON.stringify(head).slice(0, -1)},"entry":[${entries.join(',')}]}`;
  };

  app.get('/metadata', async (_request, reply) => reply.header('content-type', FHIR_JSON).send(capabilityStatement(options.version)));

  app.post('/', async (request, reply) => {
    const ctx = await options.context(request);
    const result = await bundles.process(ctx, request.body);
    const entries = result.entries.map((e) => {
      const response = JSON.stringify({ status: e.status, location: e.location, etag: e.etag, lastModified: e.lastModified, outcome: e.outcome });
      return e.json ? `{"resource":${e.json},"response":${response}}` : `{"response":${response}}`;
    });
    return reply.header('content-type', FHIR_JSON).send(`{"resourceType":"Bundle","type":"${result.type}","entry":[${entries.join(',')}]}`);
  });

  app.get('/_history', async (request, reply) => history(request, reply, {}));

  app.get<{ Params: Params }>('/:type', async (request, reply) => {
    const ctx = await options.context(request);
    const query = queryRecord(request);
    const result = await store.search(ctx, request.params.type, query);
    return reply.header('content-type', FHIR_JSON).send(searchBundle(request, request.params.type, result, query));
  });

  app.post<{ Params: Params }>('/:type/_search', async (request, reply) => {
    const ctx = await options.context(request);
    const query = queryRecord(request);
    const form = typeof request.body === 'string' ? new URLSearchParams(request.body) : new URLSearchParams();
    for (const [k, v] of form) (query[k] ??= []).push(v);
    const result = await store.search(ctx, request.params.type, query);
    return reply.header('content-type', FHIR_JSON).send(searchBundle(request, request.params.type, result, query));
  });

  app.post<{ Params: Params }>('/:type', async (request, reply) => {
    const ctx = await options.context(request);
    const ifNoneExist = request.headers['if-none-exist'];
    if (typeof ifNoneExist === 'string' && ifNoneExist) {
      const result = await bundles.process(ctx, {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ resource: request.body, request: { method: 'POST', url: request.params.type, ifNoneExist } }],
      });
      const entry = result.entries[0];
      const [type, id] = (entry.location ?? '').split('/');
      const v = await store.read(ctx, type, id);
      if (entry.status.startsWith('201')) reply.header('location', `${base(request)}/${entry.location}`);
      return sendVersion(reply, v, entry.status.startsWith('201') ? 201 : 200);
    }
    const { version } = await store.create(ctx, request.body, request.params.type);
    reply.header('location', `${base(request)}/${version.resourceType}/${version.id}/_history/${version.versionId}`);
    return sendVersion(reply, version, 201);
  });

  app.get<{ Params: Params }>('/:type/_history', async (request, reply) => history(request, reply, { resourceType: request.params.type }));

  app.get<{ Params: Params }>('/:type/:id', async (request, reply) => {
    const ctx = await options.context(request);
    if (request.params.id.startsWith('$')) throw new OperationOutcomeError(notSupported(`Operation ${request.params.id} is not supported on ${request.params.type}`));
    return sendVersion(reply, await store.read(ctx, request.params.type, request.params.id));
  });

  app.put<{ Params: Params }>('/:type/:id', async (request, reply) => {
    const ctx = await options.context(request);
    const ifMatch = request.headers['if-match'];
    const { version, created } = await store.update(ctx, request.params.type, request.params.id, request.body, typeof ifMatch === 'string' ? ifMatch : undefined);
    if (created) reply.header('location', `${base(request)}/${version.resourceType}/${version.id}/_history/${version.versionId}`);
    return sendVersion(reply, version, created ? 201 : 200);
  });

  app.delete<{ Params: Params }>('/:type/:id', async (request, reply) => {
    const ctx = await options.context(request);
    await store.delete(ctx, request.params.type, request.params.id);
    return reply.code(204).send();
  });

  app.get<{ Params: Params }>('/:type/:id/_history', async (request, reply) => history(request, reply, { resourceType: request.params.type, id: request.params.id }));

  app.get<{ Params: Params }>('/:type/:id/_history/:vid', async (request, reply) => {
    const ctx = await options.context(request);
    return sendVersion(reply, await store.vread(ctx, request.params.type, request.params.id, request.params.vid));
  });

  app.get<{ Params: Params }>('/Patient/:id/$everything', async (request, reply) => {
    const ctx = await options.context(request);
    const all = await store.everything(ctx, request.params.id, options.linkedPatients);
    const entries = all.map((r) => `{"fullUrl":${JSON.stringify(`${base(request)}/${r.resourceType}/${r.id}`)},"resource":${r.json}}`);
    return reply.header('content-type', FHIR_JSON).send(`{"resourceType":"Bundle","type":"searchset","total":${all.length},"entry":[${entries.join(',')}]}`);
  });

  async function history(request: FastifyRequest, reply: FastifyReply, target: { resourceType?: string; id?: string }) {
    const ctx = await options.context(request);
    const query = queryRecord(request);
    const count = Math.min(Number(query._count?.[0] ?? 50), 1000);
    const offset = Number(query._offset?.[0] ?? 0);
    if (!Number.isInteger(count) || count < 0) fail('_count must be a non-negative integer', '_count');
    if (!Number.isInteger(offset) || offset < 0) fail('_offset must be a non-negative integer', '_offset');
    const since = query._since?.[0] ? new Date(query._since[0]) : undefined;
    if (since && Number.isNaN(since.getTime())) fail('_since must be an instant', '_since');
    const result = await store.history(ctx, { ...target, since, count, offset });
    const entries = result.versions.map((v) => {
      const entryRequest = v.deleted ? { method: 'DELETE', url: `${v.resourceType}/${v.id}` } : { method: v.versionId === 1 ? 'POST' : 'PUT', url: v.versionId === 1 ? v.resourceType : `${v.resourceType}/${v.id}` };
      const response = { status: v.deleted ? '204' : v.versionId === 1 ? '201' : '200', etag: `W/"${v.versionId}"`, lastModified: v.lastUpdated.toISOString() };
      return `{"fullUrl":${JSON.stringify(`${base(request)}/${v.resourceType}/${v.id}`)},${v.json ? `"resource":${v.json},` : ''}"request":${JSON.stringify(entryRequest)},"response":${JSON.stringify(response)}}`;
    });
    return reply.header('content-type', FHIR_JSON).send(`{"resourceType":"Bundle","type":"history","total":${result.total},"entry":[${entries.join(',')}]}`);
  }
}
