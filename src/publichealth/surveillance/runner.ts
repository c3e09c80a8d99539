/**
 * A detection run for one date: for every configured disease × org level × method, the daily count
 * series of every org unit with a case in the compared period (the run day; MPM: its window; weekly
 * methods: the last complete week) is built from proj_case over the method's history, the method is
 * applied (detect-series.ts) and alarms become signals with their evidence; the space-time scan
 * (method `scan`) looks at all the level's units at once (scan-run.ts). Idempotent: the same
 * date run twice gives the same signals (refreshed evidence, untouched workflow).
 */
import type { Database } from '../../foundation/db/index.js';
import { dayNumber, isoOfDay } from '../aggregation/index.js';
import { isoDay } from '../detectors/index.js';
import { countsByUnit, firstCaseDay } from './cases.repository.js';
import { comparedFrom, detectSeries } from './detect-series.js';
import { DEFAULT_DISEASES, historyDays, LEVEL_LENGTH, type DiseaseList } from './diseases.js';
import { orgUnitPositions, scanRun, type UnitPosition } from './scan-run.js';
import { saveRun, upsertSignal, type SignalInput } from './signals.repository.js';

export interface RunOptions {
  /** Run date YYYY-MM-DD: the last day evaluated. */
  date: string;
  diseases?: DiseaseList;
  clock?: () => Date;
}

export interface RunResult {
  date: string;
  /** Series (disease × org unit × method; a space-time scan counts once per disease × level) looked at, evaluated by a method, skipped (no cases or too short). */
  series: number;
  evaluated: number;
  skipped: number;
  alarms: number;
  /** Signals found on this run, and how many of them were new. */
  signals: number;
  newSignals: number;
  /** Seconds the run took. */
  seconds: number;
  signalIds: string[];
}

/** Checks a run date (YYYY-MM-DD, a real calendar day). */
export function isRunDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && isoDay(value) !== null;
}

export async function runSurveillance(db: Database, options: RunOptions): Promise<RunResult> {
  if (!isRunDate(options.date)) throw new RangeError(`date must be YYYY-MM-DD, got ${options.date}`);
  const clock = options.clock ?? (() => new Date());
  const started = clock();
  const t0 = performance.now();
  const list = options.diseases ?? DEFAULT_DISEASES;
  const runDay = dayNumber(options.date);
  const first = await firstCaseDay(db);
  const result: RunResult = { date: options.date, series: 0, evaluated: 0, skipped: 0, alarms: 0, signals: 0, newSignals: 0, seconds: 0, signalIds: [] };
  const dataStart = first === null ? runDay : Math.min(runDay, dayNumber(first));

  // Stores a signal found on this run (inserted, or the same one's evidence refreshed).
  const record = async (input: Omit<SignalInput, 'runDate'>): Promise<void> => {
    const saved = await upsertSignal(db, { ...input, runDate: options.date }, clock());
    result.signals++;
    if (saved.inserted) result.newSignals++;
    result.signalIds.push(saved.id);
  };
  // Positions of the org units, per code length, read once per run for the space-time scans.
  const positions = new Map<number, Map<string, UnitPosition>>();
  for (const disease of list) {
    for (const config of disease.detection) {
      if (config.method === 'scan') {
        const length = LEVEL_LENGTH[config.level];
        let units = positions.get(length);
        if (!units) positions.set(length, (units = await orgUnitPositions(db, length)));
        const scan = await scanRun(db, disease.key, config, runDay, dataStart, units);
        result.series++;
        if (scan.outcome === 'skipped') {
          result.skipped++;
          continue;
        }
        result.evaluated++;
        result.alarms += scan.alarms;
        for (const c of scan.signals)
          await record({ disease: disease.key, orgUnit: c.centre, level: config.level, method: 'scan', periodStart: isoOfDay(c.periodStart), periodEnd: isoOfDay(c.periodEnd), observed: c.observed, threshold: null, evidence: c.evidence });
        continue;
      }
      const startDay = Math.max(dataStart, runDay - historyDays(config) + 1);
      const length = runDay - startDay + 1;
      const rows = await countsByUnit(db, {
        disease: disease.key,
        groupLength: LEVEL_LENGTH[config.level],
        from: isoOfDay(startDay),
        to: options.date,
        withCasesFrom: isoOfDay(comparedFrom(config, runDay)),
        keepShorter: config.method === 'fixed',
      });
      const byUnit = new Map<string, Int32Array>();
      for (const r of rows) {
        let s = byUnit.get(r.unit);
        if (!s) byUnit.set(r.unit, (s = new Int32Array(length)));
        s[dayNumber(r.day) - startDay] += r.n;
      }
      for (const [unit, daily] of byUnit) {
        result.series++;
        const v = detectSeries(config, daily, startDay);
        if (v.outcome === 'skipped') {
          result.skipped++;
          continue;
        }
        result.evaluated++;
        if (v.alarm) result.alarms++;
        if (v.outcome !== 'signal') continue;
        const evidence = {
          method: config.method,
          parameters: v.parameters,
          frequency: v.frequency,
          observed: v.observed,
          threshold: v.threshold,
          casesFrom: isoOfDay(v.casesFrom),
          casesTo: isoOfDay(v.casesTo),
          series: { start: isoOfDay(v.seriesStart), interval: v.frequency === 52 ? 'week' : 'day', counts: v.series },
        };
        await record({
          disease: disease.key,
          orgUnit: unit,
          // A fixed-threshold case known only to its town or district is signalled there.
          level: unit.length >= LEVEL_LENGTH[config.level] ? config.level : unit.length >= LEVEL_LENGTH.town ? 'town' : 'district',
          method: config.method,
          periodStart: isoOfDay(v.periodStart),
          periodEnd: isoOfDay(v.periodEnd),
          observed: v.observed,
          threshold: v.threshold,
          evidence,
        });
      }
    }
  }
  result.seconds = (performance.now() - t0) / 1000;
  await saveRun(db, { runDate: options.date, startedAt: started, finishedAt: clock(), series: result.series, evaluated: result.evaluated, skipped: result.skipped, alarms: result.alarms, signalsNew: result.newSignals, signalsTotal: result.signals });
  return result;
}
