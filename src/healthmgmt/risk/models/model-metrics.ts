/**
 * Discrimination and calibration metrics for a probabilistic classifier.
 *
 * AUC by the Mann–Whitney U statistic with mid-ranks for ties (Hanley JA, McNeil BJ, Radiology
 * 1982;143:29–36); Brier score (Brier GW, Mon Weather Rev 1950;78:1–3); calibration slope and
 * intercept by logistic recalibration (Cox DR, Biometrika 1958;45:562–565; Steyerberg EW, Clinical
 * Prediction Models, 2nd ed. 2019, §15.3); reliability table by groups of predicted risk.
 */
import { sigmoid, solveSpd } from './logistic-regression.js';

function check(predictions: readonly number[], outcomes: readonly number[]): void {
  if (predictions.length !== outcomes.length) throw new RangeError(`predictions (${predictions.length}) and outcomes (${outcomes.length}) differ in length`);
  if (predictions.length === 0) throw new RangeError('no predictions');
  for (const y of outcomes) if (y !== 0 && y !== 1) throw new RangeError(`outcomes must be 0 or 1, got ${y}`);
}

/**
 * Area under the ROC curve: the probability that a random event scores above a random non-event,
 * ties counting one half (Mann–Whitney U / (n1·n0)). Needs at least one event and one non-event.
 */
export function auc(scores: readonly number[], outcomes: readonly number[]): number {
  check(scores, outcomes);
  const order = scores.map((s, i) => i).sort((a, b) => scores[a] - scores[b]);
  const ranks = new Array<number>(scores.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const midRank = (i + j) / 2 + 1; // ranks are 1-based; ties share their mean rank
    for (let k = i; k <= j; k++) ranks[order[k]] = midRank;
    i = j + 1;
  }
  let nPos = 0;
  let rankSum = 0;
  outcomes.forEach((y, i) => {
    if (y === 1) {
      nPos++;
      rankSum += ranks[i];
    }
  });
  const nNeg = outcomes.length - nPos;
  if (nPos === 0 || nNeg === 0) throw new RangeError('AUC needs both events and non-events');
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Brier score: mean squared difference between predicted probability and outcome (0 is perfect). */
export function brierScore(probabilities: readonly number[], outcomes: readonly number[]): number {
  check(probabilities, outcomes);
  return probabilities.reduce((sum, p, i) => sum + (p - outcomes[i]) ** 2, 0) / probabilities.length;
}

/** Calibration by logistic recalibration of the predictions' log-odds. */
export interface Calibration {
  /** b in logit P(y) = a + b·logit(p): 1 is ideal, < 1 means predictions too extreme. */
  readonly slope: number;
  /** a in the same model. */
  readonly intercept: number;
  /** a in logit P(y) = a + logit(p) (slope fixed at 1): calibration-in-the-large, 0 is ideal. */
  readonly calibrationInTheLarge: number;
}

const EPS = 1e-12;
const logit = (p: number) => {
  const q = Math.min(Math.max(p, EPS), 1 - EPS);
  return Math.log(q / (1 - q));
};

/** Calibration slope, intercept and calibration-in-the-large by maximum likelihood (Newton–Raphson). */
export function calibration(probabilities: readonly number[], outcomes: readonly number[]): Calibration {
  check(probabilities, outcomes);
  const lp = probabilities.map(logit);
  // Two-parameter fit: logit P(y) = a + b·lp.
  let a = 0;
  let b = 1;
  for (let iteration = 0; iteration < 100; iteration++) {
    const g = [0, 0];
    const h = [[0, 0], [0, 0]];
    lp.forEach((x, i) => {
      const mu = sigmoid(a + b * x);
      const w = Math.max(mu * (1 - mu), EPS);
      g[0] += outcomes[i] - mu;
      g[1] += (outcomes[i] - mu) * x;
      h[0][0] += w;
      h[0][1] += w * x;
      h[1][1] += w * x * x;
    });
    h[1][0] = h[0][1];
    const [da, db] = solveSpd(h, g);
    a += da;
    b += db;
    if (Math.max(Math.abs(da), Math.abs(db)) < 1e-10) break;
  }
  // One-parameter fit with lp as offset: logit P(y) = a0 + lp.
  let a0 = 0;
  for (let iteration = 0; iteration < 100; iteration++) {
    let g = 0;
    let h = 0;
    lp.forEach((x, i) => {
      const mu = sigmoid(a0 + x);
      g += outcomes[i] - mu;
      h += Math.max(mu * (1 - mu), EPS);
    });
    const step = g / h;
    a0 += step;
    if (Math.abs(step) < 1e-10) break;
  }
  return { slope: b, intercept: a, calibrationInTheLarge: a0 };
}

/** One row of a reliability table. */
export interface ReliabilityRow {
  readonly group: number;
  readonly n: number;
  readonly meanPredicted: number;
  readonly observedRate: number;
  readonly minPredicted: number;
  readonly maxPredicted: number;
}

/**
 * Reliability (calibration) table: persons sorted by predicted risk and cut into `groups` groups of
 * (nearly) equal size — deciles by default; each row compares mean predicted risk with the observed rate.
 */
export function reliabilityTable(probabilities: readonly number[], outcomes: readonly number[], groups = 10): ReliabilityRow[] {
  check(probabilities, outcomes);
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`groups must be a positive integer, got ${groups}`);
  const order = probabilities.map((p, i) => i).sort((x, y) => probabilities[x] - probabilities[y] || x - y);
  const n = order.length;
  const rows: ReliabilityRow[] = [];
  for (let g = 0; g < groups; g++) {
    const start = Math.floor((g * n) / groups);
    const end = Math.floor(((g + 1) * n) / groups);
    if (end <= start) continue;
    const members = order.slice(start, end);
    const predicted = members.map((i) => probabilities[i]);
    rows.push({
      group: g + 1,
      n: members.length,
      meanPredicted: predicted.reduce((s, p) => s + p, 0) / members.length,
      observedRate: members.reduce((s, i) => s + outcomes[i], 0) / members.length,
      minPredicted: predicted[0],
      maxPredicted: predicted[predicted.length - 1],
    });
  }
  return rows;
}
