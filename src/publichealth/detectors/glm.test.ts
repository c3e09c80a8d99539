import { describe, expect, it } from 'vitest';
import fixture from '../../../test/fixtures/surveillance/glm.json' with { type: 'json' };
import {
  anscombeResiduals,
  fitPoissonGlm,
  pearsonDispersion,
  pnbinom,
  predictLink,
  ptTwoSided,
  qnbinom,
  qnorm,
  qpois,
} from './glm.js';
import { qtUpper, tTwoSidedBelow } from './glm-distributions.js';

// Reference values: R glm(y ~ t, family = quasipoisson, weights, offset), qnbinom, qnorm, pt
// (scripts/r/surveillance-reference-farrington.R → test/fixtures/surveillance/glm.json).
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('fitPoissonGlm against R glm(quasipoisson)', () => {
  fixture.fits.forEach((f, k) => {
    it(`fit ${k}: coefficients, standard errors, dispersion, fitted values, leverages`, () => {
      const data = { x: f.t.map((t) => [1, t]), y: f.y, weights: f.weights, offset: f.offset };
      const fit = fitPoissonGlm(data);
      expect(fit.converged).toBe(true);
      expect(fit.dfResidual).toBe(f.dfResidual);
      f.coefficients.forEach((c, j) => expect(rel(fit.coefficients[j], c)).toBeLessThan(1e-9));
      const phi = pearsonDispersion(fit, data);
      expect(rel(phi, f.dispersion)).toBeLessThan(1e-9);
      f.se.forEach((se, j) => expect(rel(Math.sqrt(phi * fit.covUnscaled[j][j]), se)).toBeLessThan(1e-8));
      expect(rel(fit.deviance, f.deviance)).toBeLessThan(1e-9);
      f.fitted.forEach((mu, i) => expect(rel(fit.fitted[i], mu)).toBeLessThan(1e-9));
      // R's influence() leaves out observations of prior weight 0 (ours are 0 there).
      const hat = fit.hat.filter((_, i) => f.weights[i] > 0);
      expect(hat).toHaveLength(f.hat.length);
      f.hat.forEach((h, i) => expect(Math.abs(hat[i] - h)).toBeLessThan(1e-9));
      fit.hat.forEach((h, i) => f.weights[i] === 0 && expect(h).toBe(0));
    });
  });

  it('reports an aliased (collinear) column as NaN and still fits the rest', () => {
    const y = [2, 3, 6, 7, 8, 9, 10, 12, 15];
    const x = y.map((_, i) => [1, i, 2 * i]);
    const fit = fitPoissonGlm({ x, y });
    expect(fit.rank).toBe(2);
    expect(fit.aliased).toEqual([false, false, true]);
    expect(Number.isNaN(fit.coefficients[2])).toBe(true);
    const ref = fitPoissonGlm({ x: y.map((_, i) => [1, i]), y });
    expect(rel(fit.coefficients[1], ref.coefficients[1])).toBeLessThan(1e-12);
  });

  it('predicts on the link scale with the variance x0\'(X\'WX)⁻¹x0 (intercept model: 1/Σy)', () => {
    const y = [4, 6, 5, 9];
    const fit = fitPoissonGlm({ x: y.map(() => [1]), y });
    const p = predictLink(fit, [1]);
    expect(rel(Math.exp(p.eta), 6)).toBeLessThan(1e-12);
    // (X'WX)⁻¹ uses the weights at the start of the last iteration, as R does: equal to 1/Σy up to
    // the IRLS tolerance, not to rounding.
    expect(rel(p.varUnscaled, 1 / 24)).toBeLessThan(1e-5);
    // Anscombe residuals of a perfectly fitted point are zero.
    const r = anscombeResiduals(fitPoissonGlm({ x: [[1], [1]], y: [3, 3] }), [3, 3], 1);
    expect(Math.abs(r[0])).toBeLessThan(1e-12);
  });
});

describe('distribution functions against R', () => {
  const nb = fixture.negbin;
  it('qnbinom, qpois and pnbinom', () => {
    nb.p.forEach((p, i) => {
      // + 0 turns R's occasional -0 into 0.
      expect(qnbinom(p, nb.size[i], nb.mu[i])).toBe(nb.qnbinom[i] + 0);
      expect(qpois(p, nb.mu[i])).toBe(nb.qpois[i] + 0);
      expect(rel(pnbinom(3, nb.size[i], nb.mu[i]), nb.pnbinom[i])).toBeLessThan(1e-10);
    });
  });
  it('qnorm and two-sided t p-values', () => {
    const n = fixture.normal;
    n.p.forEach((p, i) => expect(rel(qnorm(p), n.qnorm[i])).toBeLessThan(1e-14));
    n.t.forEach((t, i) => expect(rel(ptTwoSided(t, n.df[i]), n.ptTwoSided[i])).toBeLessThan(1e-10));
  });
});

describe('tTwoSidedBelow (Wald test without the tail probability)', () => {
  it('decides as ptTwoSided(t, df) < alpha around, at and far from the critical value', () => {
    for (const df of [4, 19, 130])
      for (const alpha of [0.05, 0.5, 1]) {
        const q = qtUpper(1 - alpha / 2, df);
        const ts = [0, 1e-12, 1e-3, 0.5, 1.7, 2.1, 3, 40, q, q * (1 + 1e-12), q * (1 - 1e-12), q * (1 + 1e-6), q * (1 - 1e-6)];
        for (const t of [...ts, ...ts.map((x) => -x), NaN, Infinity, -Infinity])
          expect(tTwoSidedBelow(t, df, alpha), `t ${t}, df ${df}, alpha ${alpha}`).toBe(ptTwoSided(t, df) < alpha);
      }
    expect(tTwoSidedBelow(2.5, 19, 0.05)).toBe(true);
    expect(tTwoSidedBelow(1.5, 19, 0.05)).toBe(false);
  });
});
