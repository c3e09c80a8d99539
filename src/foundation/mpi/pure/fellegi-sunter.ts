/**
 * The Fellegi–Sunter model of record linkage (Fellegi & Sunter 1969, JASA 64:1183–1210).
 *
 * A record pair is summarised by its comparison vector γ (one agreement level per field).
 * m_k(l) = P(γ_k = l | match), u_k(l) = P(γ_k = l | non-match); under conditional independence
 * the match weight is Σ_k log2(m_k/u_k) and pairs are linked above an upper threshold, sent to
 * review between the thresholds, and left unlinked below. m, u and the match prevalence λ are
 * estimated from unlabelled pairs by EM (Winkler 1988, Proc. ASA SRM 667–671; Jaro 1989, JASA
 * 84:414–420). Missing values carry no evidence and are skipped (missing at random).
 */

/** One comparison: a name and its levels, strongest agreement first ('missing' not listed). */
export interface ComparisonSpec {
  name: string;
  levels: readonly string[];
}

/** A pair's comparison vector: per comparison, an index into its levels, or null when missing. */
export type ComparisonVector = readonly (number | null)[];

/** Model parameters: prevalence λ = P(match) among the pairs, and per comparison m and u by level. */
export interface FsParams {
  lambda: number;
  m: number[][];
  u: number[][];
}

/** Options of {@link estimateEm}. */
export interface EmOptions {
  /** Starting parameters; default: m decreasing from 0.9 at the top level, u from level frequencies. */
  init?: FsParams;
  maxIterations?: number;
  /** Stop when no parameter moves more than this. */
  tolerance?: number;
  /** Keep u at its initial value (u estimated from random pairs, as Splink does). */
  fixU?: boolean;
  /** Keep m at its initial value (then EM estimates λ only). */
  fixM?: boolean;
  /** Dirichlet pseudo-count added to every level of m and u, so no weight is infinite. */
  pseudoCount?: number;
}

/** Result of EM. */
export interface EmResult {
  params: FsParams;
  iterations: number;
  converged: boolean;
  logLikelihood: number;
}

interface Pattern {
  v: (number | null)[];
  count: number;
}

function aggregate(vectors: readonly ComparisonVector[]): Pattern[] {
  const map = new Map<string, Pattern>();
  for (const v of vectors) {
    const key = v.join(',');
    const p = map.get(key);
    if (p) p.count++;
    else map.set(key, { v: [...v], count: 1 });
  }
  return [...map.values()];
}

/**
 * Level frequencies of each comparison over the given pairs — an estimate of u when the pairs
 * are (almost all) non-matches, e.g. random pairs (Splink's estimate_u_using_random_sampling).
 * @param pseudoCount added to every level count
 */
export function levelFrequencies(vectors: readonly ComparisonVector[], specs: readonly ComparisonSpec[], pseudoCount = 0.5): number[][] {
  const counts = specs.map((s) => new Array<number>(s.levels.length).fill(pseudoCount));
  for (const v of vectors) v.forEach((l, k) => {
    if (l !== null) counts[k][l]++;
  });
  return counts.map((c) => normalise(c));
}

function normalise(xs: number[]): number[] {
  const s = xs.reduce((a, b) => a + b, 0);
  return xs.map((x) => (s > 0 ? x / s : 1 / xs.length));
}

/** Default starting point: m geometric from 0.9 at the top level, u from the observed frequencies. */
export function defaultInit(vectors: readonly ComparisonVector[], specs: readonly ComparisonSpec[]): FsParams {
  const m = specs.map((s) => normalise(s.levels.map((_, l) => (l === s.levels.length - 1 ? 0.05 : 0.9 * 0.1 ** l))));
  return { lambda: 0.1, m, u: levelFrequencies(vectors, specs) };
}

