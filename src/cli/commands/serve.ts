/** `healthy-brain serve`: start the platform (PGlite in --data, or PostgreSQL via --database-url). */
import type { Command } from 'commander';
import { loadFollowUpRules } from '../../healthmgmt/index.js';
import { buildApp, ensureDemoAccounts, isEmpty, loadConfig, openConfiguredDatabase, securityFromConfig, seedDemoDistrict } from '../../server/index.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the Healthy Brain server (embedded PGlite by default)')
    .option('--port <port>', 'HTTP port (HB_PORT, default 8080)')
    .option('--host <host>', 'address to listen on (HB_HOST, default 127.0.0.1)')
    .option('--data <dir>', 'PGlite data directory (HB_DATA_DIR, default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL instead of PGlite (HB_DATABASE_URL or DATABASE_URL)')
    .option('--demo', 'seed a demo district into an empty database before serving')
    .action(async (opts: { port?: string; host?: string; data?: string; databaseUrl?: string; demo?: boolean }) => {
      const config = loadConfig(process.env, { port: opts.port, host: opts.host, dataDir: opts.data, databaseUrl: opts.databaseUrl });
      const database = await openConfiguredDatabase(config);
      const { app, store, access, close } = await buildApp({ db: database.db, logLevel: config.logLevel, baseUrl: config.baseUrl, jwtSecret: config.jwtSecret, accessTokenSeconds: config.accessTokenSeconds, surveillanceRunAt: config.surveillanceRunAt, riskRunAt: config.riskRunAt, chronicRollupAt: config.chronicRollupAt, chronicRules: config.chronicRules ? loadFollowUpRules(config.chronicRules) : undefined, mpiBroadBlockSize: config.mpiBroadBlockSize, security: securityFromConfig(config), oidc: config.oidcIssuer ? { issuer: config.oidcIssuer, clientId: config.oidcClientId!, clientSecret: config.oidcClientSecret, redirectUrl: config.oidcRedirectUrl, usernameClaim: config.oidcUsernameClaim, displayName: config.oidcName } : undefined });
      if (opts.demo && config.demoResidents > 0 && (await isEmpty(database.db))) {
        process.stderr.write(`Empty database: seeding a demo district of ${config.demoResidents} residents over ${config.demoYears} years (HB_DEMO_RESIDENTS=0 skips this)\n`);
        const stats = await seedDemoDistrict(store, { residents: config.demoResidents, years: config.demoYears, progress: true });
        process.stderr.write(`Seeded ${stats.created} resources in ${stats.seconds.toFixed(0)} s${stats.rejected ? `, ${stats.rejected} rejected` : ''}\n`);
      }
      if (opts.demo) for (const line of await ensureDemoAccounts(access, database.db)) process.stderr.write(`${line}\n`);
      const shutdown = async () => {
        await close();
        await database.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown());
      process.once('SIGTERM', () => void shutdown());
      const address = await app.listen({ port: config.port, host: config.host });
      const where = config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`;
      process.stderr.write(`Healthy Brain is running at ${address} (FHIR API: ${address}/fhir, database: ${where})\n`);
    });
}
