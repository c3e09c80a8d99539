/**
 * Scoring of detector alarms against known outbreaks (simulated truth or confirmed signals): probability
 * of detection, false-alarm rate per period and days to detection — the measures of outbreak-detection
 * evaluations (Buckeridge D.L. 2007, "Outbreak detection through automated surveillance: a review of
 * the determinants of detection", J Biomed Inform 40:370; CIDARS: Li Z. et al. 2014, Bull WHO 92:656).
 * Pure.
 */

/** An outbreak: the area (org unit of the series that should alarm) and its days, both inclusive. */
export interface OutbreakWindow {
  readonly area: string;
  readonly startDay: number;
  readonly endDay: number;
}

/** The alarms of one series: period p covers days firstDay + p·periodDays … + periodDays − 1. */
export interface AlarmSeries {
  readonly area: string;
  readonly firstDay: number;
  /** 1 for daily, 7 for weekly series. */
  readonly periodDays: number;
  /** alarms[p] = 1 when period p raised an alarm; only periods ≥ `from` count. */
  readonly alarms: Uint8Array;
  /** First evaluated period. */
  readonly from: number;
}

/** Totals of one scoring run (sum them over series and diseases with {@link addScores}). */
export interface DetectionScore {
  /** Outbreaks starting on or after the evaluation start. */
  outbreaks: number;
  detected: number;
  /** Days from outbreak start to the end of the first alarming period inside the window, per detected outbreak. */
  delays: number[];
  /** Alarmed periods that overlap no outbreak window of their area. */
  falseAlarms: number;
  /** Evaluated periods that overlap no outbreak window of their area. */
  quietPeriods: number;
}

/** An empty score. */
export function emptyScore(): DetectionScore {
  return { outbreaks: 0, detected: 0, delays: [], falseAlarms: 0, quietPeriods: 0 };
}

/** Adds `b` into `a` (returns `a`). */
export function addScores(a: DetectionScore, b: DetectionScore): DetectionScore {
  a.outbreaks += b.outbreaks;
  a.detected += b.detected;
  for (const d of b.delays) a.delays.push(d);
  a.falseAlarms += b.falseAlarms;
  a.quietPeriods += b.quietPeriods;
  return a;
}

/**
 * Scores alarm series against outbreak windows. An outbreak (starting on or after `evalStartDay`) is
 * detected when a period of its area's series overlapping the outbreak window alarms; the delay is
 * counted to the last day of that period (a weekly count is known only when the week is over). The
 * false-alarm rate is alarms / evaluated periods outside every outbreak window of the same area.
 * Outbreaks whose area has no series count as not detected.
 */
export function scoreDetection(series: readonly AlarmSeries[], windows: readonly OutbreakWindow[], evalStartDay: number): DetectionScore {
  const byArea = new Map<string, OutbreakWindow[]>();
  for (const w of windows) {
    const list = byArea.get(w.area) ?? [];
    list.push(w);
    byArea.set(w.area, list);
  }
  const score = emptyScore();
  const seen = new Set<string>();
  for (const s of series) {
    seen.add(s.area);
    const own = byArea.get(s.area) ?? [];
    const first = (p: number): number => s.firstDay + p * s.periodDays;
    const last = (p: number): number => first(p) + s.periodDays - 1;
    for (let p = s.from; p < s.alarms.length; p++) {
      if (own.some((w) => first(p) <= w.endDay && last(p) >= w.startDay)) continue;
      score.quietPeriods++;
      if (s.alarms[p]) score.falseAlarms++;
    }
    for (const w of own) {
      if (w.startDay < evalStartDay) continue;
      score.outbreaks++;
      const p0 = Math.max(s.from, Math.floor((w.startDay - s.firstDay) / s.periodDays));
      for (let p = p0; p < s.alarms.length && first(p) <= w.endDay; p++) {
        if (s.alarms[p] && last(p) >= w.startDay) {
          score.detected++;
          score.delays.push(last(p) - w.startDay);
          break;
        }
      }
    }
  }
  for (const w of windows) if (!seen.has(w.area) && w.startDay >= evalStartDay) score.outbreaks++;
  return score;
}

/** Median of a list (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const x = [...values].sort((a, b) => a - b);
  const m = x.length >> 1;
  return x.length % 2 ? x[m] : (x[m - 1] + x[m]) / 2;
}
