/** `healthy-brain migrate`: apply pending database migrations and exit. */
import type { Command } from 'commander';
import { loadConfig, openConfiguredDatabase } from '../../server/index.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .option('--data <dir>', 'PGlite data directory (default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL instead of PGlite')
    .action(async (opts: { data?: string; databaseUrl?: string }) => {
      const config = loadConfig(process.env, { dataDir: opts.data, databaseUrl: opts.databaseUrl });
      const database = await openConfiguredDatabase(config);
      await database.close();
      console.log(database.applied.length ? `applied: ${database.applied.join(', ')}` : 'database is up to date');
    });
}
