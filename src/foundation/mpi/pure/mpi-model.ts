/**
 * The MPI's Fellegi–Sunter model: u from random pairs, m by EM per blocking rule, λ on the
 * candidates, term frequencies of surnames and given names, FS thresholds, and two business
 * rules on top of the weight (see {@link scorePair}).
 */
import {
  chooseThresholds,
  classify,
  estimateEm,
  levelFrequencies,
  makeTermFrequencyAdjustment,
  scoreVector,
  thresholdsFromProbabilities,
  type ComparisonVector,
  type Decision,
  type EmOptions,
  type ErrorBounds,
  type FsParams,
  type PairScore,
  type TermFrequencyAdjustment,
  type Thresholds,
} from './fellegi-sunter.js';
import { candidatePairs, DEFAULT_BLOCKING_RULES } from './blocking.js';
import type { MatchRecord } from './patient-features.js';
import { mulberry32 } from '../../random.js';
import { compareRecords, givenNameKey, GIVEN_NAME, MPI_COMPARISONS, SURNAME, surnameKey, type RecordComparison } from './record-comparison.js';

/**
 * Cold-start parameters before any fit (hand-set priors of the order seen in population
 * registers; the fit replaces them). Order as {@link MPI_COMPARISONS}.
 */
export const PRIOR_PARAMS: FsParams = {
  lambda: 0.05,
  m: [
    [0.9, 0.04, 0.06],
    [0.88, 0.07, 0.05],
    [0.8, 0.1, 0.05, 0.05],
    [0.88, 0.07, 0.01, 0.04],
    [0.98, 0.02],
    [0.6, 0.05, 0.02, 0.33],
    [0.5, 0.25, 0.15, 0.1],
    [0.9, 0.03, 0.07],
  ],
  u: [
    [0.0001, 0.0005, 0.9994],
    [0.03, 0.005, 0.965],
    [0.002, 0.003, 0.02, 0.975],
    [0.0001, 0.0005, 0.005, 0.9944],
    [0.5, 0.5],
    [0.0001, 0.0002, 0.001, 0.9987],
    [0.02, 0.1, 0.3, 0.58],
    [0.0001, 0.0005, 0.9994],
  ],
};

/** A fitted MPI model: parameters, name term frequencies and thresholds. */
export interface MpiModel {
  params: FsParams;
  tf: TermFrequencyAdjustment[];
  thresholds: Thresholds;
}

/** A training session: pairs blocked by one rule, with the comparisons that rule fixes masked. */
export interface TrainingSession {
  /** Name of a blocking rule in {@link DEFAULT_BLOCKING_RULES}. */
  rule: string;
  /** Comparisons (names) the rule makes agree, so their m cannot be learnt from its pairs. */
  masked: readonly string[];
}

/**
 * Default sessions: every comparison is learnt from at least two rules that do not block on it.
 * The phone session also masks address and surname: a shared phone is mostly a household, whose
 * members share the address and often the surname, so under the random-pair u those fields make
 * household members look like matches (conditional independence fails; the EM put λ ≈ 1 there
 * and learnt m(birth date disagrees) ≈ 0.4 from the household pairs — see docs/mpi.md).
 */
export const DEFAULT_TRAINING: readonly TrainingSession[] = [
  { rule: 'id', masked: ['residentId', 'birthDate', 'sex'] },
  { rule: 'phone', masked: ['phone', 'address', 'surname'] },
  { rule: 'dob+si', masked: ['birthDate', 'surname'] },
  { rule: 'pinyin+sex', masked: ['surname', 'givenName', 'sex'] },
];

