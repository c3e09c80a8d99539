/**
 * GET /fhir/AuditEvent and GET /fhir/AuditEvent/{id}: the audit log as FHIR R4 AuditEvent
 * (audit-event.ts), read-only. Who may see what is the rule of GET /audit (docs/access.md):
 * the bureau (district-admin) and data stewards see every row; anyone else only the rows of a
 * patient they may read (search with `patient=`, read of a row that belongs to such a patient).
 * Creating, changing or deleting an AuditEvent is refused with 405 (the audit has no write path,
 * PIPL art. 54/55 accountability; FHIR R4 §3.1.0.1.3: an unsupported interaction).
 * Looking at the audit is itself audited (action audit-search / audit-read).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../db/index.js';
import { FHIR_JSON, insertAudit, OperationOutcomeError, outcomes, type FhirStore } from '../fhir/index.js';
import { AccessService } from './access.service.js';
import { auditRowById, searchAuditRows, toAuditEvent, type AuditFilter } from './audit-event.js';
import type { Principal } from './scope.js';
import { pushTo } from '../collections.js';

export interface AuditEventRoutesOptions {
  db: Database;
  access: AccessService;
  store: FhirStore;
  /** The signed-in principal of a /fhir request (set by the server's authentication hook). */
  principal: (request: FastifyRequest) => Principal;
  baseUrl?: string;
  clock?: () => Date;
}

const SEARCH_PARAMS = new Set(['patient', 'date', 'agent', 'agent-name', 'entity', 'address', '_count', '_offset', '_format']);

function badRequest(text: string, expression?: string): OperationOutcomeError {
  return new OperationOutcomeError(outcomes.badRequest(text, expression));
}

