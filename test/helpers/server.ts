/** Starts the real app on a random local port over a fresh test database. */
import { buildApp, type App } from '../../src/server/index.js';
import { freshDatabase, type TestDatabase } from './database.js';

export interface TestServer {
  url: string;
  fhir: string;
  app: App;
  database: TestDatabase;
  stop(): Promise<void>;
}

export async function startTestServer(options: { clock?: () => Date } = {}): Promise<TestServer> {
  const database = await freshDatabase();
  const app = await buildApp({ db: database.db, logLevel: 'silent', clock: options.clock });
  const address = await app.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    fhir: `${address}/fhir`,
    app,
    database,
    stop: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/** fetch with FHIR JSON in and out. */
export async function fhirFetch(url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { accept: 'application/fhir+json', ...(init.body !== undefined ? { 'content-type': 'application/fhir+json' } : {}), ...init.headers },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
