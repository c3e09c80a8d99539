/**
 * The demo district behind `npm start`: on first start with an empty database, the simulator's
 * district is written into the store through the bulk importer, with a progress bar.
 */
import { SingleBar } from 'cli-progress';
import { sql } from 'kysely';
import type { Database } from '../foundation/db/index.js';
import type { FhirStore } from '../foundation/fhir/index.js';
import { BatchImporter, type ImportStats } from '../foundation/ingest/index.js';
import { simulateDistrict } from '../simulate/index.js';

/** True when the store holds no Patient yet. */
export async function isEmpty(db: Database): Promise<boolean> {
  const row = await sql<{ found: boolean }>`SELECT EXISTS (SELECT 1 FROM fhir_resource WHERE resource_type = 'Patient') AS found`.execute(db);
  return !row.rows[0].found;
}

/** Seeds a simulated district of `residents` residents over `years` years; returns the import counts. */
export async function seedDemoDistrict(store: FhirStore, options: { residents: number; years: number; seed?: number; progress?: boolean }): Promise<ImportStats> {
  const bar = options.progress ? new SingleBar({ format: 'seeding demo district |{bar}| {percentage}% {value}/{total} residents | {rate} resources/s', hideCursor: true }) : undefined;
  bar?.start(options.residents, 0, { rate: 0 });
  const importer = new BatchImporter(store, { actor: 'system:demo-seed' }, {
    batchSize: 1000,
    onProblem: (p) => process.stderr.write(`demo seed: ${p.where}: ${p.reason}\n`),
    onProgress: (s) => bar?.update({ rate: Math.round((s.created + s.updated + s.unchanged) / Math.max(s.seconds, 0.001)) }),
  });
  await simulateDistrict(
    { residents: options.residents, years: options.years, seed: options.seed ?? 20260101 },
    {
      resource: (r) => importer.add(r, `${r.resourceType}/${r.id}`),
      truth: () => undefined,
    },
    (done) => bar?.update(Math.min(done, options.residents)),
  );
  const stats = await importer.finish();
  bar?.stop();
  return stats;
}
