/**
 * Distribution functions the Farrington family needs: the normal quantile, Student's t
 * tail probability (trend test), and Poisson / negative-binomial CDFs and quantiles
 * (Noufaily et al. 2013 thresholds). Textbook algorithms, written for double precision.
 */

const EPS = 1e-15;
const TINY = 1e-300;
const DBL_EPSILON = 2.220446049250313e-16;

// Lanczos approximation to log Γ(x) (Lanczos 1964; g = 7, n = 9 coefficients), x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Natural log of the gamma function for x > 0. */
export function logGamma(x: number): number {
  // Reflection Γ(x)Γ(1-x) = π / sin(πx) for small x keeps the series accurate.
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Standard normal quantile Φ⁻¹(p): Wichura's algorithm AS 241 (Applied Statistics 37:477, 1988),
 * relative accuracy about 1e-16.
 */
export function qnorm(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r +
          45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
          133.14166789178437745) * r + 3.387132872796366608)) /
      (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r +
        21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
        42.313330701600911252) * r + 1)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let val: number;
  if (r <= 5) {
    r -= 1.6;
    val =
      (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
        1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
        4.6303378461565452959) * r + 1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
        0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
        2.05319162663775882187) * r + 1);
  } else {
    r -= 5;
    val =
      (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
        0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
        5.4637849111641143699) * r + 6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
        0.59983220655588793769) * r + 1);
  }
  return q < 0 ? -val : val;
}

// Continued fraction for the incomplete beta function, modified Lentz (Numerical Recipes §6.4).
function betaContinuedFraction(a: number, b: number, x: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lbt = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  // Use the fraction where it converges fast, the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) elsewhere.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lbt) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lbt) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Regularized lower incomplete gamma P(a, x) (series / continued fraction, Numerical Recipes §6.2). */
export function incompleteGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lpre = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let ap = a;
    let sum = 1 / a;
    let del = sum;
    for (let n = 0; n < 100000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return sum * Math.exp(lpre);
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return 1 - Math.exp(lpre) * h;
}

/** Two-sided p-value of a t statistic with `df` degrees of freedom: P(|T| > |t|) = I_{df/(df+t²)}(df/2, 1/2). */
export function ptTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Upper-tail Student-t probability P(T > t) with `df` degrees of freedom (R: 1 − pt(t, df)). */
export function ptUpper(t: number, df: number): number {
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const two = ptTwoSided(t, df);
  return t >= 0 ? two / 2 : 1 - two / 2;
}

/** Memoised quantiles by p, then df (numeric keys: no string per look-up). */
const qtCache = new Map<number, Map<number, number>>();

/** Student-t quantile qt(p, df) for p > 0.5, by bisection on {@link ptUpper} (memoised). */
export function qtUpper(p: number, df: number): number {
  // The callers ask for the same (p, df) many times in a row: the last answer first.
  if (p === lastQt.p && df === lastQt.df) return lastQt.q;
  const q = qtUpperMemo(p, df);
  lastQt.p = p;
  lastQt.df = df;
  lastQt.q = q;
  return q;
}
const lastQt = { p: NaN, df: NaN, q: NaN };

function qtUpperMemo(p: number, df: number): number {
  let byDf = qtCache.get(p);
  if (!byDf) qtCache.set(p, (byDf = new Map()));
  const hit = byDf.get(df);
  if (hit !== undefined) return hit;
  let lo = 0;
  let hi = 1;
  while (ptUpper(hi, df) > 1 - p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (ptUpper(mid, df) > 1 - p) lo = mid;
    else hi = mid;
  }
  const q = (lo + hi) / 2;
  byDf.set(df, q);
  return q;
}

/**
 * ptTwoSided(t, df) < alpha, the test of a Wald statistic, without the incomplete beta function where
 * |t| is clearly on one side of the critical value qt(1 − α/2, df): the two-sided p-value strictly
 * decreases in |t|. Within 1e−9 (relative) of it — far beyond the errors of the computed tail and of
 * the bisected quantile — and for non-finite t or α outside (0, 1], the p-value decides.
 */
export function tTwoSidedBelow(t: number, df: number, alpha: number): boolean {
  if (!Number.isFinite(t) || !(alpha > 0 && alpha <= 1)) return ptTwoSided(t, df) < alpha;
  const q = qtUpper(1 - alpha / 2, df);
  const a = Math.abs(t);
  if (Math.abs(a - q) <= 1e-9 * Math.max(1, q)) return ptTwoSided(t, df) < alpha;
  return a > q;
}

/** Poisson CDF P(X ≤ k) = Q(k + 1, μ). */
export function ppois(k: number, mu: number): number {
  if (k < 0) return 0;
  if (mu <= 0) return 1;
  return 1 - incompleteGammaP(Math.floor(k) + 1, mu);
}

/** Negative-binomial CDF P(X ≤ k) with mean μ and size r (variance μ + μ²/r): I_{r/(r+μ)}(r, k + 1). */
export function pnbinom(k: number, size: number, mu: number): number {
  if (k < 0) return 0;
  if (mu <= 0) return 1;
  return incompleteBeta(size / (size + mu), size, Math.floor(k) + 1);
}

// Smallest integer k with cdf(k) ≥ p, searched from a normal-approximation start. The target is
// shrunk by 64 ε so that a CDF that equals p up to rounding counts as reaching it (as R's q-functions do).
function discreteQuantile(p: number, mean: number, sd: number, cdf: (k: number) => number): number {
  const target = p * (1 - 64 * DBL_EPSILON);
  let k = Math.max(0, Math.floor(mean + sd * qnorm(p)));
  if (cdf(k) >= target) {
    while (k > 0 && cdf(k - 1) >= target) k--;
    return k;
  }
  // Step up, doubling the stride, then bisect back to the smallest k reaching the target.
  let lo = k;
  let step = 1;
  let hi = k + step;
  while (cdf(hi) < target) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (cdf(mid) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Poisson quantile: smallest k with P(X ≤ k) ≥ p. */
export function qpois(p: number, mu: number): number {
  if (mu <= 0) return 0;
  return discreteQuantile(p, mu, Math.sqrt(mu), (k) => ppois(k, mu));
}

/** Negative-binomial quantile (mean μ, size r): smallest k with P(X ≤ k) ≥ p. */
export function qnbinom(p: number, size: number, mu: number): number {
  if (mu <= 0) return 0;
  if (!Number.isFinite(size)) return qpois(p, mu);
  return discreteQuantile(p, mu, Math.sqrt(mu + (mu * mu) / size), (k) => pnbinom(k, size, mu));
}
