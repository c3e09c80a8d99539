/**
 * transaction and batch Bundles (FHIR R4 §3.1.0.11): a transaction is atomic (one database
 * transaction, all or nothing), with `urn:uuid:` fullUrls rewritten to the assigned ids and
 * conditional create (If-None-Exist); a batch runs each entry on its own.
 */
import { OperationOutcomeError, normalizeOperationOutcome } from '@medplum/core';
import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { fail, statusOf, withExpressionPrefix } from './outcomes.js';
import type { FhirStore, RequestContext } from './store.service.js';
import type { StoredVersion } from './store.repository.js';
import { assertId, assertResourceType, referencesIn, validateInput } from './validate.js';
import type { WriteSession } from './write-session.js';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
const ORDER: Record<Method, number> = { DELETE: 0, POST: 1, PUT: 2, GET: 3, HEAD: 3 };

interface ParsedEntry {
  index: number;
  method: Method;
  type: string;
  id?: string;
  query: Record<string, string[]>;
  fullUrl?: string;
  resource?: Resource;
  ifNoneExist?: string;
  ifMatch?: string;
}

export interface BundleResponseEntry {
  status: string;
  location?: string;
  etag?: string;
  lastModified?: string;
  outcome?: OperationOutcome;
  /** JSON text of a resource returned by a GET entry. */
  json?: string;
}

function queryOf(search: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(search)) (out[k] ??= []).push(v);
  return out;
}

/** Parses and validates one entry; errors point at Bundle.entry[i]. */
function parseEntry(entry: BundleEntry, index: number): ParsedEntry {
  const at = `Bundle.entry[${index}]`;
  const request = entry.request;
  if (!request?.method || !request.url) fail('Each entry needs request.method and request.url', `${at}.request`);
  const method = request.method as Method;
  if (!(method in ORDER)) fail(`Unsupported method '${request.method}'`, `${at}.request.method`);
  const [path, search = ''] = request.url.replace(/^\/?(fhir\/)?/, '').split('?');
  const [type, id, ...rest] = path.split('/');
  try {
    assertResourceType(type);
    if (id !== undefined && id !== '') assertId(id);
  } catch (err) {
    if (err instanceof OperationOutcomeError) throw new OperationOutcomeError(withExpressionPrefix(err.outcome, `${at}.request.url`));
    throw err;
  }
  if (rest.length > 0 && method !== 'GET') fail(`Unsupported request.url '${request.url}'`, `${at}.request.url`);
  let resource: Resource | undefined;
  if (method === 'POST' || method === 'PUT') {
    if (!entry.resource) fail(`${method} entry needs a resource`, `${at}.resource`);
    try {
      resource = validateInput(entry.resource, type);
    } catch (err) {
      if (err instanceof OperationOutcomeError) throw new OperationOutcomeError(withExpressionPrefix(err.outcome, `${at}.resource`));
      throw err;
    }
  }
  if (method === 'PUT' && !id) fail('PUT entry needs request.url Type/id (conditional update is not supported)', `${at}.request.url`);
  if (method === 'DELETE' && !id) fail('DELETE entry needs request.url Type/id (conditional delete is not supported)', `${at}.request.url`);
  return { index, method, type, id: id || undefined, query: queryOf(search), fullUrl: entry.fullUrl, resource, ifNoneExist: request.ifNoneExist, ifMatch: request.ifMatch };
}

/**
 * Replaces every reference equal to a key of `map`, in place: the resource is the request's own
 * parsed copy, so nothing else sees it (no second copy of every resource of a bundle).
 */
function rewriteReferences<T>(value: T, map: Map<string, string>): T {
  if (map.size === 0) return value;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) if (item && typeof item === 'object') walk(item);
    } else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const key in record) {
        const v = record[key];
        if (key === 'reference' && typeof v === 'string') {
          const to = map.get(v);
          if (to !== undefined) record[key] = to;
        } else if (v && typeof v === 'object') walk(v);
      }
    }
  };
  walk(value);
  return value;
}

