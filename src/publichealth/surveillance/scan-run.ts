/**
 * The space-time step of a detection run (method `scan`, CIDARS' space-time method): Kulldorff's
 * prospective space-time permutation scan (Kulldorff et al. 2005, PLoS Med 2(3):e59; detectors/
 * space-time-scan.ts) over the daily counts of every org unit of the configured level that has a
 * position (FHIR Location.position of its org-unit Location) and a case in the study period. Each
 * significant cluster (Monte Carlo p ≤ alpha, at least minCount cases) becomes a signal at its centre
 * unit, its evidence listing the member units. The seed is derived from the disease and the run date,
 * so that a re-run gives the same p-values (runs are idempotent).
 */
import { createHash } from 'node:crypto';
import type { Executor } from '../../foundation/db/index.js';
import { orgUnitLocations } from '../../foundation/fhir/index.js';
import { dayNumber, isoOfDay } from '../aggregation/index.js';
import { spaceTimePermutationScan } from '../detectors/index.js';
import { countsByUnit } from './cases.repository.js';
import { historyDays, LEVEL_LENGTH, type DetectionConfig } from './diseases.js';

/** WGS84 position of an org unit. */
export interface UnitPosition {
  readonly longitude: number;
  readonly latitude: number;
}

/** Positions of the org units with `codeLength`-character codes whose Location carries one. */
export async function orgUnitPositions(ex: Executor, codeLength: number): Promise<Map<string, UnitPosition>> {
  const out = new Map<string, UnitPosition>();
  for (const { code, location } of await orgUnitLocations(ex, { codeLength })) {
    const { longitude, latitude } = location.position ?? {};
    if (Number.isFinite(longitude) && Number.isFinite(latitude)) out.set(code, { longitude: longitude as number, latitude: latitude as number });
  }
  return out;
}

/** A significant cluster of one scan, as the runner stores it. */
export interface ScanSignal {
  readonly centre: string;
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly observed: number;
  readonly expected: number;
  readonly evidence: Record<string, unknown>;
}

/** What one scan did: skipped (fewer than two units with a position and cases), or its clusters. */
export type ScanOutcome = { readonly outcome: 'skipped'; readonly reason: string } | { readonly outcome: 'evaluated'; readonly alarms: number; readonly signals: ScanSignal[] };

/** Most units in one cluster. */
const MAX_UNITS = 10;

/** A 32-bit seed from the disease and the run date. */
function seedOf(disease: string, runDate: string): number {
  return createHash('sha256').update(`${disease}|${runDate}`).digest().readUInt32LE(0) || 1;
}

/**
 * Runs the scan of `config` for `disease` on `runDay` over the units' positions: planar kilometres
 * (equirectangular projection at the units' mean latitude, ample at district scale).
 */
export async function scanRun(ex: Executor, disease: string, config: DetectionConfig, runDay: number, dataStart: number, positions: Map<string, UnitPosition>): Promise<ScanOutcome> {
  const startDay = Math.max(dataStart, runDay - historyDays(config) + 1);
  const days = runDay - startDay + 1;
  const rows = await countsByUnit(ex, { disease, groupLength: LEVEL_LENGTH[config.level], from: isoOfDay(startDay), to: isoOfDay(runDay) });
  const units = [...new Set(rows.map((r) => r.unit))].filter((u) => positions.has(u)).sort();
  if (units.length < 2) return { outcome: 'skipped', reason: 'fewer than two units with a position and cases' };
  const column = new Map(units.map((u, i) => [u, i]));
  const counts = Array.from({ length: days }, () => new Array<number>(units.length).fill(0));
  for (const r of rows) {
    const a = column.get(r.unit);
    if (a !== undefined) counts[dayNumber(r.day) - startDay][a] += r.n;
  }
  const lat0 = (units.reduce((s, u) => s + (positions.get(u) as UnitPosition).latitude, 0) / units.length) * (Math.PI / 180);
  const areas = units.map((u) => {
    const p = positions.get(u) as UnitPosition;
    return { id: u, x: p.longitude * 111.32 * Math.cos(lat0), y: p.latitude * 110.57 };
  });
  const alpha = config.params?.alpha ?? 0.05;
  const maxDays = config.params?.baseline ?? 7;
  const minCount = Math.max(1, config.minCount ?? 1);
  const replications = 999;
  // A cluster of at most MAX_UNITS neighbouring units (half of them when fewer): village clusters are
  // local, and the scan's cost grows with the circle size (units × size × days × replications).
  // (The scan keeps ⌊A·fraction⌋ units: half a unit more than the cap keeps the rounding off it.)
  const maxAreaFraction = Math.min(0.5, (MAX_UNITS + 0.5) / units.length);
  const maxUnits = Math.max(1, Math.floor(units.length * maxAreaFraction));
  const clusters = spaceTimePermutationScan(areas, counts, { maxDays, replications, maxAreaFraction, seed: seedOf(disease, isoOfDay(runDay)) });
  const significant = clusters.filter((c) => c.pValue <= alpha);
  const signals = significant
    .filter((c) => c.observed >= minCount)
    .map((c): ScanSignal => {
      const members = c.areas.map((a) => units[a]);
      return {
        centre: units[c.center],
        periodStart: startDay + c.startDay,
        periodEnd: startDay + c.endDay,
        observed: c.observed,
        expected: c.expected,
        evidence: {
          method: 'scan',
          parameters: { level: config.level, alpha, maxDays, maxUnits, studyDays: days, replications, minCount },
          frequency: 365,
          observed: c.observed,
          threshold: null,
          expected: c.expected,
          llr: c.llr,
          pValue: c.pValue,
          areas: members,
          casesFrom: isoOfDay(startDay + c.startDay),
          casesTo: isoOfDay(startDay + c.endDay),
          // Daily cases of the cluster's units over the study period (the evidence chart).
          series: { start: isoOfDay(startDay), interval: 'day', counts: counts.map((row) => c.areas.reduce((s, a) => s + row[a], 0)) },
        },
      };
    });
  return { outcome: 'evaluated', alarms: significant.length, signals };
}
