/**
 * The demo district behind `npm start`: on first start with an empty database, the simulator's
 * district is written into the store through the bulk importer, with a progress bar, and the daily
 * detection run is replayed over its last weeks so the CDC console opens with signals to work on.
 */
import { SingleBar } from 'cli-progress';
import { sql } from 'kysely';
import { DEFAULT_CENTRES, enrolMatching, seedDemoPathways, seedDemoReferrals } from '../care/index.js';
import { seedDemoRounds, seedDemoVisits } from '../care/index.js';
import type { Database } from '../foundation/db/index.js';
import type { FhirStore } from '../foundation/fhir/index.js';
import { BatchImporter, type ImportStats } from '../foundation/ingest/index.js';
import { assessResidents, loadLatestModel, parseFollowUp, recordFollowUp, refillReminders, refreshChronicRollups, worklist } from '../healthmgmt/index.js';
import { chinaDate } from '../foundation/jobs/index.js';
import { runSurveillance, type DiseaseList } from '../publichealth/index.js';
import { Rng, simulateDistrict } from '../simulate/index.js';

/** True when the store holds no Patient yet. */
export async function isEmpty(db: Database): Promise<boolean> {
  const row = await sql<{ found: boolean }>`SELECT EXISTS (SELECT 1 FROM fhir_resource WHERE resource_type = 'Patient') AS found`.execute(db);
  return !row.rows[0].found;
}

/**
 * Seeds a simulated district of `residents` residents over `years` years; returns the import counts.
 * `surveillanceDays` (default 60, 0 skips) replays the daily detection run over the last days of the
 * simulated data (see runDemoSurveillance). `riskAssessment` (default true, false skips) runs the risk
 * assessment on the last day with encounters (see runDemoRiskAssessment).
 */
export async function seedDemoDistrict(
  store: FhirStore,
  options: { residents: number; years: number; seed?: number; progress?: boolean; surveillanceDays?: number; riskAssessment?: boolean; diseases?: DiseaseList },
): Promise<ImportStats> {
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
  await runDemoSurveillance(store.db, options.surveillanceDays ?? 60, options.diseases);
  // A handful of referrals in every state (closed, returned, overdue, scheduled, rejected, down, new): src/care/referral/referral-demo.ts.
  await seedDemoReferrals(store);
  // Specialised-disease centres: every resident whose diagnoses meet a centre's criteria is enrolled (docs/care.md).
  await enrolMatching(store, { actor: 'system:demo-centres' }, DEFAULT_CENTRES, { now: await lastActivity(store.db) });
  // Village-clinic visits (resolved, teleconsultation, referral) dated in the data's last days: src/care/visits/visits-demo.ts.
  await seedDemoVisits(store, await lastActivity(store.db));
  // Mobile rounds: two township teams take their round plan on the data's last day and sync the visits they record (src/care/rounds/rounds-demo.ts).
  await seedDemoRounds(store, { worklist, refillReminders, parseFollowUp, recordFollowUp }, (await lastActivity(store.db)).toISOString().slice(0, 10));
  // Emergency arrivals with thrombolysis (I63) and PCI (I21) of the enrolled stroke and chest-pain patients: src/care/centres/centres-demo.ts.
  await seedDemoPathways(store, { actor: 'system:demo-centres' }, Rng.derive(options.seed ?? 20260101, 'centre-pathways'));
  if (options.riskAssessment ?? true) await runDemoRiskAssessment(store);
  // The cockpit reads the chronic-care village rollup (today and last month end), as after a nightly run (docs/chronic-care.md).
  await refreshChronicRollups(store.db, { today: chinaDate(new Date()), now: new Date() });
  return stats;
}

/** The simulated data's last encounter day (noon UTC), or now: demo workflows are dated within the data. */
async function lastActivity(db: Database): Promise<Date> {
  const row = await sql<{ last: string | null }>`SELECT max(period_start)::text AS last FROM proj_encounter`.execute(db);
  return row.rows[0]?.last ? new Date(`${row.rows[0].last}T12:00:00Z`) : new Date();
}

/**
 * Runs the risk assessment (`healthy-brain risk assess`, docs/risk-models.md) over the whole district
 * on the last day with encounters, so the cockpit's "given risk interventions" headline has Tasks to
 * count (no trained model in a fresh demo: the equations and guideline triggers score). Returns the
 * residents given new intervention Tasks.
 */
export async function runDemoRiskAssessment(store: FhirStore): Promise<number> {
  const row = await sql<{ last: string | null }>`SELECT max(period_start)::text AS last FROM proj_encounter`.execute(store.db);
  const asOf = row.rows[0]?.last;
  if (!asOf) return 0;
  const summary = await assessResidents(store, { actor: 'system:demo-risk-assess' }, { orgUnit: '', asOf, model: await loadLatestModel(store.db) });
  return summary.residentsWithNewTasks;
}

/**
 * Runs detection (`healthy-brain surveillance run --date D`) for each of the last `days` days of the
 * case data, oldest first, as the scheduled daily run would have done while the data arrived: a
 * simulated district ends in the past, so no scheduled run has seen it. Returns the signals found.
 */
export async function runDemoSurveillance(db: Database, days: number, diseases?: DiseaseList): Promise<number> {
  if (days <= 0) return 0;
  const row = await sql<{ last: string | null }>`SELECT max(day)::text AS last FROM proj_case`.execute(db);
  const last = row.rows[0]?.last;
  if (!last) return 0;
  let signals = 0;
  for (let i = days - 1; i >= 0; i--) {
    const date = new Date(Date.parse(`${last}T00:00:00Z`) - i * 86_400_000).toISOString().slice(0, 10);
    signals += (await runSurveillance(db, { date, diseases })).newSignals;
  }
  return signals;
}
