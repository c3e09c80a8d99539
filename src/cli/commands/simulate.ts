/**
 * `healthy-brain simulate --residents N --years Y --seed S --out DIR`: writes a synthetic district as
 * FHIR R4 NDJSON (one file per resource type) plus truth/*.csv, with a progress bar on stderr.
 */
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { LOAD_ORDER, writeSimulationToDirectory } from '../../simulate/index.js';

function positiveNumber(flag: string, integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`${flag} must be a positive ${integer ? 'whole ' : ''}number, got "${value}"`);
    }
    return n;
  };
}

interface SimulateCliOptions {
  residents: number;
  years: number;
  seed: number;
  out: string;
  start: string;
  outbreaks?: number;
  progress: boolean;
}

/** Registers `simulate` on the program. */
export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('generate a synthetic district (FHIR R4 NDJSON per resource type + truth/*.csv)')
    .requiredOption('--residents <n>', 'number of residents', positiveNumber('--residents', true))
    .option('--years <y>', 'simulated years (may be fractional)', positiveNumber('--years', false), 2)
    .option('--seed <s>', 'PRNG seed (32-bit integer)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError(`--seed must be an integer in 0..4294967295, got "${v}"`);
      return n;
    }, 1)
    .option('--start <date>', 'first simulated day (YYYY-MM-DD)', (v) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw new InvalidArgumentError(`--start must be YYYY-MM-DD, got "${v}"`);
      return v;
    }, '2024-01-01')
    .option('--outbreaks <n>', 'number of injected outbreaks (default scales with villages × years)', positiveNumber('--outbreaks', true))
    .option('--no-progress', 'do not draw the progress bar')
    .requiredOption('--out <dir>', 'output directory (created if missing)')
    .action(async (opts: SimulateCliOptions) => {
      const bar = opts.progress ? new SingleBar({ format: 'simulate [{bar}] {percentage}% | {value}/{total} residents | {eta_formatted} left', stream: process.stderr }, Presets.shades_classic) : undefined;
      bar?.start(opts.residents, 0);
      const started = Date.now();
      try {
        const summary = await writeSimulationToDirectory(
          { residents: opts.residents, years: opts.years, seed: opts.seed, startDate: opts.start, outbreaks: opts.outbreaks },
          opts.out,
          (done) => bar?.update(done),
        );
        bar?.update(opts.residents);
        bar?.stop();
        const total = Object.values(summary.resources).reduce((s, x) => s + x, 0);
        const seconds = (Date.now() - started) / 1000;
        process.stderr.write(`wrote ${total} resources (${(total / seconds).toFixed(0)}/s) for ${summary.residents} residents to ${opts.out}\n`);
        for (const type of LOAD_ORDER) process.stderr.write(`  ${type}.ndjson ${summary.resources[type] ?? 0}\n`);
      } catch (err) {
        bar?.stop();
        throw err;
      }
    });
}
