/**
 * Pairwise evaluation of a clustering against ground truth (Christen 2012, "Data Matching",
 * ch. 7): every pair of records placed in one cluster is a predicted match; precision, recall and
 * F1 are counted over pairs, from the contingency table of (predicted, true) cluster labels, so
 * no pair is ever enumerated.
 */

/** Pairwise precision, recall and F1 with the counts behind them. */
export interface PairwiseMetrics {
  /** Records evaluated (present in both the prediction and the truth). */
  records: number;
  /** Pairs in the same predicted cluster. */
  predictedPairs: number;
  /** Pairs in the same true cluster. */
  truePairs: number;
  /** Pairs in the same predicted and the same true cluster. */
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
  /** Ids of the prediction that the truth does not list. */
  missingFromTruth: number;
}

const pairs = (k: number): number => (k * (k - 1)) / 2;

/**
 * Pairwise metrics of a predicted clustering.
 * @param predicted cluster label by record id
 * @param truth true person label by record id; ids absent from it are counted and skipped
 */
export function pairwiseMetrics(predicted: ReadonlyMap<string, string>, truth: ReadonlyMap<string, string>): PairwiseMetrics {
  const cell = new Map<string, number>();
  const pred = new Map<string, number>();
  const tru = new Map<string, number>();
  let records = 0;
  let missingFromTruth = 0;
  for (const [id, p] of predicted) {
    const t = truth.get(id);
    if (t === undefined) {
      missingFromTruth++;
      continue;
    }
    records++;
    const key = `${p}\u0000${t}`;
    cell.set(key, (cell.get(key) ?? 0) + 1);
    pred.set(p, (pred.get(p) ?? 0) + 1);
    tru.set(t, (tru.get(t) ?? 0) + 1);
  }
  let tp = 0;
  for (const k of cell.values()) tp += pairs(k);
  let pp = 0;
  for (const k of pred.values()) pp += pairs(k);
  let tt = 0;
  for (const k of tru.values()) tt += pairs(k);
  // Empty sets count as perfect: nothing predicted and nothing to find is not an error.
  const precision = pp === 0 ? 1 : tp / pp;
  const recall = tt === 0 ? 1 : tp / tt;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { records, predictedPairs: pp, truePairs: tt, truePositives: tp, precision, recall, f1, missingFromTruth };
}
