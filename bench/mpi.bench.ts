/**
 * `npm run bench:mpi`: batch dedupe of ~100k simulated Patients (the simulator's 92,000 residents
 * plus their ≈ 9 % duplicate registrations) — seconds, records/s, peak RSS, and pairwise
 * precision/recall/F1 against the simulator's truth — for docs/benchmarks.md ("## MPI").
 * Usage: npm run bench:mpi -- [--residents 92000] [--seed 7] [--runs 1]
 * Real-time part (match on create, see bench/mpi-realtime.ts):
 *   npm run bench:mpi -- --realtime [--stored 200000] [--creates 1000] [--database-url postgres://…] [--keep-base] [--prewarm]
 *   [--broad-cap 100] (real-time cap of broad name blocks; 1000 = no lower cap, as before)
 *   [--warmup 200] (creates run first and not measured: the JIT's warm-up)
 *   (--keep-base: keep the loaded database `hb_bench_mpi_base_<stored>` for the next run; drop it by hand)
 * The district is generated once into .bench-data/ and reused; each measured run is a fresh
 * child process, so peak RSS is the dedupe's alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { evaluateFile } from '../src/foundation/mpi/index.js';
import { writeSimulationToDirectory } from '../src/simulate/index.js';
import { benchRealtime } from './mpi-realtime.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

/** Child mode: dedupe one file and print the figures as JSON on stdout. */
async function measure(input: string, truth: string): Promise<void> {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const r = await evaluateFile(input, truth);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const d = r.dedupe;
  const figures = {
    records: d.ids.length,
    seconds,
    // user + system CPU: the wall time on an idle machine for this single-threaded run
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    readSeconds: d.seconds.read,
    matchSeconds: d.seconds.match,
    recordsPerSecond: d.ids.length / seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    candidatePairs: d.candidatePairs,
    links: d.decisions.link,
    persons: d.clusters,
    reviewPairs: d.review.length,
    reviewRecords: d.reviewRecords,
    precision: r.metrics.precision,
    recall: r.metrics.recall,
    f1: r.metrics.f1,
  };
  process.stdout.write(JSON.stringify(figures) + '\n');
}

async function run(): Promise<void> {
  const residents = Number(arg('residents', '92000'));
  const seed = Number(arg('seed', '7'));
  const runs = Number(arg('runs', '1'));
  const dir = join(import.meta.dirname, '..', '.bench-data', `mpi-${residents}-seed${seed}`);
  const input = join(dir, 'Patient.ndjson');
  const truth = join(dir, 'truth', 'patient-clusters.csv');
  if (!existsSync(truth)) {
    console.log(`simulating ${residents} residents (seed ${seed}) into ${dir} …`);
    // Patients do not depend on the simulated span; a short one keeps the other files small.
    await writeSimulationToDirectory({ residents, years: 0.05, seed }, dir);
  }
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, load average ${loadavg()[0].toFixed(1)}`);
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--measure', input, truth], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) throw new Error(`measurement run failed with status ${child.status}`);
    const f = JSON.parse(child.stdout.trim().split('\n').pop()!);
    console.log(
      `run ${i + 1}: ${f.records} Patients in ${f.seconds.toFixed(1)} s wall, ${f.cpuSeconds.toFixed(1)} s CPU (read ${f.readSeconds.toFixed(1)} s, match ${f.matchSeconds.toFixed(1)} s) = ` +
        `${Math.round(f.recordsPerSecond)} records/s, peak RSS ${Math.round(f.peakRssMb)} MB; ` +
        `${f.candidatePairs} candidate pairs, ${f.links} links, ${f.persons} persons; ` +
        `P ${f.precision.toFixed(4)} R ${f.recall.toFixed(4)} F1 ${f.f1.toFixed(4)}; review ${f.reviewPairs} pairs / ${f.reviewRecords} records ` +
        `(${((100 * f.reviewRecords) / f.records).toFixed(2)} %)`,
    );
  }
}

async function realtime(): Promise<void> {
  const residents = Number(arg('residents', '92000'));
  const seed = Number(arg('seed', '7'));
  const dir = join(import.meta.dirname, '..', '.bench-data', `mpi-${residents}-seed${seed}`);
  if (!existsSync(join(dir, 'Patient.ndjson'))) await writeSimulationToDirectory({ residents, years: 0.05, seed }, dir);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}, load average ${loadavg()[0].toFixed(1)}`);
  await benchRealtime({
    patientsFile: join(dir, 'Patient.ndjson'),
    stored: Number(arg('stored', '200000')),
    creates: Number(arg('creates', '1000')),
    databaseUrl: args.includes('--database-url') ? arg('database-url', '') : undefined,
    keepBase: args.includes('--keep-base'),
    prewarm: args.includes('--prewarm'),
    broadCap: args.includes('--broad-cap') ? Number(arg('broad-cap', '100')) : undefined,
    warmup: Number(arg('warmup', '200')),
  });
}

const m = args.indexOf('--measure');
if (m >= 0) await measure(args[m + 1], args[m + 2]);
else if (args.includes('--realtime')) await realtime();
else await run();
