import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../foundation/random.js';
import { essenceEwmaDetails, ptUpper } from './essence-ewma.js';

// The EWMA skips p-values before the range and computes one p-value per period where the two
// statistics differ clearly; these tests check both shortcuts against their definitions.
function series(seed: number, kind: number): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: 300 }, (_, t) => {
    if (kind === 0) return Math.floor(r() * 8);
    if (kind === 1) return r() < 0.05 ? 0 : 5; // constant baseline with drops: large negative statistics
    return r() < 0.03 ? 40 : Math.floor(r() * 2) * (1 + Math.round(Math.sin(t / 7)));
  });
}

describe('essenceEwmaDetails shortcuts', () => {
  it('rows over a range equal the same rows of a full run', () => {
    for (let k = 0; k < 9; k++) {
      const y = series(k, k % 3);
      const full = essenceEwmaDetails({ observed: y, frequency: 365 });
      const part = essenceEwmaDetails({ observed: y, frequency: 365 }, { range: { start: 150, end: 299 } });
      expect(part).toEqual(full.filter((row) => row.index >= 150));
    }
  });

  it('reports the p-value of its statistic, the smaller of the two EWMAs, as Rnssp does', () => {
    for (let k = 0; k < 9; k++) {
      const y = series(100 + k, k % 3);
      for (const row of essenceEwmaDetails({ observed: y, frequency: 365 })) {
        const n = Math.min(28, row.index - 2);
        expect(row.pValue).toBe(ptUpper(row.statistic, n - 1));
        expect(row.level === 'red').toBe(row.alarm);
      }
    }
  });

  it('handles periods where both p-values round to 1 (a tie)', () => {
    // Constant 5s, then a 0: both statistics are strongly negative and p rounds to 1 for both.
    const y = [...Array<number>(40).fill(5), 0, 0];
    const rows = essenceEwmaDetails({ observed: y, frequency: 365 });
    const last = rows[rows.length - 1];
    expect(last.pValue).toBe(1);
    expect(last.statistic).toBeLessThan(-20);
  });
});