/** Options of {@link fitModel}. */
export interface FitOptions {
  em?: EmOptions;
  /**
   * Tolerated false links per record (default 0.001). FS's μ is a rate over all non-matching
   * pairs, about n²/2 of them, so μ = falseLinksPerRecord · n / (n(n−1)/2).
   */
  falseLinksPerRecord?: number;
  /** FS's λ: tolerated share of true matches left unlinked (default 0.01). */
  falseNonMatchRate?: number;
  /** Random pairs drawn to estimate u (default 20 000; all pairs when there are fewer). */
  randomPairs?: number;
  /** Seed of the random-pair sample (the fit is deterministic). */
  seed?: number;
  training?: readonly TrainingSession[];
  /**
   * Comparison of records i and j (default {@link compareRecords}); lets a caller that has already
   * compared the candidate pairs reuse them in the training sessions.
   */
  compare?: (i: number, j: number) => RecordComparison;
  /** Candidate comparisons for λ and the thresholds; default: all pairs from {@link candidatePairs}. */
  candidates?: readonly RecordComparison[];
  /** Floor of every m level after EM (default 0.005). */
  minM?: number;
  /**
   * How thresholds are set: 'probability' (default) — P(match | γ) ≥ linkProbability links,
   * ≥ reviewProbability reviews; 'fs' — FS 1969 optimal rule from the error bounds below.
   */
  thresholdMethod?: 'probability' | 'fs';
  /** Default 0.999. */
  linkProbability?: number;
  /** Default 0.5. */
  reviewProbability?: number;
  /** Floor of a surname's frequency (default 1/1000). */
  minSurnameFrequency?: number;
  /** Floor of a given name's frequency (default 1/2000). */
  minGivenNameFrequency?: number;
}

/** What the fit did, for logs and docs. */
export interface FitReport {
  sessions: Array<{ rule: string; pairs: number; lambda: number; iterations: number }>;
  randomPairs: number;
  candidates: number;
}

/**
 * Draw distinct record pairs uniformly (all pairs when n(n−1)/2 ≤ count).
 * @param n number of records
 * @param count pairs wanted
 * @param seed PRNG seed
 */
export function sampleRandomPairs(n: number, count: number, seed = 1): Array<[number, number]> {
  const total = (n * (n - 1)) / 2;
  const out: Array<[number, number]> = [];
  if (total <= count) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out.push([i, j]);
    return out;
  }
  const rnd = mulberry32(seed);
  const seen = new Set<number>();
  while (out.length < count) {
    let i = Math.floor(rnd() * n);
    let j = Math.floor(rnd() * n);
    if (i === j) continue;
    if (i > j) [i, j] = [j, i];
    if (seen.has(i * n + j)) continue;
    seen.add(i * n + j);
    out.push([i, j]);
  }
  return out;
}

/**
 * Fit the model the way Splink trains (Linacre et al. 2022, Splink; Winkler 1988; Jaro 1989):
 * 1. u: level frequencies over random pairs, which are almost all non-matches;
 * 2. m: EM with u fixed, once per training session — the pairs of one blocking rule with the
 *    comparisons that rule makes agree masked (blocked non-matches agree on those fields, so
 *    they would be pulled into the match class); each comparison's m is the mean over the
 *    sessions that did not mask it (the prior where none did);
 * 3. λ: EM with m and u fixed on all candidate pairs;
 * 4. term frequencies of surnames and given names over all records;
 * 5. thresholds: by posterior probability (default), or by the FS optimal rule (FS 1969,
 *    Theorem 1) — see docs/mpi.md for why the default is the former.
 * @param records all records of the register
 */
