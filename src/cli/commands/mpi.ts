/**
 * `healthy-brain mpi dedupe --input patients.ndjson --output clusters.csv`,
 * `healthy-brain mpi evaluate --input patients.ndjson --truth truth.csv`: batch matching of FHIR
 * Patient NDJSON (model fitted on the file itself), with a progress bar on stderr; and
 * `healthy-brain mpi link`: the batch over every Patient of the store (persons, links, review
 * queue, and the fitted model the real-time service then uses).
 */
import type { Command } from 'commander';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import {
  dedupeFile,
  evaluateFile,
  writeClustersCsv,
  type DedupeFileResult,
  linkStore,
  type InputProblem,
  type StoreLinkResult,
} from '../../foundation/mpi/index.js';
import { loadConfig, openConfiguredDatabase } from '../../server/index.js';

/** Where the commands write: injectable so tests can capture the output. */
export interface MpiIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Draw the progress bar (default: when stderr is a terminal). */
  progress?: boolean;
}

const defaultIo = (): MpiIo => ({
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  progress: process.stderr.isTTY === true,
});

/** A progress bar on stderr over the phases of a dedupe (one line, relabelled per phase). */
function progressBar(enabled: boolean): { onProgress: ((phase: string, done: number, total: number) => void) | undefined; stop: () => void } {
  if (!enabled) return { onProgress: undefined, stop: () => {} };
  const multi = new MultiBar(
    { format: 'mpi {phase} [{bar}] {percentage}% | {value}/{total}', stream: process.stderr, hideCursor: true, clearOnComplete: false },
    Presets.shades_classic,
  );
  let bar: SingleBar | undefined;
  let phase = '';
  return {
    onProgress: (p, done, total) => {
      if (p !== phase) {
        bar?.update(bar.getTotal());
        bar = multi.create(total, 0, { phase: p.padEnd(7) });
        phase = p;
      }
      bar?.update(done);
    },
    stop: () => {
      bar?.update(bar.getTotal());
      multi.stop();
    },
  };
}

const MAX_PROBLEMS_SHOWN = 50;

/** Print input problems (line numbers named) and the summary of a dedupe to stderr. */
function reportDedupe(r: DedupeFileResult, io: MpiIo): void {
  const shown: InputProblem[] = r.problems.slice(0, MAX_PROBLEMS_SHOWN);
  for (const p of shown) io.err(`line ${p.line}: ${p.severity}: ${p.id ? `Patient/${p.id}: ` : ''}${p.message}\n`);
  if (r.problems.length > shown.length) io.err(`… and ${r.problems.length - shown.length} more input problems\n`);
  const errors = r.problems.filter((p) => p.severity === 'error').length;
  io.err(
    `read ${r.linesRead} lines: ${r.ids.length} Patients, ${errors} skipped, ${r.problems.length - errors} flagged; ` +
      `${r.candidatePairs} candidate pairs, ${r.decisions.link} linked, ${r.clusters} persons ` +
      `(read ${r.seconds.read.toFixed(1)} s, match ${r.seconds.match.toFixed(1)} s)\n`,
  );
  if (r.oversizedBlocks.length) io.err(`${r.oversizedBlocks.length} blocks skipped for size (e.g. ${r.oversizedBlocks.slice(0, 3).join(', ')})\n`);
}

const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;

/**
 * `mpi dedupe`: writes `id,person`, one row per accepted input Patient id.
 * @returns the dedupe result (for tests and callers)
 */
export async function runMpiDedupe(opts: { input: string; output: string }, io: MpiIo = defaultIo()): Promise<DedupeFileResult> {
  const bar = progressBar(io.progress ?? false);
  let r: DedupeFileResult;
  try {
    r = await dedupeFile(opts.input, { onProgress: bar.onProgress });
  } finally {
    bar.stop();
  }
  await writeClustersCsv(opts.output, r.ids, r.labels);
  reportDedupe(r, io);
  io.out(`${r.ids.length} Patients → ${r.clusters} persons; ${r.review.length} pairs (${r.reviewRecords} records) for review; wrote ${opts.output}\n`);
  return r;
}

