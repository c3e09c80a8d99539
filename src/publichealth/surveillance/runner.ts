/**
 * A detection run for one date: for every configured disease × org level × method, the daily count
 * series of every org unit with a case in the compared period (the run day; MPM: its window; weekly
 * methods: the last complete week) is built from proj_case over the method's history, the method is
 * applied (detect-series.ts) and alarms become signals with their evidence; the space-time scan
 * (method `scan`) looks at all the level's units at once (scan-run.ts). Idempotent: the same
 * date run twice gives the same signals (refreshed evidence, untouched workflow).
 */
import type { Database } from '../../foundation/db/index.js';
import { dayNumber } from '../aggregation/index.js';
import { isoDay } from '../detectors/index.js';
import { countsByUnit, firstCaseDay } from './cases.repository.js';
import { comparedFrom, detectSeries } from './detect-series.js';
import { DEFAULT_DISEASES, historyDays, LEVEL_LENGTH, type DiseaseList } from './diseases.js';
import { orgUnitPositions, scanRun, type UnitPosition } from './scan-run.js';
import { saveRun, upsertSignal } from './signals.repository.js';

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

const dayIso = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

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

  // Positions of the org units, per code length, read once per run for the space-time scans.
  const positions = new Map<number, Awaited<ReturnType<typeof orgUnitPositions>>>();
  for (const disease of list) {
    for (const config of disease.detection) {
      if (config.method === 'scan') {
        const length = LEVEL_LENGTH[config.level];
        if (!positions.has(length)) positions.set(length, await orgUnitPositions(db, length));
        const scan = await scanRun(db, disease.key, config, runDay, dataStart, positions.get(length) as Map<string, UnitPosition>);
        result.series++;
        if (scan.outcome === 'skipped') {
          result.skipped++;
          continue;
        }
        result.evaluated++;
        result.alarms += scan.alarms;
        for (const c of scan.signals) {
          const input = { disease: disease.key, orgUnit: c.centre, level: config.level, method: 'scan', periodStart: dayIso(c.periodStart), periodEnd: dayIso(c.periodEnd), runDate: options.date, observed: c.observed, threshold: null, evidence: c.evidence };
          const saved = await upsertSignal(db, input, clock());
          result.signals++;
          if (saved.inserted) result.newSignals++;
          result.signalIds.push(saved.id);
        }
        continue;
      }
      const startDay = Math.max(dataStart, runDay - historyDays(config) + 1);
      const length = runDay - startDay + 1;
      const rows = await countsByUnit(db, {
        disease: disease.key,
        groupLength: LEVEL_LENGTH[config.level],
        from: dayIso(startDay),
        to: options.date,
        withCasesFrom: dayIso(comparedFrom(config, runDay)),
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
          casesFrom: dayIso(v.casesFrom),
          casesTo: dayIso(v.casesTo),
          series: { start: dayIso(v.seriesStart), interval: v.frequency === 52 ? 'week' : 'day', counts: v.series },
        };
        const saved = await upsertSignal(
          db,
          {
            disease: disease.key,
            orgUnit: unit,
            // A fixed-threshold case known only to its town or district is signalled there.
            level: unit.length >= LEVEL_LENGTH[config.level] ? config.level : unit.length >= LEVEL_LENGTH.town ? 'town' : 'district',
            method: config.method,
            periodStart: dayIso(v.periodStart),
            periodEnd: dayIso(v.periodEnd),
            runDate: options.date,
            observed: v.observed,
            threshold: v.threshold,
            evidence,
          },
          clock(),
        );
        result.signals++;
        if (saved.inserted) result.newSignals++;
        result.signalIds.push(saved.id);
      }
    }
  }
  result.seconds = (performance.now() - t0) / 1000;
  await saveRun(db, { runDate: options.date, startedAt: started, finishedAt: clock(), series: result.series, evaluated: result.evaluated, skipped: result.skipped, alarms: result.alarms, signalsNew: result.newSignals, signalsTotal: result.signals });
  return result;
}
