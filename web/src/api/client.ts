/**
 * The one typed client of the platform's HTTP API: FHIR R4 at /fhir, login at /auth, and the
 * platform's own APIs under /api (chronic-care indicators, surveillance).
 * fetch-based; sends `Authorization: Bearer …` when logged in; a 401 tries one token refresh and
 * then hands over to `onUnauthorized` (the app sends the user to the login page). Every failure is
 * an ApiError carrying the server's OperationOutcome.
 */
import type { Bundle, BundleEntry, Resource, ResourceType } from '@medplum/fhirtypes';
import { ApiError, isOperationOutcome } from './errors';
import type { CaseLineList, DiseaseDefinition, SignalDetail, SignalList, SignalMetrics, SignalQuery, SignalStatus } from './surveillance';
import { tokenStore, type Tokens } from './token-store';

export type SearchParams = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface SearchResult<T extends Resource> {
  /** Matches (search mode `match`). */
  resources: T[];
  /** Resources added by `_include` / `_revinclude`. */
  included: Resource[];
  total?: number;
  next?: string;
}

export interface LoginResult {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
}

export interface RoleGrant {
  role: string;
  orgUnit?: string | null;
  careTeam?: string | null;
}

export interface Me {
  username: string;
  roles: RoleGrant[];
}

/** One row of the chronic-care indicators (src/healthmgmt/chronic/indicators.ts, Simple.org definitions). */
export interface ChronicIndicators {
  orgUnit: string;
  condition: 'hypertension' | 'diabetes';
  asOf: string;
  registered: number;
  cohort: number;
  underCare: number;
  lostToFollowUp: number;
  controlled: number;
  uncontrolled: number;
  visitedNoMeasure: number;
  missedVisits: number;
  controlRate: number | null;
  medicationService: number;
}

/** Turns search params into a query string; arrays repeat the parameter (AND), commas inside a value OR. */
export function queryString(params: SearchParams = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, String(x));
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The session endpoints themselves: a 401 from them is an answer, not a lost session. */
const SESSION_PATHS = ['/auth/login', '/auth/refresh', '/auth/logout'];

export class ApiClient {
  /** Called after a 401 that a refresh could not fix; `expired` when a token had been sent. */
  onUnauthorized: ((expired: boolean) => void) | undefined;
  private refreshing: Promise<boolean> | null = null;

  constructor(private readonly baseUrl = '') {}

  get loggedIn(): boolean {
    return tokenStore.get() !== null;
  }

  /** Low-level JSON request against the platform; `path` starts with `/`. */
  async request<T>(path: string, init: { method?: string; body?: unknown; contentType?: string; retry?: boolean } = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/fhir+json, application/json' };
    const tokens = tokenStore.get();
    if (tokens) headers.authorization = `Bearer ${tokens.accessToken}`;
    if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/fhir+json';
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method: init.method ?? 'GET',
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch (e) {
      throw new ApiError(0, undefined, `network: ${(e as Error).message}`);
    }
    if (res.status === 401 && init.retry !== false && !SESSION_PATHS.includes(path)) {
      if (tokens?.refreshToken && (await this.refresh())) return this.request<T>(path, { ...init, retry: false });
      tokenStore.set(null);
      this.onUnauthorized?.(tokens !== null);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const outcome = isOperationOutcome(body) ? body : undefined;
      const message = outcome?.issue?.[0]?.details?.text ?? outcome?.issue?.[0]?.diagnostics ?? `${res.status} ${res.statusText}`;
      throw new ApiError(res.status, outcome, message);
    }
    return body as T;
  }

  // ---- authentication (issue 8 contract) ----

  async login(username: string, password: string): Promise<void> {
    const r = await this.request<LoginResult>('/auth/login', { method: 'POST', body: { username, password }, contentType: 'application/json' });
    this.storeTokens(r);
  }

  /** The logged-in user; `null` on a server without login (no /auth routes: 404). A 401 goes to onUnauthorized. */
  async me(): Promise<Me | null> {
    try {
      return await this.request<Me>('/auth/me');
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
      throw e;
    }
  }

  /** Ends the session on the server (best effort) and forgets the tokens. */
  async logout(): Promise<void> {
    const refreshToken = tokenStore.get()?.refreshToken;
    if (refreshToken) await this.request('/auth/logout', { method: 'POST', body: { refresh_token: refreshToken }, contentType: 'application/json' }).catch(() => undefined);
    tokenStore.set(null);
  }

  private storeTokens(r: LoginResult): void {
    const tokens: Tokens = { accessToken: r.access_token, refreshToken: r.refresh_token, expiresAt: r.expires_in ? Date.now() + r.expires_in * 1000 : undefined };
    tokenStore.set(tokens);
  }

