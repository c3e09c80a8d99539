import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../foundation/random.js';
import { fitBaseline, type BaselineModel, type BaselineSettings } from './farrington-core.js';
import { BaselineFitter, fitBaselineIn } from './farrington-fit.js';

/** Poisson counts with mean λ by inversion (enough for test data). */
function poisson(rand: () => number, lambda: number): number {
  let k = 0;
  let p = Math.exp(-lambda);
  let cdf = p;
  const u = rand();
  while (u > cdf && k < 1000) {
    k++;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

const FARRINGTON: BaselineSettings = { reweight: true, weightsThreshold: 1, trend: true, pThresholdTrend: 0.05 };
const FLEXIBLE: BaselineSettings = { reweight: true, weightsThreshold: 2.58, trend: true, pThresholdTrend: 0.05, reweightedScale: 'working' };
const NOUFAILY: BaselineSettings = { ...FLEXIBLE, pThresholdTrend: 1 };

/** A seasonal series with a trend and a few spikes, so that reweighting and the trend test both act. */
function series(seed: number, length: number, level: number): number[] {
  const rand = mulberry32(seed);
  return Array.from({ length }, (_, t) => {
    const mean = level * (1 + 0.5 * Math.cos((2 * Math.PI * t) / 52)) * (1 + t / length);
    return poisson(rand, rand() < 0.03 ? 4 * mean : mean);
  });
}

/**
 * The fast path computes e^η once per run of consecutive rows of one factor level and multiplies by
 * e^β₁ along it, forms w·z without a division and μ̂^{1/6} from a cube root: the same model as the
 * general path up to a few roundings (the R-agreement tests hold both to R).
 */
function expectSameModel(fast: BaselineModel | null, general: BaselineModel): void {
  expect(fast).not.toBeNull();
  if (!fast) return;
  expect(fast.trend).toBe(general.trend);
  for (const key of ['mu0', 'eta0', 'varEta0', 'phi'] as const) {
    const [a, b] = [fast[key], general[key]];
    expect(Math.abs(a - b), `${key}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(a), Math.abs(b)));
  }
}

/** Fills the fitter with rows (index, level) and returns the general path's input for the same rows. */
function fill(fitter: BaselineFitter, observed: number[], rows: [number, number][], levels: number) {
  rows.forEach(([k, l], i) => {
    fitter.index[i] = k;
    fitter.level[i] = l;
  });
  fitter.n = rows.length;
  const y = rows.map(([k]) => observed[k]);
  const time = rows.map(([k]) => k);
  return levels > 1 ? { y, time, level: rows.map(([, l]) => l), levels } : { y, time };
}

describe('BaselineFitter (allocation-free Farrington fits)', () => {
  for (const [name, settings] of [
    ['farrington', FARRINGTON],
    ['farringtonFlexible', FLEXIBLE],
    ['noufaily', NOUFAILY],
    ['no reweighting', { ...FLEXIBLE, reweight: false }],
    ['no trend', { ...FARRINGTON, trend: false }],
  ] as const) {
    it(`${name}: the same model as fitBaseline within 1e-12, windows and a seasonal factor`, () => {
      for (const [seed, level] of [
        [1, 0.7],
        [2, 3],
        [3, 25],
      ] as const) {
        const observed = series(seed, 300, level);
        const windows = new BaselineFitter(observed, 21);
        const factor = new BaselineFitter(observed, 200, 4);
        let compared = 0;
        for (let t = 170; t < 300; t += 7) {
          // Farrington's windows (b = 3, w = 3) and a 4-level factor over everything up to t − 10.
          const w = [3, 2, 1].flatMap((i) => [-3, -2, -1, 0, 1, 2, 3].map((j): [number, number] => [t - 52 * i + j, 0]));
          const f = Array.from({ length: 150 }, (_, i): [number, number] => [t - 160 + i, (t - 160 + i) % 4]);
          for (const [fitter, rows, levels] of [
            [windows, w, 1],
            [factor, f, 4],
          ] as const) {
            const base = fill(fitter, observed, rows, levels);
            const fast = fitter.fit(t, settings);
            const general = fitBaseline(base, t, settings);
            expectSameModel(fast, general);
            compared++;
          }
        }
        expect(compared).toBeGreaterThan(30);
      }
    });
  }

  it('refuses an empty factor level (rank deficient) and fitBaselineIn then takes the general QR path', () => {
    const observed = series(4, 200, 5);
    const fitter = new BaselineFitter(observed, 60, 3);
    // Levels 0 and 1 only: the column of level 2 is all zero, which R reports as aliased.
    const rows = Array.from({ length: 60 }, (_, i): [number, number] => [100 + i, i % 2]);
    const base = fill(fitter, observed, rows, 3);
    expect(fitter.fit(170, FLEXIBLE)).toBeNull();
    const model = fitBaselineIn(fitter, 170, FLEXIBLE);
    expect(model).toEqual(fitBaseline(base, 170, FLEXIBLE));
    expect(Number.isFinite(model.mu0)).toBe(true);
  });

  it('an all-zero baseline gives the same (degenerate) model as the general path', () => {
    const observed = new Array<number>(200).fill(0);
    const fitter = new BaselineFitter(observed, 21);
    const rows = [3, 2, 1].flatMap((i) => [-3, -2, -1, 0, 1, 2, 3].map((j): [number, number] => [190 - 52 * i + j, 0]));
    const base = fill(fitter, observed, rows, 1);
    expectSameModel(fitBaselineIn(fitter, 190, FARRINGTON), fitBaseline(base, 190, FARRINGTON));
  });
});
