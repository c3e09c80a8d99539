/**
 * Composition of the platform: database, FHIR store, domain modules and routes on one Fastify app.
 * Dependencies are passed in, so tests can give the app a PGlite database and a fixed clock.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessService, OidcLogin, accessRoutes, auditEventRoutes, oidcRoutes, type OidcOptions, type Principal } from '../foundation/access/index.js';
import { ImportJobs, importRoutes } from '../foundation/ingest/index.js';
import { MpiService, linkedPatientIds, mpiFhirRoutes, mpiRoutes } from '../foundation/mpi/index.js';
import { FhirStore, fhirRoutes, loadFhirDefinitions, type Projector, type RequestContext } from '../foundation/fhir/index.js';
import { assessResidents, chronicCareRoutes, chronicRoutes, loadLatestModel, medicationRoutes, refreshChronicRollups, riskRoutes, type FollowUpRules } from '../healthmgmt/index.js';
import { chinaDate, dailyRunClaim, startDailyJob, type DailyJob } from '../foundation/jobs/index.js';
import { startScheduler, surveillanceRoutes, type DiseaseList, type Scheduler } from '../publichealth/index.js';
import { centresRoutes, referralRoutes, roundsRoutes, type CentreDefinition } from '../care/index.js';
import { careIndicatorRoutes, teleconsultRoutes, visitRoutes } from '../care/index.js';
import { parseFollowUp, recordFollowUp, refillReminders, worklist } from '../healthmgmt/index.js';
import { cockpitRoutes } from '../cockpit/index.js';
import { createStore } from './modules.js';
import type { Database } from '../foundation/db/index.js';
import { installErrorHandler } from './error-handler.js';
import { PACKAGE_VERSION } from './version.js';
import { registerWeb } from './web.js';
import { loadConfig } from './config.js';
import { registerHardening, securityFromConfig, type SecurityOptions } from './hardening.js';

export interface AppOptions {
  db: Database;
  logLevel?: string;
  /** Where the log lines go (default stdout); tests capture them to check that no health data is logged. */
  logStream?: NodeJS.WritableStream;
  clock?: () => Date;
  baseUrl?: string;
  projectors?: Projector[];
  /** HS256 secret for access tokens (HB_JWT_SECRET); generated and kept in the database when absent. */
  jwtSecret?: string;
  /** Access-token lifetime in seconds (default 900). */
  accessTokenSeconds?: number;
  /** Where $import bodies wait for their job (default: the system temp directory). */
  importDir?: string;
  /** Daily surveillance run at HH:MM (UTC+8) for the previous day (HB_SURVEILLANCE_RUN_AT); absent or "off" = no scheduled run. */
  surveillanceRunAt?: string;
  /** Daily risk assessment of every resident at HH:MM (UTC+8), asOf = the run date, newest trained model (HB_RISK_RUN_AT); absent or "off" = none. */
  riskRunAt?: string;
  /** Daily refresh of the chronic-care village rollup at HH:MM (UTC+8) for today and the last month end (HB_CHRONIC_ROLLUP_AT); absent or "off" = none. */
  chronicRollupAt?: string;
  /** The district's chronic-care follow-up rules (HB_CHRONIC_RULES, loadFollowUpRules); absent = the national standard. */
  chronicRules?: FollowUpRules;
  /** The district's notifiable diseases and their detection (HB_SURVEILLANCE_DISEASES, loadDiseaseList); absent = the built-in list. */
  diseases?: DiseaseList;
  /** Real-time MPI cap of broad name blocks (HB_MPI_BROAD_BLOCK_SIZE; default 100). */
  mpiBroadBlockSize?: number;
  /** Headers, CORS, rate and body limits (HB_CORS_ORIGINS, HB_RATE_LIMIT_*, …); absent = the configuration defaults. */
  security?: Partial<SecurityOptions>;
  /** OpenID Connect login (HB_OIDC_*); absent = off (GET /auth/oidc/login answers 404). */
  oidc?: OidcOptions;
  /** Specialised-disease centres of the district (default: the five built-in ones, src/care/centres/centres-config.ts). */
  centres?: readonly CentreDefinition[];
}

export interface App {
  app: FastifyInstance;
  store: FhirStore;
  access: AccessService;
  /** Background jobs of FHIR $import. */
  imports: ImportJobs;
  close(): Promise<void>;
}

