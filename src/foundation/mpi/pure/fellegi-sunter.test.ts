import { describe, expect, it } from 'vitest';
import {
  chooseThresholds,
  classify,
  estimateEm,
  levelFrequencies,
  makeTermFrequencyAdjustment,
  probabilityFromWeight,
  scoreVector,
  termFrequencies,
  thresholdsFromProbabilities,
  type ComparisonSpec,
  type ComparisonVector,
  type FsParams,
} from './fellegi-sunter.js';
import { drawIndex, mulberry32 } from '../../random.js';

const SPECS: ComparisonSpec[] = [
  { name: 'id', levels: ['exact', 'disagree'] },
  { name: 'name', levels: ['exact', 'close', 'disagree'] },
  { name: 'dob', levels: ['exact', 'close', 'disagree'] },
  { name: 'sex', levels: ['exact', 'disagree'] },
  { name: 'phone', levels: ['exact', 'partial', 'disagree'] },
];

const TRUE: FsParams = {
  lambda: 0.08,
  m: [[0.85, 0.15], [0.8, 0.15, 0.05], [0.9, 0.07, 0.03], [0.97, 0.03], [0.6, 0.1, 0.3]],
  u: [[0.01, 0.99], [0.05, 0.1, 0.85], [0.02, 0.08, 0.9], [0.5, 0.5], [0.01, 0.04, 0.95]],
};

/** Draw n pairs from known m/u; each field missing with probability pMissing. */
function simulate(n: number, truth: FsParams, seed: number, pMissing = 0): { vectors: ComparisonVector[]; isMatch: boolean[] } {
  const rnd = mulberry32(seed);
  const vectors: ComparisonVector[] = [];
  const isMatch: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const match = rnd() < truth.lambda;
    const probs = match ? truth.m : truth.u;
    vectors.push(probs.map((p) => (rnd() < pMissing ? null : drawIndex(p, rnd))));
    isMatch.push(match);
  }
  return { vectors, isMatch };
}

function maxError(a: FsParams, b: FsParams): number {
  let e = 0;
  a.m.forEach((row, k) => row.forEach((x, l) => (e = Math.max(e, Math.abs(x - b.m[k][l]), Math.abs(a.u[k][l] - b.u[k][l])))));
  return e;
}