  /** One refresh at a time, shared by concurrent 401s. */
  private refresh(): Promise<boolean> {
    if (!this.refreshing) {
      const refreshToken = tokenStore.get()?.refreshToken;
      this.refreshing = this.request<LoginResult>('/auth/refresh', { method: 'POST', body: { refresh_token: refreshToken }, contentType: 'application/json' })
        .then((r) => {
          this.storeTokens(r);
          return true;
        })
        .catch(() => false)
        .finally(() => {
          this.refreshing = null;
        });
    }
    return this.refreshing;
  }

  // ---- platform APIs beyond FHIR ----

  /** Chronic-care cohort indicators (issue 6): GET /api/indicators/chronic. */
  chronicIndicators(params: { condition: 'hypertension' | 'diabetes'; orgUnit: string; asOf: string; by?: 'self' | 'town' | 'village' }): Promise<{ rows: ChronicIndicators[] }> {
    return this.request(`/api/indicators/chronic${queryString(params)}`);
  }

  // ---- infectious-disease surveillance (issue 5; docs/surveillance.md) ----

  /** The configured notifiable diseases and syndromes. */
  surveillanceDiseases(): Promise<{ diseases: DiseaseDefinition[] }> {
    return this.request('/api/surveillance/diseases');
  }

  /** Signals in the caller's org units, newest first. */
  signals(query: SignalQuery = {}): Promise<SignalList> {
    return this.request(`/api/surveillance/signals${queryString({ ...query })}`);
  }

  /** One signal with evidence, history (`events`), allowed `next` statuses and response time. */
  signal(id: string): Promise<SignalDetail> {
    return this.request(`/api/surveillance/signals/${encodeURIComponent(id)}`);
  }

  /** Moves a signal through the workflow; 409 (ApiError) when its status changed meanwhile or the move is not allowed. */
  transitionSignal(id: string, status: SignalStatus, note?: string): Promise<SignalDetail> {
    return this.request(`/api/surveillance/signals/${encodeURIComponent(id)}/transition`, { method: 'POST', body: note ? { status, note } : { status }, contentType: 'application/json' });
  }

  /** Case line list behind a signal (its evidence window, or the `days` days ending with it). */
  signalCases(id: string, days?: number): Promise<CaseLineList> {
    return this.request(`/api/surveillance/signals/${encodeURIComponent(id)}/cases${queryString({ days })}`);
  }

  /** Signals by status and the median response time. */
  signalMetrics(query: { orgUnit?: string; disease?: string; from?: string; to?: string } = {}): Promise<SignalMetrics> {
    return this.request(`/api/surveillance/metrics${queryString(query)}`);
  }

  // ---- FHIR R4 ----

  read<T extends Resource>(type: T['resourceType'], id: string): Promise<T> {
    return this.request<T>(`/fhir/${type}/${encodeURIComponent(id)}`);
  }

  async search<T extends Resource>(type: T['resourceType'], params: SearchParams = {}): Promise<SearchResult<T>> {
    return toResult<T>(await this.request<Bundle>(`/fhir/${type}${queryString(params)}`));
  }

  /** Number of matches, without fetching any (`_summary=count`). */
  async count(type: ResourceType, params: SearchParams = {}): Promise<number> {
    const bundle = await this.request<Bundle>(`/fhir/${type}${queryString({ ...params, _summary: 'count' })}`);
    return bundle.total ?? 0;
  }

  /** Follows `next` links up to `maxPages`; `complete` says whether every page was read. */
  async searchAll<T extends Resource>(type: T['resourceType'], params: SearchParams, maxPages: number): Promise<SearchResult<T> & { complete: boolean }> {
    const first = await this.search<T>(type, params);
    const out = { ...first, complete: !first.next };
    let next = first.next;
    for (let page = 1; next && page < maxPages; page++) {
      const url = new URL(next, location.origin);
      const r = toResult<T>(await this.request<Bundle>(url.pathname + url.search));
      out.resources.push(...r.resources);
      out.included.push(...r.included);
      next = r.next;
    }
    out.complete = !next;
    return out;
  }
}

function toResult<T extends Resource>(bundle: Bundle): SearchResult<T> {
  const entries: BundleEntry[] = bundle.entry ?? [];
  const resources: T[] = [];
  const included: Resource[] = [];
  for (const e of entries) {
    if (!e.resource) continue;
    if (e.search?.mode === 'include') included.push(e.resource);
    else resources.push(e.resource as T);
  }
  return { resources, included, total: bundle.total, next: bundle.link?.find((l) => l.relation === 'next')?.url };
}

/** The app's client (same origin as the server that serves the app). */
export const api = new ApiClient();
