/**
 * Method name → detector, for the `detect` command and the surveillance runner. Each entry maps the
 * CLI's generic parameters onto the method's own options (unset parameters keep R's / Rnssp's defaults).
 */
import { cidarsMpm } from './cidars-mpm.js';
import { cusum } from './cusum.js';
import { earsC } from './ears.js';
import { essenceEwma } from './essence-ewma.js';
import { essenceRegression } from './essence-regression.js';
import { farrington } from './farrington.js';
import { farringtonFlexible, noufaily } from './farrington-flexible.js';
import { glrnb } from './glrnb.js';
import type { CountSeries, DetectionRow, EvaluationRange } from './types.js';

/** The method names of the CLI contract (issue 5). */
export const METHOD_NAMES = [
  'ears-c1',
  'ears-c2',
  'ears-c3',
  'farrington',
  'farrington-flexible',
  'noufaily',
  'cusum',
  'glrnb',
  'mpm',
  'ewma',
  'regression',
] as const;

/** One of {@link METHOD_NAMES}. */
export type MethodName = (typeof METHOD_NAMES)[number];

/**
 * Generic parameters, named as the CLI flags. Meaning per method:
 * alpha — EARS/Farrington alpha, MPM 1 − percentile; baseline — EARS baseline, MPM window length,
 * EWMA/regression B; minSigma — EARS; b — Farrington years back, MPM years; w — Farrington half window,
 * MPM adjacent windows, EWMA/regression guard band g; thresholdMethod — farrington-flexible;
 * k, h — CUSUM reference value and decision boundary, h is c.ARL for glrnb.
 */
export interface DetectorParams {
  readonly alpha?: number;
  readonly baseline?: number;
  readonly minSigma?: number;
  readonly b?: number;
  readonly w?: number;
  readonly thresholdMethod?: 'delta' | 'nbPlugin' | 'muan';
  readonly k?: number;
  readonly h?: number;
  /** ISO weekday (1 = Monday) of the first period; used by the ESSENCE regression. */
  readonly startWeekday?: number;
  readonly range?: EvaluationRange;
}

/** A detector behind a method name. */
export type Detector = (series: CountSeries, params: DetectorParams) => DetectionRow[];

/** Drops unset keys, so that `{ ...DEFAULTS, ...options }` in a detector keeps its defaults. */
function defined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const ears =
  (method: 'C1' | 'C2' | 'C3'): Detector =>
  (series, p) =>
    earsC(series, defined({ method, alpha: p.alpha, baseline: p.baseline, minSigma: p.minSigma, range: p.range }));

const REGISTRY: Record<MethodName, Detector> = {
  'ears-c1': ears('C1'),
  'ears-c2': ears('C2'),
  'ears-c3': ears('C3'),
  farrington: (series, p) => farrington(series, defined({ alpha: p.alpha, b: p.b, w: p.w, range: p.range })),
  'farrington-flexible': (series, p) =>
    farringtonFlexible(series, defined({ alpha: p.alpha, b: p.b, w: p.w, thresholdMethod: p.thresholdMethod, range: p.range })),
  noufaily: (series, p) => noufaily(series, defined({ alpha: p.alpha, b: p.b, w: p.w, thresholdMethod: p.thresholdMethod, range: p.range })),
  cusum: (series, p) => cusum(series, defined({ k: p.k, h: p.h, range: p.range })),
  glrnb: (series, p) => glrnb(series, defined({ cARL: p.h, range: p.range })),
  mpm: (series, p) =>
    cidarsMpm(
      series,
      defined({
        window: p.baseline,
        adjacent: p.w,
        years: p.b,
        percentile: p.alpha === undefined ? undefined : 1 - p.alpha,
        range: p.range,
      }),
    ),
  ewma: (series, p) => essenceEwma(series, defined({ B: p.baseline, g: p.w, range: p.range })),
  regression: (series, p) => essenceRegression(series, defined({ B: p.baseline, g: p.w, startWeekday: p.startWeekday, range: p.range })),
};

/** True if `name` is one of {@link METHOD_NAMES}. */
export function isMethodName(name: string): name is MethodName {
  return (METHOD_NAMES as readonly string[]).includes(name);
}

/**
 * The detector of a method name.
 * @throws Error for an unknown name (the message lists the known ones)
 */
export function getDetector(name: string): Detector {
  if (!isMethodName(name)) throw new Error(`unknown method "${name}" (expected one of ${METHOD_NAMES.join(', ')})`);
  return REGISTRY[name];
}