/**
 * `mpi evaluate`: pairwise precision, recall and F1 of the automatic links (after clustering)
 * against a truth CSV with `id,person`, plus what goes to review.
 */
export async function runMpiEvaluate(opts: { input: string; truth: string }, io: MpiIo = defaultIo()) {
  const bar = progressBar(io.progress ?? false);
  let result: Awaited<ReturnType<typeof evaluateFile>>;
  try {
    result = await evaluateFile(opts.input, opts.truth, { onProgress: bar.onProgress });
  } finally {
    bar.stop();
  }
  const { dedupe: r, metrics: m } = result;
  reportDedupe(r, io);
  const n = r.ids.length;
  io.out(
    [
      `records            ${n} (${m.records} in truth${result.unknownIds ? `, ${result.unknownIds} not in truth` : ''})`,
      `true pairs         ${m.truePairs}`,
      `predicted pairs    ${m.predictedPairs} (${m.truePositives} correct)`,
      `precision          ${m.precision.toFixed(4)}`,
      `recall             ${m.recall.toFixed(4)}`,
      `F1                 ${m.f1.toFixed(4)}`,
      `review pairs       ${r.review.length} (${r.review.filter((x) => x.reason === 'id-chain').length} refused by the ID guard)`,
      `review records     ${r.reviewRecords} (${pct(n ? r.reviewRecords / n : 0)} of records)`,
      '',
    ].join('\n'),
  );
  return result;
}

/**
 * `mpi link`: batch linking of every stored Patient (see foundation/mpi/store-link.ts).
 * @returns the figures of the run
 */
export async function runMpiLink(opts: { data?: string; databaseUrl?: string }, io: MpiIo = defaultIo()): Promise<StoreLinkResult> {
  const config = loadConfig(process.env, { dataDir: opts.data, databaseUrl: opts.databaseUrl, logLevel: 'warn' });
  const database = await openConfiguredDatabase(config);
  const bar = progressBar(io.progress ?? false);
  try {
    const r = await linkStore(database.db, { onProgress: bar.onProgress });
    bar.stop();
    io.out(
      `${r.patients} Patients → ${r.persons} persons (${r.newPersons} new); ${r.relinked} links written; ${r.candidatePairs} candidate pairs; ` +
        `${r.reviewPairs} pairs for review; model ${r.modelId} saved ` +
        `(read ${r.seconds.read.toFixed(1)} s, match ${r.seconds.match.toFixed(1)} s, write ${r.seconds.write.toFixed(1)} s)\n`,
    );
    return r;
  } finally {
    bar.stop();
    await database.close();
  }
}

/** Registers `mpi dedupe`, `mpi evaluate` and `mpi link` on the program. */
export function registerMpi(program: Command): void {
  const mpi = program.command('mpi').description('master patient index: batch matching of NDJSON files or of the whole store');
  mpi
    .command('dedupe')
    .description('cluster the Patients of an NDJSON file into persons; writes CSV "id,person"')
    .requiredOption('--input <file>', 'FHIR Patient NDJSON (one resource per line)')
    .requiredOption('--output <file>', 'CSV to write (header id,person)')
    .action(async (opts: { input: string; output: string }) => {
      await runMpiDedupe(opts);
    });
  mpi
    .command('evaluate')
    .description('dedupe an NDJSON file and print pairwise precision, recall and F1 against a truth CSV (id,person)')
    .requiredOption('--input <file>', 'FHIR Patient NDJSON (one resource per line)')
    .requiredOption('--truth <file>', 'CSV with columns id,person')
    .action(async (opts: { input: string; truth: string }) => {
      await runMpiEvaluate(opts);
    });
  mpi
    .command('link')
    .description('link every Patient of the store into persons (batch EM fit; saves the model the real-time matching uses)')
    .option('--data <dir>', 'PGlite data directory (default ./data)')
    .option('--database-url <url>', 'PostgreSQL URL instead of PGlite')
    .action(async (opts: { data?: string; databaseUrl?: string }) => {
      await runMpiLink(opts);
    });
}