function written(v: StoredVersion, created: boolean): BundleResponseEntry {
  return {
    status: created ? '201 Created' : '200 OK',
    location: `${v.resourceType}/${v.id}/_history/${v.versionId}`,
    etag: `W/"${v.versionId}"`,
    lastModified: v.lastUpdated.toISOString(),
  };
}

export class BundleService {
  constructor(private readonly store: FhirStore) {}

  /** Processes a transaction or batch Bundle; returns the response entries in request order. */
  async process(ctx: RequestContext, body: unknown): Promise<{ type: 'transaction-response' | 'batch-response'; entries: BundleResponseEntry[] }> {
    const bundle = body as Bundle;
    if (!bundle || typeof bundle !== 'object' || bundle.resourceType !== 'Bundle') fail('Expected a Bundle', 'resourceType');
    if (bundle.type !== 'transaction' && bundle.type !== 'batch') fail(`Bundle.type must be transaction or batch, not '${bundle.type}'`, 'Bundle.type');
    const entries = bundle.entry ?? [];
    if (bundle.type === 'batch') return { type: 'batch-response', entries: await this.batch(ctx, entries) };
    const parsed = entries.map(parseEntry);
    return { type: 'transaction-response', entries: await this.transaction(ctx, parsed) };
  }

  private async transaction(ctx: RequestContext, entries: ParsedEntry[]): Promise<BundleResponseEntry[]> {
    const fullUrls = new Set<string>();
    for (const e of entries) {
      if (!e.fullUrl) continue;
      if (fullUrls.has(e.fullUrl)) fail(`Duplicate fullUrl '${e.fullUrl}'`, `Bundle.entry[${e.index}].fullUrl`);
      fullUrls.add(e.fullUrl);
    }
    return this.store.inTransaction(ctx, async (session) => {
      const responses: BundleResponseEntry[] = new Array(entries.length);
      const ids = new Map<string, string>();
      // Ids for creates first, so that references anywhere in the bundle can be rewritten (R4 §3.1.0.11.2).
      const creates = new Map<number, { id: string; existing?: StoredVersion }>();
      for (const e of entries) {
        if (e.method === 'POST') {
          const existing = e.ifNoneExist ? await this.conditionalMatch(ctx, session, e) : undefined;
          const id = existing?.id ?? this.store.newId();
          creates.set(e.index, { id, existing });
          if (e.fullUrl) ids.set(e.fullUrl, `${e.type}/${id}`);
        } else if (e.method === 'PUT' && e.fullUrl) {
          ids.set(e.fullUrl, `${e.type}/${e.id}`);
        }
      }
      const ordered = [...entries].sort((a, b) => ORDER[a.method] - ORDER[b.method] || a.index - b.index);
      for (const e of ordered) {
        try {
          responses[e.index] = await this.execute(ctx, session, e, creates.get(e.index), ids);
        } catch (err) {
          if (err instanceof OperationOutcomeError) {
            const prefixed = err.outcome.issue?.some((i) => i.expression?.some((x) => x.startsWith('Bundle.')))
              ? err.outcome
              : withExpressionPrefix(err.outcome, `Bundle.entry[${e.index}]`);
            throw new OperationOutcomeError(prefixed);
          }
          throw err;
        }
      }
      await session.flush();
      return responses;
    });
  }

