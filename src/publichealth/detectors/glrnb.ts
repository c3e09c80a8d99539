/**
 * Poisson GLR count-data regression chart of Höhle & Paul (2008), Comput Stat Data Anal 52:4357–4368,
 * with the parameters of R `surveillance::glrnb` for alpha = 0 (the Poisson case, `algo.glrpois`):
 * c.ARL = 5, Mtilde = 1, M = −1, change = "intercept", dir = "inc".
 *
 * Written from the paper and the R documentation (Salmon, Schumacher & Höhle 2016, J Stat Softw 70(10));
 * R was used only to compare outputs.
 */
import { fitPoissonGlm } from './glm.js';
import { fitPeriodicPoisson } from './glm-periodic.js';
import { glrScanAllStarts, glrScanLowerHull } from './glr-scan.js';
import { assertRange, defaultMonitoringRange } from './range.js';
import type { CountSeries, DetectionRow, EvaluationRange } from './types.js';

/** In-control model fitted to the periods before the range: number of harmonics S and a linear trend. */
export interface GlrMu0Model {
  readonly S: number;
  readonly trend: boolean;
}

/** Parameters of {@link glrnb}. */
export interface GlrnbOptions {
  /** Threshold c_γ of the GLR statistic (R `c.ARL`, default 5). */
  readonly cARL: number;
  /**
   * In-control means: one per evaluated period, or a model to fit by Poisson GLM to the periods
   * before the range (R default, mu0 = NULL ≡ {S: 1, trend: false}).
   */
  readonly mu0: readonly number[] | GlrMu0Model | null;
  /**
   * What the threshold column holds: "value" (default here, as the issue asks) = the GLR statistic,
   * alarm when it reaches cARL; "cases" = the smallest count at this period that would raise an alarm.
   */
  readonly ret: 'value' | 'cases';
}

/**
 * In-control means μ₀,t for the range from a Poisson GLM log μ = β₀ (+ β₁t) + Σ_s γ_s cos(2πst/p) + δ_s sin(2πst/p)
 * fitted to all periods before the range (Höhle & Paul 2008, §2; t is the 1-based period number).
 */
export function estimateGlrMu0(series: CountSeries, range: EvaluationRange, model: GlrMu0Model = { S: 1, trend: false }): number[] {
  if (range.start < 1) throw new RangeError('glrnb: estimating mu0 needs observations before the range');
  const rows = harmonicDesign(series.frequency, model, range.end + 1);
  const p = series.frequency;
  // Without trend the design is periodic (glm-periodic.ts); where that fit refuses, with a trend and
  // with less than one full period, the general GLM (R's aliasing: an aliased coefficient contributes nothing).
  const periodic = model.trend || range.start < p ? null : fitPeriodicPoisson(series.observed, range.start, p, (r) => rows[(r + p - 1) % p]);
  let beta: ArrayLike<number>;
  if (periodic) beta = periodic;
  else {
    const fit = fitPoissonGlm({ x: rows.slice(0, range.start), y: series.observed.slice(0, range.start) });
    beta = fit.coefficients.map((b, j) => (fit.aliased[j] ? 0 : b));
  }
  const mu0: number[] = [];
  for (let t = range.start; t <= range.end; t++) {
    const row = rows[t];
    let eta = 0;
    for (let j = 0; j < row.length; j++) eta += row[j] * beta[j];
    mu0.push(Math.exp(eta));
  }
  return mu0;
}

/**
 * Rows 1..n of the in-control design (1, t?, cos(2πst/p), sin(2πst/p), …): the same for every series of
 * a frequency and model, so they are built once and shared (read-only). Building them per series was
 * most of what a glrnb call allocated (≈ 0.8 MB for a five-year daily series; the garbage collection
 * it caused cost more than the fit).
 */
function harmonicDesign(p: number, model: GlrMu0Model, n: number): readonly (readonly number[])[] {
  const key = `${p}:${model.S}:${model.trend}`;
  let rows = designCache.get(key);
  if (!rows || rows.length < n) {
    if (designCache.size >= 16) designCache.clear();
    rows = [];
    for (let t = 1; t <= n; t++) {
      const row = [1];
      if (model.trend) row.push(t);
      for (let s = 1; s <= model.S; s++) row.push(Math.cos((2 * s * Math.PI * t) / p), Math.sin((2 * s * Math.PI * t) / p));
      rows.push(row);
    }
    designCache.set(key, rows);
  }
  return rows;
}
const designCache = new Map<string, number[][]>();

/**
 * GLR detector for an increase of the Poisson intercept:
 * GLR(n) = max_{s ≤ k ≤ n} sup_{κ ≥ 0} Σ_{t=k}^{n} [y_t κ − μ₀,t(e^κ − 1)], alarm when GLR(n) ≥ c.ARL,
 * after which the chart restarts at n + 1 (Höhle & Paul 2008, §3; `algo.glrnb` details).
 *
 * @param series observed counts
 * @param options c.ARL, mu0, ret and the evaluation range (R requires one; default: every period
 *   after the first year, see {@link defaultMonitoringRange})
 * @returns one row per evaluated period; threshold = GLR statistic (ret "value") or cases needed (ret "cases")
 */
export function glrnb(series: CountSeries, options: Partial<GlrnbOptions> & { range?: EvaluationRange } = {}): DetectionRow[] {
  const cARL = options.cARL ?? 5;
  const ret = options.ret ?? 'value';
  if (!(cARL > 0)) throw new RangeError(`glrnb: c.ARL must be > 0, got ${cARL}`);
  const y = series.observed;
  const range = options.range ?? defaultMonitoringRange(series);
  assertRange('glrnb', range, y.length);
  const len = range.end - range.start + 1;
  const given = options.mu0 ?? null;
  const mu0 = Array.isArray(given) ? [...(given as readonly number[])] : estimateGlrMu0(series, range, (given as GlrMu0Model | null) ?? undefined);
  if (mu0.length !== len) throw new RangeError(`glrnb: mu0 has ${mu0.length} values, the range has ${len}`);

  const ys = y.slice(range.start, range.end + 1);
  // The hull search gives the statistic exactly (glr-scan.ts); "cases" and degenerate μ₀ try every start.
  const chart =
    ret === 'value' && mu0.every((m) => m > 0 && Number.isFinite(m))
      ? glrScanLowerHull(ys, mu0, cARL)
      : glrScanAllStarts(ys, mu0, cARL, ret === 'cases');
  const rows: DetectionRow[] = chart.map((c, n) => ({
    index: range.start + n,
    observed: ys[n],
    threshold: ret === 'value' ? c.glr : Math.ceil(c.cases),
    alarm: c.alarm,
  }));
  return rows;
}
