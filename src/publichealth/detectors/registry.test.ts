import { describe, expect, it } from 'vitest';
import agona from '../../../test/fixtures/surveillance/ears-cusum-glr-salmonella-agona.json' with { type: 'json' };
import { earsC } from './ears.js';
import { farrington } from './farrington.js';
import { farringtonFlexible, noufaily } from './farrington-flexible.js';
import { getDetector, isMethodName, METHOD_NAMES } from './registry.js';

const series = { observed: agona.observed, frequency: 52 as const };

describe('detector registry', () => {
  it('knows every CLI method name and rejects others', () => {
    expect(METHOD_NAMES).toHaveLength(11);
    expect(isMethodName('glrnb')).toBe(true);
    expect(() => getDetector('shewhart')).toThrow(/unknown method "shewhart"/);
  });

  it('unset CLI parameters keep each method\'s defaults', () => {
    expect(getDetector('ears-c2')(series, {})).toEqual(earsC(series, { method: 'C2' }));
    expect(getDetector('farrington')(series, {})).toEqual(farrington(series));
    expect(getDetector('farrington-flexible')(series, {})).toEqual(farringtonFlexible(series));
    expect(getDetector('noufaily')(series, {})).toEqual(noufaily(series));
  });

  it('maps the generic parameters onto the method options', () => {
    expect(getDetector('ears-c1')(series, { alpha: 0.05, baseline: 10 })).toEqual(earsC(series, { alpha: 0.05, baseline: 10 }));
    const mpm = getDetector('mpm')(series, { alpha: 0.2, b: 2, w: 2 });
    expect(mpm[0].index).toBe(2 * 52 + 2);
  });
});
