/**
 * Batch deduplication of a register, without I/O: block → compare → fit the model on the data
 * itself (EM) → decide link / review / non-link → cluster the links (union–find with the
 * one-valid-ID-per-cluster guard of clustering.ts). The file reader and the CLI sit outside pure/.
 */
import { candidatePairs } from './blocking.js';
import { clusterLinks, type WeightedLink } from './clustering.js';
import type { Decision } from './fellegi-sunter.js';
import { thresholdsFromProbabilities } from './fellegi-sunter.js';
import { fitModel, PRIOR_PARAMS, scorePair, type FitOptions, type FitReport, type MpiModel } from './mpi-model.js';
import type { MatchRecord } from './patient-features.js';
import { compareRecords, type RecordComparison } from './record-comparison.js';

/** Phases reported to the progress callback, in order. */
export type DedupePhase = 'block' | 'compare' | 'fit' | 'score' | 'cluster';

/** Progress callback: phase, items done, items in the phase. */
export type DedupeProgress = (phase: DedupePhase, done: number, total: number) => void;

/** Options of {@link dedupeRecords}. */
export interface DedupeOptions {
  /** Options of the fit (thresholds, random pairs, seed …). */
  fit?: FitOptions;
  /** Use this model instead of fitting one on the records. */
  model?: MpiModel;
  /** Blocks larger than this are skipped (default 1000). */
  maxBlockSize?: number;
  onProgress?: DedupeProgress;
  /** Below this many records the prior model is used instead of a fit (default {@link MIN_RECORDS_TO_FIT}). */
  minRecordsToFit?: number;
  /** Pairs that must end in one cluster (links confirmed by a person), applied before every scored link. */
  fixedLinks?: ReadonlyArray<readonly [number, number]>;
  /** Pairs a person rejected: never linked directly nor sent to review again. */
  cannotLink?: (a: number, b: number) => boolean;
}

/**
 * Fewest records to fit a model on: 200 records give ~20 000 random pairs for u; below that u
 * is mostly pseudo-count and no training session reaches the 20 pairs EM needs.
 */
export const MIN_RECORDS_TO_FIT = 200;

/** A pair left for a human: positions, weight and why. */
export interface ReviewPair {
  a: number;
  b: number;
  weight: number;
  /** 'weight': between the thresholds or without link evidence; 'id-chain': a link refused by the ID guard. */
  reason: 'weight' | 'id-chain';
}

/** Result of {@link dedupeRecords}. */
export interface DedupeResult {
  /** Cluster number per record (position in the input). */
  cluster: Int32Array;
  clusters: number;
  model: MpiModel;
  fit?: FitReport;
  candidatePairs: number;
  /** Keys of blocks skipped for size. */
  oversizedBlocks: string[];
  decisions: Record<Decision, number>;
  /** Pairs still open after clustering (their records ended in different clusters). */
  review: ReviewPair[];
  /** Records in at least one open review pair. */
  reviewRecords: number;
}

/**
 * Deduplicate a register.
 * @param records matching records (position = record number; ids need not be unique)
 * @param opts model or fit options, block-size cap, progress callback
 */
export function dedupeRecords(records: readonly MatchRecord[], opts: DedupeOptions = {}): DedupeResult {
  const progress = opts.onProgress ?? (() => {});
  progress('block', 0, 1);
  const blocked = candidatePairs(records, { maxBlockSize: opts.maxBlockSize });
  progress('block', 1, 1);
  const pairs = blocked.pairs;
  const comparisons: RecordComparison[] = new Array(pairs.length);
  const step = Math.max(1, Math.floor(pairs.length / 100));
  for (let p = 0; p < pairs.length; p++) {
    comparisons[p] = compareRecords(records[pairs[p][0]], records[pairs[p][1]]);
    if (p % step === 0) progress('compare', p, pairs.length);
  }
  progress('compare', pairs.length, pairs.length);
  let model = opts.model;
  let fit: FitReport | undefined;
  if (!model && records.length < (opts.minRecordsToFit ?? MIN_RECORDS_TO_FIT)) {
    // Too few records to estimate u from random pairs or m by EM: the cold-start priors.
    model = { params: PRIOR_PARAMS, tf: [], thresholds: thresholdsFromProbabilities(PRIOR_PARAMS.lambda, 0.999, 0.5) };
  }
  if (!model) {
    progress('fit', 0, 1);
    // Training sessions block with one rule each: their pairs are candidate pairs already compared.
    const n = records.length;
    const position = new Map<number, number>();
    for (let p = 0; p < pairs.length; p++) position.set(pairs[p][0] * n + pairs[p][1], p);
    const compare = (i: number, j: number): RecordComparison => {
      const p = position.get(i * n + j);
      return p === undefined ? compareRecords(records[i], records[j]) : comparisons[p];
    };
    const fitted = fitModel(records, { ...opts.fit, candidates: comparisons, compare });
    model = fitted.model;
    fit = fitted.report;
    progress('fit', 1, 1);
  }
  const decisions: Record<Decision, number> = { link: 0, review: 0, 'non-link': 0 };
  const links: WeightedLink[] = [];
  const reviewCandidates: ReviewPair[] = [];
  for (let p = 0; p < pairs.length; p++) {
    const s = scorePair(comparisons[p], model);
    decisions[s.decision]++;
    const [a, b] = pairs[p];
    if (s.decision !== 'non-link' && opts.cannotLink?.(a, b)) continue;
    if (s.decision === 'link') links.push({ a, b, weight: s.weight });
    else if (s.decision === 'review') reviewCandidates.push({ a, b, weight: s.weight, reason: 'weight' });
    if (p % step === 0) progress('score', p, pairs.length);
  }
  progress('score', pairs.length, pairs.length);
  progress('cluster', 0, 1);
  for (const [a, b] of opts.fixedLinks ?? []) links.push({ a: Math.min(a, b), b: Math.max(a, b), weight: Number.MAX_VALUE });
  const { cluster, clusters, refused } = clusterLinks(records.length, links, (i) => records[i].residentId);
  for (const r of refused) reviewCandidates.push({ ...r, reason: 'id-chain' });
  // A review pair whose records were linked through other pairs needs no human.
  const review = reviewCandidates.filter((r) => cluster[r.a] !== cluster[r.b]);
  const inReview = new Set<number>();
  for (const r of review) {
    inReview.add(r.a);
    inReview.add(r.b);
  }
  progress('cluster', 1, 1);
  return {
    cluster,
    clusters,
    model,
    fit,
    candidatePairs: pairs.length,
    oversizedBlocks: blocked.oversized,
    decisions,
    review,
    reviewRecords: inReview.size,
  };
}