/** A FHIR date search value (R4 §3.1.1.4.2: prefix, then a date or dateTime) as bounds on `recorded`. */
export function dateBounds(value: string): AuditFilter['dates'] {
  const m = /^(eq|ne|ge|le|gt|lt|sa|eb|ap)?(.+)$/.exec(value);
  const prefix = m?.[1] ?? 'eq';
  const text = m?.[2] ?? '';
  let start: Date;
  let end: Date;
  const partial = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text);
  if (partial) {
    const [y, mo, d] = [Number(partial[1]), partial[2] ? Number(partial[2]) - 1 : undefined, partial[3] ? Number(partial[3]) : undefined];
    start = new Date(Date.UTC(y, mo ?? 0, d ?? 1));
    end = new Date(Date.UTC(mo === undefined ? y + 1 : y, mo === undefined ? 0 : d === undefined ? mo + 1 : mo, d === undefined ? 1 : d + 1));
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.test(text)) {
    start = new Date(/(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`);
    end = new Date(start.getTime() + 1);
  } else {
    throw badRequest(`date: '${value}' is not a FHIR date or dateTime`, 'date');
  }
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw badRequest(`date: '${value}' is not a valid date`, 'date');
  // Each value names a range [start, end); the prefixes compare the event instant with it.
  switch (prefix) {
    case 'eq':
      return [{ op: '>=', at: start }, { op: '<', at: end }];
    case 'ge':
      return [{ op: '>=', at: start }];
    case 'gt':
      return [{ op: '>=', at: end }];
    case 'le':
      return [{ op: '<', at: end }];
    case 'lt':
      return [{ op: '<', at: start }];
    default:
      throw badRequest(`date: prefix '${prefix}' is not supported here (eq, ge, gt, le, lt)`, 'date');
  }
}

function queryOf(request: FastifyRequest): Map<string, string[]> {
  const raw = request.raw.url ?? '';
  const params = new URLSearchParams(raw.includes('?') ? raw.slice(raw.indexOf('?') + 1) : '');
  if (request.method === 'POST' && typeof request.body === 'string') for (const [k, v] of new URLSearchParams(request.body)) params.append(k, v);
  const out = new Map<string, string[]>();
  for (const [k, v] of params) pushTo(out, k, v);
  return out;
}

const readOnly = () => new OperationOutcomeError(outcomes.notSupported('AuditEvent is read-only: the audit is written by the server and is never changed'));

/** Registers the AuditEvent view inside the /fhir plugin (before the generic FHIR routes). */
export async function auditEventRoutes(app: FastifyInstance, options: AuditEventRoutesOptions): Promise<void> {
  const { db, access, store } = options;
  const now = options.clock ?? (() => new Date());
  const base = (request: FastifyRequest) => options.baseUrl ?? `${request.protocol}://${request.headers.host ?? 'localhost'}/fhir`;

  /** 403 (audited) unless the principal may read the patient; returns the patient's resident id. */
  const patientInScope = async (principal: Principal, patientId: string, reviewer: boolean): Promise<string | null> => {
    if (!reviewer) await store.read(access.contextOf(principal), 'Patient', patientId, 'audit-report');
    return access.residentOf(patientId);
  };

  const search = async (request: FastifyRequest) => {
    const principal = options.principal(request);
    const reviewer = AccessService.canReview(principal);
    const q = queryOf(request);
    for (const k of q.keys()) if (!SEARCH_PARAMS.has(k)) throw badRequest(`AuditEvent search parameter '${k}' is not supported (patient, date, agent, agent-name, entity, address, _count, _offset)`, k);
    const one = (k: string) => q.get(k)?.[q.get(k)!.length - 1];
    const count = Math.min(Math.max(Number(one('_count') ?? 50) || 50, 1), 1000);
    const offset = Math.max(Number(one('_offset') ?? 0) || 0, 0);
    const filter: AuditFilter = { dates: (q.get('date') ?? []).flatMap(dateBounds), count, offset };
    const agent = one('agent') ?? one('agent-name');
    if (agent) filter.actor = agent.replace(/^[A-Za-z]+\//, '');
    const entity = one('entity');
    if (entity) {
      const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(entity);
      if (!m) throw badRequest('entity: a reference Type/id', 'entity');
      filter.entity = { type: m[1], id: m[2] };
    }
    if (one('address')) filter.address = one('address');
    const patient = one('patient')?.replace(/^Patient\//, '');
    if (!patient && !reviewer) {
      await access.audit(principal.name, 'audit-search', 'denied', 'AuditEvent search without patient');
      throw new OperationOutcomeError({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', details: { text: 'Search AuditEvent with patient=<Patient id> of a patient you may read' } }] });
    }
    let rows: Awaited<ReturnType<typeof searchAuditRows>> = { rows: [], total: 0 };
    let residentId: string | null = null;
    if (patient) {
      residentId = await patientInScope(principal, patient, reviewer);
      if (residentId) rows = await searchAuditRows(db, { ...filter, residentId });
    } else {
      rows = await searchAuditRows(db, filter);
    }
    await insertAudit(db, [{ recorded: now(), actor: principal.name, action: 'audit-search', resourceType: patient ? 'Patient' : null, resourceId: patient ?? null, residentId, outcome: 'success', detail: `AuditEvent: ${rows.rows.length} of ${rows.total}` }]);
    const self = new URLSearchParams([...q.entries()].flatMap(([k, vs]) => (k === '_offset' ? [] : vs.map((v) => [k, v] as [string, string]))));
    const link = (o: number) => `${base(request)}/AuditEvent?${new URLSearchParams([...self, ...(o > 0 ? [['_offset', String(o)] as [string, string]] : [])]).toString()}`;
    const links = [{ relation: 'self', url: link(offset) }];
    if (offset + count < rows.total) links.push({ relation: 'next', url: link(offset + count) });
    if (offset > 0) links.push({ relation: 'previous', url: link(Math.max(0, offset - count)) });
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      total: rows.total,
      link: links,
      entry: rows.rows.map((r) => ({ fullUrl: `${base(request)}/AuditEvent/${r.id}`, resource: toAuditEvent(r), search: { mode: 'match' } })),
    };
  };

  app.get('/AuditEvent', async (request, reply) => reply.header('content-type', FHIR_JSON).send(await search(request)));
  app.post('/AuditEvent/_search', async (request, reply) => reply.header('content-type', FHIR_JSON).send(await search(request)));

  app.get<{ Params: { id: string } }>('/AuditEvent/:id', async (request, reply) => {
    const principal = options.principal(request);
    const reviewer = AccessService.canReview(principal);
    const row = await auditRowById(db, request.params.id);
    if (!row) throw new OperationOutcomeError(outcomes.notFound);
    if (!reviewer) {
      if (!row.residentId) {
        await access.audit(principal.name, 'audit-read', 'denied', `AuditEvent/${row.id}`);
        throw new OperationOutcomeError({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', details: { text: 'Access denied: outside your scope' } }] });
      }
      await patientInScope(principal, row.residentId, false);
    }
    await insertAudit(db, [{ recorded: now(), actor: principal.name, action: 'audit-read', resourceType: 'AuditEvent', resourceId: row.id, residentId: row.residentId, outcome: 'success', detail: null }]);
    return reply.header('content-type', FHIR_JSON).send(toAuditEvent(row));
  });

  // Read-only: every write interaction on the type answers 405 with Allow: GET.
  const refuse = async (request: FastifyRequest) => {
    await access.audit(options.principal(request).name, 'audit-write', 'denied', `${request.method} AuditEvent`);
    throw readOnly();
  };
  app.post('/AuditEvent', async (request, reply) => (reply.header('allow', 'GET'), refuse(request)));
  for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
    app.route({ method, url: '/AuditEvent/:id', handler: async (request, reply) => (reply.header('allow', 'GET'), refuse(request)) });
  }
  app.get('/AuditEvent/_history', async () => Promise.reject(new OperationOutcomeError(outcomes.notSupported('AuditEvent has no history: audit rows are never changed'))));
  app.get('/AuditEvent/:id/_history', async () => Promise.reject(new OperationOutcomeError(outcomes.notSupported('AuditEvent has no history: audit rows are never changed'))));
  // Nor through a transaction or batch Bundle.
  app.addHook('preHandler', async (request) => {
    if (request.method !== 'POST' || (request.routeOptions.url !== '/fhir/' && request.routeOptions.url !== '/fhir')) return;
    const entries = (request.body as { entry?: unknown } | undefined)?.entry;
    if (!Array.isArray(entries)) return;
    const writesAudit = entries.some((e: { resource?: { resourceType?: unknown }; request?: { method?: unknown; url?: unknown } }) => {
      const method = String(e?.request?.method ?? '').toUpperCase();
      return e?.resource?.resourceType === 'AuditEvent' || (method !== 'GET' && method !== 'HEAD' && /^AuditEvent([/?]|$)/.test(String(e?.request?.url ?? '')));
    });
    if (writesAudit) await refuse(request);
  });
}