describe('mulberry32', () => {
  it('is deterministic and roughly uniform', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 20000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});

describe('EM estimation of m, u and λ', () => {
  it('recovers known parameters from 60 000 simulated pairs', () => {
    const { vectors } = simulate(60000, TRUE, 7);
    const r = estimateEm(vectors, SPECS);
    expect(r.converged).toBe(true);
    expect(Math.abs(r.params.lambda - TRUE.lambda)).toBeLessThan(0.005);
    expect(maxError(r.params, TRUE)).toBeLessThan(0.02);
  });
  it('recovers them with 20 % of values missing at random', () => {
    const { vectors } = simulate(60000, TRUE, 11, 0.2);
    const r = estimateEm(vectors, SPECS);
    expect(Math.abs(r.params.lambda - TRUE.lambda)).toBeLessThan(0.006);
    expect(maxError(r.params, TRUE)).toBeLessThan(0.025);
  });
  it('with u fixed from random pairs, estimates m and λ', () => {
    const { vectors } = simulate(40000, TRUE, 13);
    const random = simulate(40000, { ...TRUE, lambda: 0 }, 17).vectors;
    const u = levelFrequencies(random, SPECS);
    const r = estimateEm(vectors, SPECS, { init: { lambda: 0.3, m: SPECS.map((s) => s.levels.map(() => 1 / s.levels.length)), u }, fixU: true });
    expect(r.params.u).toEqual(u);
    expect(Math.abs(r.params.lambda - TRUE.lambda)).toBeLessThan(0.01);
    expect(maxError(r.params, TRUE)).toBeLessThan(0.03);
  });
  it('does not return a label-switched solution when started upside down', () => {
    const { vectors } = simulate(30000, TRUE, 19);
    const r = estimateEm(vectors, SPECS, { init: { lambda: 0.9, m: TRUE.u, u: TRUE.m } });
    expect(r.params.lambda).toBeLessThan(0.2);
    expect(r.params.m[0][0]).toBeGreaterThan(r.params.u[0][0]);
  });
  it('classifies the simulated pairs well with the fitted weights', () => {
    const { vectors, isMatch } = simulate(20000, TRUE, 23);
    const r = estimateEm(vectors, SPECS);
    let correct = 0;
    vectors.forEach((v, i) => {
      if (scoreVector(v, r.params).probability >= 0.5 === isMatch[i]) correct++;
    });
    expect(correct / vectors.length).toBeGreaterThan(0.97);
  });
});

describe('weights, term frequencies and thresholds', () => {
  const p: FsParams = { lambda: 0.1, m: [[0.9, 0.1], [0.8, 0.2]], u: [[0.05, 0.95], [0.1, 0.9]] };
  it('sums log2(m/u) and skips missing comparisons', () => {
    const s = scoreVector([0, null], p);
    expect(s.weight).toBeCloseTo(Math.log2(0.9 / 0.05), 12);
    expect(s.partials[1]).toBe(0);
    expect(scoreVector([1, 1], p).weight).toBeCloseTo(Math.log2(0.1 / 0.95) + Math.log2(0.2 / 0.9), 12);
  });
  it('inverts probabilities into weight thresholds', () => {
    const t = thresholdsFromProbabilities(0.1, 0.99, 0.5);
    expect(probabilityFromWeight(t.autoLink, 0.1)).toBeCloseTo(0.99, 12);
    expect(probabilityFromWeight(t.review, 0.1)).toBeCloseTo(0.5, 12);
    expect(t.review).toBeCloseTo(Math.log2(9), 12);
  });
  it('turns weights into posterior probabilities with the prior λ', () => {
    // weight 0 and λ = 0.5 → 0.5; log-odds log2(λ/(1−λ)) = log2(1/9) at weight 0 → 0.1
    expect(probabilityFromWeight(0, 0.5)).toBeCloseTo(0.5, 12);
    expect(probabilityFromWeight(0, 0.1)).toBeCloseTo(0.1, 12);
    expect(probabilityFromWeight(Math.log2(9), 0.1)).toBeCloseTo(0.5, 12);
  });
  it('gives agreement on a common surname less weight than on a rare one', () => {
    const freq = termFrequencies(['王', '王', '王', '王', '李', '李', '欧阳', undefined, '']);
    expect(freq.get('王')).toBeCloseTo(4 / 7, 12);
    const tf = [makeTermFrequencyAdjustment(0, [0], ['王', '王', '王', '王', '李', '李', '欧阳'], 0.001)];
    const sumSq = (16 + 4 + 1) / 49; // Σ f² = P(two random records agree)
    expect(tf[0].baseline).toBeCloseTo(sumSq, 12);
    const base = Math.log2(0.9 / 0.05);
    const common = scoreVector([0, 0], p, tf, ['王']);
    const rare = scoreVector([0, 0], p, tf, ['欧阳']);
    expect(common.partials[0]).toBeCloseTo(base + Math.log2(sumSq / (4 / 7)), 12);
    expect(rare.partials[0]).toBeCloseTo(base + Math.log2(sumSq / (1 / 7)), 12);
    expect(rare.weight).toBeGreaterThan(common.weight);
    // unknown values take the floor; disagreement is not adjusted
    expect(scoreVector([0, 0], p, tf, ['司马']).partials[0]).toBeCloseTo(base + Math.log2(sumSq / 0.001), 12);
    expect(scoreVector([1, 0], p, tf, ['王']).partials[0]).toBeCloseTo(Math.log2(0.1 / 0.95), 12);
  });
  it('chooses FS thresholds that respect the error bounds on simulated pairs', () => {
    const { vectors, isMatch } = simulate(50000, TRUE, 29);
    const r = estimateEm(vectors, SPECS);
    const t = chooseThresholds(r.params, { falseMatchRate: 0.002, falseNonMatchRate: 0.02 });
    expect(t.autoLink).toBeGreaterThanOrEqual(t.review);
    let fm = 0, nonMatches = 0, fnm = 0, matches = 0;
    vectors.forEach((v, i) => {
      const d = classify(scoreVector(v, r.params).weight, t);
      if (isMatch[i]) { matches++; if (d === 'non-link') fnm++; }
      else { nonMatches++; if (d === 'link') fm++; }
    });
    // pattern masses are renormalised over observed patterns, so allow some slack
    expect(fm / nonMatches).toBeLessThan(0.004);
    expect(fnm / matches).toBeLessThan(0.04);
    // tighter bounds on both errors cannot both be met by one cut: a review band opens
    const tight = chooseThresholds(r.params, { falseMatchRate: 0.0002, falseNonMatchRate: 0.002 });
    expect(tight.autoLink).toBeGreaterThan(t.autoLink);
    expect(tight.review).toBeLessThan(t.review);
    expect(tight.autoLink).toBeGreaterThan(tight.review);
  });
});