  private async conditionalMatch(ctx: RequestContext, session: WriteSession, e: ParsedEntry): Promise<StoredVersion | undefined> {
    await session.flush();
    const query = queryOf(e.ifNoneExist as string);
    const result = await this.store.search(ctx, e.type, { ...query, _count: ['2'] }, session.ex);
    if (result.matches.length > 1) {
      throw new OperationOutcomeError({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'multiple-matches', details: { text: `If-None-Exist matched more than one ${e.type}` }, expression: [`Bundle.entry[${e.index}].request.ifNoneExist`] }],
      });
    }
    if (result.matches.length === 0) return undefined;
    return session.current(e.type, result.matches[0].id);
  }

  private async execute(ctx: RequestContext, session: WriteSession, e: ParsedEntry, create: { id: string; existing?: StoredVersion } | undefined, ids: Map<string, string>): Promise<BundleResponseEntry> {
    const location = `Bundle.entry[${e.index}].resource`;
    switch (e.method) {
      case 'POST': {
        if (create?.existing) return { ...written(create.existing, false), status: '200 OK' };
        const resource = await this.resolveReferences(ctx, session, rewriteReferences(e.resource as Resource, ids), e.index);
        const r = await this.store.createIn(session, resource, location, create?.id);
        return written(r.version, true);
      }
      case 'PUT': {
        const resource = await this.resolveReferences(ctx, session, rewriteReferences(e.resource as Resource, ids), e.index);
        const r = await this.store.updateIn(session, resource, e.id as string, e.ifMatch, location);
        return written(r.version, r.created);
      }
      case 'DELETE':
        await this.store.deleteIn(session, e.type, e.id as string);
        return { status: '204 No Content' };
      case 'GET':
      case 'HEAD': {
        await session.flush();
        if (e.id) {
          const v = await this.store.read(ctx, e.type, e.id);
          return { status: '200 OK', etag: `W/"${v.versionId}"`, lastModified: v.lastUpdated.toISOString(), json: e.method === 'GET' ? (v.json as string) : undefined };
        }
        const result = await this.store.search(ctx, e.type, e.query, session.ex);
        const searchset = `{"resourceType":"Bundle","type":"searchset"${result.total !== undefined ? `,"total":${result.total}` : ''},"entry":[${result.matches.map((m) => `{"resource":${m.json}}`).join(',')}]}`;
        return { status: '200 OK', json: searchset };
      }
    }
  }

  /**
   * Left-over `urn:uuid:` references are errors; conditional references (`Patient?identifier=…`,
   * R4 §3.1.0.11.2) are replaced by the one resource they match.
   */
  private async resolveReferences(ctx: RequestContext, session: WriteSession, resource: Resource, index: number): Promise<Resource> {
    const conditional = new Map<string, string>();
    for (const { path, reference } of referencesIn(resource)) {
      const at = `Bundle.entry[${index}].resource.${path}`;
      if (reference.startsWith('urn:uuid:')) fail(`Reference '${reference}' matches no fullUrl in the bundle`, at);
      const m = /^([A-Z][A-Za-z]+)\?(.+)$/.exec(reference);
      if (!m || conditional.has(reference)) continue;
      assertResourceType(m[1]);
      await session.flush();
      const found = await this.store.search(ctx, m[1], { ...queryOf(m[2]), _count: ['2'] }, session.ex);
      if (found.matches.length !== 1) {
        throw new OperationOutcomeError({
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: found.matches.length ? 'multiple-matches' : 'not-found', details: { text: `Conditional reference '${reference}' matched ${found.matches.length ? 'more than one' : 'no'} resource` }, expression: [at] }],
        });
      }
      conditional.set(reference, `${m[1]}/${found.matches[0].id}`);
    }
    return rewriteReferences(resource, conditional);
  }

  private async batch(ctx: RequestContext, entries: BundleEntry[]): Promise<BundleResponseEntry[]> {
    const out: BundleResponseEntry[] = [];
    for (let i = 0; i < entries.length; i++) {
      try {
        const e = parseEntry(entries[i], i);
        out.push(await this.store.inTransaction(ctx, async (session) => {
          const create = e.method === 'POST' ? { id: this.store.newId(), existing: e.ifNoneExist ? await this.conditionalMatch(ctx, session, e) : undefined } : undefined;
          return this.execute(ctx, session, e, create, new Map());
        }));
      } catch (err) {
        const outcome = err instanceof OperationOutcomeError ? err.outcome : normalizeOperationOutcome(err);
        const status = statusOf(outcome);
        if (status >= 500) throw err;
        out.push({ status: String(status), outcome });
      }
    }
    return out;
  }
}
