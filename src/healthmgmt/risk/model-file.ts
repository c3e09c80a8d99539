/**
 * The trained model as a file (`healthy-brain risk train --out model.json`) and as stored in the
 * risk_model table: coefficients, the data it was trained on, and its held-out quality. Pure.
 */
import type { Calibration, LogisticModel, ReliabilityRow } from './models/index.js';
import { FEATURE_NAMES } from './features.js';

export const BP_MODEL_TARGET = 'bp-uncontrolled-next-visit-12m';

/** Probability cut-offs of the strata (local policy, see docs/risk-models.md). */
export interface Strata {
  /** p ≥ this is medium. */
  readonly mediumFrom: number;
  /** p ≥ this is high and gets a Task. */
  readonly highFrom: number;
}

export const DEFAULT_STRATA: Strata = Object.freeze({ mediumFrom: 0.2, highFrom: 0.5 });

export interface ModelQuality {
  readonly auc: number;
  readonly brier: number;
  readonly calibration: Calibration;
  readonly reliability: readonly ReliabilityRow[];
}

export interface TrainedModelFile {
  readonly format: 'healthy-brain/risk-model';
  readonly formatVersion: 1;
  /** `bp-lr-` + first 12 hex digits of the SHA-256 of the coefficients: the model version. */
  readonly id: string;
  readonly target: typeof BP_MODEL_TARGET;
  readonly method: 'l2-logistic-regression';
  readonly seed: number;
  readonly orgUnit: string;
  /** Feature dates (snapshots); labels look 365 days past each. */
  readonly asOfDates: readonly string[];
  readonly horizonDays: number;
  readonly testShare: number;
  readonly l2: number;
  readonly model: LogisticModel;
  readonly strata: Strata;
  readonly data: {
    readonly residents: number;
    readonly trainRows: number;
    readonly testRows: number;
    readonly trainEvents: number;
    readonly testEvents: number;
    readonly synthetic: string;
  };
  /** Held-out (test-set) quality. */
  readonly test: ModelQuality;
  /** Apparent (training-set) AUC, to show optimism. */
  readonly trainAuc: number;
}

/** Checks the shape of a parsed model file; throws an Error naming the first bad field. */
export function parseModelFile(value: unknown, where = 'model'): TrainedModelFile {
  const m = value as Partial<TrainedModelFile> | null;
  if (!m || typeof m !== 'object' || m.format !== 'healthy-brain/risk-model') throw new Error(`${where}: format must be "healthy-brain/risk-model"`);
  if (m.formatVersion !== 1) throw new Error(`${where}: formatVersion must be 1`);
  if (m.target !== BP_MODEL_TARGET) throw new Error(`${where}: target must be ${BP_MODEL_TARGET}`);
  const model = m.model as Partial<LogisticModel> | undefined;
  const p = FEATURE_NAMES.length;
  if (!model || !Array.isArray(model.featureNames) || model.featureNames.join(',') !== FEATURE_NAMES.join(',')) {
    throw new Error(`${where}: model.featureNames must be ${FEATURE_NAMES.join(',')}`);
  }
  for (const key of ['coefficients', 'means', 'sds'] as const) {
    const arr = model[key];
    if (!Array.isArray(arr) || arr.length !== p || !arr.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new Error(`${where}: model.${key} must be ${p} finite numbers`);
  }
  if (typeof model.intercept !== 'number' || !Number.isFinite(model.intercept)) throw new Error(`${where}: model.intercept must be a finite number`);
  const s = m.strata;
  if (!s || !(s.mediumFrom >= 0 && s.mediumFrom <= s.highFrom && s.highFrom <= 1)) throw new Error(`${where}: strata must satisfy 0 ≤ mediumFrom ≤ highFrom ≤ 1`);
  if (typeof m.id !== 'string' || !/^[A-Za-z0-9.-]{1,40}$/.test(m.id)) throw new Error(`${where}: id must be a short id`);
  return m as TrainedModelFile;
}

/** Stratum of a probability: low / moderate / high (HL7 risk-probability codes). */
export function stratumOf(p: number, strata: Strata): 'low' | 'moderate' | 'high' {
  if (p >= strata.highFrom) return 'high';
  if (p >= strata.mediumFrom) return 'moderate';
  return 'low';
}
