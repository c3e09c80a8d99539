/**
 * Aggregation of notifiable-disease case reports into count series per disease × org unit × day or
 * week — the input of the outbreak detectors (issue 5: "daily aggregation of cases per disease × org
 * unit (village, town, district) × day/week"). Pure: no I/O, no clock; days are integers
 * (days since 1970-01-01 UTC), so the caller decides which date of a report counts (CIDARS counts
 * cases by report date; Yang W. et al. 2011, WPSAR 2(1):10).
 */

/** One case report: disease key, the org unit it is attributed to, and its day number. */
export interface CaseEvent {
  readonly disease: string;
  readonly orgUnit: string;
  /** Days since 1970-01-01 (UTC). */
  readonly day: number;
}

/** Daily counts: disease → org unit → counts for `days` consecutive days from `startDay`. */
export interface DailyCounts {
  readonly startDay: number;
  readonly days: number;
  readonly series: Map<string, Map<string, Int32Array>>;
  /** Cases outside [startDay, startDay + days), not counted. */
  readonly dropped: number;
}

/** Weekly counts of one series: `counts[i]` covers the 7 days from `firstDay + 7i`. */
export interface WeeklySeries {
  /** Day number of the first day of the first complete week. */
  readonly firstDay: number;
  readonly counts: Int32Array;
}

/** Days since 1970-01-01 of an ISO date (YYYY-MM-DD, time part ignored). */
export function dayNumber(iso: string): number {
  const t = Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(t)) throw new RangeError(`bad date ${iso}`);
  return Math.floor(t / 86_400_000);
}

/** ISO date (YYYY-MM-DD) of a day number: the inverse of {@link dayNumber}. */
export function isoOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day number (1970-01-01 was a Thursday). */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function seriesOf(map: Map<string, Map<string, Int32Array>>, disease: string, unit: string, days: number): Int32Array {
  let byUnit = map.get(disease);
  if (!byUnit) map.set(disease, (byUnit = new Map()));
  let s = byUnit.get(unit);
  if (!s) byUnit.set(unit, (s = new Int32Array(days)));
  return s;
}

/**
 * Counts cases per disease × org unit × day. `units` (optional) lists org units per disease that must
 * have a series even without any case (an all-zero series is data too: detectors need it).
 */
export function aggregateDaily(
  cases: Iterable<CaseEvent>,
  startDay: number,
  days: number,
  units?: { readonly diseases: readonly string[]; readonly orgUnits: readonly string[] },
): DailyCounts {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a positive integer, got ${days}`);
  const series = new Map<string, Map<string, Int32Array>>();
  if (units) for (const d of units.diseases) for (const u of units.orgUnits) seriesOf(series, d, u, days);
  let dropped = 0;
  for (const c of cases) {
    const i = c.day - startDay;
    if (i < 0 || i >= days) {
      dropped++;
      continue;
    }
    seriesOf(series, c.disease, c.orgUnit, days)[i]++;
  }
  return { startDay, days, series, dropped };
}

/**
 * Rolls daily counts up the org-unit tree: every unit's series is added to its parent's
 * (`parentOf` returns undefined for units without a parent, which are then left out).
 * Apply twice for village → town → district.
 */
export function rollUp(counts: DailyCounts, parentOf: (orgUnit: string) => string | undefined): DailyCounts {
  const series = new Map<string, Map<string, Int32Array>>();
  for (const [disease, byUnit] of counts.series) {
    for (const [unit, s] of byUnit) {
      const parent = parentOf(unit);
      if (parent === undefined) continue;
      const target = seriesOf(series, disease, parent, counts.days);
      for (let i = 0; i < s.length; i++) target[i] += s[i];
    }
  }
  return { startDay: counts.startDay, days: counts.days, series, dropped: counts.dropped };
}

/**
 * Weekly totals of a daily series starting at day `startDay`: weeks begin on `weekStart` (ISO weekday,
 * default 1 = Monday, as ISO 8601 and China's weekly notifiable-disease reports); a leading and a
 * trailing partial week are left out, so every weekly count covers seven days.
 */
export function toWeekly(daily: ArrayLike<number>, startDay: number, weekStart = 1): WeeklySeries {
  const offset = (weekStart - isoWeekday(startDay) + 7) % 7;
  const weeks = Math.max(0, Math.floor((daily.length - offset) / 7));
  const counts = new Int32Array(weeks);
  for (let w = 0; w < weeks; w++) {
    let s = 0;
    for (let d = 0; d < 7; d++) s += daily[offset + 7 * w + d];
    counts[w] = s;
  }
  return { firstDay: startDay + offset, counts };
}
