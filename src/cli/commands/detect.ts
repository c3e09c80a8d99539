/**
 * `healthy-brain detect`: runs one outbreak detector over a `period,count` CSV and prints
 * `period,observed,threshold,alarm` (issue 5 CLI contract). The detectors are pure; this file does the I/O.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  formatDetectionCsv,
  getDetector,
  isoDay,
  isMethodName,
  METHOD_NAMES,
  parseSeriesCsv,
  SeriesCsvError,
  type DetectorParams,
  type Frequency,
} from '../../publichealth/detectors/index.js';

function number(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${flag} must be a number, got "${value}"`);
    return n;
  };
}

function integer(flag: string) {
  return (value: string): number => {
    const n = number(flag)(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${flag} must be a whole number, got "${value}"`);
    return n;
  };
}

interface DetectCliOptions {
  method: string;
  input: string;
  frequency: string;
  alpha?: number;
  baseline?: number;
  minSigma?: number;
  b?: number;
  w?: number;
  thresholdMethod?: 'delta' | 'nbPlugin' | 'muan';
  k?: number;
  h?: number;
  start?: string;
}

/** Registers `detect` on the program. */
export function registerDetect(program: Command): void {
  program
    .command('detect')
    .description('run an outbreak detector over a period,count CSV and print period,observed,threshold,alarm')
    .requiredOption('--method <method>', `detection method: ${METHOD_NAMES.join('|')}`)
    .requiredOption('--input <file>', 'CSV with header period,count (ISO dates, contiguous periods)')
    .addOption(new Option('--frequency <n>', 'observations per year').choices(['52', '365']).makeOptionMandatory())
    .option('--alpha <x>', 'EARS/Farrington alpha; MPM: 1 - percentile', number('--alpha'))
    .option('--baseline <n>', 'EARS baseline; MPM window length; EWMA/regression baseline B', integer('--baseline'))
    .option('--min-sigma <x>', 'EARS minimum sigma', number('--min-sigma'))
    .option('--b <n>', 'Farrington years back; MPM years', integer('--b'))
    .option('--w <n>', 'Farrington half window; MPM adjacent windows; EWMA/regression guard band', integer('--w'))
    .addOption(new Option('--threshold-method <m>', 'farrington-flexible threshold').choices(['delta', 'nbPlugin', 'muan']))
    .option('--k <x>', 'CUSUM reference value k', number('--k'))
    .option('--h <x>', 'CUSUM decision boundary h; glrnb threshold c.ARL', number('--h'))
    .option('--start <period>', 'first period to evaluate (default: the method\'s first, as in R)')
    .action(function (this: Command, opts: DetectCliOptions) {
      const fail = (message: string): never => this.error(`detect: ${message}`, { exitCode: 2, code: 'healthy-brain.detect' });
      if (!isMethodName(opts.method)) fail(`unknown method "${opts.method}" (expected one of ${METHOD_NAMES.join(', ')})`);
      const frequency = Number(opts.frequency) as Frequency;
      let text: string;
      try {
        text = readFileSync(opts.input, 'utf8');
      } catch (err) {
        return fail(`cannot read ${opts.input}: ${err instanceof Error ? err.message : String(err)}`);
      }
      let parsed;
      try {
        parsed = parseSeriesCsv(text, frequency);
      } catch (err) {
        if (err instanceof SeriesCsvError) return fail(`${opts.input} ${err.message}`);
        throw err;
      }
      let range: DetectorParams['range'];
      if (opts.start !== undefined) {
        const start = parsed.periods.indexOf(opts.start);
        if (start < 0) fail(`--start ${opts.start} is not a period of ${opts.input}`);
        range = { start, end: parsed.periods.length - 1 };
      }
      const params: DetectorParams = {
        alpha: opts.alpha,
        baseline: opts.baseline,
        minSigma: opts.minSigma,
        b: opts.b,
        w: opts.w,
        thresholdMethod: opts.thresholdMethod,
        k: opts.k,
        h: opts.h,
        startWeekday: ((((isoDay(parsed.periods[0]) ?? 0) + 3) % 7) + 7) % 7 + 1,
        range,
      };
      let rows;
      try {
        rows = getDetector(opts.method)(parsed.series, params);
      } catch (err) {
        return fail(`${opts.method}: ${err instanceof Error ? err.message : String(err)}`);
      }
      this.configureOutput().writeOut?.(formatDetectionCsv(rows, parsed.periods));
    });
}
