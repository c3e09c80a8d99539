/**
 * Medication adherence: Proportion of Days Covered (PDC) per the Pharmacy Quality Alliance
 * definition, and Medication Possession Ratio (MPR). Pure: fills in, ratios out.
 *
 * PDC (PQA, "Adherence: Proportion of Days Covered", technical specification; Nau DP, PQA 2012):
 *  - measurement period [from, to]; only fills dated inside it count;
 *  - index date = first fill of the therapeutic class in the period; denominator = days from the
 *    index date to the end of the period, inclusive;
 *  - a patient needs ≥ 2 fills on distinct dates of service in the period, else no value;
 *  - fills of the SAME drug that overlap are shifted forward to start the day after the earlier
 *    supply runs out (early refills are stockpiled);
 *  - fills of DIFFERENT drugs of the same class that overlap are not shifted: a day is covered
 *    when any drug of the class covers it;
 *  - coverage past the end of the period is cut off; PDC ≥ 0.80 is adherent.
 * MPR = total days' supply of the class's fills in the period / the same denominator (not
 * truncated, not capped; Sperber CM et al., J Manag Care Spec Pharm 2017;23:871).
 * A patient with several classes gets the class with the lowest PDC (adherent only if adherent
 * to every class): documented in docs/chronic-care.md.
 */
import { pushTo } from '../../foundation/collections.js';

export interface Fill {
  patient: string;
  drug: string;
  /** Therapeutic class: drugs of one class substitute for each other. */
  drugClass: string;
  /** ISO date YYYY-MM-DD. */
  date: string;
  daysSupply: number;
}

export interface AdherenceResult {
  patient: string;
  /** null when the patient has fewer than 2 fills on distinct dates in the period. */
  pdc: number | null;
  mpr: number | null;
  adherent: boolean | null;
  /** The class the values come from (the lowest PDC). */
  drugClass: string | null;
}

export const PDC_THRESHOLD = 0.8;

const DAY = 86_400_000;

/** Days since 1970-01-01 of an ISO date (UTC, so no daylight-saving surprises). */
export function dayNumber(isoDate: string): number {
  return Math.round(Date.parse(`${isoDate}T00:00:00Z`) / DAY);
}

/** PDC and MPR of one patient's fills of one class over [from, to] (day numbers). */
export function classAdherence(fills: readonly Fill[], from: number, to: number): { pdc: number; mpr: number } | null {
  const inPeriod = fills.filter((f) => {
    const d = dayNumber(f.date);
    return d >= from && d <= to && f.daysSupply > 0;
  });
  if (new Set(inPeriod.map((f) => f.date)).size < 2) return null;
  const index = Math.min(...inPeriod.map((f) => dayNumber(f.date)));
  const denominator = to - index + 1;
  const covered = new Uint8Array(denominator);
  const byDrug = new Map<string, Fill[]>();
  for (const f of inPeriod) pushTo(byDrug, f.drug, f);
  for (const drugFills of byDrug.values()) {
    // Same drug: shift an overlapping fill to start after the previous supply ends.
    const sorted = [...drugFills].sort((a, b) => dayNumber(a.date) - dayNumber(b.date));
    let nextFree = -Infinity;
    for (const f of sorted) {
      const start = Math.max(dayNumber(f.date), nextFree);
      const end = start + f.daysSupply - 1;
      for (let d = Math.max(start, index); d <= Math.min(end, to); d++) covered[d - index] = 1;
      nextFree = end + 1;
    }
  }
  const days = covered.reduce((n, c) => n + c, 0);
  const supply = inPeriod.reduce((n, f) => n + f.daysSupply, 0);
  return { pdc: days / denominator, mpr: supply / denominator };
}

/** Adherence of every patient in `fills` over [from, to] (ISO dates), sorted by patient. */
export function adherence(fills: readonly Fill[], from: string, to: string): AdherenceResult[] {
  const start = dayNumber(from);
  const end = dayNumber(to);
  if (!(end >= start)) throw new RangeError(`--to (${to}) must not be before --from (${from})`);
  const byPatient = new Map<string, Map<string, Fill[]>>();
  for (const f of fills) {
    const classes = byPatient.get(f.patient) ?? new Map<string, Fill[]>();
    pushTo(classes, f.drugClass, f);
    byPatient.set(f.patient, classes);
  }
  const results: AdherenceResult[] = [];
  for (const [patient, classes] of [...byPatient.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    let worst: { drugClass: string; pdc: number; mpr: number } | null = null;
    for (const [drugClass, classFills] of classes) {
      const r = classAdherence(classFills, start, end);
      if (r && (!worst || r.pdc < worst.pdc)) worst = { drugClass, ...r };
    }
    results.push(
      worst
        ? { patient, pdc: worst.pdc, mpr: worst.mpr, adherent: worst.pdc >= PDC_THRESHOLD, drugClass: worst.drugClass }
        : { patient, pdc: null, mpr: null, adherent: null, drugClass: null },
    );
  }
  return results;
}
