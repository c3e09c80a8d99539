/**
 * Composition of the platform: database, FHIR store, domain modules and routes on one Fastify app.
 * Dependencies are passed in, so tests can give the app a PGlite database and a fixed clock.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { BufferedAuditWriter, FhirStore, fhirRoutes, loadFhirDefinitions, type Projector } from '../foundation/fhir/index.js';
import type { Database } from '../foundation/db/index.js';
import { installErrorHandler } from './error-handler.js';
import { PACKAGE_VERSION } from './version.js';
import { registerWeb } from './web.js';

export interface AppOptions {
  db: Database;
  logLevel?: string;
  clock?: () => Date;
  baseUrl?: string;
  projectors?: Projector[];
}

export interface App {
  app: FastifyInstance;
  store: FhirStore;
  close(): Promise<void>;
}

/** Builds the Fastify app (not listening yet). */
export async function buildApp(options: AppOptions): Promise<App> {
  loadFhirDefinitions();
  const app = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      // Never log bodies or query strings: they carry health data.
      serializers: {
        req: (req) => ({ method: req.method, url: String(req.url).split('?')[0] }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    },
    bodyLimit: 64 * 1024 * 1024,
  });
  const audit = new BufferedAuditWriter(options.db);
  const store = new FhirStore({ db: options.db, audit, clock: options.clock, projectors: options.projectors });
  installErrorHandler(app);
  await app.register(
    async (fhir) => {
      await fhirRoutes(fhir, {
        store,
        version: PACKAGE_VERSION,
        baseUrl: options.baseUrl,
        context: () => ({ actor: 'anonymous' }),
      });
    },
    { prefix: '/fhir' },
  );
  app.get('/healthz', async () => ({ status: 'ok' }));
  await registerWeb(app);
  return {
    app,
    store,
    close: async () => {
      await app.close();
      await audit.close();
    },
  };
}
