/**
 * Agreement with R `surveillance` 1.20 on the fixtures written by
 * scripts/r/surveillance-reference-ears-cusum-glr.R: identical alarms, thresholds within 1e-3 relative.
 */
import { describe, expect, it } from 'vitest';
import agona from '../../../test/fixtures/surveillance/ears-cusum-glr-salmonella-agona.json' with { type: 'json' };
import daily from '../../../test/fixtures/surveillance/ears-cusum-glr-sim-daily.json' with { type: 'json' };
// Long high-count daily series, glrnb only (scripts/r/surveillance-reference-glrnb-long.R).
import longDaily from '../../../test/fixtures/surveillance/ears-cusum-glr-long-daily.json' with { type: 'json' };
import sparse from '../../../test/fixtures/surveillance/ears-cusum-glr-sim-weekly-sparse.json' with { type: 'json' };
import { cusum, type CusumTransform } from './cusum.js';
import { earsC, type EarsMethod } from './ears.js';
import { glrnb, type GlrMu0Model } from './glrnb.js';
import type { CountSeries, DetectionRow, Frequency } from './types.js';

interface FixtureCase {
  id: string;
  method: string;
  control: Record<string, unknown>;
  m?: number[] | null;
  mu0?: number[] | GlrMu0Model | null;
  rangeStart: number;
  rangeEnd: number;
  upperbound: (number | null)[];
  alarm: (number | null)[];
}
interface Fixture {
  name: string;
  frequency: number;
  observed: number[];
  cases: FixtureCase[];
}

/** Runs our detector with the fixture's R control (R ranges are 1-based). */
export function runCase(series: CountSeries, c: FixtureCase): DetectionRow[] {
  const range = { start: c.rangeStart - 1, end: c.rangeEnd - 1 };
  const ctl = c.control as Record<string, any>;
  if (c.method === 'earsC') {
    return earsC(series, { method: ctl.method as EarsMethod, alpha: ctl.alpha, baseline: ctl.baseline, minSigma: ctl.minSigma, range });
  }
  if (c.method === 'cusum') {
    return cusum(series, { k: ctl.k, h: ctl.h, trans: ctl.trans as CusumTransform | undefined, m: c.m ?? null, range });
  }
  return glrnb(series, { cARL: ctl['c.ARL'], ret: ctl.ret, mu0: c.mu0 ?? null, range });
}

/** Largest relative threshold difference and the number of alarm mismatches of one case. */
export function compare(rows: DetectionRow[], c: FixtureCase): { maxRel: number; mismatches: number; nullMismatches: number } {
  let maxRel = 0;
  let mismatches = 0;
  let nullMismatches = 0;
  rows.forEach((row, i) => {
    const ub = c.upperbound[i];
    if (ub === null || row.threshold === null) {
      if ((ub === null) !== (row.threshold === null)) nullMismatches++;
    } else {
      const diff = Math.abs(row.threshold - ub);
      maxRel = Math.max(maxRel, diff === 0 ? 0 : diff / Math.max(Math.abs(ub), 1e-12));
    }
    // R gives NA alarms where the upper bound is NaN; the detectors report those as no alarm.
    if (row.alarm !== (c.alarm[i] === 1)) mismatches++;
  });
  return { maxRel, mismatches, nullMismatches };
}

for (const fx of [agona, daily, sparse, longDaily] as unknown as Fixture[]) {
  const series: CountSeries = { observed: fx.observed, frequency: fx.frequency as Frequency };
  describe(`R surveillance agreement: ${fx.name}`, () => {
    for (const c of fx.cases) {
      it(`${c.id}: alarms identical, thresholds within 1e-3`, () => {
        const rows = runCase(series, c);
        expect(rows.length).toBe(c.upperbound.length);
        expect(rows[0].index).toBe(c.rangeStart - 1);
        const { maxRel, mismatches, nullMismatches } = compare(rows, c);
        expect(nullMismatches).toBe(0);
        expect(mismatches).toBe(0);
        expect(maxRel).toBeLessThan(1e-3);
      });
    }
  });
}
