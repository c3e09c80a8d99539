/**
 * Prospective space-time permutation scan statistic of Kulldorff M., Heffernan R., Hartman J.,
 * Assunção R., Mostashari F. (2005) "A space-time permutation scan statistic for disease outbreak
 * detection", PLoS Med 2(3):e59. Needs only case counts per area and day (no population at risk):
 * cylinders whose base is a circle around an area's centroid and whose height is the last d days
 * (prospective: every cylinder ends on the last day), expected counts from the area and day margins,
 * Poisson generalised likelihood ratio, Monte Carlo p-value from permutations of the case days.
 * Pure and deterministic for a given seed.
 */
import { mulberry32 } from '../../foundation/random.js';

/** An area (village, town) with planar coordinates (project longitude/latitude first, e.g. to km). */
export interface ScanArea {
  readonly id: string;
  readonly x: number;
  readonly y: number;
}

/** Parameters of {@link spaceTimePermutationScan}. */
export interface ScanOptions {
  /** Maximum share of the areas inside one circle (default 0.5). */
  readonly maxAreaFraction: number;
  /** Maximum temporal length of a cluster in days (default 7). */
  readonly maxDays: number;
  /** Monte Carlo replications (default 999, so p-values are multiples of 1/1000). */
  readonly replications: number;
  /** PRNG seed (default 1). */
  readonly seed: number;
  /** Clusters to report: the most likely one and secondary clusters not overlapping earlier ones (default 5). */
  readonly maxClusters: number;
}

/** A candidate cluster: areas (indices into `areas`), days [startDay, endDay], counts, LLR and p-value. */
export interface ScanCluster {
  readonly center: number;
  readonly areas: readonly number[];
  readonly startDay: number;
  readonly endDay: number;
  readonly observed: number;
  readonly expected: number;
  readonly llr: number;
  /** Monte Carlo p-value: (1 + #replications with max LLR ≥ llr) / (1 + replications). */
  readonly pValue: number;
}

/**
 * Poisson GLR of a cylinder with c observed of C total and μ expected (Kulldorff et al. 2005, eq. 2):
 * c·log(c/μ) + (C−c)·log((C−c)/(C−μ)) when c > μ, else 0.
 */
export function scanLlr(c: number, mu: number, total: number): number {
  if (c <= mu) return 0;
  const inside = c * Math.log(c / mu);
  const rest = total - c;
  return rest > 0 ? inside + rest * Math.log(rest / (total - mu)) : inside;
}

/**
 * Whether {@link scanLlr}(c, μ, C) may exceed `max`, without logarithms or divisions. From log x ≤ x − 1:
 * c·log(c/μ) ≤ c(c−μ)/μ and (C−c)·log((C−c)/(C−μ)) ≤ −(C−c)(c−μ)/(C−μ), whose sum is the bound
 * C(c−μ)²/(μ(C−μ)) (Pearson's χ² of the cylinder); the LLR is at most about half of it (c → μ) and a
 * vanishing share for c ≫ μ, and the bound is padded by 1e−9·(bound + 2c) against rounding. Tested
 * as C(c−μ)²(1 + 1e−9) ≥ (max − 2e−9·c)·μ(C−μ), which is the padded bound ≥ max when μ(C−μ) > 0 and
 * true otherwise (the bound is then infinite).
 */
function mayExceed(c: number, mu: number, total: number, max: number): boolean {
  const excess = c - mu;
  return total * excess * excess * (1 + 1e-9) >= (max - 2e-9 * c) * mu * (total - mu);
}

/** Candidate circles: for each centre, the areas by distance (ties by index), cut at the maximum size. */
function circles(areas: readonly ScanArea[], maxSize: number): number[][] {
  return areas.map((a) => {
    const order = areas.map((b, j) => ({ j, d: Math.hypot(a.x - b.x, a.y - b.y) })).sort((p, q) => p.d - q.d || p.j - q.j);
    return order.slice(0, maxSize).map((o) => o.j);
  });
}

interface Best {
  llr: number;
  center: number;
  size: number;
  days: number;
  c: number;
  mu: number;
}

/**
 * Scores every cylinder (centre × circle size × days back) of a count matrix `recent[d][a]`
 * (d = 0 is the last day), with fixed margins; calls `visit` for each cylinder with c > μ.
 */