/**
 * Estimate λ, m and u by EM over unlabelled comparison vectors (two latent classes,
 * conditional independence; Winkler 1988, Jaro 1989). Identical vectors are aggregated first,
 * so the cost per iteration is proportional to the number of distinct patterns.
 * @param vectors comparison vectors of candidate pairs
 * @param specs the comparisons, in vector order
 */
export function estimateEm(vectors: readonly ComparisonVector[], specs: readonly ComparisonSpec[], opts: EmOptions = {}): EmResult {
  const patterns = aggregate(vectors);
  const alpha = opts.pseudoCount ?? 0.5;
  const maxIt = opts.maxIterations ?? 500;
  const tol = opts.tolerance ?? 1e-7;
  const init = opts.init ?? defaultInit(vectors, specs);
  let p: FsParams = { lambda: init.lambda, m: init.m.map((r) => [...r]), u: init.u.map((r) => [...r]) };
  let it = 0;
  let converged = false;
  const g = new Float64Array(patterns.length);
  for (; it < maxIt && !converged; it++) {
    // E-step: g = P(match | γ) = λ·m(γ) / (λ·m(γ) + (1−λ)·u(γ))
    patterns.forEach((pt, i) => {
      const { pm, pu } = likelihoods(pt.v, p);
      g[i] = pm / (pm + pu);
    });
    // M-step: weighted level counts (Jaro 1989, eq. 3–5), with a Dirichlet prior of alpha
    const mc = specs.map((s) => new Array<number>(s.levels.length).fill(alpha));
    const uc = specs.map((s) => new Array<number>(s.levels.length).fill(alpha));
    let matched = 0;
    let total = 0;
    patterns.forEach((pt, i) => {
      matched += pt.count * g[i];
      total += pt.count;
      pt.v.forEach((l, k) => {
        if (l === null) return;
        mc[k][l] += pt.count * g[i];
        uc[k][l] += pt.count * (1 - g[i]);
      });
    });
    const next: FsParams = {
      lambda: Math.min(1 - 1e-9, Math.max(1e-9, matched / total)),
      m: opts.fixM ? p.m : mc.map(normalise),
      u: opts.fixU ? p.u : uc.map(normalise),
    };
    converged = maxDelta(p, next) < tol;
    p = next;
  }
  if (!opts.fixM && !opts.fixU) p = orient(p);
  let ll = 0;
  for (const pt of patterns) {
    const { pm, pu } = likelihoods(pt.v, p);
    ll += pt.count * Math.log(pm + pu);
  }
  return { params: p, iterations: it, converged, logLikelihood: ll };
}

function likelihoods(v: readonly (number | null)[], p: FsParams): { pm: number; pu: number } {
  let pm = p.lambda;
  let pu = 1 - p.lambda;
  v.forEach((l, k) => {
    if (l === null) return;
    pm *= p.m[k][l];
    pu *= p.u[k][l];
  });
  return { pm, pu };
}

function maxDelta(a: FsParams, b: FsParams): number {
  let d = Math.abs(a.lambda - b.lambda);
  for (let k = 0; k < a.m.length; k++) {
    for (let l = 0; l < a.m[k].length; l++) {
      d = Math.max(d, Math.abs(a.m[k][l] - b.m[k][l]), Math.abs(a.u[k][l] - b.u[k][l]));
    }
  }
  return d;
}

/** Guard against label switching: the match class is the one that agrees more at the top levels. */
function orient(p: FsParams): FsParams {
  let mTop = 0;
  let uTop = 0;
  for (let k = 0; k < p.m.length; k++) {
    mTop += p.m[k][0];
    uTop += p.u[k][0];
  }
  return mTop >= uTop ? p : { lambda: 1 - p.lambda, m: p.u, u: p.m };
}

