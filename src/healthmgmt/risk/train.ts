/**
 * Training of the learned model on platform data: feature rows and labels at a few quarterly
 * snapshots, a held-out split by resident (seeded), L2 logistic regression in-process, and the
 * held-out AUC, calibration and reliability table. Deterministic for the same data and seed.
 */
import { createHash } from 'node:crypto';
import type { Executor } from '../../foundation/db/index.js';
import { auc, brierScore, calibration, predictProbability, reliabilityTable, trainLogisticRegression, type IsoDate } from './models/index.js';
import { buildFeatures, dayOf, FEATURE_NAMES, inTestSet, isoOfDay, uncontrolledAtNextVisit } from './features.js';
import { BP_MODEL_TARGET, DEFAULT_STRATA, type TrainedModelFile } from './model-file.js';
import { latestBpDate, residentHistories } from './repository.js';

export interface TrainOptions {
  orgUnit: string;
  seed: number;
  /** Last snapshot date; default: latest BP reading minus the horizon (so every snapshot can have a label). */
  asOf?: IsoDate;
  /** Number of snapshots, 91 days apart, ending at asOf (default 4). */
  snapshots?: number;
  testShare?: number;
  /** L2 penalty on standardised coefficients (default 1.0). */
  l2?: number;
  horizonDays?: number;
}

export const SYNTHETIC_NOTE =
  'Trained on whatever data the platform holds; on the demo and test databases that is the simulator\'s synthetic district, ' +
  'so the quality figures describe the simulator, not a real population.';

/** Trains the BP-control model on the residents of `orgUnit`; throws when there is too little data. */
export async function trainBpModel(ex: Executor, options: TrainOptions): Promise<TrainedModelFile> {
  const horizonDays = options.horizonDays ?? 365;
  const testShare = options.testShare ?? 0.3;
  const l2 = options.l2 ?? 1;
  let asOf = options.asOf;
  if (!asOf) {
    const last = await latestBpDate(ex, options.orgUnit);
    if (!last) throw new Error(`no blood-pressure readings under org unit ${options.orgUnit}: nothing to train on`);
    asOf = isoOfDay(dayOf(last) - horizonDays);
  }
  const n = options.snapshots ?? 4;
  const asOfDates = Array.from({ length: n }, (_, k) => isoOfDay(dayOf(asOf as IsoDate) - 91 * (n - 1 - k)));
  const train = { x: [] as number[][], y: [] as number[] };
  const test = { x: [] as number[][], y: [] as number[] };
  const residents = new Set<string>();
  for await (const batch of residentHistories(ex, { orgUnit: options.orgUnit, asOf, hypertensionOnly: true })) {
    for (const h of batch) {
      const target = inTestSet(h.residentId, options.seed, testShare) ? test : train;
      for (const date of asOfDates) {
        const row = buildFeatures(h, date);
        const label = row ? uncontrolledAtNextVisit(h, date, horizonDays) : null;
        if (!row || label === null) continue;
        target.x.push(row);
        target.y.push(label);
        residents.add(h.residentId);
      }
    }
  }
  const events = (y: number[]) => y.reduce((s, v) => s + v, 0);
  if (events(train.y) === 0 || events(train.y) === train.y.length) throw new Error(`training set needs both outcomes (rows ${train.y.length}, events ${events(train.y)})`);
  if (events(test.y) === 0 || events(test.y) === test.y.length) throw new Error(`held-out set needs both outcomes (rows ${test.y.length}, events ${events(test.y)}): more residents or a larger --test-share`);
  const model = trainLogisticRegression(train.x, train.y, FEATURE_NAMES, { l2 });
  const pTest = test.x.map((row) => predictProbability(model, row));
  const pTrain = train.x.map((row) => predictProbability(model, row));
  const id = `bp-lr-${createHash('sha256').update(JSON.stringify([model.intercept, model.coefficients, model.means, model.sds])).digest('hex').slice(0, 12)}`;
  return {
    format: 'healthy-brain/risk-model',
    formatVersion: 1,
    id,
    target: BP_MODEL_TARGET,
    method: 'l2-logistic-regression',
    seed: options.seed,
    orgUnit: options.orgUnit,
    asOfDates,
    horizonDays,
    testShare,
    l2,
    model,
    strata: DEFAULT_STRATA,
    data: {
      residents: residents.size,
      trainRows: train.y.length,
      testRows: test.y.length,
      trainEvents: events(train.y),
      testEvents: events(test.y),
      synthetic: SYNTHETIC_NOTE,
    },
    test: { auc: auc(pTest, test.y), brier: brierScore(pTest, test.y), calibration: calibration(pTest, test.y), reliability: reliabilityTable(pTest, test.y, Math.min(10, Math.max(1, Math.floor(test.y.length / 20)))) },
    trainAuc: auc(pTrain, train.y),
  };
}
