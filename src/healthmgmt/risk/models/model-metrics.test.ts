import { describe, expect, it } from 'vitest';
import { auc, brierScore, calibration, reliabilityTable } from './model-metrics.js';
import { createPrng } from '../../../foundation/random.js';
import { sigmoid } from './logistic-regression.js';

describe('AUC (Mann–Whitney)', () => {
  it('hand-computed example: 3 of 4 event/non-event pairs ordered → 0.75', () => {
    // events score 0.35 and 0.8; non-events 0.1 and 0.4. Pairs: (0.35>0.1) (0.35<0.4) (0.8>0.1) (0.8>0.4).
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });

  it('perfect ranker 1, reversed 0, all tied 0.5', () => {
    expect(auc([0.1, 0.2, 0.3, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.3, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auc([0.5, 0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1, 1])).toBe(0.5);
  });

  it('one tied event/non-event pair counts one half: (1 + 1 + 0.5 + 1) / 4', () => {
    // events 0.4, 0.9; non-events 0.1, 0.4 → pairs: 0.4>0.1 (1), 0.4=0.4 (½), 0.9>0.1 (1), 0.9>0.4 (1).
    expect(auc([0.1, 0.4, 0.4, 0.9], [0, 0, 1, 1])).toBe(3.5 / 4);
  });

  it('refuses a sample without events', () => {
    expect(() => auc([0.1, 0.2], [0, 0])).toThrow(/both/);
  });
});

describe('Brier score', () => {
  it('hand-computed: ((0.1−0)² + (0.9−1)² + (0.8−0)²)/3 = 0.22', () => {
    expect(brierScore([0.1, 0.9, 0.8], [0, 1, 0])).toBeCloseTo(0.22, 12);
  });
});

describe('Calibration', () => {
  // Outcomes drawn from the predictions themselves are calibrated by construction.
  const prng = createPrng(20240601);
  const n = 40000;
  const lp = Array.from({ length: n }, () => -1.5 + 1.2 * prng.normal());
  const truth = lp.map(sigmoid);
  const y = truth.map((p) => (prng.next() < p ? 1 : 0));

  it('true probabilities: slope ≈ 1, intercept ≈ 0, calibration-in-the-large ≈ 0', () => {
    const c = calibration(truth, y);
    expect(c.slope).toBeGreaterThan(0.95);
    expect(c.slope).toBeLessThan(1.05);
    expect(Math.abs(c.intercept)).toBeLessThan(0.05);
    expect(Math.abs(c.calibrationInTheLarge)).toBeLessThan(0.05);
  });

  it('over-confident predictions (log-odds doubled) give slope ≈ 0.5', () => {
    const c = calibration(lp.map((x) => sigmoid(2 * x)), y);
    expect(c.slope).toBeGreaterThan(0.47);
    expect(c.slope).toBeLessThan(0.53);
  });

  it('predictions shifted by +1 on the log-odds scale give calibration-in-the-large ≈ −1', () => {
    const c = calibration(lp.map((x) => sigmoid(x + 1)), y);
    expect(c.calibrationInTheLarge).toBeGreaterThan(-1.06);
    expect(c.calibrationInTheLarge).toBeLessThan(-0.94);
  });
});

describe('Reliability table', () => {
  it('hand example: 6 persons in 2 groups of 3, sorted by prediction', () => {
    const rows = reliabilityTable([0.9, 0.1, 0.3, 0.2, 0.7, 0.8], [1, 0, 1, 0, 0, 1], 2);
    expect(rows).toHaveLength(2);
    // low group: 0.1, 0.2, 0.3 with outcomes 0, 0, 1; high group: 0.7, 0.8, 0.9 with 0, 1, 1.
    expect(rows[0]).toMatchObject({ group: 1, n: 3, minPredicted: 0.1, maxPredicted: 0.3, observedRate: 1 / 3 });
    expect(rows[0].meanPredicted).toBeCloseTo(0.2, 12);
    expect(rows[1]).toMatchObject({ group: 2, n: 3, minPredicted: 0.7, maxPredicted: 0.9, observedRate: 2 / 3 });
    expect(rows[1].meanPredicted).toBeCloseTo(0.8, 12);
  });

  it('deciles by default, sizes differ by at most one', () => {
    const p = Array.from({ length: 95 }, (_, i) => i / 100);
    const rows = reliabilityTable(p, p.map((_, i) => i % 2));
    expect(rows).toHaveLength(10);
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(95);
    for (const r of rows) expect([9, 10]).toContain(r.n);
  });
});
