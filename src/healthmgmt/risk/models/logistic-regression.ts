/**
 * L2-regularised logistic regression trained in-process by Newton–Raphson (IRLS).
 *
 * Deterministic: no random initialisation or shuffling, so the same data always give the same model.
 * Features are standardised (z-scores) before fitting; the penalty λ/2·‖β‖² applies to the standardised
 * coefficients, never to the intercept. Method: Hastie, Tibshirani, Friedman, The Elements of
 * Statistical Learning, 2nd ed., §4.4.1 (IRLS) and §4.4.4 (L2-penalised logistic regression).
 */

/** Options of {@link trainLogisticRegression}. */
export interface LogisticTrainOptions {
  /** L2 penalty λ on standardised coefficients (default 1e-4 × n, a light ridge). */
  readonly l2?: number;
  readonly maxIterations?: number;
  /** Stop when the largest Newton step is below this (default 1e-9). */
  readonly tolerance?: number;
  /** Standardise features before fitting (default true). */
  readonly standardize?: boolean;
}

/** A fitted model. Coefficients are on the standardised scale; see {@link originalScaleCoefficients}. */
export interface LogisticModel {
  readonly featureNames: readonly string[];
  readonly intercept: number;
  readonly coefficients: readonly number[];
  readonly means: readonly number[];
  readonly sds: readonly number[];
  readonly iterations: number;
  readonly converged: boolean;
}

/** One feature's contribution to a person's linear predictor. */
export interface FeatureContribution {
  readonly feature: string;
  /** Coefficient × standardised value, on the log-odds scale. */
  readonly contribution: number;
  readonly value: number;
}

/** Logistic function, stable for large |z|. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Solves A x = b for a symmetric positive-definite A by Cholesky decomposition (A is not modified). */
export function solveSpd(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i][j];
      for (let k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
      if (i === j) {
        if (sum <= 0) throw new RangeError('matrix is not positive definite (collinear or constant features without penalty?)');
        l[i][i] = Math.sqrt(sum);
      } else {
        l[i][j] = sum / l[j][j];
      }
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i][k] * y[k];
    y[i] = sum / l[i][i];
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < n; k++) sum -= l[k][i] * x[k];
    x[i] = sum / l[i][i];
  }
  return x;
}

function columnStats(x: readonly (readonly number[])[], p: number, standardize: boolean): { means: number[]; sds: number[] } {
  const means = new Array<number>(p).fill(0);
  const sds = new Array<number>(p).fill(1);
  if (!standardize) return { means, sds };
  for (const row of x) for (let j = 0; j < p; j++) means[j] += row[j];
  for (let j = 0; j < p; j++) means[j] /= x.length;
  const ss = new Array<number>(p).fill(0);
  for (const row of x) for (let j = 0; j < p; j++) ss[j] += (row[j] - means[j]) ** 2;
  for (let j = 0; j < p; j++) {
    const sd = Math.sqrt(ss[j] / x.length);
    sds[j] = sd > 0 ? sd : 1; // a constant column stays 0 after centring
  }
  return { means, sds };
}

/**
 * Trains an L2-regularised logistic regression by Newton–Raphson.
 * @param x rows of feature values (n × p), @param y outcomes 0/1, @param featureNames p names.
 */
export function trainLogisticRegression(
  x: readonly (readonly number[])[],
  y: readonly number[],
  featureNames: readonly string[],
  options: LogisticTrainOptions = {},
): LogisticModel {
  const n = x.length;
  const p = featureNames.length;
  if (n === 0 || y.length !== n) throw new RangeError(`need as many outcomes as rows (rows ${n}, outcomes ${y.length})`);
  for (const row of x) if (row.length !== p) throw new RangeError(`every row needs ${p} features`);
  for (const v of y) if (v !== 0 && v !== 1) throw new RangeError(`outcomes must be 0 or 1, got ${v}`);
  const lambda = options.l2 ?? 1e-4 * n;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-9;
  const { means, sds } = columnStats(x, p, options.standardize ?? true);
  const z = x.map((row) => row.map((v, j) => (v - means[j]) / sds[j]));
  const beta = new Array<number>(p + 1).fill(0); // [intercept, β1..βp]
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations++;
    const gradient = new Array<number>(p + 1).fill(0);
    const hessian: number[][] = Array.from({ length: p + 1 }, () => new Array<number>(p + 1).fill(0));
    for (let i = 0; i < n; i++) {
      const row = z[i];
      let eta = beta[0];
      for (let j = 0; j < p; j++) eta += beta[j + 1] * row[j];
      const mu = sigmoid(eta);
      const w = Math.max(mu * (1 - mu), 1e-12);
      const r = y[i] - mu;
      gradient[0] += r;
      hessian[0][0] += w;
      for (let j = 0; j < p; j++) {
        gradient[j + 1] += r * row[j];
        hessian[0][j + 1] += w * row[j];
        for (let k = 0; k <= j; k++) hessian[j + 1][k + 1] += w * row[j] * row[k];
      }
    }
    for (let j = 1; j <= p; j++) {
      hessian[j][0] = hessian[0][j];
      for (let k = 1; k < j; k++) hessian[k][j] = hessian[j][k];
      gradient[j] -= lambda * beta[j];
      hessian[j][j] += lambda;
    }
    const step = solveSpd(hessian, gradient);
    let largest = 0;
    for (let j = 0; j <= p; j++) {
      beta[j] += step[j];
      largest = Math.max(largest, Math.abs(step[j]));
    }
    converged = largest < tolerance;
  }
  return { featureNames: [...featureNames], intercept: beta[0], coefficients: beta.slice(1), means, sds, iterations, converged };
}

/** Linear predictor (log-odds) of one row. */
export function linearPredictor(model: LogisticModel, row: readonly number[]): number {
  let eta = model.intercept;
  for (let j = 0; j < model.coefficients.length; j++) eta += model.coefficients[j] * ((row[j] - model.means[j]) / model.sds[j]);
  return eta;
}

/** Predicted probability of the event for one row. */
export function predictProbability(model: LogisticModel, row: readonly number[]): number {
  return sigmoid(linearPredictor(model, row));
}

/** Intercept and coefficients on the features' original scale (β/sd, intercept − Σβ·mean/sd). */
export function originalScaleCoefficients(model: LogisticModel): { intercept: number; coefficients: number[] } {
  const coefficients = model.coefficients.map((b, j) => b / model.sds[j]);
  const intercept = model.intercept - coefficients.reduce((sum, b, j) => sum + b * model.means[j], 0);
  return { intercept, coefficients };
}

/**
 * The `k` features contributing most to this person's log-odds, by |coefficient × standardised value|
 * (contribution relative to an average person), largest first.
 */
export function topContributions(model: LogisticModel, row: readonly number[], k = 3): FeatureContribution[] {
  return model.coefficients
    .map((b, j) => ({ feature: model.featureNames[j], contribution: b * ((row[j] - model.means[j]) / model.sds[j]), value: row[j] }))
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.feature.localeCompare(b.feature))
    .slice(0, k);
}