/** A request's route pattern for the log, with the FHIR resource type filled in (a type name is never health data). */
function routePattern(req: { routeOptions?: { url?: string }; params?: unknown }): string {
  const pattern = req.routeOptions?.url;
  if (!pattern) return '(no route)';
  const type = (req.params as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' && /^[A-Z][A-Za-z]{1,63}$/.test(type) ? pattern.replace(':type', type) : pattern;
}

/** Builds the Fastify app (not listening yet). */
export async function buildApp(options: AppOptions): Promise<App> {
  loadFhirDefinitions();
  const security: SecurityOptions = { ...securityFromConfig(loadConfig({})), ...options.security };
  const app = Fastify({
    trustProxy: security.trustProxy,
    logger: {
      level: options.logLevel ?? 'info',
      ...(options.logStream ? { stream: options.logStream } : {}),
      // Never log bodies or query strings: they carry health data.
      serializers: {
        // The route's pattern (/fhir/:type/:id), not the path: ids and names in paths can be health
        // data (a client may PUT a Patient under its resident ID).
        req: (req) => ({ method: req.method, url: routePattern(req as unknown as { routeOptions?: { url?: string }; params?: unknown }) }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    },
    bodyLimit: security.bodyLimit,
  });
  const { store, audit } = createStore(options.db, { clock: options.clock, projectors: options.projectors, chronicRules: options.chronicRules, diseases: options.diseases, mpiBroadBlockSize: options.mpiBroadBlockSize });
  const access = await AccessService.create({ db: options.db, secret: options.jwtSecret, clock: options.clock, accessTokenSeconds: options.accessTokenSeconds });
  const mpi = new MpiService({ db: options.db, store, clock: options.clock });
  installErrorHandler(app);
  await registerHardening(app, security, access);
  await app.register(async (auth) => accessRoutes(auth, { access, store }));
  const oidcLogin = options.oidc ? new OidcLogin(options.oidc, { db: options.db, access, clock: options.clock, baseUrl: options.baseUrl }) : undefined;
  await app.register(async (auth) => oidcRoutes(auth, { login: oidcLogin }));
  // Every /fhir route but the CapabilityStatement needs a Bearer token (issue 8); the context
  // carries the user and their compiled scope into the store.
  const contexts = new WeakMap<FastifyRequest, RequestContext>();
  const principals = new WeakMap<FastifyRequest, Principal>();
  // Bulk $import jobs run with their submitter's rights (saved with the job, without break-the-glass grants).
  const imports = new ImportJobs({
    db: options.db,
    store,
    dir: options.importDir ?? join(tmpdir(), 'healthy-brain-import'),
    clock: options.clock,
    contextOf: (saved) => access.contextOf({ ...(saved as Principal), breakGlass: [] }),
    onError: (err) => app.log.error({ err }, 'import job failed'),
  });
  await app.register(
    async (fhir) => {
      // Transaction bundles may be large: /fhir routes take HB_FHIR_BODY_LIMIT ($import streams its body).
      fhir.addHook('onRoute', (route) => {
        route.bodyLimit ??= security.fhirBodyLimit;
      });
      fhir.addHook('onRequest', async (request) => {
        if (request.routeOptions.url === '/fhir/metadata') return;
        try {
          const { principal } = await access.authenticate(request.headers.authorization);
          principals.set(request, principal);
          contexts.set(request, access.contextOf(principal));
        } catch (err) {
          await access.audit('anonymous', 'request', 'unauthenticated', `${request.method} ${request.routeOptions.url ?? ''}`);
          throw err;
        }
      });
      // The audit as read-only FHIR AuditEvent (before the generic /:type routes).
      await auditEventRoutes(fhir, {
        db: options.db,
        access,
        store,
        baseUrl: options.baseUrl,
        clock: options.clock,
        principal: (request) => {
          const principal = principals.get(request);
          if (!principal) throw new Error('request reached AuditEvent without authentication');
          return principal;
        },
      });
      await fhirRoutes(fhir, {
        store,
        version: PACKAGE_VERSION,
        baseUrl: options.baseUrl,
        linkedPatients: (id) => linkedPatientIds(options.db, id),
        context: (request) => {
          const ctx = contexts.get(request);
          if (!ctx) throw new Error('request reached a FHIR route without authentication');
          return ctx;
        },
      });
      await importRoutes(fhir, {
        jobs: imports,
        baseUrl: options.baseUrl,
        owner: (request) => {
          const principal = principals.get(request);
          if (!principal) throw new Error('request reached $import without authentication');
          return { id: `${principal.kind}:${principal.id}`, saved: { ...principal, breakGlass: [] } };
        },
      });
      // Master patient index: Patient/$match (FHIR auth and error model of this plugin).
      await mpiFhirRoutes(fhir, { service: mpi, baseUrl: options.baseUrl, context: (request) => contexts.get(request)! });
    },
    { prefix: '/fhir' },
  );
  await app.register(async (api) =>
    chronicRoutes(api, {
      db: options.db,
      clock: options.clock,
      authorizeOrgUnit: async (request, orgUnit) => access.authorizeAggregate((await access.authenticate(request.headers.authorization)).principal, orgUnit),
    }),
  );
  await app.register(async (api) =>
    cockpitRoutes(api, {
      db: options.db,
      clock: options.clock,
      authorizeOrgUnit: async (request, orgUnit) => access.authorizeAggregate((await access.authenticate(request.headers.authorization)).principal, orgUnit),
    }),
  );
  const chronicContext = async (request: FastifyRequest) => access.contextOf((await access.authenticate(request.headers.authorization)).principal);
  await app.register(async (api) => chronicCareRoutes(api, { store, clock: options.clock, context: chronicContext }));
  await app.register(async (api) => medicationRoutes(api, { store, clock: options.clock, context: chronicContext }));
  await app.register(async (api) => referralRoutes(api, { store, access, clock: options.clock }));
  await app.register(async (api) => centresRoutes(api, { store, access, clock: options.clock, centres: options.centres }));
  await app.register(async (api) => visitRoutes(api, { store, access, clock: options.clock }));
  await app.register(async (api) => teleconsultRoutes(api, { store, access, clock: options.clock }));
  await app.register(async (api) => careIndicatorRoutes(api, { store, access, clock: options.clock, centres: options.centres }));
  // Mobile rounds (care) on the chronic registry's work lists, refills and follow-up recording (healthmgmt), wired here: domains do not import one another.
  await app.register(async (api) => roundsRoutes(api, { store, access, clock: options.clock, sources: { worklist, refillReminders, parseFollowUp, recordFollowUp } }));
  await app.register(async (api) => surveillanceRoutes(api, { db: options.db, access, clock: options.clock, diseases: options.diseases }));
  await app.register(async (api) =>
    riskRoutes(api, {
      db: options.db,
      store,
      clock: options.clock,
      authorizeOrgUnit: async (request, orgUnit) => access.authorizeAggregate((await access.authenticate(request.headers.authorization)).principal, orgUnit),
      context: chronicContext,
    }),
  );
  // Each daily job claims its day in job_run first: with several server processes, one runs it (docs/scaling.md).
  const skipped = (job: string) => (day: string) => app.log.info({ job, day }, 'daily job skipped: another process has run it');
  let scheduler: Scheduler | undefined;
  if (options.surveillanceRunAt && options.surveillanceRunAt !== 'off') {
    scheduler = startScheduler({
      db: options.db,
      at: options.surveillanceRunAt,
      clock: options.clock,
      diseases: options.diseases,
      onRun: (r, err) => (r ? app.log.info({ surveillance: { date: r.date, series: r.series, signals: r.signals, newSignals: r.newSignals, seconds: r.seconds } }, 'surveillance run') : app.log.error({ err }, 'surveillance run failed')),
      claim: dailyRunClaim(options.db, 'surveillance'),
      onSkip: skipped('surveillance'),
    });
  }
  let riskJob: DailyJob | undefined;
  if (options.riskRunAt && options.riskRunAt !== 'off') {
    riskJob = startDailyJob({
      at: options.riskRunAt,
      clock: options.clock,
      // The whole district as the system (like `healthy-brain risk run`); the log carries counts only.
      run: async (now) => assessResidents(store, { actor: 'system:risk-run' }, { orgUnit: '', asOf: chinaDate(now), model: await loadLatestModel(options.db) }),
      onRun: (s, err) =>
        s
          ? app.log.info({ risk: { asOf: s.asOf, model: s.model, residents: s.residents, assessed: s.assessed, tasksCreated: s.tasksCreated, tasksSkippedOpen: s.tasksSkippedOpen, seconds: s.seconds } }, 'risk run')
          : app.log.error({ err }, 'risk run failed'),
      claim: dailyRunClaim(options.db, 'risk'),
      onSkip: skipped('risk'),
    });
  }
  let chronicRollupJob: DailyJob | undefined;
  if (options.chronicRollupAt && options.chronicRollupAt !== 'off') {
    chronicRollupJob = startDailyJob({
      at: options.chronicRollupAt,
      clock: options.clock,
      // Every village, both programmes, for the run's date and the last month end (docs/chronic-care.md "Village rollup"); counts only in the log.
      run: (now) => refreshChronicRollups(options.db, { today: chinaDate(now), now }),
      onRun: (s, err) => (s ? app.log.info({ chronicRollup: s }, 'chronic rollup') : app.log.error({ err }, 'chronic rollup failed')),
      claim: dailyRunClaim(options.db, 'chronic-rollup'),
      onSkip: skipped('chronic-rollup'),
    });
  }
  await app.register(async (api) =>
    mpiRoutes(api, {
      service: mpi,
      caller: async (request) => {
        const { principal } = await access.authenticate(request.headers.authorization);
        return { actor: principal.name, context: access.contextOf(principal), dataSteward: principal.grants.some((g) => g.role === 'data-steward') };
      },
    }),
  );
  app.get('/healthz', async () => ({ status: 'ok' }));
  await registerWeb(app);
  await imports.resume();
  return {
    imports,
    app,
    store,
    access,
    close: async () => {
      await scheduler?.stop();
      await riskJob?.stop();
      await chronicRollupJob?.stop();
      await imports.close();
      await app.close();
      await store.settle();
      await audit.close();
    },
  };
}