/**
 * Term-frequency adjustment for one comparison (Winkler 1989 "Frequency-based matching in
 * Fellegi–Sunter model"; Splink's tf adjustment). Two random records agree on value v with
 * probability f(v)², on any value with Σ f(w)²; given agreement, a true pair holds v with
 * probability f(v). Agreement on v is thus Σf²/f(v) times as likely under U as the average
 * agreement, and the weight becomes log2(m/u) + log2(Σ f² / f(v)): less for 王 and 李, more for
 * 欧阳. Relative to u, so it stays right when u was estimated after blocking.
 */
export interface TermFrequencyAdjustment {
  /** Index of the comparison in the vector. */
  comparison: number;
  /** Levels (indices) that are adjusted; usually only the exact level 0. */
  levels: readonly number[];
  frequencies: ReadonlyMap<string, number>;
  /** Floor of f(v), so a singleton value cannot give an unbounded weight. */
  minFrequency: number;
  /** Σ f(v)² ({@link agreementProbability}), computed once. */
  baseline: number;
}

/**
 * Build a term-frequency adjustment from the field's values over all records.
 * @param comparison index of the comparison in the vector
 * @param levels adjusted levels (usually [0], exact agreement)
 * @param values one value per record (missing ignored)
 * @param minFrequency floor of f(v)
 */
export function makeTermFrequencyAdjustment(
  comparison: number,
  levels: readonly number[],
  values: Iterable<string | undefined | null>,
  minFrequency: number,
): TermFrequencyAdjustment {
  const frequencies = termFrequencies(values);
  return { comparison, levels, frequencies, minFrequency, baseline: agreementProbability(frequencies) };
}

/** Σ f(v)²: the probability that two random records agree on the field (Winkler 1989). */
export function agreementProbability(frequencies: ReadonlyMap<string, number>): number {
  let s = 0;
  for (const f of frequencies.values()) s += f * f;
  return s;
}

/**
 * Share of records holding each value (missing values ignored).
 * @param values one value per record
 */
export function termFrequencies(values: Iterable<string | undefined | null>): Map<string, number> {
  const counts = new Map<string, number>();
  let n = 0;
  for (const v of values) {
    if (v === undefined || v === null || v === '') continue;
    counts.set(v, (counts.get(v) ?? 0) + 1);
    n++;
  }
  const out = new Map<string, number>();
  for (const [k, c] of counts) out.set(k, c / n);
  return out;
}

/** A pair's weight, its parts and its posterior match probability. */
export interface PairScore {
  /** Σ_k log2(m_k/u_k) over non-missing comparisons (bits). */
  weight: number;
  /** Per comparison contribution (0 when missing). */
  partials: number[];
  /** P(match | γ) with prior λ: 1 / (1 + 2^−(w + log2(λ/(1−λ)))). */
  probability: number;
}

/**
 * Score one comparison vector.
 * @param v the comparison vector
 * @param p model parameters
 * @param tf optional term-frequency adjustments
 * @param tfValues per comparison, the value the pair agrees on (read only where tf applies)
 */
export function scoreVector(
  v: ComparisonVector,
  p: FsParams,
  tf: readonly TermFrequencyAdjustment[] = [],
  tfValues: readonly (string | undefined)[] = [],
): PairScore {
  const partials = v.map((l, k) => (l === null ? 0 : Math.log2(p.m[k][l] / p.u[k][l]))); // FS 1969: log2(m/u)
  for (const adj of tf) {
    const l = v[adj.comparison];
    const value = tfValues[adj.comparison];
    if (l === null || value === undefined || !adj.levels.includes(l)) continue;
    const f = Math.max(adj.minFrequency, adj.frequencies.get(value) ?? adj.minFrequency);
    partials[adj.comparison] += Math.log2(Math.max(adj.minFrequency, adj.baseline) / f); // Winkler 1989: u(v)/u = f(v)/Σf²
  }
  const weight = partials.reduce((a, b) => a + b, 0);
  return { weight, partials, probability: probabilityFromWeight(weight, p.lambda) };
}

/**
 * Posterior match probability from a weight in bits and the prior λ (Bayes' rule in log-odds).
 */
