/**
 * `healthy-brain risk`:
 *  - `risk --model <china-par|pce|cdrs> --input subjects.json` prints one `{risk, category, score?}` per subject;
 *    China-PAR takes `--coefficients paper-example|calculator` (default paper-example, the set that reproduces
 *    Yang 2016's worked examples and Table 2; `calculator` matches the official online calculator);
 *  - `risk train --data DIR|--database-url URL --seed S --out model.json` trains the BP-control model
 *    on the platform's data and reports held-out AUC, calibration and the reliability table;
 *  - `risk run --data DIR|--database-url URL [--model-file model.json] [--as-of DATE]` (alias `risk assess`)
 *    scores every resident, writes RiskAssessments and Tasks for the family-doctor teams, prints a summary;
 *    the server runs the same job daily at HB_RISK_RUN_AT (src/server/app.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import {
  assessResidents,
  CHINA_PAR_COEFFICIENT_SETS,
  CHINA_PAR_DEFAULT_COEFFICIENTS,
  EQUATIONS,
  loadLatestModel,
  parseModelFile,
  saveModel,
  scoreSubjects,
  trainBpModel,
  type ChinaParCoefficientSet,
  type EquationName,
  type TrainedModelFile,
} from '../../healthmgmt/index.js';
import { chinaDate } from '../../foundation/jobs/index.js';
import { createStore, loadConfig, openConfiguredDatabase } from '../../server/index.js';

/** Where the commands write: injectable so tests can capture the output. */
export interface RiskIo {
  out: (text: string) => void;
  err: (text: string) => void;
}
const defaultIo = (): RiskIo => ({ out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });

