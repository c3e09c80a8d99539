/**
 * Evaluation-range helpers shared by the detectors.
 */
import type { CountSeries, EvaluationRange } from './types.js';

/**
 * Default range for methods where R `surveillance` has none (cusum, glrnb require `range`):
 * every period after the first year (`frequency` periods), or after the first half of a series
 * shorter than two years, so that the in-control level is estimated from history.
 */
export function defaultMonitoringRange(series: CountSeries): EvaluationRange {
  const n = series.observed.length;
  if (n < 2) throw new RangeError('the series needs at least two periods');
  const start = Math.max(1, Math.min(series.frequency, Math.floor(n / 2)));
  return { start, end: n - 1 };
}

/** Checks that a range lies inside the series and is not empty. */
export function assertRange(name: string, range: EvaluationRange, length: number, minStart = 0): void {
  if (!Number.isInteger(range.start) || !Number.isInteger(range.end) || range.start < minStart || range.end >= length || range.end < range.start) {
    throw new RangeError(`${name}: range ${range.start}..${range.end} is outside the evaluable periods ${minStart}..${length - 1}`);
  }
}
