/**
 * `healthy-brain centres`:
 *  - `centres list [--centres FILE]` prints the configured specialised-disease centres (JSON);
 *  - `centres enrol [--centre X] [--org-unit U] [--centres FILE] --data DIR|--database-url URL` enrols
 *    every resident with an active Condition meeting a centre's criteria (one EpisodeOfCare per
 *    resident and centre, through the store) and re-projects the pathway milestones of existing
 *    resources; prints per centre how many were enrolled.
 */
import { Command, InvalidArgumentError } from 'commander';
import { backfillMilestones, DEFAULT_CENTRES, enrolMatching, loadCentresFile, type CentreDefinition } from '../../care/index.js';
import { createStore, loadConfig, openConfiguredDatabase } from '../../server/index.js';

export interface CentresIo {
  out: (text: string) => void;
}
const defaultIo = (): CentresIo => ({ out: (t) => process.stdout.write(t) });

interface Flags {
  centre?: string;
  orgUnit?: string;
  centres?: string;
  data?: string;
  databaseUrl?: string;
}

function selected(flags: Flags): CentreDefinition[] {
  const all = flags.centres ? loadCentresFile(flags.centres) : [...DEFAULT_CENTRES];
  if (!flags.centre) return all;
  const one = all.filter((c) => c.code === flags.centre);
  if (one.length === 0) throw new Error(`--centre must be one of ${all.map((c) => c.code).join(', ')}, got "${flags.centre}"`);
  return one;
}

/** `centres enrol`: bulk enrolment; returns the per-centre result (also printed as JSON). */
export async function runCentresEnrol(flags: Flags, io: CentresIo = defaultIo()) {
  const centres = selected(flags);
  const config = loadConfig(process.env, { dataDir: flags.data, databaseUrl: flags.databaseUrl });
  const database = await openConfiguredDatabase(config);
  const { store, audit } = createStore(database.db);
  try {
    const milestones = await backfillMilestones(store);
    const results = await enrolMatching(store, { actor: 'system:centres-enrol' }, centres, { orgUnit: flags.orgUnit ?? '' });
    const summary = { centres: results, enrolled: results.reduce((a, r) => a + r.enrolled, 0), milestones };
    io.out(`${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } finally {
    await store.settle();
    await audit.close();
    await database.close();
  }
}

function orgUnit(v: string): string {
  if (!/^\d{6}(\d{3}){0,2}$/.test(v)) throw new InvalidArgumentError(`--org-unit must be an org-unit code of 6, 9 or 12 digits, got "${v}"`);
  return v;
}

/** Registers `centres list` and `centres enrol`. */
export function registerCentres(program: Command): void {
  const centres = program.command('centres').description('specialised-disease centres: list the configured centres, enrol matching residents');
  centres
    .command('list')
    .description('print the configured centres (criteria, source, facility binding, pathway) as JSON')
    .option('--centres <file>', 'centres JSON file (default: the five built-in centres)')
    .action((flags: Flags) => defaultIo().out(`${JSON.stringify(selected(flags), null, 2)}\n`));
  centres
    .command('enrol')
    .description('enrol every resident with an active Condition meeting the criteria (EpisodeOfCare per resident and centre)')
    .option('--centre <code>', 'only this centre (default: all)')
    .option('--org-unit <code>', 'only residents of this org unit (default: all)', orgUnit)
    .option('--centres <file>', 'centres JSON file (default: the five built-in centres)')
    .option('--data <dir>', 'PGlite data directory (HB_DATA_DIR, default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL instead of PGlite')
    .action(async (flags: Flags) => {
      await runCentresEnrol(flags);
    });
}
