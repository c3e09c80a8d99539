/** Opens the database the configuration names and brings its schema up to date. */
import { migrateToLatest, openDatabase, type OpenDatabase } from '../foundation/db/index.js';
import type { Config } from './config.js';
import { DOMAIN_MIGRATIONS } from './modules.js';

/** PostgreSQL when databaseUrl is set, otherwise PGlite in dataDir; migrations run before return. */
export async function openConfiguredDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'poolSize'>): Promise<OpenDatabase & { applied: string[] }> {
  const opened = config.databaseUrl
    ? await openDatabase({ kind: 'postgres', url: config.databaseUrl, poolSize: config.poolSize })
    : await openDatabase({ kind: 'pglite', dataDir: config.dataDir });
  try {
    const applied = await migrateToLatest(opened.db, DOMAIN_MIGRATIONS);
    return { ...opened, applied };
  } catch (err) {
    await opened.close();
    throw err;
  }
}
