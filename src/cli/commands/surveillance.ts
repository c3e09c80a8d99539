/**
 * `healthy-brain surveillance run --date D [--data DIR | --database-url URL] [--diseases FILE]`: runs
 * outbreak detection for one date over the platform's case reports and stores the signals (idempotent
 * for the same date). `surveillance rebuild-cases` recomputes proj_case from the stored Conditions
 * (after changing the disease list, or for Conditions loaded before the projection existed).
 */
import type { Command } from 'commander';
import { loadConfig, openConfiguredDatabase } from '../../server/index.js';
import { isRunDate, loadDiseaseList, rebuildCaseProjection, runSurveillance, type DiseaseList } from '../../publichealth/index.js';

interface DbOptions {
  data?: string;
  databaseUrl?: string;
  diseases?: string;
}

function diseaseList(fail: (m: string) => never, file: string | undefined): DiseaseList | undefined {
  // --diseases, else the server's HB_SURVEILLANCE_DISEASES, else the built-in list.
  const path = file ?? loadConfig(process.env, {}).surveillanceDiseases;
  if (!path) return undefined;
  try {
    return loadDiseaseList(path);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
}

async function withDatabase<T>(opts: DbOptions, fn: (db: Awaited<ReturnType<typeof openConfiguredDatabase>>['db']) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, { dataDir: opts.data, databaseUrl: opts.databaseUrl });
  const database = await openConfiguredDatabase(config);
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

/** Registers `surveillance` on the program. */
export function registerSurveillance(program: Command): void {
  const surveillance = program.command('surveillance').description('infectious-disease surveillance: detection runs over the case reports');
  surveillance
    .command('run')
    .description('run outbreak detection for one date and store the signals (idempotent)')
    .requiredOption('--date <date>', 'run date YYYY-MM-DD (the last day evaluated)')
    .option('--data <dir>', 'PGlite data directory (HB_DATA_DIR, default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL instead of PGlite (HB_DATABASE_URL or DATABASE_URL)')
    .option('--diseases <file>', 'disease list JSON (default: HB_SURVEILLANCE_DISEASES, else the built-in list, docs/surveillance.md)')
    .action(async function (this: Command, opts: DbOptions & { date: string }) {
      const fail = (message: string): never => this.error(`surveillance run: ${message}`, { exitCode: 2, code: 'healthy-brain.surveillance' });
      if (!isRunDate(opts.date)) fail(`--date must be a date YYYY-MM-DD, got "${opts.date}"`);
      const diseases = diseaseList(fail, opts.diseases);
      const r = await withDatabase(opts, (db) => runSurveillance(db, { date: opts.date, diseases }));
      this.configureOutput().writeOut?.(
        `surveillance run ${r.date}: ${r.series} series, ${r.evaluated} evaluated, ${r.skipped} skipped, ${r.alarms} alarms, ` +
          `${r.signals} signals (${r.newSignals} new) in ${r.seconds.toFixed(2)} s\n`,
      );
    });
  surveillance
    .command('rebuild-cases')
    .description('recompute the case projection (proj_case) from the stored Conditions')
    .option('--data <dir>', 'PGlite data directory (HB_DATA_DIR, default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL instead of PGlite (HB_DATABASE_URL or DATABASE_URL)')
    .option('--diseases <file>', 'disease list JSON (default: HB_SURVEILLANCE_DISEASES, else the built-in list)')
    .action(async function (this: Command, opts: DbOptions) {
      const fail = (message: string): never => this.error(`surveillance rebuild-cases: ${message}`, { exitCode: 2, code: 'healthy-brain.surveillance' });
      const diseases = diseaseList(fail, opts.diseases);
      const r = await withDatabase(opts, (db) => rebuildCaseProjection(db, diseases));
      this.configureOutput().writeOut?.(`surveillance rebuild-cases: ${r.conditions} Conditions read, ${r.rows} case rows\n`);
    });
}