function scoreCylinders(
  recent: readonly Int32Array[],
  circ: readonly number[][],
  areaTotals: readonly number[],
  dayTotals: readonly number[],
  total: number,
  visit: (llr: number, center: number, size: number, days: number, c: number, mu: number) => void,
): void {
  const D = recent.length;
  const A = areaTotals.length;
  // cum[a] = cases in area a over the last d+1 days, built day by day.
  const cum = new Float64Array(A);
  let dayCases = 0;
  for (let d = 0; d < D; d++) {
    for (let a = 0; a < A; a++) cum[a] += recent[d][a];
    dayCases += dayTotals[d];
    for (let center = 0; center < circ.length; center++) {
      let c = 0;
      let areaCases = 0;
      const members = circ[center];
      for (let s = 0; s < members.length; s++) {
        c += cum[members[s]];
        areaCases += areaTotals[members[s]];
        // μ_A = (Σ_{z∈A} C_z)(Σ_{d∈A} C_d)/C (Kulldorff et al. 2005, eq. 1).
        const mu = (areaCases * dayCases) / total;
        if (c > mu) visit(scanLlr(c, mu, total), center, s + 1, d + 1, c, mu);
      }
    }
  }
}

/**
 * Circles as flat arrays for the replications: member m of circle `center` at `center·width + s`, and
 * the running area totals Σ_{z∈A} C_z along each circle, summed in the same order as {@link scoreCylinders}.
 */
interface FlatCircles {
  readonly width: number;
  readonly sizes: Int32Array;
  readonly members: Int32Array;
  readonly areaCases: Float64Array;
}

function flattenCircles(circ: readonly number[][], areaTotals: readonly number[]): FlatCircles {
  const width = circ.reduce((m, c) => Math.max(m, c.length), 0);
  const sizes = new Int32Array(circ.length);
  const members = new Int32Array(circ.length * width);
  const areaCases = new Float64Array(circ.length * width);
  circ.forEach((c, center) => {
    sizes[center] = c.length;
    let sum = 0;
    c.forEach((m, s) => {
      sum += areaTotals[m];
      members[center * width + s] = m;
      areaCases[center * width + s] = sum;
    });
  });
  return { width, sizes, members, areaCases };
}

/**
 * The largest LLR over all cylinders — what a Monte Carlo replication needs. Same value as the maximum
 * over {@link scoreCylinders}, with the LLR evaluated only where a circle's count grows: along one
 * circle μ never decreases, and for c > μ the LLR decreases in μ at fixed c (∂/∂μ = −c/μ + (C−c)/(C−μ)
 * < 0), so within a run of equal c the first circle scores highest. Cylinders that cannot exceed the
 * running maximum ({@link mayExceed}) are not evaluated: their LLR cannot exceed it. `recent[d·A + a]` holds the
 * cases of area a on day d back; `cum` is scratch space of A values.
 */
function maxCylinderLlr(recent: Int32Array, flat: FlatCircles, dayTotals: readonly number[], total: number, cum: Float64Array): number {
  const D = dayTotals.length;
  const A = cum.length;
  const { width, sizes, members, areaCases } = flat;
  cum.fill(0);
  let dayCases = 0;
  let max = 0;
  for (let d = 0; d < D; d++) {
    for (let a = 0; a < A; a++) cum[a] += recent[d * A + a];
    dayCases += dayTotals[d];
    // μ to a few roundings for the screen; the LLR itself gets μ exactly as scoreCylinders computes it,
    // so that a replication scores a cylinder like the observed data's to the last bit.
    const share = dayCases / total;
    for (let center = 0; center < sizes.length; center++) {
      let c = 0;
      const base = center * width;
      for (let s = 0; s < sizes[center]; s++) {
        const m = members[base + s];
        if (cum[m] === 0) continue;
        c += cum[m];
        const approx = areaCases[base + s] * share;
        if (c > approx * (1 - 1e-12) && mayExceed(c, approx, total, max)) {
          const llr = scanLlr(c, (areaCases[base + s] * dayCases) / total, total);
          if (llr > max) max = llr;
        }
      }
    }
  }
  return max;
}

/**
 * Prospective space-time permutation scan over `counts[day][area]` (non-negative integers; the last
 * row is the day of analysis). Returns the most likely cluster and secondary clusters that share no
 * area with a reported one, each with its Monte Carlo p-value against the distribution of the
 * maximum LLR under random permutation of case days (areas and day totals fixed).
 */