export function probabilityFromWeight(weight: number, lambda: number): number {
  const logOdds = weight + Math.log2(lambda / (1 - lambda));
  return 1 / (1 + 2 ** -logOdds);
}

/** The two decision thresholds of Fellegi–Sunter, in bits. */
export interface Thresholds {
  /** Weight at or above which a pair is linked automatically. */
  autoLink: number;
  /** Weight at or above which (and below autoLink) a pair goes to human review. */
  review: number;
}

/** Decision for a pair. */
export type Decision = 'link' | 'review' | 'non-link';

/** Apply the thresholds to a weight. */
export function classify(weight: number, t: Thresholds): Decision {
  return weight >= t.autoLink ? 'link' : weight >= t.review ? 'review' : 'non-link';
}

/** Target error rates for {@link chooseThresholds}. */
export interface ErrorBounds {
  /** μ: tolerated P(link | non-match). */
  falseMatchRate: number;
  /** λ: tolerated P(non-link | match). */
  falseNonMatchRate: number;
}

/**
 * Fellegi–Sunter optimal thresholds (FS 1969, Theorem 1). Every complete pattern γ (one level
 * per comparison; the product space, missing values being skipped at scoring) is ordered by
 * m(γ)/u(γ); the top patterns are linked while their total u-mass stays ≤ μ, the bottom ones
 * are left unlinked while their total m-mass stays ≤ λ, and the rest goes to review.
 * @throws RangeError when the pattern space exceeds 2 000 000 patterns
 */
export function chooseThresholds(p: FsParams, bounds: ErrorBounds): Thresholds {
  const sizes = p.m.map((row) => row.length);
  const total = sizes.reduce((a, b) => a * b, 1);
  if (total > 2_000_000) throw new RangeError(`pattern space too large: ${total}`);
  const w = new Float64Array(total);
  const pm = new Float64Array(total);
  const pu = new Float64Array(total);
  const digits = new Array<number>(sizes.length).fill(0);
  for (let n = 0; n < total; n++) {
    let lm = 1;
    let lu = 1;
    for (let k = 0; k < sizes.length; k++) {
      lm *= p.m[k][digits[k]];
      lu *= p.u[k][digits[k]];
    }
    pm[n] = lm;
    pu[n] = lu;
    w[n] = Math.log2(lm / lu); // FS 1969: ordering by the likelihood ratio m(γ)/u(γ)
    for (let k = 0; k < sizes.length && ++digits[k] === sizes[k]; k++) digits[k] = 0;
  }
  const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => w[b] - w[a]);
  let autoLink = Infinity;
  let cu = 0;
  for (const i of order) {
    cu += pu[i];
    if (cu > bounds.falseMatchRate) break;
    autoLink = w[i];
  }
  let lastUnlinked = -Infinity;
  let cm = 0;
  for (let n = order.length - 1; n >= 0; n--) {
    const i = order[n];
    cm += pm[i];
    if (cm > bounds.falseNonMatchRate || w[i] >= autoLink) break;
    lastUnlinked = w[i];
  }
  // The review band starts at the first pattern above the last one left unlinked.
  let review = autoLink;
  for (const i of order) if (w[i] > lastUnlinked && w[i] < review) review = w[i];
  return { autoLink, review: lastUnlinked === -Infinity ? -Infinity : review };
}

/**
 * Thresholds from posterior match probabilities: the weight at which P(match | γ) reaches
 * `link` and `review` given the prior λ (inverse of {@link probabilityFromWeight}). Used when the
 * FS error estimates are not trusted (conditional independence fails for household fields).
 */
export function thresholdsFromProbabilities(lambda: number, link: number, review: number): Thresholds {
  const w = (p: number) => Math.log2(p / (1 - p)) - Math.log2(lambda / (1 - lambda)); // log-odds minus prior log-odds
  return { autoLink: w(link), review: w(review) };
}