export function fitModel(records: readonly MatchRecord[], opts: FitOptions = {}): { model: MpiModel; report: FitReport } {
  const random = sampleRandomPairs(records.length, opts.randomPairs ?? 20_000, opts.seed ?? 1);
  const u = levelFrequencies(random.map(([i, j]) => compareRecords(records[i], records[j]).vector), MPI_COMPARISONS);
  const sums = MPI_COMPARISONS.map((s) => new Array<number>(s.levels.length).fill(0));
  const counts = MPI_COMPARISONS.map(() => 0);
  const report: FitReport = { sessions: [], randomPairs: random.length, candidates: 0 };
  for (const session of opts.training ?? DEFAULT_TRAINING) {
    const rule = DEFAULT_BLOCKING_RULES.find((r) => r.name === session.rule);
    if (!rule) continue;
    const masked = MPI_COMPARISONS.map((c) => session.masked.includes(c.name));
    const compare = opts.compare ?? ((i: number, j: number) => compareRecords(records[i], records[j]));
    const vectors = candidatePairs(records, { rules: [rule] }).pairs.map(([i, j]) =>
      compare(i, j).vector.map((l, k) => (masked[k] ? null : l)),
    );
    if (vectors.length < 20) continue;
    const em = estimateEm(vectors, MPI_COMPARISONS, { init: { lambda: 0.5, m: PRIOR_PARAMS.m, u }, fixU: true, ...opts.em });
    report.sessions.push({ rule: session.rule, pairs: vectors.length, lambda: em.params.lambda, iterations: em.iterations });
    em.params.m.forEach((row, k) => {
      if (masked[k]) return;
      row.forEach((x, l) => (sums[k][l] += x));
      counts[k]++;
    });
  }
  const floor = opts.minM ?? 0.005;
  // Floor m: EM on clean training pairs drives rare disagreements to ~0 (overconfident vetoes).
  const m = sums.map((row, k) => {
    const mean = counts[k] ? row.map((x) => x / counts[k]) : PRIOR_PARAMS.m[k];
    const floored = mean.map((x) => Math.max(x, floor));
    const t = floored.reduce((a, b) => a + b, 0);
    return floored.map((x) => x / t);
  });
  const candidates = opts.candidates ?? candidatePairs(records).pairs.map(([i, j]) => compareRecords(records[i], records[j]));
  report.candidates = candidates.length;
  const vectors: ComparisonVector[] = candidates.map((c) => c.vector);
  const lambda = vectors.length ? estimateEm(vectors, MPI_COMPARISONS, { init: { lambda: 0.5, m, u }, fixU: true, fixM: true }).params.lambda : 0.5;
  const params: FsParams = { lambda, m, u };
  const tf: TermFrequencyAdjustment[] = [
    makeTermFrequencyAdjustment(SURNAME, [0], records.map(surnameKey), opts.minSurnameFrequency ?? 0.001),
    makeTermFrequencyAdjustment(GIVEN_NAME, [0], records.map(givenNameKey), opts.minGivenNameFrequency ?? 0.0005),
  ];
  const n = Math.max(2, records.length);
  const bounds: ErrorBounds = {
    falseMatchRate: ((opts.falseLinksPerRecord ?? 0.001) * n) / ((n * (n - 1)) / 2),
    falseNonMatchRate: opts.falseNonMatchRate ?? 0.01,
  };
  const thresholds =
    opts.thresholdMethod === 'fs'
      ? chooseThresholds(params, bounds)
      : thresholdsFromProbabilities(lambda, opts.linkProbability ?? 0.999, opts.reviewProbability ?? 0.5);
  return { model: { params, tf, thresholds }, report };
}

const agrees = (l: number | null | undefined): boolean => l === 0 || l === 1;

/**
 * Minimum evidence for an automatic link: no conflicting given name or birth date unless the
 * resident IDs agree; then agreement (exact or close) on an identifier (resident ID, insurance
 * number, phone), or on the whole name (surname and given name) plus the birth date or the
 * address. A pair that fails goes to review however high its weight.
 */
export function hasLinkEvidence(v: ComparisonVector): boolean {
  const [id, surname, given, dob, , phone, address, insurance] = v;
  // A wholly different given name or birth date is a conflict only an agreeing ID overrides
  // (twins share household phone, address, surname and birth date).
  const DISAGREE = (k: number) => MPI_COMPARISONS[k].levels.length - 1;
  if (!agrees(id) && (given === DISAGREE(2) || dob === DISAGREE(3))) return false;
  if (agrees(id) || agrees(insurance) || agrees(phone)) return true;
  const name = agrees(given) && (surname === null || agrees(surname));
  return name && (agrees(dob) || agrees(address));
}

/**
 * A wholly different given name (not the same, sound-alike or one character off) with no agreeing
 * resident ID or insurance number. Such pairs are household members — twins share surname, birth
 * date, phone and address, which is why their FS weight can be high (conditional independence
 * fails) — not one person, so they are not sent to review either.
 */
export function givenNameConflict(v: ComparisonVector): boolean {
  const [id, , given, , , , , insurance] = v;
  return given === MPI_COMPARISONS[2].levels.length - 1 && !agrees(id) && !agrees(insurance);
}

/**
 * Score and classify one compared pair under a model. On top of the FS weight:
 * - two valid, different resident IDs are two people (GB 11643 numbers are unique and a single
 *   keying error cannot give another valid number): 'non-link', left to a human merge;
 * - so is a {@link givenNameConflict} (twins and other household members);
 * - an auto-link needs {@link hasLinkEvidence}, otherwise the pair goes to review.
 */
export function scorePair(c: RecordComparison, model: MpiModel): PairScore & { decision: Decision } {
  const s = scoreVector(c.vector, model.params, model.tf, c.tfValues);
  let decision = classify(s.weight, model.thresholds);
  if (c.idConflict || givenNameConflict(c.vector)) decision = 'non-link';
  else if (decision === 'link' && !hasLinkEvidence(c.vector)) decision = 'review';
  return { ...s, decision };
}
