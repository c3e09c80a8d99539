/**
 * `healthy-brain serve`: start the platform (PGlite in --data, or PostgreSQL via --database-url).
 * `--workers N` (PostgreSQL only) runs N server processes that share the port (node:cluster): one
 * Node.js process uses one core for JavaScript, so on a 2-core machine the second process serves while
 * the first waits on the database or the network. The processes share everything through PostgreSQL
 * (JWT secret, job claims, surveillance events by polling); rate limits are per process.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Command } from 'commander';
import { buildApp, districtRules, ensureDemoAccounts, isEmpty, loadConfig, openConfiguredDatabase, securityFromConfig, seedDemoDistrict, type Config } from '../../server/index.js';

interface ServeOptions {
  port?: string;
  host?: string;
  data?: string;
  databaseUrl?: string;
  demo?: boolean;
  workers?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the Healthy Brain server (embedded PGlite by default)')
    .option('--port <port>', 'HTTP port (HB_PORT, default 8080)')
    .option('--host <host>', 'address to listen on (HB_HOST, default 127.0.0.1)')
    .option('--data <dir>', 'PGlite data directory (HB_DATA_DIR, default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL instead of PGlite (HB_DATABASE_URL or DATABASE_URL)')
    .option('--workers <n>', 'server processes sharing the port, PostgreSQL only (HB_WORKERS, default 1)')
    .option('--demo', 'seed a demo district into an empty database before serving')
    .action(async (opts: ServeOptions) => {
      const config = loadConfig(process.env, { port: opts.port, host: opts.host, dataDir: opts.data, databaseUrl: opts.databaseUrl, workers: opts.workers });
      if (config.workers > 1 && !config.databaseUrl) throw new Error('--workers: more than one server process needs PostgreSQL (--database-url); PGlite is embedded in one process');
      if (config.workers > 1 && cluster.isPrimary) return supervise(config);
      await serveOne(config, { demo: Boolean(opts.demo) && (cluster.isPrimary || cluster.worker?.id === 1), announce: cluster.isPrimary });
    });
}

/** One server process: the whole app on its own connection pool. */
async function serveOne(config: Config, options: { demo: boolean; announce: boolean }): Promise<void> {
  const database = await openConfiguredDatabase(config);
  const { chronicRules, diseases } = districtRules(config);
  const { app, store, access, close } = await buildApp({ db: database.db, logLevel: config.logLevel, baseUrl: config.baseUrl, jwtSecret: config.jwtSecret, accessTokenSeconds: config.accessTokenSeconds, surveillanceRunAt: config.surveillanceRunAt, riskRunAt: config.riskRunAt, chronicRollupAt: config.chronicRollupAt, chronicRules, diseases, mpiBroadBlockSize: config.mpiBroadBlockSize, security: securityFromConfig(config), oidc: config.oidcIssuer ? { issuer: config.oidcIssuer, clientId: config.oidcClientId!, clientSecret: config.oidcClientSecret, redirectUrl: config.oidcRedirectUrl, usernameClaim: config.oidcUsernameClaim, displayName: config.oidcName } : undefined });
  if (options.demo && config.demoResidents > 0 && (await isEmpty(database.db))) {
    process.stderr.write(`Empty database: seeding a demo district of ${config.demoResidents} residents over ${config.demoYears} years (HB_DEMO_RESIDENTS=0 skips this)\n`);
    const stats = await seedDemoDistrict(store, { residents: config.demoResidents, years: config.demoYears, progress: true, diseases });
    process.stderr.write(`Seeded ${stats.created} resources in ${stats.seconds.toFixed(0)} s${stats.rejected ? `, ${stats.rejected} rejected` : ''}\n`);
  }
  if (options.demo) for (const line of await ensureDemoAccounts(access, database.db)) process.stderr.write(`${line}\n`);
  const shutdown = async () => {
    await close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  const address = await app.listen({ port: config.port, host: config.host });
  if (options.announce) {
    const where = config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`;
    process.stderr.write(`Healthy Brain is running at ${address} (FHIR API: ${address}/fhir, database: ${where})\n`);
  }
}

/**
 * The primary of `--workers N`: migrates once, forks N server processes, announces the address when
 * all of them listen, replaces one that dies, and stops them all on SIGINT/SIGTERM.
 */
async function supervise(config: Config): Promise<void> {
  const database = await openConfiguredDatabase(config); // runs the migrations once, before any worker
  await database.close();
  let stopping = false;
  let listening = 0;
  let announced = false;
  cluster.on('listening', (_worker, address) => {
    listening++;
    if (announced || listening < config.workers) return;
    announced = true;
    const host = address.address && address.address !== '::' && address.address !== '0.0.0.0' ? address.address : config.host;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    process.stderr.write(`Healthy Brain is running at ${url} (FHIR API: ${url}/fhir, database: PostgreSQL, ${config.workers} server processes)\n`);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (!announced) {
      // A process that fails to start (database down, port taken) would fail again: stop, do not loop.
      process.stderr.write(`healthy-brain: a server process failed to start (${signal ?? `exit ${code}`})\n`);
      process.exitCode = 1;
      stop();
      return;
    }
    process.stderr.write(`healthy-brain: server process ${worker.process.pid} ended (${signal ?? `exit ${code}`}); starting another\n`);
    cluster.fork();
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    let left = workers.length;
    if (left === 0) process.exit();
    for (const w of workers) {
      w.once('exit', () => {
        if (--left === 0) process.exit();
      });
      w.process.kill('SIGTERM');
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (let i = 0; i < config.workers; i++) cluster.fork();
}
