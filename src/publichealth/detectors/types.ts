/**
 * Shared shapes of the outbreak-detection engine. Every detector is a pure function
 * (observed counts in, one row per evaluated period out) with R `surveillance`'s defaults.
 */

/** Observations per year: 52 (weekly), 365 (daily), 12 (monthly). */
export type Frequency = 52 | 365 | 12;

/** A contiguous count series; `observed[i]` is the count of period i. */
export interface CountSeries {
  readonly observed: readonly number[];
  readonly frequency: Frequency;
}

/** Which periods to evaluate: 0-based indices, both ends inclusive (R's `range`, minus one). */
export interface EvaluationRange {
  readonly start: number;
  readonly end: number;
}

/** One evaluated period, as R's `upperbound` and `alarm` slots give it. */
export interface DetectionRow {
  /** 0-based index into the series. */
  readonly index: number;
  readonly observed: number;
  /** Upper bound (R `upperbound`); null where R gives NA. */
  readonly threshold: number | null;
  readonly alarm: boolean;
}