function isoDate(flag: string) {
  return (v: string): string => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v) throw new InvalidArgumentError(`${flag} must be a date YYYY-MM-DD, got "${v}"`);
    return v;
  };
}
function orgUnit(v: string): string {
  if (!/^\d{6}(\d{3}){0,2}$/.test(v)) throw new InvalidArgumentError(`--org-unit must be an org-unit code of 6, 9 or 12 digits, got "${v}"`);
  return v;
}
function integer(flag: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${flag} must be an integer in ${min}..${max}, got "${v}"`);
    return n;
  };
}

/** `risk --model M --input F`: the equations over a JSON array of subjects. */
export function runEquations(opts: { model?: string; input?: string; coefficients?: string }, io: RiskIo = defaultIo()): void {
  if (!opts.model || !(EQUATIONS as readonly string[]).includes(opts.model)) throw new Error(`--model must be one of ${EQUATIONS.join(', ')}`);
  const coefficients = opts.coefficients ?? CHINA_PAR_DEFAULT_COEFFICIENTS;
  if (!(CHINA_PAR_COEFFICIENT_SETS as readonly string[]).includes(coefficients)) throw new Error(`--coefficients must be one of ${CHINA_PAR_COEFFICIENT_SETS.join(', ')}`);
  if (!opts.input) throw new Error('--input <file> is required (a JSON array of subjects)');
  let text: string;
  try {
    text = readFileSync(opts.input, 'utf8');
  } catch {
    throw new Error(`cannot read --input ${opts.input}`);
  }
  let subjects: unknown;
  try {
    subjects = JSON.parse(text);
  } catch (err) {
    throw new Error(`${opts.input}: not JSON (${(err as Error).message})`);
  }
  io.out(`${JSON.stringify(scoreSubjects(opts.model as EquationName, subjects, { chinaParCoefficients: coefficients as ChinaParCoefficientSet }))}\n`);
}

interface DbFlags {
  data?: string;
  databaseUrl?: string;
}
async function openDb(flags: DbFlags) {
  const config = loadConfig(process.env, { dataDir: flags.data, databaseUrl: flags.databaseUrl });
  return openConfiguredDatabase(config);
}

/** A report of the held-out quality of a model, for people. */
export function formatModelReport(m: TrainedModelFile): string {
  const f = (x: number, d = 3) => x.toFixed(d);
  const lines = [
    `model ${m.id} (${m.method}, target ${m.target})`,
    `snapshots ${m.asOfDates.join(', ')}; label horizon ${m.horizonDays} days; seed ${m.seed}`,
    `residents ${m.data.residents}; train rows ${m.data.trainRows} (${m.data.trainEvents} events); held-out rows ${m.data.testRows} (${m.data.testEvents} events)`,
    `held-out AUC ${f(m.test.auc)} (training ${f(m.trainAuc)}); Brier ${f(m.test.brier)}`,
    `calibration slope ${f(m.test.calibration.slope)}, intercept ${f(m.test.calibration.intercept)}, calibration-in-the-large ${f(m.test.calibration.calibrationInTheLarge)}`,
    'reliability (held-out, equal-size groups by predicted risk):',
    'group      n  mean predicted  observed',
    ...m.test.reliability.map((r) => `${String(r.group).padStart(5)} ${String(r.n).padStart(6)}  ${f(r.meanPredicted).padStart(14)}  ${f(r.observedRate).padStart(8)}`),
    `note: ${m.data.synthetic}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `risk train`: trains, writes the model file, saves it in the database (the server scores with the newest). */
export async function runTrain(opts: DbFlags & { seed: number; out: string; asOf?: string; orgUnit?: string; snapshots?: number }, io: RiskIo = defaultIo()): Promise<TrainedModelFile> {
  const database = await openDb(opts);
  try {
    const model = await trainBpModel(database.db, { orgUnit: opts.orgUnit ?? '', seed: opts.seed, asOf: opts.asOf, snapshots: opts.snapshots });
    const json = `${JSON.stringify(model, null, 2)}\n`;
    writeFileSync(opts.out, json);
    await saveModel(database.db, { id: model.id, target: model.target, created: new Date().toISOString() }, json);
    io.out(formatModelReport(model));
    io.err(`wrote ${opts.out}\n`);
    return model;
  } finally {
    await database.close();
  }
}

/** `risk run` (alias `risk assess`): scores every resident and writes RiskAssessments and Tasks; prints the summary as JSON. */
export async function runAssess(opts: DbFlags & { modelFile?: string; asOf?: string; orgUnit?: string }, io: RiskIo = defaultIo()) {
  const database = await openDb(opts);
  const { store, audit } = createStore(database.db);
  try {
    let model: TrainedModelFile | null;
    if (opts.modelFile) {
      let text: string;
      try {
        text = readFileSync(opts.modelFile, 'utf8');
      } catch {
        throw new Error(`cannot read --model-file ${opts.modelFile}`);
      }
      model = parseModelFile(JSON.parse(text), opts.modelFile);
    } else {
      model = await loadLatestModel(database.db);
      if (!model) io.err('no trained model in the database (healthy-brain risk train): scoring with the equations and guideline triggers only\n');
    }
    const asOf = opts.asOf ?? chinaDate(new Date()); // today in China Standard Time, as the scheduled run
    const summary = await assessResidents(store, { actor: 'system:risk-run' }, { orgUnit: opts.orgUnit ?? '', asOf, model });
    io.out(`${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } finally {
    await store.settle();
    await audit.close();
    await database.close();
  }
}

/** Registers `risk` (equations), `risk train` and `risk run` (alias `risk assess`). */
export function registerRisk(program: Command): void {
  const risk = program
    .command('risk')
    .description('health-risk models: score subjects (--model --input), train the learned model, assess residents')
    .option('--model <name>', `equation: ${EQUATIONS.join(' | ')}`)
    .option('--input <file>', 'JSON array of subjects (see docs/risk-models.md)')
    .option('--coefficients <set>', `China-PAR coefficients: ${CHINA_PAR_COEFFICIENT_SETS.join(' | ')} (default ${CHINA_PAR_DEFAULT_COEFFICIENTS})`)
    .action((opts: { model?: string; input?: string; coefficients?: string }) => runEquations(opts));
  const db = (c: Command) =>
    c.option('--data <dir>', 'PGlite data directory (HB_DATA_DIR, default ./data)').option('--database-url <url>', 'PostgreSQL URL instead of PGlite');
  db(risk.command('train').description('train the BP-control model (logistic regression) on the platform data; report held-out AUC and calibration'))
    .option('--seed <s>', 'seed of the held-out split', integer('--seed', 0, 0xffffffff), 1)
    .requiredOption('--out <file>', 'model JSON to write')
    .option('--as-of <date>', 'last feature snapshot (default: latest BP reading minus 365 days)', isoDate('--as-of'))
    .option('--org-unit <code>', 'train on the residents of this org unit (default: all)', orgUnit)
    .option('--snapshots <n>', 'quarterly snapshots ending at --as-of', integer('--snapshots', 1, 12), 4)
    .action(async (opts: DbFlags & { seed: number; out: string; asOf?: string; orgUnit?: string; snapshots: number }) => {
      await runTrain(opts);
    });
  db(risk.command('run').alias('assess').description('score every resident; write RiskAssessments and Tasks for the family-doctor teams (the server runs it daily at HB_RISK_RUN_AT)'))
    .option('--model-file <file>', 'trained model JSON (default: the newest one saved by risk train)')
    .option('--as-of <date>', 'assessment date (default today in UTC+8)', isoDate('--as-of'))
    .option('--org-unit <code>', 'only this org unit (default: all)', orgUnit)
    .action(async (opts: DbFlags & { modelFile?: string; asOf?: string; orgUnit?: string }) => {
      await runAssess(opts);
    });
}