export function spaceTimePermutationScan(
  areas: readonly ScanArea[],
  counts: readonly (readonly number[])[],
  options: Partial<ScanOptions> = {},
): ScanCluster[] {
  const { maxAreaFraction = 0.5, maxDays = 7, replications = 999, seed = 1, maxClusters = 5 } = options;
  const A = areas.length;
  const T = counts.length;
  if (A === 0 || T === 0) throw new RangeError('scan: needs at least one area and one day');
  if (counts.some((row) => row.length !== A)) throw new RangeError(`scan: every day needs ${A} area counts`);
  if (counts.some((row) => row.some((v) => !Number.isInteger(v) || v < 0))) throw new RangeError('scan: counts must be non-negative integers');
  const maxSize = Math.max(1, Math.floor(A * maxAreaFraction));
  const D = Math.min(maxDays, T);
  const circ = circles(areas, maxSize);
  const areaTotals = new Array<number>(A).fill(0);
  const dayTotalsAll = counts.map((row) => row.reduce((s, v) => s + v, 0));
  counts.forEach((row) => row.forEach((v, a) => (areaTotals[a] += v)));
  const total = dayTotalsAll.reduce((s, v) => s + v, 0);
  if (total === 0) return [];
  const dayTotals = Array.from({ length: D }, (_, d) => dayTotalsAll[T - 1 - d]);
  const recent = Array.from({ length: D }, (_, d) => Int32Array.from(counts[T - 1 - d]));

  // Observed data: keep every cylinder's best score per (centre, size) to pick non-overlapping clusters.
  const candidates: Best[] = [];
  scoreCylinders(recent, circ, areaTotals, dayTotals, total, (llr, center, size, days, c, mu) => {
    candidates.push({ llr, center, size, days, c, mu });
  });

  // Monte Carlo: permute the days of the cases (Kulldorff et al. 2005, "Inference"). Only the cases of
  // the last D days enter a cylinder, so a replication draws which cases take those K day slots: a
  // uniformly random ordered K-subset of the cases, the last K steps of a Fisher–Yates shuffle of the
  // case areas (Knuth, TAOCP vol. 2, §3.4.2, Algorithm P). The counts of the last D days have the same
  // distribution as under a permutation of every case's day, at K instead of C random draws (K ≈ C·D/T).
  const caseArea = new Int32Array(total);
  const slotBack: number[] = [];
  let n = 0;
  counts.forEach((row, day) => row.forEach((v, a) => {
    for (let k = 0; k < v; k++) caseArea[n++] = a;
    if (T - 1 - day < D) for (let k = 0; k < v; k++) slotBack.push(T - 1 - day);
  }));
  const K = slotBack.length;
  const random = mulberry32(seed);
  const maxima = new Float64Array(replications);
  const flat = flattenCircles(circ, areaTotals);
  const simRecent = new Int32Array(D * A);
  const cum = new Float64Array(A);
  for (let r = 0; r < replications; r++) {
    simRecent.fill(0);
    for (let k = 0; k < K; k++) {
      const i = total - 1 - k;
      const j = Math.floor(random() * (i + 1));
      const area = caseArea[j];
      caseArea[j] = caseArea[i];
      caseArea[i] = area;
      simRecent[slotBack[k] * A + area]++;
    }
    maxima[r] = maxCylinderLlr(simRecent, flat, dayTotals, total, cum);
  }

  candidates.sort((p, q) => q.llr - p.llr);
  const used = new Set<number>();
  const clusters: ScanCluster[] = [];
  for (const cand of candidates) {
    if (clusters.length >= maxClusters) break;
    const members = circ[cand.center].slice(0, cand.size);
    if (members.some((m) => used.has(m))) continue;
    members.forEach((m) => used.add(m));
    let exceed = 0;
    for (let r = 0; r < replications; r++) if (maxima[r] >= cand.llr) exceed++;
    clusters.push({
      center: cand.center,
      areas: [...members].sort((p, q) => p - q),
      startDay: T - cand.days,
      endDay: T - 1,
      observed: cand.c,
      expected: cand.mu,
      llr: cand.llr,
      pValue: (1 + exceed) / (1 + replications),
    });
  }
  return clusters;
}
