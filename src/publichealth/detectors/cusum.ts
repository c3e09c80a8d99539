/**
 * Approximate one-sided Poisson CUSUM of Rossi, Lampugnani & Marchi (1999), Stat Med 18:2111–2122,
 * with the parameters and upper-bound semantics of R `surveillance::cusum` / `algo.cusum`
 * (k = 1.04, h = 2.26, m = mean of the observations before the first evaluated period).
 *
 * Supported transformations (`trans`): "standard" (default), "rossi" and "anscombe".
 * Not supported: R's experimental "anscombe2nd", "pearsonNegBin", "anscombeNegBin", "none", and m = "glm".
 * Written from the paper and the R documentation; R was used only to compare outputs.
 */
import type { CountSeries, DetectionRow, EvaluationRange } from './types.js';
import { defaultMonitoringRange } from './range.js';

/** Standardisation of the count before it enters the CUSUM. */
export type CusumTransform = 'standard' | 'rossi' | 'anscombe';

/** Parameters of {@link cusum}; defaults are R's. */
export interface CusumOptions {
  /** Reference value k (R default 1.04). */
  readonly k: number;
  /** Decision boundary h (R default 2.26). */
  readonly h: number;
  /**
   * In-control expectation: a single value, one value per evaluated period, or null for the mean
   * of all observations before the first evaluated period (R's m = NULL).
   */
  readonly m: number | readonly number[] | null;
  readonly trans: CusumTransform;
}

interface Transform {
  /** Standardised residual z of count y given expectation m. */
  forward(y: number, m: number): number;
  /** The count whose standardised residual is z (the inverse of `forward`). */
  inverse(z: number, m: number): number;
}

const TRANSFORMS: Record<CusumTransform, Transform> = {
  // Rossi et al. 1999, z1 = (y − m)/√m (normal approximation); R rounds its upper bound up to a whole count.
  standard: {
    forward: (y, m) => (y - m) / Math.sqrt(m),
    inverse: (z, m) => Math.ceil(m + z * Math.sqrt(m)),
  },
  // Rossi et al. 1999, eq. for z3 = (y − 3m + 2√(ym)) / (2√m); inverse solves the quadratic in √y.
  rossi: {
    forward: (y, m) => (y - 3 * m + 2 * Math.sqrt(y * m)) / (2 * Math.sqrt(m)),
    inverse: (z, m) => (Math.sqrt(4 * m + 2 * z * Math.sqrt(m)) - Math.sqrt(m)) ** 2,
  },
  // Anscombe residual for the Poisson (McCullagh & Nelder 1989, §2.4.2): 3/2 (y^{2/3} − m^{2/3}) / m^{1/6}.
  anscombe: {
    forward: (y, m) => (1.5 * (y ** (2 / 3) - m ** (2 / 3))) / m ** (1 / 6),
    inverse: (z, m) => rpow((z * m ** (1 / 6)) / 1.5 + m ** (2 / 3), 1.5),
  },
};

/** R's `^`: a negative base with a fractional exponent is NaN (JavaScript agrees; kept explicit). */
function rpow(base: number, exponent: number): number {
  return base < 0 ? NaN : base ** exponent;
}

/**
 * One-sided CUSUM S_t = max(0, S_{t−1} + z_t − k), alarm when S_t >= h (Rossi et al. 1999, §2).
 * As in R, the CUSUM is not reset after an alarm, and the threshold is the count that would have
 * made S_t reach h: inverse-transform of h + k − S_{t−1}.
 *
 * @param series observed counts
 * @param options k, h, m, trans and the evaluation range (R requires a range; the default here is
 *   every period after the first year, see {@link defaultMonitoringRange})
 * @returns one row per evaluated period
 */
export function cusum(series: CountSeries, options: Partial<CusumOptions> & { range?: EvaluationRange } = {}): DetectionRow[] {
  const k = options.k ?? 1.04;
  const h = options.h ?? 2.26;
  const trans = options.trans ?? 'standard';
  const tf = TRANSFORMS[trans];
  if (!tf) throw new RangeError(`cusum: unsupported trans "${String(trans)}" (standard, rossi, anscombe)`);
  const y = series.observed;
  const range = options.range ?? defaultMonitoringRange(series);
  if (range.start < 0 || range.end >= y.length || range.end < range.start) {
    throw new RangeError(`cusum: range ${range.start}..${range.end} outside the series`);
  }
  const len = range.end - range.start + 1;
  const m = expectations(y, range, len, options.m ?? null);
  const rows: DetectionRow[] = [];
  let s = 0;
  for (let i = 0; i < len; i++) {
    const t = range.start + i;
    const sPrev = s;
    s = Math.max(0, sPrev + tf.forward(y[t], m[i]) - k);
    const bound = tf.inverse(h + k - sPrev, m[i]);
    // No count is needed once S_{t−1} is high enough: R reports 0 (also where the inverse is undefined).
    const threshold = Number.isNaN(bound) || bound < 0 ? 0 : bound;
    rows.push({ index: t, observed: y[t], threshold, alarm: s >= h });
  }
  return rows;
}

function expectations(y: readonly number[], range: EvaluationRange, len: number, m: number | readonly number[] | null): number[] {
  if (m === null) {
    if (range.start < 1) throw new RangeError('cusum: m = null needs at least one observation before the range');
    let sum = 0;
    for (let i = 0; i < range.start; i++) sum += y[i];
    return new Array<number>(len).fill(sum / range.start);
  }
  if (typeof m === 'number') return new Array<number>(len).fill(m);
  if (m.length !== len) throw new RangeError(`cusum: m has ${m.length} values, the range has ${len}`);
  return [...m];
}
