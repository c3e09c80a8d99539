/**
 * A fitted MPI model as JSON (persisted by the batch fit, reloaded by the real-time service), and
 * the documented default model used before any fit.
 */
import { thresholdsFromProbabilities, type TermFrequencyAdjustment } from './fellegi-sunter.js';
import { PRIOR_PARAMS, type MpiModel } from './mpi-model.js';

/** JSON form of {@link MpiModel}: maps as entry lists, infinite thresholds as strings. */
export interface MpiModelJson {
  params: MpiModel['params'];
  tf: Array<Omit<TermFrequencyAdjustment, 'frequencies'> & { frequencies: Array<[string, number]> }>;
  thresholds: { autoLink: number | string; review: number | string };
}

const num = (x: number): number | string => (Number.isFinite(x) ? x : String(x));
const back = (x: number | string): number => (typeof x === 'number' ? x : Number(x));

/** The model as plain JSON-safe data. */
export function modelToJson(model: MpiModel): MpiModelJson {
  return {
    params: model.params,
    tf: model.tf.map((t) => ({ ...t, frequencies: [...t.frequencies] })),
    thresholds: { autoLink: num(model.thresholds.autoLink), review: num(model.thresholds.review) },
  };
}

/**
 * Read a model back from its JSON form.
 * @throws Error when the shape is not a model
 */
export function modelFromJson(json: unknown): MpiModel {
  const j = json as MpiModelJson;
  if (!j || !j.params || !Array.isArray(j.params.m) || !Array.isArray(j.params.u) || !Array.isArray(j.tf) || !j.thresholds) {
    throw new Error('not an MPI model');
  }
  return {
    params: j.params,
    tf: j.tf.map((t) => ({ ...t, frequencies: new Map(t.frequencies) })),
    thresholds: { autoLink: back(j.thresholds.autoLink), review: back(j.thresholds.review) },
  };
}

/**
 * The model used before any fit: the hand-set priors of {@link PRIOR_PARAMS} (λ = 0.05), no
 * term-frequency adjustment, link at P(match | γ) ≥ 0.999 and review at ≥ 0.5 — the same rule as
 * the batch default (docs/mpi.md, "Thresholds"). `healthy-brain mpi link` replaces it with a model
 * fitted by EM on the stored Patients.
 */
export function defaultMpiModel(): MpiModel {
  return { params: PRIOR_PARAMS, tf: [], thresholds: thresholdsFromProbabilities(PRIOR_PARAMS.lambda, 0.999, 0.5) };
}
